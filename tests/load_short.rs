//! The load run, short (as `scripts/test` runs it): a small demo city served by the built
//! binary, 32 connections for 5 s mixing reads and writes: no error beyond the 4xx a request is
//! built to get, and the server answering afterwards. The full run is `cargo bench --bench load`.

#[path = "../benches/load.rs"]
mod load;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_mixed_load_gets_no_errors() {
    let report = load::run_load(env!("CARGO_BIN_EXE_madinati").into(), "small", 32, 5).await;
    assert!(report.requests > 0);
    assert_eq!(report.errors, 0);
    assert!(report.alive_after);
    assert!(report.peak_rss_mib > 0.0);
}
