#!/usr/bin/env bash
# Side by side, in one run, on the same data: madinati over HTTP (wrk) against PostGIS (pgbench),
# for the nearest 10 service points from random places and for parcels in random small boxes.
# Prints both throughputs and the ratio, plus madinati's index load time and memory.
#
#   benches/nearby_vs_postgis.sh [STORE.gpkg]     (default: builds the province demo)
#
# Environment: DURATION (seconds per run, default 20), WARMUP (untimed seconds before each,
# default 3), CONNECTIONS (default 16).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-20}
conns=${CONNECTIONS:-16}
source benches/common.sh
need_wrk
need pgbench "postgresql-15"
echo "loading the same data into PostGIS..."
for layer in service_points parcels; do
  ogr2ogr -f PostgreSQL "PG:host=127.0.0.1 user=postgres dbname=test" "$store" "$layer" \
    -nln "bench_$layer" -overwrite -lco GEOMETRY_NAME=geom -lco FID=fid -preserve_fid -lco SPATIAL_INDEX=GIST
done
psql_ -c "CREATE INDEX IF NOT EXISTS bench_service_points_geog ON bench_service_points USING gist ((geom::geography)); ANALYZE bench_service_points; ANALYZE bench_parcels;"
points=$(psql_ -c "SELECT count(*) FROM bench_service_points")
parcels=$(psql_ -c "SELECT count(*) FROM bench_parcels")

port=18080
serve_store $port
loaded=$(grep -o 'index loaded.*' "$work/serve.log" | head -1 || true)
rss=$(awk '/VmRSS/ {print $2}' /proc/$server/status)

# Random places around Dammam-Khobar (where the demo is dense); boxes of about 300 m.
nearby_lua "$work/nearby.lua"
cat > "$work/bbox.lua" <<'LUA'
math.randomseed(2)
request = function()
  local lon = 49.95 + math.random() * 0.3
  local lat = 26.2 + math.random() * 0.3
  return wrk.format("GET", string.format("/collections/parcels/items?bbox=%.6f,%.6f,%.6f,%.6f&limit=100", lon, lat, lon + 0.003, lat + 0.003))
end
LUA
cat > "$work/knn.sql" <<'SQL'
\set x random(0, 1000000)
\set y random(0, 1000000)
SELECT fid, ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(49.95 + :x * 0.0000003, 26.2 + :y * 0.0000003), 4326)::geography) AS d
FROM bench_service_points
ORDER BY geom::geography <-> ST_SetSRID(ST_MakePoint(49.95 + :x * 0.0000003, 26.2 + :y * 0.0000003), 4326)::geography
LIMIT 10;
SQL
# The same answers as documents: a GeoJSON FeatureCollection of whole features, as madinati
# sends them (ST_AsGeoJSON of the row: every column a property).
cat > "$work/knn_geojson.sql" <<'SQL'
\set x random(0, 1000000)
\set y random(0, 1000000)
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(ST_AsGeoJSON(t.*)::json), '[]'))::text
FROM (
  SELECT s.*, ST_Distance(s.geom::geography, q.p) AS distance_m
  FROM bench_service_points s,
       (SELECT ST_SetSRID(ST_MakePoint(49.95 + :x * 0.0000003, 26.2 + :y * 0.0000003), 4326)::geography AS p) q
  ORDER BY s.geom::geography <-> q.p
  LIMIT 10
) t;
SQL
cat > "$work/bbox_geojson.sql" <<'SQL'
\set x random(0, 1000000)
\set y random(0, 1000000)
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(ST_AsGeoJSON(t.*)::json), '[]'))::text
FROM (
  SELECT * FROM bench_parcels
  WHERE ST_Intersects(geom, ST_MakeEnvelope(49.95 + :x * 0.0000003, 26.2 + :y * 0.0000003, 49.953 + :x * 0.0000003, 26.203 + :y * 0.0000003, 4326))
  ORDER BY fid LIMIT 100
) t;
SQL
cat > "$work/bbox.sql" <<'SQL'
\set x random(0, 1000000)
\set y random(0, 1000000)
SELECT fid, parcel_no, plan_no, block_no, land_use, ST_AsGeoJSON(geom)
FROM bench_parcels
WHERE ST_Intersects(geom, ST_MakeEnvelope(49.95 + :x * 0.0000003, 26.2 + :y * 0.0000003, 49.953 + :x * 0.0000003, 26.203 + :y * 0.0000003, 4326))
ORDER BY fid LIMIT 100;
SQL

# Each side first runs the same load for WARMUP seconds (default 3), untimed: madinati writes a
# feature's public JSON the first time it is asked for, PostgreSQL fills its buffers.
warmup=${WARMUP:-3}
rate_wrk() {
  wrk -t2 -c"$conns" -d"${warmup}s" -s "$1" "http://127.0.0.1:$port" >/dev/null
  wrk -t2 -c"$conns" -d"${duration}s" -s "$1" "http://127.0.0.1:$port" | awk '/Requests\/sec/ {print $2}'
}
rate_pg() {
  pgbench -h 127.0.0.1 -U postgres -n -c "$conns" -j 2 -T "$warmup" -f "$1" test >/dev/null 2>&1
  pgbench -h 127.0.0.1 -U postgres -n -c "$conns" -j 2 -T "$duration" -f "$1" test 2>/dev/null | awk '/^tps/ {print $3; exit}'
}

echo
echo "data: $points service points, $parcels parcels; madinati $loaded; RSS $((rss / 1024)) MiB"
m_knn=$(rate_wrk "$work/nearby.lua"); p_knn_doc=$(rate_pg "$work/knn_geojson.sql"); p_knn=$(rate_pg "$work/knn.sql")
printf '%-66s %10.0f req/s\n' "madinati GET /api/nearby (k=10, HTTP, GeoJSON)" "$m_knn"
printf '%-66s %10.0f tps\n' "PostGIS KNN <-> geography, the same GeoJSON document (pgbench)" "$p_knn_doc"
printf '%-66s %10.0f tps\n' "PostGIS KNN <-> geography, ids and distances only (pgbench)" "$p_knn"
printf 'ratio nearby: %.1fx (same document), %.1fx (ids and distances only)\n\n' \
  "$(echo "$m_knn / $p_knn_doc" | bc -l)" "$(echo "$m_knn / $p_knn" | bc -l)"
if curl -sf "http://127.0.0.1:$port/collections/parcels/items?limit=1" >/dev/null; then
  m_box=$(rate_wrk "$work/bbox.lua"); p_box_doc=$(rate_pg "$work/bbox_geojson.sql"); p_box=$(rate_pg "$work/bbox.sql")
  printf '%-66s %10.0f req/s\n' "madinati GET /collections/parcels/items?bbox (300 m)" "$m_box"
  printf '%-66s %10.0f tps\n' "PostGIS ST_Intersects, the same GeoJSON document (pgbench)" "$p_box_doc"
  printf '%-66s %10.0f tps\n' "PostGIS ST_Intersects, 5 columns + ST_AsGeoJSON(geom) (pgbench)" "$p_box"
  printf 'ratio bbox: %.1fx (same document), %.1fx (columns only)\n' \
    "$(echo "$m_box / $p_box_doc" | bc -l)" "$(echo "$m_box / $p_box" | bc -l)"
else
  echo "(no /collections/parcels/items on this build: bbox comparison skipped)"
fi
psql_ -c "DROP TABLE bench_service_points; DROP TABLE bench_parcels;"
