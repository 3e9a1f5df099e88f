//! Plan and parcel references as citizens and surveyors write them: `plan 123 block 4 parcel 17`,
//! `مخطط ١٢٣ بلك ٤ قطعة ١٧` (also `بلوك`, `قطعه`, `رقم`, in any order), `123/4/17`, or a plan
//! number alone (`١٢٣`, `مخطط 2/123`).
//!
//! A reference is compared by its [`key`]s: folded (Arabic digits to ASCII, letters folded as
//! in names), spaces removed, leading zeros of numbers dropped, so `017` and `١٧` are `17`.

use std::borrow::Cow;

use super::normalize::{canonical, fold};

/// The parts of a reference a query gave, each as a [`key`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reference {
    pub plan: Option<String>,
    pub block: Option<String>,
    pub parcel: Option<String>,
    /// A keyword (`مخطط`, `plan`, `قطعة`, ...) or a slashed path gave the parts: the query is
    /// certainly a reference and nothing else.
    pub keyed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Plan,
    Block,
    Parcel,
}

impl Part {
    fn after(last: Option<Part>) -> Option<Part> {
        match last {
            None => Some(Part::Plan),
            Some(Part::Plan) => Some(Part::Block),
            Some(Part::Block) => Some(Part::Parcel),
            Some(Part::Parcel) => None,
        }
    }
}

/// Canonical words naming a part (folded, article off: `القطعة` → `قطعه`).
const KEYWORDS: &[(&str, Part)] = &[
    ("مخطط", Part::Plan),
    ("plan", Part::Plan),
    ("بلك", Part::Block),
    ("بلوك", Part::Block),
    ("مربع", Part::Block),
    ("block", Part::Block),
    ("blk", Part::Block),
    ("قطعه", Part::Parcel),
    ("parcel", Part::Parcel),
    ("lot", Part::Parcel),
    ("plot", Part::Parcel),
];

/// Words that may stand between a keyword and its number.
const FILLERS: &[&str] = &["رقم", "no", "nr", "num", "number", "ارض", "land"];

fn keyword(word: &str) -> Option<Part> {
    let word = canonical(word);
    KEYWORDS.iter().find(|(k, _)| *k == word).map(|(_, p)| *p)
}

/// A keyword written against its number (`قطعة17`, `plan123`): the keyword and the number.
fn glued(word: &str) -> Option<(Part, &str)> {
    KEYWORDS.iter().find_map(|(k, part)| {
        let rest = canonical(word).strip_prefix(k)?;
        rest.starts_with(|c: char| c.is_ascii_digit())
            .then_some((*part, rest))
    })
}

/// The comparable form of a plan, block or parcel number (see the module documentation).
pub fn key(value: &str) -> Cow<'_, str> {
    // The common case, plain ASCII digits, needs no allocation.
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let t = value.trim_start_matches('0');
        return Cow::Borrowed(if t.is_empty() { "0" } else { t });
    }
    let folded: String = fold(value).chars().filter(|c| *c != ' ').collect();
    let parts: Vec<&str> = folded
        .split('/')
        .map(|p| {
            if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
                let t = p.trim_start_matches('0');
                if t.is_empty() { "0" } else { t }
            } else {
                p
            }
        })
        .collect();
    Cow::Owned(parts.join("/"))
}

/// The reference a query states, or `None` when it has words that are not part of one.
pub fn parse(query: &str) -> Option<Reference> {
    let folded = fold(&join_dashes(query));
    let mut r = Reference::default();
    let mut pending: Option<Part> = None;
    let mut last: Option<Part> = None;
    let mut any = false;
    for token in folded.split(' ').filter(|t| !t.is_empty()) {
        if let Some(part) = keyword(token) {
            pending = Some(part);
            r.keyed = true;
            continue;
        }
        if FILLERS.contains(&canonical(token)) {
            continue;
        }
        let (part, value) = match glued(token) {
            Some((part, value)) => {
                r.keyed = true;
                (Some(part), value)
            }
            None => (pending.take(), token),
        };
        let segments: Vec<&str> = value.split('/').filter(|s| !s.is_empty()).collect();
        if segments.is_empty() {
            continue;
        }
        match (part, segments.len()) {
            (Some(part), _) if segments.iter().all(|s| value_of(part, s)) => {
                set(&mut r, part, &segments.join("/"))?;
            }
            (None, 1) if numeric(segments[0]) => set(&mut r, Part::after(last)?, segments[0])?,
            (None, 2) if !any && segments.iter().all(|s| numeric(s)) => {
                r.keyed = true;
                set(&mut r, Part::Plan, &segments.join("/"))?;
            }
            (None, n) if n >= 3 && !any && segments.iter().all(|s| numeric(s)) => {
                r.keyed = true;
                set(&mut r, Part::Plan, &segments[..n - 2].join("/"))?;
                set(&mut r, Part::Block, segments[n - 2])?;
                set(&mut r, Part::Parcel, segments[n - 1])?;
            }
            _ => return None,
        }
        last = Some(match (&r.parcel, &r.block) {
            (Some(_), _) => Part::Parcel,
            (None, Some(_)) => Part::Block,
            _ => Part::Plan,
        });
        any = true;
    }
    any.then_some(r)
}

/// `17-1` as one number: a dash between letters or digits joins them, as [`key`] does for the
/// numbers it indexes (a subdivision's children are often numbered `17-1`, `17-2`).
fn join_dashes(query: &str) -> Cow<'_, str> {
    if !query.contains('-') {
        return Cow::Borrowed(query);
    }
    let cs: Vec<char> = query.chars().collect();
    Cow::Owned(
        cs.iter()
            .enumerate()
            .filter(|&(i, c)| {
                !(*c == '-'
                    && i > 0
                    && cs[i - 1].is_alphanumeric()
                    && cs.get(i + 1).is_some_and(|n| n.is_alphanumeric()))
            })
            .map(|(_, c)| *c)
            .collect(),
    )
}

/// A number as written on a plan: digits, perhaps with a letter (`17أ`, `12b`).
fn numeric(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit()) && s.chars().all(char::is_alphanumeric)
}

/// What may follow a keyword: a number, or one letter for a block or parcel (`بلك أ`).
fn value_of(part: Part, s: &str) -> bool {
    numeric(s)
        || (part != Part::Plan && s.chars().count() == 1 && s.chars().all(char::is_alphabetic))
}

fn set(r: &mut Reference, part: Part, value: &str) -> Option<()> {
    let slot = match part {
        Part::Plan => &mut r.plan,
        Part::Block => &mut r.block,
        Part::Parcel => &mut r.parcel,
    };
    if slot.is_some() {
        return None;
    }
    *slot = Some(key(value).into_owned());
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(plan: Option<&str>, block: Option<&str>, parcel: Option<&str>, keyed: bool) -> Reference {
        Reference {
            plan: plan.map(str::to_string),
            block: block.map(str::to_string),
            parcel: parcel.map(str::to_string),
            keyed,
        }
    }

    #[test]
    fn full_references_in_arabic_and_english() {
        let want = Some(r(Some("123"), Some("4"), Some("17"), true));
        for q in [
            "plan 123 block 4 parcel 17",
            "Plan No. 123, Block 4, Lot 17",
            "مخطط ١٢٣ بلك ٤ قطعة ١٧",
            "مخطط رقم ١٢٣ بلوك رقم ٤ قطعه رقم ١٧",
            "المخطط 123 البلك 4 القطعة 17",
            "قطعة ١٧ بلك ٤ مخطط ١٢٣",
            "قطعة أرض رقم 17 بلك 4 مخطط 123",
            "مخطط١٢٣ بلك٤ قطعة١٧",
            "123/4/17",
            "١٢٣/٤/١٧",
            "مخطط 123 4 17",
            "مخطط 0123 بلك 04 قطعة 017",
        ] {
            assert_eq!(parse(q), want, "{q}");
        }
    }

    #[test]
    fn slashed_plan_numbers() {
        assert_eq!(
            parse("مخطط 2/123"),
            Some(r(Some("2/123"), None, None, true))
        );
        assert_eq!(parse("2/123"), Some(r(Some("2/123"), None, None, true)));
        assert_eq!(
            parse("2/123/4/17"),
            Some(r(Some("2/123"), Some("4"), Some("17"), true))
        );
        assert_eq!(
            parse("مخطط ٢/١٢٣ بلك ٤ قطعة ١٧"),
            Some(r(Some("2/123"), Some("4"), Some("17"), true))
        );
    }

    #[test]
    fn a_bare_number_is_a_plan_number_not_a_keyed_reference() {
        assert_eq!(parse("١٢٣"), Some(r(Some("123"), None, None, false)));
        assert_eq!(parse("123 4"), Some(r(Some("123"), Some("4"), None, false)));
    }

    #[test]
    fn parts_without_a_plan_and_half_typed_references() {
        assert_eq!(parse("قطعة 17"), Some(r(None, None, Some("17"), true)));
        assert_eq!(
            parse("مخطط 123 بلك"),
            Some(r(Some("123"), None, None, true))
        );
        assert_eq!(parse("مخطط"), None);
        assert_eq!(parse("parcel 17a"), Some(r(None, None, Some("17a"), true)));
        // A child of a subdivision, numbered with a dash, is found as it is indexed.
        assert_eq!(
            parse("plan 12 block 3 parcel 17-1"),
            Some(r(Some("12"), Some("3"), Some(&key("17-1")), true))
        );
        assert_eq!(key("17-1"), "171");
        assert_eq!(
            parse("plan 12 - block 3"),
            Some(r(Some("12"), Some("3"), None, true))
        );
    }

    #[test]
    fn names_are_not_references() {
        for q in [
            "صيدلية النهدي",
            "صيدلية 24",
            "nahdi pharm",
            "حي الفيصلية ٢",
            "1 2 3 4",
        ] {
            assert_eq!(parse(q), None, "{q}");
        }
        assert_eq!(parse("مخطط 1 مخطط 2"), None, "a part given twice");
        assert_eq!(parse("مخطط الفيصلية"), None, "a plan's name");
        assert_eq!(
            parse("بلك أ قطعة 3 مخطط 9"),
            Some(r(Some("9"), Some("ا"), Some("3"), true))
        );
    }

    #[test]
    fn keys_are_folded_without_leading_zeros() {
        assert_eq!(key("017"), "17");
        assert_eq!(key("000"), "0");
        assert_eq!(key("١٧"), "17");
        assert_eq!(key("2/0123"), "2/123");
        assert_eq!(key(" 12 أ "), "12ا");
        assert_eq!(key("12B"), "12b");
        assert!(matches!(key("123"), Cow::Borrowed("123")));
    }
}
