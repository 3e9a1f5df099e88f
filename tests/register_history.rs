//! The register keeps history: a split retires the parent (end-dated, not deleted), creates the
//! children with lineage edges in one transaction, and can be read as of any date; a bulk
//! `--replace` is refused once lineage exists.

mod common;

use chrono::{Duration, Utc};
use common::*;
use geo::coord;
use madinati::domain::attributes::{Attributes, Parcel, ParcelNo};
use madinati::domain::{
    Feature, GeometryShape, LayerKind, Lifespan, RawGeometry, SourceId, ValidGeometry,
};
use madinati::store::{AsOf, LineageEdge, LineageKind, Store, StoreError, WriteCounts, WriteMode};
use serde_json::Map;

fn half(x0: f64, x1: f64, id: &str, at: chrono::DateTime<Utc>) -> Feature {
    let ring = vec![
        coord! {x: x0, y: 26.4},
        coord! {x: x1, y: 26.4},
        coord! {x: x1, y: 26.4003},
        coord! {x: x0, y: 26.4003},
        coord! {x: x0, y: 26.4},
    ];
    let geometry =
        ValidGeometry::new(RawGeometry::Polygon(vec![ring]), GeometryShape::Polygon).unwrap();
    let parcel = Parcel {
        parcel_no: ParcelNo::try_from(id).unwrap(),
        plan_no: None,
        block_no: None,
        district: None,
        land_use: None,
        deed_no: None,
        deed_date: None,
        official_area_m2: None,
        owner: None,
    };
    Feature::new(
        Some(SourceId::from_value(&id.into()).unwrap()),
        geometry,
        Attributes::Parcel(parcel),
        Map::new(),
        Lifespan {
            valid_from: Some(at),
            valid_to: None,
        },
    )
    .unwrap()
}

#[tokio::test]
async fn a_split_retires_the_parent_records_lineage_and_reads_as_of_any_date() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path()).await;
    let before_split = Utc::now() - Duration::days(30);
    let split_at = Utc::now() - Duration::days(1);

    let mut w = store
        .begin_write(LayerKind::Parcels, WriteMode::Append, "test")
        .await
        .unwrap();
    let parent = w
        .insert(&[half(50.1, 50.1006, "17", before_split - Duration::days(1))])
        .await
        .unwrap()[0];
    w.commit(WriteCounts::default()).await.unwrap();

    // The split: one transaction retires the parent, adds both children, records lineage.
    let mut w = store
        .begin_write(LayerKind::Parcels, WriteMode::Append, "split request R-1")
        .await
        .unwrap();
    let children = w
        .insert(&[
            half(50.1, 50.1003, "17-1", split_at),
            half(50.1003, 50.1006, "17-2", split_at),
        ])
        .await
        .unwrap();
    w.retire(parent, split_at).await.unwrap();
    for child in &children {
        let edge = LineageEdge {
            parent,
            child: *child,
            kind: LineageKind::Split,
            request_id: Some("R-1".into()),
            recorded_at: split_at,
        };
        w.record_lineage(&edge).await.unwrap();
    }
    w.commit(WriteCounts::default()).await.unwrap();

    let ids = |v: Vec<madinati::store::StoredFeature>| -> Vec<String> {
        v.iter()
            .map(|s| s.feature.source_id().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(store
            .features(LayerKind::Parcels, AsOf::Current)
            .await
            .unwrap()),
        ["17-1", "17-2"]
    );
    assert_eq!(
        ids(store
            .features(LayerKind::Parcels, AsOf::At(before_split))
            .await
            .unwrap()),
        ["17"]
    );
    assert_eq!(
        ids(store.features(LayerKind::Parcels, AsOf::All).await.unwrap()),
        ["17", "17-1", "17-2"]
    );
    let history = store.features(LayerKind::Parcels, AsOf::All).await.unwrap();
    assert_eq!(
        history[0]
            .feature
            .lifespan()
            .valid_to
            .map(|t| t.timestamp_millis()),
        Some(split_at.timestamp_millis())
    );

    let edges = store.lineage(parent).await.unwrap();
    assert_eq!(edges.len(), 2);
    assert!(edges.iter().all(|e| e.parent == parent
        && e.kind == LineageKind::Split
        && e.request_id.as_deref() == Some("R-1")));
    assert_eq!(store.lineage(children[0]).await.unwrap().len(), 1);

    // Retiring twice is refused, and a failed write leaves nothing behind.
    let mut w = store
        .begin_write(LayerKind::Parcels, WriteMode::Append, "bad")
        .await
        .unwrap();
    w.insert(&[half(50.2, 50.2003, "99", split_at)])
        .await
        .unwrap();
    assert!(matches!(
        w.retire(parent, Utc::now()).await,
        Err(StoreError::Conflict(_))
    ));
    drop(w);
    assert_eq!(
        store
            .features(LayerKind::Parcels, AsOf::All)
            .await
            .unwrap()
            .len(),
        3
    );

    // History is never erased by a bulk reload.
    let refused = store
        .begin_write(LayerKind::Parcels, WriteMode::Replace, "reload")
        .await;
    match refused {
        Err(StoreError::Conflict(m)) => assert!(m.contains("lineage"), "{m}"),
        Err(other) => panic!("expected a conflict, got {other}"),
        Ok(_) => panic!("a replace of parcels with lineage must be refused"),
    }
    assert_eq!(
        store
            .features(LayerKind::Parcels, AsOf::All)
            .await
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn owners_are_kept_apart_and_only_read_on_purpose() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path()).await;
    let input = dir.path().join("p.geojson");
    std::fs::write(
        &input,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"parcel_no":"5","owner_name":"سعد بن عبدالله","owner_id":"1012345678"},"geometry":{"type":"Polygon","coordinates":[[[50.1,26.4],[50.1003,26.4],[50.1003,26.4003],[50.1,26.4]]]}}]}"#,
    )
    .unwrap();
    import(&store, &options(dir.path(), LayerKind::Parcels, input, &[])).await;
    let stored = store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .unwrap();
    let Attributes::Parcel(p) = stored[0].feature.attributes() else {
        panic!()
    };
    assert!(p.owner.is_none(), "feature reads never carry the owner");
    assert!(
        stored[0].feature.extra().is_empty(),
        "owner fields are not kept as extra properties"
    );
    let owner = store.parcel_owner(stored[0].fid).await.unwrap().unwrap();
    assert_eq!(owner.name, "سعد بن عبدالله");
    assert_eq!(owner.national_id.as_str(), "1012345678");
}
