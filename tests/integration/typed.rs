//! Typed sessions through serde: Flask-Login and flashes sessions decode into Rust
//! types and encode back to Flask's exact cookie.

use crate::common::{check_reencoded, fixture, i, s};
use flask_session_cookie::error::PayloadStage;
use flask_session_cookie::{ErrorKind, SessionCodec, tags};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use time::macros::datetime;

fn vector<'a>(data: &'a Json, name: &str) -> &'a Json {
    data["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("no vector {name}"))
}

/// What Flask-Login and Flask-WTF keep in the session.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Login {
    #[serde(rename = "_user_id")]
    user_id: String,
    #[serde(rename = "_fresh")]
    fresh: bool,
    #[serde(rename = "_id")]
    id: String,
    csrf_token: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Flashes {
    #[serde(rename = "_flashes")]
    flashes: Vec<(String, String)>,
}

#[test]
fn flask_login_session_typed_both_ways() {
    let data = fixture("flask_sessions.json");
    let ts = i(&data, "timestamp");
    let codec = SessionCodec::new(s(&data, "secret_key")).unwrap();
    let v = vector(&data, "flask_login");
    let login: Login = codec.decode_as_at(s(v, "cookie"), ts).unwrap();
    assert_eq!(login.user_id, "42");
    assert!(login.fresh);
    assert_eq!(login.csrf_token, "3f1c7a9e2b4d6f8a0c2e4f6a8b0d2f4a6c8e0b2d");
    assert_eq!(login.id.len(), 128);
    assert_eq!(s(v, "json").len(), 224);
    let cookie = codec.encode_as_at(&login, ts).unwrap();
    // Flask compresses this one: byte-identical with C zlib, same tagged JSON always.
    check_reencoded(&cookie, s(v, "cookie"), "flask_login");
    assert_eq!(tagged_json(&codec, &cookie, ts), s(v, "json"));
    let back: Login = codec.decode_as_at(&cookie, ts).unwrap();
    assert_eq!(back, login);
}

fn tagged_json(codec: &SessionCodec, cookie: &str, ts: i64) -> String {
    let session = codec.decode_at(cookie, ts).unwrap();
    flask_session_cookie::json::JsonFormat::flask()
        .dumps(
            &flask_session_cookie::Value::Dict(session.into_dict()),
            &flask_session_cookie::Limits::new(),
        )
        .unwrap()
}

#[test]
fn flashes_session_typed_both_ways() {
    let data = fixture("flask_sessions.json");
    let ts = i(&data, "timestamp");
    let codec = SessionCodec::new(s(&data, "secret_key")).unwrap();
    let v = vector(&data, "flashes");
    let flashes: Flashes = codec.decode_as_at(s(v, "cookie"), ts).unwrap();
    assert_eq!(
        flashes.flashes,
        [
            ("message".to_owned(), "Hello!".to_owned()),
            ("error".to_owned(), "Bad thing".to_owned())
        ]
    );
    let cookie = codec.encode_as_at(&flashes, ts).unwrap();
    // The tagged JSON is Flask's exactly; the cookie is byte-identical with C zlib.
    assert_eq!(tagged_json(&codec, &cookie, ts), s(v, "json"));
    check_reencoded(&cookie, s(v, "cookie"), "flashes");
    // A tuple also reads into a Vec.
    #[derive(Deserialize)]
    struct AsVecs {
        _flashes: Vec<Vec<String>>,
    }
    let as_vecs: AsVecs = codec.decode_as_at(s(v, "cookie"), ts).unwrap();
    assert_eq!(as_vecs._flashes[1], ["error", "Bad thing"]);
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Everything {
    b: tags::Bytes,
    m: tags::Markup,
    u: tags::Uuid,
    dt: tags::DateTime,
    t: tags::Tuple<Vec<i64>>,
    raw: Vec<u8>,
}

#[test]
fn wrapper_types_write_flask_tags() {
    let data = fixture("flask_sessions.json");
    let ts = i(&data, "timestamp");
    let codec = SessionCodec::new("dev-secret").unwrap();
    // Each wrapper alone gives Flask's golden cookie.
    #[derive(Serialize)]
    struct B {
        b: tags::Bytes,
    }
    let cookie = codec
        .encode_as_at(
            &B {
                b: tags::Bytes(b"\x00\x01binary\xff\xfe".to_vec()),
            },
            ts,
        )
        .unwrap();
    assert_eq!(cookie, s(vector(&data, "bytes"), "cookie"));
    #[derive(Serialize)]
    struct M {
        m: tags::Markup,
    }
    let cookie = codec
        .encode_as_at(
            &M {
                m: tags::Markup("<b>bold</b> & 'q'".into()),
            },
            ts,
        )
        .unwrap();
    assert_eq!(cookie, s(vector(&data, "markup"), "cookie"));
    #[derive(Serialize)]
    struct D {
        dt: tags::DateTime,
    }
    let cookie = codec
        .encode_as_at(
            &D {
                dt: tags::DateTime(datetime!(2024-01-02 03:04:05.678901 UTC)),
            },
            ts,
        )
        .unwrap();
    assert_eq!(cookie, s(vector(&data, "datetime"), "cookie"));

    // Round trip of all of them (datetime to the second, as Flask).
    let value = Everything {
        b: tags::Bytes(vec![0, 255]),
        m: tags::Markup("<i>x</i>".into()),
        u: tags::Uuid(uuid::Uuid::from_u128(7)),
        dt: tags::DateTime(datetime!(2024-07-01 12:00:00 +02:00)),
        t: tags::Tuple(vec![1, 2, 3]),
        raw: vec![1, 2],
    };
    let cookie = codec.encode_as_at(&value, ts).unwrap();
    let back: Everything = codec.decode_as_at(&cookie, ts).unwrap();
    assert_eq!(back.b, value.b);
    assert_eq!(back.m, value.m);
    assert_eq!(back.u, value.u);
    assert_eq!(back.dt.0, datetime!(2024-07-01 10:00:00 UTC));
    assert_eq!(back.t, value.t);
    assert_eq!(back.raw, value.raw);
}

#[test]
fn uuid_and_datetime_read_into_std_types_and_strings() {
    let data = fixture("flask_sessions.json");
    let ts = i(&data, "timestamp");
    let codec = SessionCodec::new("dev-secret").unwrap();
    #[derive(Deserialize)]
    struct U {
        u: String,
    }
    let u: U = codec
        .decode_as_at(s(vector(&data, "uuid"), "cookie"), ts)
        .unwrap();
    assert_eq!(u.u, "12345678-1234-5678-1234-567812345678");
    #[derive(Deserialize)]
    struct D {
        dt: String,
    }
    let d: D = codec
        .decode_as_at(s(vector(&data, "datetime"), "cookie"), ts)
        .unwrap();
    assert_eq!(d.dt, "2024-01-02T03:04:05Z");
    #[derive(Deserialize)]
    struct B {
        b: Vec<u8>,
    }
    let b: B = codec
        .decode_as_at(s(vector(&data, "bytes"), "cookie"), ts)
        .unwrap();
    assert_eq!(b.b, b"\x00\x01binary\xff\xfe");
}

#[test]
fn type_mismatch_is_a_type_payload_error() {
    let data = fixture("flask_sessions.json");
    let ts = i(&data, "timestamp");
    let codec = SessionCodec::new("dev-secret").unwrap();
    let err = codec
        .decode_as_at::<Login>(s(vector(&data, "strings_and_ints"), "cookie"), ts)
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::BadPayload(PayloadStage::Type));
    assert!(
        err.to_string().contains("missing field `_user_id`"),
        "{err}"
    );
    assert!(!err.is_bad_signature());
    // A session must serialize to a map.
    let err = codec.encode_as_at(&[1, 2], ts).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Unencodable);
}

#[test]
fn uuid_and_datetime_read_into_their_own_types() {
    let data = fixture("flask_sessions.json");
    let ts = i(&data, "timestamp");
    let codec = SessionCodec::new("dev-secret").unwrap();
    #[derive(Deserialize)]
    struct U {
        u: uuid::Uuid,
    }
    let u: U = codec
        .decode_as_at(s(vector(&data, "uuid"), "cookie"), ts)
        .unwrap();
    assert_eq!(
        u.u,
        uuid::Uuid::from_u128(0x12345678_1234_5678_1234_567812345678)
    );
    #[derive(Deserialize)]
    struct D {
        #[serde(with = "time::serde::rfc3339")]
        dt: time::OffsetDateTime,
    }
    let d: D = codec
        .decode_as_at(s(vector(&data, "datetime"), "cookie"), ts)
        .unwrap();
    assert_eq!(d.dt, datetime!(2024-01-02 03:04:05 UTC));
}

/// A `Value` read through the crate's typed paths comes back as the same value:
/// tuples stay tuples, and so do bytes, Markup, UUIDs, datetimes and big integers,
/// whether the `Value` is a field or sits in a `#[serde(flatten)]` map.
#[test]
fn value_fields_keep_flask_types_through_typed_reads() {
    use flask_session_cookie::{Session, Value};
    use std::collections::BTreeMap;

    #[derive(Serialize, Deserialize)]
    struct WithValue {
        _user_id: String,
        extra: Value,
    }
    #[derive(Serialize, Deserialize)]
    struct Flattened {
        _user_id: String,
        #[serde(flatten)]
        rest: BTreeMap<String, Value>,
    }

    let codec = SessionCodec::new("dev-secret").unwrap();
    let text = r#"{"_user_id":"42","extra":{" t":[1,{" t":[2,3]},{" b":"AAE="},{" m":"<b>"},{" u":"12345678123456781234567812345678"},{" d":"Tue, 02 Jan 2024 03:04:05 GMT"},123456789012345678901234567890123456789012,{"$flask_session_cookie::Tuple":[1]}]}}"#;
    let session: Session = codec
        .decode_at(
            &codec
                .encode_at(
                    &flask_session_cookie::json::JsonFormat::flask()
                        .loads(text, &flask_session_cookie::Limits::new())
                        .unwrap()
                        .as_dict()
                        .cloned()
                        .unwrap()
                        .into(),
                    1_700_000_000,
                )
                .unwrap(),
            1_700_000_000,
        )
        .unwrap();
    let cookie = codec.encode_at(&session, 1_700_000_000).unwrap();

    let typed: WithValue = codec.decode_as_at(&cookie, 1_700_000_000).unwrap();
    assert_eq!(Some(&typed.extra), session.get("extra"));
    let again = codec.encode_as_at(&typed, 1_700_000_000).unwrap();
    assert_eq!(again, cookie, "read-modify-write through a Value field");

    let flat: Flattened = codec.decode_as_at(&cookie, 1_700_000_000).unwrap();
    assert_eq!(flat.rest.get("extra"), session.get("extra"));
    let again = codec.encode_as_at(&flat, 1_700_000_000).unwrap();
    assert_eq!(again, cookie, "read-modify-write through a flattened map");

    let whole: Value = codec.decode_as_at(&cookie, 1_700_000_000).unwrap();
    assert_eq!(whole, Value::Dict(session.as_dict().clone()));
}

/// Property over every cookie Flask made in the fixtures (seven versions and the
/// golden set): a `Value` read through each of the crate's typed paths (the whole
/// session as a `Value`, a map of `Value`s, a struct with a flattened map, one key
/// at a time, `Session::read_as`) is the value the dynamic decoder reads, and writing
/// it back gives the same cookie, byte for byte: no tag is lost on the way.
#[test]
fn every_flask_vector_round_trips_through_typed_values() {
    use flask_session_cookie::{Session, Value};
    use std::collections::{BTreeMap, HashMap};

    #[derive(Serialize, Deserialize)]
    struct Flattened {
        #[serde(flatten)]
        rest: HashMap<String, Value>,
    }

    let mut files: Vec<String> = [
        "1.1.4", "2.0.3", "2.2.5", "2.3.3", "3.0.3", "3.1.0", "3.1.3",
    ]
    .iter()
    .map(|v| format!("flask/flask-{v}.json"))
    .collect();
    files.push("golden.json".into());
    let mut checked = 0;
    for file in &files {
        let data = fixture(file);
        let ts = i(&data, "timestamp");
        let codec = SessionCodec::new(s(&data, "secret_key")).unwrap();
        for vector in data["vectors"].as_array().unwrap() {
            let name = format!("{file} {}", s(vector, "name"));
            let cookie = s(vector, "cookie");
            let session: Session = codec.decode_at(cookie, ts).unwrap();
            let ours = codec.encode_at(&session, ts).unwrap();
            // NaN is not equal to itself: compare the written bytes, which say the same.
            let same = |what: &str, again: String| assert_eq!(again, ours, "{name}: {what}");

            let whole: Value = codec.decode_as_at(cookie, ts).unwrap();
            same("Value", codec.encode_as_at(&whole, ts).unwrap());
            let map: BTreeMap<String, Value> = codec.decode_as_at(cookie, ts).unwrap();
            same(
                "BTreeMap<String, Value>",
                codec.encode_as_at(&map, ts).unwrap(),
            );
            let flat: Flattened = codec.decode_as_at(cookie, ts).unwrap();
            same("flatten", codec.encode_as_at(&flat, ts).unwrap());
            let read: BTreeMap<String, Value> = session.read_as().unwrap();
            same("Session::read_as", codec.encode_as_at(&read, ts).unwrap());
            let mut rebuilt = Session::new();
            for (key, _) in session.iter() {
                let value: Value = session.get_as(key).unwrap().unwrap();
                rebuilt.insert(key, value);
            }
            same("get_as per key", codec.encode_at(&rebuilt, ts).unwrap());
            if !s(vector, "json").contains("NaN") {
                assert_eq!(Value::Dict(session.as_dict().clone()), whole, "{name}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 280, "{checked} vectors");
}
