//! Opening hours of service points in the OpenStreetMap `opening_hours` syntax: parsing into a
//! validated value, a canonical text form, and "is it open at this local time?".
//!
//! Only the subset used for shops and services is supported:
//!
//! * `24/7`;
//! * rules separated by `;`, each an optional weekday selector (`Mo`..`Su`, ranges such as
//!   `Mo-Fr`, wrapping ranges such as `Sa-We`, lists such as `Mo-We,Fr`, and `PH`) followed by
//!   either time spans (`08:00-12:00,16:00-23:00`, `18:00-02:00` crossing midnight, `24:00` as an
//!   end) or `off` / `closed`;
//! * a rule with weekdays and no times is open all day on those days (`Mo-Fr` = 24 hours);
//!   a rule with only times (or only `off`) applies to every day.
//!
//! Day names and keywords are case-insensitive and whitespace around separators is ignored.
//! Months, dates, `open`/`unknown` modifiers, comments, `+` open ends, sun events and the `,` / `||`
//! rule separators are rejected with an error.
//!
//! Evaluation follows OSM (`opening_hours.js`): for a given day the last rule naming that day wins,
//! whatever it says. A span crossing midnight is open on the next morning too (`Th 18:00-02:00`
//! is open on Friday at 01:00) unless a *later* rule names that next day: as in OSM,
//! `Sa-Th 18:00-02:00; Fr 16:00-23:00` is closed on Friday at 01:00; write
//! `Fr 00:00-02:00,16:00-23:00` or put the `Fr` rule first to keep Thursday night.
//!
//! **Public holidays are not known to this server**: `PH` is parsed and kept (so it survives the
//! round trip), but a rule applies only to the weekdays it names besides `PH`. `PH off` thus
//! changes nothing and `Su,PH off` closes Sundays.
//!
//! Times are local city time. Saudi Arabia is UTC+3 all year (no daylight saving):
//! [`riyadh_local`] converts a UTC instant.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDateTime, TimeDelta, Timelike, Utc, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Offset of Saudi local time from UTC, in seconds (UTC+3, no daylight saving time).
pub const RIYADH_UTC_OFFSET_SECONDS: i32 = 3 * 3600;

/// Minutes in a day; `24:00` as the end of a span.
const DAY: u16 = 24 * 60;

/// Converts a UTC instant into Saudi local time (UTC+3), the time [`OpeningHours::is_open`] expects.
/// Saturates at the end of chrono's representable range instead of panicking.
pub fn riyadh_local(utc: DateTime<Utc>) -> NaiveDateTime {
    utc.naive_utc()
        .checked_add_signed(TimeDelta::seconds(i64::from(RIYADH_UTC_OFFSET_SECONDS)))
        .unwrap_or(NaiveDateTime::MAX)
}

/// Why an `opening_hours` value was rejected, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at position {position}")]
pub struct OpeningHoursError {
    /// What was wrong.
    pub kind: OpeningHoursErrorKind,
    /// Character (not byte) offset, from 0, of the offending text; the input's length at its end.
    pub position: usize,
}

/// What was wrong with an `opening_hours` value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpeningHoursErrorKind {
    /// Nothing but `;` and whitespace.
    #[error("empty opening_hours value")]
    Empty,
    /// A word of a weekday selector other than `Mo`..`Su` and `PH`.
    #[error("unknown weekday \"{0}\"")]
    UnknownWeekday(String),
    /// A time not written `H:MM` or `HH:MM`.
    #[error("malformed time \"{0}\" (expected HH:MM)")]
    MalformedTime(String),
    /// Hours over 24, minutes over 59, a time past `24:00`, or `24:00` as a start.
    #[error("time {0} out of range")]
    TimeOutOfRange(String),
    /// A span whose start and end are the same time.
    #[error("empty time span {0}")]
    EmptySpan(String),
    /// Something the grammar does not allow here: what was found, what was expected.
    #[error("expected {1}, found \"{0}\"")]
    Unexpected(String, &'static str),
    /// The value ends in the middle of a rule; what was expected.
    #[error("expected {0}, found end of input")]
    UnexpectedEnd(&'static str),
}

/// A set of weekdays. Displays canonically in OSM order (`Mo-We,Fr`, `Sa-Mo`, `Mo-Su`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct WeekdaySet(u8);

const DAY_NAMES: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

impl WeekdaySet {
    /// No day.
    pub const EMPTY: WeekdaySet = WeekdaySet(0);
    /// All seven days.
    pub const ALL: WeekdaySet = WeekdaySet(0x7f);

    /// The days from `first` to `last` inclusive, wrapping over Sunday (`Sa`..`We` = Sa,Su,Mo,Tu,We).
    pub fn range(first: Weekday, last: Weekday) -> Self {
        let mut set = Self::EMPTY;
        let mut day = first;
        set.insert(day);
        while day != last {
            day = day.succ();
            set.insert(day);
        }
        set
    }

    /// Adds a day.
    pub fn insert(&mut self, day: Weekday) {
        self.0 |= 1 << day.num_days_from_monday();
    }

    /// Whether the set holds `day`.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    /// Whether the set holds no day.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The days of the set, Monday first.
    pub fn iter(self) -> impl Iterator<Item = Weekday> {
        (0u8..7)
            .filter(move |i| self.0 & (1 << i) != 0)
            .filter_map(|i| Weekday::try_from(i).ok())
    }
}

impl fmt::Display for WeekdaySet {
    /// Runs of consecutive days (wrapping over Sunday) as ranges, ordered by their first day from
    /// Monday: `Mo-We,Fr`, `Sa-Mo`, `Th-Fr`. The empty set displays as nothing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Self::ALL {
            return f.write_str("Mo-Su");
        }
        let has = |i: usize| self.0 & (1 << (i % 7)) != 0;
        let Some(gap) = (0..7).find(|&i| !has(i)) else {
            return Ok(());
        };
        let mut runs: Vec<(usize, usize)> = Vec::new(); // (first day index, length)
        for i in gap + 1..gap + 8 {
            match runs.last_mut() {
                Some((first, len)) if has(i) && (*first + *len) % 7 == i % 7 => *len += 1,
                _ if has(i) => runs.push((i % 7, 1)),
                _ => {}
            }
        }
        runs.sort_unstable();
        let parts: Vec<String> = runs
            .into_iter()
            .map(|(first, len)| match len {
                1 => DAY_NAMES[first].to_owned(),
                _ => format!("{}-{}", DAY_NAMES[first], DAY_NAMES[(first + len - 1) % 7]),
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

/// A span of opening time within one rule, in minutes after local midnight. When the end is
/// not after the start the span crosses midnight and ends on the next day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeSpan {
    start: u16,
    end: u16,
}

impl TimeSpan {
    /// A span from `start` (0..1440) to `end` (0..=1440) minutes; `None` when out of range or empty.
    pub fn new(start: u16, end: u16) -> Option<Self> {
        (start < DAY && end <= DAY && start != end).then_some(Self { start, end })
    }

    /// Opening minute after midnight.
    pub fn start_minute(self) -> u16 {
        self.start
    }

    /// Closing minute after midnight (1440 = `24:00`); on the next day if [`Self::crosses_midnight`].
    pub fn end_minute(self) -> u16 {
        self.end
    }

    /// Whether the span ends on the next day (`18:00-02:00`).
    pub fn crosses_midnight(self) -> bool {
        self.end < self.start
    }
}

impl fmt::Display for TimeSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (s, e) = (self.start, self.end);
        write!(f, "{:02}:{:02}-{:02}:{:02}", s / 60, s % 60, e / 60, e % 60)
    }
}

/// The days a rule applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DaySelector {
    /// No selector: every day.
    Every,
    /// The listed weekdays, and public holidays if `public_holidays` (kept, but ignored when evaluating).
    Days {
        /// The weekdays named.
        weekdays: WeekdaySet,
        /// Whether `PH` was named.
        public_holidays: bool,
    },
}

impl DaySelector {
    /// Whether the rule applies on `day` (public holidays are unknown, so `PH` never matches).
    pub fn matches(self, day: Weekday) -> bool {
        match self {
            Self::Every => true,
            Self::Days { weekdays, .. } => weekdays.contains(day),
        }
    }
}

/// What a rule says about the days it selects.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RuleTimes {
    /// Open all day (a weekday selector without times, or `24/7`).
    AllDay,
    /// Open during these spans (never empty), in the order written.
    Spans(Vec<TimeSpan>),
    /// `off` / `closed`.
    Closed,
}

/// One `;`-separated rule of an [`OpeningHours`] value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rule {
    days: DaySelector,
    times: RuleTimes,
}

impl Rule {
    /// The days the rule applies to.
    pub fn days(&self) -> DaySelector {
        self.days
    }

    /// What the rule says about those days.
    pub fn times(&self) -> &RuleTimes {
        &self.times
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let times = match &self.times {
            RuleTimes::AllDay => String::new(),
            RuleTimes::Closed => "off".to_owned(),
            RuleTimes::Spans(spans) => spans
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(","),
        };
        match self.days {
            DaySelector::Every if times.is_empty() => f.write_str("24/7"),
            DaySelector::Every => f.write_str(&times),
            DaySelector::Days {
                weekdays,
                public_holidays,
            } => {
                write!(f, "{weekdays}")?;
                if public_holidays {
                    f.write_str(if weekdays.is_empty() { "PH" } else { ",PH" })?;
                }
                if !times.is_empty() {
                    write!(f, " {times}")?;
                }
                Ok(())
            }
        }
    }
}

/// A parsed, valid `opening_hours` value. Displays in canonical form (rules joined by `"; "`,
/// `closed` as `off`, times as `HH:MM`, weekdays as by [`WeekdaySet`]); parsing that form gives
/// back an equal value. (De)serialises as that string.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OpeningHours {
    rules: Vec<Rule>,
    /// The week the rules give, as sorted, merged `(start, end)` minutes from Monday 00:00 (end
    /// exclusive, at most 7 × 1440): one short array to scan when asked whether the place is
    /// open, rather than rules and their spans spread over the heap.
    week: Box<[(u16, u16)]>,
}

impl OpeningHours {
    /// Parses an `opening_hours` value of the supported subset (see the module documentation).
    pub fn parse(input: &str) -> Result<Self, OpeningHoursError> {
        parser::parse(input)
    }

    /// The value of these rules (in order; later rules override earlier ones for the days they name).
    fn from_rules(rules: Vec<Rule>) -> Self {
        let mut hours = OpeningHours {
            rules,
            week: Box::new([]),
        };
        hours.week = WeekdaySet::ALL
            .iter()
            .flat_map(|day| {
                let from = day.num_days_from_monday() as u16 * DAY;
                hours
                    .open_intervals_on(day)
                    .into_iter()
                    .map(move |(s, e)| (from + s, from + e))
            })
            .collect();
        hours
    }

    /// The rules, in order (later rules override earlier ones for the days they name).
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether the place is open at local time `at` (city time; see [`riyadh_local`]). Seconds are
    /// ignored: open from the first minute of a span, closed from its end minute.
    pub fn is_open(&self, at: NaiveDateTime) -> bool {
        let minute =
            (at.weekday().num_days_from_monday() * 1440 + at.hour() * 60 + at.minute()) as u16;
        self.week.iter().any(|&(s, e)| s <= minute && minute < e)
    }

    /// [`is_open`](Self::is_open) from the rules themselves (the reference for `week`).
    #[cfg(test)]
    fn is_open_by_rules(&self, at: NaiveDateTime) -> bool {
        let (day, minute) = (at.weekday(), (at.hour() * 60 + at.minute()) as u16);
        let today = self
            .effective(day)
            .is_some_and(|i| match &self.rules[i].times {
                RuleTimes::AllDay => true,
                RuleTimes::Closed => false,
                RuleTimes::Spans(spans) => spans
                    .iter()
                    .any(|s| s.start <= minute && (minute < s.end || s.crosses_midnight())),
            });
        today || self.spill_into(day).any(|s| minute < s.end)
    }

    /// Whether the value is open at every minute of every week (`24/7`, `00:00-24:00`, ...).
    /// `PH` rules being ignored, `24/7; PH off` counts as always open.
    pub fn is_always_open(&self) -> bool {
        self.week
            .iter()
            .copied()
            .eq((0..7).map(|d| (d * DAY, (d + 1) * DAY)))
    }

    /// The opening intervals of `day` as sorted, merged `(start, end)` minute pairs within that
    /// day (end exclusive, at most 1440), including the morning part of a span begun the day before.
    pub fn open_intervals_on(&self, day: Weekday) -> Vec<(u16, u16)> {
        let mut parts: Vec<(u16, u16)> = self.spill_into(day).map(|s| (0, s.end)).collect();
        if let Some(i) = self.effective(day) {
            match &self.rules[i].times {
                RuleTimes::AllDay => parts.push((0, DAY)),
                RuleTimes::Closed => {}
                RuleTimes::Spans(spans) => parts.extend(
                    spans
                        .iter()
                        .map(|s| (s.start, if s.crosses_midnight() { DAY } else { s.end })),
                ),
            }
        }
        parts.retain(|(s, e)| s < e);
        parts.sort_unstable();
        let mut merged: Vec<(u16, u16)> = Vec::with_capacity(parts.len());
        for (s, e) in parts {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged
    }

    /// Index of the rule that decides `day`: the last one naming it.
    fn effective(&self, day: Weekday) -> Option<usize> {
        self.rules.iter().rposition(|r| r.days.matches(day))
    }

    /// Midnight-crossing spans of the rule deciding the day before `day`, unless a later rule names `day`.
    fn spill_into(&self, day: Weekday) -> impl Iterator<Item = TimeSpan> + '_ {
        let spans: &[TimeSpan] = match self.effective(day.pred()) {
            Some(prev) if self.effective(day).is_none_or(|today| today <= prev) => {
                match &self.rules[prev].times {
                    RuleTimes::Spans(spans) => spans,
                    RuleTimes::AllDay | RuleTimes::Closed => &[],
                }
            }
            _ => &[],
        };
        spans.iter().copied().filter(|s| s.crosses_midnight())
    }
}

impl FromStr for OpeningHours {
    type Err = OpeningHoursError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for OpeningHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, rule) in self.rules.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{rule}")?;
        }
        Ok(())
    }
}

impl Serialize for OpeningHours {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for OpeningHours {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The hand-written recursive-descent parser; works on characters so positions are character offsets.
mod parser;

#[cfg(test)]
mod tests;
