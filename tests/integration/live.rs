//! Live round trips with a real Flask 3.1.3 on 127.0.0.1, over real HTTP: cookies
//! Rust writes are read by Flask's `open_session`; cookies Flask's `save_session`
//! writes are read by Rust and re-encoded byte for byte.

use crate::common::live::{self, LiveFlask, hex};
use crate::common::{check_reencoded, fixture, s};
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{Limits, SecretKeys, SessionCodec, Value};
use serde_json::Value as Json;

fn catalogue() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for file in ["flask_sessions.json", "flask/flask-3.1.3.json"] {
        let data = fixture(file);
        for v in data["vectors"].as_array().unwrap() {
            out.push((
                format!("{file}/{}", s(v, "name")),
                s(v, "json").to_owned(),
                s(v, "cookie").to_owned(),
            ));
        }
    }
    out
}

fn flask_reads(flask: &LiveFlask, cookie: &str, key: &[u8], fallbacks: &[&[u8]], now: i64) -> Json {
    let fb: Vec<String> = fallbacks.iter().map(|f| hex(f)).collect();
    let cookie_header = format!("session={cookie}");
    let key_hex = hex(key);
    let now = now.to_string();
    let fb = fb.join(",");
    let resp = flask
        .request(
            "GET",
            "/session",
            &[
                ("Cookie", &cookie_header),
                ("X-Secret-Key-Hex", &key_hex),
                ("X-Fallbacks-Hex", &fb),
                ("X-Now", &now),
            ],
            b"",
        )
        .unwrap();
    assert_eq!(resp.status, 200);
    resp.json()
}

fn flask_writes(flask: &LiveFlask, tagged: &str, key: &[u8], ts: i64) -> (String, String) {
    let key_hex = hex(key);
    let ts = ts.to_string();
    let resp = flask
        .request(
            "POST",
            "/session",
            &[("X-Secret-Key-Hex", &key_hex), ("X-Timestamp", &ts)],
            tagged.as_bytes(),
        )
        .unwrap();
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    let header = resp
        .header("Set-Cookie")
        .expect("Flask set no cookie")
        .to_owned();
    let value = header
        .strip_prefix("session=")
        .and_then(|h| h.split(';').next())
        .expect("not a session cookie")
        .to_owned();
    (value, header)
}

#[test]
fn rust_and_flask_read_each_others_cookies() {
    let Some(flask) = live::start() else { return };
    assert_eq!(flask.version, "3.1.3");
    let ts = 1_700_000_000;
    let key = b"dev-secret";
    let codec = SessionCodec::new(&key[..]).unwrap();
    let limits = Limits::new();
    let mut round_trips = 0;
    for (name, json, fixture_cookie) in catalogue() {
        let session = JsonFormat::flask().loads(&json, &limits).unwrap();
        let Value::Dict(dict) = session else {
            panic!("{name}: not a dict")
        };
        let session = flask_session_cookie::Session::from(dict);

        // Rust writes, Flask reads.
        let ours = codec.encode_at(&session, ts).unwrap();
        let seen = flask_reads(&flask, &ours, key, &[], ts + 5);
        assert_eq!(
            s(&seen, "status"),
            "ok",
            "{name}: Flask did not accept our cookie: {seen}"
        );
        assert_eq!(
            s(&seen, "tagged"),
            json,
            "{name}: Flask sees something else in our cookie"
        );

        // Flask writes, Rust reads and re-encodes.
        let (theirs, header) = flask_writes(&flask, &json, key, ts);
        assert_eq!(
            theirs, fixture_cookie,
            "{name}: live Flask differs from the fixture"
        );
        let opened = codec
            .open_at(&theirs, ts + 5)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let value = Value::Dict(opened.value.clone().into_dict());
        assert_eq!(
            JsonFormat::flask().dumps(&value, &limits).unwrap(),
            json,
            "{name}"
        );
        check_reencoded(&ours, &theirs, &name);
        assert!(header.ends_with("HttpOnly; Path=/"), "{name}: {header}");
        round_trips += 2;
    }
    eprintln!("live round trips: {round_trips}");
    assert!(round_trips >= 2 * 59, "{round_trips}");
}

#[test]
fn rotation_and_rejection_agree_with_live_flask() {
    let Some(flask) = live::start() else { return };
    let ts = 1_700_000_000;
    let session: flask_session_cookie::Session = [("user_id", 42)].into_iter().collect();
    let codec_for = |k: &str| SessionCodec::new(k).unwrap();
    let ours = SessionCodec::new(SecretKeys::new("new").with_fallback("old")).unwrap();
    // Signed by the fallback: both sides accept it; by a stranger: neither does.
    for (signer, accepted) in [("new", true), ("old", true), ("stranger", false)] {
        let cookie = codec_for(signer).encode_at(&session, ts).unwrap();
        let seen = flask_reads(&flask, &cookie, b"new", &[b"old"], ts);
        assert_eq!(
            s(&seen, "status") == "ok",
            accepted,
            "signed by {signer}: {seen}"
        );
        assert_eq!(
            ours.open_at(&cookie, ts).is_ok(),
            accepted,
            "signed by {signer}"
        );
    }
    // Tampering: Flask starts an empty session, we report a bad signature.
    let good = ours.encode_at(&session, ts).unwrap();
    let mut tampered = good.clone().into_bytes();
    tampered[3] ^= 1;
    let tampered = String::from_utf8(tampered).unwrap();
    assert_eq!(
        s(&flask_reads(&flask, &tampered, b"new", &[], ts), "status"),
        "empty"
    );
    assert!(ours.open_at(&tampered, ts).unwrap_err().is_bad_signature());
    // Expiry: one second past max_age.
    let max_age = i64::try_from(flask_session_cookie::SessionCodec::DEFAULT_MAX_AGE).unwrap();
    assert_eq!(
        s(
            &flask_reads(&flask, &good, b"new", &[], ts + max_age),
            "status"
        ),
        "ok"
    );
    assert_eq!(
        s(
            &flask_reads(&flask, &good, b"new", &[], ts + max_age + 1),
            "status"
        ),
        "empty"
    );
    assert!(ours.open_at(&good, ts + max_age).is_ok());
    assert!(
        ours.open_at(&good, ts + max_age + 1)
            .unwrap_err()
            .is_bad_signature()
    );
}
