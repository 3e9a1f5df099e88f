//! Offset-free paging in id order with opaque cursors.
//!
//! A `next` link carries the last id of its page (`a<id>`), a `prev` link the first id of its
//! page (`b<id>`: the page of matches just before it), and both carry the `numberMatched`
//! counted on the first page with the index version it was counted at, so following `next`
//! reads only as far as the next page ends: paging through a whole collection is linear, not
//! quadratic. When the index changed since (another version), the count is taken again.

use std::collections::VecDeque;
use std::sync::Arc;

use super::OgcError;
use crate::domain::FeatureId;
use crate::domain::register::StoredFeature;

/// Where a page starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cursor {
    /// The matches after this id.
    After(FeatureId),
    /// The matches just before this id.
    Before(FeatureId),
}

/// A cursor with the count it knows: `(index version, numberMatched)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub cursor: Cursor,
    pub count: Option<(u64, usize)>,
}

impl Position {
    /// Reads a `cursor` value (a bare number is taken as "after that id").
    pub fn parse(value: &str) -> Result<Position, OgcError> {
        let bad = || {
            OgcError::bad(format!(
                "cursor={value:?} is not a cursor this server gave; follow the next and prev \
                 links, or leave cursor out for the first page"
            ))
        };
        let v = value.trim();
        let (kind, rest) = match v.as_bytes().first() {
            Some(b'a') => ('a', &v[1..]),
            Some(b'b') => ('b', &v[1..]),
            _ => ('a', v),
        };
        let mut parts = rest.split('.');
        let fid = parts
            .next()
            .and_then(|p| p.parse::<i64>().ok())
            .ok_or_else(bad)?;
        let count = match (parts.next(), parts.next(), parts.next()) {
            (None, _, _) => None,
            (Some(ver), Some(n), None) => Some((
                ver.parse().map_err(|_| bad())?,
                n.parse().map_err(|_| bad())?,
            )),
            _ => return Err(bad()),
        };
        let cursor = if kind == 'a' {
            Cursor::After(FeatureId(fid))
        } else {
            Cursor::Before(FeatureId(fid))
        };
        Ok(Position { cursor, count })
    }

    /// The cursor as it goes into a link.
    pub fn encode(&self) -> String {
        let (k, fid) = match self.cursor {
            Cursor::After(f) => ('a', f.0),
            Cursor::Before(f) => ('b', f.0),
        };
        match self.count {
            Some((version, n)) => format!("{k}{fid}.{version}.{n}"),
            None => format!("{k}{fid}"),
        }
    }
}

/// One page of a selection.
#[derive(Debug)]
pub struct Page<'a> {
    pub features: Vec<&'a Arc<StoredFeature>>,
    /// Features matching the request in the whole collection.
    pub number_matched: usize,
    /// The `next` link's cursor, when there is a next page.
    pub next: Option<Position>,
    /// The `prev` link's cursor, when there is a previous page.
    pub prev: Option<Position>,
}

/// The candidates of a request, in id order.
pub trait Candidates<'a> {
    /// Those with ids greater than `after` (all with `None`).
    fn after(
        &self,
        after: Option<FeatureId>,
    ) -> Box<dyn Iterator<Item = &'a Arc<StoredFeature>> + '_>;
}

/// Cuts the page at `at` out of the candidates that `keep` accepts. `total` is the number of
/// candidates when `keep` accepts all of them; `version` the index's.
pub fn cut<'a>(
    candidates: &dyn Candidates<'a>,
    keep: &dyn Fn(&StoredFeature) -> bool,
    total: Option<usize>,
    limit: usize,
    at: Option<Position>,
    version: u64,
) -> Page<'a> {
    let known = total.or(at
        .and_then(|p| p.count)
        .and_then(|(v, n)| (v == version).then_some(n)));
    let pos = |cursor, n: usize| Position {
        cursor,
        count: Some((version, n)),
    };
    match at.map(|p| p.cursor) {
        Some(Cursor::Before(first)) => {
            let mut ring: VecDeque<&Arc<StoredFeature>> = VecDeque::with_capacity(limit);
            let mut before = 0;
            let mut rest = 0;
            for f in candidates.after(None).filter(|f| keep(f)) {
                if f.fid < first {
                    before += 1;
                    if ring.len() == limit {
                        ring.pop_front();
                    }
                    ring.push_back(f);
                } else {
                    rest += 1;
                    if known.is_some() {
                        break;
                    }
                }
            }
            let n = known.unwrap_or(before + rest);
            let features: Vec<_> = ring.into_iter().collect();
            let next = (rest > 0)
                .then(|| features.last().map(|f| pos(Cursor::After(f.fid), n)))
                .flatten();
            let prev = (before > limit)
                .then(|| features.first().map(|f| pos(Cursor::Before(f.fid), n)))
                .flatten();
            Page {
                features,
                number_matched: n,
                next,
                prev,
            }
        }
        after => {
            let after = match after {
                Some(Cursor::After(a)) => Some(a),
                _ => None,
            };
            let mut features = Vec::with_capacity(limit.min(1024));
            let mut seen = 0;
            let mut more = false;
            for f in candidates.after(after).filter(|f| keep(f)) {
                seen += 1;
                if features.len() < limit {
                    features.push(f);
                } else {
                    more = true;
                    if known.is_some() {
                        break;
                    }
                }
            }
            let (n, any_before) = match (known, after) {
                (Some(n), _) => (n, after.is_some()),
                (None, None) => (seen, false),
                (None, Some(a)) => {
                    let before = candidates
                        .after(None)
                        .take_while(|f| f.fid <= a)
                        .filter(|f| keep(f))
                        .count();
                    (seen + before, before > 0)
                }
            };
            let next = more
                .then(|| features.last().map(|f| pos(Cursor::After(f.fid), n)))
                .flatten();
            let prev = any_before.then(|| {
                let first = features
                    .first()
                    .map_or(FeatureId(after.map_or(0, |a| a.0).saturating_add(1)), |f| {
                        f.fid
                    });
                pos(Cursor::Before(first), n)
            });
            Page {
                features,
                number_matched: n,
                next,
                prev,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        for text in ["a12", "b7.3.900", "a0.0.0"] {
            assert_eq!(Position::parse(text).unwrap().encode(), text);
        }
        assert_eq!(
            Position::parse("42").unwrap().cursor,
            Cursor::After(FeatureId(42))
        );
        for bad in ["", "x1", "a1.2", "a1.2.3.4", "b-"] {
            assert!(Position::parse(bad).is_err(), "{bad}");
        }
    }
}
