//! The plan of a whole demo: which cities, their grids of 1.5 km districts, the arterial roads
//! between districts, and for each district its names, collector streets and subdivision plans.
//!
//! This is small (a few hundred districts at most) and computed once; the blocks and parcels
//! of a district are generated from it on demand (`layout`), district by district.

use chrono::NaiveDate;

use super::data::{CitySpec, DemoData, Pair};
use super::frame::{Frame, Rect};
use super::grid::{Slot, plan_city, plan_district};
use super::rng::{Purpose, Rng};
use super::text::district_variant;
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
        let (x0, x1) = if east {
            (cx + cw / 2.0, r.x1 - ae / 2.0)
        } else {
            (r.x0 + aw / 2.0, cx - cw / 2.0)
        };
        let (y0, y1) = if north {
            (cy + ch / 2.0, r.y1 - an / 2.0)
        } else {
            (r.y0 + a_s / 2.0, cy - ch / 2.0)
        };
        let (ox0, ox1) = if east { (cx, r.x1) } else { (r.x0, cx) };
        let (oy0, oy1) = if north { (cy, r.y1) } else { (r.y0, cy) };
        let (a, c) = (RoadClass::Arterial, RoadClass::Collector);
        Quadrant {
            inner: Rect { x0, y0, x1, y1 },
            outer: Rect {
                x0: ox0,
                y0: oy0,
                x1: ox1,
                y1: oy1,
            },
            sides: [
                if east { c } else { a },
                if east { a } else { c },
                if north { c } else { a },
                if north { a } else { c },
            ],
        }
    }

    /// The rectangle of plan `p`: its quadrants between right-of-way edges, metres.
    pub fn plan_rect(&self, p: &PlanSpec) -> Rect {
        p.quadrants.iter().map(|q| self.quadrant(*q).inner).fold(
            Rect {
                x0: f64::MAX,
                y0: f64::MAX,
                x1: f64::MIN,
                y1: f64::MIN,
            },
            |a, b| Rect {
                x0: a.x0.min(b.x0),
                y0: a.y0.min(b.y0),
                x1: a.x1.max(b.x1),
                y1: a.y1.max(b.y1),
            },
        )
    }
}

/// Everything a demo holds above the level of blocks.
#[derive(Clone, Debug)]
pub struct Demo {
    pub cities: Vec<City>,
    pub districts: Vec<District>,
}

impl Demo {
    /// Plans the demo of `size` for `seed`.
    pub fn plan(data: &DemoData, size: DemoSize, seed: u64) -> Result<Demo, DemoError> {
        let grids: Vec<(usize, [u32; 2])> = match size {
            DemoSize::Small => vec![(0, [2, 2])],
            DemoSize::City => vec![(0, [6, 5])],
            DemoSize::Province => data
                .cities
                .iter()
                .enumerate()
                .map(|(i, c)| (i, c.grid))
                .collect(),
        };
        let mut demo = Demo {
            cities: Vec::new(),
            districts: Vec::new(),
        };
        let mut plan_seq = 100u64;
        for (ci, [cols, rows]) in grids {
            let spec = data
                .cities
                .get(ci)
                .ok_or_else(|| DemoError::Layout("no city to build".into()))?;
            let city = plan_city(data, spec, cols, rows, seed, demo.cities.len());
            let mut names = spec.districts.clone();
            Rng::stream(seed, Purpose::City, &[demo.cities.len() as u64, 1]).shuffle(&mut names);
            for index in 0..(cols * rows) as usize {
                let (ar, en) = &names[index % names.len()];
                let slot = Slot {
                    city: demo.cities.len(),
                    index,
                    global: demo.districts.len(),
                };
                let district = plan_district(
                    data,
                    &city,
                    slot,
                    district_variant(ar, en, index / names.len()),
                    seed,
                    &mut plan_seq,
                );
                demo.districts.push(district);
            }
            demo.cities.push(city);
        }
        demo.check_apart()?;
        Ok(demo)
    }

    /// Fails when two cities' grids overlap (a mistake in districts.toml).
    fn check_apart(&self) -> Result<(), DemoError> {
        let boxes: Vec<_> = self
            .cities
            .iter()
            .map(|c| (c, c.frame.bounds(&city_rect(c))))
            .collect();
        for (i, (a, ba)) in boxes.iter().enumerate() {
            for (b, bb) in &boxes[i + 1..] {
                if ba.0 < bb.2 && bb.0 < ba.2 && ba.1 < bb.3 && bb.1 < ba.3 {
                    return Err(DemoError::Layout(format!(
                        "the grids of {} and {} overlap",
                        a.spec.code, b.spec.code
                    )));
                }
            }
        }
        Ok(())
    }
}

/// The whole grid of a city, metres.
pub fn city_rect(c: &City) -> Rect {
    Rect {
        x0: 0.0,
        y0: 0.0,
        x1: f64::from(c.cols) * DISTRICT_M,
        y1: f64::from(c.rows) * DISTRICT_M,
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
            let names: std::collections::HashSet<_> = demo
                .districts
                .iter()
                .filter(|d| d.city == ci)
                .map(|d| d.name_ar.clone())
                .collect();
            assert_eq!(
                names.len(),
                demo.districts.iter().filter(|d| d.city == ci).count()
            );
        }
        let plans: std::collections::HashSet<_> = demo
            .districts
            .iter()
            .flat_map(|d| &d.plans)
            .map(|p| &p.plan_no)
            .collect();
        assert_eq!(
            plans.len(),
            demo.districts.iter().map(|d| d.plans.len()).sum::<usize>()
        );
    }
}
