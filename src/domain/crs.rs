//! Coordinate reference systems (CRS) of the Eastern Province, and reprojection
//! of coordinates to and from WGS 84 (EPSG:4326, longitude/latitude in degrees).
//!
//! This module is responsible for:
//! * naming a CRS: [`Crs::parse`] understands `EPSG:<code>`, a bare code, the OGC
//!   URN and URL forms, `CRS84`, and PROJ strings (`+proj=...`);
//! * knowing the definitions of the CRSs met in the Eastern Province's data
//!   (see [`SUPPORTED_EPSG_CODES`]) without any database or network access;
//! * reprojecting single coordinates to WGS 84 ([`Crs::to_wgs84`]) and back
//!   ([`Crs::from_wgs84`]) with the pure-Rust `proj4rs` crate;
//! * recognising the CRS of a shapefile from its `.prj` WKT
//!   ([`epsg_from_prj_wkt`]).
//!
//! It is not responsible for whole geometries (map [`Crs::to_wgs84`] over their
//! coordinates, e.g. with `geo`'s `TryMapCoords`) nor for heights: every
//! transformation here is 2D, ellipsoidal heights are taken as 0 and dropped.
//!
//! # Axis order and units
//!
//! Coordinates are always `x` = easting or longitude and `y` = northing or
//! latitude ("GIS order", as in GeoJSON), whatever the authority's axis order:
//! `urn:ogc:def:crs:EPSG::4326` declares latitude first, but a [`Crs`] parsed
//! from it still takes and gives `x` = longitude. Callers that read GML or WFS
//! 1.1 payloads in authority order must swap the axes themselves. Geographic
//! coordinates are in decimal degrees; projected ones in the CRS's linear unit
//! (metres for every built-in CRS).
//!
//! # Accuracy of each transformation
//!
//! The *numerical* agreement of this module with PROJ 9 (`cs2cs`) is checked by
//! `tests/reprojection.rs`: at 20 points across the province (lon 48–51.5°E,
//! lat 24–28.5°N) it is asserted below 1 mm for every CRS below and measured
//! (PROJ 9.1.1) at most 2e-8 m, and 7e-6 m for Ain el Abd, because proj4rs
//! applies the same formulas and the same parameters as PROJ (which, for every
//! CRS here, uses the EPSG operation named below). The *geodetic* accuracy,
//! i.e. how close the WGS 84 result is to the true WGS 84 position, is that of
//! the transformation EPSG publishes, and is what matters to users:
//!
//! | CRS | to WGS 84 | accuracy (EPSG) |
//! |-----|-----------|-----------------|
//! | EPSG:4326 WGS 84 | identity, no proj4rs call | exact |
//! | EPSG:3857 WGS 84 / Pseudo-Mercator | conversion (spherical Mercator formulas on WGS 84 lon/lat) | exact; but 3857 metres are not ground metres (scale ≈ 1/cos φ, ≈ 1.1 at 26°N) |
//! | EPSG:32639 / 32638 WGS 84 / UTM 39N / 38N | conversion (Transverse Mercator, Poder/Engsager, as PROJ's `utm`) | exact (sub-millimetre within the zone and 3° beyond) |
//! | EPSG:8839 MTRF-2000 / UTM 39N | EPSG:8822 "MTRF-2000 to WGS 84 (1)", null transformation | 1 m: EPSG assumes MTRF-2000 (ITRF2000 at epoch 2004.0) equals WGS 84 to ±1 m |
//! | EPSG:9359 KSA-GRF17 / UTM 39N | EPSG:9383 "KSA-GRF17 to WGS 84 (1)", position-vector rotations rX=-8.393, rY=0.749, rZ=-10.276 mas, no translation or scale (a shift of about 0.3 m here) | 1 m; EPSG: valid at 2017.00 and degrading by about 2.5 cm per year |
//! | EPSG:20439 Ain el Abd / UTM 39N | EPSG:1111 "Ain el Abd to WGS 84 (2)", 3-parameter geocentric translation dX=-143, dY=-236, dZ=7 m (Saudi Arabia onshore) | **18 m**: EPSG says "derived at 9 stations, accuracy 10 m in each axis" |
//!
//! For Ain el Abd 1970 the datum shift is about 70 m in latitude/longitude
//! across the province (the same point's EPSG:20439 and EPSG:32639 grid
//! coordinates differ by about 40 m, because the ellipsoids differ too), and
//! the residual error of the published 3-parameter set is up to ~18 m (not "a
//! few metres"): good for orientation maps, not for cadastral work. PROJ 9.1
//! (`projinfo -s EPSG:20439 -t EPSG:4326 --spatial-test intersects`) lists
//! six candidate operations and `cs2cs` uses EPSG:1111 everywhere in the
//! province, including points in Bahrain and near Kuwait, because the Saudi
//! operation is ranked first and its area of use (bounding box 34.51–55.67°E,
//! 16.37–32.16°N) contains them; EPSG:1110 (Bahrain, 44 m) and EPSG:1055–1058
//! (Kuwait, 1 m, 7 parameters) are not used here. proj4rs has no operation
//! database: the `+towgs84` of the definitions below *is* the transformation.
//!
//! A CRS given as a PROJ string gets whatever its `+towgs84`/`+datum` says; one
//! without a datum (only `+ellps=`) is not shifted at all, as in PROJ.4. Grid
//! shifts (`+nadgrids=` other than `@null`) are not available.

use std::fmt;

use geo_types::Coord;
use proj4rs::proj::Proj;
use proj4rs::transform::transform;

/// PROJ definition of the WGS 84 geographic CRS (radians inside proj4rs).
const WGS84_PROJ: &str = "+proj=longlat +datum=WGS84 +no_defs";

/// The EPSG codes [`Crs::parse`] and [`Crs::from_epsg`] know, in the order they
/// are listed to users. `900913` is also accepted as an alias of `3857`.
pub const SUPPORTED_EPSG_CODES: &[u32] = &[4326, 3857, 32639, 32638, 20439, 8839, 9359];

/// A built-in CRS: its EPSG code, EPSG name and PROJ definition.
struct KnownCrs {
    code: u32,
    name: &'static str,
    proj: &'static str,
}

/// Definitions as given by `projinfo -o PROJ EPSG:<code>` (PROJ 9.1), which
/// embed the EPSG transformation to WGS 84 that PROJ itself uses.
const KNOWN: &[KnownCrs] = &[
    KnownCrs {
        code: 4326,
        name: "WGS 84",
        proj: WGS84_PROJ,
    },
    KnownCrs {
        code: 3857,
        name: "WGS 84 / Pseudo-Mercator",
        // `+nadgrids=@null` makes the sphere a plain carrier of WGS 84 lon/lat
        // (no geocentric shift from the sphere to the ellipsoid).
        proj: "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs",
    },
    KnownCrs {
        code: 32639,
        name: "WGS 84 / UTM zone 39N",
        proj: "+proj=utm +zone=39 +datum=WGS84 +units=m +no_defs",
    },
    KnownCrs {
        code: 32638,
        name: "WGS 84 / UTM zone 38N",
        proj: "+proj=utm +zone=38 +datum=WGS84 +units=m +no_defs",
    },
    KnownCrs {
        code: 20439,
        name: "Ain el Abd / UTM zone 39N",
        // EPSG:1111 "Ain el Abd to WGS 84 (2)", Saudi Arabia onshore, 18 m.
        proj: "+proj=utm +zone=39 +ellps=intl +towgs84=-143,-236,7,0,0,0,0 +units=m +no_defs",
    },
    KnownCrs {
        code: 8839,
        name: "MTRF-2000 / UTM zone 39N",
        // EPSG:8822 "MTRF-2000 to WGS 84 (1)", null transformation, 1 m.
        proj: "+proj=utm +zone=39 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
    },
    KnownCrs {
        code: 9359,
        name: "KSA-GRF17 / UTM zone 39N",
        // EPSG:9383 "KSA-GRF17 to WGS 84 (1)", position vector, rotations in
        // arc-seconds (-8.393, 0.749, -10.276 milliarcseconds), 1 m.
        proj: "+proj=utm +zone=39 +ellps=GRS80 +towgs84=0,0,0,-0.008393,0.000749,-0.010276,0 +units=m +no_defs",
    },
];

fn known(code: u32) -> Option<&'static KnownCrs> {
    let code = if code == 900913 { 3857 } else { code };
    KNOWN.iter().find(|k| k.code == code)
}

fn supported_codes_list() -> String {
    let mut s = SUPPORTED_EPSG_CODES
        .iter()
        .map(|c| format!("EPSG:{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    s.push_str(" (and EPSG:900913 as an alias of EPSG:3857)");
    s
}

mod error;

pub use error::CrsError;

/// How a [`Crs`] transforms.
#[derive(Clone)]
enum Engine {
    /// WGS 84 geographic: identity, no proj4rs call.
    Identity,
    /// Any other CRS, through proj4rs.
    Proj {
        /// The CRS itself.
        proj: Box<Proj>,
        /// WGS 84 geographic, the other end of every transformation.
        wgs84: Box<Proj>,
        /// True when the CRS is geographic (its coordinates are degrees here,
        /// radians inside proj4rs).
        geographic: bool,
    },
}

/// A coordinate reference system, able to reproject coordinates to and from
/// WGS 84 (EPSG:4326, longitude/latitude in degrees).
///
/// Build it with [`Crs::parse`] (or [`Crs::from_epsg`], [`Crs::from_proj_string`],
/// [`Crs::wgs84`]). Coordinates are `x` = easting (or longitude), `y` = northing
/// (or latitude), in the CRS's units: metres for the built-in projected CRSs,
/// degrees for geographic ones. Cloning is cheap enough to do per request, and
/// a `Crs` is `Send + Sync`. It (de)serialises as the string of
/// [`Crs::identifier`].
#[derive(Clone)]
pub struct Crs {
    epsg: Option<u32>,
    name: Option<&'static str>,
    /// PROJ definition (for built-in codes, the one from [`KNOWN`]).
    definition: String,
    engine: Engine,
}

impl fmt::Debug for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // proj4rs's own Debug is many lines long; the definition says it all.
        f.debug_struct("Crs")
            .field("epsg", &self.epsg)
            .field("definition", &self.definition)
            .finish()
    }
}

impl fmt::Display for Crs {
    /// Same as [`Crs::label`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// An identifier form recognised by [`parse_identifier`].
enum Identifier {
    Epsg(u32),
    Crs84,
}

/// Parses the non-PROJ forms of a CRS name; `None` if none matches.
fn parse_identifier(s: &str) -> Option<Identifier> {
    let lower = s.to_ascii_lowercase();
    let l = lower.as_str();

    // OGC CRS84 (WGS 84 with longitude first), in its short, URN and URL forms.
    if l == "crs84" || l == "ogc:crs84" {
        return Some(Identifier::Crs84);
    }
    if let Some(rest) = l
        .strip_prefix("urn:ogc:def:crs:ogc:")
        .or_else(|| l.strip_prefix("urn:x-ogc:def:crs:ogc:"))
    {
        // urn:ogc:def:crs:OGC:1.3:CRS84 or urn:ogc:def:crs:OGC::CRS84
        return (rest.rsplit(':').next() == Some("crs84")).then_some(Identifier::Crs84);
    }

    // urn:ogc:def:crs:EPSG::32639, urn:ogc:def:crs:EPSG:9.9.1:32639
    if let Some(rest) = l
        .strip_prefix("urn:ogc:def:crs:epsg:")
        .or_else(|| l.strip_prefix("urn:x-ogc:def:crs:epsg:"))
    {
        return rest
            .rsplit(':')
            .next()
            .and_then(parse_code)
            .map(Identifier::Epsg);
    }

    // http://www.opengis.net/def/crs/EPSG/0/32639 (and OGC/1.3/CRS84)
    let url = l
        .strip_prefix("http://")
        .or_else(|| l.strip_prefix("https://"));
    if let Some(rest) = url.and_then(|u| u.strip_prefix("www.opengis.net/def/crs/")) {
        let mut parts = rest.trim_end_matches('/').split('/');
        let authority = parts.next()?;
        let _version = parts.next()?;
        let code = parts.next()?;
        if parts.next().is_some() {
            return None;
        }
        return match authority {
            "epsg" => parse_code(code).map(Identifier::Epsg),
            "ogc" if code == "crs84" => Some(Identifier::Crs84),
            _ => None,
        };
    }

    // EPSG:32639 (also the odd EPSG::32639)
    if let Some(rest) = l.strip_prefix("epsg:") {
        return parse_code(rest.trim_start_matches(':')).map(Identifier::Epsg);
    }

    // 32639
    parse_code(l).map(Identifier::Epsg)
}

/// A decimal EPSG code (digits only, no sign).
fn parse_code(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn check_finite(c: Coord<f64>) -> Result<(), CrsError> {
    if c.x.is_finite() && c.y.is_finite() {
        Ok(())
    } else {
        Err(CrsError::NonFiniteCoordinate { x: c.x, y: c.y })
    }
}

fn check_lon_lat(c: Coord<f64>) -> Result<(), CrsError> {
    check_finite(c)?;
    if c.x.abs() <= 360.0 && c.y.abs() <= 90.0 {
        Ok(())
    } else {
        Err(CrsError::OutOfRange { lon: c.x, lat: c.y })
    }
}

const WGS84_LABEL: &str = "EPSG:4326 (WGS 84)";

impl Crs {
    /// Parses a CRS name.
    ///
    /// Accepted forms (case-insensitive, surrounding spaces ignored):
    /// `EPSG:32639`, `32639`, `urn:ogc:def:crs:EPSG::32639`,
    /// `http://www.opengis.net/def/crs/EPSG/0/32639`, `CRS84`,
    /// `urn:ogc:def:crs:OGC:1.3:CRS84` (both meaning EPSG:4326 with longitude
    /// first, which is how every [`Crs`] orders axes), and a PROJ string
    /// starting with `+proj=` (see [`Crs::from_proj_string`]). EPSG codes must
    /// be among [`SUPPORTED_EPSG_CODES`] (or 900913, taken as 3857).
    ///
    /// # Errors
    ///
    /// [`CrsError::Empty`], [`CrsError::Unrecognised`] for text in none of
    /// these forms, [`CrsError::UnsupportedEpsg`] for another EPSG code,
    /// [`CrsError::InvalidProjString`] for a PROJ string proj4rs rejects.
    pub fn parse(s: &str) -> Result<Crs, CrsError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(CrsError::Empty);
        }
        if t.starts_with('+') {
            return Crs::from_proj_string(t);
        }
        match parse_identifier(t) {
            Some(Identifier::Epsg(code)) => Crs::from_epsg(code),
            Some(Identifier::Crs84) => Ok(Crs::wgs84()),
            None => Err(CrsError::Unrecognised {
                input: t.to_string(),
            }),
        }
    }

    /// The built-in CRS with this EPSG code (one of [`SUPPORTED_EPSG_CODES`],
    /// or 900913 for 3857).
    ///
    /// # Errors
    ///
    /// [`CrsError::UnsupportedEpsg`] for any other code.
    pub fn from_epsg(code: u32) -> Result<Crs, CrsError> {
        let k = known(code).ok_or(CrsError::UnsupportedEpsg { code })?;
        if k.code == 4326 {
            return Ok(Crs::wgs84());
        }
        let mut crs = Crs::build(k.proj)?;
        crs.epsg = Some(k.code);
        crs.name = Some(k.name);
        Ok(crs)
    }

    /// A CRS from a PROJ string such as
    /// `+proj=tmerc +lon_0=50 +k=0.9999 +x_0=500000 +ellps=intl +towgs84=-143,-236,7 +units=m`.
    ///
    /// Its units are those the string says (`+units=`, degrees for
    /// `+proj=longlat`). Its transformation to WGS 84 is its `+towgs84=` or
    /// `+datum=`; with neither, no datum shift is applied. [`Crs::epsg`] is
    /// `None` even if the string matches a built-in CRS.
    ///
    /// # Errors
    ///
    /// [`CrsError::Empty`], or [`CrsError::InvalidProjString`] when proj4rs
    /// rejects the string or cannot invert its projection; pipelines and
    /// `+init=` references are rejected too.
    pub fn from_proj_string(definition: &str) -> Result<Crs, CrsError> {
        let definition = definition.trim();
        if definition.is_empty() {
            return Err(CrsError::Empty);
        }
        Crs::build(definition)
    }

    /// WGS 84 geographic (EPSG:4326), longitude/latitude in degrees; its
    /// transformations are the identity.
    pub fn wgs84() -> Crs {
        Crs {
            epsg: Some(4326),
            name: Some("WGS 84"),
            definition: WGS84_PROJ.to_string(),
            engine: Engine::Identity,
        }
    }

    fn build(definition: &str) -> Result<Crs, CrsError> {
        let invalid = |reason: String| CrsError::InvalidProjString {
            definition: definition.to_string(),
            reason,
        };
        if definition.contains("+proj=pipeline") || definition.contains("+init=") {
            return Err(invalid(
                "pipelines and +init= references are not supported, give the CRS's own parameters"
                    .into(),
            ));
        }
        let proj = Proj::from_proj_string(definition).map_err(|e| invalid(e.to_string()))?;
        if !proj.has_inverse() {
            return Err(invalid(format!(
                "projection '{}' has no inverse in proj4rs",
                proj.projname()
            )));
        }
        if !proj.has_forward() {
            return Err(invalid(format!(
                "projection '{}' has no forward in proj4rs",
                proj.projname()
            )));
        }
        let wgs84 = Proj::from_proj_string(WGS84_PROJ).map_err(|e| invalid(e.to_string()))?;
        let geographic = proj.is_latlong();
        Ok(Crs {
            epsg: None,
            name: None,
            definition: definition.to_string(),
            engine: Engine::Proj {
                proj: Box::new(proj),
                wgs84: Box::new(wgs84),
                geographic,
            },
        })
    }

    /// The EPSG code of a built-in CRS (3857 for one parsed as 900913, 4326
    /// for CRS84); `None` for a CRS given as a PROJ string.
    pub fn epsg(&self) -> Option<u32> {
        self.epsg
    }

    /// True for WGS 84 longitude/latitude in degrees (EPSG:4326 or CRS84),
    /// i.e. when [`Crs::to_wgs84`] is the identity. False for PROJ strings,
    /// even `+proj=longlat +datum=WGS84`.
    pub fn is_wgs84_geographic(&self) -> bool {
        matches!(self.engine, Engine::Identity)
    }

    /// True when coordinates in this CRS are longitude/latitude in degrees
    /// rather than projected (easting/northing in linear units).
    pub fn is_geographic(&self) -> bool {
        match &self.engine {
            Engine::Identity => true,
            Engine::Proj { geographic, .. } => *geographic,
        }
    }

    /// A human-readable name for messages and logs, e.g.
    /// `EPSG:20439 (Ain el Abd / UTM zone 39N)` or `PROJ string '+proj=...'`.
    pub fn label(&self) -> String {
        match (self.epsg, self.name) {
            (Some(4326), _) => WGS84_LABEL.to_string(),
            (Some(code), Some(name)) => format!("EPSG:{code} ({name})"),
            (Some(code), None) => format!("EPSG:{code}"),
            (None, _) => format!("PROJ string '{}'", self.definition),
        }
    }

    /// A machine-readable name that [`Crs::parse`] turns back into this CRS:
    /// `EPSG:<code>` for a built-in CRS, else the PROJ string.
    pub fn identifier(&self) -> String {
        match self.epsg {
            Some(code) => format!("EPSG:{code}"),
            None => self.definition.clone(),
        }
    }

    /// The PROJ definition used (for a built-in code, the one this module
    /// ships, which includes the transformation to WGS 84 as `+towgs84`).
    pub fn proj_definition(&self) -> &str {
        &self.definition
    }

    /// Reprojects one coordinate from this CRS to WGS 84.
    ///
    /// Input: `x` = easting, `y` = northing in this CRS's linear unit (metres
    /// for every built-in projected CRS), or `x` = longitude, `y` = latitude in
    /// degrees for a geographic CRS. Output: `x` = longitude, `y` = latitude in
    /// degrees on WGS 84 (EPSG:4326). For EPSG:4326 itself the coordinate is
    /// returned unchanged (after a range check). The accuracy is that of the
    /// CRS's transformation, see the module documentation (18 m for EPSG:20439).
    ///
    /// # Errors
    ///
    /// [`CrsError::NonFiniteCoordinate`]; [`CrsError::OutOfRange`] for degrees
    /// beyond ±360° longitude or ±90° latitude (geographic CRSs only);
    /// [`CrsError::Transform`] when proj4rs fails or gives a non-finite result.
    pub fn to_wgs84(&self, c: Coord<f64>) -> Result<Coord<f64>, CrsError> {
        match &self.engine {
            Engine::Identity => {
                check_lon_lat(c)?;
                Ok(c)
            }
            Engine::Proj {
                proj,
                wgs84,
                geographic,
            } => {
                let mut p = if *geographic {
                    check_lon_lat(c)?;
                    (c.x.to_radians(), c.y.to_radians(), 0.0)
                } else {
                    check_finite(c)?;
                    (c.x, c.y, 0.0)
                };
                let fail = |reason: String| CrsError::Transform {
                    from: self.label(),
                    to: WGS84_LABEL.to_string(),
                    x: c.x,
                    y: c.y,
                    reason,
                };
                transform(proj, wgs84, &mut p).map_err(|e| fail(e.to_string()))?;
                // proj4rs gives geographic coordinates in radians.
                let out = Coord {
                    x: p.0.to_degrees(),
                    y: p.1.to_degrees(),
                };
                if !(out.x.is_finite() && out.y.is_finite()) {
                    return Err(fail("the result is not finite".into()));
                }
                Ok(out)
            }
        }
    }

    /// Reprojects one coordinate from WGS 84 to this CRS; the inverse of
    /// [`Crs::to_wgs84`].
    ///
    /// Input: `x` = longitude, `y` = latitude in degrees on WGS 84 (EPSG:4326).
    /// Output: `x` = easting, `y` = northing in this CRS's linear unit (metres
    /// for every built-in projected CRS), or longitude/latitude in degrees for
    /// a geographic CRS. For EPSG:4326 the coordinate is returned unchanged.
    ///
    /// # Errors
    ///
    /// [`CrsError::NonFiniteCoordinate`]; [`CrsError::OutOfRange`] beyond ±360°
    /// longitude or ±90° latitude; [`CrsError::Transform`] when proj4rs fails
    /// (e.g. a pole in Pseudo-Mercator) or gives a non-finite result.
    pub fn from_wgs84(&self, c: Coord<f64>) -> Result<Coord<f64>, CrsError> {
        check_lon_lat(c)?;
        match &self.engine {
            Engine::Identity => Ok(c),
            Engine::Proj {
                proj,
                wgs84,
                geographic,
            } => {
                let fail = |reason: String| CrsError::Transform {
                    from: WGS84_LABEL.to_string(),
                    to: self.label(),
                    x: c.x,
                    y: c.y,
                    reason,
                };
                let mut p = (c.x.to_radians(), c.y.to_radians(), 0.0);
                transform(wgs84, proj, &mut p).map_err(|e| fail(e.to_string()))?;
                let out = if *geographic {
                    Coord {
                        x: p.0.to_degrees(),
                        y: p.1.to_degrees(),
                    }
                } else {
                    Coord { x: p.0, y: p.1 }
                };
                if !(out.x.is_finite() && out.y.is_finite()) {
                    return Err(fail("the result is not finite".into()));
                }
                Ok(out)
            }
        }
    }
}

impl std::str::FromStr for Crs {
    type Err = CrsError;

    /// Same as [`Crs::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Crs::parse(s)
    }
}

impl serde::Serialize for Crs {
    /// Serialises as [`Crs::identifier`], e.g. `"EPSG:32639"`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.identifier())
    }
}

impl<'de> serde::Deserialize<'de> for Crs {
    /// Deserialises from any string [`Crs::parse`] accepts.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Crs::parse(&s).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------
// Shapefile .prj (WKT 1, ESRI or OGC flavour; WKT 2 by authority and name)
// ---------------------------------------------------------------------------

mod prj;

pub use prj::epsg_from_prj_wkt;

/// A small, forgiving WKT reader: enough structure to find names, parameters
/// and authorities. Nesting is limited so hostile input cannot overflow the
/// stack.
mod wkt;

#[cfg(test)]
mod tests;
