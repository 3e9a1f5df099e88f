//! GeoJSON geometry objects to `RawGeometry`, rings kept exactly as written.

use geo::Coord;
use serde_json::Value;

use crate::domain::RawGeometry;

/// Parses a GeoJSON geometry; `Ok(None)` for `null`, `Err` says what is malformed.
pub fn geometry_from_json(v: &Value) -> Result<Option<RawGeometry>, String> {
    if v.is_null() {
        return Ok(None);
    }
    let o = v.as_object().ok_or("geometry is not an object")?;
    let ty = o
        .get("type")
        .and_then(Value::as_str)
        .ok_or("geometry has no \"type\"")?;
    if ty == "GeometryCollection" {
        let members = o
            .get("geometries")
            .and_then(Value::as_array)
            .ok_or("GeometryCollection has no \"geometries\" array")?;
        let gs = members
            .iter()
            .map(|m| {
                geometry_from_json(m)?
                    .ok_or_else(|| "null member in GeometryCollection".to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Some(RawGeometry::GeometryCollection(gs)));
    }
    let c = o
        .get("coordinates")
        .ok_or_else(|| format!("{ty} has no \"coordinates\""))?;
    Ok(Some(match ty {
        "Point" => RawGeometry::Point(coord(c)?),
        "MultiPoint" => RawGeometry::MultiPoint(coords(c)?),
        "LineString" => RawGeometry::LineString(coords(c)?),
        "MultiLineString" => RawGeometry::MultiLineString(rings(c)?),
        "Polygon" => RawGeometry::Polygon(rings(c)?),
        "MultiPolygon" => RawGeometry::MultiPolygon(
            array(c, "MultiPolygon coordinates")?
                .iter()
                .map(rings)
                .collect::<Result<_, _>>()?,
        ),
        other => return Err(format!("unknown geometry type {other:?}")),
    }))
}

fn array<'a>(v: &'a Value, what: &str) -> Result<&'a Vec<Value>, String> {
    v.as_array()
        .ok_or_else(|| format!("{what} is not an array"))
}

fn coord(v: &Value) -> Result<Coord, String> {
    let a = array(v, "a position")?;
    match (
        a.first().and_then(Value::as_f64),
        a.get(1).and_then(Value::as_f64),
    ) {
        (Some(x), Some(y)) => Ok(Coord { x, y }),
        _ => Err(format!("position {v} does not hold two numbers")),
    }
}

fn coords(v: &Value) -> Result<Vec<Coord>, String> {
    array(v, "a list of positions")?.iter().map(coord).collect()
}

fn rings(v: &Value) -> Result<Vec<Vec<Coord>>, String> {
    array(v, "a list of rings or lines")?
        .iter()
        .map(coords)
        .collect()
}

/// A raw geometry as a GeoJSON geometry object; `None` if it holds a non-finite number.
pub fn raw_to_json(g: &RawGeometry) -> Option<Value> {
    fn pos(c: &Coord) -> Option<Value> {
        (c.x.is_finite() && c.y.is_finite()).then(|| Value::from(vec![c.x, c.y]))
    }
    fn line(l: &[Coord]) -> Option<Value> {
        l.iter()
            .map(pos)
            .collect::<Option<Vec<_>>>()
            .map(Value::from)
    }
    fn lines(ls: &[Vec<Coord>]) -> Option<Value> {
        ls.iter()
            .map(|l| line(l))
            .collect::<Option<Vec<_>>>()
            .map(Value::from)
    }
    let (ty, coordinates) = match g {
        RawGeometry::Point(c) => ("Point", pos(c)?),
        RawGeometry::MultiPoint(cs) => ("MultiPoint", line(cs)?),
        RawGeometry::LineString(l) => ("LineString", line(l)?),
        RawGeometry::MultiLineString(ls) => ("MultiLineString", lines(ls)?),
        RawGeometry::Polygon(rs) => ("Polygon", lines(rs)?),
        RawGeometry::MultiPolygon(ps) => (
            "MultiPolygon",
            ps.iter()
                .map(|p| lines(p))
                .collect::<Option<Vec<_>>>()
                .map(Value::from)?,
        ),
        RawGeometry::GeometryCollection(gs) => {
            let members = gs.iter().map(raw_to_json).collect::<Option<Vec<_>>>()?;
            return Some(serde_json::json!({"type": "GeometryCollection", "geometries": members}));
        }
    };
    Some(serde_json::json!({"type": ty, "coordinates": coordinates}))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn keeps_unclosed_rings_and_reports_bad_positions() {
        let g = geometry_from_json(
            &json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]}),
        )
        .unwrap();
        assert_eq!(
            g,
            Some(RawGeometry::Polygon(vec![vec![
                Coord { x: 0.0, y: 0.0 },
                Coord { x: 1.0, y: 0.0 },
                Coord { x: 1.0, y: 1.0 }
            ]]))
        );
        assert!(geometry_from_json(&json!({"type": "Point", "coordinates": ["a", 1]})).is_err());
        assert!(geometry_from_json(&json!({"type": "Blob", "coordinates": []})).is_err());
        assert_eq!(geometry_from_json(&Value::Null), Ok(None));
    }
}
