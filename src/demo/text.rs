//! Text of the demo city: Arabic-Indic digits, the name templates of service points, and the
//! names of districts when a city needs more districts than it has names.

/// `n` written with Arabic-Indic digits (٠١٢٣٤٥٦٧٨٩), as in Arabic street and school names.
pub fn arabic_digits(n: u64) -> String {
    n.to_string()
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0x0660 + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// What a name template's placeholders are filled with.
#[derive(Clone, Copy, Debug)]
pub struct Fill<'a> {
    /// `{ar}` / `{en}`: a brand or a person's name, in each language.
    pub brand: (&'a str, &'a str),
    /// `{n}`: a number (Arabic-Indic digits in the Arabic name).
    pub number: u64,
    /// `{district_ar}` / `{district_en}`: the district without the word "حي".
    pub district: (&'a str, &'a str),
    /// `{city_ar}` / `{city_en}`.
    pub city: (&'a str, &'a str),
}

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 7] = [
    "{ar}",
    "{en}",
    "{n}",
    "{district_ar}",
    "{district_en}",
    "{city_ar}",
    "{city_en}",
];

/// Fills a template; `arabic` chooses the digits of `{n}`.
pub fn render(template: &str, arabic: bool, f: &Fill<'_>) -> String {
    let number = if arabic {
        arabic_digits(f.number)
    } else {
        f.number.to_string()
    };
    template
        .replace("{district_ar}", f.district.0)
        .replace("{district_en}", f.district.1)
        .replace("{city_ar}", f.city.0)
        .replace("{city_en}", f.city.1)
        .replace("{ar}", f.brand.0)
        .replace("{en}", f.brand.1)
        .replace("{n}", &number)
}

/// Masculine Arabic direction adjectives and their English words, in the order used.
const DIRECTIONS: [(&str, &str); 2] = [("الشمالي", "North"), ("الجنوبي", "South")];

/// Whether an Arabic name already ends with a direction (الغربي, الشمالية, ...).
fn has_direction(ar: &str) -> bool {
    ["الشمالي", "الجنوبي", "الشرقي", "الغربي"]
        .iter()
        .any(|d| ar.ends_with(d) || ar.ends_with(&format!("{d}ة")))
}

/// Whether an Arabic noun is feminine for agreement: ends with ة, اء or ى.
fn feminine(ar: &str) -> bool {
    ar.ends_with('ة') || ar.ends_with("اء") || ar.ends_with('ى')
}

/// The `round`-th variant of a district name (round 0 is the name itself): then North, South
/// (adjective agreeing with the name; skipped for names that already carry a direction), then
/// numbers from 2. Returns the (Arabic, English) name without the word "حي".
pub fn district_variant(ar: &str, en: &str, round: usize) -> (String, String) {
    let directions = if has_direction(ar) {
        0
    } else {
        DIRECTIONS.len()
    };
    match round {
        0 => (ar.to_string(), en.to_string()),
        r if r <= directions => {
            let (adj, word) = DIRECTIONS[r - 1];
            let adj = if feminine(ar) {
                format!("{adj}ة")
            } else {
                adj.to_string()
            };
            (format!("{ar} {adj}"), format!("{en} {word}"))
        }
        r => {
            let n = (r - directions + 1) as u64;
            (format!("{ar} {}", arabic_digits(n)), format!("{en} {n}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits() {
        assert_eq!(arabic_digits(1209), "١٢٠٩");
    }

    #[test]
    fn district_names_agree_and_stay_unique() {
        assert_eq!(
            district_variant("الفيصلية", "Al Faisaliyah", 1).0,
            "الفيصلية الشمالية"
        );
        assert_eq!(
            district_variant("النور", "An Nur", 2),
            ("النور الجنوبي".into(), "An Nur South".into())
        );
        assert_eq!(
            district_variant("النور", "An Nur", 3),
            ("النور ٢".into(), "An Nur 2".into())
        );
        assert_eq!(
            district_variant("الشاطئ الغربي", "Ash Shati Al Gharbi", 1).1,
            "Ash Shati Al Gharbi 2"
        );
        let all: std::collections::HashSet<_> = (0..9)
            .map(|r| district_variant("الحمراء", "Al Hamra", r))
            .collect();
        assert_eq!(all.len(), 9);
    }

    #[test]
    fn templates() {
        let f = Fill {
            brand: ("النهدي", "Al-Nahdi"),
            number: 12,
            district: ("النور", "An Nur"),
            city: ("الدمام", "Dammam"),
        };
        assert_eq!(render("صيدلية {ar}", true, &f), "صيدلية النهدي");
        assert_eq!(
            render("الابتدائية {n} ب{city_ar}", true, &f),
            "الابتدائية ١٢ بالدمام"
        );
        assert_eq!(
            render("Primary School No. {n}, {city_en}", false, &f),
            "Primary School No. 12, Dammam"
        );
    }
}
