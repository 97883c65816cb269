//! Cookies made by seven Flask versions' own request cycle (fixtures/flask/*.json):
//! every session decodes to the tagged JSON Flask sees and re-encodes to Flask's
//! cookie; every rejected case gets its error kind and agrees with what Flask does
//! (empty session or HTTP 500), except the differences README lists; key rotation
//! behaves as each version does.

use crate::common::{check_reencoded, i, s};
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{KeyUsed, Limits, SecretKeys, SessionCodec, Value};
use serde_json::Value as Json;

fn version_files() -> Vec<(String, Json)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/flask");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let data = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (name, data)
        })
        .collect()
}

fn version(data: &Json) -> (u32, u32, u32) {
    let v: Vec<u32> = s(&data["versions"], "flask")
        .split('.')
        .map(|p| p.parse().unwrap())
        .collect();
    (v[0], v[1], v[2])
}

fn itsdangerous_major(data: &Json) -> u32 {
    s(&data["versions"], "itsdangerous")
        .split('.')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn seven_versions_are_covered() {
    let versions: Vec<String> = version_files()
        .iter()
        .map(|(_, d)| s(&d["versions"], "flask").to_owned())
        .collect();
    assert_eq!(
        versions,
        [
            "1.1.4", "2.0.3", "2.2.5", "2.3.3", "3.0.3", "3.1.0", "3.1.3"
        ]
    );
}

#[test]
fn sessions_decode_and_reencode_for_every_version() {
    let limits = Limits::new();
    let mut total = 0;
    for (file, data) in version_files() {
        let ts = i(&data, "timestamp");
        let codec = SessionCodec::new(s(&data, "secret_key")).unwrap();
        for v in data["vectors"].as_array().unwrap() {
            let name = s(v, "name");
            let cookie = s(v, "cookie");
            let opened = codec
                .open_at(cookie, ts)
                .unwrap_or_else(|e| panic!("{file} vector {name}: {e}"));
            let value = Value::Dict(opened.value.clone().into_dict());
            assert_eq!(
                JsonFormat::flask().dumps(&value, &limits).unwrap(),
                s(v, "json"),
                "{file} vector {name}: tagged JSON differs from what Flask sees"
            );
            assert_eq!(
                opened.compressed,
                v["compressed"].as_bool().unwrap(),
                "{file} vector {name}"
            );
            let ours = codec.encode_at(&opened.value, ts).unwrap();
            check_reencoded(&ours, cookie, &format!("{file} vector {name}"));
            let back = codec.decode_at(&ours, ts).unwrap();
            assert!(
                Value::Dict(back.into_dict()).same_as(&value),
                "{file} vector {name}: round trip"
            );
            total += 1;
        }
    }
    assert_eq!(total, 7 * 40);
}

/// Cases where Flask accepts what we reject, on purpose (README: Differences from Flask).
fn known_difference(data: &Json, case: &str) -> bool {
    match case {
        "signature_noncanonical_bits" | "signature_padded" => true,
        "future" => itsdangerous_major(data) < 2,
        _ => false,
    }
}

#[test]
fn rejected_cases_get_their_kind_and_agree_with_flask() {
    let mut total = 0;
    for (file, data) in version_files() {
        let codec = SessionCodec::new(s(&data, "secret_key")).unwrap();
        for c in data["rejected"].as_array().unwrap() {
            let name = s(c, "name");
            let got = codec.open_at(s(c, "cookie"), i(c, "now"));
            let expect = s(c, "expect");
            match (&got, expect) {
                (Ok(_), "ok") => {}
                (Err(e), kind) if e.kind_name() == kind => {}
                _ => panic!("{file} rejected/{name}: expected {expect}, got {got:?}"),
            }
            match s(c, "flask") {
                "ok" if !known_difference(&data, name) => {
                    assert!(
                        got.is_ok(),
                        "{file} rejected/{name}: Flask accepts it, we do not: {got:?}"
                    )
                }
                "ok" => assert!(
                    got.is_err(),
                    "{file} rejected/{name}: listed as a difference"
                ),
                "empty" => assert!(
                    match &got {
                        Ok(o) => o.value.is_empty(),
                        Err(e) => e.is_bad_signature(),
                    },
                    "{file} rejected/{name}: Flask starts an empty session; we must report a bad signature: {got:?}"
                ),
                "error" => assert!(
                    got.as_ref().is_err_and(|e| !e.is_bad_signature()),
                    "{file} rejected/{name}: Flask answers 500; we must report a payload error: {got:?}"
                ),
                other => panic!("{file} rejected/{name}: unknown Flask reaction {other}"),
            }
            total += 1;
        }
    }
    assert_eq!(total, 7 * 22);
}

#[test]
fn key_rotation_as_each_version_does() {
    for (file, data) in version_files() {
        let rot = &data["rotation"];
        let ts = i(&data, "timestamp");
        let (major, minor, patch) = version(&data);
        let supports_fallbacks = (major, minor) >= (3, 1);
        let mut keys = SecretKeys::new(s(rot, "secret_key"));
        if supports_fallbacks {
            for f in rot["fallbacks"].as_array().unwrap() {
                keys = keys.with_fallback(f.as_str().unwrap());
            }
        }
        let codec = SessionCodec::new(keys).unwrap();
        let session = [("user_id", 42)].into_iter().collect();
        let written = s(rot, "written");
        if (major, minor, patch) == (3, 1, 0) {
            // Flask 3.1.0 signs with the last fallback (CVE-2025-47278); we read it,
            // and write with SECRET_KEY as 3.1.1+ does.
            assert_eq!(
                codec.open_at(written, ts).unwrap().key,
                KeyUsed::Fallback(1),
                "{file}"
            );
            assert_ne!(codec.encode_at(&session, ts).unwrap(), written);
        } else {
            assert_eq!(codec.encode_at(&session, ts).unwrap(), written, "{file}");
        }
        for c in rot["cases"].as_array().unwrap() {
            let who = s(c, "signed_with");
            let got = codec.open_at(s(c, "cookie"), ts);
            assert_eq!(
                got.is_ok(),
                c["accepted"].as_bool().unwrap(),
                "{file} rotation/{who}: {got:?}"
            );
        }
    }
}

#[test]
fn typed_decoding_equals_the_tree_for_every_vector() {
    use std::collections::BTreeMap;
    let mut total = 0;
    for (file, data) in version_files() {
        let ts = i(&data, "timestamp");
        let codec = SessionCodec::new(s(&data, "secret_key")).unwrap();
        for v in data["vectors"].as_array().unwrap() {
            let cookie = s(v, "cookie");
            let tree = codec.decode_at(cookie, ts).unwrap().into_dict();
            let want: Result<BTreeMap<String, Value>, _> =
                flask_session_cookie::from_value(Value::Dict(tree));
            let got: Result<BTreeMap<String, Value>, _> = codec.decode_as_at(cookie, ts);
            match (want, got) {
                (Ok(want), Ok(got)) => {
                    assert_eq!(want.len(), got.len(), "{file} vector {}", s(v, "name"));
                    for ((k1, v1), (k2, v2)) in want.iter().zip(&got) {
                        assert!(
                            k1 == k2 && v1.same_as(v2),
                            "{file} vector {}: {k1}",
                            s(v, "name")
                        );
                    }
                }
                (Err(a), Err(b)) => {
                    assert_eq!(a.kind(), b.kind(), "{file} vector {}", s(v, "name"))
                }
                (a, b) => panic!("{file} vector {}: {a:?} vs {b:?}", s(v, "name")),
            }
            let json_want: serde_json::Value = flask_session_cookie::from_value(Value::Dict(
                codec.decode_at(cookie, ts).unwrap().into_dict(),
            ))
            .unwrap_or(serde_json::Value::Null);
            let json_got: serde_json::Value = codec
                .decode_as_at(cookie, ts)
                .unwrap_or(serde_json::Value::Null);
            assert_eq!(json_want, json_got, "{file} vector {}", s(v, "name"));
            total += 1;
        }
    }
    assert_eq!(total, 280);
}
