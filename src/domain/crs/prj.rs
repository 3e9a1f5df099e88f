//! Recognising the CRS of a shapefile `.prj` (ESRI or OGC WKT).

use super::wkt;

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
