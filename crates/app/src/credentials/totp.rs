//! Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA-1 of the count of
//! 30-second steps since the epoch, dynamically truncated to six digits — exactly what
//! authenticator apps compute, so any of them works. Also the recovery codes' shape.
//! Pure functions; the use cases are in `crate::two_factor`.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

pub const STEP_SECS: i64 = 30;
const DIGITS: u32 = 6;
/// 160-bit secrets, the size RFC 4226 recommends for HMAC-SHA-1.
const SECRET_BYTES: usize = 20;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding (what `otpauth://` URIs carry).
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buf >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes base32 (case-insensitive, spaces and padding ignored); `None` on a bad letter.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 5 / 8);
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| !matches!(c, b' ' | b'=' | b'-')) {
        let v = BASE32.iter().position(|&x| x == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    Some(out)
}

/// A fresh random secret, base32.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base32_encode(&bytes)
}

/// The step an instant falls in.
pub fn step_at(t: jiff::Timestamp) -> u64 {
    (t.as_second().max(0) / STEP_SECS) as u64
}

/// The code for `step` (RFC 4226 §5.3 dynamic truncation).
pub fn code_at(key: &[u8], step: u64) -> u32 {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else {
        return u32::MAX;
    };
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = usize::from(h[19] & 0x0f);
    let bin = u32::from_be_bytes([h[off] & 0x7f, h[off + 1], h[off + 2], h[off + 3]]);
    bin % 10u32.pow(DIGITS)
}

/// The step within one of `now`'s (one step of clock drift either way, as RFC 6238 §5.2
/// suggests) whose code is `code`, latest first; `None` when none matches.
pub fn matching_step(secret_b32: &str, code: u32, now: jiff::Timestamp) -> Option<u64> {
    let key = base32_decode(secret_b32)?;
    let now = step_at(now);
    [now + 1, now, now.saturating_sub(1)]
        .into_iter()
        .find(|&s| code_at(&key, s) == code)
}

/// The `otpauth://` URI an authenticator app reads (as a QR code or pasted).
pub fn otpauth_uri(issuer: &str, account: &str, secret_b32: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// What a person typed at the second step: the app's six digits or a recovery code.
#[derive(PartialEq, Eq)]
pub enum SecondFactor {
    Totp(u32),
    /// Normalised: lower case, no separators.
    Recovery(String),
}

/// Recovery codes: 16 base32 letters (80 random bits), shown as `abcd-efgh-ijkl-mnop`.
const RECOVERY_LEN: usize = 16;

impl SecondFactor {
    pub fn parse(s: &str) -> Result<Self, domain::ValidationError> {
        let compact: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if compact.len() == DIGITS as usize && compact.bytes().all(|b| b.is_ascii_digit()) {
            return compact.parse().map(Self::Totp).map_err(|_| bad_code());
        }
        let lower = compact.to_ascii_lowercase();
        if lower.len() == RECOVERY_LEN && base32_decode(&lower).is_some() {
            return Ok(Self::Recovery(lower));
        }
        Err(bad_code())
    }
}

fn bad_code() -> domain::ValidationError {
    domain::ValidationError::new(
        "code",
        "must be the 6 digits your authenticator app shows, or one of your recovery codes",
    )
}

/// A new recovery code as shown to the person, and the normalised form that is hashed.
pub fn generate_recovery_code() -> (String, String) {
    let mut bytes = [0u8; RECOVERY_LEN * 5 / 8];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let plain = base32_encode(&bytes).to_ascii_lowercase();
    let shown = plain
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-");
    (shown, plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (the key is the ASCII "12345678901234567890"; the
    /// RFC prints eight digits, authenticator apps use the last six).
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let key = b"12345678901234567890";
        for (secs, eight) in [
            (59, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            let t = jiff::Timestamp::from_second(secs).unwrap();
            assert_eq!(code_at(key, step_at(t)), eight % 1_000_000, "at {secs}");
        }
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("mzxw6ytboi").unwrap(), b"foobar");
        let s = generate_secret();
        assert_eq!(s.len(), 32);
        assert_eq!(base32_decode(&s).unwrap().len(), 20);
        assert!(base32_decode("not base32!").is_none());
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_only() {
        let secret = base32_encode(b"12345678901234567890");
        let t = jiff::Timestamp::from_second(1_111_111_111).unwrap();
        let code = code_at(b"12345678901234567890", step_at(t));
        for (delta, ok) in [
            (-60, false),
            (-30, true),
            (0, true),
            (30, true),
            (60, false),
        ] {
            let at = jiff::Timestamp::from_second(1_111_111_111 + delta).unwrap();
            assert_eq!(matching_step(&secret, code, at).is_some(), ok, "{delta} s");
        }
    }

    #[test]
    fn second_factor_input_is_parsed() {
        assert!(SecondFactor::parse(" 123 456 ") == Ok(SecondFactor::Totp(123456)));
        let (shown, plain) = generate_recovery_code();
        assert_eq!(shown.len(), 19);
        assert!(SecondFactor::parse(&shown.to_uppercase()) == Ok(SecondFactor::Recovery(plain)));
        assert!(SecondFactor::parse("12345").is_err());
        assert!(SecondFactor::parse("").is_err());
    }

    #[test]
    fn the_uri_names_issuer_account_and_parameters() {
        let u = otpauth_uri("OmniTrack", "a@b.test", "ABC");
        assert_eq!(u, "otpauth://totp/OmniTrack:a%40b.test?secret=ABC&issuer=OmniTrack&algorithm=SHA1&digits=6&period=30");
    }
}
