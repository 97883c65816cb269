//! Server-side session values and ids against the vectors Flask-Session 0.8.0
//! (msgspec 0.23), Flask-Session 0.6.0 (pickles, protocols 0–5) and Quart-Session
//! 3.0.0 made (fixtures/server_side.py): byte-exact encodes, Python's exact repr of
//! what the package reads back, the package's format detection, signed ids; and the
//! `store` command line on the same vectors.

use flask_session_cookie::flask_session::{
    IdSigner, Package, StoredFormat, decode_stored, encode_stored,
};
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{Limits, SecretKey, Session, Value};

use crate::common::{fixture, s, unhex};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn limits() -> Limits {
    Limits::server_side()
}

fn format_of(name: &str) -> StoredFormat {
    match name {
        "msgpack" => StoredFormat::Msgpack,
        "json" => StoredFormat::Json,
        other => panic!("format {other}"),
    }
}

fn repr_of(package: Package, stored: &[u8]) -> (String, StoredFormat) {
    let (session, format) = decode_stored(package, stored, &limits())
        .unwrap_or_else(|e| panic!("{e} (stored: {})", hex(&stored[..stored.len().min(64)])));
    (Value::Dict(session.as_dict().clone()).to_string(), format)
}

#[test]
fn flask_session_encodes_byte_for_byte_and_reads_back_as_python() {
    let data = fixture("flask_session.json");
    let mut checked = (0, 0);
    for v in data["encode"].as_array().unwrap() {
        let name = s(v, "name");
        let tagged = JsonFormat::flask()
            .loads(s(v, "tagged"), &limits())
            .unwrap();
        let Value::Dict(dict) = tagged else {
            panic!("{name}: not a dict")
        };
        let session = Session::from(dict);
        let format = format_of(s(v, "format"));
        let ours = encode_stored(Package::FlaskSession, format, &session);
        match v.get("stored_hex").and_then(|h| h.as_str()) {
            Some(want) => {
                let ours = ours.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(hex(&ours), want, "{name}");
                let (repr, found) = repr_of(Package::FlaskSession, &ours);
                assert_eq!(repr, s(v, "repr"), "{name}");
                assert_eq!(found, format, "{name}");
                checked.0 += 1;
            }
            None => {
                // msgspec refused it (TypeError for Markup, OverflowError past 64 bits).
                let err = ours.expect_err(name);
                assert!(
                    matches!(err.kind(), flask_session_cookie::ErrorKind::Unencodable),
                    "{name}: {err}"
                );
                checked.1 += 1;
            }
        }
    }
    assert_eq!(checked, (254, 4));
    for v in data["decode"].as_array().unwrap() {
        let name = s(v, "name");
        let (repr, found) = repr_of(Package::FlaskSession, &unhex(s(v, "stored_hex")));
        assert_eq!(repr, s(v, "repr"), "{name}");
        assert_eq!(found, format_of(s(v, "format")), "{name}");
    }
}

#[test]
fn signed_ids_match_itsdangerous() {
    let data = fixture("flask_session.json");
    let ids = data["ids"].as_array().unwrap();
    for v in ids {
        let name = s(v, "name");
        let key = match v["secret_key"].as_str() {
            Some(text) => SecretKey::from(text),
            None => SecretKey::from(unhex(s(v, "secret_key_hex"))),
        };
        let package = s(v, "salt").parse().unwrap();
        let signer = IdSigner::new(package, key).unwrap();
        assert_eq!(signer.sign(s(v, "id")), s(v, "signed"), "{name}");
        assert_eq!(signer.unsign(s(v, "signed")).unwrap(), s(v, "id"), "{name}");
        let other = match package {
            Package::FlaskSession => Package::QuartSession,
            _ => Package::FlaskSession,
        };
        let wrong = IdSigner::new(other, SecretKey::from("dev-secret")).unwrap();
        assert!(wrong.unsign(s(v, "signed")).is_err(), "{name}");
    }
    assert_eq!(ids.len(), 18);
}

#[test]
fn legacy_pickles_read_as_python_reads_them() {
    let data = fixture("flask_session_pickle.json");
    let pickles = data["pickles"].as_array().unwrap();
    for v in pickles {
        let name = s(v, "name");
        let (repr, found) = repr_of(Package::FlaskSession, &unhex(s(v, "stored_hex")));
        assert_eq!(repr, s(v, "repr"), "{name}");
        assert_eq!(found, StoredFormat::Pickle, "{name}");
    }
    assert_eq!(pickles.len(), 301);
}

#[test]
fn quart_session_values_round_trip_byte_for_byte() {
    let data = fixture("quart_session.json");
    for v in data["values"].as_array().unwrap() {
        let name = s(v, "name");
        let stored = s(v, "stored");
        let (session, format) =
            decode_stored(Package::QuartSession, stored.as_bytes(), &limits()).unwrap();
        assert_eq!(format, StoredFormat::TaggedJson, "{name}");
        assert_eq!(
            Value::Dict(session.as_dict().clone()).to_string(),
            s(v, "repr"),
            "{name}"
        );
        let again =
            encode_stored(Package::QuartSession, StoredFormat::TaggedJson, &session).unwrap();
        assert_eq!(String::from_utf8(again).unwrap(), stored, "{name}");
    }
}

#[test]
fn stored_values_past_the_limits_are_refused_before_parsing() {
    let big = vec![0x90u8; (1 << 20) + 1];
    let err = decode_stored(Package::FlaskSession, &big, &limits()).unwrap_err();
    assert!(err.to_string().contains("stored value"), "{err}");
    // A memo bomb in a pickle, a deep msgpack nest: limits, not memory.
    let mut deep = vec![0x91u8; 200];
    deep.push(0xc0);
    let err = decode_stored(Package::FlaskSession, &deep, &limits()).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            flask_session_cookie::ErrorKind::LimitExceeded(_)
        ),
        "{err}"
    );
    // A pickle naming anything else is refused by name.
    let evil =
        b"\x80\x04\x95\x19\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94\x93\x94.";
    let err = decode_stored(Package::FlaskSession, evil, &limits()).unwrap_err();
    assert!(err.to_string().contains("os.system"), "{err}");
}

#[cfg(feature = "cli")]
mod cli {
    use super::*;
    use crate::common::cli::run;
    use std::process::Output;

    fn ok(out: &Output) -> String {
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout.clone()).unwrap()
    }

    #[test]
    fn store_commands_follow_the_contract() {
        let data = fixture("flask_session.json");
        for v in data["encode"].as_array().unwrap().iter().step_by(7) {
            let name = s(v, "name");
            let format = s(v, "format");
            let out = run(
                &["store", "encode", "--serialization", format, "--hex"],
                s(v, "tagged").as_bytes(),
            );
            match v.get("stored_hex").and_then(|h| h.as_str()) {
                Some(want) => {
                    assert_eq!(ok(&out), format!("{want}\n"), "{name}");
                    // Raw bytes without --hex, no newline.
                    let raw = run(
                        &["store", "encode", "--serialization", format],
                        s(v, "tagged").as_bytes(),
                    );
                    assert_eq!(hex(&raw.stdout), want, "{name}");
                    let back = run(&["store", "decode", "--format", "repr", "-"], &raw.stdout);
                    assert_eq!(ok(&back), format!("{}\n", s(v, "repr")), "{name}");
                    let back = run(
                        &["store", "decode", "--hex", "--format", "repr"],
                        want.as_bytes(),
                    );
                    assert_eq!(ok(&back), format!("{}\n", s(v, "repr")), "{name}");
                }
                None => {
                    assert_eq!(out.status.code(), Some(1), "{name}");
                    assert!(
                        String::from_utf8_lossy(&out.stderr).starts_with("error: payload: "),
                        "{name}"
                    );
                }
            }
        }
        let pickles = fixture("flask_session_pickle.json");
        for v in pickles["pickles"].as_array().unwrap().iter().step_by(11) {
            let out = run(
                &["store", "decode", "--hex", "--format", "repr"],
                s(v, "stored_hex").as_bytes(),
            );
            assert_eq!(ok(&out), format!("{}\n", s(v, "repr")), "{}", s(v, "name"));
        }
        let quart = fixture("quart_session.json");
        for v in quart["values"].as_array().unwrap().iter().step_by(6) {
            let out = run(
                &[
                    "store",
                    "decode",
                    "--package",
                    "quart-session",
                    "--format",
                    "repr",
                ],
                s(v, "stored").as_bytes(),
            );
            assert_eq!(ok(&out), format!("{}\n", s(v, "repr")), "{}", s(v, "name"));
        }
        for v in data["ids"].as_array().unwrap() {
            let Some(key) = v["secret_key"].as_str() else {
                continue;
            };
            let package = s(v, "salt");
            let out = run(
                &[
                    "store",
                    "sid",
                    "sign",
                    "--package",
                    package,
                    "--secret",
                    key,
                    s(v, "id"),
                ],
                b"",
            );
            assert_eq!(ok(&out), format!("{}\n", s(v, "signed")));
            let out = run(
                &[
                    "store",
                    "sid",
                    "unsign",
                    "--package",
                    package,
                    "--secret",
                    key,
                    s(v, "signed"),
                ],
                b"",
            );
            assert_eq!(ok(&out), format!("{}\n", s(v, "id")));
            let out = run(
                &[
                    "store",
                    "sid",
                    "unsign",
                    "--package",
                    package,
                    "--secret",
                    "wrong",
                    s(v, "signed"),
                ],
                b"",
            );
            assert_eq!(out.status.code(), Some(1));
            assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: signature: "));
        }
        // tagged refuses what tagged JSON cannot say; a pickle's naive datetime.
        let naive = unhex(
            "8004955e000000000000007d94288c0a5f7065726d616e656e7494888c085f757365725f6964948c0137948c047768656e948c086461746574696d65948c086461746574696d65949394430a07e8010203040500000094859452948c0174944b018c0161948694752e",
        );
        let out = run(&["store", "decode", "--format", "tagged"], &naive);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            String::from_utf8_lossy(&out.stderr).starts_with("error: payload: a naive datetime")
        );
        let out = run(&["store", "decode", "--format", "json"], &naive);
        assert_eq!(
            ok(&out),
            "{\"_permanent\":true,\"_user_id\":\"7\",\"when\":\"2024-01-02T03:04:05\",\"t\":[1,\"a\"]}\n"
        );
        // Usage errors exit 2.
        assert_eq!(
            run(&["store", "decode", "--format", "nope"], b"")
                .status
                .code(),
            Some(2)
        );
    }
}
