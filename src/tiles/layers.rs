//! What each layer puts in a tile: its zoom range, which features appear from which zoom, and
//! which public attributes travel with them.
//!
//! # Zoom ranges (and why)
//!
//! | layer | from zoom | reason |
//! |---|---|---|
//! | districts | 8 | a few hundred polygons for a whole province; a district (~1.5 km) is ~5 px at z8 |
//! | plans | 11 | a plan is a few hundred metres: ~10–20 px at z11 |
//! | streets | 10 for streets 30 m wide or more (arterials), 12 for the rest | local streets are 10–15 m apart blocks; drawn from z12 a city's local grid stays under ~1,000 short lines a tile |
//! | parcels | 14 | ~20 × 30 m parcels are 35–55 units (4–7 px) a side at z14; below that they are a grey wash and a dense z13 tile would hold ~20,000 of them |
//! | service points | 12 for hospitals, mosques, schools and government offices (landmarks); 13 for the rest (shops, pharmacies, clinics, ...) | |
//!
//! Every layer goes up to [`super::MAX_ZOOM`] (22); clients overzoom beyond that.
//!
//! # Attributes
//!
//! A tile carries only the typed public properties of `crate::domain::public::properties` (never
//! the source's extra properties: the schema stays fixed and documented in TileJSON, and nothing a
//! source happens to carry, an owner's name for instance, can leak through a tile). Nulls are left
//! out. At zooms 14–15 parcels carry a short set of attributes (enough to label and colour
//! them); the full set comes from zoom 16, which keeps the densest z14 tiles of the province
//! demo under the 500 KB budget. See [`tile_properties`].

use crate::domain::attributes::Attributes;
use crate::domain::public::property_names;
use crate::domain::{Feature, LayerKind};

/// The zooms (inclusive) at which `layer` can have features in a tile: from the lowest zoom at
/// which any of its features appears, to 22. For TileJSON `vector_layers` minzoom/maxzoom.
pub fn layer_zoom_range(layer: LayerKind) -> (u8, u8) {
    let min = match layer {
        LayerKind::Districts => 8,
        LayerKind::Plans => 11,
        LayerKind::Streets => MAJOR_STREET_ZOOM,
        LayerKind::Parcels => 14,
        LayerKind::ServicePoints => LANDMARK_ZOOM,
    };
    (min, super::MAX_ZOOM)
}

/// Streets at least this wide (right of way, metres) are arterials, shown from
/// [`MAJOR_STREET_ZOOM`].
pub const MAJOR_STREET_WIDTH_M: f64 = 30.0;
/// The zoom from which arterial streets are drawn.
pub const MAJOR_STREET_ZOOM: u8 = 10;
/// The zoom from which every street is drawn.
pub const STREET_ZOOM: u8 = 12;
/// Service categories drawn from [`LANDMARK_ZOOM`]; the others from [`SERVICE_ZOOM`].
pub const LANDMARK_CATEGORIES: &[&str] = &["hospital", "mosque", "school", "government_office"];
/// The zoom from which landmark service points are drawn.
pub const LANDMARK_ZOOM: u8 = 12;
/// The zoom from which every service point is drawn.
pub const SERVICE_ZOOM: u8 = 13;
/// The zoom from which parcels carry every public attribute.
pub const PARCEL_FULL_ZOOM: u8 = 16;

/// The lowest zoom at which this feature of `layer` appears in tiles (never below the layer's
/// own range).
pub fn feature_min_zoom(layer: LayerKind, f: &Feature) -> u8 {
    match (layer, f.attributes()) {
        (LayerKind::Streets, Attributes::Street(s)) => {
            if s.width_m.is_some_and(|w| w >= MAJOR_STREET_WIDTH_M) {
                MAJOR_STREET_ZOOM
            } else {
                STREET_ZOOM
            }
        }
        (LayerKind::ServicePoints, Attributes::ServicePoint(s)) => {
            if LANDMARK_CATEGORIES.contains(&s.category.as_str()) {
                LANDMARK_ZOOM
            } else {
                SERVICE_ZOOM
            }
        }
        _ => layer_zoom_range(layer).0,
    }
}

/// The type of a public property as TileJSON's `vector_layers` `fields` name it.
fn field_type(name: &str) -> &'static str {
    match name {
        "area_m2" | "official_area_m2" | "width_m" | "length_m" => "Number",
        _ => "String",
    }
}

/// Every attribute a feature of `layer` can carry in a tile, with its type ("String", "Number"
/// or "Boolean"), in tile order. For TileJSON `vector_layers` `fields`.
pub fn layer_fields(layer: LayerKind) -> Vec<(&'static str, &'static str)> {
    property_names(layer)
        .iter()
        .map(|n| (*n, field_type(n)))
        .collect()
}

/// Parcel attributes carried below [`PARCEL_FULL_ZOOM`].
const PARCEL_SHORT: &[&str] = &["parcel_no", "plan_no", "block_no", "land_use"];

/// The public properties a feature of `layer` carries in a tile at zoom `z`.
pub fn tile_properties(layer: LayerKind, z: u8) -> &'static [&'static str] {
    match layer {
        LayerKind::Parcels if z < PARCEL_FULL_ZOOM => PARCEL_SHORT,
        _ => property_names(layer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layer_has_a_range_and_fields() {
        for l in LayerKind::ALL {
            let (lo, hi) = layer_zoom_range(l);
            assert!(lo <= hi && hi == 22, "{l}");
            let fields = layer_fields(l);
            assert!(fields.iter().any(|(n, _)| *n == "source_id"), "{l}");
            for p in tile_properties(l, lo) {
                assert!(fields.iter().any(|(n, _)| n == p), "{l} {p}");
            }
            assert!(
                fields.iter().all(|(n, _)| !n.contains("owner")),
                "{l} never has owners"
            );
        }
        assert!(layer_fields(LayerKind::Streets).contains(&("width_m", "Number")));
    }
}
