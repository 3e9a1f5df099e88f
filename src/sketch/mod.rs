//! The survey sketch (كروكي مساحي): the official printable A4 document of one parcel.
//!
//! [`render`] turns a typed [`Sheet`] into the bytes of a one-page PDF: the Amanah's header,
//! the parcel's particulars, a drawing of the parcel among its neighbours and streets at a round
//! scale, the tables of corners and sides, the area in figures and in words, a QR code to verify
//! the document and a box for the signature and stamp. It is pure: the only I/O is
//! [`Fonts::load`], done once at start-up. In Arabic ([`Lang::Ar`]) the page runs right to left;
//! text is shaped (rustybuzz, through krilla) and ordered with the Unicode bidi algorithm, and
//! stays extractable (ToUnicode maps and ActualText written by krilla).
//!
//! The parts: [`words`] (areas in words), `text` (bidi, font runs, shaping, fitting),
//! `layout` (page geometry, scale, formatting), `drawing` (the map, north arrow, scale bar,
//! QR code), `page` (composing the page).

mod drawing;
mod layout;
mod page;
mod text;
pub mod words;

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The language of the page. Arabic pages are laid out right to left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Arabic, right to left.
    Ar,
    /// English, left to right.
    En,
}

/// A text in Arabic and in English.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bilingual {
    /// The Arabic text.
    pub ar: String,
    /// The English text.
    pub en: String,
}

impl Bilingual {
    /// The text in `lang`, falling back to the other language when it is empty.
    pub fn get(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::Ar => (&self.ar, &self.en),
            Lang::En => (&self.en, &self.ar),
        };
        if first.trim().is_empty() {
            second
        } else {
            first
        }
    }
}

/// A corner (vertex) of the parcel, in projected metres.
#[derive(Debug, Clone, PartialEq)]
pub struct Corner {
    /// The corner's label: "1", "2", ...
    pub label: String,
    /// Easting in metres.
    pub easting: f64,
    /// Northing in metres.
    pub northing: f64,
}

/// What lies beyond one side of the parcel.
#[derive(Debug, Clone, PartialEq)]
pub enum Neighbour {
    /// Another parcel, by its number.
    Parcel {
        /// The neighbouring parcel's number.
        parcel_no: String,
    },
    /// A street, by name, with its width when known.
    Street {
        /// The street's name.
        name: Bilingual,
        /// The street's width in metres.
        width_m: Option<f64>,
    },
    /// Not recorded.
    Unknown,
}

/// A side of the parcel: side i runs from `corners[i]` to `corners[(i + 1) % n]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    /// Label of the corner the side starts from.
    pub from: String,
    /// Label of the corner the side ends at.
    pub to: String,
    /// Length in metres.
    pub length_m: f64,
    /// Grid bearing in degrees clockwise from north, 0–360.
    pub bearing_deg: f64,
    /// What lies beyond the side.
    pub neighbour: Neighbour,
}

/// The geometry drawn on the sketch, in the same projected metres as the corners.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drawing {
    /// The parcel's ring, not closed.
    pub parcel: Vec<[f64; 2]>,
    /// Neighbouring parcels: label (parcel number) and ring (not closed).
    pub neighbours: Vec<(String, Vec<[f64; 2]>)>,
    /// Streets near the parcel with their names: a line whose last point repeats its first is
    /// drawn as a street polygon, any other as the street's centre line.
    pub streets: Vec<(Bilingual, Vec<[f64; 2]>)>,
}

/// Everything printed on one survey sketch.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The issuing Amanah (municipality).
    pub amanah: Bilingual,
    /// The document's serial number, e.g. "SK-2026-000123".
    pub serial: String,
    /// The date of issue.
    pub issued_on: chrono::NaiveDate,
    /// The district (حي).
    pub district: Bilingual,
    /// The approved plan's number (رقم المخطط).
    pub plan_no: Option<String>,
    /// The block's number (رقم البلك).
    pub block_no: Option<String>,
    /// The parcel's number (رقم القطعة).
    pub parcel_no: String,
    /// The land use (الاستخدام).
    pub land_use: Option<Bilingual>,
    /// The title deed's number (رقم الصك).
    pub deed_no: Option<String>,
    /// The title deed's date.
    pub deed_date: Option<chrono::NaiveDate>,
    /// The area in square metres.
    pub area_m2: f64,
    /// The coordinate reference system of the coordinates, as printed.
    pub crs_label: String,
    /// The corners, in order around the parcel.
    pub corners: Vec<Corner>,
    /// The sides: side i runs from corner i to corner i + 1 (mod n).
    pub sides: Vec<Side>,
    /// The geometry to draw.
    pub drawing: Drawing,
    /// The address that verifies the document: in the QR code and printed under it.
    pub verify_url: String,
}

/// Why a sketch could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SketchError {
    /// A font file is missing or unreadable.
    #[error("font {path} cannot be read ({reason}); the Debian package {package} installs it")]
    FontMissing {
        /// The font file looked for.
        path: PathBuf,
        /// The Debian package that installs it.
        package: &'static str,
        /// The I/O error.
        reason: String,
    },
    /// A font file is not a font the renderer can use.
    #[error(
        "font {path} is not a usable TrueType/OpenType font; reinstall the Debian package {package}"
    )]
    FontInvalid {
        /// The font file.
        path: PathBuf,
        /// The Debian package that installs it.
        package: &'static str,
    },
    /// The sheet cannot be drawn as given.
    #[error("invalid sheet: {0}")]
    InvalidSheet(String),
    /// The PDF library failed.
    #[error("PDF error: {0}")]
    Pdf(String),
}

/// One font: its bytes (for shaping) and krilla's handle (for embedding).
#[derive(Clone)]
pub(crate) struct FontFile {
    pub(crate) data: Arc<Vec<u8>>,
    pub(crate) pdf: krilla::text::Font,
}

/// The fonts of the sketch, loaded once: Noto Naskh Arabic and Noto Sans, regular and bold.
#[derive(Clone)]
pub struct Fonts {
    pub(crate) arabic: FontFile,
    pub(crate) arabic_bold: FontFile,
    pub(crate) latin: FontFile,
    pub(crate) latin_bold: FontFile,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fonts { Noto Naskh Arabic, Noto Sans }")
    }
}

/// The Debian package that installs the fonts.
const FONT_PACKAGE: &str = "fonts-noto-core";

/// The font files looked for in the font directory.
pub const FONT_FILES: [&str; 4] = [
    "NotoNaskhArabic-Regular.ttf",
    "NotoNaskhArabic-Bold.ttf",
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
];

impl Fonts {
    /// Loads the four fonts from `dir` (see [`FONT_FILES`]).
    pub fn load(dir: &Path) -> Result<Fonts, SketchError> {
        let load = |name: &str| -> Result<FontFile, SketchError> {
            let path = dir.join(name);
            let bytes = std::fs::read(&path).map_err(|e| SketchError::FontMissing {
                path: path.clone(),
                package: FONT_PACKAGE,
                reason: e.to_string(),
            })?;
            let data = Arc::new(bytes);
            let invalid = || SketchError::FontInvalid {
                path: path.clone(),
                package: FONT_PACKAGE,
            };
            // Both the shaper and krilla must accept the font.
            rustybuzz::Face::from_slice(&data, 0).ok_or_else(invalid)?;
            let pdf = krilla::text::Font::new(data.clone().into(), 0).ok_or_else(invalid)?;
            Ok(FontFile { data, pdf })
        };
        Ok(Fonts {
            arabic: load(FONT_FILES[0])?,
            arabic_bold: load(FONT_FILES[1])?,
            latin: load(FONT_FILES[2])?,
            latin_bold: load(FONT_FILES[3])?,
        })
    }

    /// Where Debian's `fonts-noto-core` puts the fonts.
    pub fn default_dir() -> PathBuf {
        PathBuf::from("/usr/share/fonts/truetype/noto")
    }
}

/// The longest verification address accepted: it must fit a legible QR code.
pub const MAX_VERIFY_URL: usize = 1000;

/// The most corners a sheet may have (the tables shrink to fit; beyond this nothing is legible).
pub const MAX_CORNERS: usize = 200;

/// Checks that the sheet can be drawn: at least 3 corners, as many sides as corners, finite
/// numbers, a non-degenerate parcel, a verification address that fits a QR code.
pub fn validate(sheet: &Sheet) -> Result<(), SketchError> {
    let bad = |m: String| Err(SketchError::InvalidSheet(m));
    let n = sheet.corners.len();
    if n < 3 {
        return bad(format!(
            "a parcel needs at least 3 corners, the sheet has {n}"
        ));
    }
    if n > MAX_CORNERS {
        return bad(format!(
            "{n} corners, more than the {MAX_CORNERS} a sheet can print"
        ));
    }
    if sheet.sides.len() != n {
        return bad(format!(
            "{} sides for {n} corners: side i runs from corner i to corner i + 1",
            sheet.sides.len()
        ));
    }
    for c in &sheet.corners {
        if !c.easting.is_finite() || !c.northing.is_finite() {
            return bad(format!(
                "corner {} has a coordinate that is not a number",
                c.label
            ));
        }
    }
    for s in &sheet.sides {
        if !s.length_m.is_finite() || s.length_m < 0.0 || !s.bearing_deg.is_finite() {
            return bad(format!(
                "side {}-{} has an invalid length or bearing",
                s.from, s.to
            ));
        }
        if let Neighbour::Street {
            width_m: Some(w), ..
        } = &s.neighbour
            && !w.is_finite()
        {
            return bad(format!(
                "side {}-{} has a street width that is not a number",
                s.from, s.to
            ));
        }
    }
    if !sheet.area_m2.is_finite() || sheet.area_m2 < 0.0 {
        return bad("the area is not a non-negative number".to_string());
    }
    let finite = |ring: &[[f64; 2]]| ring.iter().all(|p| p[0].is_finite() && p[1].is_finite());
    let d = &sheet.drawing;
    if !finite(&d.parcel)
        || !d.neighbours.iter().all(|(_, r)| finite(r))
        || !d.streets.iter().all(|(_, r)| finite(r))
    {
        return bad("the drawing has a coordinate that is not a number".to_string());
    }
    let mut ring = layout::parcel_ring(sheet);
    ring.extend(sheet.corners.iter().map(|c| [c.easting, c.northing]));
    let (w, h) = layout::extent(&ring);
    if !(w > 0.0 || h > 0.0) || w.max(h) > 1.0e6 {
        return bad("the parcel has no extent or spans more than 1000 km".to_string());
    }
    if sheet.verify_url.len() > MAX_VERIFY_URL {
        return bad(format!(
            "the verification address is {} bytes, more than {MAX_VERIFY_URL}",
            sheet.verify_url.len()
        ));
    }
    Ok(())
}

/// Renders the survey sketch of `sheet` in `lang` as the bytes of a one-page A4 PDF.
///
/// Refuses sheets [`validate`] refuses; never panics on any sheet.
pub fn render(sheet: &Sheet, lang: Lang, fonts: &Fonts) -> Result<Vec<u8>, SketchError> {
    validate(sheet)?;
    page::render_page(sheet, lang, fonts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_can_be_shared_by_a_server() {
        fn shared<T: Send + Sync + 'static>() {}
        shared::<Fonts>();
    }

    #[test]
    fn bilingual_falls_back_to_the_other_language() {
        let b = Bilingual {
            ar: "حي الشاطئ".into(),
            en: " ".into(),
        };
        assert_eq!(b.get(Lang::En), "حي الشاطئ");
        assert_eq!(b.get(Lang::Ar), "حي الشاطئ");
    }

    #[test]
    fn errors_name_the_file_and_the_package() {
        let e = Fonts::load(Path::new("/nonexistent"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("/nonexistent/NotoNaskhArabic-Regular.ttf"),
            "{e}"
        );
        assert!(e.contains("fonts-noto-core"), "{e}");
    }
}
