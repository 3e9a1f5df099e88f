use serde_json::json;

use super::*;

fn parse(
    layer: LayerKind,
    props: Value,
    map: &[(&str, &str)],
) -> (Result<Attributes, AttributeProblem>, Map<String, Value>) {
    let mut props = props.as_object().cloned().unwrap_or_default();
    let overrides = map
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let registry = CategoryRegistry::default();
    let r = parse_attributes(
        &mut PropertyTaker::new(layer, &mut props, &overrides),
        &registry,
    );
    (r, props)
}

#[test]
fn district_names_come_from_aliases_and_the_rest_is_kept() {
    let (r, rest) = parse(
        LayerKind::Districts,
        json!({"district_ar": "حي الشاطئ", "city_ar": "الدمام", "population": 1200}),
        &[],
    );
    let Attributes::District(d) = r.unwrap() else {
        panic!()
    };
    assert_eq!(d.name_ar.as_deref(), Some("حي الشاطئ"));
    assert_eq!(d.city.as_deref(), Some("الدمام"));
    assert_eq!(rest.get("population"), Some(&json!(1200)));
    assert!(!rest.contains_key("district_ar"));
}

#[test]
fn explicit_mapping_wins_and_missing_required_is_named() {
    let (r, _) = parse(
        LayerKind::Parcels,
        json!({"numero": "17", "section": "AB"}),
        &[("parcel_no", "numero"), ("block_no", "section")],
    );
    let Attributes::Parcel(p) = r.unwrap() else {
        panic!()
    };
    assert_eq!(p.parcel_no.as_str(), "17");
    assert_eq!(p.block_no.unwrap().as_str(), "AB");

    let (r, _) = parse(LayerKind::Parcels, json!({"numero": "17"}), &[]);
    let e = r.unwrap_err();
    assert_eq!(e.code(), "missing_attribute");
    assert!(e.to_string().contains("parcel_no"), "{e}");
}

#[test]
fn values_are_typed_with_arabic_digits_and_labels() {
    let (r, _) = parse(
        LayerKind::Parcels,
        json!({"parcel_no": "١٧", "plan_no": "٢/١٢٣", "land_use": "سكني", "official_area_m2": "٦٢٥٫٥",
               "deed_date": "2019-03-02", "owner_name": "سعد", "owner_id": "1012345678"}),
        &[],
    );
    let Attributes::Parcel(p) = r.unwrap() else {
        panic!()
    };
    assert_eq!(p.parcel_no.as_str(), "17");
    assert_eq!(p.plan_no.unwrap().as_str(), "2/123");
    assert_eq!(p.land_use, Some(LandUse::Residential));
    assert_eq!(p.official_area_m2, Some(625.5));
    assert!(format!("{:?}", p.owner).contains("private"));
}

#[test]
fn invalid_values_are_rejected_with_the_field() {
    for (props, field) in [
        (
            json!({"parcel_no": "1", "owner_name": "x", "owner_id": "12"}),
            "owner_id",
        ),
        (
            json!({"parcel_no": "1", "deed_date": "1440-05-12"}),
            "deed_date",
        ),
        (
            json!({"parcel_no": "1", "land_use": "spaceport"}),
            "land_use",
        ),
        (
            json!({"parcel_no": "1", "official_area_m2": -4}),
            "official_area_m2",
        ),
    ] {
        let (r, _) = parse(LayerKind::Parcels, props, &[]);
        let e = r.unwrap_err();
        assert_eq!(e.code(), "invalid_attribute");
        assert!(e.to_string().contains(field), "{e}");
    }
    let (r, _) = parse(LayerKind::Streets, json!({"width": "wide"}), &[]);
    assert!(r.unwrap_err().to_string().contains("width_m"));
}

#[test]
fn service_points_resolve_categories_and_hours() {
    let (r, _) = parse(
        LayerKind::ServicePoints,
        json!({"name_ar": "صيدلية النهدي", "type": "صيدلية", "opening_hours": "24/7"}),
        &[],
    );
    let Attributes::ServicePoint(s) = r.unwrap() else {
        panic!()
    };
    assert_eq!(s.category.to_string(), "pharmacy");
    assert!(s.opening_hours.is_some());
    let (r, _) = parse(
        LayerKind::ServicePoints,
        json!({"name_ar": "x", "type": "spaceport"}),
        &[],
    );
    assert_eq!(r.unwrap_err().code(), "invalid_attribute");
}
