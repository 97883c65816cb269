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
    let limits = Limits::new()
        .with_max_cookie_len(1 << 20)
        .with_max_items(100_000);
    let codec = SessionCodec::new("dev-secret").unwrap().with_limits(limits);
    let session = codec.decode_at(&cookie, NOW).unwrap();
    assert_eq!(session.len(), 6_121);
    assert_eq!(session.get("k00000"), Some(&Value::from("last")));
    assert_eq!(session.get("k06120"), Some(&Value::from(6_120)));
    // Insertion order, as Python's dict keeps it; the repeated key keeps its place.
    let keys: Vec<&str> = session.iter().map(|(k, _)| k).take(2).collect();
    assert_eq!(keys, ["k06120", "k06119"]);
    assert_eq!(session.iter().next_back().map(|(k, _)| k), Some("k00000"));
    let sorted: Vec<&str> = session
        .as_dict()
        .iter_sorted()
        .map(|(k, _)| k)
        .take(2)
        .collect();
    assert_eq!(sorted, ["k00000", "k00001"]);
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

/// Typed reading recurses through serde once per level, and so does dropping a
/// `Value`: the deepest cookie the default limits accept decodes on a 512 KiB
/// thread stack (a debug build's frames are the largest), along every path.
#[test]
fn deepest_accepted_cookie_decodes_on_a_small_stack() {
    use std::collections::BTreeMap;
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct WithValue {
        d: Value,
    }
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Flattened {
        #[serde(flatten)]
        rest: BTreeMap<String, Value>,
    }
    let depth = Limits::DEFAULT_MAX_DEPTH;
    let lists = format!(
        r#"{{"d":{}{}}}"#,
        "[".repeat(depth - 1),
        "]".repeat(depth - 1)
    );
    let dicts = format!(
        r#"{{"d":{}0{}}}"#,
        r#"{"a":"#.repeat(depth - 1),
        "}".repeat(depth - 1)
    );
    let tags = format!(
        r#"{{"d":{}0{}}}"#,
        r#"{" t":["#.repeat((depth - 1) / 2),
        "]}".repeat((depth - 1) / 2)
    );
    let too_deep = format!(r#"{{"d":{}{}}}"#, "[".repeat(depth), "]".repeat(depth));
    let cookies: Vec<String> = [&lists, &dicts, &tags, &too_deep]
        .iter()
        .map(|json| signed("dev-secret", json))
        .collect();
    let worker = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let codec = SessionCodec::new("dev-secret").unwrap();
            let mut accepted = 0;
            for cookie in &cookies {
                let dynamic = codec.decode_at(cookie, NOW).is_ok();
                let value = codec.decode_as_at::<Value>(cookie, NOW).is_ok();
                let field = codec.decode_as_at::<WithValue>(cookie, NOW).is_ok();
                let flat = codec.decode_as_at::<Flattened>(cookie, NOW).is_ok();
                let unverified =
                    dangerous::decode_session_unverified(cookie, &Limits::new()).is_ok();
                assert_eq!([value, field, flat, unverified], [dynamic; 4]);
                accepted += usize::from(dynamic);
            }
            accepted
        })
        .unwrap();
    assert_eq!(
        worker.join().unwrap(),
        3,
        "three at the limit read, one past it refused"
    );
}

/// Regression: tag errors embedded the whole offending string (megabytes into a
/// log). Every error's detail is short, whatever the input.
#[test]
fn error_messages_do_not_carry_the_payload() {
    let big = "x".repeat(200_000);
    let limits = Limits::new();
    for json in [
        format!(r#"{{" u":"{big}"}}"#),
        format!(r#"{{" d":"{big}"}}"#),
        format!(r#"{{"a":"{big}","b":}}"#),
    ] {
        let err = JsonFormat::flask().loads(&json, &limits).unwrap_err();
        assert!(
            err.to_string().len() < 400,
            "{} bytes",
            err.to_string().len()
        );
    }
    // serde's own messages quote the value they could not use.
    let cookie = signed("dev-secret", &format!(r#"{{"n":"{big}"}}"#));
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Typed {
        n: u32,
    }
    let codec = SessionCodec::new("dev-secret")
        .unwrap()
        .with_limits(Limits::new().with_max_cookie_len(1 << 20));
    let err = codec.decode_as_at::<Typed>(&cookie, NOW).unwrap_err();
    let text = err.to_string();
    assert!(text.len() < 400 && text.contains("more bytes"), "{text}");
}

/// What mutation testing of the signer found untested: the signature alone, the
/// key count, and the texts that `Display` gives users.
#[test]
fn signer_accessors_and_display_texts() {
    use flask_session_cookie::KeyUsed;
    use flask_session_cookie::error::{Limit, PayloadStage};
    use flask_session_cookie::itsdangerous::Digest;

    let signer = Signer::new("secret-key", SignerConfig::new()).unwrap();
    assert_eq!(
        signer.signature(b"my string"),
        "wh6tMHxLgJqB6oY1uT73iMlyrOA"
    );
    assert_eq!(
        signer.sign("my string"),
        format!("my string.{}", signer.signature(b"my string"))
    );
    let sha512 = Signer::new("k", SignerConfig::new().with_digest(Digest::Sha512)).unwrap();
    assert_eq!(sha512.signature(b"v").len(), 86);
    assert_eq!(SecretKeys::new("a").len(), 1);
    assert_eq!(
        SecretKeys::new("a")
            .with_fallback("b")
            .with_fallback("c")
            .len(),
        3
    );

    assert_eq!(KeyUsed::Current.to_string(), "the current secret key");
    assert_eq!(KeyUsed::Fallback(2).to_string(), "fallback key #2");
    let digests: Vec<String> = [Digest::Sha1, Digest::Sha256, Digest::Sha384, Digest::Sha512]
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(digests, ["SHA-1", "SHA-256", "SHA-384", "SHA-512"]);
    let kinds = [
        (ErrorKind::BadSignature, "bad signature"),
        (ErrorKind::BadTimeSignature, "bad timestamp"),
        (
            ErrorKind::Expired {
                age: 1,
                max_age: 0,
                signed_at: 0,
            },
            "signature expired",
        ),
        (
            ErrorKind::BadPayload(PayloadStage::Zlib),
            "bad payload (zlib)",
        ),
        (ErrorKind::Malformed, "malformed token"),
        (
            ErrorKind::LimitExceeded(Limit::Items),
            "limit exceeded (values)",
        ),
        (ErrorKind::Unencodable, "cannot encode"),
        (ErrorKind::Config, "invalid configuration"),
    ];
    for (kind, text) in kinds {
        assert_eq!(kind.to_string(), text);
    }
    let stages = [
        (PayloadStage::Base64, "base64"),
        (PayloadStage::Utf8, "utf-8"),
        (PayloadStage::Json, "json"),
        (PayloadStage::Tag, "tag"),
        (PayloadStage::NotADict, "not a dict"),
        (PayloadStage::Type, "type"),
    ];
    for (stage, text) in stages {
        assert_eq!(stage.to_string(), text);
    }
    let limits = [
        (Limit::CookieLength, "cookie length"),
        (Limit::InflatedSize, "inflated size"),
        (Limit::Depth, "nesting depth"),
        (Limit::IntegerDigits, "integer digits"),
    ];
    for (limit, text) in limits {
        assert_eq!(limit.to_string(), text);
    }
}
