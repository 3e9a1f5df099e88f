//! Helpers shared by the integration tests: paths to the shared real data, the built binary,
//! fresh stores, and running the CLI.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use madinati::domain::LayerKind;
use madinati::domain::category::CategoryRegistry;
use madinati::import::{self, ImportOptions, ImportSummary};
use madinati::store::{SqliteStore, WriteMode};

/// `../shared/data/<name>` beside the repository; fails loudly if missing.
pub fn shared_data(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(name);
    assert!(
        p.exists(),
        "missing test data {}: the repository expects ../shared/data beside it",
        p.display()
    );
    p
}

/// The `madinati` binary built for these tests.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_madinati"))
}

/// Runs the binary in `dir` with `args`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .args(args)
        .env_remove("MADINATI_STORE")
        .output()
        .expect("run madinati")
}

/// A command that must be installed for the test (scripts/test installs it).
pub fn require_tool(name: &str) {
    let ok = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "{name} is not installed: run scripts/test, which installs gdal-bin, proj-bin and postgresql-15-postgis-3"
    );
}

/// A fresh GeoPackage store in a temporary directory.
pub async fn fresh_store(dir: &Path) -> SqliteStore {
    SqliteStore::open(&dir.join("city.gpkg"), true)
        .await
        .expect("create store")
}

/// Import options with defaults: append, rejects into `dir`, quiet.
pub fn options(
    dir: &Path,
    layer: LayerKind,
    input: PathBuf,
    map: &[(&str, &str)],
) -> ImportOptions {
    ImportOptions {
        rejects: Some(dir.join(format!(
            "{}.rejects.geojson",
            input.file_name().unwrap().to_string_lossy()
        ))),
        input,
        layer,
        srs: None,
        mapping: map
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        mode: WriteMode::Append,
        format: None,
        source_layer: None,
        quiet: true,
    }
}

/// Runs an import with the default categories.
pub async fn import(store: &SqliteStore, opts: &ImportOptions) -> ImportSummary {
    import::import(store, opts, Arc::new(CategoryRegistry::default()))
        .await
        .expect("import")
}

/// The Paris parcels' fields mapped to the parcel layer.
pub const PARIS_MAP: &[(&str, &str)] = &[
    ("parcel_no", "numero"),
    ("block_no", "section"),
    ("official_area_m2", "contenance"),
];

/// Runs SQL through psql against the local PostgreSQL `test` database; returns stdout lines.
pub fn psql(sql: &str) -> Vec<String> {
    require_tool("psql");
    let out = Command::new("psql")
        .args([
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "test",
            "-X",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ])
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "psql failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}
