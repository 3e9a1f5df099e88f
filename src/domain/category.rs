//! Categories of service points (grocery, pharmacy, mosque, ...): their stable codes, their Arabic
//! and English labels, and resolving what a citizen typed, in either language, to a category.
//!
//! The fixed default list is [`CategoryRegistry::default`]; a city's configuration can add
//! categories (`[[categories]] code = "laundry" label_ar = "مغسلة" label_en = "Laundry"`) through
//! [`CategoryRegistry::with_extra`]. Codes are stored in the database and used in URLs, so the
//! default ones must never change.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Longest accepted category code, in bytes.
const MAX_CODE_LEN: usize = 64;

/// Why a category or a set of categories was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CategoryError {
    /// The code is not lowercase ASCII `snake_case`.
    #[error("invalid category code \"{code}\": {reason}")]
    InvalidCode {
        /// The code as given.
        code: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Two categories share a code.
    #[error("duplicate category code \"{0}\"")]
    DuplicateCode(CategoryCode),
    /// A label or alias is empty (or only spaces, diacritics or the article ال).
    #[error("category \"{code}\" has an empty {field}")]
    EmptyName {
        /// The category.
        code: CategoryCode,
        /// `label_ar`, `label_en` or `alias`.
        field: &'static str,
    },
    /// A code, label or alias of one category means the same as one of another after normalisation.
    #[error("\"{name}\" would name both category \"{first}\" and \"{second}\"")]
    AmbiguousName {
        /// The name as written in the later category.
        name: String,
        /// The category that already had it.
        first: CategoryCode,
        /// The category that also claims it.
        second: CategoryCode,
    },
}

/// The stable code of a category: lowercase ASCII `snake_case` (`gas_cylinders`), starting with a
/// letter, at most 64 bytes. (De)serialises as a plain string, validated.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CategoryCode(String);

impl CategoryCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn check(code: &str) -> Result<(), &'static str> {
        let bytes = code.as_bytes();
        match bytes {
            [] => Err("empty"),
            _ if bytes.len() > MAX_CODE_LEN => Err("longer than 64 characters"),
            [first, ..] if !first.is_ascii_lowercase() => Err("must start with a lowercase letter"),
            _ if !bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_') =>
            {
                Err("only lowercase ASCII letters, digits and \"_\" are allowed")
            }
            [.., b'_'] => Err("must not end with \"_\""),
            _ if code.contains("__") => Err("must not contain \"__\""),
            _ => Ok(()),
        }
    }
}

impl TryFrom<&str> for CategoryCode {
    type Error = CategoryError;

    fn try_from(code: &str) -> Result<Self, Self::Error> {
        Self::try_from(code.to_owned())
    }
}

impl TryFrom<String> for CategoryCode {
    type Error = CategoryError;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        match Self::check(&code) {
            Ok(()) => Ok(Self(code)),
            Err(reason) => Err(CategoryError::InvalidCode { code, reason }),
        }
    }
}

impl FromStr for CategoryCode {
    type Err = CategoryError;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Self::try_from(code)
    }
}

impl From<CategoryCode> for String {
    fn from(code: CategoryCode) -> Self {
        code.0
    }
}

impl AsRef<str> for CategoryCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CategoryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A kind of service point, as listed by default or added by configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Stable code, stored with each service point.
    pub code: CategoryCode,
    /// Arabic label shown to citizens (`صيدلية`).
    pub label_ar: String,
    /// English label (`Pharmacy`).
    pub label_en: String,
    /// Other names, in either language, that [`CategoryRegistry::resolve`] accepts.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// The default categories: (code, Arabic label, English label, aliases).
#[rustfmt::skip]
const DEFAULTS: &[(&str, &str, &str, &[&str])] = &[
    ("grocery", "بقالة", "Grocery", &["تموينات", "سوبرماركت", "supermarket", "grocery store"]),
    ("bakery", "مخبز", "Bakery", &[]),
    ("pharmacy", "صيدلية", "Pharmacy", &["chemist", "drugstore"]),
    ("hospital", "مستشفى", "Hospital", &[]),
    ("clinic", "عيادة", "Clinic", &["مستوصف", "مجمع طبي", "polyclinic", "medical center"]),
    ("gas_cylinders", "بيع اسطوانات الغاز", "Gas cylinders", &["غاز", "اسطوانات غاز", "gas", "lpg"]),
    ("water_seller", "بيع المياه", "Water seller", &["مياه", "water", "drinking water"]),
    ("maintenance", "ورشة صيانة", "Maintenance workshop", &["ورشة", "صيانة", "workshop", "repair"]),
    ("fuel_station", "محطة وقود", "Fuel station", &["محطة بنزين", "petrol station", "gas station"]),
    ("school", "مدرسة", "School", &[]),
    ("mosque", "مسجد", "Mosque", &["جامع"]),
    ("government_office", "جهة حكومية", "Government office", &["دائرة حكومية"]),
];

fn default_categories() -> Vec<Category> {
    DEFAULTS
        .iter()
        .map(|(code, ar, en, aliases)| Category {
            code: CategoryCode((*code).to_owned()),
            label_ar: (*ar).to_owned(),
            label_en: (*en).to_owned(),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        })
        .collect()
}

/// The categories known to the server, with a lookup by any of their names.
#[derive(Clone, Debug)]
pub struct CategoryRegistry {
    categories: Vec<Category>,
    /// Normalised name (see [`lookup_key`]) → index into `categories`.
    by_name: HashMap<String, usize>,
}

impl Default for CategoryRegistry {
    /// The fixed default list: `grocery`, `bakery`, `pharmacy`, `hospital`, `clinic`,
    /// `gas_cylinders`, `water_seller`, `maintenance`, `fuel_station`, `school`, `mosque`,
    /// `government_office`.
    fn default() -> Self {
        let categories = default_categories();
        // The defaults pass `new`'s checks (tested); should a name clash, the first one wins.
        let mut by_name = HashMap::new();
        for (index, category) in categories.iter().enumerate() {
            for name in names(category) {
                by_name.entry(lookup_key(name)).or_insert(index);
            }
        }
        Self {
            categories,
            by_name,
        }
    }
}

impl CategoryRegistry {
    /// A registry of exactly `categories`, in that order. Fails on a duplicate code, an empty
    /// label or alias, or a name that would resolve to two different categories.
    pub fn new(categories: Vec<Category>) -> Result<Self, CategoryError> {
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for (index, category) in categories.iter().enumerate() {
            let code = &category.code;
            if categories[..index].iter().any(|c| c.code == *code) {
                return Err(CategoryError::DuplicateCode(code.clone()));
            }
            let fields = [
                ("label_ar", &category.label_ar),
                ("label_en", &category.label_en),
            ];
            let aliases = category.aliases.iter().map(|a| ("alias", a));
            for (field, name) in fields.into_iter().chain(aliases) {
                if lookup_key(name).is_empty() {
                    return Err(CategoryError::EmptyName {
                        code: code.clone(),
                        field,
                    });
                }
            }
            for name in names(category) {
                match by_name.get(&lookup_key(name)) {
                    Some(&other) if other != index => {
                        return Err(CategoryError::AmbiguousName {
                            name: name.to_owned(),
                            first: categories[other].code.clone(),
                            second: code.clone(),
                        });
                    }
                    Some(_) => {}
                    None => {
                        by_name.insert(lookup_key(name), index);
                    }
                }
            }
        }
        Ok(Self {
            categories,
            by_name,
        })
    }

    /// The default categories followed by `extra` (from configuration), checked as by [`Self::new`].
    pub fn with_extra(extra: Vec<Category>) -> Result<Self, CategoryError> {
        let mut categories = default_categories();
        categories.extend(extra);
        Self::new(categories)
    }

    /// The category with this code.
    pub fn get(&self, code: &CategoryCode) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == *code)
    }

    /// All categories, defaults first, in a stable order.
    pub fn all(&self) -> &[Category] {
        &self.categories
    }

    /// The category a citizen or a data file means by `input`: its code, English label or alias
    /// (case-insensitive; `_`, `-` and spaces alike), or Arabic label or alias as normalised by
    /// [`normalize_arabic_key`]. `"صيدليه"`, `"الصيدلية"`, `"Pharmacy"` and `"pharmacy"` all give
    /// the pharmacy category.
    pub fn resolve(&self, input: &str) -> Option<&Category> {
        let key = lookup_key(input);
        if key.is_empty() {
            return None;
        }
        self.by_name.get(&key).map(|&index| &self.categories[index])
    }
}

/// Every name a category answers to.
fn names(category: &Category) -> impl Iterator<Item = &str> {
    [
        category.code.as_str(),
        category.label_ar.as_str(),
        category.label_en.as_str(),
    ]
    .into_iter()
    .chain(category.aliases.iter().map(String::as_str))
}

/// The key names are compared by: `_` and `-` read as spaces, then [`normalize_arabic_key`].
fn lookup_key(name: &str) -> String {
    normalize_arabic_key(&name.replace(['_', '-'], " "))
}

/// A light normalisation of Arabic (and mixed) text for comparing short names, not a full search
/// normaliser: lowercases, trims and collapses whitespace, removes diacritics (harakat, tanwin,
/// shadda, sukun, dagger alif, Quranic marks), tatweel and invisible direction marks, maps
/// `أ إ آ ٱ` → `ا`, `ة` → `ه`, `ى` and Persian `ی` → `ي`, Persian `ک` → `ك`, and drops a leading
/// `ال` from each word of more than three letters. `"الصَّيْدَلِيَّة"` → `"صيدليه"`.
pub fn normalize_arabic_key(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .filter_map(|c| match c {
            '\u{0610}'..='\u{061A}'
            | '\u{064B}'..='\u{065F}'
            | '\u{0670}'
            | '\u{06D6}'..='\u{06ED}'
            | '\u{0640}'
            | '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{FEFF}' => None,
            'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),
            'ة' => Some('ه'),
            'ى' | 'ی' => Some('ي'),
            'ک' => Some('ك'),
            _ => Some(c),
        })
        .flat_map(char::to_lowercase)
        .collect();
    cleaned
        .split_whitespace()
        .map(|word| match word.strip_prefix("ال") {
            Some(rest) if rest.chars().count() >= 2 => rest,
            _ => word,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
