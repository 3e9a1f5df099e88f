//! A subdivision's or merge's proposed parcels sent as a file
//! (`POST /api/requests/proposal-file`), read as plan files are (`app::plan_file`: GeoJSON, a
//! zipped Shapefile, or with the `gdal` feature a DXF drawing; the same limits) into a GeoJSON
//! FeatureCollection in EPSG:4326 (longitude first) that `POST /api/requests` takes as
//! `proposed`. Nothing is stored.
//!
//! The parcels are the file's closed polygons: in a DXF, the closed polylines (or hatches) on
//! the layer `LOTS` if there are any, else every closed polyline, each numbered by a text inside
//! it (one on its own layer first; a text counts for the smallest polygon around it); in GeoJSON
//! or a Shapefile, the polygons (each part of a multipolygon, and closed lines) with `role`
//! `lot` if there are any (a plan's lots, or `lots.shp`), else every one but a street's,
//! numbered by their `parcel_no` (any case).
//!
//! The CRS of the coordinates is the `crs` part's, else the one the file declares (a
//! Shapefile's `.prj`, a GeoJSON `crs` member), else EPSG:32639 (UTM 39N, as CAD offices draw)
//! for a DXF and EPSG:4326 for the others.

use geo::{Area, BoundingRect, Contains, Coord, LineString, Point, Polygon};
use serde_json::{Value, json};

use super::plan_file::{self, Contents, Drawing, PlanFileError};
use crate::domain::RawGeometry;
use crate::domain::checks::proposal::to_wgs84;
use crate::domain::crs::Crs;
use crate::domain::geojson::geometry_from_json;

/// The CRS of a DXF that names none: WGS 84 / UTM 39N, whose grid KSA-GRF17 / UTM 39N drawings
/// share to the centimetre.
pub const DXF_CRS: &str = "EPSG:32639";
/// The CRS of GeoJSON and Shapefiles that name none.
pub const DEFAULT_CRS: &str = "EPSG:4326";

/// One proposed parcel as the file draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct Lot {
    /// Rings, the exterior first, each closed; in the file's CRS.
    pub rings: Vec<Vec<Coord>>,
    /// Its number, if the file gives one.
    pub parcel_no: Option<String>,
}

/// Reads the proposed parcels of the file `name`; `crs` is the `crs` part, if sent. The answer
/// is a FeatureCollection of Polygons in EPSG:4326 with `properties.parcel_no` (a string or
/// null) and `source_crs` (the CRS the file was read in).
pub fn read(name: &str, bytes: &[u8], crs: Option<&str>) -> Result<Value, PlanFileError> {
    let (lots, declared, default, what_to_draw) = match plan_file::open(name, bytes)? {
        Contents::GeoJson {
            collection,
            declared_crs,
        } => (
            lots_of_collection(&collection)?,
            declared_crs.into_iter().collect(),
            DEFAULT_CRS,
            "the GeoJSON has no polygon: give each proposed parcel as a Polygon feature with \
             properties.parcel_no",
        ),
        Contents::Shapefile {
            collection,
            declared_crs,
        } => (
            lots_of_collection(&collection)?,
            declared_crs,
            DEFAULT_CRS,
            "the shapefiles hold no polygon: give each proposed parcel as a polygon record with \
             its number in a field parcel_no (lots.shp, with its .dbf, .shx and .prj)",
        ),
        Contents::Dxf(drawing) => (
            lots_of_drawing(&drawing),
            Vec::new(),
            DXF_CRS,
            "the DXF has no closed polyline: draw each proposed parcel as a closed polyline on \
             a layer LOTS, its number as a text inside it",
        ),
    };
    if lots.is_empty() {
        return Err(PlanFileError::Invalid(what_to_draw.into()));
    }
    let crs = source_crs(crs, &declared, default)?;
    collection(&lots, &crs).map_err(PlanFileError::Invalid)
}

/// The CRS the file is read in: the `crs` part (one a proposal may be written in), else the
/// one the file declares, else `default`.
pub fn source_crs(
    part: Option<&str>,
    declared: &[String],
    default: &str,
) -> Result<Crs, PlanFileError> {
    if let Some(name) = part.map(str::trim).filter(|n| !n.is_empty()) {
        return crate::app::workflow::submission::accepted_crs(name)
            .map_err(|e| PlanFileError::Invalid(e.to_string()));
    }
    match declared {
        [] => Crs::parse(default).map_err(|e| PlanFileError::Invalid(e.to_string())),
        [one] => Crs::parse(one).map_err(|e| {
            PlanFileError::Invalid(format!(
                "the file declares the CRS {one}, which this server cannot read ({e}): name \
                 the CRS of its coordinates in the crs part (e.g. EPSG:32639)"
            ))
        }),
        several => Err(PlanFileError::Invalid(format!(
            "the shapefiles declare different CRSs ({}): send them in one, or name the CRS \
             of their coordinates in the crs part",
            several.join(", ")
        ))),
    }
}

/// The proposed parcels of a drawing: the areas on `LOTS` if there are any, else every area;
/// each numbered by the first text whose smallest surrounding area it is, one on the area's
/// own layer first.
pub fn lots_of_drawing(d: &Drawing) -> Vec<Lot> {
    let on_lots = d.areas.iter().any(|(l, _)| l == "LOTS");
    let chosen: Vec<&(String, Vec<Coord>)> = d
        .areas
        .iter()
        .filter(|(l, _)| !on_lots || l == "LOTS")
        .collect();
    let polygons: Vec<(Polygon, f64)> = chosen
        .iter()
        .map(|(_, ring)| {
            let p = Polygon::new(LineString(ring.clone()), vec![]);
            let area = p.unsigned_area();
            (p, area)
        })
        .collect();
    let boxes: Vec<_> = polygons.iter().map(|(p, _)| p.bounding_rect()).collect();
    // The smallest chosen area around each text.
    let owners: Vec<Option<usize>> = d
        .labels
        .iter()
        .map(|(_, at, _)| {
            (0..polygons.len())
                .filter(|&i| boxes[i].is_some_and(|b| b.contains(at)))
                .filter(|&i| polygons[i].0.contains(&Point(*at)))
                .min_by(|&a, &b| polygons[a].1.total_cmp(&polygons[b].1))
        })
        .collect();
    let mut numbers: Vec<Option<String>> = vec![None; chosen.len()];
    for own_layer_only in [true, false] {
        for ((layer, _, text), owner) in d.labels.iter().zip(&owners) {
            if let Some(i) = *owner
                && numbers[i].is_none()
                && (!own_layer_only || *layer == chosen[i].0)
            {
                numbers[i] = Some(text.trim().to_string()).filter(|t| !t.is_empty());
            }
        }
    }
    chosen
        .into_iter()
        .zip(numbers)
        .map(|((_, ring), parcel_no)| Lot {
            rings: vec![ring.clone()],
            parcel_no,
        })
        .collect()
}

/// The proposed parcels of a FeatureCollection (GeoJSON, or a Shapefile's records): the
/// polygons of features with `role` `lot` if there are any, else of every feature but a street.
pub fn lots_of_collection(fc: &Value) -> Result<Vec<Lot>, PlanFileError> {
    let features = fc
        .get("features")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let role = |f: &Value| {
        f.pointer("/properties/role")
            .and_then(Value::as_str)
            .map(|r| r.trim().to_ascii_lowercase())
    };
    let lots_only = features.iter().any(|f| role(f).as_deref() == Some("lot"));
    let mut lots = Vec::new();
    for (index, f) in features.iter().enumerate() {
        let r = role(f);
        if (lots_only && r.as_deref() != Some("lot")) || r.as_deref() == Some("street") {
            continue;
        }
        let parcel_no = f.get("properties").and_then(parcel_no_of);
        let geometry = geometry_from_json(f.get("geometry").unwrap_or(&Value::Null))
            .map_err(|e| PlanFileError::Invalid(format!("feature {index}: {e}")))?;
        let polygons = match geometry {
            Some(RawGeometry::Polygon(rings)) => vec![rings],
            Some(RawGeometry::MultiPolygon(ps)) => ps,
            Some(RawGeometry::LineString(l)) if l.len() >= 4 && l.first() == l.last() => {
                vec![vec![l]]
            }
            _ => continue,
        };
        for rings in polygons {
            let rings: Vec<Vec<Coord>> = rings.into_iter().map(closed).collect();
            if rings.first().is_some_and(|r| r.len() >= 4) {
                lots.push(Lot {
                    rings,
                    parcel_no: parcel_no.clone(),
                });
            }
        }
    }
    Ok(lots)
}

/// `parcel_no` (any case) as text: a whole number without a fraction, blank as none.
fn parcel_no_of(props: &Value) -> Option<String> {
    let (_, v) = props
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("parcel_no"))?;
    let text = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        _ => return None,
    };
    Some(text).filter(|t| !t.is_empty())
}

/// A ring with its first point repeated at the end.
fn closed(mut ring: Vec<Coord>) -> Vec<Coord> {
    if ring.first() != ring.last()
        && let Some(&first) = ring.first()
    {
        ring.push(first);
    }
    ring
}

/// The lots as a FeatureCollection in EPSG:4326, longitude first; a coordinate `crs` cannot
/// take, or one out of range, says which parcel and what to send.
pub fn collection(lots: &[Lot], crs: &Crs) -> Result<Value, String> {
    let mut features = Vec::with_capacity(lots.len());
    for (i, lot) in lots.iter().enumerate() {
        let mut raw = RawGeometry::Polygon(lot.rings.clone());
        let out_of_range = |x: f64, y: f64| {
            format!(
                "proposed parcel {} has the coordinate ({x}, {y}), outside the range of {}: \
                 name the CRS of the file's coordinates in the crs part (EPSG:32639 for UTM 39N \
                 metres, easting first; EPSG:4326 for degrees, longitude first)",
                i + 1,
                crs.label()
            )
        };
        if let Err(p) = to_wgs84(&mut raw, crs) {
            let (x, y) = p.location().unwrap_or((f64::NAN, f64::NAN));
            return Err(out_of_range(x, y));
        }
        let RawGeometry::Polygon(rings) = raw else {
            return Err(format!("proposed parcel {} is not a polygon", i + 1));
        };
        for c in rings.iter().flatten() {
            if !(c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0) {
                return Err(out_of_range(c.x, c.y));
            }
        }
        let coordinates: Vec<Value> = rings
            .iter()
            .map(|r| Value::from(r.iter().map(|c| json!([c.x, c.y])).collect::<Vec<_>>()))
            .collect();
        features.push(json!({
            "type": "Feature",
            "properties": {"parcel_no": lot.parcel_no},
            "geometry": {"type": "Polygon", "coordinates": coordinates},
        }));
    }
    Ok(json!({
        "type": "FeatureCollection",
        "source_crs": crs.identifier(),
        "features": features,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    fn square(x: f64, y: f64, s: f64) -> Vec<Coord> {
        vec![c(x, y), c(x + s, y), c(x + s, y + s), c(x, y + s), c(x, y)]
    }

    #[test]
    fn a_drawing_gives_its_lots_numbered_by_the_texts_inside() {
        let d = Drawing {
            areas: vec![
                ("BOUNDARY".into(), square(0.0, 0.0, 100.0)),
                ("LOTS".into(), square(0.0, 0.0, 25.0)),
                ("LOTS".into(), square(25.0, 0.0, 25.0)),
            ],
            lines: vec![],
            labels: vec![
                ("TEXT".into(), c(30.0, 10.0), "off-layer".into()),
                ("LOTS".into(), c(10.0, 10.0), " 12 ".into()),
                ("LOTS".into(), c(90.0, 90.0), "outside every lot".into()),
            ],
        };
        let lots = lots_of_drawing(&d);
        assert_eq!(lots.len(), 2, "only the lots: {lots:?}");
        assert_eq!(lots[0].parcel_no.as_deref(), Some("12"));
        assert_eq!(lots[0].rings, vec![square(0.0, 0.0, 25.0)]);
        // No text on LOTS inside the second: one on another layer is taken.
        assert_eq!(lots[1].parcel_no.as_deref(), Some("off-layer"));

        // Without LOTS every closed polyline is a parcel, and a text numbers the smallest one
        // around it, not the boundary.
        let d = Drawing {
            areas: vec![
                ("0".into(), square(0.0, 0.0, 100.0)),
                ("PARCELS".into(), square(10.0, 10.0, 20.0)),
            ],
            lines: vec![],
            labels: vec![("0".into(), c(15.0, 15.0), "7".into())],
        };
        let lots = lots_of_drawing(&d);
        assert_eq!(lots.len(), 2);
        assert_eq!(lots[0].parcel_no, None);
        assert_eq!(lots[1].parcel_no.as_deref(), Some("7"));
        assert!(lots_of_drawing(&Drawing::default()).is_empty());
    }

    #[test]
    fn a_collection_gives_its_lots_or_else_every_polygon() {
        let poly = |no: Value, role: &str| {
            json!({"type": "Feature", "properties": {"PARCEL_NO": no, "role": role},
                   "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}})
        };
        let plan = json!({"type": "FeatureCollection", "features": [
            poly(json!("B"), "boundary"),
            poly(json!(101.0), "lot"),
            poly(json!(" "), "lot"),
            {"type": "Feature", "properties": {"role": "street"},
             "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}},
        ]});
        let lots = lots_of_collection(&plan).unwrap();
        assert_eq!(lots.len(), 2, "{lots:?}");
        assert_eq!(lots[0].parcel_no.as_deref(), Some("101"));
        assert_eq!(lots[1].parcel_no, None);

        // No roles: every polygon, each part of a multipolygon, a closed line; unclosed rings
        // closed.
        let fc = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"parcel_no": 5},
             "geometry": {"type": "MultiPolygon", "coordinates": [
                 [[[0, 0], [1, 0], [1, 1]]], [[[2, 0], [3, 0], [3, 1], [2, 0]]]]}},
            {"type": "Feature", "properties": null,
             "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 0], [1, 1], [0, 0]]}},
            {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [0, 0]}},
        ]});
        let lots = lots_of_collection(&fc).unwrap();
        assert_eq!(lots.len(), 3, "{lots:?}");
        assert_eq!(lots[0].rings[0].len(), 4);
        assert_eq!(lots[0].rings[0].first(), lots[0].rings[0].last());
        assert_eq!(lots[1].parcel_no.as_deref(), Some("5"));
        assert_eq!(lots[2].parcel_no, None);
        let bad = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": "x"}}]});
        assert!(matches!(
            lots_of_collection(&bad),
            Err(PlanFileError::Invalid(_))
        ));
    }

    #[test]
    fn utm_metres_come_back_as_longitude_and_latitude() {
        let utm = Crs::from_epsg(32639).unwrap();
        // Dammam, as in the CRS tests: `echo 26.43 50.10 | cs2cs EPSG:4326 EPSG:32639`.
        let o = utm.from_wgs84(c(50.10, 26.43)).unwrap();
        let lot = Lot {
            rings: vec![vec![
                o,
                c(o.x + 20.0, o.y),
                c(o.x + 20.0, o.y + 30.0),
                c(o.x, o.y + 30.0),
                o,
            ]],
            parcel_no: Some("3".into()),
        };
        let fc = collection(std::slice::from_ref(&lot), &utm).unwrap();
        assert_eq!(fc["source_crs"], "EPSG:32639");
        let f = &fc["features"][0];
        assert_eq!(f["properties"]["parcel_no"], "3");
        assert_eq!(f["geometry"]["type"], "Polygon");
        let first = &f["geometry"]["coordinates"][0][0];
        let (lon, lat) = (first[0].as_f64().unwrap(), first[1].as_f64().unwrap());
        assert!(
            (lon - 50.10).abs() < 1e-9 && (lat - 26.43).abs() < 1e-9,
            "{first}"
        );
        // The east side is 20 m east: about 0.0002 degrees of longitude at 26° N.
        let east = f["geometry"]["coordinates"][0][1][0].as_f64().unwrap();
        assert!((east - lon - 20.0 / 99_650.0).abs() < 2e-6, "{east}");

        // Metres read as degrees are refused with what to send.
        let wgs = Crs::wgs84();
        let err = collection(std::slice::from_ref(&lot), &wgs).unwrap_err();
        assert!(
            err.contains("crs part") && err.contains("parcel 1"),
            "{err}"
        );
        let degrees = Lot {
            rings: vec![vec![
                c(50.1, 26.4),
                c(50.2, 26.4),
                c(50.2, 26.5),
                c(50.1, 26.4),
            ]],
            parcel_no: None,
        };
        assert!(collection(&[degrees], &wgs).is_ok());
    }

    #[test]
    fn the_crs_is_the_part_else_the_files_else_the_default() {
        let epsg = |r: Result<Crs, PlanFileError>| r.unwrap().epsg();
        assert_eq!(epsg(source_crs(None, &[], DXF_CRS)), Some(32639));
        assert_eq!(epsg(source_crs(Some(" "), &[], DEFAULT_CRS)), Some(4326));
        let prj = ["EPSG:9359".to_string()];
        assert_eq!(epsg(source_crs(None, &prj, DEFAULT_CRS)), Some(9359));
        assert_eq!(
            epsg(source_crs(Some("EPSG:20439"), &prj, DXF_CRS)),
            Some(20439)
        );
        // The part is one a proposal may be written in.
        assert!(source_crs(Some("EPSG:3857"), &[], DXF_CRS).is_err());
        let two = ["EPSG:32639".to_string(), "EPSG:4326".to_string()];
        assert!(source_crs(None, &two, DEFAULT_CRS).is_err());
        assert!(source_crs(None, &["nonsense".into()], DEFAULT_CRS).is_err());
    }

    #[test]
    fn a_file_without_a_polygon_says_what_to_draw() {
        let empty = br#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [50, 26]}}]}"#;
        match read("lots.geojson", empty, None) {
            Err(PlanFileError::Invalid(m)) => assert!(m.contains("Polygon feature"), "{m}"),
            other => panic!("{other:?}"),
        }
        let ok = br#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"parcel_no": "1"},
             "geometry": {"type": "Polygon", "coordinates": [[[50, 26], [50.001, 26], [50.001, 26.001], [50, 26]]]}}]}"#;
        let fc = read("lots.geojson", ok, None).unwrap();
        assert_eq!(fc["source_crs"], "EPSG:4326");
        assert_eq!(
            fc["features"][0]["geometry"]["coordinates"][0][1][0],
            50.001
        );
    }
}
