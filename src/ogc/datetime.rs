//! The `datetime` parameter (Part 1): an instant or an interval (`a/b`, `../b`, `a/..`), matched
//! against a feature's lifespan (`valid_from` inclusive, `valid_to` exclusive; unset ends are
//! open). A date without a time stands for the whole day (UTC).

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};

use super::OgcError;
use crate::domain::Lifespan;

/// A closed interval of time; `None` ends are open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

/// The first and last instant of a date or time written in RFC 3339.
fn instant(s: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        let t = t.with_timezone(&Utc);
        return Some((t, t));
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    let start = d.and_time(NaiveTime::MIN).and_utc();
    Some((
        start,
        start + TimeDelta::days(1) - TimeDelta::nanoseconds(1),
    ))
}

impl Interval {
    /// Parses a `datetime` value.
    pub fn parse(value: &str) -> Result<Interval, OgcError> {
        let bad = |part: &str| {
            OgcError::bad(format!(
                "datetime={value:?}: {part:?} is not an RFC 3339 date or time; give an instant \
                 (2024-05-01T10:00:00Z or 2024-05-01) or an interval (a/b, ../b, a/..)"
            ))
        };
        let v = value.trim();
        match v.split_once('/') {
            None => {
                let (start, end) = instant(v).ok_or_else(|| bad(v))?;
                Ok(Interval {
                    start: Some(start),
                    end: Some(end),
                })
            }
            Some((a, b)) => {
                let open = |s: &str| s.is_empty() || s == "..";
                let start = if open(a) {
                    None
                } else {
                    Some(instant(a).ok_or_else(|| bad(a))?.0)
                };
                let end = if open(b) {
                    None
                } else {
                    Some(instant(b).ok_or_else(|| bad(b))?.1)
                };
                if let (Some(s), Some(e)) = (start, end)
                    && s > e
                {
                    return Err(OgcError::bad(format!(
                        "datetime={value:?} ends before it starts; give the earlier time first"
                    )));
                }
                Ok(Interval { start, end })
            }
        }
    }

    /// Whether a feature in force during `life` was in force at some time of this interval.
    pub fn overlaps(&self, life: Lifespan) -> bool {
        let began_in_time = match (life.valid_from, self.end) {
            (Some(from), Some(end)) => from <= end,
            _ => true,
        };
        let lasted_long_enough = match (life.valid_to, self.start) {
            (Some(to), Some(start)) => to > start,
            _ => true,
        };
        began_in_time && lasted_long_enough
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn instants_and_intervals_against_lifespans() {
        let life = Lifespan {
            valid_from: Some(t("2020-01-01T00:00:00Z")),
            valid_to: Some(t("2022-01-01T00:00:00Z")),
        };
        let yes = [
            "2021-06-01T00:00:00Z",
            "2020-01-01",
            "../2020-01-01",
            "2021-12-31/..",
        ];
        for v in yes {
            assert!(Interval::parse(v).unwrap().overlaps(life), "{v}");
        }
        let no = [
            "2022-01-01T00:00:00Z",
            "../2019-12-31",
            "2022-01-01/..",
            "2019-01-01/2019-02-01",
        ];
        for v in no {
            assert!(!Interval::parse(v).unwrap().overlaps(life), "{v}");
        }
        assert!(Interval::parse("2024-13-01").is_err());
        assert!(Interval::parse("2024-02-01/2024-01-01").is_err());
        assert!(
            Interval::parse("../..")
                .unwrap()
                .overlaps(Lifespan::default())
        );
    }
}
