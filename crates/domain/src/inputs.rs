//! Inputs parsed at the edge. Past the edge a value of one of these types is valid by
//! construction, so handlers and the store never re-check it.

use crate::ValidationError;

/// Trims, rejects control characters (except newlines/tabs where `multiline`), and checks
/// the length in characters (not bytes) against `min..=max`.
fn clean_text(
    field: &'static str,
    raw: &str,
    min: usize,
    max: usize,
    multiline: bool,
) -> Result<String, ValidationError> {
    let s = raw.trim();
    let len = s.chars().count();
    if len < min {
        return Err(ValidationError::new(
            field,
            if min <= 1 {
                "must not be empty".to_string()
            } else {
                format!("must be at least {min} characters")
            },
        ));
    }
    if len > max {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters (got {len})"),
        ));
    }
    let bad = |c: char| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'));
    if s.chars().any(bad) {
        return Err(ValidationError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(s.to_string())
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $field:literal, $min:expr, $max:expr, $multiline:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub const MAX: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, ValidationError> {
                clean_text($field, raw, $min, $max, $multiline).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

text_type!(
    /// A company's display name.
    CompanyName, "company_name", 1, 120, false
);
text_type!(
    /// An employee's name as the supervisor typed it.
    EmployeeName, "name", 1, 120, false
);
text_type!(
    /// A task's title.
    TaskTitle, "title", 1, 200, false
);
text_type!(
    /// Optional details of a task.
    TaskDetails, "details", 0, 4000, true
);
text_type!(
    /// The standup note typed at clock-in.
    StandupText, "standup", 1, 4000, true
);
text_type!(
    /// The end-of-day report typed at clock-out.
    ReportText, "report", 1, 8000, true
);
text_type!(
    /// The reason given for a correction or override; audits need one.
    Reason, "reason", 1, 500, true
);
text_type!(
    /// What an employee asks to have corrected, in their own words.
    RequestText, "text", 1, 2000, true
);
text_type!(
    /// A label for an API token or kiosk.
    Label, "name", 1, 80, false
);

/// An email address, lower-cased. Deliberately simple: one `@`, a dot in the domain, no
/// spaces; the real proof of an address is the mail that reaches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let s = raw.trim().to_lowercase();
        let err = |m: &str| Err(ValidationError::new("email", m));
        if s.is_empty() {
            return err("must not be empty");
        }
        if s.len() > 254 {
            return err("must be at most 254 characters");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return err("must be an email address like name@example.com");
        };
        let ok_chars = |p: &str| {
            !p.is_empty()
                && p.chars().all(|c| {
                    !c.is_whitespace() && !c.is_control() && c != '@' && c != '<' && c != '>'
                })
        };
        if !ok_chars(local)
            || !ok_chars(domain)
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
        {
            return err("must be an email address like name@example.com");
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password that passed the policy. Never logged: no `Debug` shows it.
#[derive(Clone)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

/// Passwords seen most often in breach corpora; a length rule alone lets these through.
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "12345678910",
    "123456789a",
    "1q2w3e4r5t",
    "password1",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "qwertyuiop",
    "qwerty1234",
    "qwerty12345",
    "iloveyou123",
    "letmein123",
    "welcome123",
    "welcome1234",
    "admin12345",
    "administrator",
    "football123",
    "baseball123",
    "sunshine123",
    "princess123",
    "monkey12345",
    "dragon12345",
    "abc1234567",
    "abcdefghij",
    "0987654321",
    "1111111111",
    "0000000000",
    "aaaaaaaaaa",
    "changeme123",
    "trustno1234",
    "superman123",
    "starwars123",
    "omnitrack123",
    "omnitrack1",
    "p@ssw0rd123",
    "zaq12wsxcde",
    "1qaz2wsx3edc",
    "asdfghjkl1",
];

impl NewPassword {
    pub const MIN: usize = 10;
    pub const MAX: usize = 256;

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let len = raw.chars().count();
        if len < Self::MIN {
            return Err(ValidationError::new(
                "password",
                format!("must be at least {} characters", Self::MIN),
            ));
        }
        if len > Self::MAX {
            return Err(ValidationError::new(
                "password",
                format!("must be at most {} characters", Self::MAX),
            ));
        }
        let lower = raw.to_lowercase();
        if COMMON_PASSWORDS.contains(&lower.as_str()) {
            return Err(ValidationError::new(
                "password",
                "is one of the most common passwords; choose another",
            ));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A valid IANA time zone name such as `Europe/Berlin`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let s = raw.trim();
        if s.is_empty() {
            return Ok(Self::utc());
        }
        if s.len() > 64 {
            return Err(ValidationError::new("timezone", "is too long"));
        }
        match jiff::tz::TimeZone::get(s) {
            Ok(tz) => Ok(Self(tz.iana_name().unwrap_or(s).to_string())),
            Err(_) => Err(ValidationError::new(
                "timezone",
                format!("'{s}' is not a known IANA time zone such as Europe/Berlin"),
            )),
        }
    }

    pub fn utc() -> Self {
        Self("UTC".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn tz(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.0).unwrap_or(jiff::tz::TimeZone::UTC)
    }
}

/// An employee's ID code for the kiosk: 4–32 letters, digits or dashes, unique per company.
/// Stored upper-cased so `ab-12` and `AB-12` are the same person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdCode(String);

impl IdCode {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let s = raw.trim().to_uppercase();
        let len = s.chars().count();
        if !(4..=32).contains(&len) {
            return Err(ValidationError::new(
                "id_code",
                "must be 4 to 32 characters",
            ));
        }
        if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(ValidationError::new(
                "id_code",
                "may only contain letters, digits and dashes",
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A kiosk PIN: 4–8 digits. Stored only as a hash.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

impl Pin {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let s = raw.trim();
        if !(4..=8).contains(&s.len()) || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(ValidationError::new("pin", "must be 4 to 8 digits"));
        }
        Ok(Self(s.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded_in_characters() {
        assert_eq!(CompanyName::parse("  Acme  ").unwrap().as_str(), "Acme");
        assert!(CompanyName::parse("   ").is_err());
        assert!(CompanyName::parse(&"é".repeat(120)).is_ok());
        assert!(CompanyName::parse(&"é".repeat(121)).is_err());
    }

    #[test]
    fn control_characters_are_rejected_but_newlines_allowed_in_notes() {
        assert!(CompanyName::parse("Ac\u{0}me").is_err());
        assert!(CompanyName::parse("Ac\nme").is_err());
        assert!(StandupText::parse("line one\nline two").is_ok());
        assert!(StandupText::parse("bell\u{7}").is_err());
    }

    #[test]
    fn email_rules() {
        assert_eq!(
            Email::parse(" Boss@Example.COM ").unwrap().as_str(),
            "boss@example.com"
        );
        for bad in [
            "",
            "no-at-sign",
            "a@b",
            "a@.com",
            "a b@c.de",
            "@x.com",
            "a@x.com.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn password_policy() {
        assert!(NewPassword::parse("short").is_err());
        assert!(
            NewPassword::parse("Password123").is_err(),
            "common passwords are refused"
        );
        assert!(NewPassword::parse("correct horse battery").is_ok());
        assert_eq!(
            format!("{:?}", NewPassword::parse("correct horse battery").unwrap()),
            "NewPassword(<redacted>)"
        );
    }

    #[test]
    fn time_zones_are_checked_against_the_tz_database() {
        assert_eq!(
            TimeZoneName::parse("Europe/Berlin").unwrap().as_str(),
            "Europe/Berlin"
        );
        assert_eq!(TimeZoneName::parse("").unwrap().as_str(), "UTC");
        assert!(TimeZoneName::parse("Mars/Olympus").is_err());
        assert!(TimeZoneName::parse("Asia/Kolkata").is_ok());
    }

    #[test]
    fn id_codes_and_pins() {
        assert_eq!(IdCode::parse("ab-12").unwrap().as_str(), "AB-12");
        assert!(IdCode::parse("abc").is_err());
        assert!(IdCode::parse("ab_12").is_err());
        assert!(Pin::parse("1234").is_ok());
        assert!(Pin::parse("12a4").is_err());
        assert!(Pin::parse("123456789").is_err());
    }
}
