#!/usr/bin/env bash
# Where a request's CPU goes: for /health, /api/nearby from one fixed place and /api/nearby from
# random places, the throughput under wrk and the CPU time (user + kernel, from /proc) that the
# server and wrk each spend per request, measured in the same minute on the same cores.
#
#   benches/cpu_per_request.sh [STORE.gpkg]     (default: builds the province demo)
#
# Environment: DURATION (seconds per run, default 8), CONNECTIONS (default 16).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-8}
conns=${CONNECTIONS:-16}
source benches/common.sh
need_wrk

port=18081
serve_store $port

cat > "$work/health.lua" <<'LUA'
request = function() return wrk.format("GET", "/health") end
LUA
cat > "$work/fixed.lua" <<'LUA'
request = function() return wrk.format("GET", "/api/nearby?lon=50.100000&lat=26.300000&limit=10") end
LUA
nearby_lua "$work/random.lua"

ticks() { awk '{print $14, $15}' "/proc/$1/stat"; } # user, kernel (clock ticks)
hz=$(getconf CLK_TCK)
printf '%-46s %10s %22s %22s\n' "request" "req/s" "server user+kernel" "wrk user+kernel"
label() { case $1 in
  health) echo "GET /health (no work)";;
  fixed) echo "/api/nearby, one fixed place (all in cache)";;
  random) echo "/api/nearby, random places (as benchmarked)";;
esac; }
for name in health fixed random; do
  wrk -t2 -c"$conns" -d3s -s "$work/$name.lua" "http://127.0.0.1:$port" >/dev/null # warm-up
  read -r su0 sk0 < <(ticks "$server")
  wrk -t2 -c"$conns" -d"${duration}s" -s "$work/$name.lua" "http://127.0.0.1:$port" >"$work/wrk.out" &
  load=$!
  sleep 0.2
  wu=0; wk=0
  while kill -0 "$load" 2>/dev/null; do
    read -r wu wk < <(ticks "$load" 2>/dev/null || echo "$wu $wk")
    sleep 0.2
  done
  wait "$load"
  read -r su1 sk1 < <(ticks "$server")
  n=$(grep -o '[0-9]* requests' "$work/wrk.out" | cut -d' ' -f1)
  rate=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  us() { echo "scale=1; $1 * 1000000 / $hz / $n" | bc; }
  printf '%-46s %10.0f %10s + %6s µs %10s + %6s µs\n' "$(label "$name")" "$rate" \
    "$(us $((su1 - su0)))" "$(us $((sk1 - sk0)))" "$(us "$wu")" "$(us "$wk")"
done
