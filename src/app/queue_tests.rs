use std::collections::HashMap;

use chrono::TimeZone;
use serde_json::Map;

use super::*;
use crate::domain::account::UserId;
use crate::domain::attributes::{District, Parcel, ParcelNo};
use crate::domain::request::{RequestId, RequestKind, RequestStatus};
use crate::domain::{Feature, Lifespan};

fn square(min: (f64, f64), max: (f64, f64)) -> RawGeometry {
    RawGeometry::Polygon(vec![vec![
        Coord { x: min.0, y: min.1 },
        Coord { x: max.0, y: min.1 },
        Coord { x: max.0, y: max.1 },
        Coord { x: min.0, y: max.1 },
        Coord { x: min.0, y: min.1 },
    ]])
}

fn stored(fid: i64, raw: RawGeometry, attrs: Attributes) -> StoredFeature {
    let geometry = ValidGeometry::new(raw, attrs.layer().shape()).unwrap();
    StoredFeature {
        fid: FeatureId(fid),
        feature: Feature::new(None, geometry, attrs, Map::new(), Lifespan::default()).unwrap(),
    }
}

fn district(fid: i64, min: (f64, f64), max: (f64, f64), en: &str) -> StoredFeature {
    let attrs = Attributes::District(District {
        name_ar: Some(format!("حي {en}")),
        name_en: Some(en.into()),
        city: None,
    });
    stored(fid, square(min, max), attrs)
}

fn parcel(fid: i64, min: (f64, f64), max: (f64, f64)) -> StoredFeature {
    let attrs = Attributes::Parcel(Parcel {
        parcel_no: ParcelNo::try_from(fid.to_string().as_str()).unwrap(),
        plan_no: None,
        block_no: None,
        district: None,
        land_use: None,
        deed_no: None,
        deed_date: None,
        official_area_m2: None,
        owner: None,
    });
    stored(fid, square(min, max), attrs)
}

/// Districts 1 (west) and 2 (east) side by side around Dammam; parcel 10 in 1, 11 in 2.
fn index() -> Index {
    Index::from_features(HashMap::from([
        (
            LayerKind::Districts,
            vec![
                district(1, (50.0, 26.3), (50.1, 26.4), "West"),
                district(2, (50.1, 26.3), (50.2, 26.4), "East"),
            ],
        ),
        (
            LayerKind::Parcels,
            vec![
                parcel(10, (50.05, 26.35), (50.051, 26.351)),
                parcel(11, (50.15, 26.35), (50.151, 26.351)),
            ],
        ),
    ]))
}

fn request(parcels: &[i64], created: &[i64], proposed: Value, crs: &str) -> LandRequest {
    let t = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    LandRequest {
        id: RequestId(1),
        kind: RequestKind::Subdivision,
        status: RequestStatus::Submitted,
        submitted_by: UserId(1),
        surveyor: Some(UserId(1)),
        reviewer: None,
        parcels: parcels.iter().map(|f| FeatureId(*f)).collect(),
        proposed,
        crs: crs.into(),
        note: None,
        checks: json!([]),
        created: created.iter().map(|f| FeatureId(*f)).collect(),
        retired: vec![],
        created_at: t,
        updated_at: t,
        version: 1,
        details: json!({}),
        issued: None,
    }
}

fn district_of(r: &LandRequest) -> Option<i64> {
    Locator::new(&index()).district(r).map(|d| d.fid.0)
}

/// A one-feature collection of the square around (lon, lat), written in `crs`.
fn proposal_at(lon: f64, lat: f64, crs: &str, role: Option<&str>) -> Value {
    let c = Crs::parse(crs).unwrap();
    let ring: Vec<Value> = [
        (-1.0, -1.0),
        (1.0, -1.0),
        (1.0, 1.0),
        (-1.0, 1.0),
        (-1.0, -1.0),
    ]
    .iter()
    .map(|(dx, dy)| {
        let p = c
            .from_wgs84(Coord {
                x: lon + dx * 0.0002,
                y: lat + dy * 0.0002,
            })
            .unwrap();
        json!([p.x, p.y])
    })
    .collect();
    json!({"type": "Feature", "properties": {"role": role}, "geometry": {"type": "Polygon", "coordinates": [ring]}})
}

#[test]
fn the_first_current_parcel_places_a_request() {
    assert_eq!(
        district_of(&request(&[10], &[], Value::Null, "EPSG:4326")),
        Some(1)
    );
    assert_eq!(
        district_of(&request(&[11, 10], &[], Value::Null, "EPSG:4326")),
        Some(2)
    );
    // A parcel no longer current is passed over for the next.
    assert_eq!(
        district_of(&request(&[99, 10], &[], Value::Null, "EPSG:4326")),
        Some(1)
    );
    // The parcels an approval created, when the parents are gone.
    assert_eq!(
        district_of(&request(&[99], &[11], Value::Null, "EPSG:4326")),
        Some(2)
    );
    assert_eq!(
        district_of(&request(&[99], &[], Value::Null, "EPSG:4326")),
        None
    );
}

#[test]
fn the_proposal_places_a_request_without_a_current_parcel() {
    let east = json!({"type": "FeatureCollection", "features": [proposal_at(50.17, 26.32, "EPSG:32639", None)]});
    assert_eq!(
        district_of(&request(&[99], &[], east.clone(), "EPSG:32639")),
        Some(2)
    );
    // The current parcel comes first.
    assert_eq!(
        district_of(&request(&[10], &[], east, "EPSG:32639")),
        Some(1)
    );
    // A plan: its boundary feature, wherever it is in the collection.
    let plan = json!({"type": "FeatureCollection", "features": [
        proposal_at(50.17, 26.32, "EPSG:4326", Some("lot")),
        proposal_at(50.03, 26.32, "EPSG:4326", Some("boundary")),
    ]});
    assert_eq!(district_of(&request(&[], &[], plan, "EPSG:4326")), Some(1));
    // Outside every district, an unreadable CRS or geometry: no district.
    let away = json!({"type": "FeatureCollection", "features": [proposal_at(49.5, 26.32, "EPSG:4326", None)]});
    assert_eq!(
        district_of(&request(&[], &[], away.clone(), "EPSG:4326")),
        None
    );
    assert_eq!(
        district_of(&request(&[], &[], away, "EPSG:123456789")),
        None
    );
    let broken = json!({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": "x"}}]});
    assert_eq!(district_of(&request(&[], &[], broken, "EPSG:4326")), None);
}

#[test]
fn a_district_is_named_in_both_languages() {
    let index = index();
    let d = Locator::new(&index).district(&request(&[11], &[], Value::Null, "EPSG:4326"));
    assert_eq!(
        district_json(d.as_deref()),
        json!({"id": 2, "name_ar": "حي East", "name_en": "East"})
    );
    assert_eq!(district_json(None), Value::Null);
    assert!(Locator::new(&index).is_district(FeatureId(1)));
    assert!(!Locator::new(&index).is_district(FeatureId(10)));
}

#[test]
fn the_filters_keep_what_they_name() {
    let r = request(&[10], &[], Value::Null, "EPSG:4326");
    let created = r.created_at;
    let aged = |days| QueueFilter {
        created_by: Some(QueueFilter::days_before(
            created + Duration::hours(30),
            days,
        )),
        ..QueueFilter::default()
    };
    assert!(aged(0).old_enough(&r));
    assert!(aged(1).old_enough(&r));
    assert!(!aged(2).old_enough(&r));
    assert!(!aged(u64::MAX).old_enough(&r));
    assert!(QueueFilter::default().old_enough(&r));

    let index = index();
    let west = Locator::new(&index).district(&r);
    let only = |fid| QueueFilter {
        district: Some(FeatureId(fid)),
        ..QueueFilter::default()
    };
    assert!(only(1).in_district(west.as_deref()));
    assert!(!only(2).in_district(west.as_deref()));
    assert!(!only(1).in_district(None));
    assert!(QueueFilter::default().in_district(None));
}
