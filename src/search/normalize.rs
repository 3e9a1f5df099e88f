//! Text normalisation for search: names are indexed and queries are read through the same
//! folding, so the spellings people actually type meet the spellings the data has.
//!
//! [`fold`] makes one comparable string: compatibility decomposition (NFKD: Arabic presentation
//! forms and ligatures become letters, `é` becomes `e` + accent), then every combining mark is
//! dropped (Latin accents, tashkeel U+064B–U+0652, dagger alif U+0670, Quranic marks, the hamza
//! and madda that NFKD splits off `أ إ آ ؤ ئ`), tatweel, invisible marks and the lone hamza `ء`
//! are dropped, `ٱ` → `ا`, `ى ی` → `ي`, `ة` → `ه`, `ک` → `ك`, Arabic-Indic and Persian digits →
//! ASCII, Latin is lower-cased, and anything else that is not a letter or a digit becomes a space
//! (`/` is kept: plan numbers such as `2/123` use it).
//!
//! [`words`] cuts folded text into words (at spaces and `/`) and makes each one canonical: the
//! article `ال` is optional, so it is taken off (with `وال`, `بال`, `فال`, `كال` and `لل`), and
//! `عبد الله` is read as `عبدالله`. Indexing and querying both use canonical words, so `الدمام`
//! finds `دمام` and `دمام` finds `الدمام`. [`terms`] adds what a word being typed may still
//! become: `الد` is a prefix of `الدمام`, whose canonical word is `دمام`.

use unicode_normalization::char::decompose_compatible;

/// What one decomposed character becomes.
enum Folded {
    Drop,
    Space,
    Char(char),
}

fn fold_char(c: char) -> Folded {
    match c {
        // Combining marks: Latin accents (and the marks of other scripts), Arabic harakat,
        // tanwin, shadda, sukun, hamza above/below and madda (split off by NFKD), dagger alif,
        // Quranic annotation marks.
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{08D3}'..='\u{08FF}'
        // Tatweel, the lone hamza (so شاطئ and شاطىء meet), high hamza.
        | '\u{0640}'
        | '\u{0621}'
        | '\u{0674}'
        // Invisible: zero-width, direction marks and isolates, word joiner, BOM, soft hyphen,
        // Arabic letter mark; the Arabic thousands separator joins digits.
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{00AD}'
        | '\u{061C}'
        | '\u{066C}' => Folded::Drop,
        'ٱ' | '\u{0672}' | '\u{0673}' | '\u{0675}' => Folded::Char('ا'),
        'ى' | 'ی' => Folded::Char('ي'),
        'ة' | 'ە' | 'ھ' | 'ہ' => Folded::Char('ه'),
        'ک' => Folded::Char('ك'),
        // Latin letters with a stroke or without a dot, which do not decompose.
        'ı' => Folded::Char('i'),
        'ø' => Folded::Char('o'),
        'ł' => Folded::Char('l'),
        'đ' => Folded::Char('d'),
        'ħ' => Folded::Char('h'),
        '٠'..='٩' => Folded::Char(char::from(b'0' + (c as u32 - 0x0660) as u8)),
        '۰'..='۹' => Folded::Char(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
        '/' | '\\' => Folded::Char('/'),
        c if c.is_alphanumeric() => Folded::Char(c),
        _ => Folded::Space,
    }
}

/// Folds text for comparison (see the module documentation); words are separated by one space,
/// with none at either end. `"الصَّيْدَلِيَّة"` → `"الصيدليه"`, `"Café  Élysée!"` → `"cafe elysee"`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let mut push = |c: char| match fold_char(c) {
        Folded::Drop => {}
        Folded::Space => space = !out.is_empty(),
        Folded::Char(c) => {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    };
    for c in s.chars() {
        if c.is_ascii() {
            push(c.to_ascii_lowercase());
        } else {
            // Character by character is enough: the marks NFKD would reorder are all dropped.
            decompose_compatible(c, |d| d.to_lowercase().for_each(&mut push));
        }
    }
    out
}

/// Prefixes taken off a word, each with the letters that must remain after it: the article
/// `ال`, and the article after the conjunctions `و` `ف` and the prepositions `ب` `ك` `ل`
/// (`لل` is `ل` + `ال`). The remainders are long enough that ordinary words keep their letters
/// (`الف`, `والد`, `بالغ` stay as they are).
const ARTICLES: [(&str, usize); 6] = [
    ("وال", 3),
    ("بال", 3),
    ("فال", 3),
    ("كال", 3),
    ("لل", 3),
    ("ال", 2),
];

/// A folded word without its article: `"الدمام"` → `"دمام"`, `"بالدمام"` → `"دمام"`,
/// `"للخدمات"` → `"خدمات"`; Latin words and short words are returned as they are.
pub fn canonical(word: &str) -> &str {
    for (prefix, min) in ARTICLES {
        if let Some(rest) = word.strip_prefix(prefix)
            && rest.chars().count() >= min
        {
            return rest;
        }
    }
    word
}

/// The canonical words of text (folded first): cut at spaces and `/`, articles taken off, and
/// `عبد` joined to the word after it (`"عبد العزيز"` and `"عبدالعزيز"` both give `"عبدالعزيز"`).
pub fn words(s: &str) -> Vec<String> {
    let folded = fold(s);
    let mut out: Vec<String> = Vec::new();
    let mut pieces = folded
        .split([' ', '/'])
        .filter(|w| !w.is_empty())
        .peekable();
    while let Some(w) = pieces.next() {
        if w == "عبد"
            && let Some(next) = pieces.next()
        {
            out.push(format!("عبد{next}"));
            continue;
        }
        out.push(canonical(w).to_string());
    }
    out
}

/// A word of a query: the canonical word it must equal to match as a whole word, and the
/// prefixes a word of a name must start with to match while the word is still being typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// The canonical word.
    pub word: String,
    /// The canonical word, and, when it starts with an article too short to take off yet
    /// (`"الد"`, typing `"الدمام"`), what follows the article (`"د"`).
    pub prefixes: Vec<String>,
}

/// The terms of a query, in order. An article typed alone (`"صيدلية ال"`, the next word not
/// begun yet) adds nothing to match and is left out, unless it is the whole query.
pub fn terms(query: &str) -> Vec<Term> {
    let folded = fold(query);
    let raw: Vec<&str> = folded.split([' ', '/']).filter(|w| !w.is_empty()).collect();
    let all: Vec<(Term, bool)> = words(query)
        .into_iter()
        .zip(raw_for_words(&raw))
        .map(|(word, raw)| {
            let mut prefixes = vec![word.clone()];
            let mut bare_article = false;
            for (prefix, min) in ARTICLES {
                let Some(rest) = raw.and_then(|r| r.strip_prefix(prefix)) else {
                    continue;
                };
                let typed = rest.chars().count();
                bare_article |= typed == 0;
                let min_typed = if prefix == "ال" { 1 } else { 2 };
                if (min_typed..min).contains(&typed) && !prefixes.iter().any(|p| p == rest) {
                    prefixes.push(rest.to_string());
                }
            }
            (Term { word, prefixes }, bare_article)
        })
        .collect();
    if all.iter().all(|(_, bare)| *bare) {
        return all.into_iter().map(|(t, _)| t).collect();
    }
    all.into_iter()
        .filter(|(_, bare)| !bare)
        .map(|(t, _)| t)
        .collect()
}

/// The raw piece behind each canonical word of [`words`]; `None` for a joined `عبد` pair, whose
/// second piece's article is not an article of the joined word.
fn raw_for_words<'a>(raw: &[&'a str]) -> Vec<Option<&'a str>> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == "عبد" && i + 1 < raw.len() {
            out.push(None);
            i += 2;
        } else {
            out.push(Some(raw[i]));
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests;
