//! The malformed-input table: one row per malformation, each with the exact error
//! kind (or "accepted", where Python accepts it too and so do we).

use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flask_session_cookie::error::{Limit, PayloadStage};
use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
use flask_session_cookie::{ErrorKind, SessionCodec};

const TS: i64 = 1_700_000_000;
const KEY: &str = "dev-secret";

fn b64(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn signer() -> TimestampSigner {
    TimestampSigner::new(KEY, SignerConfig::flask_session()).unwrap()
}

/// A validly signed cookie around any payload text.
fn signed(payload: &str) -> String {
    signer().sign_at(payload, TS)
}

/// A validly signed cookie around JSON bytes (uncompressed).
fn signed_json(json: &[u8]) -> String {
    signed(&b64(json))
}

/// A validly signed cookie around `.` + base64 of raw bytes (claimed compressed).
fn signed_compressed(raw: &[u8]) -> String {
    signed(&format!(".{}", b64(raw)))
}

/// A validly signed `payload.ts` with the signature part replaced.
fn with_sig(cookie: &str, f: impl Fn(&str) -> String) -> String {
    let (rest, sig) = cookie.rsplit_once('.').unwrap();
    format!("{rest}.{}", f(sig))
}

/// A valid cookie whose signature contains `-` or `_`, for the alphabet cases.
fn cookie_with_url_safe_chars() -> String {
    (0..)
        .map(|n| signed_json(format!("{{\"n\":{n}}}").as_bytes()))
        .find(|c| c.rsplit_once('.').unwrap().1.contains(['-', '_']))
        .unwrap()
}

/// A validly signed cookie with any timestamp text.
fn signed_with_ts(payload: &str, ts: &str) -> String {
    let flask = flask_session_cookie::itsdangerous::Signer::new(KEY, SignerConfig::flask_session())
        .unwrap();
    flask.sign(&format!("{payload}.{ts}"))
}

#[derive(Debug, PartialEq)]
enum Want {
    Accepted,
    Kind(ErrorKind),
}
use Want::*;

fn payload(stage: PayloadStage) -> Want {
    Kind(ErrorKind::BadPayload(stage))
}

fn rows() -> Vec<(&'static str, String, Want)> {
    use PayloadStage::*;
    let good = signed_json(br#"{"user_id":42}"#);
    let (good_payload, good_rest) = good.split_once('.').unwrap();
    let good_ts = good_rest.split_once('.').unwrap().0;
    let url_safe = cookie_with_url_safe_chars();
    let malformed = || Kind(ErrorKind::Malformed);
    let signature = || Kind(ErrorKind::BadSignature);
    let timestamp = || Kind(ErrorKind::BadTimeSignature);
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    gzip.write_all(br#"{"a":1}"#).unwrap();
    let gzip = gzip.finish().unwrap();
    let mut raw_deflate =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(6));
    raw_deflate.write_all(br#"{"a":1}"#).unwrap();
    let raw_deflate = raw_deflate.finish().unwrap();
    let z = zlib(br#"{"a":1}"#);
    let mut bad_adler = z.clone();
    *bad_adler.last_mut().unwrap() ^= 1;
    let mut bad_header = z.clone();
    bad_header[1] = 0x9d;
    let mut trailing = z.clone();
    trailing.extend_from_slice(b"trailing garbage");
    vec![
        // shape
        ("empty", String::new(), malformed()),
        ("one separator", ".".into(), malformed()),
        ("separators only", "..".into(), malformed()),
        ("three separators", "...".into(), malformed()),
        ("no separator", good_payload.into(), malformed()),
        (
            "timestamp part missing",
            flask_session_cookie::itsdangerous::Signer::new(KEY, SignerConfig::flask_session())
                .unwrap()
                .sign(good_payload),
            timestamp(),
        ),
        (
            "extra part before the payload",
            signed(&format!("abc.{good_payload}")),
            payload(Base64),
        ),
        // signature part
        (
            "signature with a non-alphabet character",
            with_sig(&good, |s| format!("!{}", &s[1..])),
            malformed(),
        ),
        ("signature with = padding", format!("{good}="), malformed()),
        (
            "signature one character short",
            good[..good.len() - 1].into(),
            malformed(),
        ),
        (
            "signature one character long",
            format!("{good}A"),
            malformed(),
        ),
        (
            "signature with unused bits set",
            with_sig(&good, |s| {
                let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                let last = alphabet.find(s.chars().last().unwrap()).unwrap();
                format!(
                    "{}{}",
                    &s[..s.len() - 1],
                    &alphabet[(last ^ 1)..(last ^ 1) + 1]
                )
            }),
            malformed(),
        ),
        (
            "signature in the standard alphabet",
            with_sig(&url_safe, |s| s.replace('-', "+").replace('_', "/")),
            malformed(),
        ),
        (
            "signature of SHA-256 length",
            with_sig(&good, |s| format!("{s}AAAAAAAAAAAAAAAA")),
            malformed(),
        ),
        (
            "signature well-formed but wrong",
            with_sig(&good, |s| {
                format!("{}{}", if s.starts_with('A') { "B" } else { "A" }, &s[1..])
            }),
            signature(),
        ),
        (
            "signature with a non-ASCII character",
            with_sig(&good, |s| format!("é{}", &s[2..])),
            malformed(),
        ),
        ("trailing newline", format!("{good}\n"), malformed()),
        ("leading space", format!(" {good}"), signature()),
        ("tampered payload", format!("A{}", &good[1..]), signature()),
        (
            "tampered timestamp",
            good.replacen(good_ts, "ZVPxAB", 1),
            signature(),
        ),
        (
            "signed with another key",
            SessionCodec::new("other")
                .unwrap()
                .encode_at(&[("user_id", 42)].into_iter().collect(), TS)
                .unwrap(),
            signature(),
        ),
        // timestamp part (validly signed)
        (
            "timestamp with a non-alphabet character",
            signed_with_ts(good_payload, "ZVP!AA"),
            timestamp(),
        ),
        (
            "timestamp with = padding",
            signed_with_ts(good_payload, "ZVPxAA=="),
            timestamp(),
        ),
        (
            "timestamp of 9 bytes",
            signed_with_ts(good_payload, &b64(&[1; 9])),
            timestamp(),
        ),
        (
            "timestamp beyond i64",
            signed_with_ts(good_payload, &b64(&[0xff; 8])),
            timestamp(),
        ),
        (
            "timestamp of 0 bytes is 1970: expired",
            signed_with_ts(good_payload, ""),
            Kind(ErrorKind::Expired {
                age: TS,
                max_age: 2_678_400,
                signed_at: 0,
            }),
        ),
        (
            "expired by one second",
            signer().sign_at(good_payload, TS - 2_678_401),
            Kind(ErrorKind::Expired {
                age: 2_678_401,
                max_age: 2_678_400,
                signed_at: TS - 2_678_401,
            }),
        ),
        (
            "dated in the future",
            signer().sign_at(good_payload, TS + 1),
            Kind(ErrorKind::Expired {
                age: -1,
                max_age: 2_678_400,
                signed_at: TS + 1,
            }),
        ),
        // payload base64 (validly signed)
        (
            "payload with a non-alphabet character",
            signed("eyJh!IjoxfQ"),
            payload(Base64),
        ),
        ("payload with = padding", signed("e30="), payload(Base64)),
        (
            "payload with unused bits set",
            signed("e31"),
            payload(Base64),
        ),
        (
            "payload of impossible length",
            signed("eyJhI"),
            payload(Base64),
        ),
        (
            "payload with a space",
            signed("eyJh IjoxfQ"),
            payload(Base64),
        ),
        (
            "payload with a non-ASCII character",
            signed("eyJhéIjoxfQ"),
            payload(Base64),
        ),
        // zlib (validly signed)
        (
            "truncated zlib",
            signed_compressed(&z[..z.len() - 3]),
            payload(Zlib),
        ),
        (
            "trailing garbage after zlib (Python ignores it)",
            signed_compressed(&trailing),
            Accepted,
        ),
        (
            "zlib with a bad header",
            signed_compressed(&bad_header),
            payload(Zlib),
        ),
        (
            "zlib with a bad checksum",
            signed_compressed(&bad_adler),
            payload(Zlib),
        ),
        (
            "gzip instead of zlib",
            signed_compressed(&gzip),
            payload(Zlib),
        ),
        (
            "raw deflate instead of zlib",
            signed_compressed(&raw_deflate),
            payload(Zlib),
        ),
        ("empty zlib stream", signed("."), payload(Zlib)),
        ("zlib without the . marker", signed_json(&z), payload(Utf8)),
        // UTF-8
        (
            "invalid UTF-8",
            signed_json(b"{\"a\":\"\xff\"}"),
            payload(Utf8),
        ),
        (
            "UTF-8 encoded surrogate",
            signed_json(b"{\"a\":\"\xed\xa0\x80\"}"),
            payload(Utf8),
        ),
        (
            "overlong UTF-8",
            signed_json(b"{\"a\":\"\xc0\xaf\"}"),
            payload(Utf8),
        ),
        // JSON
        ("not JSON", signed_json(b"{not json"), payload(Json)),
        (
            "lone high surrogate escape",
            signed_json(br#"{"a":"\ud800"}"#),
            payload(Json),
        ),
        (
            "lone low surrogate escape",
            signed_json(br#"{"a":"\udc00x"}"#),
            payload(Json),
        ),
        ("lowercase nan", signed_json(br#"{"a":nan}"#), payload(Json)),
        ("-NaN", signed_json(br#"{"a":-NaN}"#), payload(Json)),
        (
            "+Infinity",
            signed_json(br#"{"a":+Infinity}"#),
            payload(Json),
        ),
        (
            "Infinity as a key",
            signed_json(br#"{Infinity:1}"#),
            payload(Json),
        ),
        ("trailing comma", signed_json(br#"{"a":1,}"#), payload(Json)),
        (
            "byte order mark",
            signed_json("\u{feff}{}".as_bytes()),
            payload(Json),
        ),
        (
            "raw control character in a string",
            signed_json(b"{\"a\":\"\x01\"}"),
            payload(Json),
        ),
        (
            "extra data after the value",
            signed_json(br#"{"a":1}x"#),
            payload(Json),
        ),
        ("leading zero", signed_json(br#"{"a":01}"#), payload(Json)),
        (
            "duplicate keys (last wins)",
            signed_json(br#"{"a":1,"a":2}"#),
            Accepted,
        ),
        (
            "unknown tag is a plain dict",
            signed_json(br#"{"x":{" x":1}}"#),
            Accepted,
        ),
        // tags
        (
            "bytes tag with bad base64",
            signed_json(br#"{"b":{" b":"A"}}"#),
            payload(Tag),
        ),
        (
            "bytes tag with non-ASCII",
            signed_json(r#"{"b":{" b":"é"}}"#.as_bytes()),
            payload(Tag),
        ),
        (
            "bytes tag holding a number",
            signed_json(br#"{"b":{" b":1}}"#),
            payload(Tag),
        ),
        (
            "uuid tag with bad hex",
            signed_json(br#"{"u":{" u":"1234567812345678123456781234567g"}}"#),
            payload(Tag),
        ),
        (
            "uuid tag of the wrong length",
            signed_json(br#"{"u":{" u":"1234"}}"#),
            payload(Tag),
        ),
        (
            "uuid tag with 0x",
            signed_json(br#"{"u":{" u":"0x345678123456781234567812345678"}}"#),
            payload(Tag),
        ),
        (
            "datetime tag Python cannot parse",
            signed_json(br#"{"d":{" d":"2024-01-02T03:04:05Z"}}"#),
            payload(Tag),
        ),
        (
            "datetime tag with day 32",
            signed_json(br#"{"d":{" d":"Tue, 32 Jan 2024 03:04:05 GMT"}}"#),
            payload(Tag),
        ),
        (
            "datetime tag with hour 24",
            signed_json(br#"{"d":{" d":"Tue, 02 Jan 2024 24:04:05 GMT"}}"#),
            payload(Tag),
        ),
        (
            "dict tag over an empty dict",
            signed_json(br#"{"x":{" di":{}}}"#),
            payload(Tag),
        ),
        (
            "dict tag over a list",
            signed_json(br#"{"x":{" di":[1]}}"#),
            payload(Tag),
        ),
        (
            "dict tag over a string",
            signed_json(br#"{"x":{" di":"a__"}}"#),
            payload(Tag),
        ),
        (
            "tuple tag over a number",
            signed_json(br#"{"t":{" t":5}}"#),
            payload(Tag),
        ),
        (
            "tuple tag over a dict",
            signed_json(br#"{"t":{" t":{"a":1}}}"#),
            payload(Tag),
        ),
        (
            "markup tag over a list",
            signed_json(br#"{"m":{" m":[1]}}"#),
            payload(Tag),
        ),
        // top level
        (
            "top level is a list of numbers",
            signed_json(b"[1,2]"),
            payload(NotADict),
        ),
        (
            "top level is a string",
            signed_json(br#""str""#),
            payload(NotADict),
        ),
        (
            "top level is a number",
            signed_json(b"42"),
            payload(NotADict),
        ),
        (
            "top level is a tuple of non-pairs",
            signed_json(br#"{" t":[1]}"#),
            payload(NotADict),
        ),
        (
            "top level is null (empty session)",
            signed_json(b"null"),
            Accepted,
        ),
        (
            "top level is a list of pairs",
            signed_json(br#"[["a",1]]"#),
            Accepted,
        ),
        // limits
        (
            "integer of 5000 digits",
            signed_json(format!("{{\"n\":{}}}", "9".repeat(5000)).as_bytes()),
            Kind(ErrorKind::LimitExceeded(Limit::IntegerDigits)),
        ),
        (
            "nesting 100,000 deep",
            signed(&format!(".{}", b64(&zlib("[".repeat(100_000).as_bytes())))),
            Kind(ErrorKind::LimitExceeded(Limit::Depth)),
        ),
        (
            "a cookie of 20 KB",
            "A".repeat(20_000),
            Kind(ErrorKind::LimitExceeded(Limit::CookieLength)),
        ),
    ]
}

#[test]
fn every_malformation_gets_its_exact_kind() {
    let codec = SessionCodec::new(KEY).unwrap();
    let rows = rows();
    let mut names = std::collections::BTreeSet::new();
    for (name, cookie, want) in &rows {
        assert!(names.insert(*name), "duplicate row {name}");
        let got = match codec.open_at(cookie, TS) {
            Ok(_) => Accepted,
            Err(e) => {
                // Messages are lowercase sentences that say what was wrong.
                assert!(!e.detail().is_empty(), "row {name:?}: empty message");
                Kind(e.kind().clone())
            }
        };
        assert_eq!(&got, want, "row {name:?}: cookie {cookie:?}");
    }
    assert!(rows.len() >= 40, "{} rows", rows.len());
    eprintln!("{} malformations, each with its exact kind", rows.len());
}
