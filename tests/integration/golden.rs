//! Spec §6 golden cookies (transcribed in fixtures/golden.json) and the same catalogue
//! made by Flask 3.1.3's own `save_session` (fixtures/flask_sessions.json): each
//! decodes to the exact tagged JSON and re-encodes to the exact cookie.

use crate::common::{check_reencoded, fixture, i, s};
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{KeyUsed, Limits, SecretKeys, SessionCodec, Value};

fn check_catalogue(file: &str) -> usize {
    let data = fixture(file);
    let ts = i(&data, "timestamp");
    let codec = SessionCodec::new(s(&data, "secret_key")).unwrap();
    let limits = Limits::new();
    let mut checked = 0;
    for v in data["vectors"].as_array().unwrap() {
        let name = s(v, "name");
        let cookie = s(v, "cookie");
        let json = s(v, "json");
        let opened = codec
            .open_at(cookie, ts)
            .unwrap_or_else(|e| panic!("{file} vector {name}: decode failed: {e}"));
        assert_eq!(
            opened.compressed,
            v["compressed"].as_bool().unwrap(),
            "{file} vector {name}"
        );
        assert_eq!(opened.key, KeyUsed::Current);
        assert_eq!(opened.timestamp, Some(ts));
        let value = Value::Dict(opened.value.clone().into_dict());
        let dumped = JsonFormat::flask().dumps(&value, &limits).unwrap();
        assert_eq!(dumped, json, "{file} vector {name}: tagged JSON differs");
        let reread = JsonFormat::flask().loads(json, &limits).unwrap();
        assert!(
            reread.same_as(&value),
            "{file} vector {name}: JSON reader differs"
        );
        let encoded = codec.encode_at(&opened.value, ts).unwrap();
        check_reencoded(&encoded, cookie, &format!("{file} vector {name}"));
        let back = codec.decode_at(&encoded, ts).unwrap();
        assert!(
            Value::Dict(back.into_dict()).same_as(&value),
            "{file} vector {name}: our cookie decodes differently"
        );
        checked += 1;
    }
    checked
}

#[test]
fn spec_golden_cookies() {
    assert_eq!(check_catalogue("golden.json"), 16);
}

#[test]
fn flask_save_session_cookies() {
    assert_eq!(check_catalogue("flask_sessions.json"), 19);
}

#[test]
fn flask_secret_key_fallbacks() {
    let data = fixture("flask_sessions.json");
    let rot = &data["rotation"];
    let ts = i(rot, "timestamp");
    let mut keys = SecretKeys::new(s(rot, "secret_key"));
    for f in rot["fallbacks"].as_array().unwrap() {
        keys = keys.with_fallback(f.as_str().unwrap());
    }
    let codec = SessionCodec::new(keys).unwrap();
    let session = [("user_id", 42)].into_iter().collect();
    assert_eq!(codec.encode_at(&session, ts).unwrap(), s(rot, "written"));
    for case in rot["cases"].as_array().unwrap() {
        let who = s(case, "signed_with");
        let got = codec.open_at(s(case, "cookie"), ts);
        let accepted = case["accepted"].as_bool().unwrap();
        assert_eq!(got.is_ok(), accepted, "signed with {who}: {got:?}");
        if let Ok(opened) = got {
            let want = match who {
                "dev-secret" => KeyUsed::Current,
                "older-secret" => KeyUsed::Fallback(0),
                "old-secret" => KeyUsed::Fallback(1),
                other => panic!("unexpected key {other}"),
            };
            assert_eq!(opened.key, want);
            assert_eq!(opened.value, session);
        } else {
            assert!(got.unwrap_err().is_bad_signature());
        }
    }
}
