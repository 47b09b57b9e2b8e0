//! Stripe webhook signatures: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`, where each
//! `v1` is HMAC-SHA256(endpoint secret, `"{t}.{raw body}"`) in lowercase hex. Several `v1`
//! values appear while a secret is being rolled; other schemes (`v0`) are ignored.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Stripe's recommended replay window, in seconds.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// Why a webhook was refused. All of them mean "answer 400 and do nothing".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("Stripe-Signature has no t= timestamp")]
    MissingTimestamp,
    #[error("Stripe-Signature timestamp is not a single integer")]
    BadTimestamp,
    #[error("Stripe-Signature has no v1 signature")]
    NoV1Signature,
    #[error("Stripe-Signature v1 value is not 64 hex digits")]
    BadHex,
    #[error("no v1 signature matches the body")]
    Mismatch,
    #[error("webhook timestamp is {age_secs} s old, beyond the tolerance")]
    TooOld { age_secs: i64 },
    #[error("webhook timestamp is {ahead_secs} s in the future, beyond the tolerance")]
    InFuture { ahead_secs: i64 },
}

type HmacSha256 = Hmac<Sha256>;

/// The MAC over `"{t}.{body}"`. `None` never happens in practice (HMAC accepts keys of any
/// length) but keeps this path free of panics.
fn mac(secret: &str, t: i64, body: &[u8]) -> Option<[u8; 32]> {
    let mut m = HmacSha256::new_from_slice(secret.as_bytes()).ok()?;
    m.update(t.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    Some(m.finalize().into_bytes().into())
}

/// Checks a `Stripe-Signature` header against the raw request body (the exact bytes: parse
/// JSON only after this succeeds).
///
/// The signature is checked first, then the timestamp: `TooOld` therefore means "authentic
/// but replayed or badly delayed". Timestamps more than `tolerance_secs` ahead of `now_unix`
/// are refused too, so a captured future-dated delivery cannot be banked for later.
/// A negative tolerance counts as 0. Use [`DEFAULT_TOLERANCE_SECS`] unless you have a reason.
pub fn verify_signature(
    header: &str,
    raw_body: &[u8],
    secret: &str,
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let mut timestamp: Option<i64> = None;
    let mut candidates: Vec<&str> = Vec::new();
    for item in header.split(',') {
        let Some((key, value)) = item.trim().split_once('=') else {
            continue;
        };
        match key.trim() {
            "t" => {
                if timestamp.is_some() {
                    return Err(SignatureError::BadTimestamp);
                }
                let t = value
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| SignatureError::BadTimestamp)?;
                timestamp = Some(t);
            }
            "v1" => candidates.push(value.trim()),
            _ => {}
        }
    }
    let t = timestamp.ok_or(SignatureError::MissingTimestamp)?;
    if candidates.is_empty() {
        return Err(SignatureError::NoV1Signature);
    }
    let expected = mac(secret, t, raw_body).ok_or(SignatureError::Mismatch)?;
    let mut any_decoded = false;
    let mut matched = subtle::Choice::from(0u8);
    for candidate in candidates {
        let mut sig = [0u8; 32];
        if hex::decode_to_slice(candidate, &mut sig).is_err() {
            continue;
        }
        any_decoded = true;
        // Compare against every candidate so timing does not reveal which one matched.
        matched |= sig.ct_eq(&expected);
    }
    if !any_decoded {
        return Err(SignatureError::BadHex);
    }
    if !bool::from(matched) {
        return Err(SignatureError::Mismatch);
    }
    let tolerance = tolerance_secs.max(0);
    let age = now_unix.saturating_sub(t);
    if age > tolerance {
        return Err(SignatureError::TooOld { age_secs: age });
    }
    if age < tolerance.saturating_neg() {
        return Err(SignatureError::InFuture {
            ahead_secs: age.saturating_neg(),
        });
    }
    Ok(())
}

/// Builds a valid `Stripe-Signature` header value (`t=..,v1=..`), for tests that post
/// webhooks to the app. Not for production paths: Stripe signs real deliveries.
pub fn sign_for_tests(secret: &str, t: i64, body: &[u8]) -> String {
    let sig = mac(secret, t, body).unwrap_or_default();
    format!("t={t},v1={}", hex::encode(sig))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    const SECRET: &str = "whsec_test_secret";
    const T: i64 = 1_492_774_577;
    const BODY: &[u8] = br#"{"id":"evt_test_webhook","object":"event"}"#;
    const SIG: &str = "88a022085c6bdb887b02cb26ff76dd681234d9675c0f22844059f55552a8883a";

    fn verify(header: &str) -> Result<(), SignatureError> {
        verify_signature(header, BODY, SECRET, T + 10, DEFAULT_TOLERANCE_SECS)
    }

    #[test]
    fn known_vector() {
        assert_eq!(verify(&format!("t={T},v1={SIG}")), Ok(()));
        assert_eq!(sign_for_tests(SECRET, T, BODY), format!("t={T},v1={SIG}"));
    }

    #[test]
    fn several_v1_one_matching_and_other_schemes_ignored() {
        let wrong = "0".repeat(64);
        assert_eq!(
            verify(&format!("t={T},v1={wrong},v0=abcdef,v1={SIG}")),
            Ok(())
        );
        assert_eq!(verify(&format!("t={T}, v1={SIG}, v1={wrong}")), Ok(()));
        // A garbage v1 next to a good one must not spoil it.
        assert_eq!(verify(&format!("t={T},v1=zz,v1={SIG}")), Ok(()));
    }

    #[test]
    fn order_of_elements_does_not_matter() {
        assert_eq!(verify(&format!("v1={SIG},t={T}")), Ok(()));
    }

    #[test]
    fn tampered_body_or_wrong_secret() {
        let header = format!("t={T},v1={SIG}");
        let tampered = br#"{"id":"evt_test_webhook","object":"event" }"#;
        assert_eq!(
            verify_signature(&header, tampered, SECRET, T, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(&header, BODY, "whsec_other", T, 300),
            Err(SignatureError::Mismatch)
        );
        // The timestamp is signed too.
        assert_eq!(
            verify_signature(&format!("t={},v1={SIG}", T + 1), BODY, SECRET, T, 300),
            Err(SignatureError::Mismatch)
        );
        // Uppercase hex is not what Stripe sends, but decodes to the same bytes.
        assert_eq!(verify(&format!("t={T},v1={}", SIG.to_uppercase())), Ok(()));
    }

    #[test]
    fn timestamp_window() {
        let header = format!("t={T},v1={SIG}");
        assert_eq!(
            verify_signature(&header, BODY, SECRET, T + 300, 300),
            Ok(())
        );
        assert_eq!(
            verify_signature(&header, BODY, SECRET, T + 301, 300),
            Err(SignatureError::TooOld { age_secs: 301 })
        );
        assert_eq!(
            verify_signature(&header, BODY, SECRET, T - 300, 300),
            Ok(())
        );
        assert_eq!(
            verify_signature(&header, BODY, SECRET, T - 301, 300),
            Err(SignatureError::InFuture { ahead_secs: 301 })
        );
        // Extreme clocks must not overflow.
        assert!(verify_signature(&header, BODY, SECRET, i64::MAX, 300).is_err());
        assert!(verify_signature(&header, BODY, SECRET, i64::MIN, 300).is_err());
        assert!(verify_signature(&header, BODY, SECRET, T, i64::MIN).is_ok());
    }

    #[test]
    fn malformed_headers() {
        use SignatureError::*;
        assert_eq!(verify(""), Err(MissingTimestamp));
        assert_eq!(verify(&format!("v1={SIG}")), Err(MissingTimestamp));
        assert_eq!(verify(&format!("t=abc,v1={SIG}")), Err(BadTimestamp));
        assert_eq!(verify(&format!("t=,v1={SIG}")), Err(BadTimestamp));
        assert_eq!(verify(&format!("t={T},t={T},v1={SIG}")), Err(BadTimestamp));
        assert_eq!(verify(&format!("t={T}")), Err(NoV1Signature));
        assert_eq!(verify(&format!("t={T},v0={SIG}")), Err(NoV1Signature));
        assert_eq!(verify(&format!("t={T},v1=")), Err(BadHex));
        assert_eq!(verify(&format!("t={T},v1=xyz")), Err(BadHex));
        assert_eq!(verify(&format!("t={T},v1={}", &SIG[..62])), Err(BadHex));
        assert_eq!(verify(&format!("t={T},v1={SIG}00")), Err(BadHex));
        assert_eq!(verify(&format!("t={T},v1=é{}", &SIG[2..])), Err(BadHex));
        assert_eq!(verify(",,,=,==,t"), Err(MissingTimestamp));
    }

    #[test]
    fn random_garbage_never_panics_and_never_verifies() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
        let alphabet: Vec<char> = "tv01=,. -abcdefXYZé\u{0}9".chars().collect();
        let good = format!("t={T},v1={SIG}");
        for i in 0..5_000 {
            let header: String = if i % 2 == 0 {
                let len = rng.gen_range(0..80);
                (0..len)
                    .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                    .collect()
            } else {
                // Mutate the good header at one char boundary: a near miss.
                let mut chars: Vec<char> = good.chars().collect();
                let at = rng.gen_range(0..chars.len());
                chars[at] = alphabet[rng.gen_range(0..alphabet.len())];
                chars.into_iter().collect()
            };
            // Half the time at the signing instant, so only the signature can save a near miss.
            let now = if rng.gen() { T } else { rng.gen::<i64>() };
            let res = verify_signature(&header, BODY, SECRET, now, rng.gen_range(-5..600));
            if res.is_ok() {
                assert_eq!(header, good, "accepted a mutated header");
            }
        }
    }
}
