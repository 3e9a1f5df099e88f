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
}

impl OpeningHours {
    /// Parses an `opening_hours` value of the supported subset (see the module documentation).
    pub fn parse(input: &str) -> Result<Self, OpeningHoursError> {
        parser::parse(input)
    }

    /// The rules, in order (later rules override earlier ones for the days they name).
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether the place is open at local time `at` (city time; see [`riyadh_local`]). Seconds are
    /// ignored: open from the first minute of a span, closed from its end minute.
    pub fn is_open(&self, at: NaiveDateTime) -> bool {
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
        today || self.spill_into(day).iter().any(|s| minute < s.end)
    }

    /// Whether the value is open at every minute of every week (`24/7`, `00:00-24:00`, ...).
    /// `PH` rules being ignored, `24/7; PH off` counts as always open.
    pub fn is_always_open(&self) -> bool {
        WeekdaySet::ALL
            .iter()
            .all(|day| self.open_intervals_on(day) == [(0, DAY)])
    }

    /// The opening intervals of `day` as sorted, merged `(start, end)` minute pairs within that
    /// day (end exclusive, at most 1440), including the morning part of a span begun the day before.
    pub fn open_intervals_on(&self, day: Weekday) -> Vec<(u16, u16)> {
        let mut parts: Vec<(u16, u16)> = self.spill_into(day).iter().map(|s| (0, s.end)).collect();
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
    fn spill_into(&self, day: Weekday) -> Vec<TimeSpan> {
        let Some(prev) = self.effective(day.pred()) else {
            return Vec::new();
        };
        if self.effective(day).is_some_and(|today| today > prev) {
            return Vec::new();
        }
        match &self.rules[prev].times {
            RuleTimes::Spans(spans) => spans
                .iter()
                .copied()
                .filter(|s| s.crosses_midnight())
                .collect(),
            RuleTimes::AllDay | RuleTimes::Closed => Vec::new(),
        }
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
mod parser {
    use super::OpeningHoursErrorKind as K;
    use super::WeekdaySet;
    use super::{DAY, DaySelector, OpeningHours, OpeningHoursError, Rule, RuleTimes, TimeSpan};
    use chrono::Weekday;

    type Result<T> = std::result::Result<T, OpeningHoursError>;

    fn err<T>(kind: K, position: usize) -> Result<T> {
        Err(OpeningHoursError { kind, position })
    }

    pub(super) fn parse(input: &str) -> Result<OpeningHours> {
        let mut p = Parser {
            chars: input.chars().collect(),
            pos: 0,
        };
        let mut rules = Vec::new();
        loop {
            p.skip_ws();
            match p.peek() {
                None => break,
                Some(';') => p.pos += 1,
                Some(_) => {
                    rules.push(p.rule()?);
                    p.skip_ws();
                    if p.peek().is_some() && !p.eat(';') {
                        return p.unexpected("\";\" or end of input");
                    }
                }
            }
        }
        if rules.is_empty() {
            err(K::Empty, 0)
        } else {
            Ok(OpeningHours { rules })
        }
    }

    struct Parser {
        chars: Vec<char>,
        pos: usize,
    }

    impl Parser {
        fn peek(&self) -> Option<char> {
            self.chars.get(self.pos).copied()
        }

        fn peek_is(&self, pred: impl Fn(char) -> bool) -> bool {
            self.peek().is_some_and(pred)
        }

        fn eat(&mut self, c: char) -> bool {
            let found = self.peek() == Some(c);
            self.pos += usize::from(found);
            found
        }

        fn eat_dash(&mut self) -> bool {
            self.eat('-') || self.eat('\u{2013}') || self.eat('\u{2014}')
        }

        fn skip_ws(&mut self) {
            while self.peek_is(char::is_whitespace) {
                self.pos += 1;
            }
        }

        /// Consumes a run of characters matching `pred` and returns it.
        fn take_while(&mut self, pred: impl Fn(char) -> bool) -> String {
            let start = self.pos;
            while self.peek_is(&pred) {
                self.pos += 1;
            }
            self.chars[start..self.pos].iter().collect()
        }

        /// The word (or else the character) at the cursor, without consuming it.
        fn unexpected<T>(&self, expected: &'static str) -> Result<T> {
            let rest = &self.chars[self.pos..];
            let found: String = match rest.first() {
                None => return err(K::UnexpectedEnd(expected), self.pos),
                Some(c) if c.is_alphanumeric() => {
                    rest.iter().take_while(|c| c.is_alphanumeric()).collect()
                }
                Some(c) => c.to_string(),
            };
            err(K::Unexpected(found, expected), self.pos)
        }

        fn rule(&mut self) -> Result<Rule> {
            if self.chars[self.pos..].starts_with(&['2', '4', '/', '7']) {
                self.pos += 4;
                return Ok(Rule {
                    days: DaySelector::Every,
                    times: RuleTimes::AllDay,
                });
            }
            let word_ahead: String = self.chars[self.pos..]
                .iter()
                .take_while(|c| c.is_alphabetic())
                .collect();
            let days = if word_ahead.is_empty() || is_off(&word_ahead) {
                DaySelector::Every
            } else {
                self.selector()?
            };
            self.skip_ws();
            let times = if self.peek_is(char::is_alphabetic) {
                let position = self.pos;
                if !is_off(&self.take_while(char::is_alphabetic)) {
                    self.pos = position;
                    return self.unexpected("time spans, \"off\" or \"closed\"");
                }
                RuleTimes::Closed
            } else if days != DaySelector::Every && matches!(self.peek(), None | Some(';')) {
                RuleTimes::AllDay
            } else {
                RuleTimes::Spans(self.spans()?)
            };
            Ok(Rule { days, times })
        }

        fn weekday(&mut self) -> Result<Option<Weekday>> {
            let position = self.pos;
            let name = self.take_while(char::is_alphabetic);
            match name.to_ascii_lowercase().as_str() {
                "" => self.unexpected("a weekday such as Fr"),
                "ph" => Ok(None),
                "mo" => Ok(Some(Weekday::Mon)),
                "tu" => Ok(Some(Weekday::Tue)),
                "we" => Ok(Some(Weekday::Wed)),
                "th" => Ok(Some(Weekday::Thu)),
                "fr" => Ok(Some(Weekday::Fri)),
                "sa" => Ok(Some(Weekday::Sat)),
                "su" => Ok(Some(Weekday::Sun)),
                _ => err(K::UnknownWeekday(name), position),
            }
        }

        fn selector(&mut self) -> Result<DaySelector> {
            let (mut weekdays, mut public_holidays) = (WeekdaySet::EMPTY, false);
            loop {
                let Some(first) = self.weekday()? else {
                    public_holidays = true;
                    if !self.comma_then(char::is_alphabetic) {
                        return Ok(DaySelector::Days {
                            weekdays,
                            public_holidays,
                        });
                    }
                    continue;
                };
                let before_dash = self.pos;
                self.skip_ws();
                if self.eat_dash() {
                    self.skip_ws();
                    let position = self.pos;
                    let Some(last) = self.weekday()? else {
                        return err(K::UnknownWeekday("PH".into()), position);
                    };
                    WeekdaySet::range(first, last)
                        .iter()
                        .for_each(|d| weekdays.insert(d));
                } else {
                    self.pos = before_dash;
                    weekdays.insert(first);
                }
                if !self.comma_then(char::is_alphabetic) {
                    return Ok(DaySelector::Days {
                        weekdays,
                        public_holidays,
                    });
                }
            }
        }

        /// Consumes `,` and whitespace if what follows satisfies `next`; else consumes nothing.
        fn comma_then(&mut self, next: impl Fn(char) -> bool) -> bool {
            let before = self.pos;
            self.skip_ws();
            if self.eat(',') {
                self.skip_ws();
                if self.peek_is(next) {
                    return true;
                }
            }
            self.pos = before;
            false
        }

        fn spans(&mut self) -> Result<Vec<TimeSpan>> {
            let mut spans = Vec::new();
            loop {
                let position = self.pos;
                let (start, start_text) = self.time()?;
                self.skip_ws();
                if !self.eat_dash() {
                    return self.unexpected("\"-\" and a closing time");
                }
                self.skip_ws();
                let (end, _) = self.time()?;
                if start == DAY {
                    return err(K::TimeOutOfRange(start_text), position);
                }
                let Some(span) = TimeSpan::new(start, end) else {
                    return err(K::EmptySpan(TimeSpan { start, end }.to_string()), position);
                };
                spans.push(span);
                // Anything after a comma must be another span: `, Sa ...` is an error.
                let before = self.pos;
                self.skip_ws();
                if !self.eat(',') {
                    self.pos = before;
                    return Ok(spans);
                }
                self.skip_ws();
            }
        }

        /// `H:MM` or `HH:MM`, 00:00 to 24:00, as minutes and the text written.
        fn time(&mut self) -> Result<(u16, String)> {
            let position = self.pos;
            if !self.peek_is(|c| c.is_ascii_digit()) {
                return self.unexpected("a time such as 08:00");
            }
            let text = self.take_while(|c| c.is_ascii_digit() || c == ':');
            let parsed = text.split_once(':').and_then(|(h, m)| {
                let ok = (1..=2).contains(&h.len()) && m.len() == 2;
                Some((
                    h.parse::<u16>().ok().filter(|_| ok)?,
                    m.parse::<u16>().ok()?,
                ))
            });
            match parsed {
                None => err(K::MalformedTime(text), position),
                Some((h, m)) if h > 24 || m > 59 || (h == 24 && m > 0) => {
                    err(K::TimeOutOfRange(text), position)
                }
                Some((h, m)) => Ok((h * 60 + m, text)),
            }
        }
    }

    fn is_off(word: &str) -> bool {
        word.eq_ignore_ascii_case("off") || word.eq_ignore_ascii_case("closed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// Local time on the given weekday of the week of Monday 2024-06-03.
    fn at(day: &str, hh_mm: &str) -> NaiveDateTime {
        let index = DAY_NAMES.iter().position(|d| *d == day).unwrap() as u32;
        let (h, m) = hh_mm.split_once(':').unwrap();
        NaiveDate::from_ymd_opt(2024, 6, 3 + index)
            .and_then(|d| d.and_hms_opt(h.parse().unwrap(), m.parse().unwrap(), 0))
            .unwrap()
    }

    fn oh(s: &str) -> OpeningHours {
        OpeningHours::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    /// Checks `(day, time, open?)` cases against one value.
    fn check(value: &str, cases: &[(&str, &str, bool)]) {
        let hours = oh(value);
        for &(day, time, open) in cases {
            assert_eq!(
                hours.is_open(at(day, time)),
                open,
                "{value:?} at {day} {time}"
            );
        }
    }

    #[test]
    fn the_reference_week_starts_on_monday() {
        assert_eq!(at("Mo", "00:00").weekday(), Weekday::Mon);
        assert_eq!(at("Su", "00:00").weekday(), Weekday::Sun);
    }

    #[test]
    fn saudi_split_shift_with_friday_prayer_closure() {
        check(
            "Sa-Th 08:00-12:00,16:00-23:00; Fr 16:00-23:00",
            &[
                ("Su", "07:59", false),
                ("Su", "08:00", true),
                ("Su", "11:59", true),
                ("Su", "12:00", false),
                ("Su", "14:00", false),
                ("Su", "16:00", true),
                ("Th", "22:59", true),
                ("Th", "23:00", false),
                ("Fr", "09:00", false),
                ("Fr", "12:30", false),
                ("Fr", "16:00", true),
                ("Sa", "10:00", true),
            ],
        );
    }

    #[test]
    fn sunday_to_thursday_office_week() {
        let cases = [
            ("Su", "07:30", true),
            ("Th", "14:29", true),
            ("Th", "14:30", false),
        ];
        check("Su-Th 07:30-14:30", &cases);
        check(
            "Su-Th 07:30-14:30",
            &[("Fr", "10:00", false), ("Sa", "10:00", false)],
        );
    }

    #[test]
    fn twenty_four_seven() {
        let hours = oh("24/7");
        assert!(hours.is_always_open());
        assert!(hours.is_open(at("Fr", "12:00")) && hours.is_open(at("Mo", "00:00")));
        assert!(oh("24/7; PH off").is_always_open());
        assert!(!oh("24/7; Fr off").is_always_open());
        check(
            "24/7; Fr off",
            &[
                ("Fr", "12:00", false),
                ("Th", "23:59", true),
                ("Sa", "00:00", true),
            ],
        );
    }

    #[test]
    fn is_always_open_looks_at_the_whole_week() {
        for value in [
            "00:00-24:00",
            "Mo-Su 00:00-24:00",
            "Mo-Su",
            "00:00-12:00,12:00-24:00",
        ] {
            assert!(oh(value).is_always_open(), "{value}");
        }
        for value in [
            "Mo-Fr",
            "18:00-06:00",
            "00:00-23:59",
            "Sa-Th; Fr 13:00-24:00",
            "off",
        ] {
            assert!(!oh(value).is_always_open(), "{value}");
        }
    }

    #[test]
    fn later_rules_override_and_off_closes() {
        let value = "Mo-Sa 08:00-20:00; We off; Sa 10:00-12:00";
        let cases = [
            ("Tu", "09:00", true),
            ("We", "09:00", false),
            ("Sa", "09:00", false),
        ];
        check(value, &cases);
        check(value, &[("Sa", "11:00", true), ("Su", "11:00", false)]);
        check(
            "Mo-Fr 08:00-17:00; Tu closed",
            &[("Tu", "09:00", false), ("Mo", "09:00", true)],
        );
        // An unselected rule covers every day and so overrides everything before it.
        check(
            "Mo-Fr 08:00-12:00; 14:00-20:00",
            &[("Mo", "09:00", false), ("Su", "15:00", true)],
        );
        check("off", &[("Mo", "09:00", false)]);
    }

    #[test]
    fn weekdays_without_times_are_open_all_day() {
        let cases = [
            ("Mo", "00:00", true),
            ("Fr", "23:59", true),
            ("Sa", "12:00", false),
        ];
        check("Mo-Fr", &cases);
        check(
            "08:00-10:00",
            &[("Su", "09:00", true), ("We", "10:00", false)],
        );
    }

    #[test]
    fn spans_crossing_midnight_open_the_next_morning() {
        let value = "Th 18:00-02:00";
        let cases = [
            ("Th", "17:59", false),
            ("Th", "18:00", true),
            ("Th", "23:59", true),
        ];
        check(value, &cases);
        check(
            value,
            &[
                ("Fr", "00:00", true),
                ("Fr", "01:00", true),
                ("Fr", "01:59", true),
            ],
        );
        check(
            value,
            &[
                ("Fr", "02:00", false),
                ("Th", "01:00", false),
                ("Fr", "18:00", false),
            ],
        );
        // Wrapping over the end of the week: Sunday night opens Monday morning.
        check(
            "Su 20:00-03:00",
            &[("Mo", "02:59", true), ("Mo", "03:00", false)],
        );
        // Ending at midnight is the same as ending at 24:00, spelt differently.
        check(
            "18:00-00:00",
            &[("Mo", "23:59", true), ("Tu", "00:00", false)],
        );
    }

    #[test]
    fn a_later_rule_for_the_next_day_cuts_the_night_as_in_osm() {
        let value = "Sa-Th 16:00-02:00; Fr 18:00-23:00";
        let cases = [
            ("Fr", "01:00", false),
            ("Su", "01:00", true),
            ("Fr", "19:00", true),
            ("Sa", "01:00", false),
        ];
        check(value, &cases);
        // Putting the Friday rule first, or spelling the night out, keeps Thursday night.
        check(
            "Fr 18:00-23:00; Sa-Th 16:00-02:00",
            &[("Fr", "01:00", true), ("Fr", "17:00", false)],
        );
        check(
            "Sa-Th 16:00-02:00; Fr 00:00-02:00,18:00-23:00",
            &[("Fr", "01:00", true)],
        );
        // A day switched off has no night, and (as in OSM) it also cuts the night before it.
        check(
            "22:00-02:00; Mo off",
            &[
                ("Tu", "01:00", false),
                ("Mo", "01:00", false),
                ("We", "01:00", true),
            ],
        );
    }

    #[test]
    fn boundaries_are_start_inclusive_end_exclusive() {
        let hours = oh("Mo 08:00-24:00");
        assert!(hours.is_open(at("Mo", "08:00")));
        assert!(!hours.is_open(at("Mo", "07:59")));
        let last_second = at("Mo", "23:59").with_second(59).unwrap();
        assert!(hours.is_open(last_second));
        assert!(!hours.is_open(at("Tu", "00:00")));
        let before_close = at("Mo", "11:59").with_second(59).unwrap();
        assert!(oh("Mo 08:00-12:00").is_open(before_close));
    }

    #[test]
    fn selectors_lists_wrapping_ranges_case_and_whitespace() {
        let value = "Sa-We 09:00-21:00";
        let cases = [
            ("Sa", "10:00", true),
            ("We", "10:00", true),
            ("Th", "10:00", false),
        ];
        check(value, &cases);
        check(
            "Mo-We,Fr 09:00-10:00",
            &[
                ("Tu", "09:30", true),
                ("Th", "09:30", false),
                ("Fr", "09:30", true),
            ],
        );
        let messy = oh("  mo - WE , fr  09:00 - 10:00 ,  16:00-17:00 ;; SA OFF ; ");
        assert_eq!(messy, oh("Mo-We,Fr 09:00-10:00,16:00-17:00; Sa off"));
        assert_eq!(oh("Mo 09:00\u{2013}10:00"), oh("Mo 9:00-10:00"));
    }

    #[test]
    fn public_holidays_are_kept_but_ignored() {
        let plain = oh("Sa-Th 08:00-22:00");
        let with_ph = oh("Sa-Th 08:00-22:00; PH off");
        assert_eq!(with_ph.rules().len(), 2);
        assert_eq!(with_ph.to_string(), "Sa-Th 08:00-22:00; PH off");
        for day in DAY_NAMES {
            assert_eq!(
                plain.is_open(at(day, "10:00")),
                with_ph.is_open(at(day, "10:00"))
            );
        }
        check(
            "08:00-22:00; Su,PH off",
            &[("Su", "10:00", false), ("Mo", "10:00", true)],
        );
        check("PH 08:00-09:00", &[("Mo", "08:30", false)]);
    }

    #[test]
    fn open_intervals_on_merges_the_previous_night() {
        let hours = oh("Mo-Fr 08:00-12:00,11:00-13:00,22:00-02:00");
        assert_eq!(
            hours.open_intervals_on(Weekday::Mon),
            [(480, 780), (1320, 1440)]
        );
        assert_eq!(
            hours.open_intervals_on(Weekday::Tue),
            [(0, 120), (480, 780), (1320, 1440)]
        );
        assert_eq!(hours.open_intervals_on(Weekday::Sat), [(0, 120)]);
        assert!(hours.open_intervals_on(Weekday::Sun).is_empty());
    }

    #[test]
    fn display_is_canonical_and_round_trips() {
        let table = [
            ("24/7", "24/7"),
            ("mo-fr 8:00-12:00", "Mo-Fr 08:00-12:00"),
            (
                "Sa-Th 08:00-12:00, 16:00-23:00;Fr 16:00-23:00",
                "Sa-Th 08:00-12:00,16:00-23:00; Fr 16:00-23:00",
            ),
            ("Mo,Tu,We,Fr 10:00-11:00", "Mo-We,Fr 10:00-11:00"),
            ("Sa,Su,Mo", "Sa-Mo"),
            ("Su,Mo", "Su-Mo"),
            ("Fr,Mo-Su", "Mo-Su"),
            ("Th,Fr,Tu 20:00-02:00", "Tu,Th-Fr 20:00-02:00"),
            ("PH,Su closed", "Su,PH off"),
            ("Mo-Fr 08:00-17:00; PH off", "Mo-Fr 08:00-17:00; PH off"),
            ("closed", "off"),
            ("18:00-24:00; We off", "18:00-24:00; We off"),
            ("We-We 07:00-08:00", "We 07:00-08:00"),
        ];
        for (input, canonical) in table {
            let parsed = oh(input);
            assert_eq!(parsed.to_string(), canonical, "display of {input:?}");
            let again = oh(canonical);
            assert_eq!(again, parsed, "round trip of {input:?}");
            assert_eq!(again.to_string(), canonical);
            assert_eq!(canonical.parse::<OpeningHours>().as_ref(), Ok(&parsed));
        }
    }

    #[test]
    fn errors_say_what_and_where() {
        let table = [
            ("Mx 08:00-12:00", "unknown weekday \"Mx\" at position 0"),
            ("Mo-Fr 25:00-26:00", "time 25:00 out of range at position 6"),
            ("Mo 08:00-12:60", "time 12:60 out of range at position 9"),
            ("Mo 08:00-24:01", "time 24:01 out of range at position 9"),
            ("Mo 24:00-02:00", "time 24:00 out of range at position 3"),
            ("Sa-Xy 10:00-11:00", "unknown weekday \"Xy\" at position 3"),
            ("Mo-PH", "unknown weekday \"PH\" at position 3"),
            (
                "Mo,السبت 10:00-11:00",
                "unknown weekday \"السبت\" at position 3",
            ),
            (
                "Mo 0800-1200",
                "malformed time \"0800\" (expected HH:MM) at position 3",
            ),
            (
                "Mo 8:0-12:00",
                "malformed time \"8:0\" (expected HH:MM) at position 3",
            ),
            (
                "Mo 08:00-08:00",
                "empty time span 08:00-08:00 at position 3",
            ),
            (
                "Mo 08:00",
                "expected \"-\" and a closing time, found end of input at position 8",
            ),
            (
                "Mo 08:00+",
                "expected \"-\" and a closing time, found \"+\" at position 8",
            ),
            (
                "Mo 08:00-12:00, Sa 09:00-10:00",
                "expected a time such as 08:00, found \"Sa\" at position 16",
            ),
            (
                "Mo 08:00-12:00 off",
                "expected \";\" or end of input, found \"off\" at position 15",
            ),
            (
                "Mo open",
                "expected time spans, \"off\" or \"closed\", found \"open\" at position 3",
            ),
            (
                "Mo-",
                "expected a weekday such as Fr, found end of input at position 3",
            ),
            (
                "Mo, 10:00-11:00",
                "expected a time such as 08:00, found \",\" at position 2",
            ),
            ("Jan 10:00-11:00", "unknown weekday \"Jan\" at position 0"),
            ("  ; ;", "empty opening_hours value at position 0"),
            ("", "empty opening_hours value at position 0"),
        ];
        for (input, message) in table {
            let error = OpeningHours::parse(input).expect_err(input);
            assert_eq!(error.to_string(), message, "error for {input:?}");
        }
        let error = OpeningHours::parse("Mo 25:00-26:00").unwrap_err();
        assert_eq!(
            error.kind,
            OpeningHoursErrorKind::TimeOutOfRange("25:00".into())
        );
        assert_eq!(error.position, 3);
    }

    #[test]
    fn serde_uses_the_canonical_string() {
        let hours = oh("sa-th 08:00-12:00 ; fr OFF");
        let json = serde_json::to_string(&hours).unwrap();
        assert_eq!(json, "\"Sa-Th 08:00-12:00; Fr off\"");
        assert_eq!(serde_json::from_str::<OpeningHours>(&json).unwrap(), hours);
        let error = serde_json::from_str::<OpeningHours>("\"Mx 08:00-09:00\"").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("unknown weekday \"Mx\" at position 0"),
            "{error}"
        );
    }

    #[test]
    fn riyadh_is_utc_plus_three() {
        let utc = DateTime::parse_from_rfc3339("2024-06-06T21:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let local = riyadh_local(utc);
        assert_eq!(local, at("Fr", "00:30"));
        assert!(oh("Th 18:00-02:00").is_open(riyadh_local(utc)));
        assert_eq!(riyadh_local(DateTime::<Utc>::MAX_UTC), NaiveDateTime::MAX);
    }

    #[test]
    fn time_span_accessors() {
        let span = TimeSpan::new(18 * 60, 2 * 60).unwrap();
        assert!(span.crosses_midnight());
        assert_eq!((span.start_minute(), span.end_minute()), (1080, 120));
        assert_eq!(TimeSpan::new(600, 600), None);
        assert_eq!(TimeSpan::new(1440, 60), None);
        assert_eq!(
            WeekdaySet::range(Weekday::Sat, Weekday::Mon).iter().count(),
            3
        );
    }
}
