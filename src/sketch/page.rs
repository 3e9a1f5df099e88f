//! Composing the page: header, particulars, map, tables of corners and sides, footer.
//!
//! Positions are logical (x from the start edge) and go through [`Frame`], so the Arabic page
//! is the English one mirrored; the map itself is never mirrored.

use krilla::Document;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::surface::Surface;

use super::drawing::{self, ACCENT, BLACK, GREY, INK, LIGHT, WHITE};
use super::layout::{self, CONTENT_W, CONTENT_X, Frame, PAGE_H, PAGE_W, Rect};
use super::text::{Base, Shaper, Weight, ltr};
use super::{Fonts, Lang, Neighbour, Sheet, SketchError, words};

/// Vertical bands of the page, in points from the top.
const HEADER: (f32, f32) = (30.0, 66.0);
const INFO: (f32, f32) = (104.0, 93.0);
const MAP: (f32, f32) = (205.0, 358.0);
const TABLES: (f32, f32) = (571.0, 132.0);
const FOOTER: (f32, f32) = (709.0, 104.0);

/// Horizontal alignment within a cell, in reading terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Start,
    Center,
    End,
}

/// What draws text and cells on the page.
struct Pen<'a> {
    sh: &'a Shaper<'a>,
    frame: Frame,
    lang: Lang,
}

/// A text style.
#[derive(Debug, Clone, Copy)]
struct Style {
    size: f32,
    weight: Weight,
    color: drawing::Rgb,
    align: Align,
}

impl Style {
    const fn new(size: f32, weight: Weight, align: Align) -> Self {
        Style {
            size,
            weight,
            color: BLACK,
            align,
        }
    }
    const fn color(mut self, color: drawing::Rgb) -> Self {
        self.color = color;
        self
    }
}

impl Pen<'_> {
    /// The page's own direction, for labels.
    fn base(&self) -> Base {
        if self.frame.rtl { Base::Rtl } else { Base::Ltr }
    }

    /// The Arabic or the English of a label.
    fn t<'s>(&self, ar: &'s str, en: &'s str) -> &'s str {
        match self.lang {
            Lang::Ar => ar,
            Lang::En => en,
        }
    }

    /// Writes `text` in the physical rectangle `r`, centred vertically, fitted to its width.
    fn text(&self, s: &mut Surface, r: Rect, text: &str, st: Style, base: Base) {
        let pad = 3.0;
        let line = self.sh.fit(
            text,
            st.size,
            st.size * 0.7,
            r.w - 2.0 * pad,
            st.weight,
            base,
        );
        let x = match (st.align, self.frame.rtl) {
            (Align::Center, _) => r.x + (r.w - line.width) / 2.0,
            (Align::Start, false) | (Align::End, true) => r.x + pad,
            (Align::Start, true) | (Align::End, false) => r.right() - pad - line.width,
        };
        let baseline = r.y + r.h / 2.0 + line.size * 0.33;
        drawing::set_fill(s, st.color);
        self.sh.draw(s, &line, x, baseline);
    }

    /// A bordered cell with an optional background.
    fn cell(
        &self,
        s: &mut Surface,
        r: Rect,
        text: &str,
        st: Style,
        base: Base,
        bg: Option<drawing::Rgb>,
    ) {
        if let Some(bg) = bg {
            drawing::fill_rect(s, r, bg);
        }
        drawing::stroke_rect(s, r, GREY, 0.5);
        self.text(s, r, text, st, base);
    }
}

/// Renders the validated `sheet` as a one-page PDF.
pub(crate) fn render_page(
    sheet: &Sheet,
    lang: Lang,
    fonts: &Fonts,
) -> Result<Vec<u8>, SketchError> {
    let sh = Shaper::new(fonts)?;
    let pen = Pen {
        sh: &sh,
        frame: Frame::new(lang),
        lang,
    };
    let mut doc = Document::new();
    let title = format!("{} {}", pen.t("كروكي مساحي", "Survey sketch"), sheet.serial);
    doc.set_metadata(
        Metadata::new()
            .title(title)
            .language(pen.t("ar", "en").to_string())
            .creator("madinati".to_string()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| SketchError::Pdf("page size".to_string()))?;
    let mut page = doc.start_page_with(settings);
    let mut s = page.surface();
    border(&mut s);
    header(&mut s, &pen, sheet);
    particulars(&mut s, &pen, sheet);
    map_box(&mut s, &pen, sheet);
    corner_table(&mut s, &pen, sheet);
    side_table(&mut s, &pen, sheet);
    footer(&mut s, &pen, sheet)?;
    s.finish();
    page.finish();
    doc.finish().map_err(|e| SketchError::Pdf(format!("{e:?}")))
}

fn border(s: &mut Surface) {
    drawing::stroke_rect(
        s,
        Rect::new(18.0, 18.0, PAGE_W - 36.0, PAGE_H - 36.0),
        INK,
        1.6,
    );
    drawing::stroke_rect(
        s,
        Rect::new(21.5, 21.5, PAGE_W - 43.0, PAGE_H - 43.0),
        INK,
        0.5,
    );
}

fn header(s: &mut Surface, pen: &Pen, sheet: &Sheet) {
    let (y, h) = HEADER;
    let block_w = 175.0;
    let line_h = h / 3.0;
    // Arabic always on the right, English on the left, whatever the page's language.
    let right = |i: usize| {
        Rect::new(
            PAGE_W - CONTENT_X - block_w,
            y + line_h * i as f32,
            block_w,
            line_h,
        )
    };
    let left = |i: usize| Rect::new(CONTENT_X, y + line_h * i as f32, block_w, line_h);
    let (ar_align, en_align) = if pen.frame.rtl {
        (Align::Start, Align::End)
    } else {
        (Align::End, Align::Start)
    };
    let small = |a| Style::new(8.5, Weight::Regular, a).color(INK);
    let strong = |a| Style::new(10.5, Weight::Bold, a).color(INK);
    pen.text(
        s,
        right(0),
        "المملكة العربية السعودية",
        small(ar_align),
        Base::Rtl,
    );
    pen.text(
        s,
        right(1),
        "وزارة البلديات والإسكان",
        small(ar_align),
        Base::Rtl,
    );
    pen.text(s, right(2), &sheet.amanah.ar, strong(ar_align), Base::Rtl);
    pen.text(
        s,
        left(0),
        "Kingdom of Saudi Arabia",
        small(en_align),
        Base::Ltr,
    );
    pen.text(
        s,
        left(1),
        "Ministry of Municipalities and Housing",
        small(en_align),
        Base::Ltr,
    );
    pen.text(s, left(2), &sheet.amanah.en, strong(en_align), Base::Ltr);

    let mid = Rect::new(CONTENT_X + block_w, y, CONTENT_W - 2.0 * block_w, h);
    let (title, subtitle) = match pen.lang {
        Lang::Ar => ("كروكي مساحي", "Survey sketch"),
        Lang::En => ("Survey sketch", "كروكي مساحي"),
    };
    let row = |i: f32, hh: f32| Rect::new(mid.x, y + i, mid.w, hh);
    pen.text(
        s,
        row(0.0, 26.0),
        title,
        Style::new(18.0, Weight::Bold, Align::Center).color(ACCENT),
        pen.base(),
    );
    pen.text(
        s,
        row(26.0, 16.0),
        subtitle,
        Style::new(10.0, Weight::Regular, Align::Center).color(GREY),
        Base::Auto,
    );
    let serial = format!("{} {}", pen.t("الرقم:", "No."), ltr(&sheet.serial));
    pen.text(
        s,
        row(44.0, 20.0),
        &serial,
        Style::new(9.0, Weight::Bold, Align::Center),
        pen.base(),
    );
    let rule_y = y + h + 3.0;
    drawing::line(
        s,
        (CONTENT_X, rule_y),
        (PAGE_W - CONTENT_X, rule_y),
        ACCENT,
        1.4,
    );
}

fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn particulars(s: &mut Surface, pen: &Pen, sheet: &Sheet) {
    let (y, h) = INFO;
    let rows = 6.0;
    let rh = h / rows;
    let dash = "—".to_string();
    let opt = |o: &Option<String>| {
        o.clone()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| dash.clone())
    };
    let land_use = sheet
        .land_use
        .as_ref()
        .map(|b| b.get(pen.lang).to_string())
        .unwrap_or_else(|| dash.clone());
    let area = format!("{} {}", layout::area(sheet.area_m2), pen.t("م²", "m²"));
    let words = match pen.lang {
        Lang::Ar => words::area_ar(sheet.area_m2),
        Lang::En => words::area_en(sheet.area_m2),
    };
    let pairs: [[(&str, String); 2]; 4] = [
        [
            (
                pen.t("الحي", "District"),
                sheet.district.get(pen.lang).to_string(),
            ),
            (pen.t("رقم المخطط", "Plan no."), opt(&sheet.plan_no)),
        ],
        [
            (pen.t("رقم البلك", "Block no."), opt(&sheet.block_no)),
            (pen.t("رقم القطعة", "Parcel no."), sheet.parcel_no.clone()),
        ],
        [
            (pen.t("الاستخدام", "Land use"), land_use),
            (pen.t("المساحة", "Area"), area),
        ],
        [
            (pen.t("رقم الصك", "Deed no."), opt(&sheet.deed_no)),
            (
                pen.t("تاريخ الصك", "Deed date"),
                sheet.deed_date.map(date).unwrap_or(dash.clone()),
            ),
        ],
    ];
    let label_w = 82.0;
    let value_w = (CONTENT_W - 2.0 * label_w) / 2.0;
    let lst = Style::new(8.0, Weight::Bold, Align::Start).color(INK);
    let vst = Style::new(9.0, Weight::Regular, Align::Start);
    for (i, row) in pairs.iter().enumerate() {
        let r = Rect::new(CONTENT_X, y + rh * i as f32, CONTENT_W, rh);
        let cols = pen.frame.columns(r, &[label_w, value_w, label_w, value_w]);
        for (j, (label, value)) in row.iter().enumerate() {
            pen.cell(s, cols[2 * j], label, lst, pen.base(), Some(LIGHT));
            let vs = if j == 1 && i == 1 {
                vst.weight_bold()
            } else {
                vst
            };
            pen.cell(s, cols[2 * j + 1], value, vs, Base::Auto, None);
        }
    }
    let spans = [
        (pen.t("المساحة كتابةً", "Area in words"), words),
        (
            pen.t("نظام الإحداثيات", "Coordinates"),
            sheet.crs_label.clone(),
        ),
    ];
    for (k, (label, value)) in spans.iter().enumerate() {
        let r = Rect::new(CONTENT_X, y + rh * (4 + k) as f32, CONTENT_W, rh);
        let cols = pen.frame.columns(r, &[label_w, 0.0]);
        pen.cell(s, cols[0], label, lst, pen.base(), Some(LIGHT));
        pen.cell(s, cols[1], value, vst, Base::Auto, None);
    }
}

impl Style {
    const fn weight_bold(mut self) -> Self {
        self.weight = Weight::Bold;
        self
    }
}

fn map_box(s: &mut Surface, pen: &Pen, sheet: &Sheet) {
    let (y, h) = MAP;
    let outer = Rect::new(CONTENT_X, y, CONTENT_W, h);
    let strip_h = 26.0;
    let area = Rect::new(outer.x + 1.0, y + 1.0, outer.w - 2.0, h - strip_h - 2.0);
    let view = drawing::draw_map(s, pen.sh, sheet, pen.lang, area);
    drawing::stroke_rect(s, outer, INK, 0.9);
    let strip_y = y + h - strip_h;
    drawing::line(s, (outer.x, strip_y), (outer.right(), strip_y), INK, 0.6);

    // North arrow in the top end corner.
    let na = pen
        .frame
        .place(Rect::new(CONTENT_X + CONTENT_W - 42.0, y + 4.0, 36.0, 44.0));
    drawing::fill_rect(s, na, WHITE);
    drawing::stroke_rect(s, na, GREY, 0.4);
    drawing::north_arrow(s, pen.sh, pen.lang, na.x + 2.0, na.y, 32.0);

    // Scale: numeric, then the bar, from the start side.
    let scale = format!(
        "{} {}",
        pen.t("مقياس الرسم", "Scale"),
        ltr(&format!("1:{}", view.denominator))
    );
    let st = Style::new(8.5, Weight::Bold, Align::Start);
    let sr = pen
        .frame
        .place(Rect::new(CONTENT_X + 2.0, strip_y, 120.0, strip_h));
    pen.text(s, sr, &scale, st, pen.base());
    let bar = pen
        .frame
        .place(Rect::new(CONTENT_X + 128.0, strip_y, 110.0, strip_h));
    drawing::scale_bar(
        s,
        pen.sh,
        pen.lang,
        &view,
        bar.x + 6.0,
        strip_y + 6.0,
        bar.w - 16.0,
    );

    // Legend, at the end side.
    let items = [
        (pen.t("القطعة", "The parcel"), drawing::PARCEL_FILL, BLACK),
        (
            pen.t("قطعة مجاورة", "Neighbouring parcel"),
            drawing::NEIGHBOUR_FILL,
            GREY,
        ),
        (pen.t("شارع", "Street"), drawing::STREET_FILL, GREY),
    ];
    let item_w = 92.0;
    let start = CONTENT_X + CONTENT_W - item_w * items.len() as f32 - 4.0;
    for (i, (name, fill, edge)) in items.iter().enumerate() {
        let r = Rect::new(
            start + item_w * i as f32,
            strip_y + 5.0,
            item_w,
            strip_h - 10.0,
        );
        let cols = pen.frame.columns(r, &[20.0, 0.0]);
        let sw = Rect::new(cols[0].x + 3.0, cols[0].y + 2.0, 14.0, cols[0].h - 4.0);
        drawing::fill_rect(s, sw, *fill);
        drawing::stroke_rect(s, sw, *edge, 0.8);
        pen.text(
            s,
            cols[1],
            name,
            Style::new(7.5, Weight::Regular, Align::Start),
            pen.base(),
        );
    }
}

/// Row geometry shared by both tables: (title h, header h, row h, rows shown, overflow).
fn table_geometry(n: usize) -> (f32, f32, f32, usize, bool) {
    let (title_h, head_h) = (15.0, 14.0);
    let available = TABLES.1 - title_h - head_h - 14.0;
    let (rh, shown, more) = layout::table_rows(n, available, 14.0, 7.0);
    (title_h, head_h, rh, shown, more)
}

/// A cell's text and its paragraph direction.
type Cell = (String, Base);

/// What a table shows.
struct Table<'t> {
    title: &'t str,
    /// Column widths in logical order; the last takes what is left.
    widths: &'t [f32],
    head: &'t [&'t str],
    rows: Vec<Vec<Cell>>,
    /// A closing row (totals), if any.
    footer_row: Option<Vec<Cell>>,
}

/// Draws a table in the logical rectangle `r`: title, header, rows (with an overflow row when
/// they do not all fit), closing row.
fn table(s: &mut Surface, pen: &Pen, r: Rect, t: Table) {
    let Table {
        title,
        widths,
        head,
        rows,
        footer_row,
    } = t;
    let (title_h, head_h, rh, shown, more) = table_geometry(rows.len());
    let title_r = pen.frame.place(Rect::new(r.x, r.y, r.w, title_h));
    drawing::fill_rect(s, title_r, ACCENT);
    pen.text(
        s,
        title_r,
        title,
        Style::new(9.0, Weight::Bold, Align::Center).color(WHITE),
        pen.base(),
    );
    let hst = Style::new(7.5, Weight::Bold, Align::Center).color(INK);
    let cols = pen
        .frame
        .columns(Rect::new(r.x, r.y + title_h, r.w, head_h), widths);
    for (c, h) in cols.iter().zip(head) {
        pen.cell(s, *c, h, hst, pen.base(), Some(LIGHT));
    }
    let size = (rh * 0.62).clamp(5.0, 8.5);
    let vst = Style::new(size, Weight::Regular, Align::Center);
    let mut y = r.y + title_h + head_h;
    for row in rows.iter().take(shown) {
        let cols = pen.frame.columns(Rect::new(r.x, y, r.w, rh), widths);
        for (c, (v, base)) in cols.iter().zip(row) {
            pen.cell(s, *c, v, vst, *base, None);
        }
        y += rh;
    }
    if more {
        let rest = rows.len() - shown;
        let text = format!("{} {rest}", pen.t("… وعدد إضافي:", "… more rows:"));
        let rr = pen.frame.place(Rect::new(r.x, y, r.w, rh));
        pen.cell(s, rr, &text, vst, pen.base(), None);
        y += rh;
    }
    if let Some(row) = footer_row {
        let cols = pen.frame.columns(Rect::new(r.x, y, r.w, 14.0), widths);
        let fst = Style::new(7.5, Weight::Bold, Align::Center);
        for (c, (v, base)) in cols.iter().zip(&row) {
            pen.cell(s, *c, v, fst, *base, Some(LIGHT));
        }
    }
}

const CORNER_W: f32 = 200.0;
const TABLE_GAP: f32 = 10.0;

fn corner_table(s: &mut Surface, pen: &Pen, sheet: &Sheet) {
    let r = Rect::new(CONTENT_X, TABLES.0, CORNER_W, TABLES.1);
    let rows: Vec<Vec<Cell>> = sheet
        .corners
        .iter()
        .map(|c| {
            vec![
                (c.label.clone(), Base::Auto),
                (layout::coord(c.easting), Base::Ltr),
                (layout::coord(c.northing), Base::Ltr),
            ]
        })
        .collect();
    let head = [
        pen.t("النقطة", "Point"),
        pen.t("الشرقيات E (م)", "Easting E (m)"),
        pen.t("الشماليات N (م)", "Northing N (m)"),
    ];
    let t = Table {
        title: pen.t("إحداثيات الأركان", "Corner coordinates"),
        widths: &[40.0, 80.0, 0.0],
        head: &head,
        rows,
        footer_row: None,
    };
    table(s, pen, r, t);
}

/// The neighbour beyond a side, as printed.
fn neighbour_text(pen: &Pen, n: &Neighbour) -> String {
    match n {
        Neighbour::Parcel { parcel_no } => drawing::parcel_label(pen.lang, parcel_no),
        Neighbour::Street { name, width_m } => {
            let name = name.get(pen.lang);
            match (width_m, pen.lang) {
                (Some(w), Lang::Ar) => format!("{name} (عرض {} م)", layout::width(*w)),
                (Some(w), Lang::En) => format!("{name} ({} m wide)", layout::width(*w)),
                (None, _) => name.to_string(),
            }
        }
        Neighbour::Unknown => pen.t("غير مسجل", "Not recorded").to_string(),
    }
}

fn side_table(s: &mut Surface, pen: &Pen, sheet: &Sheet) {
    let x = CONTENT_X + CORNER_W + TABLE_GAP;
    let r = Rect::new(x, TABLES.0, CONTENT_W - CORNER_W - TABLE_GAP, TABLES.1);
    let rows: Vec<Vec<Cell>> = sheet
        .sides
        .iter()
        .map(|side| {
            vec![
                (format!("{}–{}", side.from, side.to), Base::Auto),
                (layout::metres(side.length_m), Base::Ltr),
                (layout::dms(side.bearing_deg), Base::Ltr),
                (neighbour_text(pen, &side.neighbour), Base::Auto),
            ]
        })
        .collect();
    let perimeter: f64 = sheet.sides.iter().map(|s| s.length_m).sum();
    let head = [
        pen.t("الضلع", "Side"),
        pen.t("الطول (م)", "Length (m)"),
        pen.t("الاتجاه", "Bearing"),
        pen.t("المجاور", "Neighbour"),
    ];
    let t = Table {
        title: pen.t("الأضلاع والمجاورات", "Sides and neighbours"),
        widths: &[42.0, 58.0, 66.0, 0.0],
        head: &head,
        rows,
        footer_row: Some(vec![
            (pen.t("المحيط", "Perimeter").to_string(), pen.base()),
            (layout::metres(perimeter), Base::Ltr),
            (String::new(), Base::Auto),
            (String::new(), Base::Auto),
        ]),
    };
    table(s, pen, r, t);
}

fn footer(s: &mut Surface, pen: &Pen, sheet: &Sheet) -> Result<(), SketchError> {
    let (y, h) = FOOTER;
    // Approval: signatures and stamp, at the start side.
    let sig = Rect::new(CONTENT_X, y, 262.0, h);
    let title = pen.frame.place(Rect::new(sig.x, y, sig.w, 15.0));
    pen.cell(
        s,
        title,
        pen.t("الاعتماد", "Approval"),
        Style::new(8.5, Weight::Bold, Align::Center).color(INK),
        pen.base(),
        Some(LIGHT),
    );
    let body = Rect::new(sig.x, y + 15.0, sig.w, h - 15.0);
    let cols = pen.frame.columns(body, &[87.0, 87.0, 0.0]);
    let names = [
        pen.t("المساح", "Surveyor"),
        pen.t("رئيس قسم المساحة", "Head of survey"),
        pen.t("الختم", "Stamp"),
    ];
    for (i, (c, name)) in cols.iter().zip(names).enumerate() {
        drawing::stroke_rect(s, *c, GREY, 0.5);
        let top = Rect::new(c.x, c.y, c.w, 14.0);
        pen.text(
            s,
            top,
            name,
            Style::new(7.5, Weight::Bold, Align::Center).color(INK),
            pen.base(),
        );
        if i < 2 {
            let sign_y = c.bottom() - 14.0;
            drawing::line(s, (c.x + 8.0, sign_y), (c.right() - 8.0, sign_y), GREY, 0.4);
            let lr = Rect::new(c.x, sign_y, c.w, 12.0);
            pen.text(
                s,
                lr,
                pen.t("التوقيع", "Signature"),
                Style::new(6.5, Weight::Regular, Align::Center).color(GREY),
                pen.base(),
            );
        }
    }

    // Issue date, serial and notes in the middle.
    let mid = Rect::new(CONTENT_X + 270.0, y, 140.0, h);
    let lines = [
        (
            format!(
                "{} {}",
                pen.t("تاريخ الإصدار:", "Issued on:"),
                ltr(&date(sheet.issued_on))
            ),
            Weight::Bold,
        ),
        (
            format!(
                "{} {}",
                pen.t("الرقم التسلسلي:", "Serial:"),
                ltr(&sheet.serial)
            ),
            Weight::Bold,
        ),
        (
            pen.t(
                "هذا الكروكي لا يعد صكاً للملكية.",
                "This sketch is not a title deed.",
            )
            .to_string(),
            Weight::Regular,
        ),
        (
            pen.t("للتحقق من صحته امسح الرمز.", "Scan the code to verify it.")
                .to_string(),
            Weight::Regular,
        ),
    ];
    for (i, (text, weight)) in lines.iter().enumerate() {
        let r = pen
            .frame
            .place(Rect::new(mid.x, y + 8.0 + 16.0 * i as f32, mid.w, 16.0));
        pen.text(
            s,
            r,
            text,
            Style::new(7.5, *weight, Align::Start),
            pen.base(),
        );
    }

    // The QR code and the address, at the end side.
    let qr_logical = Rect::new(CONTENT_X + 415.0, y, CONTENT_W - 415.0, h);
    let qr_box = pen.frame.place(qr_logical);
    let side = 78.0;
    let q = Rect::new(qr_box.x + (qr_box.w - side) / 2.0, y, side, side);
    drawing::qr(s, &sheet.verify_url, q)?;
    let lines = pen.sh.wrap_chars(&sheet.verify_url, 5.0, qr_box.w - 4.0, 3);
    drawing::set_fill(s, GREY);
    for (i, l) in lines.iter().enumerate() {
        let x = qr_box.x + (qr_box.w - l.width) / 2.0;
        pen.sh.draw(s, l, x, y + side + 7.0 + 6.5 * i as f32);
    }
    Ok(())
}
