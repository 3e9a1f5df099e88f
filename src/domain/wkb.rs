//! Well-Known Binary: writing the city's geometry and reading any 2D/3D/M WKB (ISO or EWKB).
//!
//! The GeoPackage store wraps this in its blob header; the GDAL reader gets WKB from OGR.
//! Z and M values are read and dropped: the city is kept in 2D.

use geo::Coord;

use super::geometry::RawGeometry;

/// Appends the little-endian ISO WKB of `g` to `out`.
pub fn write(g: &RawGeometry, out: &mut Vec<u8>) {
    fn header(out: &mut Vec<u8>, ty: u32) {
        out.push(1);
        out.extend_from_slice(&ty.to_le_bytes());
    }
    fn coords(out: &mut Vec<u8>, cs: &[Coord]) {
        out.extend_from_slice(&(cs.len() as u32).to_le_bytes());
        for c in cs {
            out.extend_from_slice(&c.x.to_le_bytes());
            out.extend_from_slice(&c.y.to_le_bytes());
        }
    }
    fn rings(out: &mut Vec<u8>, rs: &[Vec<Coord>]) {
        out.extend_from_slice(&(rs.len() as u32).to_le_bytes());
        for r in rs {
            coords(out, r);
        }
    }
    match g {
        RawGeometry::Point(c) => {
            header(out, 1);
            out.extend_from_slice(&c.x.to_le_bytes());
            out.extend_from_slice(&c.y.to_le_bytes());
        }
        RawGeometry::LineString(l) => {
            header(out, 2);
            coords(out, l);
        }
        RawGeometry::Polygon(rs) => {
            header(out, 3);
            rings(out, rs);
        }
        RawGeometry::MultiPoint(ps) => {
            header(out, 4);
            out.extend_from_slice(&(ps.len() as u32).to_le_bytes());
            for p in ps {
                write(&RawGeometry::Point(*p), out);
            }
        }
        RawGeometry::MultiLineString(ls) => {
            header(out, 5);
            out.extend_from_slice(&(ls.len() as u32).to_le_bytes());
            for l in ls {
                header(out, 2);
                coords(out, l);
            }
        }
        RawGeometry::MultiPolygon(ps) => {
            header(out, 6);
            out.extend_from_slice(&(ps.len() as u32).to_le_bytes());
            for p in ps {
                header(out, 3);
                rings(out, p);
            }
        }
        RawGeometry::GeometryCollection(gs) => {
            header(out, 7);
            out.extend_from_slice(&(gs.len() as u32).to_le_bytes());
            for g in gs {
                write(g, out);
            }
        }
    }
}

/// What was wrong with a WKB value.
#[derive(Debug, thiserror::Error)]
pub enum WkbError {
    #[error("WKB ends early at byte {0}")]
    Truncated(usize),
    #[error("unknown WKB byte order {0} at byte {1}")]
    ByteOrder(u8, usize),
    #[error("unsupported WKB geometry type {0} at byte {1}")]
    Type(u32, usize),
    #[error("WKB nests more than 32 levels deep")]
    TooDeep,
}

/// Reads one WKB geometry from `buf`, returning it and the number of bytes used.
/// An empty point (NaN, NaN) comes back as an empty multipoint.
pub fn read(buf: &[u8]) -> Result<(RawGeometry, usize), WkbError> {
    let mut r = Reader { buf, pos: 0 };
    let g = r.geometry(0)?;
    Ok((g, r.pos))
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn bytes<const N: usize>(&mut self) -> Result<[u8; N], WkbError> {
        let s = self
            .buf
            .get(self.pos..self.pos + N)
            .ok_or(WkbError::Truncated(self.pos))?;
        self.pos += N;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn u32(&mut self, le: bool) -> Result<u32, WkbError> {
        let b = self.bytes::<4>()?;
        Ok(if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self, le: bool) -> Result<f64, WkbError> {
        let b = self.bytes::<8>()?;
        Ok(if le {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    fn coord(&mut self, le: bool, dims: usize) -> Result<Coord, WkbError> {
        let x = self.f64(le)?;
        let y = self.f64(le)?;
        for _ in 2..dims {
            self.f64(le)?;
        }
        Ok(Coord { x, y })
    }

    fn count(&mut self, le: bool, min_item_bytes: usize) -> Result<usize, WkbError> {
        let n = self.u32(le)? as usize;
        // Refuse counts the remaining bytes cannot hold, before allocating for them.
        if n.saturating_mul(min_item_bytes) > self.buf.len().saturating_sub(self.pos) {
            return Err(WkbError::Truncated(self.pos));
        }
        Ok(n)
    }

    fn coords(&mut self, le: bool, dims: usize) -> Result<Vec<Coord>, WkbError> {
        let n = self.count(le, dims * 8)?;
        (0..n).map(|_| self.coord(le, dims)).collect()
    }

    fn rings(&mut self, le: bool, dims: usize) -> Result<Vec<Vec<Coord>>, WkbError> {
        let n = self.count(le, 4)?;
        (0..n).map(|_| self.coords(le, dims)).collect()
    }

    fn geometry(&mut self, depth: usize) -> Result<RawGeometry, WkbError> {
        if depth > 32 {
            return Err(WkbError::TooDeep);
        }
        let at = self.pos;
        let [order] = self.bytes::<1>()?;
        let le = match order {
            0 => false,
            1 => true,
            o => return Err(WkbError::ByteOrder(o, at)),
        };
        let raw_type = self.u32(le)?;
        // EWKB flags (Z 0x80000000, M 0x40000000, SRID 0x20000000) or ISO thousands.
        let ewkb_z = raw_type & 0x8000_0000 != 0;
        let ewkb_m = raw_type & 0x4000_0000 != 0;
        if raw_type & 0x2000_0000 != 0 {
            self.u32(le)?; // SRID
        }
        let base = raw_type & 0x0FFF_FFFF;
        let (kind, iso_dims) = (base % 1000, base / 1000);
        let dims = match iso_dims {
            0 => 2 + usize::from(ewkb_z) + usize::from(ewkb_m),
            1 | 2 => 3,
            3 => 4,
            _ => return Err(WkbError::Type(raw_type, at)),
        };
        let parts = |r: &mut Self| r.count(le, 5);
        Ok(match kind {
            1 => {
                let c = self.coord(le, dims)?;
                if c.x.is_nan() && c.y.is_nan() {
                    RawGeometry::MultiPoint(vec![])
                } else {
                    RawGeometry::Point(c)
                }
            }
            2 => RawGeometry::LineString(self.coords(le, dims)?),
            3 => RawGeometry::Polygon(self.rings(le, dims)?),
            4..=7 => {
                let n = parts(self)?;
                let mut members = Vec::with_capacity(n);
                for _ in 0..n {
                    members.push(self.geometry(depth + 1)?);
                }
                collect(kind, members).ok_or(WkbError::Type(raw_type, at))?
            }
            _ => return Err(WkbError::Type(raw_type, at)),
        })
    }
}

fn collect(kind: u32, members: Vec<RawGeometry>) -> Option<RawGeometry> {
    Some(match kind {
        4 => RawGeometry::MultiPoint(
            members
                .into_iter()
                .filter_map(|m| match m {
                    RawGeometry::Point(c) => Some(Some(c)),
                    RawGeometry::MultiPoint(v) if v.is_empty() => None,
                    _ => Some(None),
                })
                .collect::<Option<Vec<_>>>()?,
        ),
        5 => RawGeometry::MultiLineString(
            members
                .into_iter()
                .map(|m| {
                    if let RawGeometry::LineString(l) = m {
                        Some(l)
                    } else {
                        None
                    }
                })
                .collect::<Option<Vec<_>>>()?,
        ),
        6 => RawGeometry::MultiPolygon(
            members
                .into_iter()
                .map(|m| {
                    if let RawGeometry::Polygon(p) = m {
                        Some(p)
                    } else {
                        None
                    }
                })
                .collect::<Option<Vec<_>>>()?,
        ),
        _ => RawGeometry::GeometryCollection(members),
    })
}

#[cfg(test)]
mod tests {
    use geo::coord;
    use proptest::prelude::*;

    use super::*;

    fn arb_coords(min: usize) -> impl Strategy<Value = Vec<Coord>> {
        prop::collection::vec((-180.0f64..180.0, -90.0f64..90.0), min..20)
            .prop_map(|v| v.into_iter().map(|(x, y)| coord! {x: x, y: y}).collect())
    }

    fn arb_geometry() -> impl Strategy<Value = RawGeometry> {
        prop_oneof![
            (-180.0f64..180.0, -90.0f64..90.0)
                .prop_map(|(x, y)| RawGeometry::Point(coord! {x: x, y: y})),
            arb_coords(2).prop_map(RawGeometry::LineString),
            prop::collection::vec(arb_coords(4), 1..4).prop_map(RawGeometry::Polygon),
            prop::collection::vec(arb_coords(2), 1..4).prop_map(RawGeometry::MultiLineString),
            prop::collection::vec(prop::collection::vec(arb_coords(4), 1..3), 1..3)
                .prop_map(RawGeometry::MultiPolygon),
        ]
    }

    proptest! {
        #[test]
        fn round_trips(g in arb_geometry()) {
            let mut buf = Vec::new();
            write(&g, &mut buf);
            let (back, used) = read(&buf).unwrap();
            prop_assert_eq!(used, buf.len());
            prop_assert_eq!(back, g);
        }

        /// Arbitrary bytes never panic and never allocate beyond the input.
        #[test]
        fn garbage_is_an_error_not_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = read(&bytes);
        }
    }

    #[test]
    fn reads_big_endian_3d_ewkb() {
        // EWKB big-endian Point Z with SRID 4326.
        let mut b = vec![0u8];
        b.extend_from_slice(&(0xA000_0001u32).to_be_bytes());
        b.extend_from_slice(&4326u32.to_be_bytes());
        for v in [50.1f64, 26.4, 12.0] {
            b.extend_from_slice(&v.to_be_bytes());
        }
        assert_eq!(
            read(&b).unwrap().0,
            RawGeometry::Point(coord! {x: 50.1, y: 26.4})
        );
    }
}
