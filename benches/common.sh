# Shared by the side-by-side bench scripts (sourced, not run): a release build, a work directory
# and the background processes to stop on exit, the store to measure (the first argument, or the
# province demo built into the work directory), and psql_ on the `test` database with PostGIS.
#
# After sourcing: $bin, $work, $store, pids (append the pids of what you start), need, psql_.

need() { command -v "$1" >/dev/null || { echo "$1 is needed ($2)"; exit 1; }; }
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
