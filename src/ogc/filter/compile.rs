//! From a `cql2::Expr` to a `Node` tree: properties resolved to the collection's public
//! properties, literals checked against the property's type and converted once, spatial
//! literals reprojected to WGS 84. Every refusal says what to write instead.

use chrono::NaiveDate;
use cql2::Expr;

use super::eval::Pattern;
use super::node::{CmpOp, Lit, Node, Operand, date_like};
use super::spatial;
use crate::index::LayerIndex;
use crate::ogc::OgcError;
use crate::ogc::crs::OgcCrs;
use crate::ogc::props::{Kind, Prop};

fn bad(msg: String) -> OgcError {
    OgcError::BadRequest(msg)
}

fn describe(e: &Expr) -> String {
    e.to_text()
        .unwrap_or_else(|_| "this expression".to_string())
}

fn literal_text(e: Expr) -> String {
    match e {
        Expr::Literal(s) => s,
        other => describe(&other),
    }
}

const SPATIAL: [&str; 8] = [
    "s_intersects",
    "s_disjoint",
    "s_within",
    "s_contains",
    "s_equals",
    "s_touches",
    "s_overlaps",
    "s_crosses",
];

/// Compiles expressions against one collection.
pub(crate) struct Compiler<'a> {
    pub layer: &'a LayerIndex,
    pub crs: &'a OgcCrs,
}

fn args<const N: usize>(op: &str, args: Vec<Expr>) -> Result<[Expr; N], OgcError> {
    let n = args.len();
    args.try_into().map_err(|_| {
        bad(format!(
            "{} takes {N} argument(s), not {n}",
            op.to_uppercase()
        ))
    })
}

impl Compiler<'_> {
    /// A predicate (something true or false for a feature).
    pub(crate) fn predicate(&self, e: Expr) -> Result<Node, OgcError> {
        match e {
            Expr::Bool(b) => Ok(Node::Const(b)),
            Expr::Operation { op, args } => self.operation(&op, unbox(args)),
            other => Err(bad(format!(
                "{} is not a condition; compare it with a value, e.g. land_use = 'commercial'",
                describe(&other)
            ))),
        }
    }

    fn operation(&self, op: &str, a: Vec<Expr>) -> Result<Node, OgcError> {
        let lower = op.to_ascii_lowercase();
        match lower.as_str() {
            "and" | "or" => {
                let children = a
                    .into_iter()
                    .map(|e| self.predicate(e))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(if lower == "and" {
                    Node::And(children)
                } else {
                    Node::Or(children)
                })
            }
            "not" => {
                let [x] = args::<1>(op, a)?;
                Ok(Node::Not(Box::new(self.predicate(x)?)))
            }
            "=" => self.cmp(op, CmpOp::Eq, a),
            "<>" | "!=" => self.cmp(op, CmpOp::Ne, a),
            "<" => self.cmp(op, CmpOp::Lt, a),
            "<=" => self.cmp(op, CmpOp::Le, a),
            ">" => self.cmp(op, CmpOp::Gt, a),
            ">=" => self.cmp(op, CmpOp::Ge, a),
            "like" => {
                let [x, p] = args::<2>(op, a)?;
                let x = self.operand(x)?;
                if let Some((name, k)) = typed(&x)
                    && k != Kind::String
                {
                    return Err(bad(format!(
                        "LIKE compares text, and {name} is not text; use =, <, > or BETWEEN"
                    )));
                }
                match self.operand(p)? {
                    Operand::Lit(Lit::Str(p))
                        if p.chars().count() > super::limits::MAX_LIKE_CHARS =>
                    {
                        Err(bad(format!(
                            "a LIKE pattern has at most {} characters",
                            super::limits::MAX_LIKE_CHARS
                        )))
                    }
                    Operand::Lit(Lit::Str(p)) => Ok(Node::Like(x, Pattern::new(&p))),
                    _ => Err(bad(
                        "the pattern of LIKE must be a quoted text such as 'Al %'".into(),
                    )),
                }
            }
            "in" => {
                let [x, list] = args::<2>(op, a)?;
                let x = self.operand(x)?;
                let Expr::Array(items) = list else {
                    return Err(bad("IN takes a list in parentheses: x IN ('a', 'b')".into()));
                };
                if items.len() > super::limits::MAX_IN_VALUES {
                    return Err(bad(format!(
                        "an IN list has at most {} values; this one has {}",
                        super::limits::MAX_IN_VALUES,
                        items.len()
                    )));
                }
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.coerce_against(&x, self.operand(*item)?)?);
                }
                Ok(Node::In(x, values))
            }
            "between" => {
                let [x, lo, hi] = args::<3>(op, a)?;
                let x = self.operand(x)?;
                let lo = self.coerce_against(&x, self.operand(lo)?)?;
                let hi = self.coerce_against(&x, self.operand(hi)?)?;
                Ok(Node::Between(x, lo, hi))
            }
            "isnull" => {
                let [x] = args::<1>(op, a)?;
                Ok(Node::IsNull(self.operand(x)?))
            }
            s if SPATIAL.contains(&s) => {
                let [x, y] = args::<2>(op, a)?;
                spatial::compile(s, x, y, self.crs)
            }
            s if s.starts_with("t_") || s == "anyinteracts" => Err(bad(format!(
                "{} (temporal functions) is not supported; use the datetime parameter, or \
                 compare valid_from and valid_to with TIMESTAMP('2024-01-01T00:00:00Z')",
                op.to_uppercase()
            ))),
            s if s.starts_with("a_") => Err(bad(format!(
                "{} (array functions) is not supported: no property here is an array",
                op.to_uppercase()
            ))),
            _ => Err(bad(format!(
                "{op}(...) is not a supported condition; use comparisons, LIKE, IN, BETWEEN, \
                 IS NULL, AND/OR/NOT or S_INTERSECTS/S_WITHIN/S_CONTAINS (and the other S_ \
                 functions)"
            ))),
        }
    }

    fn cmp(&self, op: &str, o: CmpOp, a: Vec<Expr>) -> Result<Node, OgcError> {
        let [x, y] = args::<2>(op, a)?;
        let (x, y) = self.pair(self.operand(x)?, self.operand(y)?)?;
        Ok(Node::Cmp(o, x, y))
    }

    /// A value.
    fn operand(&self, e: Expr) -> Result<Operand, OgcError> {
        Ok(match e {
            Expr::Property { property } => {
                if property == "geometry" {
                    return Err(bad(
                        "geometry can only be an argument of a spatial function, e.g. \
                         S_INTERSECTS(geometry, POINT(50.1 26.4))"
                            .into(),
                    ));
                }
                Operand::Prop(Prop::resolve(self.layer, &property)?, property)
            }
            Expr::Float(x) => Operand::Lit(Lit::Num(x)),
            Expr::Literal(s) => Operand::Lit(Lit::Str(s)),
            Expr::Bool(b) => Operand::Lit(Lit::Bool(b)),
            Expr::Null => Operand::Lit(Lit::Null),
            Expr::Date { date } => {
                let s = literal_text(*date);
                let d = NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| {
                    bad(format!(
                        "DATE('{s}') is not a date; write DATE('2024-01-31')"
                    ))
                })?;
                Operand::Lit(Lit::Date(d))
            }
            Expr::Timestamp { timestamp } => {
                let s = literal_text(*timestamp);
                match date_like(&s) {
                    Some(Lit::Time(t)) => Operand::Lit(Lit::Time(t)),
                    _ => {
                        return Err(bad(format!(
                            "TIMESTAMP('{s}') is not a time; write TIMESTAMP('2024-01-31T10:00:00Z')"
                        )));
                    }
                }
            }
            Expr::Operation { op, args: a } if op.eq_ignore_ascii_case("casei") => {
                let [x] = args::<1>(&op, unbox(a))?;
                match self.operand(x)? {
                    Operand::Lit(Lit::Str(s)) => Operand::Lit(Lit::Str(s.to_lowercase())),
                    inner => Operand::Casei(Box::new(inner)),
                }
            }
            Expr::Operation { op, .. }
                if ["+", "-", "*", "/", "%", "^", "div"].contains(&op.as_str()) =>
            {
                return Err(bad(format!(
                    "arithmetic ({op}) is not supported in filters; compare a property with a value"
                )));
            }
            Expr::Geometry(_) | Expr::BBox { .. } => {
                return Err(bad(
                    "a geometry can only be an argument of a spatial function such as \
                     S_INTERSECTS(geometry, ...)"
                        .into(),
                ));
            }
            Expr::Interval { .. } => {
                return Err(bad(
                    "INTERVAL (temporal functions) is not supported; use the datetime parameter"
                        .into(),
                ));
            }
            Expr::Array(_) => {
                return Err(bad("a list in parentheses can only follow IN".into()));
            }
            other => {
                return Err(bad(format!(
                    "{} is not a value; use a property name or a literal",
                    describe(&other)
                )));
            }
        })
    }

    /// Checks the two sides of a comparison against each other, converting a literal to the
    /// type of the property on the other side.
    fn pair(&self, x: Operand, y: Operand) -> Result<(Operand, Operand), OgcError> {
        if let (Some((nx, kx)), Some((ny, ky))) = (typed(&x), typed(&y)) {
            let temporal = |k| matches!(k, Kind::Date | Kind::DateTime);
            if kx != ky && !(temporal(kx) && temporal(ky)) && kx != Kind::Any && ky != Kind::Any {
                return Err(bad(format!(
                    "{nx} and {ny} have different types ({kx:?} and {ky:?}) and cannot be compared"
                )));
            }
            return Ok((x, y));
        }
        let y = self.coerce_against(&x, y)?;
        let x = self.coerce_against(&y, x)?;
        Ok((x, y))
    }

    /// `v` converted to the type of `other` when `other` is a typed property and `v` a literal.
    fn coerce_against(&self, other: &Operand, v: Operand) -> Result<Operand, OgcError> {
        let (Some((name, kind)), Operand::Lit(lit)) = (typed(other), &v) else {
            return Ok(v);
        };
        let shown = match lit {
            Lit::Str(s) => format!("'{s}'"),
            Lit::Num(x) => x.to_string(),
            Lit::Bool(b) => b.to_string(),
            _ => String::new(),
        };
        let converted = match (kind, lit) {
            (_, Lit::Null) | (Kind::Any, _) => lit.clone(),
            (Kind::String, Lit::Str(_)) | (Kind::Number, Lit::Num(_)) => lit.clone(),
            (Kind::Date | Kind::DateTime, Lit::Date(_) | Lit::Time(_)) => lit.clone(),
            (Kind::Date | Kind::DateTime, Lit::Str(s)) => date_like(s).ok_or_else(|| {
                bad(format!(
                    "{name} is a date; compare it with DATE('2024-01-31') or \
                     TIMESTAMP('2024-01-31T10:00:00Z'), not {shown}"
                ))
            })?,
            (Kind::String, _) => {
                return Err(bad(format!(
                    "{name} is text: quote the value, e.g. {name} = '{}'",
                    shown.trim_matches('\'')
                )));
            }
            (Kind::Number, _) => {
                return Err(bad(format!(
                    "{name} is a number: write a number without quotes, e.g. {name} > 500, not {shown}"
                )));
            }
            (Kind::Date | Kind::DateTime, _) => {
                return Err(bad(format!(
                    "{name} is a date; compare it with DATE('2024-01-31'), not {shown}"
                )));
            }
        };
        Ok(Operand::Lit(converted))
    }

    /// `name = value` for a query parameter; `None` when `name` is not a property.
    pub(crate) fn equals(&self, name: &str, value: &str) -> Result<Option<Node>, OgcError> {
        let Ok(prop) = Prop::resolve(self.layer, name) else {
            return Ok(None);
        };
        let lit = match prop.kind() {
            Kind::Number => value.trim().parse().map(Lit::Num).map_err(|_| {
                bad(format!(
                    "{name}={value:?}: {name} is a number, e.g. {name}=500"
                ))
            })?,
            Kind::Date | Kind::DateTime => date_like(value).ok_or_else(|| {
                bad(format!(
                    "{name}={value:?}: {name} is a date, e.g. {name}=2024-01-31"
                ))
            })?,
            Kind::String | Kind::Any => Lit::Str(value.to_string()),
        };
        let p = Operand::Prop(prop, name.to_string());
        Ok(Some(Node::Cmp(CmpOp::Eq, p, Operand::Lit(lit))))
    }
}

/// `cql2::Expr` boxes the arguments of its operations; this module works on them unboxed.
#[allow(clippy::vec_box)]
fn unbox(args: Vec<Box<Expr>>) -> Vec<Expr> {
    args.into_iter().map(|b| *b).collect()
}

/// The name and type of a property operand (through `CASEI`).
fn typed(o: &Operand) -> Option<(&str, Kind)> {
    match o {
        Operand::Prop(p, name) => Some((name, p.kind())),
        Operand::Casei(inner) => typed(inner),
        Operand::Lit(_) => None,
    }
}
