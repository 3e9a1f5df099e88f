//! The core fields of each layer, the names sources commonly use for them, and which are private.

use crate::domain::layer::LayerKind;

/// One core field of a layer.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    /// The field's name in the store and the APIs.
    pub name: &'static str,
    /// Other property names it is read from, in order, case-insensitively.
    pub aliases: &'static [&'static str],
    /// Whether a record without it is rejected.
    pub required: bool,
    /// Private fields never leave through a public interface.
    pub private: bool,
    /// What the field holds, with its unit.
    pub doc: &'static str,
}

const fn f(
    name: &'static str,
    aliases: &'static [&'static str],
    required: bool,
    doc: &'static str,
) -> FieldSpec {
    FieldSpec {
        name,
        aliases,
        required,
        private: false,
        doc,
    }
}

const fn private(
    name: &'static str,
    aliases: &'static [&'static str],
    doc: &'static str,
) -> FieldSpec {
    FieldSpec {
        name,
        aliases,
        required: false,
        private: true,
        doc,
    }
}

const DISTRICTS: &[FieldSpec] = &[
    f(
        "id",
        &["district_id"],
        false,
        "identifier in the source, unique",
    ),
    f(
        "name_ar",
        &["district_ar", "name_arabic", "arabic_name"],
        true,
        "Arabic name (or name_en)",
    ),
    f(
        "name_en",
        &["district_en", "name_english", "english_name"],
        false,
        "English name",
    ),
    f(
        "city",
        &[
            "city_name_ar",
            "city_ar",
            "city_name_en",
            "city_en",
            "city_name",
        ],
        false,
        "city",
    ),
    f(
        "valid_from",
        &["begin_lifespan"],
        false,
        "in force since (ISO 8601 date or date-time)",
    ),
];

const PLANS: &[FieldSpec] = &[
    f(
        "id",
        &["plan_id"],
        false,
        "identifier in the source, unique",
    ),
    f(
        "plan_no",
        &["plan_number", "planno", "plan"],
        true,
        "plan number, e.g. 2/123",
    ),
    f("name", &["plan_name", "name_ar"], false, "plan name"),
    f(
        "status",
        &["plan_status"],
        false,
        "proposed, under_review, approved (default) or cancelled",
    ),
    f(
        "approved_on",
        &["approval_date", "approved_date"],
        false,
        "approval date (YYYY-MM-DD)",
    ),
    f("valid_from", &["begin_lifespan"], false, "in force since"),
];

const STREETS: &[FieldSpec] = &[
    f(
        "id",
        &["street_id", "osm_id"],
        false,
        "identifier in the source, unique",
    ),
    f(
        "name_ar",
        &["street_ar", "name_arabic", "name:ar"],
        false,
        "Arabic name",
    ),
    f(
        "name_en",
        &["street_en", "name_english", "name:en", "name"],
        false,
        "English name",
    ),
    f(
        "width_m",
        &["width", "street_width"],
        false,
        "right-of-way width, metres",
    ),
    f("valid_from", &["begin_lifespan"], false, "in force since"),
];

const PARCELS: &[FieldSpec] = &[
    f(
        "id",
        &["parcel_id"],
        false,
        "identifier in the source, unique among current parcels",
    ),
    f(
        "parcel_no",
        &["parcel_number", "parcelno", "parcel"],
        true,
        "parcel number within the plan",
    ),
    f(
        "plan_no",
        &["plan_number", "planno", "plan"],
        false,
        "plan number",
    ),
    f(
        "block_no",
        &["block_number", "blockno", "block"],
        false,
        "block number within the plan",
    ),
    f(
        "district",
        &["district_ar", "district_name", "district_en"],
        false,
        "district name",
    ),
    f(
        "land_use",
        &["landuse", "use", "land_use_type"],
        false,
        "residential, commercial, mixed_use, ...",
    ),
    f(
        "deed_no",
        &["deed_number", "deed"],
        false,
        "title deed number (صك)",
    ),
    f(
        "deed_date",
        &["deed_dt"],
        false,
        "title deed date (YYYY-MM-DD, Gregorian)",
    ),
    f(
        "official_area_m2",
        &["official_area", "deed_area", "area_official"],
        false,
        "area in the deed, m²",
    ),
    private("owner_name", &["owner"], "owner's name (private)"),
    private(
        "owner_id",
        &["owner_national_id", "national_id"],
        "owner's national id (private, 10 digits)",
    ),
    f("valid_from", &["begin_lifespan"], false, "in force since"),
];

const SERVICE_POINTS: &[FieldSpec] = &[
    f(
        "id",
        &["poi_id", "osm_id"],
        false,
        "identifier in the source, unique",
    ),
    f(
        "name_ar",
        &["name:ar", "name_arabic"],
        true,
        "Arabic name (or name_en)",
    ),
    f(
        "name_en",
        &["name:en", "name_english", "name"],
        false,
        "English name",
    ),
    f(
        "category",
        &["type", "amenity", "shop", "category_en", "category_ar"],
        true,
        "category code or label",
    ),
    f(
        "phone",
        &["telephone", "phone_number", "contact:phone", "mobile"],
        false,
        "phone number",
    ),
    f(
        "opening_hours",
        &["hours", "opening hours"],
        false,
        "OpenStreetMap opening_hours syntax",
    ),
    f(
        "district",
        &["district_ar", "district_name"],
        false,
        "district name",
    ),
    f("valid_from", &["begin_lifespan"], false, "in force since"),
];

/// The core fields of a layer, in order.
pub fn fields(layer: LayerKind) -> &'static [FieldSpec] {
    match layer {
        LayerKind::Districts => DISTRICTS,
        LayerKind::Plans => PLANS,
        LayerKind::Streets => STREETS,
        LayerKind::Parcels => PARCELS,
        LayerKind::ServicePoints => SERVICE_POINTS,
    }
}
