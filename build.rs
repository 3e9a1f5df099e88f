//! Build script: link settings for the optional GDAL feature.
//!
//! The store's SQLite is compiled into the binary (sqlx bundles it) and its symbols would be
//! exported; the system GDAL, linked with the `gdal` feature, calls the system SQLite and could
//! bind to ours instead, crashing when it closes a GeoPackage. Keeping the static libraries'
//! symbols local (`--exclude-libs,ALL`) gives each its own SQLite.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let gdal = std::env::var_os("CARGO_FEATURE_GDAL").is_some();
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if gdal && linux {
        println!("cargo:rustc-link-arg=-Wl,--exclude-libs,ALL");
    }
}
