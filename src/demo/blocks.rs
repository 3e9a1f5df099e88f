//! The blocks of a quadrant: facilities put on some of them, then each cut into its parcels
//! (two rows back to back, or public land over several parcel widths or the whole block), with
//! the parcels' fronts and land uses.

use super::city::{Quadrant, RoadClass};
use super::frame::Rect;
use super::layout::{Lot, LotKind};
use super::rng::Rng;

/// A column of a block: one parcel on each side of the block's spine, or one `whole` parcel.
pub struct Column {
    /// West and east edges, metres in the city frame.
    pub x0: f64,
    pub x1: f64,
    pub whole: Option<LotKind>,
}

/// A block between local streets, at `row` and `col` of its quadrant's grid of blocks.
pub struct Block {
    pub rect: Rect,
    pub row: usize,
    pub col: usize,
    pub columns: Vec<Column>,
}

/// Puts each facility on its own block, away from the quadrant's edges when it can.
pub fn place_facilities(blocks: &mut [Block], rows: usize, facilities: &[LotKind], rng: &mut Rng) {
    let mut free: Vec<usize> = (0..blocks.len())
        .filter(|&b| rows < 3 || (blocks[b].row > 0 && blocks[b].row + 1 < rows))
        .collect();
    rng.shuffle(&mut free);
    for &kind in facilities {
        let Some(block) = free.pop().and_then(|b| blocks.get_mut(b)) else {
            break;
        };
        let n = block.columns.len();
        match kind.span() {
            Some(span) if n >= span + 2 => {
                let k = rng.between(1, (n - 1 - span) as u64) as usize;
                let merged = Column {
                    x0: block.columns[k].x0,
                    x1: block.columns[k + span - 1].x1,
                    whole: Some(kind),
                };
                block.columns.splice(k..k + span, [merged]);
            }
            _ => {
                block.columns = vec![Column {
                    x0: block.rect.x0,
                    x1: block.rect.x1,
                    whole: Some(kind),
                }]
            }
        }
    }
}

/// The parcels of one block in numbering order.
pub fn block_lots(b: &Block, quad: &Quadrant, rows: usize, cols: usize, rng: &mut Rng) -> Vec<Lot> {
    let side = |on_edge: bool, i: usize| {
        if on_edge {
            quad.sides[i]
        } else {
            RoadClass::Local
        }
    };
    let (west, east) = (side(b.col == 0, 0), side(b.col + 1 == cols, 1));
    let (south, north) = (side(b.row == 0, 2), side(b.row + 1 == rows, 3));
    let r = b.rect;
    let mid = (r.y0 + r.y1) / 2.0;
    let last = b.columns.len() - 1;
    let ends = |k: usize| {
        let w = if k == 0 { west } else { RoadClass::Local };
        let e = if k == last { east } else { RoadClass::Local };
        w.max(e)
    };
    let lot =
        |x0: f64, y0: f64, x1: f64, y1: f64, kind: LotKind, front: RoadClass, corner: bool| Lot {
            rect: Rect { x0, y0, x1, y1 },
            kind,
            front,
            corner,
            plan: 0,
            block_no: 0,
            parcel_no: 0,
        };
    let mut lots = Vec::with_capacity(2 * b.columns.len());
    for (k, c) in b.columns.iter().enumerate() {
        let corner = k == 0 || k == last;
        lots.push(match c.whole {
            Some(kind) => lot(
                c.x0,
                r.y0,
                c.x1,
                r.y1,
                kind,
                south.max(north).max(ends(k)),
                corner,
            ),
            None => {
                let front = south.max(ends(k));
                lot(
                    c.x0,
                    r.y0,
                    c.x1,
                    mid,
                    private_use(front, rng),
                    front,
                    corner,
                )
            }
        });
    }
    for (k, c) in b
        .columns
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, c)| c.whole.is_none())
    {
        let front = north.max(ends(k));
        lots.push(lot(
            c.x0,
            mid,
            c.x1,
            r.y1,
            private_use(front, rng),
            front,
            k == 0 || k == last,
        ));
    }
    lots
}

/// The use of a private parcel facing a road of class `front`.
fn private_use(front: RoadClass, rng: &mut Rng) -> LotKind {
    match front {
        RoadClass::Arterial if rng.chance(0.8) => LotKind::Commercial,
        RoadClass::Arterial => LotKind::MixedUse,
        RoadClass::Collector => [LotKind::Commercial, LotKind::MixedUse, LotKind::Residential]
            [rng.weighted(&[35, 45, 20])],
        RoadClass::Local if rng.chance(0.09) => LotKind::Vacant,
        RoadClass::Local => LotKind::Residential,
    }
}
