//! Streaming: the importer's memory does not grow with the size of the file.
//!
//! Imports a GeoJSON FeatureCollection of 10,000 and of 200,000 points (20× the bytes) and
//! compares the peak resident memory of the two processes (GNU time's %M, in KiB). Records carry
//! no id, so nothing is kept per record; SQLite's page cache is bounded at 16 MiB.

mod common;

use std::io::Write;
use std::process::Command;

use common::*;

fn collection(path: &std::path::Path, n: u32) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    write!(w, "{{\"type\": \"FeatureCollection\", \"features\": [").unwrap();
    for i in 0..n {
        let (x, y) = (
            49.5 + f64::from(i % 2000) * 5e-4,
            25.5 + f64::from(i / 2000) * 5e-4,
        );
        let sep = if i == 0 { "" } else { "," };
        write!(w, "{sep}\n{{\"type\": \"Feature\", \"properties\": {{\"name_ar\": \"صيدلية رقم {i}\", \"name_en\": \"Pharmacy {i}\", \"category\": \"pharmacy\", \"opening_hours\": \"Sa-Th 08:00-23:00; Fr 16:00-23:00\"}}, \"geometry\": {{\"type\": \"Point\", \"coordinates\": [{x}, {y}]}}}}").unwrap();
    }
    writeln!(w, "\n]}}").unwrap();
}

fn peak_kib(dir: &std::path::Path, input: &str, store: &str) -> u64 {
    require_tool("/usr/bin/time");
    let out = Command::new("/usr/bin/time")
        .current_dir(dir)
        .args([
            "-f",
            "PEAK_KIB=%M",
            env!("CARGO_BIN_EXE_madinati"),
            "import",
            "-q",
            "--store",
            store,
            "--layer",
            "service_points",
            input,
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("rejected 0"), "{stdout}");
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("PEAK_KIB="))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn peak_memory_does_not_grow_with_the_file() {
    let dir = tempfile::tempdir().unwrap();
    collection(&dir.path().join("small.geojson"), 10_000);
    collection(&dir.path().join("big.geojson"), 200_000);
    let small_bytes = std::fs::metadata(dir.path().join("small.geojson"))
        .unwrap()
        .len();
    let big_bytes = std::fs::metadata(dir.path().join("big.geojson"))
        .unwrap()
        .len();
    let small = peak_kib(dir.path(), "small.geojson", "small.gpkg");
    let big = peak_kib(dir.path(), "big.geojson", "big.gpkg");
    eprintln!(
        "small: {small_bytes} bytes → {small} KiB peak; big: {big_bytes} bytes → {big} KiB peak"
    );
    // The file grows by ~35 MiB; the importer may grow by SQLite's bounded page cache (16 MiB)
    // and a few buffers, never by the file.
    let growth = big.saturating_sub(small);
    assert!(
        growth < 24 * 1024,
        "peak memory grew by {growth} KiB for {} more bytes of input",
        big_bytes - small_bytes
    );
    // And it grows far less than the input: under half the extra bytes (the cache is bounded).
    assert!(
        growth * 1024 * 2 < big_bytes - small_bytes,
        "peak memory grew by {growth} KiB for {} more bytes of input",
        big_bytes - small_bytes
    );
}
