//! A DXF drawing read through GDAL (the `gdal` feature) into the entities plans and proposals
//! are made of, and a plan built from them.
//!
//! Closed polylines and hatches are areas, polylines on `STREETS` street centre lines, texts
//! labels; each keeps its layer (in upper case). Other entities are passed over.

use geo::{Contains, Coord, Distance, Euclidean, LineString, Point, Polygon};
use serde_json::{Value, json};

use super::PlanFileError;
use crate::domain::checks::plan::MAX_PLAN_FEATURES;

/// Most texts a drawing may hold (lot numbers, street names and widths).
pub const MAX_LABELS: usize = 4 * MAX_PLAN_FEATURES;

/// The entities of a DXF drawing, in the drawing's units (metres of its grid).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drawing {
    /// Closed polylines and the outer rings of hatches: (layer, ring; first point = last).
    pub areas: Vec<(String, Vec<Coord>)>,
    /// Polylines on `STREETS`.
    pub lines: Vec<Vec<Coord>>,
    /// Texts: (layer, insertion point, text).
    pub labels: Vec<(String, Coord, String)>,
}

/// Without GDAL a DXF cannot be read: what to send instead (415).
#[cfg(not(feature = "gdal"))]
pub fn read(_: &[u8]) -> Result<Drawing, PlanFileError> {
    Err(PlanFileError::Unsupported(
        "this server reads DXF drawings only when built with the gdal feature: export the \
         drawing's layers to GeoJSON or a zipped Shapefile (ogr2ogr can)"
            .into(),
    ))
}

/// A DXF's entities read through GDAL.
#[cfg(feature = "gdal")]
pub fn read(bytes: &[u8]) -> Result<Drawing, PlanFileError> {
    use crate::domain::RawGeometry;
    use crate::import::source::{self, ReadItem};
    let dir = tempfile::tempdir()
        .map_err(|e| PlanFileError::Invalid(format!("no room to read the drawing: {e}")))?;
    let path = dir.path().join("drawing.dxf");
    std::fs::write(&path, bytes)
        .map_err(|e| PlanFileError::Invalid(format!("no room to read the drawing: {e}")))?;
    let src = source::open(&path, None, None, Default::default())
        .map_err(|e| PlanFileError::Invalid(format!("the DXF cannot be read: {e}")))?;
    let mut d = Drawing::default();
    let mut too_many = false;
    let closed = |l: &[Coord]| l.len() >= 4 && l.first() == l.last();
    src.read_all(&mut |item| {
        if let ReadItem::Record(r) = item {
            let prop = |k: &str| {
                r.properties
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(k))
                    .and_then(|(_, v)| v.as_str())
                    .map(|s| s.trim().to_string())
            };
            let layer = prop("Layer").unwrap_or_default().to_ascii_uppercase();
            let text = prop("Text");
            match r.geometry {
                Ok(Some(RawGeometry::Polygon(rings))) => {
                    if let Some(mut outer) = rings.into_iter().next() {
                        if outer.first() != outer.last()
                            && let Some(&first) = outer.first()
                        {
                            outer.push(first);
                        }
                        d.areas.push((layer, outer));
                    }
                }
                Ok(Some(RawGeometry::LineString(l))) if closed(&l) && layer != "STREETS" => {
                    d.areas.push((layer, l))
                }
                Ok(Some(RawGeometry::LineString(l))) if layer == "STREETS" => d.lines.push(l),
                Ok(Some(RawGeometry::Point(p))) => {
                    if let Some(t) = text.filter(|t| !t.is_empty()) {
                        d.labels.push((layer, p, t));
                    }
                }
                _ => {}
            }
        }
        if d.areas.len() + d.lines.len() > MAX_PLAN_FEATURES || d.labels.len() > MAX_LABELS {
            too_many = true;
            return Err(source::Stop);
        }
        Ok(())
    })
    .map_err(|e| PlanFileError::Invalid(e.to_string()))?;
    if too_many {
        return Err(PlanFileError::Invalid(format!(
            "the DXF has more than {MAX_PLAN_FEATURES} polylines or {MAX_LABELS} texts: send \
             only the layers of the plan (BOUNDARY, LOTS, STREETS, PUBLIC)"
        )));
    }
    Ok(d)
}

impl Drawing {
    /// The plan FeatureCollection of a drawing: `BOUNDARY`, `LOTS` and `PUBLIC` areas, lot
    /// numbers from the texts on `LOTS` inside them, street centre lines with their widths
    /// (`W=20` or `20m`) and names from the nearest texts on `STREETS`.
    pub fn plan(&self) -> Result<Value, PlanFileError> {
        if !self.areas.iter().any(|(l, _)| l == "LOTS") {
            return Err(PlanFileError::Invalid(
                "the DXF has no closed polyline on the layer LOTS: draw each lot as a closed \
                 polyline (and the boundary on BOUNDARY, street centre lines on STREETS)"
                    .into(),
            ));
        }
        let mut features = Vec::new();
        for (layer, outer) in &self.areas {
            let role = match layer.as_str() {
                "BOUNDARY" => "boundary",
                "LOTS" => "lot",
                "PUBLIC" => "public",
                _ => continue,
            };
            let mut props = json!({"role": role});
            if role == "lot" {
                let poly = Polygon::new(LineString(outer.clone()), vec![]);
                if let Some((_, _, t)) = self
                    .labels
                    .iter()
                    .find(|(l, p, _)| l == "LOTS" && poly.contains(&Point(*p)))
                {
                    props["parcel_no"] = json!(t);
                }
            }
            features.push(json!({"type": "Feature", "properties": props,
                "geometry": {"type": "Polygon", "coordinates": [ring(outer)]}}));
        }
        for l in &self.lines {
            let line = LineString(l.clone());
            let mut near: Vec<(f64, &String)> = self
                .labels
                .iter()
                .filter(|(layer, _, _)| layer == "STREETS")
                .map(|(_, p, t)| (Euclidean.distance(&Point(*p), &line), t))
                .collect();
            near.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut props = json!({"role": "street"});
            if let Some((_, t)) = near.iter().find(|(_, t)| width_of(t).is_some()) {
                props["width_m"] = json!(width_of(t));
            }
            if let Some((_, t)) = near.iter().find(|(_, t)| width_of(t).is_none()) {
                let arabic = t.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
                props[if arabic { "name_ar" } else { "name_en" }] = json!(t);
            }
            features.push(json!({"type": "Feature", "properties": props,
                "geometry": {"type": "LineString", "coordinates": ring(l)}}));
        }
        Ok(json!({"type": "FeatureCollection", "features": features}))
    }
}

/// Points as GeoJSON positions.
fn ring(c: &[Coord]) -> Value {
    Value::from(c.iter().map(|p| json!([p.x, p.y])).collect::<Vec<_>>())
}

/// A street width written `W=20`, `20m` or `20`.
fn width_of(t: &str) -> Option<f64> {
    let t = t.trim().to_ascii_lowercase();
    let t = t.strip_prefix("w=").unwrap_or(&t);
    t.trim_end_matches('m').trim().parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, s: f64) -> Vec<Coord> {
        [(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)]
            .iter()
            .map(|&(x, y)| Coord { x, y })
            .collect()
    }

    #[test]
    fn a_drawing_becomes_a_plan_with_roles_numbers_and_street_widths() {
        let d = Drawing {
            areas: vec![
                ("BOUNDARY".into(), square(0.0, 0.0, 100.0)),
                ("LOTS".into(), square(0.0, 0.0, 25.0)),
                ("0".into(), square(50.0, 50.0, 5.0)),
            ],
            lines: vec![vec![Coord { x: 0.0, y: 40.0 }, Coord { x: 100.0, y: 40.0 }]],
            labels: vec![
                ("LOTS".into(), Coord { x: 10.0, y: 10.0 }, "7".into()),
                ("STREETS".into(), Coord { x: 50.0, y: 41.0 }, "W=20".into()),
                ("STREETS".into(), Coord { x: 20.0, y: 42.0 }, "شارع".into()),
            ],
        };
        let plan = d.plan().unwrap();
        let fs = plan["features"].as_array().unwrap();
        assert_eq!(
            fs.len(),
            3,
            "the area on layer 0 is not part of the plan: {plan}"
        );
        assert_eq!(fs[0]["properties"], json!({"role": "boundary"}));
        assert_eq!(
            fs[1]["properties"],
            json!({"role": "lot", "parcel_no": "7"})
        );
        assert_eq!(
            fs[2]["properties"],
            json!({"role": "street", "width_m": 20.0, "name_ar": "شارع"})
        );
        let no_lots = Drawing {
            areas: vec![("0".into(), square(0.0, 0.0, 25.0))],
            ..Drawing::default()
        };
        assert!(matches!(no_lots.plan(), Err(PlanFileError::Invalid(_))));
        assert_eq!(width_of(" 15m "), Some(15.0));
        assert_eq!(width_of("Al Nakheel Street"), None);
    }
}
