#!/usr/bin/env bash
# Side by side, in one run, on the same data: madinati's vector tiles against Martin 1.14 on
# PostGIS (both caches off), then madinati with its tile cache on against nginx serving the same
# tiles as static files. Random tile lists at z12, z14 and z16 around Dammam-Khobar, the same
# list for every server; wrk asks for gzip, as browsers do. Prints tiles/s and the ratios, and
# the largest tile of each list.
#
#   benches/tiles_vs_martin.sh [STORE.gpkg]     (default: builds the province demo)
#
# Environment: DURATION (seconds per run, default 20), CONNECTIONS (default 16), TILES (tiles
# per zoom list, default 500), MARTIN (path of a martin binary; installed with cargo otherwise).
#
# Both servers get the same layers, zoom ranges and attributes: districts from z8, plans from
# z11, streets from z10, service points from z12, parcels from z14 with number, plan, block and
# land use, and from z16 with all their public fields (Martin: two sources on the parcels table,
# parcels_lo for z14-15 and parcels_hi for z16+). madinati generalises further by itself (streets
# under 30 m wide wait until z12, services other than landmarks until z13; polygons simplified
# below z16), so some of its tiles are smaller: the table shows the largest of each.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-20}
conns=${CONNECTIONS:-16}
per_zoom=${TILES:-500}
martin=${MARTIN:-$(command -v martin || true)}
if [ -z "$martin" ]; then
  echo "installing Martin 1.14 (without the features that download a native renderer)..."
  cargo install martin@1.14.0 --locked --no-default-features \
    --features postgres,mbtiles,pmtiles,metrics --quiet
  martin=$(command -v martin || echo "$HOME/.cargo/bin/martin")
fi
"$martin" --version
source benches/common.sh
need wrk "apt-get install wrk"
need nginx "apt-get install nginx-light"
need python3 "python3"

layers=(districts plans streets service_points parcels)
declare -A geometry=([districts]=MULTIPOLYGON [plans]=MULTIPOLYGON [streets]=MULTILINESTRING
  [service_points]=POINT [parcels]=MULTIPOLYGON)
# Martin's sources: table, minzoom, maxzoom and public attributes (as madinati's tiles carry
# them; a name the table lacks as a column is skipped).
sources=(districts plans streets service_points parcels_lo parcels_hi)
declare -A table=([districts]=districts [plans]=plans [streets]=streets
  [service_points]=service_points [parcels_lo]=parcels [parcels_hi]=parcels)
declare -A minzoom=([districts]=8 [plans]=11 [streets]=10 [service_points]=12 [parcels_lo]=14
  [parcels_hi]=16)
declare -A maxzoom=([districts]=22 [plans]=22 [streets]=22 [service_points]=22 [parcels_lo]=15
  [parcels_hi]=22)
declare -A fields=(
  [districts]="source_id name_ar name_en city area_m2 valid_from valid_to"
  [plans]="source_id plan_no name status approved_on area_m2 valid_from valid_to"
  [streets]="source_id name_ar name_en width_m length_m valid_from valid_to"
  [service_points]="source_id name_ar name_en category phone opening_hours district valid_from valid_to"
  [parcels_lo]="parcel_no plan_no block_no land_use"
  [parcels_hi]="source_id parcel_no plan_no block_no district land_use deed_no deed_date official_area_m2 area_m2 valid_from valid_to"
)
echo "loading the same data into PostGIS (typed geometry columns with SRID 4326)..."
for layer in "${layers[@]}"; do
  ogr2ogr -f PostgreSQL "PG:host=127.0.0.1 user=postgres dbname=test" "$store" "$layer" \
    -nln "martin_$layer" -overwrite -t_srs EPSG:4326 -nlt "${geometry[$layer]}" \
    -lco GEOMETRY_NAME=geom -lco FID=fid -preserve_fid -lco SPATIAL_INDEX=GIST
  psql_ -c "ANALYZE martin_$layer"
done

# Martin: one table source per layer, cache off, the same zoom ranges and attributes.
{
  echo "listen_addresses: '127.0.0.1:18091'"
  echo "cache_size_mb: 0"
  echo "worker_processes: 2"
  echo "postgres:"
  echo "  connection_string: 'postgresql://postgres:postgres@127.0.0.1:5432/test'"
  echo "  pool_size: 20"
  echo "  auto_publish: false"
  echo "  tables:"
  for source in "${sources[@]}"; do
    t=martin_${table[$source]}
    echo "    $source:"
    echo "      schema: public"
    echo "      table: $t"
    echo "      srid: 4326"
    echo "      geometry_column: geom"
    echo "      geometry_type: ${geometry[${table[$source]}]}"
    echo "      id_column: fid"
    echo "      minzoom: ${minzoom[$source]}"
    echo "      maxzoom: ${maxzoom[$source]}"
    echo "      properties:"
    for f in ${fields[$source]}; do
      type=$(psql_ -c "SELECT format_type(atttypid, atttypmod) FROM pg_attribute
                       WHERE attrelid = '$t'::regclass AND attname = '$f' AND NOT attisdropped")
      if [ -n "$type" ]; then echo "        $f: $type"; fi
    done
  done
} >"$work/martin.yaml"
"$martin" --config "$work/martin.yaml" >"$work/martin.log" 2>&1 &
pids+=($!)
madinati_port=18090
start_madinati() {
  "$bin" serve --store "$store" --listen 127.0.0.1:$madinati_port --tile-cache-mb "$1" \
    2>"$work/serve.log" &
  madinati=$!
  pids+=($madinati)
  for _ in $(seq 1 900); do curl -sf "http://127.0.0.1:$madinati_port/ready" >/dev/null && return; sleep 0.5; done
  echo "madinati did not become ready:"; tail "$work/serve.log"; exit 1
}
start_madinati 0
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:18091/catalog >/dev/null && break; sleep 0.5; done
curl -sf http://127.0.0.1:18091/catalog >/dev/null || { echo "Martin did not start:"; tail "$work/martin.log"; exit 1; }

list=districts,plans,streets,service_points,parcels
martin_list=districts,plans,streets,service_points,parcels_lo,parcels_hi
madinati_url() { echo "http://127.0.0.1:$madinati_port/tiles/$list/$1.mvt"; }
martin_url() { echo "http://127.0.0.1:18091/$martin_list/$1"; }

# The tile lists: random tiles over Dammam-Khobar, kept when madinati has something in them.
echo "choosing $per_zoom random tiles per zoom..."
python3 - "$per_zoom" >"$work/candidates" <<'PY'
import math, random, sys
random.seed(14)
n = int(sys.argv[1])
def tile(lon, lat, z):
    x = int((lon + 180) / 360 * 2**z)
    r = math.radians(lat)
    y = int((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * 2**z)
    return x, y
for z in (12, 14, 16):
    for _ in range(n * 2):
        x, y = tile(49.95 + random.random() * 0.3, 26.2 + random.random() * 0.3, z)
        print(f"{z}/{x}/{y}")
PY
declare -A kept
for z in 12 14 16; do : >"$work/z$z"; done
while read -r t; do
  z=${t%%/*}
  [ "$(wc -l <"$work/z$z")" -ge "$per_zoom" ] && continue
  if [ -z "${kept[$t]:-}" ]; then
    code=$(curl -s -o /dev/null -w '%{http_code}' "$(madinati_url "$t")")
    kept[$t]=$code
  fi
  [ "${kept[$t]}" = 200 ] && echo "$t" >>"$work/z$z"
done <"$work/candidates"
for z in 12 14 16; do
  [ -s "$work/z$z" ] || { echo "no tile with features at z$z in the dense area: is this the demo data?"; exit 1; }
done

cat >"$work/tiles.lua" <<'LUA'
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = args[2] .. line .. args[3] end
  math.randomseed(tonumber(args[4]) or 1)
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)], { ["Accept-Encoding"] = "gzip" })
end
LUA
# rate PORT LIST PREFIX SUFFIX → tiles/s (and a warning on non-2xx answers).
rate() {
  local out
  out=$(wrk -t2 -c"$conns" -d"${duration}s" --timeout 60s -s "$work/tiles.lua" "http://127.0.0.1:$1" \
    -- "$2" "$3" "$4" 7)
  if grep -q 'Non-2xx' <<<"$out"; then echo "warning: $(grep 'Non-2xx' <<<"$out") from :$1$3" >&2; fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}

# Sizes: the largest tile of each list, as madinati and Martin send it uncompressed.
largest() { # url-function list → bytes
  local max=0 n
  while read -r t; do
    n=$(curl -s -o /dev/null -w '%{size_download}' "$($1 "$t")")
    [ "$n" -gt "$max" ] && max=$n
  done <"$2"
  echo "$max"
}

echo "Martin answers with: $(curl -s -D - -o /dev/null -H 'Accept-Encoding: gzip' "$(martin_url "$(head -1 "$work/z14")")" | grep -i '^content-encoding' | tr -d '\r' || echo identity)"
declare -A m_un t_un m_size t_size
for z in 12 14 16; do
  t_un[$z]=$(rate 18091 "$work/z$z" "/$martin_list/" "")
  m_un[$z]=$(rate $madinati_port "$work/z$z" "/tiles/$list/" ".mvt")
  m_size[$z]=$(largest madinati_url "$work/z$z")
  t_size[$z]=$(largest martin_url "$work/z$z")
done
kill "$madinati"; wait "$madinati" 2>/dev/null || true

# Cached: madinati with its cache on (warmed through the lists, which also writes the static
# files for nginx, gzip-compressed as madinati sends them) against nginx with gzip_static.
start_madinati 1024
mkdir -p "$work/static"
chmod 755 "$work"
for z in 12 14 16; do
  while read -r t; do
    f="$work/static/tiles/$list/$t.mvt"
    mkdir -p "$(dirname "$f")"
    curl -sf -H 'Accept-Encoding: gzip' -o "$f.gz" "$(madinati_url "$t")"
    gzip -dc "$f.gz" >"$f"
  done <"$work/z$z"
done
cat >"$work/nginx.conf" <<NGINX
worker_processes 2;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx.err warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  types { application/vnd.mapbox-vector-tile mvt; }
  server {
    listen 127.0.0.1:18092;
    root $work/static;
    gzip_static on;
    etag on;
  }
}
NGINX
chmod -R a+rX "$work/static"
nginx -c "$work/nginx.conf" -p "$work" &
pids+=($!)
sleep 1
declare -A m_ca n_ca
for z in 12 14 16; do
  m_ca[$z]=$(rate $madinati_port "$work/z$z" "/tiles/$list/" ".mvt")
  n_ca[$z]=$(rate 18092 "$work/z$z" "/tiles/$list/" ".mvt")
done

echo
echo "data: $(psql_ -c "SELECT count(*) FROM martin_parcels") parcels, $(psql_ -c "SELECT count(*) FROM martin_service_points") service points; lists of $per_zoom tiles per zoom; wrk ${duration}s, $conns connections, Accept-Encoding: gzip"
printf '| zoom | madinati uncached (tiles/s) | Martin uncached (tiles/s) | ratio | madinati cached (tiles/s) | nginx static (tiles/s) | ratio | largest madinati / Martin tile (bytes) |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for z in 12 14 16; do
  printf '| %s | %.0f | %.1f | %.1fx | %.0f | %.0f | %.2fx | %s / %s |\n' "$z" \
    "${m_un[$z]}" "${t_un[$z]}" "$(echo "${m_un[$z]} / ${t_un[$z]}" | bc -l)" \
    "${m_ca[$z]}" "${n_ca[$z]}" "$(echo "${m_ca[$z]} / ${n_ca[$z]}" | bc -l)" \
    "${m_size[$z]}" "${t_size[$z]}"
done
over=$(find "$work/static" -name '*.mvt' -size +500k | wc -l)
echo "madinati tiles over 500 KB in the lists: $over"
for layer in "${layers[@]}"; do psql_ -c "DROP TABLE IF EXISTS martin_$layer"; done
