//! Typed attributes of each layer and their parsing from a source's properties.
//!
//! Each layer has a fixed list of core fields (`fields`), each with the names it is commonly
//! found under in sources (aliases). A record's properties are matched to the fields (an explicit
//! `--map target=source` wins, then the field's own name, then its aliases, case-insensitively);
//! the properties no field took are kept as the feature's `extra`.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::category::{CategoryCode, CategoryRegistry, normalize_arabic_key};
use super::layer::LayerKind;
use super::opening_hours::OpeningHours;

mod fields;
mod values;

pub use fields::{FieldSpec, fields};
pub use values::{BlockNo, LandUse, NationalId, Owner, ParcelNo, PlanNo, PlanStatus};

/// The typed core attributes of a feature, one variant per layer.
#[derive(Clone, Debug, PartialEq)]
pub enum Attributes {
    District(District),
    Plan(Plan),
    Street(Street),
    Parcel(Parcel),
    ServicePoint(ServicePoint),
}

impl Attributes {
    /// The layer these attributes belong to.
    pub fn layer(&self) -> LayerKind {
        match self {
            Attributes::District(_) => LayerKind::Districts,
            Attributes::Plan(_) => LayerKind::Plans,
            Attributes::Street(_) => LayerKind::Streets,
            Attributes::Parcel(_) => LayerKind::Parcels,
            Attributes::ServicePoint(_) => LayerKind::ServicePoints,
        }
    }
}

/// A district (حي). At least one name is present.
#[derive(Clone, Debug, PartialEq)]
pub struct District {
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub city: Option<String>,
}

/// A subdivision plan (مخطط).
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub plan_no: PlanNo,
    pub name: Option<String>,
    pub status: PlanStatus,
    pub approved_on: Option<NaiveDate>,
}

/// A street centre line.
#[derive(Clone, Debug, PartialEq)]
pub struct Street {
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    /// Right-of-way width in metres, when known (0 < width ≤ 200).
    pub width_m: Option<f64>,
}

/// A land parcel (قطعة أرض).
#[derive(Clone, Debug, PartialEq)]
pub struct Parcel {
    pub parcel_no: ParcelNo,
    pub plan_no: Option<PlanNo>,
    pub block_no: Option<BlockNo>,
    pub district: Option<String>,
    pub land_use: Option<LandUse>,
    pub deed_no: Option<String>,
    pub deed_date: Option<NaiveDate>,
    /// The area written in the deed, m².
    pub official_area_m2: Option<f64>,
    /// The owner: private, never served by a public interface.
    pub owner: Option<Owner>,
}

/// A service point: a shop, pharmacy, clinic, mosque, ...
#[derive(Clone, Debug, PartialEq)]
pub struct ServicePoint {
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub category: CategoryCode,
    pub phone: Option<String>,
    pub opening_hours: Option<OpeningHours>,
    pub district: Option<String>,
}

/// Why a record's properties do not make valid attributes.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AttributeProblem {
    #[error("missing required attribute {field} (looked for {looked_for})")]
    Missing { field: String, looked_for: String },
    #[error("attribute {field} has an invalid value {value}: {reason}")]
    Invalid {
        field: String,
        value: String,
        reason: String,
    },
}

impl AttributeProblem {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AttributeProblem::Missing { .. } => "missing_attribute",
            AttributeProblem::Invalid { .. } => "invalid_attribute",
        }
    }
}

/// Takes a record's properties field by field, following an explicit mapping first.
pub struct PropertyTaker<'a> {
    layer: LayerKind,
    props: &'a mut Map<String, Value>,
    overrides: &'a HashMap<String, String>,
}

impl<'a> PropertyTaker<'a> {
    /// `overrides` maps a target field name to the source property to read it from.
    pub fn new(
        layer: LayerKind,
        props: &'a mut Map<String, Value>,
        overrides: &'a HashMap<String, String>,
    ) -> Self {
        PropertyTaker {
            layer,
            props,
            overrides,
        }
    }

    fn names(&self, field: &str) -> Vec<String> {
        if let Some(src) = self.overrides.get(field) {
            return vec![src.clone()];
        }
        let aliases = fields(self.layer)
            .iter()
            .find(|f| f.name == field)
            .map_or(&[][..], |f| f.aliases);
        std::iter::once(field)
            .chain(aliases.iter().copied())
            .map(str::to_string)
            .collect()
    }

    /// Removes and returns the first non-empty value found for `field`.
    pub fn take(&mut self, field: &str) -> Option<Value> {
        for name in self.names(field) {
            let key = if self.props.contains_key(&name) {
                Some(name)
            } else {
                self.props
                    .keys()
                    .find(|k| k.eq_ignore_ascii_case(&name))
                    .cloned()
            };
            if let Some(key) = key {
                let empty = matches!(self.props.get(&key), Some(Value::Null))
                    || matches!(self.props.get(&key), Some(Value::String(s)) if s.trim().is_empty());
                if !empty {
                    return self.props.remove(&key);
                }
            }
        }
        None
    }

    fn missing(&self, field: &str) -> AttributeProblem {
        AttributeProblem::Missing {
            field: field.to_string(),
            looked_for: self.names(field).join(", "),
        }
    }

    fn text(&mut self, field: &str) -> Option<String> {
        self.take(field).map(|v| match v {
            Value::String(s) => s.trim().to_string(),
            other => other.to_string(),
        })
    }

    fn parsed<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&Value) -> Result<T, String>,
    ) -> Result<Option<T>, AttributeProblem> {
        match self.take(field) {
            None => Ok(None),
            Some(v) => parse(&v)
                .map(Some)
                .map_err(|reason| AttributeProblem::Invalid {
                    field: field.to_string(),
                    value: v.to_string(),
                    reason,
                }),
        }
    }

    fn required<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&Value) -> Result<T, String>,
    ) -> Result<T, AttributeProblem> {
        self.parsed(field, parse)?
            .ok_or_else(|| self.missing(field))
    }
}

/// Builds a layer's typed attributes from a record's properties; what is not taken stays in `props`.
pub fn parse_attributes(
    taker: &mut PropertyTaker<'_>,
    categories: &CategoryRegistry,
) -> Result<Attributes, AttributeProblem> {
    use values::{date, metres, text_value};
    Ok(match taker.layer {
        LayerKind::Districts => {
            let d = District {
                name_ar: taker.text("name_ar"),
                name_en: taker.text("name_en"),
                city: taker.text("city"),
            };
            if d.name_ar.is_none() && d.name_en.is_none() {
                return Err(taker.missing("name_ar"));
            }
            Attributes::District(d)
        }
        LayerKind::Plans => Attributes::Plan(Plan {
            plan_no: taker.required("plan_no", |v| PlanNo::try_from(text_value(v).as_str()))?,
            name: taker.text("name"),
            status: taker
                .parsed("status", |v| text_value(v).parse())?
                .unwrap_or(PlanStatus::Approved),
            approved_on: taker.parsed("approved_on", date)?,
        }),
        LayerKind::Streets => Attributes::Street(Street {
            name_ar: taker.text("name_ar"),
            name_en: taker.text("name_en"),
            width_m: taker.parsed("width_m", |v| metres(v, 200.0))?,
        }),
        LayerKind::Parcels => {
            let parcel_no =
                taker.required("parcel_no", |v| ParcelNo::try_from(text_value(v).as_str()))?;
            let plan_no = taker.parsed("plan_no", |v| PlanNo::try_from(text_value(v).as_str()))?;
            let block_no =
                taker.parsed("block_no", |v| BlockNo::try_from(text_value(v).as_str()))?;
            let district = taker.text("district");
            let land_use = taker.parsed("land_use", |v| text_value(v).parse())?;
            let deed_no = taker.text("deed_no");
            let deed_date = taker.parsed("deed_date", date)?;
            let official_area_m2 = taker.parsed("official_area_m2", |v| metres(v, 1e9))?;
            let owner_name = taker.text("owner_name");
            let owner_id =
                taker.parsed("owner_id", |v| NationalId::try_from(text_value(v).as_str()))?;
            let owner = match (owner_name, owner_id) {
                (Some(name), Some(national_id)) => Some(Owner { name, national_id }),
                (None, None) => None,
                (Some(_), None) => return Err(taker.missing("owner_id")),
                (None, Some(_)) => return Err(taker.missing("owner_name")),
            };
            Attributes::Parcel(Parcel {
                parcel_no,
                plan_no,
                block_no,
                district,
                land_use,
                deed_no,
                deed_date,
                official_area_m2,
                owner,
            })
        }
        LayerKind::ServicePoints => {
            let name_ar = taker.text("name_ar");
            let name_en = taker.text("name_en");
            if name_ar.is_none() && name_en.is_none() {
                return Err(taker.missing("name_ar"));
            }
            let category = taker.required("category", |v| {
                let t = text_value(v);
                categories
                    .resolve(&t)
                    .map(|c| c.code.clone())
                    .ok_or_else(|| {
                        let known: Vec<_> = categories
                            .all()
                            .iter()
                            .map(|c| c.code.to_string())
                            .collect();
                        format!("unknown category; known: {}", known.join(", "))
                    })
            })?;
            Attributes::ServicePoint(ServicePoint {
                name_ar,
                name_en,
                category,
                phone: taker.text("phone"),
                opening_hours: taker.parsed("opening_hours", |v| {
                    text_value(v)
                        .parse::<OpeningHours>()
                        .map_err(|e| e.to_string())
                })?,
                district: taker.text("district"),
            })
        }
    })
}

/// Folds a label for matching: Arabic normalised, Latin lower-cased, spaces and `_`/`-` unified.
pub(crate) fn label_key(s: &str) -> String {
    normalize_arabic_key(&s.trim().to_lowercase().replace(['_', '-'], " "))
}

#[cfg(test)]
mod tests;
