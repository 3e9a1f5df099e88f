//! TileJSON 3.0.0 documents of a layer list (`GET /tiles/{layers}.json`), for MapLibre and
//! other clients: the tile URL template, bounds and centre from the layers' extents, zoom
//! range, and each MVT layer's fields.

use serde_json::{Map, Value, json};

use super::MAX_ZOOM;
use crate::domain::LayerKind;
use crate::index::Snapshot;

/// Who the data comes from, shown on maps.
pub const ATTRIBUTION: &str = "© Municipality open data — madinati (مدينتي)";

/// The zoom levels at which a layer is drawn (minzoom, maxzoom).
pub fn zoom_range(layer: LayerKind) -> (u8, u8) {
    super::layers::layer_zoom_range(layer)
}

/// A layer's MVT attributes with their TileJSON type description (`String`, `Number`, ...).
pub fn fields(layer: LayerKind) -> Vec<(&'static str, &'static str)> {
    super::layers::layer_fields(layer)
}

/// The comma-separated ids, as in the tile URL.
pub fn layer_list(layers: &[LayerKind]) -> String {
    layers.iter().map(|l| l.id()).collect::<Vec<_>>().join(",")
}

/// The zoom at which `bounds` (degrees of longitude/latitude) about fills a 1024-pixel view.
fn fitting_zoom(bounds: [f64; 4], min: u8, max: u8) -> u8 {
    let span = (bounds[2] - bounds[0]).max(bounds[3] - bounds[1]).max(1e-9);
    // A 256-pixel tile spans 360° at zoom 0; a 1024-pixel view is four tiles.
    let z = (360.0 * 4.0 / span).log2().floor();
    let z = if z.is_finite() {
        z.clamp(0.0, 22.0)
    } else {
        0.0
    } as u8;
    z.clamp(min, max)
}

/// The TileJSON 3.0.0 document of `layers` (non-empty), with tile URLs under `base` (the
/// server's URL as the client reached it).
pub fn tilejson(snapshot: &Snapshot, layers: &[LayerKind], base: &str) -> Value {
    let list = layer_list(layers);
    let ranges: Vec<(u8, u8)> = layers.iter().map(|l| zoom_range(*l)).collect();
    let minzoom = ranges.iter().map(|r| r.0).min().unwrap_or(0);
    let maxzoom = ranges.iter().map(|r| r.1).max().unwrap_or(MAX_ZOOM);
    let extent = layers
        .iter()
        .filter_map(|l| snapshot.layer(*l).extent())
        .reduce(|a, b| a.union(b));
    let bounds = extent.map_or(
        [-180.0, -85.051_128_779_806_59, 180.0, 85.051_128_779_806_59],
        |b| [b.min_x, b.min_y, b.max_x, b.max_y],
    );
    let center = [
        (bounds[0] + bounds[2]) / 2.0,
        (bounds[1] + bounds[3]) / 2.0,
        f64::from(fitting_zoom(bounds, minzoom, maxzoom)),
    ];
    let vector_layers: Vec<Value> = layers
        .iter()
        .zip(&ranges)
        .map(|(l, (min, max))| {
            let fields: Map<String, Value> = fields(*l)
                .into_iter()
                .map(|(name, kind)| (name.to_string(), json!(kind)))
                .collect();
            json!({
                "id": l.id(),
                "description": format!("{} — {}", l.title_en(), l.title_ar()),
                "minzoom": min,
                "maxzoom": max,
                "fields": fields,
            })
        })
        .collect();
    json!({
        "tilejson": "3.0.0",
        "name": format!("madinati: {}", layers.iter().map(|l| l.title_en()).collect::<Vec<_>>().join(", ")),
        "description": "Vector tiles (Mapbox Vector Tile 2.1) made from the current register.",
        "version": "1.0.0",
        "attribution": ATTRIBUTION,
        "scheme": "xyz",
        "tiles": [format!("{base}/tiles/{list}/{{z}}/{{x}}/{{y}}.mvt")],
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "bounds": bounds,
        "center": center,
        "vector_layers": vector_layers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Index;

    #[test]
    fn an_empty_index_gives_the_world_and_every_layer_its_fields() {
        let index = Index::from_features(Default::default());
        let doc = tilejson(
            &index.snapshot(),
            &[LayerKind::Parcels, LayerKind::ServicePoints],
            "https://maps.example",
        );
        assert_eq!(doc["tilejson"], "3.0.0");
        assert_eq!(
            doc["tiles"][0],
            "https://maps.example/tiles/parcels,service_points/{z}/{x}/{y}.mvt"
        );
        assert_eq!(doc["bounds"][0], -180.0);
        assert_eq!(doc["vector_layers"][1]["id"], "service_points");
        assert!(
            doc["vector_layers"][0]["fields"]
                .as_object()
                .is_some_and(|f| f.contains_key("parcel_no"))
        );
        assert_eq!(fitting_zoom([50.0, 26.0, 50.1, 26.1], 0, 22), 13);
        assert_eq!(fitting_zoom([50.0, 26.0, 50.1, 26.1], 14, 22), 14);
    }
}
