//! Numbers in words, as survey documents and deeds write areas (تفقيط).
//!
//! Arabic follows the grammar of the counted noun for the common cases: the counted noun takes
//! its singular after 1 and after round hundreds, its dual for 2 (ألفان، متران), the genitive
//! plural after 3–10 (ثلاثة آلاف، خمسة أمتار), the accusative singular after 11–99
//! (أحد عشر ألفاً، ستة وعشرون متراً), and a number made of several parts takes the form its last
//! two digits ask for. Numbers 3–10 take the feminine form before the masculine nouns used here
//! (متر، سنتيمتر، ألف، مليون). A group followed directly by the counted noun is in construct
//! state (ألفا متر، مئتا متر، أحد عشر ألف متر).

/// The forms of a counted masculine noun.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Noun {
    /// After 1 and in the genitive after round hundreds: متر مربع.
    pub singular: &'static str,
    /// For exactly 2: متران مربعان.
    pub dual: &'static str,
    /// The dual in construct state, when another noun follows: ألفا.
    pub dual_construct: &'static str,
    /// After 3–10: أمتار مربعة.
    pub plural: &'static str,
    /// After 11–99: متراً مربعاً.
    pub accusative: &'static str,
    /// The accusative in construct state, when another noun follows: ألف.
    pub accusative_construct: &'static str,
}

const SQUARE_METRE: Noun = Noun {
    singular: "متر مربع",
    dual: "متران مربعان",
    dual_construct: "مترا مربع",
    plural: "أمتار مربعة",
    accusative: "متراً مربعاً",
    accusative_construct: "متر مربع",
};

const CENTIMETRE: Noun = Noun {
    singular: "سنتيمتر",
    dual: "سنتيمتران",
    dual_construct: "سنتيمترا",
    plural: "سنتيمترات",
    accusative: "سنتيمتراً",
    accusative_construct: "سنتيمتر",
};

/// Thousands, millions and milliards, from the lowest.
const SCALES: [Noun; 3] = [
    Noun {
        singular: "ألف",
        dual: "ألفان",
        dual_construct: "ألفا",
        plural: "آلاف",
        accusative: "ألفاً",
        accusative_construct: "ألف",
    },
    Noun {
        singular: "مليون",
        dual: "مليونان",
        dual_construct: "مليونا",
        plural: "ملايين",
        accusative: "مليوناً",
        accusative_construct: "مليون",
    },
    Noun {
        singular: "مليار",
        dual: "ملياران",
        dual_construct: "مليارا",
        plural: "مليارات",
        accusative: "ملياراً",
        accusative_construct: "مليار",
    },
];

const AR_ONES: [&str; 11] = [
    "",
    "واحد",
    "اثنان",
    "ثلاثة",
    "أربعة",
    "خمسة",
    "ستة",
    "سبعة",
    "ثمانية",
    "تسعة",
    "عشرة",
];
const AR_TENS: [&str; 10] = [
    "",
    "عشرة",
    "عشرون",
    "ثلاثون",
    "أربعون",
    "خمسون",
    "ستون",
    "سبعون",
    "ثمانون",
    "تسعون",
];
const AR_HUNDREDS: [&str; 10] = [
    "",
    "مائة",
    "مئتان",
    "ثلاثمائة",
    "أربعمائة",
    "خمسمائة",
    "ستمائة",
    "سبعمائة",
    "ثمانمائة",
    "تسعمائة",
];

/// A number below 100 in words (masculine counting): ستة وعشرون، اثنا عشر.
fn arabic_below_100(n: u64) -> String {
    match n {
        0 => String::new(),
        1..=10 => AR_ONES[n as usize].to_string(),
        11 => "أحد عشر".to_string(),
        12 => "اثنا عشر".to_string(),
        13..=19 => format!("{} عشر", AR_ONES[(n - 10) as usize]),
        _ => {
            let (tens, ones) = ((n / 10) as usize, (n % 10) as usize);
            if ones == 0 {
                AR_TENS[tens].to_string()
            } else {
                format!("{} و{}", AR_ONES[ones], AR_TENS[tens])
            }
        }
    }
}

/// A number below 1000 in words; `construct` gives مئتا for a bare 200 followed by a noun.
fn arabic_below_1000(n: u64, construct: bool) -> String {
    let (hundreds, rest) = ((n / 100) as usize, n % 100);
    let hundreds_word = if hundreds == 2 && rest == 0 && construct {
        "مئتا"
    } else {
        AR_HUNDREDS[hundreds]
    };
    match (hundreds, rest) {
        (0, _) => arabic_below_100(rest),
        (_, 0) => hundreds_word.to_string(),
        _ => format!("{hundreds_word} و{}", arabic_below_100(rest)),
    }
}

/// `n` (1–999) of `noun`; `construct` when another noun follows directly (ألفا متر).
fn arabic_count_group(n: u64, noun: &Noun, construct: bool) -> String {
    let rest = n % 100;
    match n {
        0 => String::new(),
        1 => noun.singular.to_string(),
        2 if construct => noun.dual_construct.to_string(),
        2 => noun.dual.to_string(),
        _ => {
            let form = match rest {
                3..=10 => noun.plural,
                11..=99 if construct => noun.accusative_construct,
                11..=99 => noun.accusative,
                // Round hundreds and a last part of 1 or 2: the genitive singular.
                _ => noun.singular,
            };
            format!("{} {form}", arabic_below_1000(n, true))
        }
    }
}

/// An integer in Arabic words without a counted noun: 2526 → ألفان وخمسمائة وستة وعشرون.
pub fn arabic_integer(n: u64) -> String {
    if n == 0 {
        return "صفر".to_string();
    }
    arabic_parts(n, None).join(" و")
}

/// The parts of `n`, highest first, the lowest group carrying `noun` when there is one.
fn arabic_parts(n: u64, noun: Option<&Noun>) -> Vec<String> {
    if n >= 1_000_000_000_000 {
        // Beyond what a parcel's area can be: figures keep the document readable.
        return vec![n.to_string()];
    }
    let groups = [
        (n / 1_000_000_000) % 1000,
        (n / 1_000_000) % 1000,
        (n / 1000) % 1000,
        n % 1000,
    ];
    let units = groups[3];
    // The last non-zero scale group is in construct state when the counted noun follows it
    // directly (no units group after it): ألفا متر مربع، ثلاثة آلاف متر مربع.
    let mut parts = Vec::new();
    for (i, &g) in groups[..3].iter().enumerate() {
        if g == 0 {
            continue;
        }
        let scale = &SCALES[2 - i];
        let lower_zero = groups[i + 1..].iter().all(|&x| x == 0);
        let construct = noun.is_some() && lower_zero;
        parts.push(arabic_count_group(g, scale, construct));
    }
    match noun {
        None if units > 0 => parts.push(arabic_below_1000(units, false)),
        None => {}
        Some(noun) if parts.is_empty() => parts.push(match units {
            1 => format!("{} واحد", noun.singular),
            _ => arabic_count_group(units, noun, false),
        }),
        Some(noun) => {
            if units > 0 {
                parts.push(arabic_below_1000(units, true));
            }
            // The noun takes the form the last two digits ask for; after round thousands the
            // genitive singular.
            let form = match units % 100 {
                3..=10 => noun.plural,
                11..=99 => noun.accusative,
                _ => noun.singular,
            };
            if let Some(last) = parts.last_mut() {
                last.push(' ');
                last.push_str(form);
            }
        }
    }
    parts
}

/// An area in Arabic words, to the hundredth of a square metre:
/// 2526.5 → ألفان وخمسمائة وستة وعشرون متراً مربعاً وخمسون سنتيمتراً.
pub fn area_ar(area_m2: f64) -> String {
    let (whole, hundredths) = split_hundredths(area_m2);
    let mut parts = Vec::new();
    if whole > 0 {
        parts.extend(arabic_parts(whole, Some(&SQUARE_METRE)));
    }
    if hundredths > 0 {
        parts.push(match hundredths {
            1 => format!("{} واحد", CENTIMETRE.singular),
            _ => arabic_count_group(hundredths, &CENTIMETRE, false),
        });
    }
    if parts.is_empty() {
        return format!("صفر {}", SQUARE_METRE.singular);
    }
    parts.join(" و")
}

const EN_ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const EN_TENS: [&str; 10] = [
    "", "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

fn english_below_100(n: u64) -> String {
    match n {
        0..=19 => EN_ONES[n as usize].to_string(),
        _ if n.is_multiple_of(10) => EN_TENS[(n / 10) as usize].to_string(),
        _ => format!(
            "{}-{}",
            EN_TENS[(n / 10) as usize],
            EN_ONES[(n % 10) as usize]
        ),
    }
}

fn english_below_1000(n: u64) -> String {
    let (hundreds, rest) = (n / 100, n % 100);
    match (hundreds, rest) {
        (0, _) => english_below_100(rest),
        (_, 0) => format!("{} hundred", EN_ONES[hundreds as usize]),
        _ => format!(
            "{} hundred and {}",
            EN_ONES[hundreds as usize],
            english_below_100(rest)
        ),
    }
}

/// An integer in (British) English words: 2526 → two thousand five hundred and twenty-six.
pub fn english_integer(n: u64) -> String {
    if n == 0 {
        return "zero".to_string();
    }
    if n >= 1_000_000_000_000 {
        return n.to_string();
    }
    let scales = [
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1000, "thousand"),
    ];
    let mut parts = Vec::new();
    let mut rest = n;
    for (size, name) in scales {
        let g = rest / size;
        if g > 0 {
            parts.push(format!("{} {name}", english_below_1000(g)));
        }
        rest %= size;
    }
    if rest > 0 {
        // "one thousand and five", as British usage joins a last part below 100.
        if !parts.is_empty() && rest < 100 {
            parts.push(format!("and {}", english_below_100(rest)));
        } else {
            parts.push(english_below_1000(rest));
        }
    }
    parts.join(" ")
}

/// An area in English words, to the hundredth of a square metre:
/// 2526.5 → two thousand five hundred and twenty-six square metres and fifty hundredths.
pub fn area_en(area_m2: f64) -> String {
    let (whole, hundredths) = split_hundredths(area_m2);
    let unit = if whole == 1 {
        "square metre"
    } else {
        "square metres"
    };
    let mut s = format!("{} {unit}", english_integer(whole));
    if hundredths > 0 {
        let frac = if hundredths == 1 {
            "hundredth"
        } else {
            "hundredths"
        };
        s.push_str(&format!(" and {} {frac}", english_below_100(hundredths)));
    }
    s
}

/// Whole square metres and hundredths, rounded to the hundredth; non-finite or negative areas
/// count as zero (the sheet's validation refuses them before).
fn split_hundredths(area_m2: f64) -> (u64, u64) {
    if !area_m2.is_finite() || area_m2 <= 0.0 {
        return (0, 0);
    }
    // Saturating float-to-int conversion: areas beyond u64 fall back to figures above.
    let cents = (area_m2 * 100.0).round() as u64;
    (cents / 100, cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_integers() {
        let cases = [
            (1, "واحد"),
            (2, "اثنان"),
            (10, "عشرة"),
            (11, "أحد عشر"),
            (12, "اثنا عشر"),
            (15, "خمسة عشر"),
            (20, "عشرون"),
            (21, "واحد وعشرون"),
            (26, "ستة وعشرون"),
            (99, "تسعة وتسعون"),
            (100, "مائة"),
            (200, "مئتان"),
            (305, "ثلاثمائة وخمسة"),
            (1000, "ألف"),
            (2000, "ألفان"),
            (3000, "ثلاثة آلاف"),
            (11_000, "أحد عشر ألفاً"),
            (2526, "ألفان وخمسمائة وستة وعشرون"),
            (1_000_000, "مليون"),
            (2_000_000, "مليونان"),
            (5_000_000, "خمسة ملايين"),
            (1_250_000, "مليون ومئتان وخمسون ألفاً"),
            (200_000, "مئتا ألف"),
        ];
        for (n, want) in cases {
            assert_eq!(arabic_integer(n), want, "{n}");
        }
    }

    #[test]
    fn arabic_areas() {
        let cases = [
            (
                2526.5,
                "ألفان وخمسمائة وستة وعشرون متراً مربعاً وخمسون سنتيمتراً",
            ),
            (1.0, "متر مربع واحد"),
            (2.0, "متران مربعان"),
            (3.0, "ثلاثة أمتار مربعة"),
            (10.0, "عشرة أمتار مربعة"),
            (11.0, "أحد عشر متراً مربعاً"),
            (100.0, "مائة متر مربع"),
            (200.0, "مئتا متر مربع"),
            (103.0, "مائة وثلاثة أمتار مربعة"),
            (1000.0, "ألف متر مربع"),
            (2000.0, "ألفا متر مربع"),
            (3000.0, "ثلاثة آلاف متر مربع"),
            (15_000.0, "خمسة عشر ألف متر مربع"),
            (1001.0, "ألف وواحد متر مربع"),
            (
                625.25,
                "ستمائة وخمسة وعشرون متراً مربعاً وخمسة وعشرون سنتيمتراً",
            ),
            (0.5, "خمسون سنتيمتراً"),
            (0.01, "سنتيمتر واحد"),
            (7.02, "سبعة أمتار مربعة وسنتيمتران"),
            (4.07, "أربعة أمتار مربعة وسبعة سنتيمترات"),
            (0.0, "صفر متر مربع"),
            (1_000_450.0, "مليون وأربعمائة وخمسون متراً مربعاً"),
        ];
        for (a, want) in cases {
            assert_eq!(area_ar(a), want, "{a}");
        }
    }

    #[test]
    fn english_areas() {
        assert_eq!(
            area_en(2526.5),
            "two thousand five hundred and twenty-six square metres and fifty hundredths"
        );
        assert_eq!(area_en(1.0), "one square metre");
        assert_eq!(
            area_en(1005.01),
            "one thousand and five square metres and one hundredth"
        );
        assert_eq!(
            area_en(1_200_000.0),
            "one million two hundred thousand square metres"
        );
        assert_eq!(area_en(0.999), "one square metre");
        assert_eq!(english_integer(40_019), "forty thousand and nineteen");
    }

    #[test]
    fn odd_inputs_never_panic() {
        for a in [f64::NAN, f64::INFINITY, -3.0, 1e30, f64::MAX, 1e12 - 0.001] {
            let _ = area_ar(a);
            let _ = area_en(a);
        }
    }
}
