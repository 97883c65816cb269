//! Arbitrary bytes as a session cookie under fixed keys, and as the JSON of a validly
//! signed one: decoding never panics; typed decoding (`decode_as`, into a map, a
//! struct that ignores fields, a tuple, a `Value`) accepts and refuses exactly what
//! dynamic decoding does, with the same error kinds and the same values; whatever is
//! accepted re-encodes and decodes to the same session.
#![no_main]

use std::collections::BTreeMap;

use base64::Engine as _;
use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
use flask_session_cookie::{ErrorKind, Limits, SecretKeys, SessionCodec, Value, dangerous};
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_700_000_000;

/// Reads one field and ignores every other (their depth and tags still count).
#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct OneField {
    #[serde(default)]
    _user_id: Option<Value>,
}

fn same_kind<T: std::fmt::Debug>(
    text: &str,
    dynamic: &Result<flask_session_cookie::Session, flask_session_cookie::Error>,
    typed: &Result<T, flask_session_cookie::Error>,
) {
    if let Err(e) = dynamic {
        match typed {
            Err(t) => assert_eq!(t.kind(), e.kind(), "{text:?}"),
            Ok(v) => panic!("{text:?}: decode refuses ({e}) but decode_as gives {v:?}"),
        }
    }
}

fn typed_agrees(codec: &SessionCodec, cookie: &str) {
    let dynamic = codec.decode_at(cookie, NOW);
    let map: Result<BTreeMap<String, Value>, _> = codec.decode_as_at(cookie, NOW);
    let one: Result<OneField, _> = codec.decode_as_at(cookie, NOW);
    let pair: Result<(Value, Value), _> = codec.decode_as_at(cookie, NOW);
    let whole: Result<Value, _> = codec.decode_as_at(cookie, NOW);
    same_kind(cookie, &dynamic, &map);
    same_kind(cookie, &dynamic, &one);
    same_kind(cookie, &dynamic, &pair);
    same_kind(cookie, &dynamic, &whole);
    let Ok(session) = dynamic else { return };
    let tree: BTreeMap<String, Value> =
        flask_session_cookie::from_value(Value::Dict(session.as_dict().clone()))
            .expect("a session reads into a map");
    let map = map.unwrap_or_else(|e| panic!("{cookie:?}: decode accepts, decode_as: {e}"));
    assert!(
        tree.len() == map.len()
            && tree
                .iter()
                .zip(&map)
                .all(|(x, y)| x.0 == y.0 && x.1.same_as(y.1)),
        "{cookie:?}: {tree:?} vs {map:?}"
    );
    assert!(one.is_ok(), "{cookie:?}: {one:?}");
    let whole = whole.unwrap_or_else(|e| panic!("{cookie:?}: decode accepts, Value: {e}"));
    assert!(
        whole.same_as(&Value::Dict(session.into_dict())),
        "{cookie:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The seed corpus holds real cookies signed with dev-secret.
    let codec = SessionCodec::new(SecretKeys::new("dev-secret").with_fallback("old-secret"))
        .unwrap()
        .with_max_age(None);
    let _ = dangerous::decode_session_unverified(&text, &Limits::new());
    typed_agrees(&codec, &text);

    // The same bytes as the JSON of a cookie signed with the key, under the default
    // limits and under small ones (so that inputs of fuzzing size reach the value,
    // depth and digit limits, which both readers must apply alike).
    if let Ok(json) = std::str::from_utf8(data) {
        let signer = TimestampSigner::new("dev-secret", SignerConfig::flask_session()).unwrap();
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        let cookie = signer.sign_at(&payload, NOW);
        typed_agrees(&codec, &cookie);
        let small = Limits::new()
            .with_max_items(24)
            .with_max_depth(6)
            .with_max_int_digits(20);
        typed_agrees(&codec.clone().with_limits(small), &cookie);
    }

    let Ok(opened) = codec.open_at(&text, NOW) else {
        return;
    };
    let original = Value::Dict(opened.value.as_dict().clone());
    let cookie = match codec.encode_at(&opened.value, opened.timestamp.unwrap_or(NOW)) {
        Ok(c) => c,
        // A datetime that cannot be written in UTC (Python raises too).
        Err(e) if e.kind() == &ErrorKind::Unencodable => return,
        Err(e) => panic!("accepted {text:?} but cannot re-encode it: {e}"),
    };
    let again = codec
        .open_at(&cookie, NOW)
        .expect("our own cookie must open");
    assert!(
        Value::Dict(again.value.into_dict()).same_as(&original),
        "{text:?} re-encodes to {cookie:?}, which decodes differently"
    );
    assert_eq!(again.timestamp, opened.timestamp);
});
