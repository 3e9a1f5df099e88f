//! Tiers of the name index on a handful of names.

use super::*;
use crate::search::normalize::terms;

fn index(names: &[&str]) -> TextIndex {
    let mut b = TextBuilder::default();
    for (i, n) in names.iter().enumerate() {
        b.add(i as u32, Field::NameAr, n);
    }
    b.finish()
}

/// Full matches then partial ones, as (target, tier) sorted by target.
fn hits(ix: &TextIndex, q: &str) -> Vec<(u32, Tier)> {
    let t = terms(q);
    let mut out = Vec::new();
    ix.full(&t, |target, _, tier| out.push((target, tier)));
    ix.partial(&t, |target, _, tier| out.push((target, tier)));
    out.sort_by_key(|(t, _)| *t);
    out
}

const NAMES: &[&str] = &[
    "صيدلية النهدي",         // 0
    "صيدلية",                // 1
    "مستشفى الأمل",           // 2
    "Al-Nahdi Pharmacy",     // 3
    "صيدليات الدواء",        // 4
    "مستشفى الدمام المركزي", // 5
    "Pharmacy",              // 6
    "",                      // 7: skipped
];

#[test]
fn exact_words_prefix_and_partial() {
    let ix = index(NAMES);
    assert_eq!(ix.len(), 7);
    assert_eq!(
        hits(&ix, "صيدلية"),
        [(0, Tier::Words), (1, Tier::Exact)],
        "صيدليات does not hold صيدليه"
    );
    assert_eq!(
        hits(&ix, "صيدل"),
        [(0, Tier::Prefix), (1, Tier::Prefix), (4, Tier::Prefix)]
    );
    assert_eq!(
        hits(&ix, "الصيدلية النهدي"),
        [(0, Tier::Exact), (1, Tier::Partial { matched: 1, of: 2 })]
    );
}

#[test]
fn teh_marbuta_tatweel_and_hamza_variants_meet() {
    let ix = index(NAMES);
    for q in ["صيدليه النهدي", "صيـــدلية النهدي", "صَيْدَلِيَّة نهدي"]
    {
        assert_eq!(hits(&ix, q)[0], (0, Tier::Exact), "{q}");
    }
    for q in ["مستشفى الأمل", "مستشفي الامل", "مستشفى امل", "المستشفى إمل"]
    {
        let got = hits(&ix, q);
        assert_eq!(got[0], (2, Tier::Exact), "{q}");
        assert_eq!(got[1], (5, Tier::Partial { matched: 1, of: 2 }), "{q}");
    }
}

#[test]
fn english_prefixes_and_case() {
    let ix = index(NAMES);
    assert_eq!(
        hits(&ix, "nahdi pharm"),
        [(3, Tier::Prefix), (6, Tier::Partial { matched: 1, of: 2 })]
    );
    assert_eq!(
        hits(&ix, "PHARMACY"),
        [(3, Tier::Words), (6, Tier::Exact)],
        "case does not matter"
    );
    assert_eq!(hits(&ix, "al nahdi pharmacy"), [(3, Tier::Exact)]);
}

#[test]
fn a_half_typed_article_matches_what_follows_it() {
    let ix = index(NAMES);
    let got = hits(&ix, "مستشفى الد");
    assert!(got.contains(&(5, Tier::Prefix)), "{got:?}");
    assert!(
        got.contains(&(2, Tier::Partial { matched: 1, of: 2 })),
        "{got:?}"
    );
    assert_eq!(hits(&ix, "الدمام"), [(5, Tier::Words)]);
    assert_eq!(hits(&ix, "دمام"), [(5, Tier::Words)]);
}

#[test]
fn inside_word_matches_are_partial() {
    let ix = index(&["Alnahdi Store", "Nahdi"]);
    assert_eq!(
        hits(&ix, "nahdi"),
        [(0, Tier::Partial { matched: 1, of: 1 }), (1, Tier::Exact)]
    );
    assert!(
        hits(&ix, "na").iter().all(|(t, _)| *t == 1),
        "short terms only as prefixes"
    );
}

#[test]
fn partial_needs_half_of_the_terms() {
    let ix = index(&["a b c d", "a x y z"]);
    let got = hits(&ix, "a b zz qq");
    assert_eq!(got, [(0, Tier::Partial { matched: 2, of: 4 })]);
}

#[test]
fn scores_order_the_tiers() {
    let s = [
        Tier::Exact,
        Tier::Words,
        Tier::Prefix,
        Tier::Partial { matched: 2, of: 2 },
        Tier::Partial { matched: 1, of: 2 },
    ]
    .map(Tier::score);
    assert!(s.windows(2).all(|w| w[0] > w[1]), "{s:?}");
}

#[test]
fn category_labels_match_through_the_same_rules() {
    let label = crate::search::normalize::words("الصيدلية");
    assert_eq!(
        match_words(&label, &terms("صيدليه"), false),
        Some(Tier::Exact)
    );
    assert_eq!(
        match_words(&label, &terms("صيد"), false),
        Some(Tier::Prefix)
    );
    assert_eq!(match_words(&label, &terms("صيدلية النهدي"), false), None);
    assert_eq!(
        match_words(&label, &terms("صيدلية النهدي"), true),
        Some(Tier::Partial { matched: 1, of: 2 })
    );
}

#[test]
fn an_empty_index_answers_nothing() {
    let ix = index(&[]);
    assert!(hits(&ix, "x").is_empty());
    assert_eq!(ix.vocabulary(), 0);
}
