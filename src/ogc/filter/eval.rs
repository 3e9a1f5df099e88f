//! Evaluating a compiled filter on one feature: three-valued logic (`None` is unknown, as a
//! comparison with a null), comparisons across the value types, and `LIKE` patterns.

use std::borrow::Cow;
use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::measure::{Measure, bounds};
use super::node::{CmpOp, Lit, Node, Operand, date_like};
use crate::domain::Feature;
use crate::domain::category::CategoryRegistry;
use crate::ogc::props::{Prop, Typed, Val};

impl Node {
    /// True, false, or unknown (`None`) for `f`.
    pub(crate) fn eval(&self, f: &Feature, c: &CategoryRegistry) -> Option<bool> {
        match self {
            Node::Const(b) => Some(*b),
            Node::And(children) => {
                let mut unknown = false;
                for n in children {
                    match n.eval(f, c) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                (!unknown).then_some(true)
            }
            Node::Or(children) => {
                let mut unknown = false;
                for n in children {
                    match n.eval(f, c) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                (!unknown).then_some(false)
            }
            Node::Not(n) => n.eval(f, c).map(|b| !b),
            Node::Cmp(op, a, b) => {
                if let Some(decided) = quick_cmp(*op, a, b, f) {
                    return Some(decided);
                }
                let o = compare(&a.value(f, c), &b.value(f, c))?;
                Some(match op {
                    CmpOp::Eq => o == Ordering::Equal,
                    CmpOp::Ne => o != Ordering::Equal,
                    CmpOp::Lt => o == Ordering::Less,
                    CmpOp::Le => o != Ordering::Greater,
                    CmpOp::Gt => o == Ordering::Greater,
                    CmpOp::Ge => o != Ordering::Less,
                })
            }
            Node::Like(a, p) => match a.value(f, c) {
                Val::Str(s) => Some(p.matches(&s)),
                _ => None,
            },
            Node::In(a, list) => {
                let v = a.value(f, c);
                let mut unknown = false;
                for item in list {
                    match compare(&v, &item.value(f, c)) {
                        Some(Ordering::Equal) => return Some(true),
                        None => unknown = true,
                        Some(_) => {}
                    }
                }
                (!unknown).then_some(false)
            }
            Node::Between(a, lo, hi) => {
                if let Some(decided) = quick_between(a, lo, hi, f) {
                    return Some(decided);
                }
                let v = a.value(f, c);
                let above = compare(&v, &lo.value(f, c))? != Ordering::Less;
                let below = compare(&v, &hi.value(f, c))? != Ordering::Greater;
                Some(above && below)
            }
            Node::IsNull(a) => Some(matches!(a.value(f, c), Val::Null)),
            Node::Spatial(s) => Some(s.matches(f.geometry())),
        }
    }
}

fn measure_of(o: &Operand) -> Option<Measure> {
    match o {
        Operand::Prop(Prop::Typed(Typed::AreaM2), _) => Some(Measure::AreaM2),
        Operand::Prop(Prop::Typed(Typed::LengthM), _) => Some(Measure::LengthM),
        _ => None,
    }
}

fn number(o: &Operand) -> Option<f64> {
    match o {
        Operand::Lit(Lit::Num(x)) => Some(*x),
        _ => None,
    }
}

/// `area_m2 op x` (or `length_m`, either side) decided from cheap bounds, when they suffice.
fn quick_cmp(op: CmpOp, a: &Operand, b: &Operand, f: &Feature) -> Option<bool> {
    let (m, x, op) = match (measure_of(a), number(b), measure_of(b), number(a)) {
        (Some(m), Some(x), _, _) => (m, x, op),
        (_, _, Some(m), Some(x)) => (m, x, op.flipped()),
        _ => return None,
    };
    let (lo, hi) = bounds(f.geometry(), m)?;
    let outside = x < lo || x > hi;
    match op {
        CmpOp::Gt if lo > x => Some(true),
        CmpOp::Gt if hi <= x => Some(false),
        CmpOp::Ge if lo >= x => Some(true),
        CmpOp::Ge if hi < x => Some(false),
        CmpOp::Lt if hi < x => Some(true),
        CmpOp::Lt if lo >= x => Some(false),
        CmpOp::Le if hi <= x => Some(true),
        CmpOp::Le if lo > x => Some(false),
        CmpOp::Eq if outside => Some(false),
        CmpOp::Ne if outside => Some(true),
        _ => None,
    }
}

/// `area_m2 BETWEEN x AND y` decided from cheap bounds, when they suffice.
fn quick_between(a: &Operand, lo: &Operand, hi: &Operand, f: &Feature) -> Option<bool> {
    let (m, x, y) = (measure_of(a)?, number(lo)?, number(hi)?);
    let (l, h) = bounds(f.geometry(), m)?;
    if l >= x && h <= y {
        Some(true)
    } else if h < x || l > y {
        Some(false)
    } else {
        None
    }
}

fn lit_value(l: &Lit) -> Val<'_> {
    match l {
        Lit::Null => Val::Null,
        Lit::Str(s) => Val::Str(Cow::Borrowed(s)),
        Lit::Num(x) => Val::Num(*x),
        Lit::Bool(b) => Val::Bool(*b),
        Lit::Date(d) => Val::Date(*d),
        Lit::Time(t) => Val::Time(*t),
    }
}

impl Operand {
    fn value<'a>(&'a self, f: &'a Feature, c: &'a CategoryRegistry) -> Val<'a> {
        match self {
            Operand::Prop(p, _) => p.get(f, c),
            Operand::Lit(l) => lit_value(l),
            Operand::Casei(inner) => match inner.value(f, c) {
                Val::Str(s) => Val::Str(Cow::Owned(s.to_lowercase())),
                other => other,
            },
        }
    }
}

fn midnight(d: &NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

/// How `a` compares with `b`; `None` when either is null or they cannot be compared.
fn compare(a: &Val, b: &Val) -> Option<Ordering> {
    use Val::*;
    match (a, b) {
        (Null, _) | (_, Null) => None,
        (Str(x), Str(y)) => Some(x.as_ref().cmp(y.as_ref())),
        (Num(x), Num(y)) => x.partial_cmp(y),
        (Bool(x), Bool(y)) => Some(x.cmp(y)),
        (Date(x), Date(y)) => Some(x.cmp(y)),
        (Time(x), Time(y)) => Some(x.cmp(y)),
        (Date(x), Time(y)) => Some(midnight(x).cmp(y)),
        (Time(x), Date(y)) => Some(x.cmp(&midnight(y))),
        (Str(s), Num(y)) => s.trim().parse::<f64>().ok()?.partial_cmp(y),
        (Num(x), Str(s)) => x.partial_cmp(&s.trim().parse::<f64>().ok()?),
        (Str(s), Date(_) | Time(_)) => compare(&lit_value(&date_like(s)?), b),
        (Date(_) | Time(_), Str(s)) => compare(a, &lit_value(&date_like(s)?)),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok {
    Char(char),
    One,
    Many,
}

/// A `LIKE` pattern: `%` any run of characters, `_` one character, `\` makes the next one
/// literal.
#[derive(Clone, Debug)]
pub struct Pattern(Vec<Tok>);

impl Pattern {
    /// Compiles a pattern.
    pub fn new(p: &str) -> Pattern {
        let mut out = Vec::new();
        let mut chars = p.chars();
        while let Some(ch) = chars.next() {
            out.push(match ch {
                '%' => Tok::Many,
                '_' => Tok::One,
                '\\' => Tok::Char(chars.next().unwrap_or('\\')),
                c => Tok::Char(c),
            });
        }
        Pattern(out)
    }

    /// Whether the whole of `s` matches.
    pub fn matches(&self, s: &str) -> bool {
        let t = &self.0;
        let s: Vec<char> = s.chars().collect();
        let (mut i, mut j) = (0, 0);
        let mut back: Option<(usize, usize)> = None;
        while i < s.len() {
            match t.get(j) {
                Some(Tok::Many) => {
                    back = Some((j, i));
                    j += 1;
                }
                Some(Tok::One) => {
                    i += 1;
                    j += 1;
                }
                Some(Tok::Char(c)) if *c == s[i] => {
                    i += 1;
                    j += 1;
                }
                _ => match back {
                    Some((bj, bi)) => {
                        back = Some((bj, bi + 1));
                        j = bj + 1;
                        i = bi + 1;
                    }
                    None => return false,
                },
            }
        }
        t[j..].iter().all(|k| *k == Tok::Many)
    }
}

/// Whether `text` matches the `LIKE` pattern `pattern` (for tests and brute-force checks).
pub fn like(pattern: &str, text: &str) -> bool {
    Pattern::new(pattern).matches(text)
}

#[cfg(test)]
mod tests {
    use super::like;

    #[test]
    fn like_patterns() {
        assert!(like("Al %", "Al Faisaliyah"));
        assert!(like("%يه", "الفيصليه"));
        assert!(like("_b%", "abc"));
        assert!(like("_b%", "bbc"));
        assert!(!like("_b%", "bcc"));
        assert!(like("a\\%b", "a%b"));
        assert!(!like("a\\%b", "axb"));
        assert!(like("%a%a%", "banana"));
        assert!(!like("a", "ab"));
        assert!(like("%", ""));
        assert!(!like("_", ""));
    }
}
