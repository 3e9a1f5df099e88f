//! Reprojection of `madinati::domain::crs` checked against PROJ itself.
//!
//! For every CRS the server supports, 20 points across the Eastern Province
//! (lon 48–51.5°E, lat 24–28.5°N) are projected by the system `cs2cs`
//! (PROJ 9, Debian package `proj-bin`), brought back to WGS 84 by `cs2cs`, and
//! by `Crs::to_wgs84`; the two WGS 84 results must agree on the ground to
//! within 1 mm. `Crs::from_wgs84` must likewise agree with `cs2cs`'s projected
//! coordinates to within 1 mm.
//!
//! This compares implementations, not geodetic truth: the accuracy of each
//! transformation to WGS 84 is documented in `src/domain/crs.rs` (18 m for
//! Ain el Abd, 1 m for MTRF-2000 and KSA-GRF17).
//!
//! `cs2cs` is required: without it the test fails (it is never skipped).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use geo_types::Coord;
use madinati::domain::crs::Crs;

/// Agreement required between madinati and PROJ, in metres on the ground.
const ONE_MM: f64 = 1e-3;

/// Where Debian's `proj-bin` puts `cs2cs`.
const CS2CS: &str = "/usr/bin/cs2cs";

fn cs2cs_program() -> String {
    if Path::new(CS2CS).is_file() {
        return CS2CS.to_string();
    }
    // Elsewhere on PATH (e.g. a PROJ built from source).
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join("cs2cs");
            if candidate.is_file() {
                return candidate.to_string_lossy().into_owned();
            }
        }
    }
    panic!(
        "cs2cs (PROJ's command-line tools) is not installed, so madinati's reprojection cannot be \
         checked against PROJ. Install it with `apt-get install -y proj-bin` (scripts/test installs \
         it); this test is not skipped on purpose."
    );
}

/// Runs `cs2cs -f %.10f <args>` on `input` (one "a b" line per point) and
/// returns the first two output columns of each line, in cs2cs's own order.
fn cs2cs(args: &[String], input: &[(f64, f64)], env: &[(&str, &str)]) -> (Vec<(f64, f64)>, String) {
    let program = cs2cs_program();
    let mut child = Command::new(&program)
        .arg("-f")
        .arg("%.10f")
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}; install proj-bin"));
    {
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let text: String = input
            .iter()
            .map(|(a, b)| format!("{a:.10} {b:.10}\n"))
            .collect();
        stdin.write_all(text.as_bytes()).expect("write to cs2cs");
    }
    let out = child.wait_with_output().expect("wait for cs2cs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "cs2cs {args:?} failed: {stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<(f64, f64)> = stdout
        .lines()
        .map(|line| {
            let mut cols = line.split_whitespace().map(|v| {
                v.parse::<f64>().unwrap_or_else(|_| {
                    panic!("cs2cs {args:?}: cannot transform, output line '{line}'")
                })
            });
            match (cols.next(), cols.next()) {
                (Some(a), Some(b)) => (a, b),
                _ => panic!("cs2cs {args:?}: unexpected output line '{line}'"),
            }
        })
        .collect();
    assert_eq!(
        rows.len(),
        input.len(),
        "cs2cs {args:?} output:\n{stdout}\n{stderr}"
    );
    (rows, stderr)
}

/// How a CRS is named to cs2cs, and hence which axis order cs2cs uses for
/// WGS 84 on the other side.
#[derive(Clone, Copy)]
enum Cs2csCrs {
    /// `EPSG:4326 EPSG:<n>`: cs2cs follows the EPSG axis order, so WGS 84 is
    /// latitude, longitude; every projected code here is easting, northing.
    Epsg(u32),
    /// PROJ.4 syntax `+proj=longlat +datum=WGS84 +to <string>`: WGS 84 is
    /// longitude, latitude. (In PROJ 9.1 a `+proj=` argument next to an
    /// `EPSG:` one is not read as a CRS, hence the legacy `+to` form.)
    Proj(&'static str),
}

const WGS84_PROJ4: &str = "+proj=longlat +datum=WGS84 +no_defs";

fn tokens(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split_whitespace().map(str::to_string)
}

/// WGS 84 lon/lat (degrees) -> projected, by cs2cs.
fn cs2cs_forward(
    crs: Cs2csCrs,
    lon_lat: &[(f64, f64)],
    env: &[(&str, &str)],
) -> (Vec<(f64, f64)>, String) {
    match crs {
        Cs2csCrs::Epsg(code) => {
            let lat_lon: Vec<_> = lon_lat.iter().map(|&(lon, lat)| (lat, lon)).collect();
            cs2cs(
                &["EPSG:4326".to_string(), format!("EPSG:{code}")],
                &lat_lon,
                env,
            )
        }
        Cs2csCrs::Proj(def) => {
            let args: Vec<String> = tokens(WGS84_PROJ4)
                .chain(["+to".to_string()])
                .chain(tokens(def))
                .collect();
            cs2cs(&args, lon_lat, env)
        }
    }
}

/// Projected -> WGS 84 lon/lat (degrees), by cs2cs.
fn cs2cs_inverse(
    crs: Cs2csCrs,
    xy: &[(f64, f64)],
    env: &[(&str, &str)],
) -> (Vec<(f64, f64)>, String) {
    match crs {
        Cs2csCrs::Epsg(code) => {
            let (lat_lon, stderr) =
                cs2cs(&[format!("EPSG:{code}"), "EPSG:4326".to_string()], xy, env);
            (
                lat_lon.into_iter().map(|(lat, lon)| (lon, lat)).collect(),
                stderr,
            )
        }
        Cs2csCrs::Proj(def) => {
            let args: Vec<String> = tokens(def)
                .chain(["+to".to_string()])
                .chain(tokens(WGS84_PROJ4))
                .collect();
            cs2cs(&args, xy, env)
        }
    }
}

/// 5 × 4 = 20 points over the Eastern Province, as (lon, lat) degrees.
fn province_points() -> Vec<(f64, f64)> {
    let mut points = Vec::new();
    for i in 0..5 {
        for j in 0..4 {
            points.push((
                48.0 + 3.5 * f64::from(i) / 4.0,
                24.0 + 4.5 * f64::from(j) / 3.0,
            ));
        }
    }
    points
}

/// Distance on the WGS 84 ellipsoid between two nearby lon/lat points (degrees),
/// in metres, from the meridian and prime-vertical radii of curvature.
fn ground_distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let semi_major = 6_378_137.0;
    let f = 1.0 / 298.257_223_563;
    let e2 = f * (2.0 - f);
    let phi = (0.5 * (a.1 + b.1)).to_radians();
    let w = (1.0 - e2 * phi.sin().powi(2)).sqrt();
    let n = semi_major / w;
    let m = semi_major * (1.0 - e2) / w.powi(3);
    let dx = (a.0 - b.0).to_radians() * n * phi.cos();
    let dy = (a.1 - b.1).to_radians() * m;
    dx.hypot(dy)
}

/// The cs2cs axis order is what this test assumes: checked on a point whose
/// answer is known exactly. On the central meridian of UTM zone 39N (51°E)
/// the easting is exactly 500 000 m.
#[test]
fn cs2cs_axis_order_is_as_assumed() {
    let (en, _) = cs2cs_forward(Cs2csCrs::Epsg(32639), &[(51.0, 26.0)], &[]);
    let (e, n) = en[0];
    assert!(
        (e - 500_000.0).abs() < 1e-6,
        "EPSG:4326 input is not lat,lon in cs2cs: got {en:?}"
    );
    assert!(
        (2_800_000.0..2_900_000.0).contains(&n),
        "unexpected northing: {en:?}"
    );
    let (back, _) = cs2cs_inverse(Cs2csCrs::Epsg(32639), &[(500_000.0, n)], &[]);
    let (lon, lat) = back[0];
    assert!(
        (lon - 51.0).abs() < 1e-9 && (lat - 26.0).abs() < 1e-9,
        "EPSG:4326 output is not lat,lon: {back:?}"
    );

    let tm =
        "+proj=tmerc +lat_0=0 +lon_0=50 +k=1 +x_0=500000 +y_0=0 +datum=WGS84 +units=m +no_defs";
    let (en, _) = cs2cs_forward(Cs2csCrs::Proj(tm), &[(50.0, 26.0)], &[]);
    assert!(
        (en[0].0 - 500_000.0).abs() < 1e-6,
        "+proj=longlat input is not lon,lat: {en:?}"
    );
    let (back, _) = cs2cs_inverse(Cs2csCrs::Proj(tm), &en, &[]);
    assert!(
        (back[0].0 - 50.0).abs() < 1e-9 && (back[0].1 - 26.0).abs() < 1e-9,
        "{back:?}"
    );
}

/// For EPSG:20439 PROJ 9.1 has six candidate operations; it must use
/// EPSG:1111 "Ain el Abd to WGS 84 (2)" (Saudi Arabia onshore, -143,-236,7,
/// 18 m), the one `Crs` implements, at every point of the province. If a newer
/// PROJ chose otherwise, the 1 mm comparison below would be meaningless.
#[test]
fn proj_uses_epsg_1111_for_ain_el_abd() {
    let points = province_points();
    let crs = Cs2csCrs::Epsg(20439);
    let (xy, _) = cs2cs_forward(crs, &points, &[]);
    let (_, stderr) = cs2cs_inverse(crs, &xy, &[("PROJ_DEBUG", "2")]);
    let chosen: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("Using coordinate operation"))
        .collect();
    assert!(
        !chosen.is_empty(),
        "PROJ_DEBUG=2 cs2cs printed no operation:\n{stderr}"
    );
    for line in chosen {
        assert!(
            line.contains("Ain el Abd to WGS 84 (2)"),
            "PROJ chose another operation: {line}"
        );
    }
}

struct Case {
    /// What `Crs::parse` is given.
    madinati: &'static str,
    cs2cs: Cs2csCrs,
    /// Required agreement with cs2cs, in metres on the ground (to_wgs84) and
    /// in CRS metres (from_wgs84).
    tolerance_m: f64,
}

#[test]
fn agrees_with_cs2cs_across_the_province() {
    let cases = [
        Case {
            madinati: "EPSG:32639",
            cs2cs: Cs2csCrs::Epsg(32639),
            tolerance_m: ONE_MM,
        },
        Case {
            madinati: "EPSG:32638",
            cs2cs: Cs2csCrs::Epsg(32638),
            tolerance_m: ONE_MM,
        },
        Case {
            madinati: "EPSG:8839",
            cs2cs: Cs2csCrs::Epsg(8839),
            tolerance_m: ONE_MM,
        },
        Case {
            madinati: "EPSG:9359",
            cs2cs: Cs2csCrs::Epsg(9359),
            tolerance_m: ONE_MM,
        },
        Case {
            madinati: "EPSG:3857",
            cs2cs: Cs2csCrs::Epsg(3857),
            tolerance_m: ONE_MM,
        },
        // Ain el Abd: EPSG:1111's geocentric translation is published to 18 m
        // (10 m per axis), but PROJ and proj4rs apply the very same three
        // parameters, so they agree to well under a millimetre (measured
        // below 0.01 mm); the 18 m is the distance to true WGS 84, which no
        // software comparison can check. See `proj_uses_epsg_1111_for_ain_el_abd`.
        Case {
            madinati: "EPSG:20439",
            cs2cs: Cs2csCrs::Epsg(20439),
            tolerance_m: ONE_MM,
        },
        // A CRS given as a PROJ string, with a datum shift of its own.
        Case {
            madinati: "+proj=tmerc +lat_0=0 +lon_0=50 +k=0.9999 +x_0=500000 +y_0=0 +ellps=intl +towgs84=-143,-236,7,0,0,0,0 +units=m +no_defs",
            cs2cs: Cs2csCrs::Proj(
                "+proj=tmerc +lat_0=0 +lon_0=50 +k=0.9999 +x_0=500000 +y_0=0 +ellps=intl +towgs84=-143,-236,7,0,0,0,0 +units=m +no_defs",
            ),
            tolerance_m: ONE_MM,
        },
    ];

    let points = province_points();
    assert_eq!(points.len(), 20);
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for case in &cases {
        let crs = Crs::parse(case.madinati).unwrap_or_else(|e| panic!("{}: {e}", case.madinati));
        // Projected coordinates as PROJ computes them, then back to WGS 84 by PROJ.
        let (projected, _) = cs2cs_forward(case.cs2cs, &points, &[]);
        let (proj_wgs84, _) = cs2cs_inverse(case.cs2cs, &projected, &[]);

        let mut max_to = 0.0_f64;
        let mut max_from = 0.0_f64;
        for ((&xy, &expected), &lon_lat) in projected.iter().zip(&proj_wgs84).zip(&points) {
            let got = crs
                .to_wgs84(Coord { x: xy.0, y: xy.1 })
                .unwrap_or_else(|e| panic!("{}: to_wgs84({xy:?}): {e}", crs.label()));
            let d = ground_distance_m((got.x, got.y), expected);
            max_to = max_to.max(d);
            if d.is_nan() || d > case.tolerance_m {
                failures.push(format!(
                    "{} to_wgs84({xy:?}) = ({}, {}) but cs2cs gives {expected:?}: {d} m apart",
                    crs.label(),
                    got.x,
                    got.y
                ));
            }

            let en = crs
                .from_wgs84(Coord {
                    x: lon_lat.0,
                    y: lon_lat.1,
                })
                .unwrap_or_else(|e| panic!("{}: from_wgs84({lon_lat:?}): {e}", crs.label()));
            let d = (en.x - xy.0).hypot(en.y - xy.1);
            max_from = max_from.max(d);
            if d.is_nan() || d > case.tolerance_m {
                failures.push(format!(
                    "{} from_wgs84({lon_lat:?}) = ({}, {}) but cs2cs gives {xy:?}: {d} m apart",
                    crs.label(),
                    en.x,
                    en.y
                ));
            }
        }
        report.push(format!(
            "{:<60} to_wgs84 max {:.3e} m, from_wgs84 max {:.3e} m (tolerance {} m)",
            crs.label().chars().take(60).collect::<String>(),
            max_to,
            max_from,
            case.tolerance_m
        ));
    }
    // Shown with `cargo test -- --nocapture`.
    println!(
        "madinati vs cs2cs at {} points:\n{}",
        points.len(),
        report.join("\n")
    );
    assert!(
        failures.is_empty(),
        "{}\n\n{}",
        report.join("\n"),
        failures.join("\n")
    );
}

/// EPSG:4326 in, EPSG:4326 out: the identity, bit for bit.
#[test]
fn wgs84_is_returned_unchanged() {
    for input in ["EPSG:4326", "CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84"] {
        let crs = Crs::parse(input).expect("EPSG:4326 parses");
        assert!(crs.is_wgs84_geographic());
        for (lon, lat) in province_points() {
            let c = Coord { x: lon, y: lat };
            assert_eq!(crs.to_wgs84(c).expect("in range"), c);
            assert_eq!(crs.from_wgs84(c).expect("in range"), c);
        }
    }
}
