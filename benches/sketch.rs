//! Survey sketches rendered per second: the five-corner parcel of tests/sketch_pdf.rs (two
//! neighbours, one street) to a complete A4 PDF, in Arabic and in English, fonts loaded once.
//!
//! `cargo bench --bench sketch`; needs Debian's fonts-noto-core.

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use madinati::sketch::{Bilingual, Corner, Drawing, Fonts, Lang, Neighbour, Sheet, Side, render};

fn bi(ar: &str, en: &str) -> Bilingual {
    Bilingual {
        ar: ar.to_string(),
        en: en.to_string(),
    }
}

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
    let neighbours = [
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
    ];
    let n = corners.len();
    let sides = neighbours
        .into_iter()
        .enumerate()
        .map(|(i, neighbour)| {
            let (a, b) = (&corners[i], &corners[(i + 1) % n]);
            let (de, dn) = (b.easting - a.easting, b.northing - a.northing);
            Side {
                from: a.label.clone(),
                to: b.label.clone(),
                length_m: de.hypot(dn),
                bearing_deg: de.atan2(dn).to_degrees().rem_euclid(360.0),
                neighbour,
            }
        })
        .collect();
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

fn bench(c: &mut Criterion) {
    let fonts = Fonts::load(&Fonts::default_dir()).expect("fonts-noto-core installed");
    let sheet = sheet();
    let mut group = c.benchmark_group("sketch");
    group.throughput(Throughput::Elements(1));
    for (name, lang) in [("render_ar", Lang::Ar), ("render_en", Lang::En)] {
        group.bench_function(name, |b| {
            b.iter(|| render(&sheet, lang, &fonts).expect("renders"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
