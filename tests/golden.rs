//! Spec §6 golden cookies: decode to the exact tagged JSON, re-encode to the exact cookie.

use flask_session_cookie::{JsonFormat, Limits, Session, SessionCodec, Value};
use serde_json::Value as Json;

fn fixtures(name: &str) -> Json {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn s<'a>(v: &'a Json, k: &str) -> &'a str {
    v[k].as_str()
        .unwrap_or_else(|| panic!("missing {k} in {v}"))
}

#[test]
fn golden_cookies_decode_and_reencode() {
    let data = fixtures("golden.json");
    let ts = data["timestamp"].as_i64().unwrap();
    let codec = SessionCodec::new(s(&data, "secret_key")).unwrap();
    let limits = Limits::new();
    let mut checked = 0;
    for v in data["vectors"].as_array().unwrap() {
        let name = s(v, "name");
        let cookie = s(v, "cookie");
        let json = s(v, "json");
        let opened = codec
            .open_at(cookie, ts)
            .unwrap_or_else(|e| panic!("vector {name}: decode failed: {e}"));
        assert_eq!(
            opened.compressed,
            v["compressed"].as_bool().unwrap(),
            "vector {name}"
        );
        let value = Value::Dict(opened.session.clone().into_dict());
        let dumped = JsonFormat::flask().dumps(&value, &limits).unwrap();
        assert_eq!(dumped, json, "vector {name}: tagged JSON differs");
        // The JSON reads back to the same value.
        let reread = JsonFormat::flask().loads(json, &limits).unwrap();
        assert!(reread.same_as(&value), "vector {name}: JSON reader differs");
        // Re-encoding gives Flask's cookie (compressed ones only with C zlib).
        let encoded = codec.encode_at(&opened.session, ts).unwrap();
        if !opened.compressed || cfg!(feature = "c-zlib") {
            assert_eq!(encoded, cookie, "vector {name}: re-encoded cookie differs");
        }
        let back: Session = codec.decode_at(&encoded, ts).unwrap();
        assert!(
            Value::Dict(back.into_dict()).same_as(&value),
            "vector {name}: our cookie decodes differently"
        );
        checked += 1;
    }
    assert_eq!(checked, 16);
}
