//! The survey sketch PDF (src/sketch) end to end: a realistic sheet rendered in Arabic and
//! English, its text extracted again with poppler's pdftotext, its picture (pdftoppm) compared
//! with reviewed snapshots, bad sheets refused, random sheets rendered without panic.
//!
//! Needs Debian's fonts-noto-core and poppler-utils (scripts/test installs them).
//! `UPDATE_SNAPSHOTS=1` rewrites tests/snapshots/sketch_{ar,en}.png instead of comparing;
//! `SKETCH_OUT=dir` also leaves the PDFs there for a look.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use chrono::NaiveDate;
use madinati::sketch::{
    Bilingual, Corner, Drawing, Fonts, Lang, Neighbour, Sheet, Side, SketchError, render,
};
use proptest::prelude::*;

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::load(&Fonts::default_dir()).expect("fonts-noto-core installed"))
}

fn bi(ar: &str, en: &str) -> Bilingual {
    Bilingual {
        ar: ar.to_string(),
        en: en.to_string(),
    }
}

/// Sides from corners: lengths and grid bearings computed from the coordinates.
fn sides_of(corners: &[Corner], neighbours: Vec<Neighbour>) -> Vec<Side> {
    let n = corners.len();
    neighbours
        .into_iter()
        .enumerate()
        .map(|(i, neighbour)| {
            let (a, b) = (&corners[i], &corners[(i + 1) % n]);
            let (de, dn) = (b.easting - a.easting, b.northing - a.northing);
            Side {
                from: a.label.clone(),
                to: b.label.clone(),
                length_m: (de * de + dn * dn).sqrt(),
                bearing_deg: de.atan2(dn).to_degrees().rem_euclid(360.0),
                neighbour,
            }
        })
        .collect()
}

/// A five-corner parcel in حي الشاطئ, Dammam (UTM zone 39N), between two parcels and a street.
fn sheet() -> Sheet {
    let pts = [
        (400100.00, 2920200.00),
        (400145.25, 2920201.10),
        (400146.40, 2920146.30),
        (400120.80, 2920144.90),
        (400100.60, 2920150.70),
    ];
    let corners: Vec<Corner> = pts
        .iter()
        .enumerate()
        .map(|(i, &(e, n))| Corner {
            label: (i + 1).to_string(),
            easting: e,
            northing: n,
        })
        .collect();
    let street = bi("شارع الأمير محمد بن فهد", "Prince Mohammed bin Fahd Rd");
    let sides = sides_of(
        &corners,
        vec![
            Neighbour::Street {
                name: street.clone(),
                width_m: Some(30.0),
            },
            Neighbour::Unknown,
            Neighbour::Parcel {
                parcel_no: "126".into(),
            },
            Neighbour::Parcel {
                parcel_no: "126".into(),
            },
            Neighbour::Parcel {
                parcel_no: "124".into(),
            },
        ],
    );
    Sheet {
        amanah: bi("أمانة المنطقة الشرقية", "Eastern Province Municipality"),
        serial: "SK-2026-000123".into(),
        issued_on: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        district: bi("حي الشاطئ", "Al Shati District"),
        plan_no: Some("2/1432".into()),
        block_no: Some("17".into()),
        parcel_no: "125".into(),
        land_use: Some(bi("سكني", "Residential")),
        deed_no: Some("930118004512".into()),
        deed_date: NaiveDate::from_ymd_opt(2019, 11, 4),
        area_m2: 2526.5,
        crs_label: "KSA-GRF17 / UTM zone 39N (EPSG:9359)".into(),
        drawing: Drawing {
            parcel: pts.iter().map(|&(e, n)| [e, n]).collect(),
            neighbours: vec![
                (
                    "124".into(),
                    vec![
                        [400062.0, 2920199.2],
                        [400100.0, 2920200.0],
                        [400100.6, 2920150.7],
                        [400062.5, 2920150.0],
                    ],
                ),
                (
                    "126".into(),
                    vec![
                        [400100.6, 2920150.7],
                        [400120.8, 2920144.9],
                        [400146.4, 2920146.3],
                        [400147.2, 2920108.0],
                        [400099.0, 2920107.0],
                    ],
                ),
            ],
            streets: vec![(
                street,
                vec![
                    [400030.0, 2920198.5],
                    [400220.0, 2920202.6],
                    [400219.3, 2920232.6],
                    [400029.3, 2920228.5],
                    [400030.0, 2920198.5],
                ],
            )],
        },
        corners,
        sides,
        verify_url: "https://balady.example.sa/verify/SK-2026-000123?c=8f3a91".into(),
    }
}

fn tool(name: &str) -> PathBuf {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .unwrap();
    assert!(
        found.status.success(),
        "{name} is missing: apt-get install poppler-utils (scripts/test does)"
    );
    PathBuf::from(String::from_utf8(found.stdout).unwrap().trim())
}

fn pdftotext(pdf: &Path, layout: bool) -> String {
    let mut cmd = Command::new(tool("pdftotext"));
    if layout {
        cmd.arg("-layout");
    }
    let out = cmd.arg(pdf).arg("-").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn write_pdf(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    if let Ok(out) = std::env::var("SKETCH_OUT") {
        std::fs::write(Path::new(&out).join(name), bytes).unwrap();
    }
    path
}

fn render_both() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let s = sheet();
    let ar = render(&s, Lang::Ar, fonts()).unwrap();
    let en = render(&s, Lang::En, fonts()).unwrap();
    assert!(ar.starts_with(b"%PDF-") && en.starts_with(b"%PDF-"));
    let ar = write_pdf(dir.path(), "sketch_ar.pdf", &ar);
    let en = write_pdf(dir.path(), "sketch_en.pdf", &en);
    (dir, ar, en)
}

/// What both languages must show, read back from the PDF.
fn assert_common(text: &str, lang: &str) {
    let s = sheet();
    assert!(text.contains("125"), "{lang}: parcel number\n{text}");
    assert!(text.contains("SK-2026-000123"), "{lang}: serial\n{text}");
    for c in &s.corners {
        for v in [c.easting, c.northing] {
            let f = format!("{v:.2}");
            assert!(text.contains(&f), "{lang}: coordinate {f}\n{text}");
        }
    }
    for side in &s.sides {
        let f = format!("{:.2}", side.length_m);
        assert!(text.contains(&f), "{lang}: side length {f}\n{text}");
    }
    assert!(text.contains("2026-03-01"), "{lang}: issue date");
    assert!(text.contains("2,526.50"), "{lang}: area in figures");
}

/// Poppler's reading of a cluster of a letter and a combining mark. Each such cluster (اً) is
/// one glyph run that krilla marks with /ActualText (which Acrobat and pdf.js read as is);
/// poppler lays the ActualText's characters out left to right and then reverses right-to-left
/// words, so it yields the mark before its letter (ًا). This undoes exactly that, and nothing
/// else: every other character must come back as written.
fn undo_poppler_mark_swap(text: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let is_mark = ('\u{064B}'..='\u{0652}').contains(&c);
        match chars.peek() {
            Some(&next) if is_mark && ('\u{0621}'..='\u{064A}').contains(&next) => {
                out.push(next);
                out.push(c);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out.into_iter().collect()
}

#[test]
fn arabic_text_reads_back_in_logical_order() {
    let (_dir, ar, _) = render_both();
    for layout in [true, false] {
        let raw = pdftotext(&ar, layout);
        // Words without marks come back exactly as written.
        for want in ["حي الشاطئ", "أمانة المنطقة الشرقية", "إحداثيات الأركان"]
        {
            assert!(
                raw.contains(want),
                "layout {layout}: {want} missing in\n{raw}"
            );
        }
        let text = undo_poppler_mark_swap(&raw);
        assert_common(&text, "ar");
        for want in [
            "الشاطئ",
            "حي الشاطئ",
            "كروكي مساحي",
            "أمانة المنطقة الشرقية",
            "ألفان وخمسمائة وستة وعشرون متراً مربعاً وخمسون سنتيمتراً",
            "إحداثيات الأركان",
            "رقم القطعة",
            "شارع الأمير محمد بن فهد",
        ] {
            assert!(
                text.contains(want),
                "layout {layout}: {want} missing in\n{text}"
            );
        }
    }
}

#[test]
fn english_text_holds_the_english_labels() {
    let (_dir, _, en) = render_both();
    for layout in [true, false] {
        let text = pdftotext(&en, layout);
        assert_common(&text, "en");
        for want in [
            "Survey sketch",
            "Eastern Province Municipality",
            "Parcel no.",
            "District",
            "Al Shati District",
            "Corner coordinates",
            "Sides and neighbours",
            "Easting E (m)",
            "Neighbour",
            "Parcel 124",
            "Prince Mohammed bin Fahd Rd (30 m wide)",
            "two thousand five hundred and twenty-six square metres and fifty hundredths",
            "Scale 1:",
        ] {
            assert!(
                text.contains(want),
                "layout {layout}: {want} missing in\n{text}"
            );
        }
        // The bilingual header keeps the Arabic name, in logical order.
        assert!(text.contains("أمانة المنطقة الشرقية"), "{text}");
    }
}

/// Decodes a PNG into (width, height, RGB8 pixels).
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let channels = info.color_type.samples();
    let rgb: Vec<u8> = buf
        .chunks(channels)
        .flat_map(|px| match channels {
            1 | 2 => [px[0], px[0], px[0]],
            _ => [px[0], px[1], px[2]],
        })
        .collect();
    (info.width, info.height, rgb)
}

fn snapshot(pdf: &Path, name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let stem = dir.path().join("page");
    let st = Command::new(tool("pdftoppm"))
        .args(["-r", "40", "-png", "-singlefile"])
        .arg(pdf)
        .arg(&stem)
        .status()
        .unwrap();
    assert!(st.success());
    let got = std::fs::read(stem.with_extension("png")).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_SNAPSHOTS=1 and review it",
            path.display()
        )
    });
    let (gw, gh, g) = decode(&got);
    let (ww, wh, w) = decode(&want);
    assert_eq!((gw, gh), (ww, wh), "{name}: page size changed");
    let differing = g
        .chunks(3)
        .zip(w.chunks(3))
        .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > 48))
        .count();
    let fraction = differing as f64 / f64::from(gw * gh);
    assert!(
        fraction < 0.005,
        "{name}: {:.2}% of the pixels differ from the reviewed snapshot; look at the page, then \
         UPDATE_SNAPSHOTS=1 if it is right",
        fraction * 100.0
    );
}

#[test]
fn pages_match_the_reviewed_snapshots() {
    let (_dir, ar, en) = render_both();
    snapshot(&ar, "sketch_ar.png");
    snapshot(&en, "sketch_en.png");
}

#[test]
fn bad_sheets_are_refused() {
    let invalid = |s: &Sheet| {
        for lang in [Lang::Ar, Lang::En] {
            match render(s, lang, fonts()) {
                Err(SketchError::InvalidSheet(m)) => assert!(!m.is_empty()),
                other => panic!("expected InvalidSheet, got {:?}", other.map(|b| b.len())),
            }
        }
    };
    let mut s = sheet();
    s.corners.truncate(2);
    s.sides.truncate(2);
    invalid(&s);

    let mut s = sheet();
    s.corners[1].easting = f64::NAN;
    invalid(&s);

    let mut s = sheet();
    s.corners[2].northing = f64::INFINITY;
    invalid(&s);

    let mut s = sheet();
    s.sides.pop();
    invalid(&s);

    let mut s = sheet();
    s.sides[0].length_m = f64::NAN;
    invalid(&s);

    let mut s = sheet();
    s.area_m2 = f64::NAN;
    invalid(&s);

    let mut s = sheet();
    s.drawing.neighbours[0].1[0][1] = f64::NAN;
    invalid(&s);

    let mut s = sheet();
    for c in &mut s.corners {
        c.easting = 400000.0;
        c.northing = 2920000.0;
    }
    s.drawing.parcel.clear();
    invalid(&s);

    let mut s = sheet();
    s.verify_url = "x".repeat(5000);
    invalid(&s);
}

#[test]
fn missing_fonts_say_which_package() {
    let dir = tempfile::tempdir().unwrap();
    let err = Fonts::load(dir.path()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("NotoNaskhArabic-Regular.ttf") && msg.contains("fonts-noto-core"),
        "{msg}"
    );
    std::fs::write(
        dir.path().join("NotoNaskhArabic-Regular.ttf"),
        b"not a font",
    )
    .unwrap();
    let msg = Fonts::load(dir.path()).unwrap_err().to_string();
    assert!(msg.contains("not a usable"), "{msg}");
}

/// A many-cornered parcel with very long names still renders, and its first corners are
/// printed (the tables shrink, then end with a row counting what did not fit).
#[test]
fn many_corners_and_long_names() {
    let mut s = sheet();
    let n = 40;
    s.corners = (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * f64::from(i) / f64::from(n);
            Corner {
                label: (i + 1).to_string(),
                easting: 400120.0 + 30.0 * a.sin(),
                northing: 2920170.0 + 22.0 * a.cos(),
            }
        })
        .collect();
    let long =
        "شارع خادم الحرمين الشريفين الملك عبدالله بن عبدالعزيز آل سعود الدائري الثاني الجنوبي";
    let mut neighbours = vec![Neighbour::Unknown; n as usize];
    neighbours[0] = Neighbour::Street {
        name: bi(
            long,
            "Custodian of the Two Holy Mosques King Abdullah bin Abdulaziz Al Saud Second Southern Ring Road",
        ),
        width_m: Some(60.0),
    };
    s.sides = sides_of(&s.corners, neighbours);
    s.drawing.parcel.clear();
    s.amanah = bi(&long.repeat(2), &"Eastern Province Municipality ".repeat(4));
    s.district = bi(
        long,
        "A district with a very long English name that goes on and on",
    );
    let dir = tempfile::tempdir().unwrap();
    for (lang, name) in [
        (Lang::Ar, "sketch_many_ar.pdf"),
        (Lang::En, "sketch_many_en.pdf"),
    ] {
        let pdf = render(&s, lang, fonts()).unwrap();
        let path = write_pdf(dir.path(), name, &pdf);
        let text = pdftotext(&path, false);
        for c in &s.corners[..5] {
            assert!(
                text.contains(&format!("{:.2}", c.easting)),
                "{name}\n{text}"
            );
        }
    }
}

/// Random text: Latin, Arabic, digits, punctuation and anything else, short or very long.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ./-]{0,30}",
        "[ء-ي ٠-٩0-9]{0,40}",
        "[ء-يa-z0-9 ()/:-]{60,300}",
        any::<String>(),
    ]
}

fn any_bilingual() -> impl Strategy<Value = Bilingual> {
    (any_text(), any_text()).prop_map(|(ar, en)| Bilingual { ar, en })
}

fn any_neighbour() -> impl Strategy<Value = Neighbour> {
    prop_oneof![
        any_text().prop_map(|parcel_no| Neighbour::Parcel { parcel_no }),
        (any_bilingual(), proptest::option::of(0.0f64..200.0))
            .prop_map(|(name, width_m)| Neighbour::Street { name, width_m }),
        Just(Neighbour::Unknown),
    ]
}

/// A random convex polygon: `n` angles around a centre, a radius per sheet.
fn any_sheet() -> impl Strategy<Value = Sheet> {
    (
        3usize..24,
        0.5f64..2000.0,
        (300_000.0f64..800_000.0, 1_000_000.0f64..3_500_000.0),
        proptest::collection::vec(any_text(), 12),
        proptest::collection::vec(any_bilingual(), 5),
        proptest::collection::vec(any_neighbour(), 24),
        0.0f64..5_000_000.0,
        "[ -~]{0,300}",
    )
        .prop_map(|(n, radius, (ce, cn), texts, bis, neighbours, area, url)| {
            let corners: Vec<Corner> = (0..n)
                .map(|i| {
                    let a = std::f64::consts::TAU * i as f64 / n as f64;
                    Corner {
                        label: if i % 5 == 4 {
                            texts[i % texts.len()].clone()
                        } else {
                            (i + 1).to_string()
                        },
                        easting: ce + radius * a.sin(),
                        northing: cn + radius * a.cos(),
                    }
                })
                .collect();
            let sides = sides_of(&corners, neighbours.into_iter().take(n).collect());
            let ring: Vec<[f64; 2]> = corners.iter().map(|c| [c.easting, c.northing]).collect();
            let shifted = |dx: f64| ring.iter().map(|p| [p[0] + dx, p[1]]).collect::<Vec<_>>();
            Sheet {
                amanah: bis[0].clone(),
                serial: texts[0].clone(),
                issued_on: NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
                district: bis[1].clone(),
                plan_no: Some(texts[1].clone()),
                block_no: None,
                parcel_no: texts[2].clone(),
                land_use: Some(bis[2].clone()),
                deed_no: Some(texts[3].clone()),
                deed_date: None,
                area_m2: area,
                crs_label: texts[4].clone(),
                drawing: Drawing {
                    parcel: ring.clone(),
                    neighbours: vec![
                        (texts[5].clone(), shifted(2.0 * radius)),
                        (texts[6].clone(), shifted(-2.0 * radius)),
                    ],
                    streets: vec![
                        (
                            bis[3].clone(),
                            vec![
                                [ce - 5.0 * radius, cn + 1.5 * radius],
                                [ce + 5.0 * radius, cn + 1.5 * radius],
                            ],
                        ),
                        (bis[4].clone(), shifted(0.0)),
                    ],
                },
                corners,
                sides,
                verify_url: url,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_valid_sheets_render(s in any_sheet(), ar in any::<bool>()) {
        let lang = if ar { Lang::Ar } else { Lang::En };
        let pdf = render(&s, lang, fonts()).unwrap();
        prop_assert!(pdf.starts_with(b"%PDF-"));
    }
}
