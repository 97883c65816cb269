//! Secrets hygiene: no `Debug` output of a type that holds a key shows the key, and
//! error messages never contain key material.

use flask_session_cookie::itsdangerous::{
    Signer, SignerConfig, TimestampSigner, UrlSafeSerializer, UrlSafeTimedSerializer,
};
use flask_session_cookie::{SecretKey, SecretKeys, SessionCodec};

const KEY: &str = "hunter2-very-secret";
const OLD: &str = "old-correct-horse";

fn assert_redacted(what: &str, debug: String) {
    for secret in [KEY, OLD, "hunter2", "correct-horse"] {
        assert!(!debug.contains(secret), "{what} Debug shows a key: {debug}");
    }
    // Byte keys would show as lists of numbers: 104 117 110 116 = "hunt".
    assert!(
        !debug.contains("104, 117, 110, 116"),
        "{what} Debug shows key bytes: {debug}"
    );
}

#[test]
fn debug_of_every_key_holding_type_is_redacted() {
    let keys = || SecretKeys::new(KEY).with_fallback(OLD);
    assert_redacted("SecretKey", format!("{:?}", SecretKey::from(KEY)));
    assert_redacted(
        "SecretKey(bytes)",
        format!("{:?}", SecretKey::from(KEY.as_bytes().to_vec())),
    );
    assert_redacted("SecretKeys", format!("{:?}", keys()));
    assert_redacted(
        "Signer",
        format!("{:?}", Signer::new(keys(), SignerConfig::new()).unwrap()),
    );
    assert_redacted(
        "TimestampSigner",
        format!(
            "{:?}",
            TimestampSigner::new(keys(), SignerConfig::new()).unwrap()
        ),
    );
    assert_redacted(
        "UrlSafeSerializer",
        format!(
            "{:?}",
            UrlSafeSerializer::new(keys(), SignerConfig::new()).unwrap()
        ),
    );
    assert_redacted(
        "UrlSafeTimedSerializer",
        format!(
            "{:?}",
            UrlSafeTimedSerializer::new(keys(), SignerConfig::new()).unwrap()
        ),
    );
    let codec = SessionCodec::new(keys()).unwrap();
    assert_redacted("SessionCodec", format!("{codec:?}"));
    assert_redacted("SessionCodec (pretty)", format!("{codec:#?}"));
}

#[test]
fn errors_never_contain_keys() {
    let codec = SessionCodec::new(SecretKeys::new(KEY).with_fallback(OLD)).unwrap();
    let other = SessionCodec::new("someone-else").unwrap();
    let cookie = other
        .encode_at(&[("a", 1)].into_iter().collect(), 1_700_000_000)
        .unwrap();
    for input in [
        cookie.as_str(),
        "",
        "x",
        "a.b.c",
        "e30.ZVPxAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let err = codec.decode_at(input, 1_700_000_000).unwrap_err();
        assert_redacted("Error Display", err.to_string());
        assert_redacted("Error Debug", format!("{err:?}"));
    }
}
