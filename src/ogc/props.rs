//! Reading one public property of a feature without building the whole property map, for
//! filters over many features. The values are those `domain::public::properties` shows (the
//! integration tests compare every property of every feature), typed for comparison: dates and
//! times as dates and times, measures as numbers rounded as shown.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use super::OgcError;
use crate::domain::attributes::{Attributes, fields};
use crate::domain::category::CategoryRegistry;
use crate::domain::public::property_names;
use crate::domain::{Feature, LayerKind};
use crate::index::LayerIndex;

/// The type a public property's values have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Number,
    /// A calendar date, shown as `YYYY-MM-DD`.
    Date,
    /// An instant, shown as `YYYY-MM-DDTHH:MM:SSZ`.
    DateTime,
    /// A source property whose type is not known in advance.
    Any,
}

/// A typed public property.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Typed {
    SourceId,
    NameAr,
    NameEn,
    City,
    AreaM2,
    PlanNo,
    Name,
    Status,
    ApprovedOn,
    WidthM,
    LengthM,
    ParcelNo,
    BlockNo,
    District,
    LandUse,
    DeedNo,
    DeedDate,
    OfficialAreaM2,
    Category,
    CategoryAr,
    CategoryEn,
    Phone,
    OpeningHours,
    ValidFrom,
    ValidTo,
}

impl Typed {
    /// The typed property called `name` (whichever layer has it).
    pub fn from_name(name: &str) -> Option<Typed> {
        use Typed::*;
        Some(match name {
            "source_id" => SourceId,
            "name_ar" => NameAr,
            "name_en" => NameEn,
            "city" => City,
            "area_m2" => AreaM2,
            "plan_no" => PlanNo,
            "name" => Name,
            "status" => Status,
            "approved_on" => ApprovedOn,
            "width_m" => WidthM,
            "length_m" => LengthM,
            "parcel_no" => ParcelNo,
            "block_no" => BlockNo,
            "district" => District,
            "land_use" => LandUse,
            "deed_no" => DeedNo,
            "deed_date" => DeedDate,
            "official_area_m2" => OfficialAreaM2,
            "category" => Category,
            "category_ar" => CategoryAr,
            "category_en" => CategoryEn,
            "phone" => Phone,
            "opening_hours" => OpeningHours,
            "valid_from" => ValidFrom,
            "valid_to" => ValidTo,
            _ => return None,
        })
    }

    /// The type of its values.
    pub fn kind(self) -> Kind {
        use Typed::*;
        match self {
            AreaM2 | WidthM | LengthM | OfficialAreaM2 => Kind::Number,
            ApprovedOn | DeedDate => Kind::Date,
            ValidFrom | ValidTo => Kind::DateTime,
            _ => Kind::String,
        }
    }
}

/// A property a filter can read: a typed one, or one the source brought (`extra`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prop {
    Typed(Typed),
    Extra(String),
}

/// A property's value in one feature.
#[derive(Clone, Debug, PartialEq)]
pub enum Val<'a> {
    Null,
    Str(Cow<'a, str>),
    Num(f64),
    Bool(bool),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    /// An array or object from the source (never equal to a literal).
    Other(&'a Value),
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn text(s: &Option<String>) -> Val<'_> {
    s.as_deref()
        .map_or(Val::Null, |s| Val::Str(Cow::Borrowed(s)))
}

fn from_json(v: &Value) -> Val<'_> {
    match v {
        Value::Null => Val::Null,
        Value::String(s) => Val::Str(Cow::Borrowed(s)),
        Value::Number(n) => n.as_f64().map_or(Val::Other(v), Val::Num),
        Value::Bool(b) => Val::Bool(*b),
        other => Val::Other(other),
    }
}

impl Val<'_> {
    /// The value as `domain::public::properties` writes it.
    pub fn to_json(&self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Str(s) => json!(s),
            Val::Num(x) => json!(x),
            Val::Bool(b) => json!(b),
            Val::Date(d) => json!(d.to_string()),
            Val::Time(t) => json!(t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
            Val::Other(v) => (*v).clone(),
        }
    }
}

/// Whether `name` is a private field of `layer` (an owner's name or id): never readable.
pub fn is_private(layer: LayerKind, name: &str) -> bool {
    fields(layer)
        .iter()
        .any(|f| f.private && (f.name == name || f.aliases.contains(&name)))
}

impl Prop {
    /// The property `name` of `layer`: a typed public property, or a source property that at
    /// least one current feature has. Unknown and private names are refused alike.
    pub fn resolve(layer: &LayerIndex, name: &str) -> Result<Prop, OgcError> {
        let kind = layer.layer();
        if !is_private(kind, name) {
            if property_names(kind).contains(&name)
                && let Some(t) = Typed::from_name(name)
            {
                return Ok(Prop::Typed(t));
            }
            if !property_names(kind).contains(&name)
                && layer.iter().any(|f| f.feature.extra().contains_key(name))
            {
                return Ok(Prop::Extra(name.to_string()));
            }
        }
        Err(OgcError::bad(format!(
            "unknown property {name:?} in collection {kind}: use one of {} and geometry \
             (see /collections/{kind}/queryables)",
            property_names(kind).join(", ")
        )))
    }

    /// The type of the property's values.
    pub fn kind(&self) -> Kind {
        match self {
            Prop::Typed(t) => t.kind(),
            Prop::Extra(_) => Kind::Any,
        }
    }

    /// The property's value in `f`.
    pub fn get<'a>(&self, f: &'a Feature, categories: &'a CategoryRegistry) -> Val<'a> {
        use Typed as T;
        let t = match self {
            Prop::Extra(name) => return f.extra().get(name).map_or(Val::Null, from_json),
            Prop::Typed(t) => *t,
        };
        let life = f.lifespan();
        let a = f.attributes();
        match (t, a) {
            (T::SourceId, _) => f
                .source_id()
                .map_or(Val::Null, |s| Val::Str(Cow::Borrowed(s.as_str()))),
            (T::ValidFrom, _) => life.valid_from.map_or(Val::Null, Val::Time),
            (T::ValidTo, _) => life.valid_to.map_or(Val::Null, Val::Time),
            (T::AreaM2, _) => Val::Num(round2(f.area_m2())),
            (T::LengthM, _) => Val::Num(round2(f.length_m())),
            (T::NameAr, Attributes::District(d)) => text(&d.name_ar),
            (T::NameEn, Attributes::District(d)) => text(&d.name_en),
            (T::City, Attributes::District(d)) => text(&d.city),
            (T::PlanNo, Attributes::Plan(p)) => Val::Str(Cow::Borrowed(p.plan_no.as_str())),
            (T::Name, Attributes::Plan(p)) => text(&p.name),
            (T::Status, Attributes::Plan(p)) => Val::Str(Cow::Borrowed(p.status.code())),
            (T::ApprovedOn, Attributes::Plan(p)) => p.approved_on.map_or(Val::Null, Val::Date),
            (T::NameAr, Attributes::Street(s)) => text(&s.name_ar),
            (T::NameEn, Attributes::Street(s)) => text(&s.name_en),
            (T::WidthM, Attributes::Street(s)) => s.width_m.map_or(Val::Null, Val::Num),
            (T::ParcelNo, Attributes::Parcel(p)) => Val::Str(Cow::Borrowed(p.parcel_no.as_str())),
            (T::PlanNo, Attributes::Parcel(p)) => p
                .plan_no
                .as_ref()
                .map_or(Val::Null, |v| Val::Str(Cow::Borrowed(v.as_str()))),
            (T::BlockNo, Attributes::Parcel(p)) => p
                .block_no
                .as_ref()
                .map_or(Val::Null, |v| Val::Str(Cow::Borrowed(v.as_str()))),
            (T::District, Attributes::Parcel(p)) => text(&p.district),
            (T::LandUse, Attributes::Parcel(p)) => p
                .land_use
                .map_or(Val::Null, |v| Val::Str(Cow::Borrowed(v.code()))),
            (T::DeedNo, Attributes::Parcel(p)) => text(&p.deed_no),
            (T::DeedDate, Attributes::Parcel(p)) => p.deed_date.map_or(Val::Null, Val::Date),
            (T::OfficialAreaM2, Attributes::Parcel(p)) => {
                p.official_area_m2.map_or(Val::Null, Val::Num)
            }
            (T::NameAr, Attributes::ServicePoint(s)) => text(&s.name_ar),
            (T::NameEn, Attributes::ServicePoint(s)) => text(&s.name_en),
            (T::Category, Attributes::ServicePoint(s)) => {
                Val::Str(Cow::Borrowed(s.category.as_str()))
            }
            (T::CategoryAr, Attributes::ServicePoint(s)) => categories
                .get(&s.category)
                .map_or(Val::Null, |c| Val::Str(Cow::Borrowed(&c.label_ar))),
            (T::CategoryEn, Attributes::ServicePoint(s)) => categories
                .get(&s.category)
                .map_or(Val::Null, |c| Val::Str(Cow::Borrowed(&c.label_en))),
            (T::Phone, Attributes::ServicePoint(s)) => text(&s.phone),
            (T::OpeningHours, Attributes::ServicePoint(s)) => s
                .opening_hours
                .as_ref()
                .map_or(Val::Null, |h| Val::Str(Cow::Owned(h.to_string()))),
            (T::District, Attributes::ServicePoint(s)) => text(&s.district),
            // A typed property of another layer (resolve never gives one).
            _ => Val::Null,
        }
    }
}
