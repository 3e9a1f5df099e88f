//! Value types of attributes: plan, block and parcel numbers, land use, plan status, owners,
//! and the parsing of numbers and dates written the ways Saudi sources write them.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde_json::Value;

use super::label_key;

/// Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII, Arabic decimal separator to '.'.
pub fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '\u{066B}' => '.',
            '\u{066C}' => ',',
            other => other,
        })
        .collect()
}

/// A JSON value as trimmed text (numbers written plainly).
pub fn text_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    }
}

/// A non-negative number no larger than `max`, from a number or text (Arabic digits accepted).
pub fn metres(v: &Value, max: f64) -> Result<f64, String> {
    let x = match v {
        Value::Number(n) => n.as_f64().ok_or("not a number")?,
        Value::String(s) => ascii_digits(s.trim())
            .trim_end_matches(['m', 'م', ' '])
            .replace(',', "")
            .parse::<f64>()
            .map_err(|_| "not a number".to_string())?,
        _ => return Err("not a number".into()),
    };
    if !x.is_finite() || x <= 0.0 || x > max {
        return Err(format!("must be greater than 0 and at most {max}"));
    }
    Ok(x)
}

/// A Gregorian date: `YYYY-MM-DD`, `YYYY/MM/DD`, `DD/MM/YYYY`, or the date part of a date-time.
pub fn date(v: &Value) -> Result<NaiveDate, String> {
    let s = ascii_digits(&text_value(v));
    let day = s.split(['T', ' ']).next().unwrap_or("");
    let parsed = NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(day, "%Y/%m/%d"))
        .or_else(|_| NaiveDate::parse_from_str(day, "%d/%m/%Y"))
        .map_err(|_| "expected a date such as 2024-05-31".to_string())?;
    if parsed.format("%Y").to_string().parse::<i32>().unwrap_or(0) < 1700 {
        return Err("looks like a Hijri date: give the Gregorian date".into());
    }
    Ok(parsed)
}

macro_rules! reference_number {
    ($name:ident, $what:literal) => {
        #[doc = concat!("A ", $what, ": trimmed, non-empty, at most 32 characters, Arabic digits as ASCII.")]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        pub struct $name(String);

        impl TryFrom<&str> for $name {
            type Error = String;
            fn try_from(s: &str) -> Result<Self, String> {
                let t = ascii_digits(s.trim());
                if t.is_empty() {
                    return Err(concat!("a ", $what, " cannot be empty").into());
                }
                if t.chars().count() > 32 || t.chars().any(char::is_control) {
                    return Err(concat!("a ", $what, " is at most 32 printable characters").into());
                }
                Ok($name(t))
            }
        }

        impl $name {
            /// The number as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

reference_number!(ParcelNo, "parcel number");
reference_number!(PlanNo, "plan number");
reference_number!(BlockNo, "block number");

/// A Saudi national id or iqama number: ten digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NationalId(String);

impl TryFrom<&str> for NationalId {
    type Error = String;
    fn try_from(s: &str) -> Result<Self, String> {
        let t = ascii_digits(s.trim());
        if t.len() == 10 && t.bytes().all(|b| b.is_ascii_digit()) {
            Ok(NationalId(t))
        } else {
            Err("a national id has exactly 10 digits".into())
        }
    }
}

impl NationalId {
    /// The id's digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NationalId(**********)")
    }
}

/// A parcel's owner. Private: `Debug` does not print it, no public interface serves it.
#[derive(Clone, PartialEq)]
pub struct Owner {
    pub name: String,
    pub national_id: NationalId,
}

impl fmt::Debug for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Owner(<private>)")
    }
}

macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $en:literal, $ar:literal;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)* }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            /// Stable code stored and served.
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code,)* } }
            /// English label.
            pub fn label_en(self) -> &'static str { match self { $($name::$variant => $en,)* } }
            /// Arabic label.
            pub fn label_ar(self) -> &'static str { match self { $($name::$variant => $ar,)* } }
        }

        impl FromStr for $name {
            type Err = String;
            /// Accepts the code, the English label or the Arabic label (normalised).
            fn from_str(s: &str) -> Result<Self, String> {
                let key = label_key(s);
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| [v.code(), v.label_en(), v.label_ar()].iter().any(|l| label_key(l) == key))
                    .ok_or_else(|| {
                        let codes: Vec<&str> = $name::ALL.iter().map(|v| v.code()).collect();
                        format!("expected one of {}", codes.join(", "))
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.code()) }
        }
    };
}

labelled_enum!(
    /// What a parcel is used for (استخدام الأرض).
    LandUse {
        Residential = "residential", "Residential", "سكني";
        Commercial = "commercial", "Commercial", "تجاري";
        MixedUse = "mixed_use", "Residential-commercial", "سكني تجاري";
        Industrial = "industrial", "Industrial", "صناعي";
        Agricultural = "agricultural", "Agricultural", "زراعي";
        Government = "government", "Government", "حكومي";
        Educational = "educational", "Educational", "تعليمي";
        Religious = "religious", "Religious", "ديني";
        Health = "health", "Health", "صحي";
        Park = "park", "Park", "حديقة";
        Utility = "utility", "Utility", "مرافق";
        Vacant = "vacant", "Vacant", "أرض فضاء";
    }
);

labelled_enum!(
    /// Where a plan is in its approval (اعتماد المخطط).
    PlanStatus {
        Proposed = "proposed", "Proposed", "مقترح";
        UnderReview = "under_review", "Under review", "قيد الدراسة";
        Approved = "approved", "Approved", "معتمد";
        Cancelled = "cancelled", "Cancelled", "ملغى";
    }
);
