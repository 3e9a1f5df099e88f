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
