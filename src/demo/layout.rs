//! The blocks, parcels and local streets of one district, in metres.
//!
//! Each quadrant of a district (between its arterials and collectors) is filled with a grid of
//! blocks separated by local streets 10-15 m wide. A block is two rows of parcels back to back
//! (each about 20-25 m wide and 30-35 m deep), its end parcels 25 % wider as corner parcels are.
//! A few blocks hold public land instead: a mosque or government office over several parcel
//! widths, a school, park or hospital over the whole block. Parcels along arterials are mostly
//! commercial, along collectors mixed-use, elsewhere residential.
//!
//! Parcels are rectangles computed from shared edges, so neighbours share their sides exactly
//! and never overlap. The layout is a pure function of the district and the seed.

use super::blocks::{Block, Column, block_lots, place_facilities};
use super::city::{District, Quadrant, RoadClass};
use super::frame::Rect;
use super::rng::{Purpose, Rng};
use crate::domain::attributes::LandUse;

/// What a parcel is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LotKind {
    Residential,
    Commercial,
    MixedUse,
    Vacant,
    Mosque,
    /// The district's grand (Friday) mosque.
    GrandMosque,
    School,
    Park,
    Government,
    Hospital,
}

impl LotKind {
    /// The land use recorded for the parcel.
    pub fn land_use(self) -> LandUse {
        match self {
            LotKind::Residential => LandUse::Residential,
            LotKind::Commercial => LandUse::Commercial,
            LotKind::MixedUse => LandUse::MixedUse,
            LotKind::Vacant => LandUse::Vacant,
            LotKind::Mosque | LotKind::GrandMosque => LandUse::Religious,
            LotKind::School => LandUse::Educational,
            LotKind::Park => LandUse::Park,
            LotKind::Government => LandUse::Government,
            LotKind::Hospital => LandUse::Health,
        }
    }

    /// Public land: no private owner and no deed.
    pub fn is_public(self) -> bool {
        !matches!(
            self,
            LotKind::Residential | LotKind::Commercial | LotKind::MixedUse | LotKind::Vacant
        )
    }

    /// Parcel widths a facility spans within a block; `None` for a whole block.
    pub(super) fn span(self) -> Option<usize> {
        match self {
            LotKind::Mosque => Some(2),
            LotKind::GrandMosque | LotKind::Government => Some(3),
            _ => None,
        }
    }
}

/// A parcel of the layout.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lot {
    /// Metres in the city frame.
    pub rect: Rect,
    pub kind: LotKind,
    /// The most important road the parcel faces.
    pub front: RoadClass,
    /// At the end of a block (faces two streets).
    pub corner: bool,
    /// Index of its plan in the district's plans.
    pub plan: usize,
    /// Block and parcel numbers, from 1 within the plan.
    pub block_no: u32,
    pub parcel_no: u32,
}

/// A local street's centre line, metres in the city frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LocalStreet {
    pub from: (f64, f64),
    pub to: (f64, f64),
    /// Right-of-way width, metres.
    pub width_m: f64,
}

/// A district's parcels (by plan, block, then parcel number) and local streets.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub lots: Vec<Lot>,
    pub streets: Vec<LocalStreet>,
}

/// Lays out district `d` for `seed`.
pub fn layout(d: &District, seed: u64) -> Layout {
    let mut rng = Rng::stream(seed, Purpose::Layout, &[d.city as u64, u64::from(d.number)]);
    // Two mosques in every quadrant, a grand mosque, one or two schools, a park and a government
    // office in the district, and a hospital in every sixth district.
    let mut wanted: Vec<(usize, LotKind)> = (0..8).map(|q| (q / 2, LotKind::Mosque)).collect();
    wanted.push((rng.index(4), LotKind::GrandMosque));
    for _ in 0..1 + rng.index(2) {
        wanted.push((rng.index(4), LotKind::School));
    }
    wanted.push((rng.index(4), LotKind::Park));
    wanted.push((rng.index(4), LotKind::Government));
    if d.global.is_multiple_of(6) {
        wanted.push((rng.index(4), LotKind::Hospital));
    }
    let mut streets = Vec::new();
    let mut quadrants: Vec<Vec<Vec<Lot>>> = (0..4)
        .map(|q| {
            let facilities: Vec<LotKind> =
                wanted.iter().filter(|w| w.0 == q).map(|w| w.1).collect();
            quadrant(&d.quadrant(q), &facilities, &mut rng, &mut streets)
        })
        .collect();
    let mut lots = Vec::new();
    for (p, plan) in d.plans.iter().enumerate() {
        let (mut block_no, mut parcel_no) = (0, 0);
        for q in &plan.quadrants {
            for block in quadrants
                .get_mut(*q)
                .map(std::mem::take)
                .unwrap_or_default()
            {
                block_no += 1;
                for lot in block {
                    parcel_no += 1;
                    lots.push(Lot {
                        plan: p,
                        block_no,
                        parcel_no,
                        ..lot
                    });
                }
            }
        }
    }
    Layout { lots, streets }
}

/// The blocks of one quadrant, each as its parcels in numbering order (south row west to east,
/// then north row east to west); adds the quadrant's local streets to `streets`.
fn quadrant(
    quad: &Quadrant,
    facilities: &[LotKind],
    rng: &mut Rng,
    streets: &mut Vec<LocalStreet>,
) -> Vec<Vec<Lot>> {
    let inner = quad.inner;
    let (street_h, street_v) = (rng.between(10, 15) as f64, rng.between(10, 15) as f64);
    let depth_target = rng.uniform(30.0, 35.0);
    let width_target = rng.uniform(20.0, 25.0);
    let per_row_target = rng.between(8, 12) as f64;
    let rows = ((inner.height() + street_h) / (2.0 * depth_target + street_h))
        .round()
        .max(1.0) as usize;
    let depth = (inner.height() - (rows - 1) as f64 * street_h) / (2 * rows) as f64;
    let cols = ((inner.width() + street_v) / (per_row_target * width_target + street_v))
        .round()
        .max(1.0) as usize;
    let block_len = (inner.width() - (cols - 1) as f64 * street_v) / cols as f64;
    let n = ((block_len / width_target).round() as usize).max(2);
    // Column edges as fractions of the block's length; end parcels 1.25 times as wide.
    let weight = |k: usize| if k == 0 || k + 1 == n { 1.25 } else { 1.0 };
    let total: f64 = (0..n).map(weight).sum();
    let mut fractions = vec![0.0];
    for k in 0..n {
        let last = fractions.last().copied().unwrap_or(0.0);
        fractions.push(if k + 1 == n {
            1.0
        } else {
            last + weight(k) / total
        });
    }

    let mut blocks = Vec::with_capacity(rows * cols);
    for row in 0..rows {
        for col in 0..cols {
            let x0 = inner.x0 + col as f64 * (block_len + street_v);
            let x1 = if col + 1 == cols {
                inner.x1
            } else {
                x0 + block_len
            };
            let y0 = inner.y0 + row as f64 * (2.0 * depth + street_h);
            let y1 = if row + 1 == rows {
                inner.y1
            } else {
                y0 + 2.0 * depth
            };
            let edges: Vec<f64> = fractions
                .iter()
                .map(|f| if *f >= 1.0 { x1 } else { x0 + (x1 - x0) * f })
                .collect();
            let columns = edges
                .windows(2)
                .map(|w| Column {
                    x0: w[0],
                    x1: w[1],
                    whole: None,
                })
                .collect();
            blocks.push(Block {
                rect: Rect { x0, y0, x1, y1 },
                row,
                col,
                columns,
            });
        }
    }
    place_facilities(&mut blocks, rows, facilities, rng);

    for row in 1..rows {
        let y = inner.y0 + row as f64 * (2.0 * depth + street_h) - street_h / 2.0;
        streets.push(LocalStreet {
            from: (quad.outer.x0, y),
            to: (quad.outer.x1, y),
            width_m: street_h,
        });
    }
    for col in 1..cols {
        let x = inner.x0 + col as f64 * (block_len + street_v) - street_v / 2.0;
        streets.push(LocalStreet {
            from: (x, quad.outer.y0),
            to: (x, quad.outer.y1),
            width_m: street_v,
        });
    }
    blocks
        .iter()
        .map(|b| block_lots(b, quad, rows, cols, rng))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::DemoSize;
    use crate::demo::city::Demo;
    use crate::demo::data::DemoData;

    #[test]
    fn parcels_tile_blocks_without_overlap() {
        let data = DemoData::load().unwrap_or_else(|e| panic!("{e}"));
        let demo = Demo::plan(&data, DemoSize::Small, 3).unwrap_or_else(|e| panic!("{e}"));
        let d = &demo.districts[0];
        let l = layout(d, 3);
        assert!(l.lots.len() > 1500, "{}", l.lots.len());
        for (i, a) in l.lots.iter().enumerate() {
            assert!(
                a.rect.x0 >= d.rect.x0
                    && a.rect.x1 <= d.rect.x1
                    && a.rect.y0 >= d.rect.y0
                    && a.rect.y1 <= d.rect.y1
            );
            assert!(a.rect.width() > 5.0 && a.rect.height() > 5.0);
            for b in &l.lots[i + 1..] {
                assert!(!a.rect.overlaps(&b.rect), "{a:?} {b:?}");
            }
        }
        for k in [
            LotKind::Mosque,
            LotKind::GrandMosque,
            LotKind::School,
            LotKind::Park,
            LotKind::Government,
        ] {
            assert!(l.lots.iter().any(|lot| lot.kind == k), "{k:?}");
        }
        assert!(
            l.lots.iter().any(|lot| lot.kind == LotKind::Hospital),
            "district 0 has a hospital"
        );
        assert_eq!(layout(d, 3).lots, l.lots);
    }
}
