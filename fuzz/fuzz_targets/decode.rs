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
    let Ok(opened) = codec.open_at(&text, NOW) else { return };
    let original = Value::Dict(opened.session.as_dict().clone());
    let cookie = match codec.encode_at(&opened.session, opened.timestamp) {
        Ok(c) => c,
        // A datetime that cannot be written in UTC (Python raises too).
        Err(e) if e.kind() == &flask_session_cookie::ErrorKind::Unencodable => return,
        Err(e) => panic!("accepted {text:?} but cannot re-encode it: {e}"),
    };
    let again = codec.open_at(&cookie, NOW).expect("our own cookie must open");
    assert!(
        Value::Dict(again.session.into_dict()).same_as(&original),
        "{text:?} re-encodes to {cookie:?}, which decodes differently"
    );
    assert_eq!(again.timestamp, opened.timestamp);
});
