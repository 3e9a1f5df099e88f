//! Coordinate reference systems (CRS) of the Eastern Province, and reprojection
//! of coordinates to and from WGS 84 (EPSG:4326, longitude/latitude in degrees).
//!
//! This module is responsible for:
//!
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

/// Errors of CRS parsing and coordinate transformation. Each message says what
/// was wrong and what the user can give instead.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CrsError {
    /// The CRS text was empty.
    #[error(
        "no coordinate reference system given: give one such as 'EPSG:32639' or a PROJ string starting with '+proj='"
    )]
    Empty,

    /// The CRS text is in none of the accepted forms.
    #[error(
        "unrecognised coordinate reference system '{input}': give 'EPSG:<code>', a bare EPSG code such as '32639', \
         'urn:ogc:def:crs:EPSG::<code>', 'http://www.opengis.net/def/crs/EPSG/0/<code>', 'CRS84', \
         or a PROJ string starting with '+proj='"
    )]
    Unrecognised {
        /// The text as given (trimmed).
        input: String,
    },

    /// A well-formed EPSG code that this server has no definition for.
    #[error(
        "EPSG:{code} is not a supported coordinate reference system; supported codes are {list}; \
         for any other CRS give its PROJ string instead (starting with '+proj=', e.g. the output of \
         `projinfo -o PROJ EPSG:{code}`)",
        list = supported_codes_list()
    )]
    UnsupportedEpsg {
        /// The EPSG code asked for.
        code: u32,
    },

    /// proj4rs rejected a PROJ string.
    #[error(
        "invalid PROJ string '{definition}': {reason}; check it against the PROJ documentation or generate it \
         with `projinfo -o PROJ EPSG:<code>` (grid shifts and pipelines are not supported)"
    )]
    InvalidProjString {
        /// The PROJ string as given (trimmed).
        definition: String,
        /// What proj4rs reported.
        reason: String,
    },

    /// A coordinate was NaN or infinite.
    #[error("coordinate ({x}, {y}) is not a pair of finite numbers")]
    NonFiniteCoordinate {
        /// x (easting or longitude) as given.
        x: f64,
        /// y (northing or latitude) as given.
        y: f64,
    },

    /// A longitude/latitude in degrees was out of range.
    #[error(
        "longitude/latitude ({lon}, {lat}) is out of range (|longitude| <= 360, |latitude| <= 90 degrees): \
         if these are projected coordinates (metres) give their CRS, e.g. EPSG:32639; \
         if they are degrees, check that longitude comes first"
    )]
    OutOfRange {
        /// Longitude in degrees as given.
        lon: f64,
        /// Latitude in degrees as given.
        lat: f64,
    },

    /// proj4rs could not transform a coordinate.
    #[error(
        "cannot transform ({x}, {y}) from {from} to {to}: {reason}; check that the coordinates really are in \
         {from}, in its units, easting/longitude first"
    )]
    Transform {
        /// Label of the source CRS.
        from: String,
        /// Label of the target CRS.
        to: String,
        /// x of the input coordinate.
        x: f64,
        /// y of the input coordinate.
        y: f64,
        /// What went wrong.
        reason: String,
    },
}

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

/// Recognises the CRS of a shapefile `.prj` (ESRI or OGC WKT 1; WKT 2 too when
/// it carries an `ID` or a known name) and returns its EPSG code.
///
/// In order: the top-level `AUTHORITY["EPSG","<code>"]` / `ID["EPSG",<code>]`
/// when present (any code, which may be one [`Crs::from_epsg`] does not
/// support: pass it there to get an actionable error); otherwise the CRS name
/// (`WGS_1984_UTM_Zone_39N`, `GCS_WGS_1984`, `Ain_el_Abd_UTM_Zone_39N`,
/// `Ain_el_Abd_1970_UTM_Zone_39N`, `WGS_1984_Web_Mercator_Auxiliary_Sphere`,
/// `KSA-GRF17_UTM_zone_39N`, `MTRF-2000_UTM_zone_39N`, and the EPSG names of
/// the built-in CRSs); otherwise the definition itself (a metre UTM zone 38N/
/// 39N Transverse Mercator on WGS 84, Ain el Abd 1970, MTRF-2000 or KSA-GRF17,
/// ESRI's Mercator_Auxiliary_Sphere, or geographic WGS 84 in degrees).
/// `None` when the text is not WKT or the CRS is none of those. For a compound
/// CRS, the horizontal part is used.
pub fn epsg_from_prj_wkt(wkt: &str) -> Option<u32> {
    let root = wkt::parse(wkt.trim_start_matches('\u{feff}'))?;
    let crs = horizontal(&root)?;
    if let Some(code) = crs.authority_code() {
        return Some(code);
    }
    crs.name()
        .and_then(|n| by_name(&normalise(n)))
        .or_else(|| by_structure(crs))
}

/// Lower-case ASCII letters and digits only: "WGS 84 / UTM zone 39N" and
/// "WGS_1984_UTM_Zone_39N" become "wgs84utmzone39n" and "wgs1984utmzone39n".
fn normalise(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn horizontal(node: &wkt::Node) -> Option<&wkt::Node> {
    match node.keyword.as_str() {
        "PROJCS" | "GEOGCS" | "PROJCRS" | "PROJECTEDCRS" | "GEOGCRS" | "GEOGRAPHICCRS"
        | "GEODCRS" | "GEODETICCRS" => Some(node),
        "COMPD_CS" | "COMPOUNDCRS" => node.children().find_map(horizontal),
        _ => None,
    }
}

fn by_name(n: &str) -> Option<u32> {
    Some(match n {
        "wgs84" | "wgs1984" | "gcswgs1984" => 4326,
        "wgs84utmzone39n" | "wgs1984utmzone39n" => 32639,
        "wgs84utmzone38n" | "wgs1984utmzone38n" => 32638,
        "wgs84pseudomercator" | "wgs1984webmercatorauxiliarysphere" => 3857,
        "ainelabdutmzone39n" | "ainelabd1970utmzone39n" => 20439,
        "mtrf2000utmzone39n" => 8839,
        "ksagrf17utmzone39n" => 9359,
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Datum {
    Wgs84,
    AinElAbd,
    Mtrf2000,
    KsaGrf17,
}

fn datum_of(geogcs: &wkt::Node) -> Option<Datum> {
    let d = normalise(geogcs.child("DATUM")?.name()?);
    if d.contains("wgs1984") || d.contains("wgs84") || d.contains("worldgeodeticsystem1984") {
        Some(Datum::Wgs84)
    } else if d.contains("ainelabd") {
        Some(Datum::AinElAbd)
    } else if d.contains("mtrf2000") || d.contains("momraterrestrialreferenceframe2000") {
        Some(Datum::Mtrf2000)
    } else if d.contains("ksagrf17") || d.contains("kingdomofsaudiarabiageodeticreferenceframe2017")
    {
        Some(Datum::KsaGrf17)
    } else {
        None
    }
}

fn near(a: Option<f64>, b: f64, tol: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() <= tol)
}

/// Recognises a WKT 1 definition by its content rather than its name.
fn by_structure(crs: &wkt::Node) -> Option<u32> {
    match crs.keyword.as_str() {
        "GEOGCS" => {
            let greenwich = near(crs.child("PRIMEM").and_then(|p| p.number(1)), 0.0, 1e-12);
            let degrees = near(
                crs.child("UNIT").and_then(|u| u.number(1)),
                std::f64::consts::PI / 180.0,
                1e-12,
            );
            (datum_of(crs)? == Datum::Wgs84 && greenwich && degrees).then_some(4326)
        }
        "PROJCS" => {
            let geogcs = crs.child("GEOGCS")?;
            let datum = datum_of(geogcs)?;
            if !near(geogcs.child("PRIMEM").and_then(|p| p.number(1)), 0.0, 1e-12) {
                return None;
            }
            if !near(crs.child("UNIT").and_then(|u| u.number(1)), 1.0, 1e-9) {
                return None; // not metres
            }
            let method = normalise(crs.child("PROJECTION")?.name()?);
            let param = |name: &str| -> Option<f64> {
                crs.children()
                    .filter(|c| c.keyword == "PARAMETER")
                    .find(|p| p.name().is_some_and(|n| normalise(n) == name))
                    .and_then(|p| p.number(1))
            };
            // A parameter may be omitted when it has its default value of 0.
            let zero = |name: &str| param(name).is_none_or(|v| v.abs() < 1e-9);
            match method.as_str() {
                "transversemercator" => {
                    let utm = near(param("scalefactor"), 0.9996, 1e-12)
                        && near(param("falseeasting"), 500_000.0, 1e-6)
                        && zero("falsenorthing")
                        && zero("latitudeoforigin");
                    if !utm {
                        return None;
                    }
                    let cm = param("centralmeridian")?;
                    match datum {
                        Datum::Wgs84 if near(Some(cm), 51.0, 1e-9) => Some(32639),
                        Datum::Wgs84 if near(Some(cm), 45.0, 1e-9) => Some(32638),
                        Datum::AinElAbd if near(Some(cm), 51.0, 1e-9) => Some(20439),
                        Datum::Mtrf2000 if near(Some(cm), 51.0, 1e-9) => Some(8839),
                        Datum::KsaGrf17 if near(Some(cm), 51.0, 1e-9) => Some(9359),
                        _ => None,
                    }
                }
                "mercatorauxiliarysphere" => {
                    let ok = datum == Datum::Wgs84
                        && zero("falseeasting")
                        && zero("falsenorthing")
                        && zero("centralmeridian")
                        && zero("standardparallel1")
                        && zero("auxiliaryspheretype");
                    ok.then_some(3857)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// A small, forgiving WKT reader: enough structure to find names, parameters
/// and authorities. Nesting is limited so hostile input cannot overflow the
/// stack.
mod wkt {
    const MAX_DEPTH: usize = 32;

    /// A value inside a WKT node.
    pub(super) enum Value {
        Text(String),
        Number(f64),
        Node(Node),
    }

    /// `KEYWORD[value, value, ...]`, keyword upper-cased.
    pub(super) struct Node {
        pub(super) keyword: String,
        pub(super) values: Vec<Value>,
    }

    impl Node {
        /// The first value when it is a quoted string (the object's name).
        pub(super) fn name(&self) -> Option<&str> {
            match self.values.first()? {
                Value::Text(t) => Some(t),
                _ => None,
            }
        }

        /// The value at `i` as a number (quoted numbers too).
        pub(super) fn number(&self, i: usize) -> Option<f64> {
            match self.values.get(i)? {
                Value::Number(n) => Some(*n),
                Value::Text(t) => t.trim().parse().ok(),
                Value::Node(_) => None,
            }
        }

        pub(super) fn children(&self) -> impl Iterator<Item = &Node> {
            self.values.iter().filter_map(|v| match v {
                Value::Node(n) => Some(n),
                _ => None,
            })
        }

        pub(super) fn child(&self, keyword: &str) -> Option<&Node> {
            self.children().find(|c| c.keyword == keyword)
        }

        /// `AUTHORITY["EPSG","32639"]` or `ID["EPSG",32639]` directly in this node.
        pub(super) fn authority_code(&self) -> Option<u32> {
            self.children()
                .filter(|c| c.keyword == "AUTHORITY" || c.keyword == "ID")
                .find(|c| c.name().is_some_and(|n| n.eq_ignore_ascii_case("EPSG")))
                .and_then(|c| c.number(1))
                .filter(|n| n.fract() == 0.0 && *n > 0.0 && *n <= f64::from(u32::MAX))
                .map(|n| n as u32)
        }
    }

    /// Parses one WKT object; trailing text (e.g. a newline) is ignored.
    pub(super) fn parse(s: &str) -> Option<Node> {
        let mut p = Parser {
            s: s.as_bytes(),
            i: 0,
        };
        p.skip_ws();
        let keyword = p.keyword()?;
        p.skip_ws();
        p.node(keyword, 0)
    }

    struct Parser<'a> {
        s: &'a [u8],
        i: usize,
    }

    impl Parser<'_> {
        fn peek(&self) -> Option<u8> {
            self.s.get(self.i).copied()
        }

        fn skip_ws(&mut self) {
            while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
                self.i += 1;
            }
        }

        fn keyword(&mut self) -> Option<String> {
            let start = self.i;
            while self
                .peek()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                self.i += 1;
            }
            (self.i > start)
                .then(|| String::from_utf8_lossy(&self.s[start..self.i]).to_ascii_uppercase())
        }

        /// The bracketed part of a node whose keyword has been read.
        fn node(&mut self, keyword: String, depth: usize) -> Option<Node> {
            if depth > MAX_DEPTH {
                return None;
            }
            let close = match self.peek()? {
                b'[' => b']',
                b'(' => b')',
                _ => return None,
            };
            self.i += 1;
            let mut values = Vec::new();
            loop {
                self.skip_ws();
                if self.peek()? == close && values.is_empty() {
                    self.i += 1;
                    break;
                }
                values.push(self.value(depth)?);
                self.skip_ws();
                match self.peek()? {
                    b',' => self.i += 1,
                    b if b == close => {
                        self.i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
            Some(Node { keyword, values })
        }

        fn value(&mut self, depth: usize) -> Option<Value> {
            match self.peek()? {
                b'"' => self.text().map(Value::Text),
                b'-' | b'+' | b'.' | b'0'..=b'9' => {
                    let start = self.i;
                    while self.peek().is_some_and(|b| {
                        b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')
                    }) {
                        self.i += 1;
                    }
                    std::str::from_utf8(&self.s[start..self.i])
                        .ok()?
                        .parse()
                        .ok()
                        .map(Value::Number)
                }
                _ => {
                    let keyword = self.keyword()?;
                    self.skip_ws();
                    match self.peek() {
                        Some(b'[' | b'(') => self.node(keyword, depth + 1).map(Value::Node),
                        // A bare enumeration value such as AXIS["E",EAST].
                        _ => Some(Value::Text(keyword)),
                    }
                }
            }
        }

        /// A double-quoted string; `""` inside stands for one quote (WKT 2).
        fn text(&mut self) -> Option<String> {
            self.i += 1; // opening quote
            let mut out = Vec::new();
            loop {
                let b = self.peek()?;
                self.i += 1;
                if b == b'"' {
                    if self.peek() == Some(b'"') {
                        self.i += 1;
                        out.push(b'"');
                    } else {
                        break;
                    }
                } else {
                    out.push(b);
                }
            }
            Some(String::from_utf8_lossy(&out).into_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    #[test]
    fn parses_every_accepted_form() {
        for (input, code) in [
            ("EPSG:4326", 4326),
            ("epsg:32639", 32639),
            ("  32639 ", 32639),
            ("urn:ogc:def:crs:EPSG::32639", 32639),
            ("urn:ogc:def:crs:EPSG:9.9.1:20439", 20439),
            ("URN:OGC:DEF:CRS:EPSG::9359", 9359),
            ("http://www.opengis.net/def/crs/EPSG/0/32639", 32639),
            ("https://www.opengis.net/def/crs/EPSG/0/8839", 8839),
            ("urn:ogc:def:crs:OGC:1.3:CRS84", 4326),
            ("urn:ogc:def:crs:OGC::CRS84", 4326),
            ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326),
            ("CRS84", 4326),
            ("EPSG:3857", 3857),
            ("EPSG:900913", 3857),
            ("32638", 32638),
        ] {
            let crs = Crs::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(crs.epsg(), Some(code), "{input}");
            assert_eq!(crs.is_wgs84_geographic(), code == 4326, "{input}");
            // identifier() parses back to the same CRS.
            assert_eq!(Crs::parse(&crs.identifier()).unwrap().epsg(), Some(code));
        }
        assert_eq!(
            Crs::parse("EPSG:20439").unwrap().label(),
            "EPSG:20439 (Ain el Abd / UTM zone 39N)"
        );
        assert_eq!(Crs::parse("CRS84").unwrap().label(), "EPSG:4326 (WGS 84)");
    }

    #[test]
    fn parses_proj_strings() {
        let def = "+proj=tmerc +lat_0=0 +lon_0=50 +k=0.9999 +x_0=500000 +y_0=0 +ellps=intl +towgs84=-143,-236,7,0,0,0,0 +units=m +no_defs";
        let crs = Crs::parse(def).unwrap();
        assert_eq!(crs.epsg(), None);
        assert!(!crs.is_wgs84_geographic());
        assert!(!crs.is_geographic());
        assert_eq!(crs.identifier(), def);
        assert!(crs.label().contains("+proj=tmerc"));
        let geo = Crs::parse("+proj=longlat +datum=WGS84 +no_defs").unwrap();
        assert!(geo.is_geographic());
        assert!(!geo.is_wgs84_geographic());
    }

    #[test]
    fn unknown_code_is_an_actionable_error() {
        let err = Crs::parse("EPSG:2318").unwrap_err();
        assert_eq!(err, CrsError::UnsupportedEpsg { code: 2318 });
        let msg = err.to_string();
        for needle in [
            "EPSG:2318",
            "EPSG:32639",
            "EPSG:20439",
            "EPSG:9359",
            "EPSG:8839",
            "EPSG:3857",
            "+proj=",
        ] {
            assert!(msg.contains(needle), "{needle} missing from: {msg}");
        }
        assert!(matches!(
            Crs::parse("urn:ogc:def:crs:EPSG::1"),
            Err(CrsError::UnsupportedEpsg { code: 1 })
        ));
    }

    #[test]
    fn garbage_is_rejected_without_panicking() {
        assert_eq!(Crs::parse("   ").unwrap_err(), CrsError::Empty);
        for bad in [
            "EPSG:",
            "EPSG:abc",
            "EPSG:-4326",
            "EPSG:99999999999999",
            "WGS84 UTM",
            "urn:ogc:def:crs:OGC:1.3:CRS83",
            "http://www.opengis.net/def/crs/EPSG/0/",
            "http://www.opengis.net/def/crs/FOO/0/4326",
            "urn:ogc:def:crs:EPSG::",
        ] {
            let err = Crs::parse(bad).unwrap_err();
            assert!(
                matches!(err, CrsError::Unrecognised { .. }),
                "{bad}: {err:?}"
            );
            assert!(err.to_string().contains("+proj="), "{err}");
        }
        for bad in [
            "+proj=nonsense +ellps=WGS84",
            "+ellps=WGS84",
            "+proj=utm +zone=99",
            "+init=epsg:4326",
            "+proj=pipeline +step +proj=utm",
        ] {
            let err = Crs::parse(bad).unwrap_err();
            assert!(
                matches!(err, CrsError::InvalidProjString { .. }),
                "{bad}: {err:?}"
            );
        }
    }

    #[test]
    fn wgs84_is_the_identity() {
        let crs = Crs::parse("EPSG:4326").unwrap();
        let p = c(50.103_456_789, 26.432_123_456);
        assert_eq!(crs.to_wgs84(p).unwrap(), p);
        assert_eq!(crs.from_wgs84(p).unwrap(), p);
        assert!(matches!(
            crs.to_wgs84(c(410_000.0, 2_923_000.0)),
            Err(CrsError::OutOfRange { .. })
        ));
        assert!(matches!(
            crs.to_wgs84(c(f64::NAN, 26.0)),
            Err(CrsError::NonFiniteCoordinate { .. })
        ));
    }

    #[test]
    fn geographic_proj_strings_take_degrees() {
        // Same datum: identity up to rounding, so degrees/radians are handled.
        let crs = Crs::parse("+proj=longlat +datum=WGS84 +no_defs").unwrap();
        let out = crs.to_wgs84(c(50.1, 26.4)).unwrap();
        assert!(
            (out.x - 50.1).abs() < 1e-12 && (out.y - 26.4).abs() < 1e-12,
            "{out:?}"
        );
        // Ain el Abd geographic: a shift of a few arc-seconds, not radians-sized.
        let ain =
            Crs::parse("+proj=longlat +ellps=intl +towgs84=-143,-236,7,0,0,0,0 +no_defs").unwrap();
        let out = ain.to_wgs84(c(50.1, 26.4)).unwrap();
        assert!(
            (out.x - 50.1).abs() < 0.01 && (out.y - 26.4).abs() < 0.01,
            "{out:?}"
        );
        assert!(
            (out.x - 50.1).abs() > 1e-4,
            "no datum shift applied: {out:?}"
        );
        let back = ain.from_wgs84(out).unwrap();
        assert!(
            (back.x - 50.1).abs() < 1e-8 && (back.y - 26.4).abs() < 1e-8,
            "{back:?}"
        );
    }

    #[test]
    fn known_values() {
        // On the central meridian of UTM 39N easting is 500 000 m and the
        // equator is northing 0.
        let utm = Crs::parse("EPSG:32639").unwrap();
        let p = utm.to_wgs84(c(500_000.0, 0.0)).unwrap();
        assert!((p.x - 51.0).abs() < 1e-12 && p.y.abs() < 1e-12, "{p:?}");
        // Dammam, from `echo 26.43 50.10 | cs2cs -f %.6f EPSG:4326 EPSG:32639`.
        let en = utm.from_wgs84(c(50.10, 26.43)).unwrap();
        assert!(
            (en.x - 410_258.290_508).abs() < 1e-5 && (en.y - 2_923_618.780_978).abs() < 1e-5,
            "{en:?}"
        );
        // Pseudo-Mercator at lon 180 is half the equator of the sphere.
        let merc = Crs::parse("EPSG:3857").unwrap();
        let xy = merc.from_wgs84(c(180.0, 0.0)).unwrap();
        assert!(
            (xy.x - std::f64::consts::PI * 6_378_137.0).abs() < 1e-6,
            "{xy:?}"
        );
        // The same grid numbers in Ain el Abd / UTM 39N and WGS 84 / UTM 39N are
        // about 40 m apart on the ground (`cs2cs` gives 40.4 m here).
        let ain = Crs::parse("EPSG:20439")
            .unwrap()
            .to_wgs84(c(410_000.0, 2_923_000.0))
            .unwrap();
        let wgs = utm.to_wgs84(c(410_000.0, 2_923_000.0)).unwrap();
        let d = ((ain.x - wgs.x) * 111_320.0 * 26.4f64.to_radians().cos())
            .hypot((ain.y - wgs.y) * 110_800.0);
        assert!((30.0..50.0).contains(&d), "Ain el Abd shift {d} m");
    }

    /// Projected -> WGS 84 -> projected, at a grid across the province.
    fn round_trip_max(code: u32) -> f64 {
        let crs = Crs::from_epsg(code).unwrap();
        let mut max: f64 = 0.0;
        for i in 0..8 {
            for j in 0..10 {
                let lon = 48.0 + 3.5 * f64::from(i) / 7.0;
                let lat = 24.0 + 4.5 * f64::from(j) / 9.0;
                let p = crs.from_wgs84(c(lon, lat)).unwrap();
                let back = crs.from_wgs84(crs.to_wgs84(p).unwrap()).unwrap();
                max = max.max((back.x - p.x).hypot(back.y - p.y));
            }
        }
        max
    }

    #[test]
    fn round_trips_within_a_micrometre() {
        for code in [32639, 32638, 8839, 9359, 3857] {
            let max = round_trip_max(code);
            assert!(max < 1e-6, "EPSG:{code} round trip error {max} m");
        }
    }

    #[test]
    fn ain_el_abd_round_trip() {
        // The datum shift goes through geocentric coordinates and, like PROJ's
        // `push v_3 / pop v_3`, drops the ellipsoidal height it produces, so
        // the round trip is not exact: measured 0.11 mm at worst (PROJ's own
        // cs2cs round trip shows the same order, ~0.07 mm at Dammam).
        let max = round_trip_max(20439);
        assert!(max < 1e-3, "EPSG:20439 round trip error {max} m");
    }

    #[test]
    fn crs_is_shareable_and_serialisable() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Crs>();
        assert_send_sync::<CrsError>();
        let crs: Crs = serde_json::from_str("\"urn:ogc:def:crs:EPSG::20439\"").unwrap();
        assert_eq!(serde_json::to_string(&crs).unwrap(), "\"EPSG:20439\"");
        let err = serde_json::from_str::<Crs>("\"EPSG:1234\"").unwrap_err();
        assert!(err.to_string().contains("not a supported"), "{err}");
        let crs: Crs = "EPSG:9359".parse().unwrap();
        assert!(format!("{crs:?}").contains("9359"));
    }

    // --- .prj recognition; ESRI strings from `projinfo -o WKT1_ESRI` -------

    const ESRI_32639: &str = r#"PROJCS["WGS_1984_UTM_Zone_39N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",51.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

    #[test]
    fn prj_by_name() {
        let cases = [
            (ESRI_32639, 32639),
            (
                r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#,
                4326,
            ),
            (
                r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]"#,
                3857,
            ),
            (
                r#"PROJCS["Ain_el_Abd_UTM_Zone_39N",GEOGCS["GCS_Ain_el_Abd_1970",DATUM["D_Ain_el_Abd_1970",SPHEROID["International_1924",6378388.0,297.0]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",51.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
                20439,
            ),
            (
                r#"PROJCS["Ain_el_Abd_1970_UTM_Zone_39N",GEOGCS["GCS_Ain_el_Abd_1970",DATUM["D_Ain_el_Abd_1970",SPHEROID["International_1924",6378388.0,297.0]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",51.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
                20439,
            ),
            (
                r#"PROJCS["MTRF-2000_UTM_zone_39N",GEOGCS["GCS_MTRF-2000",DATUM["MOMRA_Terrestrial_Reference_Frame_2000",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",51.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
                8839,
            ),
            (
                r#"PROJCS["KSA-GRF17_UTM_zone_39N",GEOGCS["GCS_KSA-GRF17",DATUM["Kingdom_of_Saudi_Arabia_Geodetic_Reference_Frame_2017",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",51.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
                9359,
            ),
        ];
        for (wkt, code) in cases {
            assert_eq!(epsg_from_prj_wkt(wkt), Some(code), "{wkt}");
            // With a BOM, a newline and spaces, as .prj files come.
            assert_eq!(epsg_from_prj_wkt(&format!("\u{feff}{wkt}\r\n")), Some(code));
        }
    }

    #[test]
    fn prj_by_authority_uses_the_outermost_one() {
        let ogc = r#"PROJCS["WGS 84 / UTM zone 39N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",51],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32639"]]"#;
        assert_eq!(epsg_from_prj_wkt(ogc), Some(32639));
        // An unsupported code is still reported, for Crs::from_epsg to explain.
        let other = ogc.replace(
            r#"AUTHORITY["EPSG","32639"]]"#,
            r#"AUTHORITY["EPSG","2318"]]"#,
        );
        assert_eq!(epsg_from_prj_wkt(&other), Some(2318));
        // WKT 2 with ID and doubled quotes in a remark.
        let wkt2 = r#"PROJCRS["KSA-GRF17 / UTM zone 39N",BASEGEOGCRS["KSA-GRF17",DATUM["Kingdom of Saudi Arabia Geodetic Reference Frame 2017",ELLIPSOID["GRS 1980",6378137,298.257222101,LENGTHUNIT["metre",1]]],ID["EPSG",9333]],CONVERSION["UTM zone 39N",METHOD["Transverse Mercator",ID["EPSG",9807]]],CS[Cartesian,2],REMARK["a ""quoted"" word"],ID["EPSG",9359]]"#;
        assert_eq!(epsg_from_prj_wkt(wkt2), Some(9359));
    }

    #[test]
    fn prj_by_structure() {
        let custom = ESRI_32639.replace("WGS_1984_UTM_Zone_39N", "Dammam_Municipality_Grid");
        assert_eq!(epsg_from_prj_wkt(&custom), Some(32639));
        let zone38 = custom.replace("\"Central_Meridian\",51.0", "\"Central_Meridian\",45.0");
        assert_eq!(epsg_from_prj_wkt(&zone38), Some(32638));
        let ain = custom
            .replace("D_WGS_1984", "D_Ain_el_Abd_1970")
            .replace("6378137.0,298.257223563", "6378388.0,297.0");
        assert_eq!(epsg_from_prj_wkt(&ain), Some(20439));
        // Feet, another meridian, another projection: not ours.
        assert_eq!(
            epsg_from_prj_wkt(&custom.replace(
                "UNIT[\"Meter\",1.0]",
                "UNIT[\"Foot_US\",0.3048006096012192]"
            )),
            None
        );
        assert_eq!(epsg_from_prj_wkt(&custom.replace("51.0", "52.5")), None);
        assert_eq!(
            epsg_from_prj_wkt(&custom.replace("Transverse_Mercator", "Lambert_Conformal_Conic")),
            None
        );
    }

    #[test]
    fn prj_garbage_is_none() {
        for bad in [
            "",
            "hello",
            "PROJCS[",
            "PROJCS[\"x\"",
            "PROJCS[\"unterminated]",
            "LOCAL_CS[\"x\"]",
            &"PROJCS[".repeat(10_000),
            &ESRI_32639[..ESRI_32639.len() - 10],
        ] {
            assert_eq!(epsg_from_prj_wkt(bad), None, "{bad:.60}");
        }
    }
}
