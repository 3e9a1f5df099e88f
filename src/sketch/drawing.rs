//! The graphic parts of the page: painting helpers, the map of the parcel among its neighbours
//! and streets at a round scale, the north arrow, the scale bar and the QR code.

use krilla::color::rgb;
use krilla::geom::{Path, PathBuilder, Transform};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, FillRule, LineCap, Stroke, StrokeDash};
use krilla::surface::Surface;

use super::layout::{self, Rect};
use super::text::{Base, Line, Shaper, Weight};
use super::{Lang, Neighbour, Sheet, SketchError};

/// A colour as red, green, blue.
pub(crate) type Rgb = (u8, u8, u8);

pub(crate) const BLACK: Rgb = (0, 0, 0);
pub(crate) const WHITE: Rgb = (255, 255, 255);
pub(crate) const INK: Rgb = (25, 35, 60);
pub(crate) const GREY: Rgb = (110, 110, 110);
pub(crate) const LIGHT: Rgb = (236, 239, 243);
pub(crate) const PARCEL_FILL: Rgb = (255, 243, 205);
pub(crate) const NEIGHBOUR_FILL: Rgb = (246, 246, 246);
pub(crate) const STREET_FILL: Rgb = (222, 226, 230);
pub(crate) const ACCENT: Rgb = (0, 98, 65);

fn paint(c: Rgb) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

/// Fill with `c`, no stroke (also the state text is drawn in).
pub(crate) fn set_fill(s: &mut Surface, c: Rgb) {
    s.set_fill(Some(Fill {
        paint: paint(c),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }));
    s.set_stroke(None);
}

/// Stroke with `c` at `width` points, optionally dashed, no fill.
pub(crate) fn set_stroke(s: &mut Surface, c: Rgb, width: f32, dash: Option<&[f32]>) {
    s.set_fill(None);
    s.set_stroke(Some(Stroke {
        paint: paint(c),
        width,
        dash: dash.map(|a| StrokeDash {
            array: a.to_vec(),
            offset: 0.0,
        }),
        ..Stroke::default()
    }));
}

/// A closed path through `points`; `None` when it has fewer than 2 points or is degenerate.
pub(crate) fn polygon_path(points: &[(f32, f32)], close: bool) -> Option<Path> {
    let (first, rest) = points.split_first()?;
    let mut pb = PathBuilder::new();
    pb.move_to(first.0, first.1);
    for p in rest {
        pb.line_to(p.0, p.1);
    }
    if close {
        pb.close();
    }
    pb.finish()
}

fn rect_points(r: Rect) -> [(f32, f32); 4] {
    [
        (r.x, r.y),
        (r.right(), r.y),
        (r.right(), r.bottom()),
        (r.x, r.bottom()),
    ]
}

/// Fills the rectangle `r` with `c`.
pub(crate) fn fill_rect(s: &mut Surface, r: Rect, c: Rgb) {
    if let Some(p) = polygon_path(&rect_points(r), true) {
        set_fill(s, c);
        s.draw_path(&p);
    }
}

/// Outlines the rectangle `r`.
pub(crate) fn stroke_rect(s: &mut Surface, r: Rect, c: Rgb, width: f32) {
    if let Some(p) = polygon_path(&rect_points(r), true) {
        set_stroke(s, c, width, None);
        s.draw_path(&p);
    }
}

/// A straight line.
pub(crate) fn line(s: &mut Surface, a: (f32, f32), b: (f32, f32), c: Rgb, width: f32) {
    if let Some(p) = polygon_path(&[a, b], false) {
        set_stroke(s, c, width, None);
        s.draw_path(&p);
    }
}

/// A filled circle.
fn disc(s: &mut Surface, (x, y): (f32, f32), r: f32, c: Rgb) {
    let k = 0.552_284_8 * r;
    let mut pb = PathBuilder::new();
    pb.move_to(x + r, y);
    pb.cubic_to(x + r, y + k, x + k, y + r, x, y + r);
    pb.cubic_to(x - k, y + r, x - r, y + k, x - r, y);
    pb.cubic_to(x - r, y - k, x - k, y - r, x, y - r);
    pb.cubic_to(x + k, y - r, x + r, y - k, x + r, y);
    pb.close();
    if let Some(p) = pb.finish() {
        set_fill(s, c);
        s.draw_path(&p);
    }
}

/// Draws `text` centred on (`cx`, `cy`), turned by `angle` radians, over a white box.
fn label(
    s: &mut Surface,
    shaper: &Shaper,
    text: &Line,
    (cx, cy): (f32, f32),
    angle: f32,
    ink: Rgb,
) {
    let (sin, cos) = angle.sin_cos();
    s.push_transform(&Transform::from_row(cos, sin, -sin, cos, cx, cy));
    let pad = 1.5;
    let h = text.size * 1.15;
    fill_rect(
        s,
        Rect::new(-text.width / 2.0 - pad, -h / 2.0, text.width + 2.0 * pad, h),
        WHITE,
    );
    set_fill(s, ink);
    shaper.draw(s, text, -text.width / 2.0, text.size * 0.33);
    s.pop();
}

/// The angle of the direction `d` (radians), turned so that text along it reads upright.
pub(crate) fn upright(dx: f32, dy: f32) -> f32 {
    let a = dy.atan2(dx);
    let half = std::f32::consts::FRAC_PI_2;
    if a > half + 1e-4 {
        a - std::f32::consts::PI
    } else if a <= -half + 1e-4 {
        a + std::f32::consts::PI
    } else {
        a
    }
}

/// The area-weighted centroid and the (unsigned) area of a polygon; the mean of the points
/// when the area is nil.
pub(crate) fn centroid(points: &[(f32, f32)]) -> ((f32, f32), f32) {
    let n = points.len();
    if n == 0 {
        return ((0.0, 0.0), 0.0);
    }
    let (mut a, mut cx, mut cy) = (0.0f64, 0.0f64, 0.0f64);
    for i in 0..n {
        let (x0, y0) = (f64::from(points[i].0), f64::from(points[i].1));
        let (x1, y1) = (
            f64::from(points[(i + 1) % n].0),
            f64::from(points[(i + 1) % n].1),
        );
        let cross = x0 * y1 - x1 * y0;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    if a.abs() < 1e-9 {
        let mx = points.iter().map(|p| p.0).sum::<f32>() / n as f32;
        let my = points.iter().map(|p| p.1).sum::<f32>() / n as f32;
        return ((mx, my), 0.0);
    }
    (
        ((cx / (3.0 * a)) as f32, (cy / (3.0 * a)) as f32),
        (a / 2.0).abs() as f32,
    )
}

/// The part of a polygon inside `r` (Sutherland–Hodgman).
pub(crate) fn clip_polygon(points: &[(f32, f32)], r: Rect) -> Vec<(f32, f32)> {
    type Inside = fn(&(f32, f32), &Rect) -> bool;
    type Cut = fn((f32, f32), (f32, f32), &Rect) -> (f32, f32);
    let edges: [(Inside, Cut); 4] = [
        (|p, r| p.0 >= r.x, |a, b, r| at_x(a, b, r.x)),
        (|p, r| p.0 <= r.right(), |a, b, r| at_x(a, b, r.right())),
        (|p, r| p.1 >= r.y, |a, b, r| at_y(a, b, r.y)),
        (|p, r| p.1 <= r.bottom(), |a, b, r| at_y(a, b, r.bottom())),
    ];
    let mut out: Vec<(f32, f32)> = points.to_vec();
    for (inside, cut) in edges {
        let input = std::mem::take(&mut out);
        let n = input.len();
        for i in 0..n {
            let cur = input[i];
            let prev = input[(i + n - 1) % n];
            match (inside(&prev, &r), inside(&cur, &r)) {
                (true, true) => out.push(cur),
                (true, false) => out.push(cut(prev, cur, &r)),
                (false, true) => {
                    out.push(cut(prev, cur, &r));
                    out.push(cur);
                }
                (false, false) => {}
            }
        }
    }
    out
}

fn at_x(a: (f32, f32), b: (f32, f32), x: f32) -> (f32, f32) {
    let t = if (b.0 - a.0).abs() < f32::EPSILON {
        0.0
    } else {
        (x - a.0) / (b.0 - a.0)
    };
    (x, a.1 + (b.1 - a.1) * t)
}

fn at_y(a: (f32, f32), b: (f32, f32), y: f32) -> (f32, f32) {
    let t = if (b.1 - a.1).abs() < f32::EPSILON {
        0.0
    } else {
        (y - a.1) / (b.1 - a.1)
    };
    (a.0 + (b.0 - a.0) * t, y)
}

/// The part of the segment `a`–`b` inside `r` (Liang–Barsky), if any.
pub(crate) fn clip_segment(
    a: (f32, f32),
    b: (f32, f32),
    r: Rect,
) -> Option<((f32, f32), (f32, f32))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f32, 1.0f32);
    for (p, q) in [
        (-dx, a.0 - r.x),
        (dx, r.right() - a.0),
        (-dy, a.1 - r.y),
        (dy, r.bottom() - a.1),
    ] {
        if p.abs() < f32::EPSILON {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then_some((
        (a.0 + dx * t0, a.1 + dy * t0),
        (a.0 + dx * t1, a.1 + dy * t1),
    ))
}

/// Ground to page: a round scale centred on a point.
#[derive(Debug, Clone, Copy)]
pub(crate) struct View {
    /// The scale's denominator (1:`denominator`).
    pub denominator: u64,
    k: f64,
    cx: f64,
    cy: f64,
    px: f32,
    py: f32,
}

impl View {
    /// The view that fits the parcel (and room for its labels) in `area` at a round scale.
    pub(crate) fn fit(sheet: &Sheet, area: Rect) -> View {
        let mut pts = layout::parcel_ring(sheet);
        pts.extend(sheet.corners.iter().map(|c| [c.easting, c.northing]));
        let b = layout::bbox(&pts);
        let denominator =
            layout::choose_scale(b[2] - b[0], b[3] - b[1], area.w - 80.0, area.h - 64.0);
        let (px, py) = area.center();
        View {
            denominator,
            k: layout::pt_per_ground_m(denominator),
            cx: (b[0] + b[2]) / 2.0,
            cy: (b[1] + b[3]) / 2.0,
            px,
            py,
        }
    }

    /// The page position of a ground point, far points clamped so paths stay finite.
    pub(crate) fn project(&self, p: [f64; 2]) -> (f32, f32) {
        let x = f64::from(self.px) + (p[0] - self.cx) * self.k;
        let y = f64::from(self.py) - (p[1] - self.cy) * self.k;
        (x.clamp(-1.0e5, 1.0e5) as f32, y.clamp(-1.0e5, 1.0e5) as f32)
    }

    /// Points of paper per metre of ground.
    pub(crate) fn k(&self) -> f32 {
        self.k as f32
    }
}

/// How a neighbouring parcel is named on the page.
pub(crate) fn parcel_label(lang: Lang, no: &str) -> String {
    match lang {
        Lang::Ar => format!("قطعة {no}"),
        Lang::En => format!("Parcel {no}"),
    }
}

/// Draws the map in `area`: streets, neighbouring parcels, the parcel, then labels.
pub(crate) fn draw_map(
    s: &mut Surface,
    shaper: &Shaper,
    sheet: &Sheet,
    lang: Lang,
    area: Rect,
) -> View {
    let view = View::fit(sheet, area);
    let page =
        |ring: &[[f64; 2]]| -> Vec<(f32, f32)> { ring.iter().map(|p| view.project(*p)).collect() };
    let clip = polygon_path(
        &[
            (area.x, area.y),
            (area.right(), area.y),
            (area.right(), area.bottom()),
            (area.x, area.bottom()),
        ],
        true,
    );
    let Some(clip) = clip else { return view };
    s.push_clip_path(&clip, &FillRule::NonZero);

    // Streets: polygons filled, centre lines as a band as wide as the street.
    let mut street_labels = Vec::new();
    for (name, ring) in &sheet.drawing.streets {
        let pts = page(ring);
        if pts.len() < 2 {
            continue;
        }
        let closed = pts.len() >= 4 && ring.first() == ring.last();
        if closed {
            if let Some(p) = polygon_path(&pts, true) {
                set_fill(s, STREET_FILL);
                s.draw_path(&p);
                set_stroke(s, GREY, 0.6, None);
                s.draw_path(&p);
            }
            let (c, a) = centroid(&clip_polygon(&pts, area.inset(6.0)));
            if a > 30.0 {
                let longest = longest_edge(&pts, true);
                street_labels.push((name.get(lang).to_string(), c, longest));
            }
        } else if let Some(p) = polygon_path(&pts, false) {
            let width_m = street_width(sheet, name.get(lang)).unwrap_or(12.0);
            s.set_fill(None);
            s.set_stroke(Some(Stroke {
                paint: paint(STREET_FILL),
                // As wide as the street at the drawing's scale (the map clips it), never thinner than a line.
                width: (width_m as f32 * view.k()).clamp(4.0, 5_000.0),
                line_cap: LineCap::Butt,
                ..Stroke::default()
            }));
            s.draw_path(&p);
            set_stroke(s, GREY, 0.5, Some(&[6.0, 3.0]));
            s.draw_path(&p);
            let best = pts
                .windows(2)
                .filter_map(|w| clip_segment(w[0], w[1], area.inset(20.0)))
                .max_by(|a, b| seg_len(*a).total_cmp(&seg_len(*b)));
            if let Some((a, b)) = best {
                let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
                street_labels.push((name.get(lang).to_string(), mid, (a, b)));
            }
        }
    }

    // Neighbouring parcels.
    let mut neighbour_labels = Vec::new();
    for (no, ring) in &sheet.drawing.neighbours {
        let pts = page(ring);
        if let Some(p) = polygon_path(&pts, true) {
            set_fill(s, NEIGHBOUR_FILL);
            s.draw_path(&p);
            set_stroke(s, GREY, 0.7, None);
            s.draw_path(&p);
        }
        let clipped = clip_polygon(&pts, area.inset(4.0));
        let (c, a) = centroid(&clipped);
        if a > 400.0 {
            let (bw, _) = layout::extent(
                &clipped
                    .iter()
                    .map(|p| [f64::from(p.0), f64::from(p.1)])
                    .collect::<Vec<_>>(),
            );
            neighbour_labels.push((parcel_label(lang, no), c, bw as f32));
        }
    }

    // The parcel.
    let parcel = page(&layout::parcel_ring(sheet));
    if let Some(p) = polygon_path(&parcel, true) {
        set_fill(s, PARCEL_FILL);
        s.draw_path(&p);
        set_stroke(s, BLACK, 1.6, None);
        s.draw_path(&p);
    }
    s.pop();

    for (text, (cx, cy), width) in neighbour_labels {
        let l = shaper.fit(
            &text,
            8.0,
            5.0,
            (width - 8.0).min(110.0),
            Weight::Regular,
            Base::Auto,
        );
        label(s, shaper, &l, (cx, cy), 0.0, GREY);
    }
    for (text, at, (a, b)) in street_labels {
        let len = seg_len((a, b)).clamp(30.0, 220.0);
        let l = shaper.fit(&text, 8.5, 5.0, len - 10.0, Weight::Bold, Base::Auto);
        label(s, shaper, &l, at, upright(b.0 - a.0, b.1 - a.1), INK);
    }
    draw_parcel_labels(s, shaper, sheet, &view);
    view
}

/// The width of the street named `name` in the sides' neighbours, if recorded.
fn street_width(sheet: &Sheet, name: &str) -> Option<f64> {
    sheet.sides.iter().find_map(|side| match &side.neighbour {
        Neighbour::Street {
            name: n,
            width_m: Some(w),
        } if (n.ar == name || n.en == name) && *w > 0.0 => Some(*w),
        _ => None,
    })
}

fn seg_len((a, b): ((f32, f32), (f32, f32))) -> f32 {
    ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt()
}

fn longest_edge(pts: &[(f32, f32)], closed: bool) -> ((f32, f32), (f32, f32)) {
    let n = pts.len();
    let count = if closed { n } else { n.saturating_sub(1) };
    (0..count)
        .map(|i| (pts[i], pts[(i + 1) % n]))
        .max_by(|a, b| seg_len(*a).total_cmp(&seg_len(*b)))
        .unwrap_or(((0.0, 0.0), (1.0, 0.0)))
}

/// Side lengths along the sides (inside the parcel) and the corner numbers outside.
fn draw_parcel_labels(s: &mut Surface, shaper: &Shaper, sheet: &Sheet, view: &View) {
    let pts: Vec<(f32, f32)> = sheet
        .corners
        .iter()
        .map(|c| view.project([c.easting, c.northing]))
        .collect();
    let n = pts.len();
    let (centre, _) = centroid(&pts);
    for (i, side) in sheet.sides.iter().enumerate().take(n) {
        let (a, b) = (pts[i], pts[(i + 1) % n]);
        let len = seg_len((a, b));
        if len < 1e-3 {
            continue;
        }
        let (dx, dy) = ((b.0 - a.0) / len, (b.1 - a.1) / len);
        let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
        let mut normal = (-dy, dx);
        if normal.0 * (centre.0 - mid.0) + normal.1 * (centre.1 - mid.1) < 0.0 {
            normal = (dy, -dx);
        }
        let text = layout::metres(side.length_m);
        let l = shaper.fit(&text, 7.5, 5.0, len.max(24.0), Weight::Regular, Base::Ltr);
        let off = l.size * 0.75 + 2.5;
        let at = (mid.0 + normal.0 * off, mid.1 + normal.1 * off);
        label(s, shaper, &l, at, upright(dx, dy), BLACK);
    }
    for (i, corner) in sheet.corners.iter().enumerate() {
        let v = pts[i];
        let unit = |p: (f32, f32)| {
            let d = ((p.0 - v.0).powi(2) + (p.1 - v.1).powi(2)).sqrt();
            if d < 1e-3 {
                (0.0, 0.0)
            } else {
                ((p.0 - v.0) / d, (p.1 - v.1) / d)
            }
        };
        let (p, q) = (unit(pts[(i + n - 1) % n]), unit(pts[(i + 1) % n]));
        let mut out = (-(p.0 + q.0), -(p.1 + q.1));
        let away = (v.0 - centre.0, v.1 - centre.1);
        if out.0 * away.0 + out.1 * away.1 < 0.0 {
            out = (-out.0, -out.1);
        }
        let norm = (out.0 * out.0 + out.1 * out.1).sqrt();
        let out = if norm < 1e-3 {
            let d = (away.0 * away.0 + away.1 * away.1).sqrt().max(1e-3);
            (away.0 / d, away.1 / d)
        } else {
            (out.0 / norm, out.1 / norm)
        };
        disc(s, v, 2.2, BLACK);
        let l = shaper.fit(&corner.label, 8.5, 5.0, 40.0, Weight::Bold, Base::Auto);
        let at = (v.0 + out.0 * 10.0, v.1 + out.1 * 10.0);
        label(s, shaper, &l, at, 0.0, ACCENT);
    }
}

/// The north arrow, in a box of `size` points whose top-left is (`x`, `y`): grid north is up.
pub(crate) fn north_arrow(s: &mut Surface, shaper: &Shaper, lang: Lang, x: f32, y: f32, size: f32) {
    let cx = x + size / 2.0;
    let top = y + size * 0.32;
    let bottom = y + size;
    let half = size * 0.2;
    let notch = bottom - size * 0.18;
    if let Some(p) = polygon_path(&[(cx, top), (cx + half, bottom), (cx, notch)], true) {
        set_fill(s, WHITE);
        s.draw_path(&p);
        set_stroke(s, BLACK, 0.8, None);
        s.draw_path(&p);
    }
    if let Some(p) = polygon_path(&[(cx, top), (cx - half, bottom), (cx, notch)], true) {
        set_fill(s, BLACK);
        s.draw_path(&p);
        set_stroke(s, BLACK, 0.8, None);
        s.draw_path(&p);
    }
    let letter = match lang {
        Lang::Ar => "ش",
        Lang::En => "N",
    };
    let l = shaper.line(letter, size * 0.26, Weight::Bold, Base::Auto);
    set_fill(s, BLACK);
    shaper.draw(s, &l, cx - l.width / 2.0, y + size * 0.24);
}

/// The scale bar of `view` starting at (`x`, `y`) (its top), at most `max_w` points long, with
/// its length written under its end.
pub(crate) fn scale_bar(
    s: &mut Surface,
    shaper: &Shaper,
    lang: Lang,
    view: &View,
    x: f32,
    y: f32,
    max_w: f32,
) {
    let (metres, w) = layout::scale_bar(view.denominator, max_w);
    let h = 4.0;
    for i in 0..4 {
        let seg = Rect::new(x + w * i as f32 / 4.0, y, w / 4.0, h);
        fill_rect(s, seg, if i % 2 == 0 { BLACK } else { WHITE });
    }
    stroke_rect(s, Rect::new(x, y, w, h), BLACK, 0.6);
    let unit = match lang {
        Lang::Ar => "م",
        Lang::En => "m",
    };
    let zero = shaper.line("0", 6.5, Weight::Regular, Base::Ltr);
    let end = shaper.line(
        &format!("{} {unit}", layout::width(metres)),
        6.5,
        Weight::Regular,
        Base::Auto,
    );
    set_fill(s, BLACK);
    shaper.draw(s, &zero, x - zero.width / 2.0, y + h + 7.5);
    shaper.draw(s, &end, x + w - end.width / 2.0, y + h + 7.5);
}

/// The QR code of `url` filling the square `r` (with its own quiet zone).
pub(crate) fn qr(s: &mut Surface, url: &str, r: Rect) -> Result<(), SketchError> {
    let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M)
        .or_else(|_| qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::L))
        .map_err(|e| SketchError::InvalidSheet(format!("verification address: {e}")))?;
    let n = code.width();
    let colors = code.to_colors();
    let side = r.w.min(r.h);
    let module = side / (n + 2) as f32;
    let (x0, y0) = (r.x + module, r.y + module);
    fill_rect(s, Rect::new(r.x, r.y, side, side), WHITE);
    let mut pb = PathBuilder::new();
    let mut any = false;
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (col, row) = ((i % n) as f32, (i / n) as f32);
            if let Some(rect) =
                krilla::geom::Rect::from_xywh(x0 + col * module, y0 + row * module, module, module)
            {
                pb.push_rect(rect);
                any = true;
            }
        }
    }
    if any && let Some(p) = pb.finish() {
        set_fill(s, BLACK);
        s.draw_path(&p);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centroids() {
        let sq = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
        let ((x, y), a) = centroid(&sq);
        assert!((x - 5.0).abs() < 1e-4 && (y - 5.0).abs() < 1e-4 && (a - 100.0).abs() < 1e-3);
        assert_eq!(centroid(&[]), ((0.0, 0.0), 0.0));
        let ((x, _), a) = centroid(&[(0.0, 0.0), (2.0, 0.0), (4.0, 0.0)]);
        assert_eq!((x, a), (2.0, 0.0));
    }

    #[test]
    fn polygon_clipping() {
        let sq = [(-5.0, -5.0), (5.0, -5.0), (5.0, 5.0), (-5.0, 5.0)];
        let clipped = clip_polygon(&sq, Rect::new(0.0, 0.0, 10.0, 10.0));
        let (_, a) = centroid(&clipped);
        assert!((a - 25.0).abs() < 1e-3, "{clipped:?}");
        assert!(clip_polygon(&sq, Rect::new(20.0, 20.0, 5.0, 5.0)).is_empty());
    }

    #[test]
    fn segment_clipping() {
        let r = Rect::new(0.0, 0.0, 10.0, 10.0);
        let (a, b) = clip_segment((-5.0, 5.0), (15.0, 5.0), r).unwrap();
        assert_eq!((a, b), ((0.0, 5.0), (10.0, 5.0)));
        assert!(clip_segment((-5.0, -5.0), (-1.0, 20.0), r).is_none());
        assert!(clip_segment((1.0, 1.0), (2.0, 2.0), r).is_some());
    }

    #[test]
    fn labels_stay_upright() {
        use std::f32::consts::{FRAC_PI_2, PI};
        assert_eq!(upright(1.0, 0.0), 0.0);
        assert!((upright(-1.0, 0.0)).abs() < 1e-6);
        assert!((upright(-1.0, -1.0) - PI / 4.0).abs() < 1e-6);
        let a = upright(0.0, -1.0);
        assert!((a - FRAC_PI_2).abs() < 1e-4, "{a}");
    }
}
