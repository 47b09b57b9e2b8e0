//! Property tests of the edge parsers (`inputs.rs`): any string gives a value or a clear
//! error naming the field — never a panic — and every accepted value is canonical (parsing
//! it again gives it back) and within the documented bounds, which the OpenAPI schema
//! repeats (min/max lengths) so generated clients and fuzzers agree with the server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::{
    CompanyName, Email, EmployeeName, IdCode, Label, Pin, ReportText, StandupText, TaskTitle,
    TimeZoneName, ValidationError,
};
use proptest::prelude::*;

fn is_clear(e: &ValidationError, field: &str) -> bool {
    e.field == field && !e.message.trim().is_empty()
}

/// Strings that look like zone names, plus near misses.
fn zone_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z_]{1,12}/[A-Za-z_+-]{1,16}",
        "(Etc/)?(GMT|UTC)[+-]?[0-9]{0,2}",
        "[ \t]{0,2}(Europe|America|Asia|Africa)/[A-Z][a-z]{2,10}[ \t]{0,2}",
        any::<String>(),
    ]
}

fn all_zone_names() -> Vec<String> {
    jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_string())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn time_zone_is_a_known_zone_or_a_clear_error(raw in zone_like()) {
        match TimeZoneName::parse(&raw) {
            Ok(z) => {
                // Canonical: parsing the stored name again yields it unchanged.
                prop_assert_eq!(TimeZoneName::parse(z.as_str()).unwrap(), z.clone());
                prop_assert!(jiff::tz::TimeZone::get(z.as_str()).is_ok(), "{:?}", z);
                prop_assert!(z.as_str().len() <= 64);
            }
            Err(e) => prop_assert!(is_clear(&e, "timezone"), "{:?}", e),
        }
    }

    #[test]
    fn text_fields_are_trimmed_bounded_and_canonical(raw in any::<String>(), pad in "[ \t\n]{0,3}") {
        let padded = format!("{pad}{raw}{pad}");
        check_text(&padded, CompanyName::parse, |v| v.as_str().to_string(), "company_name", CompanyName::MAX, false)?;
        check_text(&padded, EmployeeName::parse, |v| v.as_str().to_string(), "name", EmployeeName::MAX, false)?;
        check_text(&padded, TaskTitle::parse, |v| v.as_str().to_string(), "title", TaskTitle::MAX, false)?;
        check_text(&padded, Label::parse, |v| v.as_str().to_string(), "name", Label::MAX, false)?;
        check_text(&padded, StandupText::parse, |v| v.as_str().to_string(), "standup", StandupText::MAX, true)?;
        check_text(&padded, ReportText::parse, |v| v.as_str().to_string(), "report", ReportText::MAX, true)?;
    }

    #[test]
    fn printable_text_within_bounds_is_accepted_as_typed(raw in "[^\\p{Cc}\\s]([^\\p{Cc}]{0,60}[^\\p{Cc}\\s])?") {
        // What the OpenAPI pattern promises: no control characters, not blank, no padding.
        prop_assert_eq!(EmployeeName::parse(&raw).unwrap().into_inner(), raw.clone());
        prop_assert_eq!(TaskTitle::parse(&raw).unwrap().into_inner(), raw);
    }

    #[test]
    fn id_codes_are_upper_case_and_canonical(raw in prop_oneof!["[A-Za-z0-9-]{0,40}", any::<String>()]) {
        match IdCode::parse(&raw) {
            Ok(c) => {
                let s = c.as_str();
                prop_assert!((4..=32).contains(&s.len()));
                prop_assert!(s.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '-'));
                prop_assert_eq!(s, raw.trim().to_uppercase());
                prop_assert_eq!(IdCode::parse(s).unwrap(), c.clone());
                prop_assert_eq!(IdCode::parse(&s.to_lowercase()).unwrap(), c);
            }
            Err(e) => prop_assert!(is_clear(&e, "id_code"), "{:?}", e),
        }
    }

    #[test]
    fn valid_id_codes_are_always_accepted(raw in "[A-Za-z0-9-]{4,32}") {
        let code = IdCode::parse(&raw).unwrap();
        prop_assert_eq!(code.as_str(), raw.to_uppercase());
    }

    #[test]
    fn emails_are_lower_case_and_canonical(raw in prop_oneof![
        "[A-Za-z0-9._%+-]{1,20}@[A-Za-z0-9-]{1,20}\\.[A-Za-z]{2,6}",
        any::<String>(),
    ]) {
        match Email::parse(&raw) {
            Ok(e) => {
                let s = e.as_str();
                prop_assert_eq!(s, s.to_lowercase());
                prop_assert!(s.len() <= 254 && s.matches('@').count() == 1);
                prop_assert!(!s.chars().any(|c| c.is_whitespace() || c.is_control()));
                prop_assert_eq!(Email::parse(s).unwrap(), e.clone());
            }
            Err(e) => prop_assert!(is_clear(&e, "email"), "{:?}", e),
        }
    }

    #[test]
    fn pins_are_four_to_eight_digits(raw in prop_oneof!["[0-9]{0,10}", any::<String>()]) {
        match Pin::parse(&raw) {
            Ok(p) => {
                prop_assert!((4..=8).contains(&p.expose().len()));
                prop_assert!(p.expose().bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(p.expose(), raw.trim());
            }
            Err(e) => prop_assert!(is_clear(&e, "pin"), "{:?}", e),
        }
    }
}

fn check_text<T>(
    raw: &str,
    parse: fn(&str) -> Result<T, ValidationError>,
    as_str: fn(&T) -> String,
    field: &str,
    max: usize,
    multiline: bool,
) -> Result<(), TestCaseError> {
    match parse(raw) {
        Ok(v) => {
            let s = as_str(&v);
            prop_assert_eq!(s.as_str(), raw.trim());
            let n = s.chars().count();
            prop_assert!((1..=max).contains(&n), "{} chars", n);
            let allowed =
                |c: char| !c.is_control() || (multiline && matches!(c, '\n' | '\r' | '\t'));
            prop_assert!(s.chars().all(allowed));
            prop_assert_eq!(as_str(&parse(&s).unwrap()), s);
        }
        Err(e) => prop_assert!(is_clear(&e, field), "{:?}", e),
    }
    Ok(())
}

/// Every zone of the bundled database is accepted, padded or not, and its stored name
/// opens the same zone again (what the app does with it on every request).
#[test]
fn every_zone_in_the_database_round_trips() {
    let names = all_zone_names();
    assert!(
        names.len() > 300,
        "tz database looks empty: {}",
        names.len()
    );
    for name in names {
        let z = TimeZoneName::parse(&name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(TimeZoneName::parse(&format!(" {name}\t")).unwrap(), z);
        assert_eq!(TimeZoneName::parse(z.as_str()).unwrap(), z, "{name}");
        let now = jiff::Timestamp::now();
        assert_eq!(
            z.tz().to_offset(now),
            jiff::tz::TimeZone::get(&name).unwrap().to_offset(now),
            "{name}"
        );
    }
}

/// Zone names are matched without regard to case, and stored in the database's spelling.
#[test]
fn zone_names_ignore_case_and_store_one_spelling() {
    for name in all_zone_names() {
        let z = TimeZoneName::parse(&name).unwrap();
        for variant in [name.to_lowercase(), name.to_uppercase()] {
            assert_eq!(
                TimeZoneName::parse(&variant).unwrap(),
                z,
                "{variant} vs {name}"
            );
        }
    }
}
