//! Property tests of the `Stripe-Signature` parser and check: what we sign verifies for any
//! secret, body and time inside the window; any change to the body, secret or signed time,
//! or a time outside the window, is refused with the right reason; harmless header noise
//! (other schemes, spaces, order) changes nothing; and arbitrary headers never panic and
//! never verify without the real MAC in them.

use billing::{sign_for_tests, verify_signature, SignatureError};
use proptest::prelude::*;

/// Realistic Unix times and then some, without overflow when a window is added.
fn unix() -> impl Strategy<Value = i64> {
    -1_000_000_000_000i64..1_000_000_000_000
}

fn secret() -> impl Strategy<Value = String> {
    prop_oneof!["whsec_[A-Za-z0-9]{8,40}", any::<String>()]
}

/// Header items that are neither `t` nor `v1`: ignored by the parser.
fn noise() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("(v0|v2|x|scheme)=[^,]{0,20}", 0..4)
}

fn v1_of(header: &str) -> &str {
    header.split(",v1=").nth(1).unwrap_or("")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn what_we_sign_verifies_inside_the_window(
        secret in secret(),
        body in prop::collection::vec(any::<u8>(), 0..300),
        t in unix(),
        tolerance in 0i64..1000,
        skew in -1000i64..1000,
    ) {
        let header = sign_for_tests(&secret, t, &body);
        let now = t + skew;
        let res = verify_signature(&header, &body, &secret, now, tolerance);
        if skew > tolerance {
            prop_assert_eq!(res, Err(SignatureError::TooOld { age_secs: skew }));
        } else if -skew > tolerance {
            prop_assert_eq!(res, Err(SignatureError::InFuture { ahead_secs: -skew }));
        } else {
            prop_assert_eq!(res, Ok(()));
        }
    }

    #[test]
    fn another_body_secret_or_time_is_a_mismatch(
        secret in secret(),
        other_secret in secret(),
        body in prop::collection::vec(any::<u8>(), 0..200),
        other_body in prop::collection::vec(any::<u8>(), 0..200),
        t in unix(),
        dt in 1i64..1000,
    ) {
        let header = sign_for_tests(&secret, t, &body);
        if other_body != body {
            prop_assert_eq!(verify_signature(&header, &other_body, &secret, t, 300), Err(SignatureError::Mismatch));
        }
        if other_secret != secret {
            prop_assert_eq!(verify_signature(&header, &body, &other_secret, t, 300), Err(SignatureError::Mismatch));
        }
        // The timestamp is part of what is signed.
        let moved = format!("t={},v1={}", t + dt, v1_of(&header));
        prop_assert_eq!(verify_signature(&moved, &body, &secret, t, 300), Err(SignatureError::Mismatch));
    }

    #[test]
    fn other_schemes_spaces_and_order_do_not_matter(
        secret in secret(),
        body in prop::collection::vec(any::<u8>(), 0..200),
        t in unix(),
        noise in noise(),
        wrong_v1 in "[0-9a-f]{64}",
        pad in "[ ]{0,2}",
        rotate in 0usize..8,
    ) {
        let header = sign_for_tests(&secret, t, &body);
        let mut items: Vec<String> = vec![format!("t={t}"), format!("v1={}", v1_of(&header))];
        items.extend(noise);
        // A second, stale v1 (a secret being rolled) must not spoil the good one.
        items.push(format!("v1={wrong_v1}"));
        let len = items.len();
        items.rotate_left(rotate % len);
        let noisy = items.iter().map(|i| format!("{pad}{i}{pad}")).collect::<Vec<_>>().join(",");
        prop_assert_eq!(verify_signature(&noisy, &body, &secret, t, 300), Ok(()), "{}", noisy);
        // Upper-case hex decodes to the same MAC.
        let upper = format!("t={t},v1={}", v1_of(&header).to_uppercase());
        prop_assert_eq!(verify_signature(&upper, &body, &secret, t, 300), Ok(()));
    }

    #[test]
    fn arbitrary_headers_never_panic_and_never_verify_without_the_mac(
        header in prop_oneof![
            any::<String>(),
            "((t|v1|v0| t|v1 )=[-0-9a-fA-F ]{0,70},?){0,5}",
        ],
        body in prop::collection::vec(any::<u8>(), 0..50),
        now in any::<i64>(),
        tolerance in any::<i64>(),
    ) {
        let secret = "whsec_prop";
        if verify_signature(&header, &body, secret, now, tolerance).is_ok() {
            // Only possible if the header carries the real MAC for its own t.
            let t: i64 = header
                .split(',')
                .filter_map(|i| i.trim().split_once('='))
                .find(|(k, _)| k.trim() == "t")
                .map(|(_, v)| v.trim().parse().unwrap())
                .unwrap();
            let mac = v1_of(&sign_for_tests(secret, t, &body)).to_string();
            prop_assert!(header.to_lowercase().contains(&mac), "{}", header);
        }
    }
}

#[test]
fn malformed_headers_say_what_is_wrong() {
    use SignatureError::*;
    let body = b"{}";
    let good = sign_for_tests("whsec_x", 1000, body);
    let mac = v1_of(&good);
    let cases: &[(String, SignatureError)] = &[
        (String::new(), MissingTimestamp),
        (format!("v1={mac}"), MissingTimestamp),
        (format!("t=1e3,v1={mac}"), BadTimestamp),
        (format!("t=1000,t=1000,v1={mac}"), BadTimestamp),
        ("t=1000".into(), NoV1Signature),
        (format!("t=1000,v1={}", &mac[1..]), BadHex),
    ];
    for (header, want) in cases {
        assert_eq!(
            verify_signature(header, body, "whsec_x", 1000, 300).as_ref(),
            Err(want),
            "{header}"
        );
    }
}
