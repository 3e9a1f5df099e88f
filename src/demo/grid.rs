//! How a city and its districts are drawn: arterial names (the city's famous roads on the
//! central lines) and widths (40-60 m), and for each district its collectors (20-30 m, up to
//! 150 m off centre), their names, and its 2-4 subdivision plans with their numbers, names,
//! status and approval dates. Each draw comes from the city's or the district's own stream.

use chrono::NaiveDate;

use super::city::{City, DISTRICT_M, District, PlanSpec, Road};
use super::data::{CitySpec, DemoData, Pair};
use super::frame::{Frame, Rect};
use super::rng::{Purpose, Rng};
use super::text::arabic_digits;
use crate::domain::attributes::PlanStatus;

/// Ways to cut a district's four quadrants into plans, and how often each is drawn.
const PLAN_PATTERNS: [(&[&[usize]], u32); 7] = [
    (&[&[0], &[1], &[2], &[3]], 4),
    (&[&[0, 2], &[1, 3]], 2),
    (&[&[0, 1], &[2, 3]], 2),
    (&[&[0, 2], &[1], &[3]], 1),
    (&[&[1, 3], &[0], &[2]], 1),
    (&[&[0, 1], &[2], &[3]], 1),
    (&[&[2, 3], &[0], &[1]], 1),
];

/// City `index` of the demo: `cols` × `rows` districts centred on the city of `spec`, with the
/// names and widths of its arterials.
pub fn plan_city(
    data: &DemoData,
    spec: &CitySpec,
    cols: u32,
    rows: u32,
    seed: u64,
    index: usize,
) -> City {
    let mut rng = Rng::stream(seed, Purpose::City, &[index as u64, 0]);
    // Lines by closeness to the centre (north-south first on ties): central ones get the city's
    // famous names and the widest right of way.
    let mut lines: Vec<(bool, u32)> = (0..=cols)
        .map(|i| (true, i))
        .chain((0..=rows).map(|j| (false, j)))
        .collect();
    lines.sort_by_key(|&(ns, i)| {
        (
            (2 * i64::from(i) - i64::from(if ns { cols } else { rows })).abs(),
            !ns,
            i,
        )
    });
    let mut generic: Vec<&Pair> = data
        .streets
        .arterials
        .iter()
        .filter(|g| !spec.arterials.iter().any(|a| a.0 == g.0))
        .collect();
    rng.shuffle(&mut generic);
    let mut names = spec.arterials.iter().chain(generic);
    let (mut north_south, mut east_west) =
        (vec![None; cols as usize + 1], vec![None; rows as usize + 1]);
    for (rank, &(ns, i)) in lines.iter().enumerate() {
        let (name_ar, name_en) = match names.next() {
            Some((ar, en)) => (ar.clone(), en.clone()),
            None => (
                format!("طريق {}", arabic_digits(rank as u64 + 1)),
                format!("Road {}", rank + 1),
            ),
        };
        let width_m = if rank < 2 {
            60.0
        } else {
            [40.0, 45.0, 50.0, 60.0][rng.weighted(&[4, 3, 2, 1])]
        };
        let slot = if ns {
            north_south.get_mut(i as usize)
        } else {
            east_west.get_mut(i as usize)
        };
        if let Some(slot) = slot {
            *slot = Some(Road {
                name_ar,
                name_en,
                width_m,
            });
        }
    }
    let fill = |v: Vec<Option<Road>>| -> Vec<Road> {
        v.into_iter()
            .map(|r| {
                r.unwrap_or(Road {
                    name_ar: "طريق".into(),
                    name_en: "Road".into(),
                    width_m: 40.0,
                })
            })
            .collect()
    };
    let (w, h) = (f64::from(cols) * DISTRICT_M, f64::from(rows) * DISTRICT_M);
    City {
        spec: spec.clone(),
        cols,
        rows,
        frame: Frame::centred(spec.lon, spec.lat, w, h),
        north_south: fill(north_south),
        east_west: fill(east_west),
    }
}

/// Where a district is: its city, its index in the city and among all districts.
pub struct Slot {
    pub city: usize,
    pub index: usize,
    pub global: usize,
}

/// The district at `slot`, named (`base_ar`, `name_en`); numbers its plans from `plan_seq` + 1,
/// so plan numbers are unique in the whole demo.
pub fn plan_district(
    data: &DemoData,
    city: &City,
    slot: Slot,
    (base_ar, name_en): (String, String),
    seed: u64,
    plan_seq: &mut u64,
) -> District {
    let number = slot.index as u32 + 1;
    let mut rng = Rng::stream(
        seed,
        Purpose::District,
        &[slot.city as u64, u64::from(number)],
    );
    let (col, row) = ((number - 1) % city.cols, (number - 1) / city.cols);
    let (x0, y0) = (f64::from(col) * DISTRICT_M, f64::from(row) * DISTRICT_M);
    let width = |roads: &[Road], k: u32| roads.get(k as usize).map_or(40.0, |r| r.width_m);
    let mut collector = |base: f64| {
        let offset = rng.between(0, 300) as f64 - 150.0;
        (
            base + DISTRICT_M / 2.0 + offset,
            [20.0, 24.0, 25.0, 30.0][rng.index(4)],
        )
    };
    let (collector_x, collector_y) = (collector(x0), collector(y0));
    let a = rng.index(data.streets.collectors.len());
    let b = (a + 1 + rng.index(data.streets.collectors.len() - 1)) % data.streets.collectors.len();
    let collector_names = [
        data.streets.collectors[a].clone(),
        data.streets.collectors[b].clone(),
    ];
    let pattern = PLAN_PATTERNS[rng.weighted(&PLAN_PATTERNS.map(|p| p.1))].0;
    let plans = pattern
        .iter()
        .enumerate()
        .map(|(k, quadrants)| {
            *plan_seq += 1;
            let plan_no = if rng.chance(0.4) {
                format!("{}/{}", rng.between(1, 3), plan_seq)
            } else {
                plan_seq.to_string()
            };
            let status = [
                PlanStatus::Approved,
                PlanStatus::UnderReview,
                PlanStatus::Proposed,
            ][rng.weighted(&[85, 10, 5])];
            let approved_on = (status == PlanStatus::Approved).then(|| {
                let start = NaiveDate::from_ymd_opt(1985, 1, 1).unwrap_or_default();
                start
                    .checked_add_days(chrono::Days::new(rng.below(34 * 365)))
                    .unwrap_or(start)
            });
            let k = arabic_digits(k as u64 + 1);
            let name = match rng.index(3) {
                0 => format!("مخطط {base_ar} {k}"),
                1 => format!("مخطط منح {base_ar} {k}"),
                _ => format!("المخطط السكني ب{base_ar} {k}"),
            };
            PlanSpec {
                quadrants: quadrants.to_vec(),
                plan_no,
                name,
                status,
                approved_on,
            }
        })
        .collect();
    District {
        city: slot.city,
        number,
        global: slot.global,
        code: format!("{}-{number:03}", city.spec.code),
        name_ar: format!("حي {base_ar}"),
        name_en,
        base_ar,
        rect: Rect {
            x0,
            y0,
            x1: x0 + DISTRICT_M,
            y1: y0 + DISTRICT_M,
        },
        arterial_widths: [
            width(&city.north_south, col),
            width(&city.north_south, col + 1),
            width(&city.east_west, row),
            width(&city.east_west, row + 1),
        ],
        collector_x,
        collector_y,
        collector_names,
        plans,
    }
}
