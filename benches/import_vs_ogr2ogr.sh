#!/usr/bin/env bash
# Side by side, in one run: import the same file with madinati (validating, reprojecting,
# geodesic areas, one transaction) and with GDAL's `ogr2ogr -f GPKG`; print features/s and ratios.
#
#   benches/import_vs_ogr2ogr.sh [INPUT.geojson|.fgb] [LAYER] [--map ...]
#
# Without arguments it uses the parcels of the demo city (built with `madinati demo build
# --size city`, exported to GeoJSON with ogr2ogr) and also the Paris parcels of ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v ogr2ogr >/dev/null || { echo "ogr2ogr missing: run scripts/test (installs gdal-bin)"; exit 1; }
cargo build --release --quiet
bin=target/release/madinati
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs=${RUNS:-3}

best_of() { # best wall time in seconds of $runs runs of "$@" (after a setup command in $SETUP)
  local best=""
  for _ in $(seq "$runs"); do
    eval "$SETUP"
    local t0 t1
    t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
    local t; t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best" ] || (( $(echo "$t < $best" | bc -l) )); then best=$t; fi
  done
  echo "$best"
}

compare() { # input layer count [--map ...]
  local input=$1 layer=$2 n=$3; shift 3
  echo "== $(basename "$input"): $n features into $layer"
  SETUP="rm -f $work/m.gpkg*"
  local tm; tm=$(best_of "$bin" import --quiet --store "$work/m.gpkg" --layer "$layer" "$input" --rejects "$work/r.geojson" "$@")
  SETUP="rm -f $work/o.gpkg*"
  local to; to=$(best_of ogr2ogr -f GPKG "$work/o.gpkg" "$input" -nln "$layer")
  SETUP="rm -f $work/o2.gpkg*"
  local tn; tn=$(best_of ogr2ogr -f GPKG -lco SPATIAL_INDEX=NO "$work/o2.gpkg" "$input" -nln "$layer")
  printf '%-42s %8.3f s %10.0f features/s\n' "madinati import (validating)" "$tm" "$(echo "$n / $tm" | bc -l)"
  printf '%-42s %8.3f s %10.0f features/s\n' "ogr2ogr -f GPKG" "$to" "$(echo "$n / $to" | bc -l)"
  printf '%-42s %8.3f s %10.0f features/s\n' "ogr2ogr -f GPKG -lco SPATIAL_INDEX=NO" "$tn" "$(echo "$n / $tn" | bc -l)"
  printf 'ratio madinati/ogr2ogr: %.2f (vs no spatial index: %.2f)\n\n' "$(echo "$to / $tm" | bc -l)" "$(echo "$tn / $tm" | bc -l)"
}

if [ $# -ge 2 ]; then
  input=$1 layer=$2; shift 2
  n=$(ogrinfo -so -al "$input" | awk -F': ' '/Feature Count/ {s+=$2} END {print s}')
  compare "$input" "$layer" "$n" "$@"
  exit 0
fi

echo "building the demo city (city size) for its parcels..."
"$bin" demo build --size city --out "$work/demo.gpkg" >/dev/null
ogr2ogr -f GeoJSON "$work/demo-parcels.geojson" "$work/demo.gpkg" parcels -select parcel_no,plan_no,block_no,land_use
n=$(ogrinfo -so "$work/demo.gpkg" parcels | awk -F': ' '/Feature Count/ {print $2}')
compare "$work/demo-parcels.geojson" parcels "$n"

paris=../shared/data/parcels-paris18/cadastre-75118-parcelles.json
if [ -f "$paris" ]; then
  compare "$paris" parcels 6821 --map parcel_no=numero --map block_no=section --map official_area_m2=contenance
fi
