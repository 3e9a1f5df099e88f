//! Text on the page: the bidi algorithm, font runs, shaping, fitting into a width.
//!
//! A line is split into the bidi algorithm's level runs (in visual order), each run into
//! pieces of one font (Arabic letters in Noto Naskh Arabic, the rest in Noto Sans), and each
//! piece is shaped with rustybuzz in its run's direction: Arabic comes out joined, and the
//! pieces are placed left to right in visual order. Each glyph keeps the range of the text it
//! came from, so krilla writes ToUnicode maps (and ActualText where needed) and the text can be
//! extracted again.

use std::ops::Range;

use krilla::geom::Point;
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};
use unicode_bidi::{BidiInfo, Level};

use super::{Fonts, SketchError};

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// Which of the two families a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Arabic,
    Latin,
}

/// The base direction of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Base {
    /// From the first strong character (rules P2–P3), left to right when there is none.
    Auto,
    /// Right to left.
    Rtl,
    /// Left to right.
    Ltr,
}

/// Whether `c` is in one of the Arabic blocks (letters, marks, Arabic-Indic digits,
/// presentation forms).
pub(crate) fn is_arabic(c: char) -> bool {
    matches!(c as u32,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x0870..=0x089F | 0x08A0..=0x08FF
        | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
}

/// Whether `c` decides a font on its own: Arabic letters, or any other letter or number.
fn is_strong_for_font(c: char) -> Option<Family> {
    if is_arabic(c) {
        Some(Family::Arabic)
    } else if c.is_alphanumeric() {
        Some(Family::Latin)
    } else {
        None
    }
}

/// Whether `c` is one of the bidi formatting characters (embeddings, overrides, isolates,
/// marks): they steer the algorithm and are never drawn.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` as a left-to-right isolate (LRI … PDI): numbers, dates and codes inside an Arabic
/// sentence keep their own order (2026-03-01 stays as written).
pub(crate) fn ltr(s: &str) -> String {
    format!("\u{2066}{s}\u{2069}")
}

/// The text made fit for one line: control characters and paragraph separators become spaces.
pub(crate) fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The level runs of one line of text in visual order (left to right), each with whether it
/// runs right to left. `text` must hold no paragraph separator (see [`sanitize`]).
pub(crate) fn visual_runs(text: &str, base: Base) -> Vec<(Range<usize>, bool)> {
    if text.is_empty() {
        return Vec::new();
    }
    let level = match base {
        Base::Auto => None,
        Base::Rtl => Some(Level::rtl()),
        Base::Ltr => Some(Level::ltr()),
    };
    let info = BidiInfo::new(text, level);
    let mut out = Vec::new();
    for para in &info.paragraphs {
        let (levels, runs) = info.visual_runs(para, para.range.clone());
        for run in runs {
            let rtl = levels.get(run.start).is_some_and(|l| l.is_rtl());
            out.push((run, rtl));
        }
    }
    out
}

/// Whether the paragraph `text` runs right to left under `base`.
pub(crate) fn paragraph_is_rtl(text: &str, base: Base) -> bool {
    match base {
        Base::Rtl => true,
        Base::Ltr => false,
        Base::Auto => BidiInfo::new(text, None)
            .paragraphs
            .first()
            .is_some_and(|p| p.level.is_rtl()),
    }
}

/// Splits `run` of `text` into pieces of one family, in logical order. Letters and numbers
/// choose their family; other characters (spaces, punctuation) stay with the piece before them
/// when its font `covers` them, else go with the next letter's family. A run with no letter
/// is set in Arabic when it runs right to left, else in Latin.
pub(crate) fn font_pieces(
    text: &str,
    run: Range<usize>,
    rtl: bool,
    covers: impl Fn(Family, char) -> bool,
) -> Vec<(Range<usize>, Family)> {
    let slice = &text[run.clone()];
    let first_strong = slice.chars().find_map(is_strong_for_font);
    let fallback = first_strong.unwrap_or(if rtl { Family::Arabic } else { Family::Latin });
    let other = |f: Family| match f {
        Family::Arabic => Family::Latin,
        Family::Latin => Family::Arabic,
    };
    let mut pieces: Vec<(Range<usize>, Family)> = Vec::new();
    // After a bidi control the next character starts a new piece: controls are not drawn.
    let mut broken = false;
    for (i, c) in slice.char_indices() {
        if is_bidi_control(c) {
            broken = true;
            continue;
        }
        let start = run.start + i;
        let end = start + c.len_utf8();
        let current = pieces.last().map(|p| p.1);
        let family = match (is_strong_for_font(c), current) {
            (Some(f), _) => f,
            (None, Some(cur)) if covers(cur, c) => cur,
            (None, Some(cur)) if covers(other(cur), c) => other(cur),
            (None, Some(cur)) => cur,
            (None, None) if !covers(fallback, c) && covers(other(fallback), c) => other(fallback),
            (None, None) => fallback,
        };
        match pieces.last_mut() {
            Some(last) if last.1 == family && !broken && last.0.end == start => last.0.end = end,
            _ => pieces.push((start..end, family)),
        }
        broken = false;
    }
    pieces
}

/// A shaped piece: one font, one direction, glyphs in visual order.
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    family: Family,
    weight: Weight,
    text: String,
    glyphs: Vec<KrillaGlyph>,
    /// The advance in ems.
    advance: f32,
}

/// A shaped line at one size, ready to draw.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pieces: Vec<Piece>,
    /// The font size in points.
    pub size: f32,
    /// The width in points.
    pub width: f32,
}

impl Line {
    /// The text of the line in logical order (pieces joined).
    #[cfg(test)]
    pub(crate) fn pieces_text(&self) -> Vec<&str> {
        self.pieces.iter().map(|p| p.text.as_str()).collect()
    }
}

/// Shapes text with the sheet's fonts; made once per page.
pub(crate) struct Shaper<'a> {
    fonts: &'a Fonts,
    faces: [rustybuzz::Face<'a>; 4],
}

fn face_index(family: Family, weight: Weight) -> usize {
    match (family, weight) {
        (Family::Arabic, Weight::Regular) => 0,
        (Family::Arabic, Weight::Bold) => 1,
        (Family::Latin, Weight::Regular) => 2,
        (Family::Latin, Weight::Bold) => 3,
    }
}

impl<'a> Shaper<'a> {
    /// Parses the fonts for shaping.
    pub(crate) fn new(fonts: &'a Fonts) -> Result<Self, SketchError> {
        let face = |f: &'a super::FontFile| {
            rustybuzz::Face::from_slice(&f.data, 0)
                .ok_or_else(|| SketchError::Pdf("a loaded font cannot be parsed".to_string()))
        };
        Ok(Shaper {
            fonts,
            faces: [
                face(&fonts.arabic)?,
                face(&fonts.arabic_bold)?,
                face(&fonts.latin)?,
                face(&fonts.latin_bold)?,
            ],
        })
    }

    fn covers(&self, family: Family, c: char) -> bool {
        self.faces[face_index(family, Weight::Regular)]
            .glyph_index(c)
            .is_some()
    }

    /// Shapes `text` as one line at `size` points.
    pub(crate) fn line(&self, text: &str, size: f32, weight: Weight, base: Base) -> Line {
        let text = sanitize(text);
        let mut pieces = Vec::new();
        for (run, rtl) in visual_runs(&text, base) {
            let mut run_pieces: Vec<Piece> = font_pieces(&text, run, rtl, |f, c| self.covers(f, c))
                .into_iter()
                .map(|(r, family)| self.shape(&text[r], family, weight, rtl))
                .collect();
            if rtl {
                run_pieces.reverse();
            }
            pieces.extend(run_pieces);
        }
        let width = pieces.iter().map(|p| p.advance).sum::<f32>() * size;
        Line {
            pieces,
            size,
            width,
        }
    }

    fn shape(&self, text: &str, family: Family, weight: Weight, rtl: bool) -> Piece {
        let face = &self.faces[face_index(family, weight)];
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(if rtl {
            rustybuzz::Direction::RightToLeft
        } else {
            rustybuzz::Direction::LeftToRight
        });
        buffer.guess_segment_properties();
        let output = rustybuzz::shape(face, &[], buffer);
        let upem = face.units_per_em().max(1) as f32;
        let infos = output.glyph_infos();
        let mut clusters: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
        clusters.sort_unstable();
        clusters.dedup();
        let positions = output.glyph_positions();
        // A cluster runs to the next cluster's start in logical order.
        let ranges: Vec<Range<usize>> = infos
            .iter()
            .map(|info| {
                let start = (info.cluster as usize).min(text.len());
                let end = clusters
                    .iter()
                    .find(|&&c| c > start)
                    .copied()
                    .unwrap_or(text.len())
                    .min(text.len());
                start..end
            })
            .collect();
        let mut advance = 0.0;
        let glyphs = infos
            .iter()
            .zip(positions)
            .zip(ranges)
            .map(|((info, pos), range)| {
                advance += pos.x_advance as f32 / upem;
                KrillaGlyph::new(
                    GlyphId::new(info.glyph_id),
                    pos.x_advance as f32 / upem,
                    pos.x_offset as f32 / upem,
                    pos.y_offset as f32 / upem,
                    pos.y_advance as f32 / upem,
                    range,
                    None,
                )
            })
            .collect();
        Piece {
            family,
            weight,
            text: text.to_string(),
            glyphs,
            advance,
        }
    }

    /// Shapes `text` to fit `max_width`: at `size` if it fits, else smaller down to `min_size`,
    /// else cut short with an ellipsis.
    pub(crate) fn fit(
        &self,
        text: &str,
        size: f32,
        min_size: f32,
        max_width: f32,
        weight: Weight,
        base: Base,
    ) -> Line {
        let line = self.line(text, size, weight, base);
        if line.width <= max_width || max_width <= 0.0 {
            return if max_width <= 0.0 {
                self.line("", size, weight, base)
            } else {
                line
            };
        }
        let smaller = (size * max_width / line.width * 0.995).max(min_size);
        let line = self.line(text, smaller, weight, base);
        if line.width <= max_width {
            return line;
        }
        // Cut in logical order: the most characters that fit with an ellipsis.
        let text = sanitize(text);
        let base = if paragraph_is_rtl(&text, base) {
            Base::Rtl
        } else {
            Base::Ltr
        };
        // Character boundaries, the end included: never empty.
        let cuts: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        // Characters are roughly even in width: no cut much beyond the proportional one fits,
        // so the search shapes only short candidates.
        let estimate = (cuts.len() as f32 * max_width / line.width.max(1e-3) * 1.5) as usize + 4;
        let (mut lo, mut hi) = (0usize, (cuts.len() - 1).min(estimate));
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            let candidate = format!("{}…", text[..cuts[mid]].trim_end());
            if self.line(&candidate, min_size, weight, base).width <= max_width {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        let cut = cuts[lo];
        let candidate = format!("{}…", text[..cut].trim_end());
        let line = self.line(&candidate, min_size, weight, base);
        if line.width <= max_width {
            line
        } else {
            self.line("", min_size, weight, base)
        }
    }

    /// Breaks `text` (an address: no spaces needed) anywhere into at most `max_lines` left-to-right
    /// lines of at most `max_width`, the last one cut short with an ellipsis when needed.
    pub(crate) fn wrap_chars(
        &self,
        text: &str,
        size: f32,
        max_width: f32,
        max_lines: usize,
    ) -> Vec<Line> {
        let text = sanitize(text);
        let mut lines = Vec::new();
        let mut rest = text.as_str();
        while !rest.is_empty() && lines.len() + 1 < max_lines.max(1) {
            let ends: Vec<usize> = rest.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
            // The longest prefix that fits, at least one character.
            let (mut lo, mut hi) = (0usize, ends.len() - 1);
            while lo < hi {
                let mid = (lo + hi).div_ceil(2);
                if self
                    .line(&rest[..ends[mid]], size, Weight::Regular, Base::Ltr)
                    .width
                    <= max_width
                {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            let cut = ends[lo];
            lines.push(self.line(&rest[..cut], size, Weight::Regular, Base::Ltr));
            rest = &rest[cut..];
        }
        if !rest.is_empty() {
            lines.push(self.fit(rest, size, size, max_width, Weight::Regular, Base::Ltr));
        }
        lines
    }

    /// Draws `line` with its left end at `x` and its baseline at `baseline`, in the surface's
    /// current fill.
    pub(crate) fn draw(&self, surface: &mut Surface, line: &Line, x: f32, baseline: f32) {
        let mut x = x;
        for piece in &line.pieces {
            let font = match (piece.family, piece.weight) {
                (Family::Arabic, Weight::Regular) => &self.fonts.arabic.pdf,
                (Family::Arabic, Weight::Bold) => &self.fonts.arabic_bold.pdf,
                (Family::Latin, Weight::Regular) => &self.fonts.latin.pdf,
                (Family::Latin, Weight::Bold) => &self.fonts.latin_bold.pdf,
            };
            if !piece.glyphs.is_empty() {
                surface.draw_glyphs(
                    Point::from_xy(x, baseline),
                    &piece.glyphs,
                    font.clone(),
                    &piece.text,
                    line.size,
                    false,
                );
            }
            x += piece.advance * line.size;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, base: Base) -> Vec<(&str, bool)> {
        visual_runs(text, base)
            .into_iter()
            .map(|(r, rtl)| (&text[r], rtl))
            .collect()
    }

    #[test]
    fn bidi_runs_in_visual_order() {
        // An Arabic paragraph with a Latin serial: the serial's run comes first (leftmost).
        assert_eq!(
            texts("الرقم SK-2026-000123", Base::Auto),
            vec![("SK-2026-000123", false), ("الرقم ", true)]
        );
        // Digits inside Arabic stay left to right.
        assert_eq!(
            texts("قطعة 12", Base::Auto),
            vec![("12", false), ("قطعة ", true)]
        );
        // An English paragraph with an Arabic name keeps the name as one RTL run.
        assert_eq!(
            texts("District: حي الشاطئ", Base::Auto),
            vec![("District: ", false), ("حي الشاطئ", true)]
        );
        // Numbers alone run left to right even on an Arabic page when asked.
        assert_eq!(texts("400123.45", Base::Ltr), vec![("400123.45", false)]);
        assert!(texts("", Base::Auto).is_empty());
    }

    #[test]
    fn paragraph_direction() {
        assert!(paragraph_is_rtl("حي الشاطئ 5", Base::Auto));
        assert!(!paragraph_is_rtl("5 Street الشاطئ", Base::Auto));
        assert!(!paragraph_is_rtl("123", Base::Auto));
        assert!(paragraph_is_rtl("123", Base::Rtl));
    }

    #[test]
    fn font_pieces_follow_scripts() {
        let all = |_: Family, _: char| true;
        let text = "شارع King Fahd";
        let runs = visual_runs(text, Base::Ltr);
        let pieces: Vec<(&str, Family)> = runs
            .into_iter()
            .flat_map(|(r, rtl)| font_pieces(text, r, rtl, all))
            .map(|(r, f)| (&text[r], f))
            .collect();
        assert_eq!(
            pieces,
            vec![("شارع", Family::Arabic), (" King Fahd", Family::Latin)]
        );
        // A space the Arabic font lacks goes to the Latin font.
        let no_space = |f: Family, c: char| !(f == Family::Arabic && c == ' ');
        let t = "حي الشاطئ";
        let p: Vec<_> = font_pieces(t, 0..t.len(), true, no_space)
            .into_iter()
            .map(|(r, f)| (&t[r], f))
            .collect();
        assert_eq!(
            p,
            vec![
                ("حي", Family::Arabic),
                (" ", Family::Latin),
                ("الشاطئ", Family::Arabic)
            ]
        );
    }

    fn fonts() -> crate::sketch::Fonts {
        crate::sketch::Fonts::load(&crate::sketch::Fonts::default_dir())
            .expect("fonts-noto-core installed")
    }

    #[test]
    fn arabic_is_joined_and_pieces_are_in_visual_order() {
        let fonts = fonts();
        let sh = Shaper::new(&fonts).unwrap();
        // ح alone is its isolated form; in حي it takes its initial form: another glyph.
        let alone = sh.shape("ح", Family::Arabic, Weight::Regular, true);
        let joined = sh.shape("حي", Family::Arabic, Weight::Regular, true);
        let last = |p: &Piece| p.glyphs.last().map(|g| g.glyph_id);
        // Right to left: the first letter is the last glyph.
        assert_ne!(last(&alone), last(&joined));
        let line = sh.line("الرقم: SK-1", 10.0, Weight::Regular, Base::Rtl);
        assert_eq!(line.pieces_text(), vec!["SK-1", "الرقم: "]);
        let line = sh.line("Parcel قطعة 12", 10.0, Weight::Regular, Base::Auto);
        // The Arabic run "قطعة 12" reads right to left: the number comes out on its left.
        assert_eq!(line.pieces_text(), vec!["Parcel ", "12", "قطعة "]);
        assert!(line.width > 0.0);
    }

    #[test]
    fn fitting_shrinks_then_cuts() {
        let fonts = fonts();
        let sh = Shaper::new(&fonts).unwrap();
        let text = "شارع الملك عبدالعزيز ".repeat(20);
        let line = sh.fit(&text, 10.0, 6.0, 120.0, Weight::Regular, Base::Auto);
        assert!(line.width <= 120.0 && line.size == 6.0);
        assert!(line.pieces_text().concat().contains('…'));
        let short = sh.fit("125", 10.0, 6.0, 120.0, Weight::Bold, Base::Auto);
        assert_eq!(short.size, 10.0);
        assert!(
            sh.fit("125", 10.0, 6.0, 0.0, Weight::Bold, Base::Auto)
                .width
                == 0.0
        );
        let url = sh.wrap_chars(&"https://x.sa/verify/".repeat(10), 5.0, 100.0, 3);
        assert_eq!(url.len(), 3);
        assert!(url.iter().all(|l| l.width <= 100.0));
    }

    #[test]
    fn sanitize_removes_line_breaks() {
        assert_eq!(sanitize("a\nb\tc\u{2029}d"), "a b c d");
    }

    #[test]
    fn is_arabic_blocks() {
        assert!(is_arabic('ش'));
        assert!(is_arabic('٣'));
        assert!(is_arabic('\u{FEFB}'));
        assert!(!is_arabic('a'));
        assert!(!is_arabic('3'));
    }
}
