//! The GeoPackage geometry blob (GeoPackage 1.3, clause 2.1.3): a header with magic, flags, SRS
//! id and envelope, then standard WKB.

use crate::domain::geometry::RawGeometry;
use crate::domain::{Bbox, wkb};

/// The SRS id of every feature table: EPSG:4326.
pub const SRS_WGS84: i32 = 4326;

/// Encodes a geometry as a little-endian GeoPackage blob with an XY envelope (none for points).
pub fn encode(g: &RawGeometry, bbox: Bbox, srs_id: i32) -> Vec<u8> {
    let point = matches!(g, RawGeometry::Point(_));
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(b"GP");
    out.push(0); // version 1
    let envelope_code: u8 = if point { 0 } else { 1 };
    out.push(1 | (envelope_code << 1)); // little endian, envelope [minx, maxx, miny, maxy]
    out.extend_from_slice(&srs_id.to_le_bytes());
    if !point {
        for v in [bbox.min_x, bbox.max_x, bbox.min_y, bbox.max_y] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    wkb::write(g, &mut out);
    out
}

/// What was wrong with a stored blob.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("not a GeoPackage geometry blob (bad magic or too short)")]
    NotGpkg,
    #[error("GeoPackage blob has an invalid envelope code {0}")]
    Envelope(u8),
    #[error("GeoPackage blob holds an empty geometry")]
    Empty,
    #[error(transparent)]
    Wkb(#[from] wkb::WkbError),
}

/// Decodes a GeoPackage blob; returns the geometry and its SRS id.
pub fn decode(blob: &[u8]) -> Result<(RawGeometry, i32), BlobError> {
    if blob.len() < 8 || &blob[0..2] != b"GP" {
        return Err(BlobError::NotGpkg);
    }
    let flags = blob[3];
    let le = flags & 1 == 1;
    let srs = [blob[4], blob[5], blob[6], blob[7]];
    let srs_id = if le {
        i32::from_le_bytes(srs)
    } else {
        i32::from_be_bytes(srs)
    };
    let envelope_len = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        e => return Err(BlobError::Envelope(e)),
    };
    if flags & 0b1_0000 != 0 {
        return Err(BlobError::Empty);
    }
    let start = 8 + envelope_len;
    let body = blob.get(start..).ok_or(BlobError::NotGpkg)?;
    let (g, _) = wkb::read(body)?;
    Ok((g, srs_id))
}

#[cfg(test)]
mod tests {
    use geo::coord;

    use super::*;

    #[test]
    fn round_trips_polygon_and_point() {
        let ring = vec![
            coord! {x: 0.0, y: 0.0},
            coord! {x: 1.0, y: 0.0},
            coord! {x: 1.0, y: 1.0},
            coord! {x: 0.0, y: 0.0},
        ];
        let g = RawGeometry::Polygon(vec![ring]);
        let bbox = Bbox {
            min_x: 0.0,
            min_y: 0.0,
            max_x: 1.0,
            max_y: 1.0,
        };
        let blob = encode(&g, bbox, SRS_WGS84);
        assert_eq!(&blob[..4], &[b'G', b'P', 0, 0b011]);
        assert_eq!(decode(&blob).unwrap(), (g, 4326));
        let p = RawGeometry::Point(coord! {x: 50.1, y: 26.4});
        assert_eq!(decode(&encode(&p, bbox, 4326)).unwrap().0, p);
        assert!(decode(b"XX").is_err());
    }
}

/// The box of a GeoPackage blob in its own coordinates: the header's envelope when it has one,
/// else the geometry's (points carry none); `None` for an empty geometry (flag bit 4).
pub fn envelope(blob: &[u8]) -> Result<Option<Bbox>, BlobError> {
    if blob.len() < 8 || &blob[0..2] != b"GP" {
        return Err(BlobError::NotGpkg);
    }
    let flags = blob[3];
    if flags & 0b1_0000 != 0 {
        return Ok(None);
    }
    let le = flags & 1 == 1;
    if (flags >> 1) & 0b111 != 0 {
        if blob.len() < 40 {
            return Err(BlobError::NotGpkg);
        }
        let f = |i: usize| {
            let b: [u8; 8] = blob[8 + 8 * i..16 + 8 * i].try_into().unwrap_or([0; 8]);
            if le {
                f64::from_le_bytes(b)
            } else {
                f64::from_be_bytes(b)
            }
        };
        return Ok(Some(Bbox {
            min_x: f(0),
            max_x: f(1),
            min_y: f(2),
            max_y: f(3),
        }));
    }
    match decode(blob) {
        Ok((g, _)) => Ok(raw_bbox(&g)),
        Err(BlobError::Empty) => Ok(None),
        Err(e) => Err(e),
    }
}

fn raw_bbox(g: &RawGeometry) -> Option<Bbox> {
    let mut b: Option<Bbox> = None;
    let mut add = |c: &geo::Coord| {
        let p = Bbox {
            min_x: c.x,
            min_y: c.y,
            max_x: c.x,
            max_y: c.y,
        };
        b = Some(b.map_or(p, |x| x.union(p)));
    };
    match g {
        RawGeometry::Point(c) => add(c),
        RawGeometry::LineString(l) | RawGeometry::MultiPoint(l) => l.iter().for_each(&mut add),
        RawGeometry::Polygon(rs) | RawGeometry::MultiLineString(rs) => {
            rs.iter().flatten().for_each(&mut add)
        }
        RawGeometry::MultiPolygon(ps) => ps.iter().flatten().flatten().for_each(&mut add),
        RawGeometry::GeometryCollection(gs) => {
            for g in gs {
                if let Some(x) = raw_bbox(g) {
                    add(&geo::Coord {
                        x: x.min_x,
                        y: x.min_y,
                    });
                    add(&geo::Coord {
                        x: x.max_x,
                        y: x.max_y,
                    });
                }
            }
        }
    }
    b
}

#[cfg(test)]
mod envelope_tests {
    use super::*;

    #[test]
    fn envelopes_of_points_lines_and_empty_blobs() {
        let p = RawGeometry::Point(geo::coord! {x: 50.1, y: 26.4});
        let b = Bbox {
            min_x: 50.1,
            min_y: 26.4,
            max_x: 50.1,
            max_y: 26.4,
        };
        assert_eq!(envelope(&encode(&p, b, SRS_WGS84)).unwrap(), Some(b));
        let l = RawGeometry::MultiLineString(vec![vec![
            geo::coord! {x: 50.0, y: 26.0},
            geo::coord! {x: 50.2, y: 26.5},
        ]]);
        let b = Bbox {
            min_x: 50.0,
            min_y: 26.0,
            max_x: 50.2,
            max_y: 26.5,
        };
        assert_eq!(envelope(&encode(&l, b, SRS_WGS84)).unwrap(), Some(b));
        let mut empty = encode(&p, b, SRS_WGS84);
        empty[3] |= 0b1_0000;
        assert_eq!(envelope(&empty).unwrap(), None);
        assert!(envelope(b"nonsense").is_err());
    }
}
