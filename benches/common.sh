# Shared by the side-by-side bench scripts (sourced, not run): a release build, a work directory
# and the background processes to stop on exit, the store to measure (the first argument, or the
# province demo built into the work directory), and psql_ on the `test` database with PostGIS.
#
# After sourcing: $bin, $work, $store, pids (append the pids of what you start), need, need_wrk,
# psql_, serve_store PORT (starts madinati on the store, waits until it is ready, sets $server) and
# nearby_lua FILE (a wrk script: /api/nearby, k = 10, from seeded random places around
# Dammam/Khobar, where the demo is dense).

need() { command -v "$1" >/dev/null || { echo "$1 is needed ($2)"; exit 1; }; }
need_wrk() {
  command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null || need wrk "apt-get install wrk"
}
need psql "postgresql-15"
need ogr2ogr "apt-get install gdal-bin"
pg_isready -h 127.0.0.1 -q || pg_ctlcluster --skip-systemctl-redirect 15 main start
cargo build --release --quiet
bin=target/release/madinati
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

store=${1:-}
if [ -z "$store" ]; then
  store=$work/province.gpkg
  echo "building the province demo..."
  "$bin" demo build --size province --out "$store" >/dev/null
fi

psql_() { psql -h 127.0.0.1 -U postgres -d test -X -q -At -v ON_ERROR_STOP=1 "$@"; }
psql_ -c "CREATE EXTENSION IF NOT EXISTS postgis"

serve_store() {
  "$bin" serve --store "$store" --listen "127.0.0.1:$1" 2>"$work/serve.log" &
  server=$!
  pids+=("$server")
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$1/ready" >/dev/null && return; sleep 0.5; done
  echo "madinati did not become ready:"; tail "$work/serve.log"; exit 1
}

nearby_lua() {
  cat > "$1" <<'LUA'
math.randomseed(1)
request = function()
  local lon = 49.95 + math.random() * 0.3
  local lat = 26.2 + math.random() * 0.3
  return wrk.format("GET", string.format("/api/nearby?lon=%.6f&lat=%.6f&limit=10", lon, lat))
end
LUA
}
