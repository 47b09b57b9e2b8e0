//! OpenAPI schemas of request fields, written from the parsers in `domain::inputs` so that
//! what the document allows the server accepts: a client — or schemathesis, which checks
//! exactly that — that follows the schema is never refused for the shape of its input.
//! The server is a little more lenient than these (it trims surrounding whitespace and
//! ignores case in ID codes and zone names); the schemas describe the canonical form.
//! Used with `#[schema(schema_with = …)]` on the request DTOs.

use domain::{
    CompanyName, EmployeeName, Label, NewPassword, Reason, ReportText, StandupText, TaskDetails,
    TaskTitle,
};
use utoipa::openapi::schema::{
    AllOfBuilder, AnyOfBuilder, KnownFormat, Object, ObjectBuilder, Schema, SchemaFormat,
    SchemaType, Type,
};

/// Control characters (`char::is_control`): refused everywhere.
const CC: &str = r"\x00-\x1f\x7f-\x9f";
/// Whitespace that is not a control character (`char::is_whitespace` minus the above):
/// trimmed by the server, so never at either end of a canonical value.
const WS: &str = r" \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// Control characters except tab, line feed and carriage return (notes may have lines).
const CC_MULTILINE: &str = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f";

fn string(nullable: bool) -> ObjectBuilder {
    let t = if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::new(Type::String)
    };
    ObjectBuilder::new().schema_type(t)
}

/// Text of `min..=max` characters without control characters (except line breaks and tabs
/// inside `multiline` text) and without surrounding whitespace.
fn text(min: usize, max: usize, multiline: bool, nullable: bool) -> ObjectBuilder {
    let edge = format!("[^{CC}{WS}]");
    let inner = if multiline {
        format!("[^{CC_MULTILINE}]")
    } else {
        format!("[^{CC}]")
    };
    let body = format!("{edge}(?:{inner}{{0,{}}}{edge})?", max.saturating_sub(2));
    let pattern = if min == 0 {
        format!("^(?:{body})?$")
    } else {
        format!("^{body}$")
    };
    string(nullable)
        .min_length(Some(min))
        .max_length(Some(max))
        .pattern(Some(pattern))
}

pub fn company_name() -> Object {
    text(1, CompanyName::MAX, false, false)
        .description(Some("The company's name: 1–120 characters on one line."))
        .build()
}

pub fn employee_name() -> Object {
    text(1, EmployeeName::MAX, false, false)
        .description(Some("The employee's name: 1–120 characters on one line."))
        .build()
}

pub fn employee_name_opt() -> Object {
    text(1, EmployeeName::MAX, false, true)
        .description(Some("The employee's name: 1–120 characters on one line."))
        .build()
}

pub fn task_title() -> Object {
    text(1, TaskTitle::MAX, false, false)
        .description(Some("1–200 characters on one line."))
        .build()
}

pub fn task_title_opt() -> Object {
    text(1, TaskTitle::MAX, false, true)
        .description(Some("1–200 characters on one line."))
        .build()
}

pub fn task_details_opt() -> Object {
    text(0, TaskDetails::MAX, true, true)
        .description(Some("Up to 4,000 characters; line breaks allowed."))
        .build()
}

pub fn standup() -> Object {
    text(1, StandupText::MAX, true, false)
        .description(Some(
            "What the employee plans today: 1–4,000 characters; line breaks allowed.",
        ))
        .build()
}

pub fn standup_opt() -> Object {
    text(1, StandupText::MAX, true, true)
        .description(Some(
            "The corrected standup: 1–4,000 characters; line breaks allowed.",
        ))
        .build()
}

pub fn report() -> Object {
    text(1, ReportText::MAX, true, false)
        .description(Some(
            "What the employee did today: 1–8,000 characters; line breaks allowed.",
        ))
        .build()
}

pub fn report_opt() -> Object {
    text(1, ReportText::MAX, true, true)
        .description(Some(
            "The corrected report: 1–8,000 characters; line breaks allowed.",
        ))
        .build()
}

pub fn reason() -> Object {
    text(1, Reason::MAX, true, false)
        .description(Some(
            "Why (kept with the change): 1–500 characters; line breaks allowed.",
        ))
        .build()
}

pub fn label() -> Object {
    text(1, Label::MAX, false, false)
        .description(Some(
            "A label to recognise it by: 1–80 characters on one line.",
        ))
        .build()
}

pub fn label_opt() -> Object {
    text(1, Label::MAX, false, true)
        .description(Some(
            "A label to recognise it by: 1–80 characters on one line.",
        ))
        .build()
}

/// Plain ASCII addresses: one `@`, a dotted domain, at most 254 characters.
pub fn email() -> Object {
    string(false)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .min_length(Some(5))
        .max_length(Some(254))
        .pattern(Some(
            r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,4}$",
        ))
        .description(Some("An email address such as name@example.com."))
        .build()
}

pub fn new_password() -> Object {
    string(false)
        .min_length(Some(NewPassword::MIN))
        .max_length(Some(NewPassword::MAX))
        .description(Some(
            "At least 10 characters; common passwords are refused.",
        ))
        .build()
}

fn id_code_schema(nullable: bool) -> ObjectBuilder {
    string(nullable)
        .min_length(Some(4))
        .max_length(Some(32))
        .pattern(Some("^[A-Za-z0-9-]{4,32}$"))
}

/// An ID code as typed at the kiosk.
pub fn id_code() -> Object {
    id_code_schema(false)
        .description(Some("The employee's ID code (letters in either case)."))
        .build()
}

pub fn id_code_opt() -> Object {
    id_code_schema(true)
        .description(Some(
            "4–32 letters, digits or dashes, unique in the company; generated for a new employee when left out.",
        ))
        .build()
}

/// A PIN, 4–8 digits.
pub fn pin_opt() -> Object {
    string(true)
        .min_length(Some(4))
        .max_length(Some(8))
        .pattern(Some("^[0-9]{4,8}$"))
        .description(Some("4–8 digits, asked at the kiosk after the ID code."))
        .build()
}

/// A new PIN, or the empty string to remove it.
pub fn pin_or_empty_opt() -> Object {
    string(true)
        .max_length(Some(8))
        .pattern(Some("^(?:[0-9]{4,8})?$"))
        .description(Some("A new PIN of 4–8 digits; an empty string removes it."))
        .build()
}

/// A calendar day `YYYY-MM-DD` (proleptic Gregorian, leap years included) from year
/// `year` — all of 0000–9999 for plain dates, up to 9998 where the day becomes an instant
/// (jiff's timestamps end on 9999-12-30).
fn day(year: &str) -> String {
    format!(
        "(?:{year}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))\
         |(?:[0-9]{{2}}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)"
    )
}

const ANY_YEAR: &str = "[0-9]{4}";
const INSTANT_YEAR: &str = "(?:[0-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])";

fn date_schema(nullable: bool, year: &str) -> ObjectBuilder {
    string(nullable)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(format!("^{}$", day(year))))
}

/// A due date, `YYYY-MM-DD`.
pub fn date_opt() -> Object {
    date_schema(true, ANY_YEAR)
        .description(Some("`YYYY-MM-DD`."))
        .build()
}

/// A day in the company's zone, `YYYY-MM-DD`.
fn zone_day() -> Object {
    date_schema(false, INSTANT_YEAR).build()
}

pub fn approval_week() -> Object {
    date_schema(false, INSTANT_YEAR)
        .description(Some(
            "Any day of the week to approve (`YYYY-MM-DD`, company zone).",
        ))
        .build()
}

/// `YYYY-MM-DD`, or the empty string to clear it.
pub fn date_or_empty_opt() -> Object {
    string(true)
        .pattern(Some(format!("^(?:{})?$", day(ANY_YEAR))))
        .description(Some("`YYYY-MM-DD`; an empty string clears it."))
        .build()
}

fn instant(nullable: bool) -> ObjectBuilder {
    let time = r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,9})?";
    let offset = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])";
    string(nullable)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .pattern(Some(format!("^{}{time}{offset}$", day(INSTANT_YEAR))))
}

/// An RFC 3339 instant such as `2026-05-01T08:00:00Z`.
pub fn instant_opt() -> Object {
    instant(true)
        .description(Some("An RFC 3339 instant such as `2026-05-01T08:00:00Z`."))
        .build()
}

/// An IANA time zone of the bundled database (the empty string or null mean UTC).
pub fn time_zone_opt() -> Object {
    let mut names: Vec<String> = jiff::tz::TimeZoneDatabase::bundled()
        .available()
        .map(|n| n.as_str().to_string())
        .collect();
    names.sort();
    names.dedup();
    string(true)
        .enum_values(Some(
            std::iter::once(String::new())
                .chain(names)
                .map(serde_json::Value::from)
                .chain(std::iter::once(serde_json::Value::Null)),
        ))
        .description(Some(
            "IANA time zone such as `Europe/Berlin`; empty or null means UTC.",
        ))
        .build()
}

/// A query parameter: `YYYY-MM-DD` (a day in the company's zone) or an RFC 3339 instant.
pub fn day_or_instant() -> Schema {
    Schema::AnyOf(
        AnyOfBuilder::new()
            .item(zone_day())
            .item(instant(false).build())
            .build(),
    )
}

/// A query parameter: `open`, `done` or `archived`.
pub fn task_status() -> Object {
    string(false)
        .enum_values(Some(["open", "done", "archived"]))
        .description(Some("`open`, `done` or `archived`."))
        .build()
}

pub fn task_status_opt() -> Object {
    string(true)
        .enum_values(Some(
            ["open", "done", "archived"]
                .map(Some)
                .into_iter()
                .chain([None]),
        ))
        .description(Some("`open`, `done` or `archived`."))
        .build()
}

/// The score formula's weights: non-negative, `tasks` and `unplanned` not both zero,
/// `blocked_credit` at most 1 (`ScoreWeights::parse`).
pub fn score_weights() -> Schema {
    let number = |max: Option<f64>| {
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .minimum(Some(0.0))
            .maximum(max)
    };
    let shape = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("tasks", number(None))
        .property("unplanned", number(None))
        .property("blocked_credit", number(Some(1.0)))
        .required("tasks")
        .required("unplanned")
        .required("blocked_credit")
        .build();
    let above_zero = |field: &str| {
        ObjectBuilder::new()
            .property(
                field,
                ObjectBuilder::new()
                    .schema_type(Type::Number)
                    .exclusive_minimum(Some(0.0)),
            )
            .required(field)
            .build()
    };
    let either = AnyOfBuilder::new()
        .item(above_zero("tasks"))
        .item(above_zero("unplanned"))
        .build();
    Schema::AllOf(
        AllOfBuilder::new()
            .item(shape)
            .item(Schema::AnyOf(either))
            .description(Some("The score formula's weights (version 1)."))
            .build(),
    )
}

pub fn objection_mode() -> Object {
    string(false)
        .enum_values(Some(["local", "none"]))
        .description(Some(
            "`local`: an employee who objected is analysed by the built-in analyzer only \
             (never an external model); `none`: not analysed at all.",
        ))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::string::string_regex;

    /// Strings matching a schema's pattern (anchors dropped: every pattern is anchored).
    fn matching(o: Object) -> impl Strategy<Value = String> {
        let p = o.pattern.expect("a pattern");
        let inner = p
            .strip_prefix('^')
            .and_then(|p| p.strip_suffix('$'))
            .expect("anchored");
        string_regex(inner).expect("a pattern proptest can generate from")
    }

    // What the schema allows, the parser accepts, unchanged (the schema describes the
    // canonical form): the property schemathesis checks over HTTP, here for every case.
    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn single_line_text(s in matching(company_name()), t in matching(task_title()), l in matching(label())) {
            prop_assert_eq!(CompanyName::parse(&s).unwrap().into_inner(), s.clone());
            prop_assert!(s.chars().count() <= CompanyName::MAX);
            prop_assert_eq!(EmployeeName::parse(&s).unwrap().into_inner(), s);
            prop_assert_eq!(TaskTitle::parse(&t).unwrap().into_inner(), t);
            prop_assert_eq!(Label::parse(&l).unwrap().into_inner(), l);
        }

        #[test]
        fn multiline_text(s in matching(standup()), r in matching(report()), d in matching(task_details_opt()), why in matching(reason())) {
            prop_assert_eq!(StandupText::parse(&s).unwrap().into_inner(), s);
            prop_assert_eq!(ReportText::parse(&r).unwrap().into_inner(), r);
            prop_assert_eq!(TaskDetails::parse(&d).unwrap().into_inner(), d);
            prop_assert_eq!(Reason::parse(&why).unwrap().into_inner(), why);
        }

        #[test]
        fn days_and_instants(d in matching(date_opt()), z in matching(zone_day()), i in matching(instant_opt())) {
            prop_assert!(app::tasks::parse_due(&d).unwrap().is_some(), "{}", d);
            let day: jiff::civil::Date = z.parse().unwrap();
            for zone in ["Pacific/Kiritimati", "Pacific/Pago_Pago"] {
                let tz = jiff::tz::TimeZone::get(zone).unwrap();
                prop_assert!(domain::calendar::day_range(day, day, &tz).is_some(), "{} in {}", z, zone);
            }
            prop_assert!(i.parse::<jiff::Timestamp>().is_ok(), "{}", i);
        }

        #[test]
        fn emails_codes_and_pins(e in matching(email()), c in matching(id_code()), p in matching(pin_opt()), q in matching(pin_or_empty_opt())) {
            prop_assert!(e.len() > 254 || domain::Email::parse(&e).is_ok(), "{}", e);
            prop_assert!(domain::IdCode::parse(&c).is_ok());
            prop_assert!(domain::Pin::parse(&p).is_ok());
            prop_assert!(q.is_empty() || domain::Pin::parse(&q).is_ok());
        }
    }

    #[test]
    fn text_bounds_are_the_parsers() {
        let o = task_details_opt();
        assert_eq!(
            (o.min_length, o.max_length),
            (Some(0), Some(TaskDetails::MAX))
        );
        let o = standup();
        assert_eq!(
            (o.min_length, o.max_length),
            (Some(1), Some(StandupText::MAX))
        );
    }

    #[test]
    fn time_zones_are_enumerated_with_utc_defaults() {
        let values = time_zone_opt().enum_values.unwrap();
        assert_eq!(values[0], serde_json::json!(""));
        assert_eq!(values.last(), Some(&serde_json::Value::Null));
        let names: Vec<&str> = values.iter().filter_map(|v| v.as_str()).collect();
        assert!(names.contains(&"Europe/Berlin") && names.contains(&"UTC"));
        for name in names {
            assert!(domain::TimeZoneName::parse(name).is_ok(), "{name}");
        }
    }
}
