//! The coordinate reference systems the API offers (Part 2): their URIs, their axis order, and
//! reprojection of geometries, boxes and coordinates between them and the index's WGS 84
//! longitude/latitude.
//!
//! `http://www.opengis.net/def/crs/EPSG/0/4326` is latitude first, as EPSG defines it (Part 2
//! requires that order); CRS84 is longitude first and the default. Projected CRSs are easting
//! first.

use geo::{Coord, LineString, Polygon};
use serde_json::Value;

use super::OgcError;
use crate::domain::crs::{Crs, CrsError};
use crate::domain::public;
use crate::domain::{Bbox, ValidGeometry};

/// OGC CRS84: WGS 84 longitude/latitude, the default of every `crs` parameter.
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// Every CRS the API answers in and accepts boxes and filters in, CRS84 first.
pub const SUPPORTED: [&str; 5] = [
    CRS84,
    "http://www.opengis.net/def/crs/EPSG/0/4326",
    "http://www.opengis.net/def/crs/EPSG/0/3857",
    "http://www.opengis.net/def/crs/EPSG/0/32639",
    "http://www.opengis.net/def/crs/EPSG/0/9359",
];

/// One of the [`SUPPORTED`] CRSs.
#[derive(Clone, Debug)]
pub struct OgcCrs {
    uri: &'static str,
    crs: Crs,
    /// Coordinates are written latitude (northing) first.
    lat_first: bool,
}

impl OgcCrs {
    /// CRS84 (the default).
    pub fn crs84() -> OgcCrs {
        OgcCrs {
            uri: CRS84,
            crs: Crs::wgs84(),
            lat_first: false,
        }
    }

    /// The CRS named by the value of the parameter `param` (a URI of [`SUPPORTED`]; the
    /// `EPSG:<code>` and URN forms of the same CRSs are accepted too).
    pub fn parse(param: &str, value: &str) -> Result<OgcCrs, OgcError> {
        let unsupported = || {
            OgcError::bad(format!(
                "{param}={value:?} is not a supported CRS; use one of {}",
                SUPPORTED.join(", ")
            ))
        };
        let v = value.trim().trim_start_matches('[').trim_end_matches(']');
        if v.to_ascii_lowercase().ends_with("crs84") {
            return Ok(OgcCrs::crs84());
        }
        let crs = Crs::parse(v).map_err(|_| unsupported())?;
        let code = crs.epsg().ok_or_else(unsupported)?;
        let uri = SUPPORTED
            .iter()
            .find(|u| u.ends_with(&format!("/EPSG/0/{code}")))
            .ok_or_else(unsupported)?;
        Ok(OgcCrs {
            uri,
            crs,
            lat_first: code == 4326,
        })
    }

    /// The CRS's URI.
    pub fn uri(&self) -> &'static str {
        self.uri
    }

    /// Whether this is CRS84 (no reprojection at all).
    pub fn is_crs84(&self) -> bool {
        self.uri == CRS84
    }

    /// Whether an axis-aligned box in this CRS is one in WGS 84 too (CRS84 or EPSG:4326).
    pub fn is_geographic_wgs84(&self) -> bool {
        self.crs.is_wgs84_geographic()
    }

    /// A coordinate in this CRS's axis order to WGS 84 longitude/latitude.
    pub fn to_wgs84(&self, c: Coord) -> Result<Coord, CrsError> {
        let c = if self.lat_first {
            Coord { x: c.y, y: c.x }
        } else {
            c
        };
        self.crs.to_wgs84(c)
    }

    /// A WGS 84 longitude/latitude coordinate in this CRS's axis order.
    pub fn from_wgs84(&self, c: Coord) -> Result<Coord, CrsError> {
        let c = self.crs.from_wgs84(c)?;
        Ok(if self.lat_first {
            Coord { x: c.y, y: c.x }
        } else {
            c
        })
    }

    /// A stored geometry as GeoJSON in this CRS.
    pub fn geometry(&self, g: &ValidGeometry) -> Result<Value, CrsError> {
        if self.is_crs84() {
            return Ok(public::geometry(g));
        }
        let mut raw = g.to_raw();
        raw.try_map_coords(&mut |c| self.from_wgs84(c))?;
        Ok(public::geometry_of(&raw))
    }

    /// A `bbox` given in this CRS (x1, y1, x2, y2 in its axis order) as WGS 84: the box around
    /// it, and, for a projected CRS, the outline of the box (densified, so its curved edges in
    /// WGS 84 are followed) to test features against exactly.
    pub fn bbox_to_wgs84(&self, b: [f64; 4]) -> Result<(Bbox, Option<Polygon>), CrsError> {
        if self.is_geographic_wgs84() {
            let lo = self.to_wgs84(Coord { x: b[0], y: b[1] })?;
            let hi = self.to_wgs84(Coord { x: b[2], y: b[3] })?;
            let bbox = Bbox {
                min_x: lo.x.min(hi.x),
                min_y: lo.y.min(hi.y),
                max_x: lo.x.max(hi.x),
                max_y: lo.y.max(hi.y),
            };
            return Ok((bbox, None));
        }
        const STEPS: usize = 16;
        let corners = [(b[0], b[1]), (b[2], b[1]), (b[2], b[3]), (b[0], b[3])];
        let mut ring = Vec::with_capacity(4 * STEPS + 1);
        for i in 0..4 {
            let (x0, y0) = corners[i];
            let (x1, y1) = corners[(i + 1) % 4];
            for s in 0..STEPS {
                let t = s as f64 / STEPS as f64;
                let c = Coord {
                    x: x0 + (x1 - x0) * t,
                    y: y0 + (y1 - y0) * t,
                };
                ring.push(self.to_wgs84(c)?);
            }
        }
        ring.push(ring[0]);
        let mut bbox = Bbox {
            min_x: f64::INFINITY,
            min_y: f64::INFINITY,
            max_x: f64::NEG_INFINITY,
            max_y: f64::NEG_INFINITY,
        };
        for c in &ring {
            bbox.min_x = bbox.min_x.min(c.x);
            bbox.min_y = bbox.min_y.min(c.y);
            bbox.max_x = bbox.max_x.max(c.x);
            bbox.max_y = bbox.max_y.max(c.y);
        }
        Ok((bbox, Some(Polygon::new(LineString(ring), vec![]))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_supported_uris_and_refuses_others() {
        for uri in SUPPORTED {
            assert_eq!(OgcCrs::parse("crs", uri).unwrap().uri(), uri);
        }
        assert_eq!(
            OgcCrs::parse("crs", "EPSG:3857").unwrap().uri(),
            SUPPORTED[2]
        );
        let e = OgcCrs::parse("crs", "http://www.opengis.net/def/crs/EPSG/0/20439").unwrap_err();
        assert!(e.to_string().contains("crs=") && e.to_string().contains(CRS84));
        assert!(OgcCrs::parse("bbox-crs", "nonsense").is_err());
    }

    #[test]
    fn epsg_4326_is_latitude_first() {
        let c = OgcCrs::parse("crs", SUPPORTED[1]).unwrap();
        let p = c.from_wgs84(Coord { x: 50.1, y: 26.4 }).unwrap();
        assert_eq!((p.x, p.y), (26.4, 50.1));
        let back = c.to_wgs84(p).unwrap();
        assert_eq!((back.x, back.y), (50.1, 26.4));
    }
}
