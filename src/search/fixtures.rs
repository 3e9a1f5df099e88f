//! Features and snapshots for the search module's unit tests.

use std::collections::HashMap;

use geo::Coord;
use serde_json::Map;

use crate::domain::attributes::{
    Attributes, BlockNo, District, Parcel, ParcelNo, Plan, PlanNo, PlanStatus, ServicePoint,
};
use crate::domain::category::CategoryCode;
use crate::domain::register::StoredFeature;
use crate::domain::{Feature, FeatureId, LayerKind, Lifespan, RawGeometry, ValidGeometry};
use crate::index::Index;

fn stored(fid: i64, attributes: Attributes, raw: RawGeometry) -> StoredFeature {
    let layer = attributes.layer();
    let geometry = ValidGeometry::new(raw, layer.shape()).unwrap();
    StoredFeature {
        fid: FeatureId(fid),
        feature: Feature::new(None, geometry, attributes, Map::new(), Lifespan::default()).unwrap(),
    }
}

/// A square of `half` degrees around (lon, lat), closed.
fn square(lon: f64, lat: f64, half: f64) -> RawGeometry {
    let c = |x: f64, y: f64| Coord { x, y };
    RawGeometry::Polygon(vec![vec![
        c(lon - half, lat - half),
        c(lon + half, lat - half),
        c(lon + half, lat + half),
        c(lon - half, lat + half),
        c(lon - half, lat - half),
    ]])
}

pub fn point(
    fid: i64,
    ar: &str,
    en: Option<&str>,
    category: &str,
    lon: f64,
    lat: f64,
) -> StoredFeature {
    stored(
        fid,
        Attributes::ServicePoint(ServicePoint {
            name_ar: Some(ar.to_string()),
            name_en: en.map(str::to_string),
            category: CategoryCode::try_from(category).unwrap(),
            phone: None,
            opening_hours: None,
            district: None,
        }),
        RawGeometry::Point(Coord { x: lon, y: lat }),
    )
}

pub fn district(fid: i64, ar: &str, en: &str, lon: f64, lat: f64) -> StoredFeature {
    stored(
        fid,
        Attributes::District(District {
            name_ar: Some(ar.to_string()),
            name_en: Some(en.to_string()),
            city: None,
        }),
        square(lon, lat, 0.005),
    )
}

pub fn plan(fid: i64, plan_no: &str, name: Option<&str>, lon: f64, lat: f64) -> StoredFeature {
    stored(
        fid,
        Attributes::Plan(Plan {
            plan_no: PlanNo::try_from(plan_no).unwrap(),
            name: name.map(str::to_string),
            status: PlanStatus::Approved,
            approved_on: None,
        }),
        square(lon, lat, 0.002),
    )
}

pub fn parcel(
    fid: i64,
    plan_no: &str,
    block: &str,
    parcel: &str,
    lon: f64,
    lat: f64,
) -> StoredFeature {
    stored(
        fid,
        Attributes::Parcel(Parcel {
            parcel_no: ParcelNo::try_from(parcel).unwrap(),
            plan_no: Some(PlanNo::try_from(plan_no).unwrap()),
            block_no: Some(BlockNo::try_from(block).unwrap()),
            district: None,
            land_use: None,
            deed_no: None,
            deed_date: None,
            official_area_m2: None,
            owner: None,
        }),
        square(lon, lat, 0.0001),
    )
}

/// An index of these features, each in its layer.
pub fn index(features: Vec<StoredFeature>) -> Index {
    let mut by_layer: HashMap<LayerKind, Vec<StoredFeature>> = HashMap::new();
    for f in features {
        by_layer.entry(f.feature.layer()).or_default().push(f);
    }
    Index::from_features(by_layer)
}

/// A small city: pharmacies, hospitals, districts, plans and parcels around Dammam.
pub fn city() -> Index {
    index(vec![
        point(
            1,
            "صيدلية النهدي",
            Some("Al-Nahdi Pharmacy"),
            "pharmacy",
            50.100,
            26.430,
        ),
        point(
            2,
            "صيدلية النهدي",
            Some("Al-Nahdi Pharmacy"),
            "pharmacy",
            50.120,
            26.430,
        ),
        point(
            3,
            "صيدليات الدواء",
            Some("Al-Dawaa Pharmacies"),
            "pharmacy",
            50.110,
            26.440,
        ),
        point(
            4,
            "مستشفى الأمل",
            Some("Al Amal Hospital"),
            "hospital",
            50.105,
            26.435,
        ),
        point(
            5,
            "مستشفى الدمام المركزي",
            Some("Dammam Central Hospital"),
            "hospital",
            50.09,
            26.42,
        ),
        point(
            6,
            "بقالة الأمانة",
            Some("Al Amana Grocery"),
            "grocery",
            50.101,
            26.431,
        ),
        district(10, "حي الفيصلية", "Al Faisaliyah", 50.10, 26.43),
        district(11, "حي الشاطئ الغربي", "Ash Shati Al Gharbi", 50.12, 26.45),
        plan(20, "123", Some("مخطط الفيصلية ١"), 50.10, 26.43),
        plan(21, "2/123", Some("مخطط منح الشاطئ"), 50.12, 26.45),
        parcel(30, "123", "4", "17", 50.1001, 26.4301),
        parcel(31, "123", "4", "18", 50.1003, 26.4301),
        parcel(32, "123", "5", "17", 50.1005, 26.4301),
        parcel(33, "2/123", "4", "17", 50.1201, 26.4501),
    ])
}
