//! Arbitrary bytes as a session cookie under fixed keys: decoding never panics, and
//! whatever is accepted re-encodes and decodes to the same session.
#![no_main]

use flask_session_cookie::{Limits, SecretKeys, SessionCodec, Value, dangerous};
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_700_000_000;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The seed corpus holds real cookies signed with dev-secret.
    let codec = SessionCodec::new(SecretKeys::new("dev-secret").with_fallback("old-secret"))
        .unwrap()
        .with_max_age(None);
    let _ = dangerous::decode_session_unverified(&text, &Limits::new());
    // Typed decoding agrees with decoding the tree, success or failure.
    let tree: Result<std::collections::BTreeMap<String, Value>, _> = codec
        .decode_at(&text, NOW)
        .and_then(|s| flask_session_cookie::from_value(Value::Dict(s.into_dict())));
    let typed: Result<std::collections::BTreeMap<String, Value>, _> =
        codec.decode_as_at(&text, NOW);
    match (&tree, &typed) {
        (Ok(a), Ok(b)) => assert!(
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 == y.0 && x.1.same_as(y.1)),
            "{text:?}"
        ),
        (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "{text:?}"),
        _ => panic!("{text:?}: tree {tree:?} vs typed {typed:?}"),
    }
    let Ok(opened) = codec.open_at(&text, NOW) else {
        return;
    };
    let original = Value::Dict(opened.value.as_dict().clone());
    let cookie = match codec.encode_at(&opened.value, opened.timestamp.unwrap_or(NOW)) {
        Ok(c) => c,
        // A datetime that cannot be written in UTC (Python raises too).
        Err(e) if e.kind() == &flask_session_cookie::ErrorKind::Unencodable => return,
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
