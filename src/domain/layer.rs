//! The public layers of the city and the geometry each one holds.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One of the city's layers. Each is a feature table of the store and, later, a collection of
/// the OGC API and a layer of the vector tiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerKind {
    /// Districts (أحياء): named administrative areas of a city.
    Districts,
    /// Approved or proposed subdivision plans (مخططات).
    Plans,
    /// Street centre lines with their width.
    Streets,
    /// Land parcels (قطع الأراضي), versioned with a lifespan and lineage.
    Parcels,
    /// Service points: shops, pharmacies, clinics, mosques, ...
    ServicePoints,
}

/// The geometry type a layer stores. Inputs of a compatible type are promoted
/// (a `Polygon` into a `MultiPolygon` layer, a `LineString` into a `MultiLineString` layer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GeometryShape {
    Point,
    MultiLineString,
    Polygon,
    MultiPolygon,
}

impl GeometryShape {
    /// The GeoPackage / OGC Simple Features type name (`gpkg_geometry_columns.geometry_type_name`).
    pub fn sf_name(self) -> &'static str {
        match self {
            GeometryShape::Point => "POINT",
            GeometryShape::MultiLineString => "MULTILINESTRING",
            GeometryShape::Polygon => "POLYGON",
            GeometryShape::MultiPolygon => "MULTIPOLYGON",
        }
    }

    /// What inputs this shape accepts, for messages.
    pub fn accepts(self) -> &'static str {
        match self {
            GeometryShape::Point => "Point",
            GeometryShape::MultiLineString => "LineString or MultiLineString",
            GeometryShape::Polygon => "Polygon (or a MultiPolygon of exactly one polygon)",
            GeometryShape::MultiPolygon => "Polygon or MultiPolygon",
        }
    }
}

impl LayerKind {
    /// Every layer, in drawing order (bottom first).
    pub const ALL: [LayerKind; 5] = [
        LayerKind::Districts,
        LayerKind::Plans,
        LayerKind::Parcels,
        LayerKind::Streets,
        LayerKind::ServicePoints,
    ];

    /// The identifier used in the CLI, the store's table name and URLs.
    pub fn id(self) -> &'static str {
        match self {
            LayerKind::Districts => "districts",
            LayerKind::Plans => "plans",
            LayerKind::Streets => "streets",
            LayerKind::Parcels => "parcels",
            LayerKind::ServicePoints => "service_points",
        }
    }

    /// The geometry this layer stores.
    pub fn shape(self) -> GeometryShape {
        match self {
            LayerKind::Districts | LayerKind::Plans => GeometryShape::MultiPolygon,
            LayerKind::Parcels => GeometryShape::Polygon,
            LayerKind::Streets => GeometryShape::MultiLineString,
            LayerKind::ServicePoints => GeometryShape::Point,
        }
    }

    /// Arabic title of the layer.
    pub fn title_ar(self) -> &'static str {
        match self {
            LayerKind::Districts => "الأحياء",
            LayerKind::Plans => "المخططات",
            LayerKind::Streets => "الشوارع",
            LayerKind::Parcels => "قطع الأراضي",
            LayerKind::ServicePoints => "نقاط الخدمات",
        }
    }

    /// English title of the layer.
    pub fn title_en(self) -> &'static str {
        match self {
            LayerKind::Districts => "Districts",
            LayerKind::Plans => "Plans",
            LayerKind::Streets => "Streets",
            LayerKind::Parcels => "Parcels",
            LayerKind::ServicePoints => "Service points",
        }
    }
}

impl fmt::Display for LayerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The text did not name a layer.
#[derive(Debug, thiserror::Error)]
#[error("unknown layer {0:?}: expected one of districts, plans, streets, parcels, service_points")]
pub struct UnknownLayer(pub String);

impl FromStr for LayerKind {
    type Err = UnknownLayer;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace('-', "_");
        LayerKind::ALL
            .into_iter()
            .find(|l| l.id() == key)
            .or(match key.as_str() {
                "services" | "service_point" | "pois" => Some(LayerKind::ServicePoints),
                "district" => Some(LayerKind::Districts),
                "plan" => Some(LayerKind::Plans),
                "street" | "roads" => Some(LayerKind::Streets),
                "parcel" => Some(LayerKind::Parcels),
                _ => None,
            })
            .ok_or_else(|| UnknownLayer(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids_and_aliases() {
        for l in LayerKind::ALL {
            assert_eq!(l.id().parse::<LayerKind>().ok(), Some(l));
        }
        assert_eq!(
            "service-points".parse::<LayerKind>().ok(),
            Some(LayerKind::ServicePoints)
        );
        assert!("lakes".parse::<LayerKind>().is_err());
    }
}
