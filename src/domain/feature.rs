//! A feature of one of the city's layers: validated geometry, typed attributes, the source's
//! other properties, and a lifespan.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::attributes::Attributes;
use super::category::CategoryRegistry;
use super::geodesy;
use super::geometry::ValidGeometry;
use super::layer::LayerKind;
use super::public::{PublicCache, PublicJson};

/// The store's identifier of a feature (the GeoPackage `fid`), unique within a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct FeatureId(pub i64);

/// The identifier a feature had in its source (e.g. a district id), unique among a layer's
/// current features. Trimmed and never empty.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct SourceId(String);

impl SourceId {
    /// Parses an identifier from a JSON value: strings are trimmed, integers written in decimal.
    /// Returns `None` for null, empty strings, and values that are not strings or integers.
    pub fn from_value(v: &Value) -> Option<SourceId> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(SourceId(s.trim().to_string())),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some(SourceId(n.to_string())),
            Value::Number(n) => n
                .as_f64()
                .filter(|f| f.fract() == 0.0)
                .map(|f| SourceId(format!("{f:.0}"))),
            _ => None,
        }
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SourceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// When a record is in force (LADM's begin/end lifespan), UTC. `valid_from = None` means "since
/// before the register began"; `valid_to = None` means current. Records are end-dated, never deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lifespan {
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_to: Option<DateTime<Utc>>,
}

impl Lifespan {
    /// Whether the record was in force at `at`.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.valid_from.is_none_or(|f| f <= at) && self.valid_to.is_none_or(|t| at < t)
    }
}

/// The geometry's type does not match the layer of the attributes.
#[derive(Debug, thiserror::Error)]
#[error("a {layer} feature needs a {expected} geometry")]
pub struct ShapeMismatch {
    pub layer: LayerKind,
    pub expected: &'static str,
}

/// A feature of a layer. The geometry's shape always matches the layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    source_id: Option<SourceId>,
    geometry: ValidGeometry,
    attributes: Attributes,
    extra: Map<String, Value>,
    lifespan: Lifespan,
    /// The public GeoJSON, written on first use and kept: a feature never changes (a change is a
    /// new feature version), so it is written once however often it is served.
    public: PublicCache,
    /// The geodesic area (polygons) or length (lines), computed on first use and kept.
    measure: Measure,
}

/// A lazily computed measure that takes no part in equality (it follows from the geometry).
#[derive(Clone, Debug, Default)]
struct Measure(std::sync::OnceLock<f64>);

impl PartialEq for Measure {
    fn eq(&self, _: &Measure) -> bool {
        true
    }
}

impl Feature {
    /// Makes a feature; the geometry must be of the shape the attributes' layer stores.
    pub fn new(
        source_id: Option<SourceId>,
        geometry: ValidGeometry,
        attributes: Attributes,
        extra: Map<String, Value>,
        lifespan: Lifespan,
    ) -> Result<Feature, ShapeMismatch> {
        let layer = attributes.layer();
        let ok = matches!(
            (layer.shape(), &geometry),
            (super::GeometryShape::Point, ValidGeometry::Point(_))
                | (
                    super::GeometryShape::MultiLineString,
                    ValidGeometry::MultiLineString(_)
                )
                | (super::GeometryShape::Polygon, ValidGeometry::Polygon(_))
                | (
                    super::GeometryShape::MultiPolygon,
                    ValidGeometry::MultiPolygon(_)
                )
        );
        if !ok {
            return Err(ShapeMismatch {
                layer,
                expected: layer.shape().sf_name(),
            });
        }
        Ok(Feature {
            source_id,
            geometry,
            attributes,
            extra,
            lifespan,
            public: PublicCache::default(),
            measure: Measure::default(),
        })
    }

    /// The layer this feature belongs to.
    pub fn layer(&self) -> LayerKind {
        self.attributes.layer()
    }
    /// The identifier from the source, if it had one.
    pub fn source_id(&self) -> Option<&SourceId> {
        self.source_id.as_ref()
    }
    /// The geometry, EPSG:4326.
    pub fn geometry(&self) -> &ValidGeometry {
        &self.geometry
    }
    /// The typed attributes.
    pub fn attributes(&self) -> &Attributes {
        &self.attributes
    }
    /// The source's other properties, kept as they were.
    pub fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }
    /// When the record is in force.
    pub fn lifespan(&self) -> Lifespan {
        self.lifespan
    }

    /// The public properties and geometry as GeoJSON text (see `public::PublicJson`), written on
    /// the first call and kept; `categories` must be the same registry on every call for one
    /// feature (one per server), else the text is written afresh and not kept.
    pub fn public_json(&self, categories: &CategoryRegistry) -> std::borrow::Cow<'_, PublicJson> {
        self.public.get_or_write(self, categories)
    }

    /// Geodesic area in m² on the WGS 84 ellipsoid (0 for points and lines).
    pub fn area_m2(&self) -> f64 {
        match self.geometry {
            ValidGeometry::Polygon(_) | ValidGeometry::MultiPolygon(_) => *self
                .measure
                .0
                .get_or_init(|| geodesy::area_m2(&self.geometry)),
            _ => 0.0,
        }
    }

    /// Geodesic length in metres on the WGS 84 ellipsoid (0 for points and polygons).
    pub fn length_m(&self) -> f64 {
        match self.geometry {
            ValidGeometry::MultiLineString(_) => *self
                .measure
                .0
                .get_or_init(|| geodesy::length_m(&self.geometry)),
            _ => 0.0,
        }
    }
}
