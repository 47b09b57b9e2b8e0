//! Blocker phrases reduced to a fixed vocabulary, so weekly figures never carry free text.

use serde::{Deserialize, Serialize};

/// What kind of obstacle a blocker phrase describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockerTheme {
    WaitingOnPeople,
    AccessOrPermissions,
    SystemOrToolDown,
    MissingInformation,
    Equipment,
    Other,
}

impl BlockerTheme {
    pub const ALL: [BlockerTheme; 6] = [
        Self::WaitingOnPeople,
        Self::AccessOrPermissions,
        Self::SystemOrToolDown,
        Self::MissingInformation,
        Self::Equipment,
        Self::Other,
    ];

    /// Lower-case wording for sentences ("the most common blocker was ...").
    pub fn describe(self) -> &'static str {
        match self {
            Self::WaitingOnPeople => "waiting on other people",
            Self::AccessOrPermissions => "access or permissions",
            Self::SystemOrToolDown => "systems or tools being down",
            Self::MissingInformation => "missing information",
            Self::Equipment => "equipment",
            Self::Other => "other obstacles",
        }
    }
}

// Checked in this order: the more specific themes first, so "waiting for VPN access" is
// access and "laptop broken" is equipment, not a system outage. A trailing `*` matches
// any word starting with the stem; otherwise whole words (or phrases) only.
const RULES: &[(BlockerTheme, &[&str])] = &[
    (
        BlockerTheme::AccessOrPermissions,
        &[
            "access*",
            "permission*",
            "password*",
            "login*",
            "log in",
            "logon",
            "credential*",
            "locked out",
            "lockout",
            "vpn",
            "account",
            "accounts",
            "authori*",
            "authenti*",
            "2fa",
            "mfa",
            "licen*",
            "key",
            "keys",
            "keycard",
            "badge",
            "sso",
            "rights",
        ],
    ),
    (
        BlockerTheme::Equipment,
        &[
            "printer*",
            "laptop*",
            "computer*",
            "pc",
            "scanner*",
            "forklift*",
            "truck*",
            "van",
            "machine*",
            "equipment",
            "hardware",
            "monitor*",
            "keyboard*",
            "headset*",
            "phone*",
            "tablet*",
            "batter*",
            "charger*",
            "device*",
            "parts",
            "tools",
            "vehicle*",
            "pallet jack*",
            "projector*",
            "cable*",
            "stock",
            "material*",
        ],
    ),
    (
        BlockerTheme::SystemOrToolDown,
        &[
            "down",
            "outage*",
            "crash*",
            "broken",
            "not working",
            "error*",
            "bug*",
            "server*",
            "ci",
            "pipeline*",
            "build",
            "builds",
            "fail*",
            "offline",
            "unavailable",
            "network*",
            "internet",
            "wifi",
            "wi-fi",
            "system*",
            "database*",
            "deploy*",
            "slow",
            "timeout*",
            "erp",
            "crm",
            "software",
            "app",
            "website",
            "staging",
            "prod",
            "production",
            "api",
        ],
    ),
    (
        BlockerTheme::MissingInformation,
        &[
            "info",
            "information",
            "unclear",
            "spec",
            "specs",
            "specification*",
            "requirement*",
            "clarif*",
            "details",
            "missing data",
            "data",
            "document*",
            "paperwork",
            "brief",
            "not sure",
            "unknown",
            "figures",
            "numbers",
            "instructions",
        ],
    ),
    (
        BlockerTheme::WaitingOnPeople,
        &[
            "waiting",
            "wait",
            "waited",
            "awaiting",
            "pending",
            "approv*",
            "sign-off",
            "signoff",
            "sign off",
            "review*",
            "reply",
            "replies",
            "respon*",
            "feedback",
            "client*",
            "customer*",
            "vendor*",
            "supplier*",
            "manager*",
            "colleague*",
            "team*",
            "boss",
            "legal",
            "finance",
            "hr",
            "someone",
            "nobody",
            "no one",
            "confirm*",
            "call back",
            "callback",
            "out sick",
            "sick",
            "on leave",
            "vacation",
            "meeting*",
        ],
    ),
];

/// Classifies one blocker phrase by keywords (case-insensitive, word-based).
pub fn blocker_theme(phrase: &str) -> BlockerTheme {
    let words = normalise(phrase);
    RULES
        .iter()
        .find(|(_, keys)| keys.iter().any(|k| matches_key(&words, k)))
        .map_or(BlockerTheme::Other, |(theme, _)| *theme)
}

/// Counts themes over many phrases, most common first (ties in declaration order), so a
/// worker can fill [`crate::WeeklyFigures::blocker_themes`] without keeping any phrase.
pub fn tally_themes<'a>(phrases: impl IntoIterator<Item = &'a str>) -> Vec<(BlockerTheme, u32)> {
    let mut counts = [0u32; BlockerTheme::ALL.len()];
    for p in phrases {
        let theme = blocker_theme(p);
        if let Some(i) = BlockerTheme::ALL.iter().position(|t| *t == theme) {
            counts[i] = counts[i].saturating_add(1);
        }
    }
    let mut out: Vec<(BlockerTheme, u32)> = BlockerTheme::ALL
        .into_iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// Lower-cased words separated by single spaces, with a space at each end, so a key can be
/// found with a plain substring search at word boundaries.
fn normalise(s: &str) -> String {
    let mut out = String::from(" ");
    for word in s
        .to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
    {
        out.push_str(word);
        out.push(' ');
    }
    out
}

fn matches_key(words: &str, key: &str) -> bool {
    match key.strip_suffix('*') {
        Some(stem) => words.contains(&format!(" {stem}")),
        None => words.contains(&format!(" {key} ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BlockerTheme::*;

    #[test]
    fn classifies_typical_blockers() {
        let cases = [
            ("waiting on client sign-off", WaitingOnPeople),
            ("Waiting for Maria to review the PR", WaitingOnPeople),
            ("no VPN access yet", AccessOrPermissions),
            ("locked out of the CRM account", AccessOrPermissions),
            ("waiting for admin permissions", AccessOrPermissions),
            ("staging server down", SystemOrToolDown),
            ("CI pipeline failing", SystemOrToolDown),
            ("ERP was offline all morning", SystemOrToolDown),
            ("laptop broken", Equipment),
            ("forklift out of service", Equipment),
            ("label printer jammed", Equipment),
            ("specs unclear", MissingInformation),
            (
                "missing shipping details from the order",
                MissingInformation,
            ),
            ("rain", Other),
            ("", Other),
        ];
        for (phrase, want) in cases {
            assert_eq!(blocker_theme(phrase), want, "{phrase}");
        }
    }

    #[test]
    fn whole_words_unless_stemmed() {
        // "key" must not fire inside "monkey", nor "build" inside "building".
        assert_eq!(blocker_theme("building manager away"), WaitingOnPeople);
        assert_eq!(blocker_theme("monkey business"), Other);
        assert_eq!(blocker_theme("waiting on IT"), WaitingOnPeople);
    }

    #[test]
    fn tally_sorts_by_count() {
        let t = tally_themes(["server down", "no access", "CI failing", "rain"]);
        assert_eq!(
            t,
            vec![(SystemOrToolDown, 2), (AccessOrPermissions, 1), (Other, 1)]
        );
        assert!(tally_themes([]).is_empty());
    }
}
