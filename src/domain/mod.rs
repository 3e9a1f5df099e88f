//! The city's domain: layers and their typed features, validated geometry, geodesic measures,
//! service categories, opening hours and coordinate reference systems.
//!
//! Nothing here knows about HTTP or SQL. Values are made by parsing (`TryFrom`, `parse`), so a
//! value of a domain type is valid by construction and the rest of the system never re-checks it.

pub mod account;
pub mod attributes;
pub mod audit;
pub mod category;
pub mod checks;
pub mod crs;
pub mod document;
pub mod feature;
pub mod geodesy;
pub mod geojson;
pub mod geometry;
pub mod layer;
pub mod notification;
pub mod opening_hours;
pub mod public;
pub mod register;
pub mod request;
pub mod schema;
pub mod wkb;

pub use feature::{Feature, FeatureId, Lifespan, SourceId};
pub use geometry::{Bbox, GeometryProblem, RawGeometry, ValidGeometry};
pub use layer::{GeometryShape, LayerKind};
