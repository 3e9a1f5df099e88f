//! The inverted index of names and how well a name matches a query.
//!
//! Every name (a service point's Arabic or English name, a district's, a plan's) is a document of
//! canonical words (`normalize::words`). The vocabulary is sorted, so the words starting with a
//! prefix are one contiguous range of word ids and the documents holding any of them are one
//! slice per word of the postings; a range's document count is a difference of two offsets.
//! A query is answered from its rarest term: the documents of that term's range are the only
//! candidates for matching every term, and each is checked by comparing word ids.
//!
//! Tiers, best first: every term equals a word and the name is exactly the query (`Exact`);
//! every term equals a word (`Words`); every term equals or starts a word (`Prefix`); at least
//! half the terms (at least one) match a word, perhaps inside it (`Partial`).

use std::collections::HashMap;

use super::normalize::{Term, words};

/// The field of a feature that matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    NameAr,
    NameEn,
    /// A plan's name.
    Name,
    /// A service point's category label or alias.
    Category,
    PlanNo,
    /// A parcel's plan, block and parcel numbers.
    ParcelRef,
}

impl Field {
    /// Every field, in the order of the enum (a field's position is `field as usize`).
    pub const ALL: [Field; 6] = [
        Field::NameAr,
        Field::NameEn,
        Field::Name,
        Field::Category,
        Field::PlanNo,
        Field::ParcelRef,
    ];

    /// The name served in results (`match`).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::NameAr => "name_ar",
            Field::NameEn => "name_en",
            Field::Name => "name",
            Field::Category => "category",
            Field::PlanNo => "plan_no",
            Field::ParcelRef => "parcel_ref",
        }
    }
}

/// How well a name matches a query, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    Exact,
    Words,
    Prefix,
    /// `matched` of `of` terms match a word (whole, as a prefix or inside it).
    Partial {
        matched: usize,
        of: usize,
    },
}

impl Tier {
    /// The score served with a result, in (0, 1]: 1 exact, 0.8 whole words, 0.6 prefixes,
    /// 0.2 to 0.5 partial (by the share of terms matched).
    pub fn score(self) -> f64 {
        match self {
            Tier::Exact => 1.0,
            Tier::Words => 0.8,
            Tier::Prefix => 0.6,
            Tier::Partial { matched, of } => 0.2 + 0.3 * matched as f64 / of.max(1) as f64,
        }
    }

    /// Whether every term matched (whole or as a prefix).
    pub fn is_full(self) -> bool {
        !matches!(self, Tier::Partial { .. })
    }
}

/// How one term matches one word, worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    None,
    Infix,
    Prefix,
    Whole,
}

/// The tier of a name whose best match per term is `kinds`; `exact` when the name's words are
/// the terms' words in order.
fn tier_of(kinds: impl Iterator<Item = Kind>, exact: bool) -> Option<Tier> {
    let (mut of, mut whole, mut prefix, mut matched) = (0, 0, 0, 0);
    for k in kinds {
        of += 1;
        whole += usize::from(k == Kind::Whole);
        prefix += usize::from(k >= Kind::Prefix);
        matched += usize::from(k >= Kind::Infix);
    }
    match () {
        _ if of == 0 => None,
        _ if whole == of && exact => Some(Tier::Exact),
        _ if whole == of => Some(Tier::Words),
        _ if prefix == of => Some(Tier::Prefix),
        _ if matched >= of.div_ceil(2).max(1) => Some(Tier::Partial { matched, of }),
        _ => None,
    }
}

/// Terms shorter than this (in characters) are not looked for inside words.
const MIN_INFIX: usize = 3;

/// How a name of a few words (a category label) matches the terms; `partial` allows `Partial`.
pub fn match_words(name: &[String], terms: &[Term], partial: bool) -> Option<Tier> {
    let kinds = terms.iter().map(|t| {
        let kind = |w: &String| {
            if *w == t.word {
                Kind::Whole
            } else if t.prefixes.iter().any(|p| w.starts_with(p.as_str())) {
                Kind::Prefix
            } else if partial && t.word.chars().count() >= MIN_INFIX && w.contains(&t.word) {
                Kind::Infix
            } else {
                Kind::None
            }
        };
        name.iter().map(kind).max().unwrap_or(Kind::None)
    });
    let exact = name.len() == terms.len() && name.iter().zip(terms).all(|(w, t)| *w == t.word);
    tier_of(kinds, exact).filter(|t| partial || t.is_full())
}

/// Collects names, then sorts the vocabulary and lays out the postings.
#[derive(Default)]
pub struct TextBuilder {
    /// Names already read → their words in `doc_words` (names repeat: brands, templates).
    names: HashMap<Box<str>, (u32, u32)>,
    ids: HashMap<String, u32>,
    vocab: Vec<String>,
    doc_words: Vec<u32>,
    doc_start: Vec<u32>,
    docs: Vec<(u32, Field)>,
}

impl TextBuilder {
    /// Adds the name `text` of `target` (an index into the caller's targets); empty names are
    /// skipped.
    pub fn add(&mut self, target: u32, field: Field, text: &str) {
        if self.doc_start.is_empty() {
            self.doc_start.push(0);
        }
        if let Some(&(a, b)) = self.names.get(text) {
            self.doc_words.extend_from_within(a as usize..b as usize);
            self.doc_start.push(self.doc_words.len() as u32);
            self.docs.push((target, field));
            return;
        }
        let ws = words(text);
        if ws.is_empty() {
            return;
        }
        let start = self.doc_words.len() as u32;
        for w in ws {
            let next = self.vocab.len() as u32;
            let id = *self.ids.entry(w).or_insert_with_key(|w| {
                self.vocab.push(w.clone());
                next
            });
            self.doc_words.push(id);
        }
        let end = self.doc_words.len() as u32;
        self.names.insert(text.into(), (start, end));
        self.doc_start.push(end);
        self.docs.push((target, field));
    }

    /// The finished index.
    pub fn finish(self) -> TextIndex {
        let TextBuilder {
            vocab,
            mut doc_words,
            mut doc_start,
            docs,
            ..
        } = self;
        if doc_start.is_empty() {
            doc_start.push(0);
        }
        let mut order: Vec<u32> = (0..vocab.len() as u32).collect();
        order.sort_unstable_by(|a, b| vocab[*a as usize].cmp(&vocab[*b as usize]));
        let mut new_id = vec![0u32; vocab.len()];
        for (new, old) in order.iter().enumerate() {
            new_id[*old as usize] = new as u32;
        }
        for w in &mut doc_words {
            *w = new_id[*w as usize];
        }
        let mut slots: Vec<Option<String>> = vocab.into_iter().map(Some).collect();
        let vocab: Vec<Box<str>> = order
            .iter()
            .map(|old| {
                slots[*old as usize]
                    .take()
                    .unwrap_or_default()
                    .into_boxed_str()
            })
            .collect();
        // Postings, each document once per word, documents in increasing order.
        let unique = |d: usize| {
            let mut ws = doc_words[doc_start[d] as usize..doc_start[d + 1] as usize].to_vec();
            ws.sort_unstable();
            ws.dedup();
            ws
        };
        let mut post_start = vec![0u32; vocab.len() + 1];
        for d in 0..docs.len() {
            for w in unique(d) {
                post_start[w as usize + 1] += 1;
            }
        }
        for i in 0..vocab.len() {
            post_start[i + 1] += post_start[i];
        }
        let mut fill = post_start.clone();
        let mut postings = vec![0u32; post_start[vocab.len()] as usize];
        for d in 0..docs.len() {
            for w in unique(d) {
                postings[fill[w as usize] as usize] = d as u32;
                fill[w as usize] += 1;
            }
        }
        TextIndex {
            vocab,
            post_start,
            postings,
            doc_start,
            doc_words,
            docs,
        }
    }
}

/// The index of names (see the module documentation).
pub struct TextIndex {
    /// Canonical words, sorted; a word's id is its position.
    vocab: Vec<Box<str>>,
    /// Word id → its documents: `postings[post_start[id]..post_start[id + 1]]`.
    post_start: Vec<u32>,
    postings: Vec<u32>,
    /// Document → its words in order: `doc_words[doc_start[d]..doc_start[d + 1]]`.
    doc_start: Vec<u32>,
    doc_words: Vec<u32>,
    /// Document → (target, field).
    docs: Vec<(u32, Field)>,
}

/// A term looked up in the vocabulary.
struct Lookup {
    whole: Option<u32>,
    /// Word-id ranges of the words the term's prefixes start (the whole word among them).
    ranges: Vec<(u32, u32)>,
    /// Words holding the term inside (sorted ids), when partial matches are wanted.
    infix: Vec<u32>,
    /// Documents reachable through `ranges` (an upper bound: ranges may share documents).
    estimate: usize,
}

impl Lookup {
    fn kind(&self, w: u32) -> Kind {
        if self.whole == Some(w) {
            Kind::Whole
        } else if self.ranges.iter().any(|(lo, hi)| (*lo..*hi).contains(&w)) {
            Kind::Prefix
        } else if self.infix.binary_search(&w).is_ok() {
            Kind::Infix
        } else {
            Kind::None
        }
    }
}

impl TextIndex {
    /// Number of names indexed.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Number of distinct words.
    pub fn vocabulary(&self) -> usize {
        self.vocab.len()
    }

    /// Estimated heap bytes.
    pub fn heap_bytes(&self) -> usize {
        self.vocab.iter().map(|w| w.len() + 16).sum::<usize>()
            + 4 * (self.post_start.len() + self.postings.len())
            + 4 * (self.doc_start.len() + self.doc_words.len())
            + 8 * self.docs.len()
    }

    /// The range of word ids starting with `prefix`.
    fn range(&self, prefix: &str) -> (u32, u32) {
        let lo = self.vocab.partition_point(|w| **w < *prefix);
        let len = self.vocab[lo..].partition_point(|w| w.starts_with(prefix));
        (lo as u32, (lo + len) as u32)
    }

    fn lookup(&self, t: &Term, partial: bool) -> Lookup {
        let ranges: Vec<(u32, u32)> = t.prefixes.iter().map(|p| self.range(p)).collect();
        let mut infix = Vec::new();
        if partial && t.word.chars().count() >= MIN_INFIX {
            infix = (0..self.vocab.len() as u32)
                .filter(|id| !ranges.iter().any(|(lo, hi)| (*lo..*hi).contains(id)))
                .filter(|id| self.vocab[*id as usize].contains(t.word.as_str()))
                .collect();
        }
        let estimate = ranges
            .iter()
            .map(|(lo, hi)| {
                (self.post_start[*hi as usize] - self.post_start[*lo as usize]) as usize
            })
            .sum();
        Lookup {
            whole: self
                .vocab
                .binary_search_by(|w| (**w).cmp(t.word.as_str()))
                .ok()
                .map(|i| i as u32),
            ranges,
            infix,
            estimate,
        }
    }

    /// Calls `f` once for each document holding a word of the ids given, in document order.
    fn each_doc(&self, ids: impl Iterator<Item = u32>, mut f: impl FnMut(u32)) {
        let mut seen = vec![0u64; self.docs.len().div_ceil(64)];
        for id in ids {
            let (a, b) = (
                self.post_start[id as usize],
                self.post_start[id as usize + 1],
            );
            for d in &self.postings[a as usize..b as usize] {
                seen[*d as usize / 64] |= 1 << (d % 64);
            }
        }
        for (i, word) in seen.iter().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                f(i as u32 * 64 + bits.trailing_zeros());
                bits &= bits - 1;
            }
        }
    }

    fn classify(&self, doc: u32, lookups: &[Lookup]) -> Option<Tier> {
        let d = doc as usize;
        let ws = &self.doc_words[self.doc_start[d] as usize..self.doc_start[d + 1] as usize];
        let kinds = lookups
            .iter()
            .map(|l| ws.iter().map(|w| l.kind(*w)).max().unwrap_or(Kind::None));
        let exact =
            ws.len() == lookups.len() && ws.iter().zip(lookups).all(|(w, l)| l.whole == Some(*w));
        tier_of(kinds, exact)
    }

    /// Names matching every term (whole or as a prefix): `f(target, field, tier)` for each.
    pub fn full(&self, terms: &[Term], mut f: impl FnMut(u32, Field, Tier)) {
        let lookups: Vec<Lookup> = terms.iter().map(|t| self.lookup(t, false)).collect();
        let Some(driver) = lookups.iter().min_by_key(|l| l.estimate) else {
            return;
        };
        let ids = driver.ranges.iter().flat_map(|(lo, hi)| *lo..*hi);
        self.each_doc(ids, |doc| {
            if let Some(tier) = self.classify(doc, &lookups).filter(|t| t.is_full()) {
                let (target, field) = self.docs[doc as usize];
                f(target, field, tier);
            }
        });
    }

    /// Names matching only some terms, or inside words: `f(target, field, tier)` for each.
    pub fn partial(&self, terms: &[Term], mut f: impl FnMut(u32, Field, Tier)) {
        let lookups: Vec<Lookup> = terms.iter().map(|t| self.lookup(t, true)).collect();
        let ids = lookups.iter().flat_map(|l| {
            l.ranges
                .iter()
                .flat_map(|(lo, hi)| *lo..*hi)
                .chain(l.infix.iter().copied())
        });
        self.each_doc(ids, |doc| {
            if let Some(tier) = self.classify(doc, &lookups).filter(|t| !t.is_full()) {
                let (target, field) = self.docs[doc as usize];
                f(target, field, tier);
            }
        });
    }
}

#[cfg(test)]
mod tests;
