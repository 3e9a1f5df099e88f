//! Making one tile: query the index with the buffered tile bounds, project to tile units, clip,
//! generalise, encode.
//!
//! Per layer in the order asked: nothing outside the layer's zoom range (`super::layers`); the
//! candidates are the features whose box meets the tile's lon/lat bounds grown by [`BUFFER`];
//! each feature shown at this zoom (`feature_min_zoom`) is projected (lon/lat → Web Mercator →
//! tile units, y down), dropped when sub-pixel as a whole, clipped to the buffered square and
//! generalised (`super::simplify`); features are written in id order with their fid as MVT id
//! and the layer's public properties for this zoom (`tile_properties`), nulls left out.

use std::collections::HashSet;
use std::sync::Arc;

use geo::{LineString, Polygon};

use super::TileId;
use super::clip::{Pt, Square};
use super::grid::lon_lat_to_mercator;
use super::layers::{feature_min_zoom, layer_zoom_range, tile_properties};
use super::mvt::{LayerBuilder, MvtValue, TileGeometry, push_layer};
use super::simplify::{self, MIN_AREA, MIN_LENGTH, tolerance};
use crate::domain::category::CategoryRegistry;
use crate::domain::public::{self, PublicValue};
use crate::domain::register::StoredFeature;
use crate::domain::{LayerKind, ValidGeometry};
use crate::index::Snapshot;

/// Tile units a side (MVT extent).
pub const EXTENT: u32 = 4096;
/// Tile units drawn beyond each edge, so that lines and fills join across tiles.
pub const BUFFER: u32 = 64;

/// The MVT bytes of `tile` with one MVT layer per entry of `layers` that has features there, in
/// the order given (a layer named twice is written once); an empty vector when no layer has any
/// feature in the tile (served as 204).
pub fn render(
    snapshot: &Snapshot,
    layers: &[LayerKind],
    tile: TileId,
    categories: &CategoryRegistry,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for &layer in layers {
        if seen.insert(layer) {
            let built = render_layer(snapshot, layer, tile, categories);
            push_layer(&mut out, &built);
        }
    }
    out
}

/// One MVT layer of `tile` (empty outside the layer's zoom range or when nothing is there).
pub fn render_layer(
    snapshot: &Snapshot,
    layer: LayerKind,
    tile: TileId,
    categories: &CategoryRegistry,
) -> LayerBuilder {
    let mut built = LayerBuilder::new(layer.id(), EXTENT);
    let (lo, hi) = layer_zoom_range(layer);
    if tile.z < lo || tile.z > hi {
        return built;
    }
    let bounds = tile.lon_lat_bounds(BUFFER, EXTENT);
    let mut features: Vec<&Arc<StoredFeature>> = snapshot
        .layer(layer)
        .candidates(&bounds)
        .filter(|f| feature_min_zoom(layer, &f.feature) <= tile.z)
        .collect();
    features.sort_by_key(|f| f.fid);
    let projector = Projector::new(tile);
    let square = Square::buffered(EXTENT, BUFFER);
    let tol = tolerance(tile.z);
    let names = tile_properties(layer, tile.z);
    for f in features {
        let Some(geometry) = tile_geometry(f.feature.geometry(), &projector, square, tol) else {
            continue;
        };
        let mut tags: Vec<(&str, MvtValue)> = Vec::with_capacity(names.len());
        public::visit_typed(&f.feature, categories, |name, value| {
            if !names.contains(&name) {
                return;
            }
            let value = match value {
                PublicValue::Null => return,
                PublicValue::Text(t) => MvtValue::String(t.to_owned()),
                PublicValue::Owned(t) => MvtValue::String(t),
                PublicValue::Number(x) => MvtValue::Double(x),
            };
            tags.push((name, value));
        });
        built.add(u64::try_from(f.fid.0).ok(), &geometry, tags);
    }
    built
}

/// Lon/lat → tile units of one tile (x to the right, y down, 0–EXTENT inside the tile).
#[derive(Clone, Copy, Debug)]
pub struct Projector {
    x0: f64,
    y1: f64,
    scale: f64,
}

impl Projector {
    /// The projection onto `tile`'s grid of [`EXTENT`] units.
    pub fn new(tile: TileId) -> Projector {
        let [x0, _, x1, y1] = tile.mercator_bounds();
        Projector {
            x0,
            y1,
            scale: f64::from(EXTENT) / (x1 - x0),
        }
    }

    /// The tile units of a lon/lat position (not rounded).
    pub fn project(&self, lon: f64, lat: f64) -> Pt {
        let (x, y) = lon_lat_to_mercator(lon, lat);
        [(x - self.x0) * self.scale, (self.y1 - y) * self.scale]
    }

    fn ring(&self, l: &LineString) -> Vec<Pt> {
        // Rings are stored closed; the tile pipeline works on open rings.
        let n = l.0.len().saturating_sub(usize::from(l.is_closed()));
        l.0[..n].iter().map(|c| self.project(c.x, c.y)).collect()
    }

    fn line(&self, l: &LineString) -> Vec<Pt> {
        l.0.iter().map(|c| self.project(c.x, c.y)).collect()
    }
}

fn ring_area(r: &[Pt]) -> f64 {
    let n = r.len();
    (0..n)
        .map(|i| {
            let (a, b) = (r[i], r[(i + 1) % n]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum::<f64>()
        / 2.0
}

fn line_length(l: &[Pt]) -> f64 {
    l.windows(2)
        .map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]))
        .sum()
}

/// A projected polygon: exterior and holes, open rings in tile units.
type Rings = (Vec<Pt>, Vec<Vec<Pt>>);

fn project_polygon(p: &Polygon, projector: &Projector) -> Rings {
    (
        projector.ring(p.exterior()),
        p.interiors().iter().map(|r| projector.ring(r)).collect(),
    )
}

/// The area of a projected polygon (exterior less holes), square tile units.
fn polygon_area((exterior, holes): &Rings) -> f64 {
    ring_area(exterior).abs() - holes.iter().map(|h| ring_area(h).abs()).sum::<f64>()
}

/// A stored geometry in one tile: projected, judged on its whole size, clipped to `square` and
/// generalised with Douglas–Peucker tolerance `tol`; `None` when nothing is left to draw.
pub fn tile_geometry(
    g: &ValidGeometry,
    projector: &Projector,
    square: Square,
    tol: f64,
) -> Option<TileGeometry> {
    let geometry = match g {
        ValidGeometry::Point(p) => {
            let q = projector.project(p.x(), p.y());
            if !square.contains(q) {
                return None;
            }
            TileGeometry::Points(simplify::quantise(&[q]))
        }
        ValidGeometry::MultiLineString(m) => {
            let lines: Vec<Vec<Pt>> = m.0.iter().map(|l| projector.line(l)).collect();
            if lines.iter().map(|l| line_length(l)).sum::<f64>() < MIN_LENGTH {
                return None;
            }
            TileGeometry::Lines(
                lines
                    .iter()
                    .flat_map(|l| simplify::line(l, square, tol))
                    .collect(),
            )
        }
        ValidGeometry::Polygon(p) => polygons(&[project_polygon(p, projector)], square, tol)?,
        ValidGeometry::MultiPolygon(m) => {
            let projected: Vec<Rings> = m.0.iter().map(|p| project_polygon(p, projector)).collect();
            polygons(&projected, square, tol)?
        }
    };
    (!geometry.is_empty()).then_some(geometry)
}

fn polygons(projected: &[Rings], square: Square, tol: f64) -> Option<TileGeometry> {
    if projected.iter().map(polygon_area).sum::<f64>() < MIN_AREA {
        return None;
    }
    Some(TileGeometry::Polygons(
        projected
            .iter()
            .flat_map(|(exterior, holes)| simplify::polygon(exterior, holes, square, tol))
            .collect(),
    ))
}
