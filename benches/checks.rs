//! Checks per second of a subdivision: every check of `domain::checks` (validity, parcel
//! numbers, covers-parent and overlap areas on the ellipsoid, minimum areas, street frontage) on
//! a 40 m × 50 m parcel beside a 12 m street, cut into 2 and into 10 children.
//!
//! `cargo bench --bench checks`; the proposal is parsed from GeoJSON each time, as a request is.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use geo::{Coord, coord};
use madinati::domain::attributes::{Attributes, Parcel, ParcelNo, Street};
use madinati::domain::checks::proposal::parse_proposal;
use madinati::domain::checks::{ChangeKind, Parent, Situation, SplitRules, run_checks};
use madinati::domain::crs::Crs;
use madinati::domain::{Feature, FeatureId, GeometryShape, Lifespan, RawGeometry, ValidGeometry};
use madinati::store::StoredFeature;
use serde_json::{Map, Value, json};

const LON: f64 = 50.1;
const LAT: f64 = 26.4;
/// Degrees per metre at 26.4° N.
const DX: f64 = 1.0 / 99_700.0;
const DY: f64 = 1.0 / 110_760.0;

fn at(x_m: f64, y_m: f64) -> Coord {
    coord! {x: LON + x_m * DX, y: LAT + y_m * DY}
}

fn parent() -> StoredFeature {
    let ring = vec![
        at(0.0, 0.0),
        at(40.0, 0.0),
        at(40.0, 50.0),
        at(0.0, 50.0),
        at(0.0, 0.0),
    ];
    let g = ValidGeometry::new(RawGeometry::Polygon(vec![ring]), GeometryShape::Polygon).unwrap();
    let parcel = Parcel {
        parcel_no: ParcelNo::try_from("17").unwrap(),
        plan_no: None,
        block_no: None,
        district: None,
        land_use: None,
        deed_no: None,
        deed_date: None,
        official_area_m2: None,
        owner: None,
    };
    let f = Feature::new(
        None,
        g,
        Attributes::Parcel(parcel),
        Map::new(),
        Lifespan::default(),
    )
    .unwrap();
    StoredFeature {
        fid: FeatureId(1),
        feature: f,
    }
}

fn street() -> StoredFeature {
    let line = vec![at(-20.0, -8.0), at(60.0, -8.0)];
    let g = ValidGeometry::new(
        RawGeometry::LineString(line),
        GeometryShape::MultiLineString,
    )
    .unwrap();
    let s = Street {
        name_ar: None,
        name_en: None,
        width_m: Some(12.0),
    };
    let f = Feature::new(
        None,
        g,
        Attributes::Street(s),
        Map::new(),
        Lifespan::default(),
    )
    .unwrap();
    StoredFeature {
        fid: FeatureId(1),
        feature: f,
    }
}

/// The parent cut into `n` strips perpendicular to the street, as GeoJSON.
fn strips(n: usize) -> Value {
    let w = 40.0 / n as f64;
    let features: Vec<Value> = (0..n)
        .map(|i| {
            let (x0, x1) = (i as f64 * w, (i + 1) as f64 * w);
            let ring: Vec<Value> = [
                at(x0, 0.0),
                at(x1, 0.0),
                at(x1, 50.0),
                at(x0, 50.0),
                at(x0, 0.0),
            ]
            .iter()
            .map(|c| json!([c.x, c.y]))
            .collect();
            json!({"type": "Feature", "properties": {"parcel_no": format!("17-{}", i + 1)},
                   "geometry": {"type": "Polygon", "coordinates": [ring]}})
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

fn bench(c: &mut Criterion) {
    let (parent, street, rules, crs) = (parent(), street(), SplitRules::default(), Crs::wgs84());
    let mut group = c.benchmark_group("subdivision checks");
    for n in [2usize, 10] {
        let proposal = strips(n);
        let children = parse_proposal(&proposal, &crs).unwrap();
        let situation = Situation {
            kind: ChangeKind::Subdivision,
            parents: vec![Parent {
                fid: parent.fid,
                current: Some(&parent),
                owner_id: None,
            }],
            children: children.clone(),
            streets: vec![&street],
            block_parcels: Vec::new(),
        };
        let checks = run_checks(&situation, &rules);
        assert_eq!(
            checks.iter().filter(|c| !c.passed).count(),
            usize::from(n == 10),
            "{checks:?}"
        );
        group.throughput(Throughput::Elements(1));
        group.bench_function(format!("{n}-way (parse + all checks)"), |b| {
            b.iter(|| {
                let children = parse_proposal(&proposal, &crs).unwrap();
                let s = Situation {
                    children,
                    ..situation.clone()
                };
                run_checks(&s, &rules)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
