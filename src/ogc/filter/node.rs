//! The compiled form of a filter: predicates (`Node`) over operands (properties and literals
//! converted to the property's type), and the box a predicate confines its matches to.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use geo::{Area, Rect};

use super::eval::Pattern;
use super::spatial::Spatial;
use crate::ogc::props::Prop;

/// A compiled predicate.
#[derive(Debug)]
pub(crate) enum Node {
    Const(bool),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Cmp(CmpOp, Operand, Operand),
    Like(Operand, Pattern),
    In(Operand, Vec<Operand>),
    Between(Operand, Operand, Operand),
    IsNull(Operand),
    Spatial(Box<Spatial>),
}

/// A value in a predicate: a property (with the name it was written as), a literal, or
/// `CASEI` of either.
#[derive(Debug)]
pub(crate) enum Operand {
    Prop(Prop, String),
    Lit(Lit),
    Casei(Box<Operand>),
}

/// A literal, converted to the type of the property it is compared with.
#[derive(Clone, Debug)]
pub(crate) enum Lit {
    Null,
    Str(String),
    Num(f64),
    Bool(bool),
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// The operator with its sides swapped (`x < p` is `p > x`).
    pub(crate) fn flipped(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            same => same,
        }
    }
}

impl Node {
    /// A box every feature the predicate selects intersects, if the predicate implies one.
    pub(crate) fn envelope(&self) -> Option<Rect> {
        match self {
            Node::Spatial(s) => s.envelope(),
            Node::And(children) => children
                .iter()
                .filter_map(Node::envelope)
                .min_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area())),
            _ => None,
        }
    }
}

/// A date or time written in text: `2024-01-31`, RFC 3339, or the forms GDAL writes
/// (`2024-01-31T`, `2024-01-31T10:30Z`, no zone meaning UTC).
pub(crate) fn date_like(s: &str) -> Option<Lit> {
    let s = s.trim().trim_end_matches('T');
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(Lit::Date(d));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(Lit::Time(t.with_timezone(&Utc)));
    }
    let naive = s.trim_end_matches('Z');
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(naive, f).ok())
    .map(|t| Lit::Time(t.and_utc()))
}
