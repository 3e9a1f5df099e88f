//! The plan of a whole demo: which cities, their grids of 1.5 km districts, the arterial roads
//! between districts, and for each district its names, collector streets and subdivision plans.
//!
//! This is small (a few hundred districts at most) and computed once; the blocks and parcels
//! of a district are generated from it on demand (`layout`), district by district.

use chrono::NaiveDate;

use super::data::{CitySpec, DemoData, Pair};
use super::frame::{Frame, Rect};
use super::rng::{Purpose, Rng};
use super::text::{arabic_digits, district_variant};
use super::{DemoError, DemoSize};
use crate::domain::attributes::PlanStatus;

/// Side of a district, metres.
pub const DISTRICT_M: f64 = 1500.0;

/// A named road with its right-of-way width.
#[derive(Clone, Debug, PartialEq)]
pub struct Road {
    pub name_ar: String,
    pub name_en: String,
    /// Right-of-way width, metres.
    pub width_m: f64,
}

/// A city of the demo: a grid of `cols` × `rows` districts.
#[derive(Clone, Debug)]
pub struct City {
    pub spec: CitySpec,
    pub cols: u32,
    pub rows: u32,
    /// Metric frame with its origin at the city's south-west corner.
    pub frame: Frame,
    /// The north-south arterials at x = i · 1.5 km, i = 0..=cols.
    pub north_south: Vec<Road>,
    /// The east-west arterials at y = j · 1.5 km, j = 0..=rows.
    pub east_west: Vec<Road>,
}

/// One subdivision plan of a district: some of its quadrants (0 SW, 1 SE, 2 NW, 3 NE).
#[derive(Clone, Debug)]
pub struct PlanSpec {
    pub quadrants: Vec<usize>,
    pub plan_no: String,
    pub name: String,
    pub status: PlanStatus,
    pub approved_on: Option<NaiveDate>,
}

/// A district: a 1.5 km square cell of its city's grid, cut in four quadrants by two collectors.
#[derive(Clone, Debug)]
pub struct District {
    /// Index of the city in [`Demo::cities`].
    pub city: usize,
    /// 1-based number within the city.
    pub number: u32,
    /// Index among all districts of the demo.
    pub global: usize,
    /// `DMM-017`.
    pub code: String,
    /// Names with the word "حي" (`حي الفيصلية`) and in English (`Al Faisaliyah`).
    pub name_ar: String,
    pub name_en: String,
    /// The Arabic name without "حي".
    pub base_ar: String,
    /// The cell, metres in the city frame (centre lines of the arterials around it).
    pub rect: Rect,
    /// Widths of the arterials on the west, east, south and north sides, metres.
    pub arterial_widths: [f64; 4],
    /// The north-south collector: x of its centre line (city frame) and width, metres.
    pub collector_x: (f64, f64),
    /// The east-west collector: y of its centre line (city frame) and width, metres.
    pub collector_y: (f64, f64),
    /// Names of the north-south and east-west collectors.
    pub collector_names: [Pair; 2],
    pub plans: Vec<PlanSpec>,
}

/// How the road on one side of a quadrant ranks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RoadClass {
    Local,
    Collector,
    Arterial,
}

/// A quadrant of a district: between the right-of-way edges (`inner`) and between the centre
/// lines (`outer`) of the roads around it, metres in the city frame.
#[derive(Clone, Copy, Debug)]
pub struct Quadrant {
    pub inner: Rect,
    pub outer: Rect,
    /// The roads on the west, east, south and north sides.
    pub sides: [RoadClass; 4],
}

impl District {
    /// Quadrant `q` (0 SW, 1 SE, 2 NW, 3 NE).
    pub fn quadrant(&self, q: usize) -> Quadrant {
        let [aw, ae, a_s, an] = self.arterial_widths;
        let ((cx, cw), (cy, ch)) = (self.collector_x, self.collector_y);
        let r = self.rect;
        let (east, north) = (q % 2 == 1, q >= 2);
        let (x0, x1) = if east { (cx + cw / 2.0, r.x1 - ae / 2.0) } else { (r.x0 + aw / 2.0, cx - cw / 2.0) };
        let (y0, y1) = if north { (cy + ch / 2.0, r.y1 - an / 2.0) } else { (r.y0 + a_s / 2.0, cy - ch / 2.0) };
        let (ox0, ox1) = if east { (cx, r.x1) } else { (r.x0, cx) };
        let (oy0, oy1) = if north { (cy, r.y1) } else { (r.y0, cy) };
        let (a, c) = (RoadClass::Arterial, RoadClass::Collector);
        Quadrant {
            inner: Rect { x0, y0, x1, y1 },
            outer: Rect { x0: ox0, y0: oy0, x1: ox1, y1: oy1 },
            sides: [if east { c } else { a }, if east { a } else { c }, if north { c } else { a }, if north { a } else { c }],
        }
    }

    /// The rectangle of plan `p`: its quadrants between right-of-way edges, metres.
    pub fn plan_rect(&self, p: &PlanSpec) -> Rect {
        p.quadrants.iter().map(|q| self.quadrant(*q).inner).fold(
            Rect { x0: f64::MAX, y0: f64::MAX, x1: f64::MIN, y1: f64::MIN },
            |a, b| Rect { x0: a.x0.min(b.x0), y0: a.y0.min(b.y0), x1: a.x1.max(b.x1), y1: a.y1.max(b.y1) },
        )
    }
}

/// Everything a demo holds above the level of blocks.
#[derive(Clone, Debug)]
pub struct Demo {
    pub cities: Vec<City>,
    pub districts: Vec<District>,
}

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

impl Demo {
    /// Plans the demo of `size` for `seed`.
    pub fn plan(data: &DemoData, size: DemoSize, seed: u64) -> Result<Demo, DemoError> {
        let grids: Vec<(usize, [u32; 2])> = match size {
            DemoSize::Small => vec![(0, [2, 2])],
            DemoSize::City => vec![(0, [6, 5])],
            DemoSize::Province => data.cities.iter().enumerate().map(|(i, c)| (i, c.grid)).collect(),
        };
        let mut demo = Demo { cities: Vec::new(), districts: Vec::new() };
        let mut plan_seq = 100u64;
        for (ci, [cols, rows]) in grids {
            let spec = data.cities.get(ci).ok_or_else(|| DemoError::Layout("no city to build".into()))?;
            let city = plan_city(data, spec, cols, rows, seed, demo.cities.len());
            let mut names = spec.districts.clone();
            Rng::stream(seed, Purpose::City, &[demo.cities.len() as u64, 1]).shuffle(&mut names);
            for index in 0..(cols * rows) as usize {
                let (ar, en) = &names[index % names.len()];
                let slot = Slot { city: demo.cities.len(), index, global: demo.districts.len() };
                let district = plan_district(data, &city, slot, district_variant(ar, en, index / names.len()), seed, &mut plan_seq);
                demo.districts.push(district);
            }
            demo.cities.push(city);
        }
        demo.check_apart()?;
        Ok(demo)
    }

    /// Fails when two cities' grids overlap (a mistake in districts.toml).
    fn check_apart(&self) -> Result<(), DemoError> {
        let boxes: Vec<_> = self.cities.iter().map(|c| (c, c.frame.bounds(&city_rect(c)))).collect();
        for (i, (a, ba)) in boxes.iter().enumerate() {
            for (b, bb) in &boxes[i + 1..] {
                if ba.0 < bb.2 && bb.0 < ba.2 && ba.1 < bb.3 && bb.1 < ba.3 {
                    return Err(DemoError::Layout(format!("the grids of {} and {} overlap", a.spec.code, b.spec.code)));
                }
            }
        }
        Ok(())
    }
}

/// The whole grid of a city, metres.
pub fn city_rect(c: &City) -> Rect {
    Rect { x0: 0.0, y0: 0.0, x1: f64::from(c.cols) * DISTRICT_M, y1: f64::from(c.rows) * DISTRICT_M }
}

fn plan_city(data: &DemoData, spec: &CitySpec, cols: u32, rows: u32, seed: u64, index: usize) -> City {
    let mut rng = Rng::stream(seed, Purpose::City, &[index as u64, 0]);
    // Lines by closeness to the centre (north-south first on ties): central ones get the city's
    // famous names and the widest right of way.
    let mut lines: Vec<(bool, u32)> = (0..=cols).map(|i| (true, i)).chain((0..=rows).map(|j| (false, j))).collect();
    lines.sort_by_key(|&(ns, i)| ((2 * i64::from(i) - i64::from(if ns { cols } else { rows })).abs(), !ns, i));
    let mut generic: Vec<&Pair> = data.streets.arterials.iter().filter(|g| !spec.arterials.iter().any(|a| a.0 == g.0)).collect();
    rng.shuffle(&mut generic);
    let mut names = spec.arterials.iter().chain(generic);
    let (mut north_south, mut east_west) = (vec![None; cols as usize + 1], vec![None; rows as usize + 1]);
    for (rank, &(ns, i)) in lines.iter().enumerate() {
        let (name_ar, name_en) = match names.next() {
            Some((ar, en)) => (ar.clone(), en.clone()),
            None => (format!("طريق {}", arabic_digits(rank as u64 + 1)), format!("Road {}", rank + 1)),
        };
        let width_m = if rank < 2 { 60.0 } else { [40.0, 45.0, 50.0, 60.0][rng.weighted(&[4, 3, 2, 1])] };
        let slot = if ns { north_south.get_mut(i as usize) } else { east_west.get_mut(i as usize) };
        if let Some(slot) = slot {
            *slot = Some(Road { name_ar, name_en, width_m });
        }
    }
    let fill = |v: Vec<Option<Road>>| -> Vec<Road> {
        v.into_iter()
            .map(|r| r.unwrap_or(Road { name_ar: "طريق".into(), name_en: "Road".into(), width_m: 40.0 }))
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
struct Slot {
    city: usize,
    index: usize,
    global: usize,
}

fn plan_district(
    data: &DemoData,
    city: &City,
    slot: Slot,
    (base_ar, name_en): (String, String),
    seed: u64,
    plan_seq: &mut u64,
) -> District {
    let number = slot.index as u32 + 1;
    let mut rng = Rng::stream(seed, Purpose::District, &[slot.city as u64, u64::from(number)]);
    let (col, row) = ((number - 1) % city.cols, (number - 1) / city.cols);
    let (x0, y0) = (f64::from(col) * DISTRICT_M, f64::from(row) * DISTRICT_M);
    let width = |roads: &[Road], k: u32| roads.get(k as usize).map_or(40.0, |r| r.width_m);
    let mut collector = |base: f64| {
        let offset = rng.between(0, 300) as f64 - 150.0;
        (base + DISTRICT_M / 2.0 + offset, [20.0, 24.0, 25.0, 30.0][rng.index(4)])
    };
    let (collector_x, collector_y) = (collector(x0), collector(y0));
    let a = rng.index(data.streets.collectors.len());
    let b = (a + 1 + rng.index(data.streets.collectors.len() - 1)) % data.streets.collectors.len();
    let collector_names = [data.streets.collectors[a].clone(), data.streets.collectors[b].clone()];
    let pattern = PLAN_PATTERNS[rng.weighted(&PLAN_PATTERNS.map(|p| p.1))].0;
    let plans = pattern
        .iter()
        .enumerate()
        .map(|(k, quadrants)| {
            *plan_seq += 1;
            let plan_no = if rng.chance(0.4) { format!("{}/{}", rng.between(1, 3), plan_seq) } else { plan_seq.to_string() };
            let status = [PlanStatus::Approved, PlanStatus::UnderReview, PlanStatus::Proposed][rng.weighted(&[85, 10, 5])];
            let approved_on = (status == PlanStatus::Approved).then(|| {
                let start = NaiveDate::from_ymd_opt(1985, 1, 1).unwrap_or_default();
                start.checked_add_days(chrono::Days::new(rng.below(34 * 365))).unwrap_or(start)
            });
            let k = arabic_digits(k as u64 + 1);
            let name = match rng.index(3) {
                0 => format!("مخطط {base_ar} {k}"),
                1 => format!("مخطط منح {base_ar} {k}"),
                _ => format!("المخطط السكني ب{base_ar} {k}"),
            };
            PlanSpec { quadrants: quadrants.to_vec(), plan_no, name, status, approved_on }
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
        rect: Rect { x0, y0, x1: x0 + DISTRICT_M, y1: y0 + DISTRICT_M },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn province_cities_do_not_overlap_and_names_are_unique() {
        let data = DemoData::load().unwrap_or_else(|e| panic!("{e}"));
        let demo = Demo::plan(&data, DemoSize::Province, 1).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(demo.cities.len(), data.cities.len());
        for (ci, _) in demo.cities.iter().enumerate() {
            let names: std::collections::HashSet<_> =
                demo.districts.iter().filter(|d| d.city == ci).map(|d| d.name_ar.clone()).collect();
            assert_eq!(names.len(), demo.districts.iter().filter(|d| d.city == ci).count());
        }
        let plans: std::collections::HashSet<_> = demo.districts.iter().flat_map(|d| &d.plans).map(|p| &p.plan_no).collect();
        assert_eq!(plans.len(), demo.districts.iter().map(|d| d.plans.len()).sum::<usize>());
    }
}
