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

mod week {
    use proptest::prelude::*;

    use super::*;

    /// `HH:MM-HH:MM` spans, `off`, or nothing (all day), after an optional day selector.
    fn rule() -> impl Strategy<Value = String> {
        let day = || prop::sample::select(DAY_NAMES.to_vec());
        let days = prop_oneof![
            Just(String::new()),
            day().prop_map(|d| format!("{d} ")),
            (day(), day()).prop_map(|(a, b)| format!("{a}-{b} ")),
            (day(), day()).prop_map(|(a, b)| format!("{a},{b} ")),
            Just("PH ".to_string()),
        ];
        let span = (0u16..24, 0u16..4, 0u16..25, 0u16..4).prop_filter_map(
            "an empty span",
            |(h1, q1, h2, q2)| {
                let (s, e) = (h1 * 60 + q1 * 15, (h2 * 60 + q2 * 15).min(DAY));
                (s != e).then(|| format!("{:02}:{:02}-{:02}:{:02}", s / 60, s % 60, e / 60, e % 60))
            },
        );
        let times = prop_oneof![
            Just(String::new()),
            Just("off".to_string()),
            prop::collection::vec(span, 1..4).prop_map(|s| s.join(",")),
        ];
        (days, times).prop_map(|(d, t)| format!("{d}{t}").trim().to_string())
    }

    proptest! {
        /// The precomputed week answers exactly as the rules do, at every quarter hour and at
        /// the minutes either side of every span's ends.
        #[test]
        fn the_week_answers_as_the_rules_do(rules in prop::collection::vec(rule(), 1..5)) {
            let text = rules.join("; ");
            let Ok(hours) = OpeningHours::parse(&text) else {
                return Ok(()); // e.g. a lone empty rule
            };
            for (i, day) in DAY_NAMES.iter().enumerate() {
                for minute in (0..DAY).step_by(15).chain([1, 14, 59, 479, 1439]) {
                    let t = at(day, &format!("{:02}:{:02}", minute / 60, minute % 60));
                    prop_assert_eq!(hours.is_open(t), hours.is_open_by_rules(t), "{} on day {} at {}", text, i, minute);
                }
            }
        }
    }

    #[test]
    fn sunday_night_runs_into_monday_morning() {
        let hours = oh("Su 20:00-03:00");
        assert!(hours.is_open(at("Mo", "02:59")) && !hours.is_open(at("Mo", "03:00")));
        assert!(hours.is_open(at("Su", "23:59")) && !hours.is_open(at("Sa", "23:59")));
    }
}
