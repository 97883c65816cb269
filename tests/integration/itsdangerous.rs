//! Vectors made by itsdangerous 2.2.0 itself (fixtures/itsdangerous.json): every
//! digest × key derivation, salts and separators, for Signer, TimestampSigner,
//! URLSafeSerializer and URLSafeTimedSerializer, checked in both directions; key
//! lists; max_age edges; the 0.24 epoch.

use crate::common::{check_reencoded, fixture, i, s};
use flask_session_cookie::itsdangerous::{
    Signer, SignerConfig, TimestampSigner, UrlSafeSerializer, UrlSafeTimedSerializer,
};
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{
    ErrorKind, KeyUsed, Limits, SecretKey, SecretKeys, SessionCodec, Value,
};
use serde_json::Value as Json;

fn key_of(v: &Json) -> SecretKey {
    match v["secret_key"].as_str() {
        Some(k) => SecretKey::from(k),
        None => {
            let hex = s(v, "secret_key_hex");
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect();
            SecretKey::from(bytes)
        }
    }
}

fn config_of(v: &Json) -> SignerConfig {
    SignerConfig::new()
        .with_salt(s(v, "salt"))
        .with_separator(s(v, "sep"))
        .with_digest(s(v, "digest").parse().unwrap())
        .with_key_derivation(s(v, "key_derivation").parse().unwrap())
}

#[test]
fn tokens_both_directions() {
    let data = fixture("itsdangerous.json");
    let limits = Limits::new();
    let mut seen = std::collections::BTreeSet::new();
    let vectors = data["tokens"].as_array().unwrap();
    for v in vectors {
        let name = s(v, "name");
        let token = s(v, "token");
        let input = s(v, "input");
        let key = key_of(v);
        let config = config_of(v);
        seen.insert((s(v, "digest").to_owned(), s(v, "key_derivation").to_owned()));
        match s(v, "kind") {
            "Signer" => {
                let signer = Signer::new(key, config).unwrap();
                assert_eq!(signer.sign(input), token, "vector {name}: sign");
                let u = signer
                    .unsign(token)
                    .unwrap_or_else(|e| panic!("vector {name}: unsign: {e}"));
                assert_eq!(
                    (u.value, u.timestamp, u.key),
                    (input, None, KeyUsed::Current),
                    "vector {name}"
                );
            }
            "TimestampSigner" => {
                let ts = i(v, "timestamp");
                let signer = TimestampSigner::new(key, config).unwrap();
                assert_eq!(signer.sign_at(input, ts), token, "vector {name}: sign");
                let u = signer
                    .unsign_at(token, Some(10), ts + 10)
                    .unwrap_or_else(|e| panic!("vector {name}: unsign: {e}"));
                assert_eq!((u.value, u.timestamp), (input, Some(ts)), "vector {name}");
            }
            "URLSafeSerializer" => {
                let value = JsonFormat::plain().loads(input, &limits).unwrap();
                let ser = UrlSafeSerializer::new(key, config).unwrap();
                assert_eq!(ser.dumps(&value).unwrap(), token, "vector {name}: dumps");
                let loaded = ser
                    .loads(token)
                    .unwrap_or_else(|e| panic!("vector {name}: loads: {e}"));
                assert_eq!(loaded.value, value, "vector {name}");
            }
            "URLSafeTimedSerializer" => {
                let ts = i(v, "timestamp");
                let value = JsonFormat::plain().loads(input, &limits).unwrap();
                let ser = UrlSafeTimedSerializer::new(key, config).unwrap();
                let dumped = ser.dumps_at(&value, ts).unwrap();
                check_reencoded(&dumped, token, &format!("vector {name}: dumps"));
                assert_eq!(ser.loads_at(&dumped, None, ts).unwrap().value, value);
                let loaded = ser
                    .loads_at(token, Some(0), ts)
                    .unwrap_or_else(|e| panic!("vector {name}: loads: {e}"));
                assert_eq!(loaded.value, value, "vector {name}");
                assert_eq!(loaded.timestamp, Some(ts));
                assert_eq!(loaded.compressed, token.starts_with('.'));
            }
            other => panic!("vector {name}: unknown kind {other}"),
        }
        // A token signed with another key never verifies.
        let other = Signer::new("another key", config_of(v)).unwrap();
        assert_eq!(
            other.unsign(token).unwrap_err().kind(),
            &ErrorKind::BadSignature,
            "vector {name}: must not verify under another key"
        );
    }
    assert_eq!(seen.len(), 16, "every digest x derivation");
    assert!(vectors.len() >= 190, "{}", vectors.len());
}

#[test]
fn key_lists_newest_signs_all_verify() {
    let data = fixture("itsdangerous.json");
    let rot = &data["rotation"];
    let keys: Vec<&str> = rot["keys_oldest_to_newest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    let ts = i(rot, "timestamp");
    let config = SignerConfig::itsdangerous_serializer().with_salt(s(rot, "salt"));
    let ser = UrlSafeTimedSerializer::new(SecretKeys::from_oldest_to_newest(keys).unwrap(), config)
        .unwrap();
    let value = JsonFormat::plain()
        .loads(r#"{"n":1}"#, &Limits::new())
        .unwrap();
    assert_eq!(ser.dumps_at(&value, ts).unwrap(), s(rot, "list_signs"));
    for t in rot["tokens"].as_array().unwrap() {
        let name = s(t, "name");
        let got = ser.loads_at(s(t, "token"), None, ts);
        assert_eq!(
            got.is_ok(),
            t["accepted"].as_bool().unwrap(),
            "vector {name}: {got:?}"
        );
        if let Ok(loaded) = got {
            assert_eq!(loaded.value, value, "vector {name}");
            let want = match s(t, "signed_with") {
                "newest" => KeyUsed::Current,
                "older" => KeyUsed::Fallback(1),
                "oldest" => KeyUsed::Fallback(0),
                other => panic!("{other}"),
            };
            assert_eq!(loaded.key, want, "vector {name}");
        }
    }
}

#[test]
fn max_age_edges() {
    let data = fixture("itsdangerous.json");
    let m = &data["max_age"];
    let config = SignerConfig::itsdangerous_serializer().with_salt(s(m, "salt"));
    let ser = UrlSafeTimedSerializer::new(s(m, "secret_key"), config).unwrap();
    let token = s(m, "token");
    let ts = i(m, "timestamp");
    let cases = m["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for c in cases {
        let name = s(c, "name");
        let max_age = c["max_age"].as_u64().unwrap();
        let got = ser.loads_at(token, Some(max_age), i(c, "now"));
        match s(c, "expect") {
            "ok" => assert_eq!(got.unwrap().value, Value::from("x"), "vector {name}"),
            "expired" => {
                let err = got.unwrap_err();
                assert_eq!(
                    err.kind(),
                    &ErrorKind::Expired {
                        age: i(c, "age"),
                        max_age,
                        signed_at: ts
                    },
                    "vector {name}"
                );
                assert!(err.is_bad_signature());
                let age = i(c, "age");
                // itsdangerous' own words end our message.
                let want = if age < 0 {
                    format!("; signature age {age} < 0 seconds")
                } else {
                    format!("; signature age {age} > {max_age} seconds")
                };
                let text = err.to_string();
                assert!(text.starts_with("signature expired: signed "), "{text}");
                assert!(text.ends_with(&want), "vector {name}: {text}");
            }
            other => panic!("{other}"),
        }
    }
}

#[test]
fn legacy_epoch() {
    let data = fixture("itsdangerous.json");
    for v in data["legacy"].as_array().unwrap() {
        let name = s(v, "name");
        let ts = i(v, "timestamp");
        let token = s(v, "token");
        let signer = TimestampSigner::new(s(v, "secret_key"), SignerConfig::flask_session())
            .unwrap()
            .with_legacy_epoch(true);
        let ser = UrlSafeTimedSerializer::from_signer(signer).with_json_format(JsonFormat::flask());
        let value = JsonFormat::flask()
            .loads(s(v, "json"), &Limits::new())
            .unwrap();
        assert_eq!(ser.dumps_at(&value, ts).unwrap(), token, "vector {name}");
        let loaded = ser.loads_at(token, Some(60), ts).unwrap();
        assert_eq!(
            (loaded.value, loaded.timestamp),
            (value, Some(ts)),
            "vector {name}"
        );

        // A modern reader dates it to 1982: expired under max_age, readable without.
        let modern = SessionCodec::new(s(v, "secret_key")).unwrap();
        assert!(matches!(
            modern.decode_at(token, ts).unwrap_err().kind(),
            ErrorKind::Expired { .. }
        ));
        let opened = modern.with_max_age(None).open_at(token, ts).unwrap();
        assert_eq!(
            opened.timestamp,
            Some(ts - flask_session_cookie::itsdangerous::TimestampSigner::LEGACY_EPOCH)
        );
    }
}
