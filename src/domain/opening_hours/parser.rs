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
        Ok(OpeningHours::from_rules(rules))
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
