//! Page geometry and number formatting: A4 in points, mirroring for right-to-left pages, the
//! map scale, table rows, coordinates, lengths and bearings as printed.

use super::{Lang, Sheet};

/// A4 width in points.
pub(crate) const PAGE_W: f32 = 595.28;
/// A4 height in points.
pub(crate) const PAGE_H: f32 = 841.89;
/// The content's left edge (and the right one's distance from the page's right edge).
pub(crate) const CONTENT_X: f32 = 30.0;
/// The content's width.
pub(crate) const CONTENT_W: f32 = PAGE_W - 2.0 * CONTENT_X;
/// Points per metre of paper (72 points an inch).
pub(crate) const PT_PER_M: f64 = 72.0 / 0.0254;

/// A rectangle in points, y downwards from the page's top.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub(crate) const fn new(x: f32, y: f32, w: f32, h: f32) -> Self {
        Rect { x, y, w, h }
    }
    pub(crate) fn right(&self) -> f32 {
        self.x + self.w
    }
    pub(crate) fn bottom(&self) -> f32 {
        self.y + self.h
    }
    pub(crate) fn center(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
    /// The rectangle shrunk by `d` on every side.
    pub(crate) fn inset(&self, d: f32) -> Rect {
        Rect::new(
            self.x + d,
            self.y + d,
            (self.w - 2.0 * d).max(0.0),
            (self.h - 2.0 * d).max(0.0),
        )
    }
    /// Whether `other` lies wholly inside.
    #[cfg(test)]
    pub(crate) fn contains(&self, other: &Rect) -> bool {
        other.x >= self.x - 1e-3
            && other.y >= self.y - 1e-3
            && other.right() <= self.right() + 1e-3
            && other.bottom() <= self.bottom() + 1e-3
    }
}

/// Where logical positions go on the page: measured from the left edge on a left-to-right
/// page, from the right edge on a right-to-left one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub rtl: bool,
}

impl Frame {
    pub(crate) fn new(lang: Lang) -> Self {
        Frame {
            rtl: lang == Lang::Ar,
        }
    }
    /// The physical rectangle of a logical one (x measured from the start edge).
    pub(crate) fn place(&self, r: Rect) -> Rect {
        if self.rtl {
            Rect::new(PAGE_W - r.x - r.w, r.y, r.w, r.h)
        } else {
            r
        }
    }
    /// Splits the logical rectangle `r` into columns of the given widths (the last one taking
    /// what is left), returned as physical rectangles in logical order.
    pub(crate) fn columns(&self, r: Rect, widths: &[f32]) -> Vec<Rect> {
        let mut x = r.x;
        let mut out = Vec::with_capacity(widths.len());
        for (i, &w) in widths.iter().enumerate() {
            let w = if i + 1 == widths.len() {
                (r.right() - x).max(0.0)
            } else {
                w
            };
            out.push(self.place(Rect::new(x, r.y, w, r.h)));
            x += w;
        }
        out
    }
}

/// The parcel's ring as drawn: the drawing's ring when it has at least 3 points, else the
/// corners.
pub(crate) fn parcel_ring(sheet: &Sheet) -> Vec<[f64; 2]> {
    if sheet.drawing.parcel.len() >= 3 {
        sheet.drawing.parcel.clone()
    } else {
        sheet
            .corners
            .iter()
            .map(|c| [c.easting, c.northing])
            .collect()
    }
}

/// The bounding box `[min x, min y, max x, max y]` of points; all zero for none.
pub(crate) fn bbox(points: &[[f64; 2]]) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in points {
        b = [
            b[0].min(p[0]),
            b[1].min(p[1]),
            b[2].max(p[0]),
            b[3].max(p[1]),
        ];
    }
    if b[0].is_finite() { b } else { [0.0; 4] }
}

/// Width and height of the points' bounding box.
pub(crate) fn extent(points: &[[f64; 2]]) -> (f64, f64) {
    let b = bbox(points);
    (b[2] - b[0], b[3] - b[1])
}

/// The smallest round scale denominator (1:100, 1:200, 1:250, 1:500, 1:1000, 1:2000, 1:2500,
/// 1:5000, then 1, 2, 2.5 and 5 times powers of ten) at which `width_m` × `height_m` of ground
/// fits `box_w` × `box_h` points of paper.
pub(crate) fn choose_scale(width_m: f64, height_m: f64, box_w: f32, box_h: f32) -> u64 {
    let paper_w = f64::from(box_w.max(1.0)) / PT_PER_M;
    let paper_h = f64::from(box_h.max(1.0)) / PT_PER_M;
    let needed = (width_m / paper_w).max(height_m / paper_h);
    let mut decade = 100u64;
    loop {
        for m in [10u64, 20, 25, 50] {
            let d = decade * m / 10;
            if d as f64 >= needed {
                return d;
            }
        }
        decade = match decade.checked_mul(10) {
            Some(d) if d <= 100_000_000 => d,
            Some(d) => return d,
            None => return decade,
        };
    }
}

/// Points of paper per metre of ground at 1:`denominator`.
pub(crate) fn pt_per_ground_m(denominator: u64) -> f64 {
    PT_PER_M / denominator.max(1) as f64
}

/// The scale bar: the longest round length (1, 2 or 5 times a power of ten metres) that is at
/// most `max_pt` long on paper, and its length in points.
pub(crate) fn scale_bar(denominator: u64, max_pt: f32) -> (f64, f32) {
    let k = pt_per_ground_m(denominator);
    let max_m = f64::from(max_pt) / k;
    let mut best = 1.0;
    let mut p = 0.01;
    while p <= 1.0e7 {
        for m in [1.0, 2.0, 5.0] {
            if p * m <= max_m {
                best = p * m;
            }
        }
        p *= 10.0;
    }
    (best, (best * k) as f32)
}

/// Table rows: the row height, how many data rows are shown and whether an overflow row
/// ("… n more") is needed, for `n` rows in `available` points.
pub(crate) fn table_rows(n: usize, available: f32, max_h: f32, min_h: f32) -> (f32, usize, bool) {
    if n == 0 {
        return (max_h, 0, false);
    }
    let h = available / n as f32;
    if h >= min_h {
        return (h.min(max_h), n, false);
    }
    let fit = ((available / min_h).floor() as usize).max(1);
    (min_h, fit.saturating_sub(1), true)
}

/// A coordinate in metres to the centimetre: 400123.45.
pub(crate) fn coord(v: f64) -> String {
    format!("{v:.2}")
}

/// A length in metres to the centimetre: 25.30.
pub(crate) fn metres(v: f64) -> String {
    format!("{v:.2}")
}

/// A width in metres, without decimals when whole: 20, 12.5.
pub(crate) fn width(v: f64) -> String {
    if (v - v.round()).abs() < 0.005 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// An area in m² with thousands separators: 2,526.50.
pub(crate) fn area(v: f64) -> String {
    let s = format!("{v:.2}");
    let (int, frac) = s.split_once('.').unwrap_or((s.as_str(), "00"));
    let digits: Vec<char> = int.chars().collect();
    let mut out = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) && c.is_ascii_digit() {
            out.push(',');
        }
        out.push(*c);
    }
    format!("{out}.{frac}")
}

/// A bearing in degrees, minutes and whole seconds, normalised to 0–360: 045°12'30".
pub(crate) fn dms(deg: f64) -> String {
    let total = (deg.rem_euclid(360.0) * 3600.0).round() as i64 % (360 * 3600);
    let (d, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    format!("{d:03}°{m:02}'{s:02}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_are_round_and_fit() {
        // 40 m in 400 pt (≈141 mm): 1:500 (80 mm) fits, 1:250 (160 mm) does not.
        assert_eq!(choose_scale(40.0, 30.0, 400.0, 300.0), 500);
        assert_eq!(choose_scale(10.0, 10.0, 400.0, 300.0), 100);
        assert_eq!(choose_scale(100.0, 50.0, 400.0, 300.0), 1000);
        assert_eq!(choose_scale(150.0, 50.0, 400.0, 300.0), 2000);
        assert_eq!(choose_scale(300.0, 50.0, 400.0, 300.0), 2500);
        assert_eq!(choose_scale(0.0, 0.0, 400.0, 300.0), 100);
        assert_eq!(choose_scale(1.0e12, 1.0, 400.0, 300.0), 1_000_000_000);
        for (w, h) in [(12.3, 40.0), (333.0, 2.0), (7000.0, 9000.0)] {
            let d = choose_scale(w, h, 300.0, 200.0);
            let k = pt_per_ground_m(d);
            assert!(
                w * k <= 300.0 + 1e-6 && h * k <= 200.0 + 1e-6,
                "{w} {h} {d}"
            );
        }
    }

    #[test]
    fn scale_bars_are_round() {
        // At 1:500 a metre is 5.67 pt: 100 pt hold 10 m (56.7 pt), not 20 m.
        let (m, pt) = scale_bar(500, 100.0);
        assert_eq!(m, 10.0);
        assert!((pt - 56.69).abs() < 0.1);
        let (m, _) = scale_bar(2500, 100.0);
        assert_eq!(m, 50.0);
    }

    #[test]
    fn table_rows_shrink_then_overflow() {
        assert_eq!(table_rows(4, 120.0, 15.0, 8.0), (15.0, 4, false));
        assert_eq!(table_rows(12, 120.0, 15.0, 8.0), (10.0, 12, false));
        let (h, shown, more) = table_rows(40, 120.0, 15.0, 8.0);
        assert_eq!((h, shown, more), (8.0, 14, true));
        assert_eq!(table_rows(0, 120.0, 15.0, 8.0), (15.0, 0, false));
    }

    #[test]
    fn formats() {
        assert_eq!(coord(400123.456), "400123.46");
        assert_eq!(coord(2920000.0), "2920000.00");
        assert_eq!(metres(25.3), "25.30");
        assert_eq!(width(20.0), "20");
        assert_eq!(width(12.5), "12.5");
        assert_eq!(area(2526.5), "2,526.50");
        assert_eq!(area(526.5), "526.50");
        assert_eq!(area(1234567.891), "1,234,567.89");
        assert_eq!(dms(45.208333), "045°12'30\"");
        assert_eq!(dms(-90.0), "270°00'00\"");
        assert_eq!(dms(359.99999), "000°00'00\"");
    }

    #[test]
    fn frames_mirror_right_to_left() {
        let r = Rect::new(CONTENT_X, 10.0, 100.0, 20.0);
        assert_eq!(Frame { rtl: false }.place(r), r);
        let m = Frame { rtl: true }.place(r);
        assert!((m.right() - (PAGE_W - CONTENT_X)).abs() < 1e-3);
        let cols = Frame { rtl: true }.columns(
            Rect::new(CONTENT_X, 0.0, CONTENT_W, 10.0),
            &[50.0, 100.0, 0.0],
        );
        // The first logical column is the rightmost on a right-to-left page.
        assert!(cols[0].x > cols[1].x && cols[1].x > cols[2].x);
        assert!((cols[2].x - CONTENT_X).abs() < 1e-3);
        let page = Rect::new(0.0, 0.0, PAGE_W, PAGE_H);
        assert!(cols.iter().all(|c| page.contains(c)));
    }

    #[test]
    fn bboxes() {
        assert_eq!(bbox(&[]), [0.0; 4]);
        assert_eq!(extent(&[[1.0, 2.0], [4.0, -2.0]]), (3.0, 4.0));
    }
}
