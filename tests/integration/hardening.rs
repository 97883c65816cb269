//! Regression tests for what an adversarial review found (each named after what
//! broke), beside the malformed-input table and the limit tests.

use flask_session_cookie::itsdangerous::{Signer, SignerConfig, TimestampSigner};
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{
    ErrorKind, Limits, SecretKeys, Session, SessionCodec, Value, dangerous,
};
use serde::Deserialize;

const NOW: i64 = 1_700_000_000;

/// A cookie signed with Flask's settings, whatever its JSON: what a holder of the key
/// (or of an empty key) can make.
fn signed(key: &str, json: &str) -> String {
    use base64::Engine as _;
    let signer = TimestampSigner::new(key, SignerConfig::flask_session()).unwrap();
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    signer.sign_at(&payload, NOW)
}

#[test]
fn empty_secret_key_is_refused_by_the_codec() {
    for keys in [
        SecretKeys::new(""),
        SecretKeys::new(Vec::<u8>::new()),
        SecretKeys::new("").with_fallback("old-secret"),
        SecretKeys::new("dev-secret").with_fallback(""),
    ] {
        let err = SessionCodec::new(keys.clone()).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Config, "{keys:?}");
        assert!(err.to_string().contains("empty"), "{err}");
        let config = SignerConfig::flask_session();
        assert!(SessionCodec::with_signer_config(keys, config).is_err());
    }
    // A forged cookie signed with the empty key is what the refusal prevents.
    let forged = signed("", r#"{"_user_id":"1"}"#);
    let codec = SessionCodec::new("dev-secret").unwrap();
    assert_eq!(
        codec.decode_at(&forged, NOW).unwrap_err().kind(),
        &ErrorKind::BadSignature
    );
    // The itsdangerous layer keeps accepting an empty key, as itsdangerous does.
    assert!(Signer::new("", SignerConfig::new()).is_ok());
}

#[test]
fn http_date_with_i64_min_offset_is_an_error_not_a_panic() {
    let json = r#"{"a":{" d":"Tue, 02 Jan 2024 03:04:05 -9223372036854775808"}}"#;
    let limits = Limits::new();
    let err = JsonFormat::flask().loads(json, &limits).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::BadPayload(_)), "{err}");
    let cookie = signed("dev-secret", json);
    let codec = SessionCodec::new("dev-secret").unwrap();
    assert!(codec.decode_at(&cookie, NOW).is_err());
    assert!(codec.decode_as_at::<Value>(&cookie, NOW).is_err());
    assert!(dangerous::decode_session_unverified(&cookie, &limits).is_err());
    // Offsets a day or more, and ones past 64 bits, are Python errors too.
    for tz in [
        "+9999",
        "-2400",
        "99999999999999999999",
        "-99999999999999999999",
    ] {
        let json = format!(r#"{{" d":"Tue, 02 Jan 2024 03:04:05 {tz}"}}"#);
        assert!(JsonFormat::flask().loads(&json, &limits).is_err(), "{tz}");
    }
    let ok = r#"{" d":"Tue, 02 Jan 2024 03:04:05 -2359"}"#;
    assert!(JsonFormat::flask().loads(ok, &limits).is_ok());
}

#[test]
fn session_from_pairs_in_descending_order_is_built_once() {
    // Flask's `dict(data)` on a list of pairs: the last of duplicate keys wins.
    let mut pairs: Vec<String> = (0..6_121)
        .rev()
        .map(|i| format!(r#"["k{i:05}",{i}]"#))
        .collect();
    pairs.push(r#"["k00000","last"]"#.to_owned());
    let json = format!("[{}]", pairs.join(","));
    let cookie = signed("dev-secret", &json);
    let codec = SessionCodec::new("dev-secret")
        .unwrap()
        .with_limits(Limits::new().with_max_cookie_len(1 << 20));
    let session = codec.decode_at(&cookie, NOW).unwrap();
    assert_eq!(session.len(), 6_121);
    assert_eq!(session.get("k00000"), Some(&Value::from("last")));
    assert_eq!(session.get("k06120"), Some(&Value::from(6_120)));
    let keys: Vec<&str> = session.iter().map(|(k, _)| k).take(2).collect();
    assert_eq!(keys, ["k00000", "k00001"]);
}

#[test]
fn decode_as_refuses_a_top_level_tag_as_decode_does() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Pair(i64, String);
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Login {
        _user_id: String,
    }
    let codec = SessionCodec::new("dev-secret").unwrap();
    for json in [r#"{" t":[1,"admin"]}"#, r#"{" t":[["_user_id","1"]]}"#] {
        let cookie = signed("dev-secret", json);
        let dynamic = codec.decode_at(&cookie, NOW);
        let typed = codec.decode_as_at::<Pair>(&cookie, NOW);
        let login = codec.decode_as_at::<Login>(&cookie, NOW);
        match dynamic {
            Err(e) => {
                assert_eq!(typed.unwrap_err().kind(), e.kind(), "{json}");
                assert_eq!(login.unwrap_err().kind(), e.kind(), "{json}");
            }
            // A tuple of pairs is a dict to Flask: then both agree on its content.
            Ok(session) => {
                assert_eq!(session.get("_user_id"), Some(&Value::from("1")), "{json}");
                assert_eq!(login.unwrap()._user_id, "1");
            }
        }
    }
}

#[test]
fn decode_as_applies_the_depth_limit_inside_ignored_fields() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Login {
        _user_id: String,
    }
    let limits = Limits::new().with_max_depth(8);
    let codec = SessionCodec::new("dev-secret").unwrap().with_limits(limits);
    for depth in [5, 6, 7, 8, 9, 12] {
        let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let json = format!(r#"{{"_user_id":"1","ignored":{deep}}}"#);
        let cookie = signed("dev-secret", &json);
        let dynamic = codec.decode_at(&cookie, NOW).map(|_| ());
        let typed = codec.decode_as_at::<Login>(&cookie, NOW).map(|_| ());
        assert_eq!(
            dynamic.as_ref().map_err(|e| e.kind().clone()),
            typed.as_ref().map_err(|e| e.kind().clone()),
            "depth {depth}"
        );
    }
    let session: Session = codec
        .decode_at(&signed("dev-secret", r#"{"a":[[[[[[]]]]]]}"#), NOW)
        .unwrap();
    assert_eq!(session.len(), 1);
}
