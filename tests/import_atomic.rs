//! An import is all or nothing: a kill in the middle leaves the store as it was, and re-running
//! the same import with --replace leaves an identical store.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use common::*;
use madinati::domain::LayerKind;
use madinati::store::{AsOf, SqliteStore, Store, StoredFeature, WriteMode};

async fn snapshot(
    store: &SqliteStore,
) -> Vec<(LayerKind, Vec<StoredFeature>, madinati::store::LayerSummary)> {
    let mut out = Vec::new();
    for layer in LayerKind::ALL {
        out.push((
            layer,
            store.features(layer, AsOf::All).await.unwrap(),
            store.layer_summary(layer).await.unwrap(),
        ));
    }
    out
}

#[tokio::test]
async fn killing_an_import_midway_leaves_the_store_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("city.gpkg");
    {
        let store = SqliteStore::open(&path, true).await.unwrap();
        import(
            &store,
            &options(
                dir.path(),
                LayerKind::Districts,
                shared_data("dammam_districts_addressgov.geojson"),
                &[],
            ),
        )
        .await;
        store.close().await;
    }
    let before = {
        let store = SqliteStore::open(&path, false).await.unwrap();
        let s = snapshot(&store).await;
        store.close().await;
        s
    };

    // 300,000 service points: long enough that the import is killed mid-way.
    let big = dir.path().join("services.geojsonl");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    for i in 0..300_000u32 {
        let (x, y) = (
            50.0 + f64::from(i % 1000) * 1e-4,
            26.3 + f64::from(i / 1000) * 1e-4,
        );
        writeln!(w, r#"{{"type":"Feature","properties":{{"id":"s{i}","name_ar":"بقالة {i}","category":"grocery"}},"geometry":{{"type":"Point","coordinates":[{x},{y}]}}}}"#).unwrap();
    }
    w.flush().unwrap();
    drop(w);

    let mut child = bin()
        .current_dir(dir.path())
        .args([
            "import",
            "--store",
            "city.gpkg",
            "--layer",
            "service_points",
            "services.geojsonl",
        ])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut saw_progress = false;
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if line.starts_with("progress:") && !line.starts_with("progress: 0 ") {
            saw_progress = true;
            break;
        }
    }
    assert!(
        saw_progress,
        "the import finished before it could be killed; make the file bigger"
    );
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    let status = child.wait().unwrap();
    assert!(!status.success());

    let store = SqliteStore::open(&path, false).await.unwrap();
    let after = snapshot(&store).await;
    assert_eq!(after.len(), before.len());
    for ((layer, f_before, s_before), (_, f_after, s_after)) in before.iter().zip(&after) {
        assert_eq!(
            f_before.len(),
            f_after.len(),
            "{layer}: feature count changed"
        );
        assert!(f_before == f_after, "{layer}: features changed");
        assert_eq!(s_before, s_after, "{layer}: summary changed");
    }
    assert_eq!(
        store
            .layer_summary(LayerKind::ServicePoints)
            .await
            .unwrap()
            .current,
        0
    );
}

#[tokio::test]
async fn replace_with_the_same_file_leaves_an_identical_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path()).await;
    let mut opts = options(
        dir.path(),
        LayerKind::Parcels,
        shared_data("parcels-paris18/cadastre-75118-parcelles.fgb"),
        PARIS_MAP,
    );
    import(&store, &opts).await;
    let first = snapshot(&store).await;
    opts.mode = WriteMode::Replace;
    let again = import(&store, &opts).await;
    assert_eq!(again.imported, 6821);
    let second = snapshot(&store).await;
    assert!(
        first == second,
        "the store differs after re-running the import with --replace"
    );
}

#[tokio::test]
async fn append_rejects_ids_already_in_the_layer() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path()).await;
    let opts = options(
        dir.path(),
        LayerKind::Districts,
        shared_data("dammam_districts_addressgov.geojson"),
        &[],
    );
    import(&store, &opts).await;
    let twice = import(&store, &opts).await;
    assert_eq!((twice.imported, twice.rejected), (0, 80));
    assert_eq!(twice.rejected_by_reason.get("duplicate_id"), Some(&80));
    assert_eq!(
        store
            .layer_summary(LayerKind::Districts)
            .await
            .unwrap()
            .current,
        80
    );
}
