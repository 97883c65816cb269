//! Every example of spec §3 (Python's JSON dialect as Flask writes and reads it) as a
//! unit test of the JSON writer and reader.

use flask_session_cookie::error::{Limit, PayloadStage};
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{Dict, ErrorKind, Int, Limits, Session, SessionCodec, Value, to_value};

fn dumps(v: &Value) -> String {
    JsonFormat::flask().dumps(v, &Limits::new()).unwrap()
}

fn loads(text: &str) -> Value {
    JsonFormat::flask()
        .loads(text, &Limits::new())
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn load_err(text: &str) -> ErrorKind {
    JsonFormat::flask()
        .loads(text, &Limits::new())
        .unwrap_err()
        .kind()
        .clone()
}

fn dict(pairs: &[(&str, Value)]) -> Value {
    Value::Dict(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

fn roundtrip(v: &Value, text: &str) {
    assert_eq!(dumps(v), text);
    assert!(loads(text).same_as(v), "{text} reads back differently");
}

#[test]
fn strings_printable_ascii_is_literal_except_quote_and_backslash() {
    roundtrip(&Value::from("/<>&' ~"), r#""/<>&' ~""#);
    roundtrip(&Value::from("\"\\"), r#""\"\\""#);
}

#[test]
fn strings_short_escapes() {
    roundtrip(&Value::from("\u{8}\u{c}\n\r\t"), r#""\b\f\n\r\t""#);
}

#[test]
fn strings_other_controls_and_non_ascii_are_lowercase_u_escapes() {
    roundtrip(&Value::from("\u{0}"), r#""\u0000""#);
    roundtrip(&Value::from("\u{1f}"), r#""\u001f""#);
    roundtrip(&Value::from("\u{7f}"), r#""\u007f""#);
    roundtrip(&Value::from("\u{80}"), r#""\u0080""#);
    roundtrip(&Value::from("\u{2028}"), r#""\u2028""#);
    roundtrip(&Value::from("é☃"), r#""\u00e9\u2603""#);
}

#[test]
fn strings_astral_become_lowercase_surrogate_pairs() {
    roundtrip(&Value::from("😀"), r#""\ud83d\ude00""#);
    // Upper-case hex reads too, as in Python.
    assert_eq!(loads(r#""\uD83D\uDE00""#), Value::from("😀"));
}

#[test]
fn strings_lone_surrogates_are_rejected_on_read() {
    // Python keeps them in a str; a Rust String cannot hold them (README: Differences).
    assert_eq!(
        load_err(r#""\ud800x""#),
        ErrorKind::BadPayload(PayloadStage::Json)
    );
    assert_eq!(
        load_err(r#""\udc00""#),
        ErrorKind::BadPayload(PayloadStage::Json)
    );
}

#[test]
fn strings_ensure_ascii_off_writes_utf8() {
    let f = JsonFormat::flask().with_ensure_ascii(false);
    assert_eq!(
        f.dumps(&Value::from("é\u{7f}\n"), &Limits::new()).unwrap(),
        "\"é\u{7f}\\n\""
    );
    let codec = SessionCodec::new("dev-secret")
        .unwrap()
        .with_ensure_ascii(false);
    let session: Session = [("b", "é")].into_iter().collect();
    assert_eq!(
        codec.encode_at(&session, 1_700_000_000).unwrap(),
        "eyJiIjoiw6kifQ.ZVPxAA.K_hyrQHOzhIiy7fMU0OPIoxiJfo"
    );
}

#[test]
fn floats_python_repr_table() {
    let table: &[(f64, &str)] = &[
        (0.1, "0.1"),
        (1.0, "1.0"),
        (-0.0, "-0.0"),
        (1e15, "1000000000000000.0"),
        (1e16, "1e+16"),
        (1.5e-7, "1.5e-07"),
        (1e-4, "0.0001"),
        (1e-5, "1e-05"),
        (123_456_789_012_345_678.0, "1.2345678901234568e+17"),
        (9_223_372_036_854_775_808.0, "9.223372036854776e+18"),
        (5e-324, "5e-324"),
        (1e300, "1e+300"),
        (f64::INFINITY, "Infinity"),
        (f64::NEG_INFINITY, "-Infinity"),
        (f64::NAN, "NaN"),
        (-2.5, "-2.5"),
        (123.0, "123.0"),
        (0.001234, "0.001234"),
        (f64::MAX, "1.7976931348623157e+308"),
        (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
    ];
    for (f, text) in table {
        roundtrip(&Value::Float(*f), text);
    }
}

#[test]
fn floats_overflow_on_load_is_infinity() {
    assert_eq!(loads("1E400"), Value::Float(f64::INFINITY));
    assert_eq!(loads("-1e400"), Value::Float(f64::NEG_INFINITY));
}

#[test]
fn integers_any_size() {
    let big: Int = "1180591620717411303424".parse().unwrap();
    roundtrip(&Value::Int(big), "1180591620717411303424");
    let neg: Int = "-1180591620717411303424".parse().unwrap();
    roundtrip(&Value::Int(neg), "-1180591620717411303424");
    roundtrip(&Value::from(i64::MIN), "-9223372036854775808");
    roundtrip(&Value::from(u64::MAX), "18446744073709551615");
}

#[test]
fn integers_limited_to_4300_digits_both_ways() {
    let ok = "9".repeat(4300);
    assert_eq!(loads(&ok).to_owned(), Value::Int(ok.parse().unwrap()));
    let too_long = "9".repeat(4301);
    assert_eq!(
        load_err(&too_long),
        ErrorKind::LimitExceeded(Limit::IntegerDigits)
    );
    assert_eq!(
        load_err(&format!("-{too_long}")),
        ErrorKind::LimitExceeded(Limit::IntegerDigits)
    );
    let err = JsonFormat::flask()
        .dumps(&Value::Int(too_long.parse().unwrap()), &Limits::new())
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::LimitExceeded(Limit::IntegerDigits));
}

#[test]
fn other_scalars() {
    roundtrip(&Value::Bool(true), "true");
    roundtrip(&Value::Bool(false), "false");
    roundtrip(&Value::None, "null");
}

#[test]
fn non_str_keys_are_coerced_like_python() {
    // Through typed encoding: Python's json turns 1 -> "1", 1.5 -> "1.5", True -> "true".
    let ints: std::collections::BTreeMap<i32, &str> = [(1, "a")].into_iter().collect();
    assert_eq!(dumps(&to_value(&ints).unwrap()), r#"{"1":"a"}"#);
    let bools: std::collections::BTreeMap<bool, i32> = [(true, 1)].into_iter().collect();
    assert_eq!(dumps(&to_value(&bools).unwrap()), r#"{"true":1}"#);
    // Tuple keys raise TypeError in Python; here they cannot be encoded either.
    let tuples: std::collections::BTreeMap<(i32, i32), i32> = [((1, 2), 3)].into_iter().collect();
    assert_eq!(
        to_value(&tuples).unwrap_err().kind(),
        &ErrorKind::Unencodable
    );
    // None -> "null"
    let nones: Vec<(Option<i32>, i32)> = vec![(None, 1)];
    assert_eq!(dumps(&to_value(&MapOf2(nones)).unwrap()), r#"{"null":1}"#);
    let floats = vec![(1.5f64, 1)];
    let m: Value = to_value(&MapOf(floats)).unwrap();
    assert_eq!(dumps(&m), r#"{"1.5":1}"#);
}

struct MapOf2(Vec<(Option<i32>, i32)>);
impl serde::Serialize for MapOf2 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// A map with float keys (not `Ord`, so no `BTreeMap`).
struct MapOf(Vec<(f64, i32)>);
impl serde::Serialize for MapOf {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[test]
fn keys_sorted_by_code_point_at_every_level() {
    // {"b":1,"a":2,"_permanent":True,"C":3} -> {"C":3,"_permanent":true,"a":2,"b":1}
    let v = dict(&[
        ("b", Value::from(1)),
        ("a", Value::from(2)),
        ("_permanent", Value::from(true)),
        ("C", Value::from(3)),
    ]);
    assert_eq!(dumps(&v), r#"{"C":3,"_permanent":true,"a":2,"b":1}"#);
    let nested = dict(&[(
        "z",
        dict(&[("é", Value::None), ("z", Value::None), ("a", Value::None)]),
    )]);
    assert_eq!(dumps(&nested), r#"{"z":{"a":null,"z":null,"\u00e9":null}}"#);
}

#[test]
fn tricky_sessions_of_spec_3_3() {
    let t = |items: Vec<Value>| Value::Tuple(items);
    // {"t":(1,(2,(3,)),[4,(5,)])}
    let v = dict(&[(
        "t",
        t(vec![
            Value::from(1),
            t(vec![Value::from(2), t(vec![Value::from(3)])]),
            Value::List(vec![Value::from(4), t(vec![Value::from(5)])]),
        ]),
    )]);
    roundtrip(
        &v,
        r#"{"t":{" t":[1,{" t":[2,{" t":[3]}]},[4,{" t":[5]}]]}}"#,
    );
    // tag look-alikes
    let v = dict(&[
        ("x", dict(&[(" t", Value::List(vec![Value::from(1)]))])),
        ("y", dict(&[(" di", Value::from(1))])),
        ("z", dict(&[(" t", Value::from(1)), ("k", Value::from(2))])),
        ("w", dict(&[(" t__", Value::from(1))])),
        ("v", dict(&[(" x", Value::from(1))])),
    ]);
    roundtrip(
        &v,
        r#"{"v":{" x":1},"w":{" t__":1},"x":{" di":{" t__":[1]}},"y":{" di":{" di__":1}},"z":{" t":1,"k":2}}"#,
    );
    // {" t":[1,2]} at the top level
    roundtrip(
        &dict(&[(" t", Value::List(vec![Value::from(1), Value::from(2)]))]),
        r#"{" di":{" t__":[1,2]}}"#,
    );
    // {" t": (1,)} -> {" di":{" t__":{" t":[1]}}}
    roundtrip(
        &dict(&[(" t", t(vec![Value::from(1)]))]),
        r#"{" di":{" t__":{" t":[1]}}}"#,
    );
    // control characters
    roundtrip(
        &dict(&[("s", Value::from("\u{0}\u{1f}\u{7f}\"\\/\n\t"))]),
        r#"{"s":"\u0000\u001f\u007f\"\\/\n\t"}"#,
    );
}

#[test]
fn loading_accepts_nan_infinity_and_last_duplicate_wins() {
    let v = loads(r#"{"a":NaN,"b":Infinity,"c":-Infinity,"a":1}"#);
    let d = v.as_dict().unwrap();
    assert_eq!(d.get("a"), Some(&Value::from(1)));
    assert_eq!(d.get("b"), Some(&Value::Float(f64::INFINITY)));
    assert_eq!(d.get("c"), Some(&Value::Float(f64::NEG_INFINITY)));
    assert_eq!(loads("-0"), Value::from(0));
    assert!(loads("-0.0").same_as(&Value::Float(-0.0)));
}

#[test]
fn loading_whitespace_and_errors_like_python() {
    assert_eq!(
        loads(" \t\n\r{ \"a\" : [ 1 , 2 ] }\n"),
        dict(&[("a", Value::List(vec![1.into(), 2.into()]))])
    );
    for bad in [
        "",
        "01",
        "[1,]",
        "{\"a\":1,}",
        "{'a':1}",
        "[1 2]",
        "\"\u{1}\"",
        "nul",
        "1.",
        ".5",
        "+1",
        "\"\\x\"",
        "[1]x",
        "\u{feff}{}",
    ] {
        assert_eq!(
            load_err(bad),
            ErrorKind::BadPayload(PayloadStage::Json),
            "{bad:?}"
        );
    }
}

#[test]
fn tags_read_leniently_like_flask() {
    // " t" over a string is a tuple of characters.
    assert_eq!(
        loads(r#"{" t":"ab"}"#),
        Value::Tuple(vec!["a".into(), "b".into()])
    );
    // " b" uses Python's non-validating base64: "-" and "_" are skipped.
    assert_eq!(
        loads(r#"{" b":"AAFiaW5hcnn__g=="}"#),
        Value::Bytes(b"\x00\x01binary\xe0".to_vec())
    );
    // " m" over a number
    assert_eq!(loads(r#"{" m":5}"#), Value::Markup("5".into()));
    // " u" accepts hyphens, braces and urn:uuid:
    let u = uuid::Uuid::from_u128(0x12345678_1234_5678_1234_567812345678);
    assert_eq!(
        loads(r#"{" u":"urn:uuid:12345678-1234-5678-1234-567812345678"}"#),
        Value::Uuid(u)
    );
    // " di" drops the suffix without checking it and keeps only the first key
    assert_eq!(loads(r#"{" di":{"a":1}}"#), dict(&[("", Value::from(1))]));
    assert_eq!(
        loads(r#"{" di":{"b__":1,"a__":2}}"#),
        dict(&[("b", Value::from(1))])
    );
    // " d" keeps a numeric offset
    let dt = loads(r#"{" d":"Tue, 02 Jan 2024 03:04:05 +0130"}"#);
    assert_eq!(
        dt,
        Value::DateTime(time::macros::datetime!(2024-01-02 03:04:05 +01:30))
    );
    // Not a tag: two keys, unknown keys.
    assert_eq!(loads(r#"{" t":1,"k":2}"#).as_dict().map(Dict::len), Some(2));
    assert_eq!(loads(r#"{" x":1}"#), dict(&[(" x", Value::from(1))]));
}

#[test]
fn bad_tags_are_payload_errors() {
    for bad in [
        r#"{" t":5}"#,
        r#"{" b":"A"}"#,
        r#"{" b":5}"#,
        r#"{" u":"bad"}"#,
        r#"{" d":"2024-01-02T03:04:05Z"}"#,
        r#"{" di":{}}"#,
        r#"{" di":[1]}"#,
        r#"{" m":[1]}"#,
    ] {
        assert_eq!(
            load_err(bad),
            ErrorKind::BadPayload(PayloadStage::Tag),
            "{bad}"
        );
    }
}

#[test]
fn plain_format_writes_no_tags_and_rejects_python_only_types() {
    let f = JsonFormat::plain();
    let l = Limits::new();
    assert_eq!(f.dumps(&Value::Tuple(vec![1.into()]), &l).unwrap(), "[1]");
    assert_eq!(
        f.dumps(&Value::Markup("<b>".into()), &l).unwrap(),
        "\"<b>\""
    );
    assert_eq!(
        f.loads(r#"{" t":[1]}"#, &l).unwrap(),
        dict(&[(" t", Value::List(vec![1.into()]))])
    );
    for v in [Value::Bytes(vec![1]), Value::Uuid(uuid::Uuid::nil())] {
        assert_eq!(f.dumps(&v, &l).unwrap_err().kind(), &ErrorKind::Unencodable);
    }
}

#[test]
fn depth_is_limited_both_ways() {
    let limits = Limits::new().with_max_depth(4);
    let f = JsonFormat::flask();
    assert!(f.loads("[[[[]]]]", &limits).is_ok());
    assert_eq!(
        f.loads("[[[[[]]]]]", &limits).unwrap_err().kind(),
        &ErrorKind::LimitExceeded(Limit::Depth)
    );
    let mut v = Value::List(vec![]);
    for _ in 0..4 {
        v = Value::List(vec![v]);
    }
    assert_eq!(
        f.dumps(&v, &limits).unwrap_err().kind(),
        &ErrorKind::LimitExceeded(Limit::Depth)
    );
    // Deep input is rejected without overflowing the stack.
    let deep = "[".repeat(100_000);
    assert_eq!(load_err(&deep), ErrorKind::LimitExceeded(Limit::Depth));
}

fn python_json() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/python_json.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn floats_match_python_json_on_thousands_of_values() {
    let data = python_json();
    let floats = data["floats"].as_array().unwrap();
    assert!(floats.len() > 4000);
    for v in floats {
        let bits = u64::from_str_radix(v["bits"].as_str().unwrap(), 16).unwrap();
        let want = v["json"].as_str().unwrap();
        let f = f64::from_bits(bits);
        assert_eq!(dumps(&Value::Float(f)), want, "float bits {bits:016x}");
        let back = loads(want).as_f64().unwrap();
        assert_eq!(back.to_bits(), bits, "{want} reads back as another float");
    }
}

#[test]
fn strings_match_python_json_both_ensure_ascii_modes() {
    let data = python_json();
    let plain = JsonFormat::flask().with_ensure_ascii(false);
    for v in data["strings"].as_array().unwrap() {
        let text = String::from_utf8(unhex(v["utf8_hex"].as_str().unwrap())).unwrap();
        let ascii = v["ascii"].as_str().unwrap();
        let unicode = v["unicode"].as_str().unwrap();
        assert_eq!(dumps(&Value::from(text.as_str())), ascii, "{text:?}");
        assert_eq!(
            plain
                .dumps(&Value::from(text.as_str()), &Limits::new())
                .unwrap(),
            unicode,
            "{text:?}"
        );
        assert_eq!(loads(ascii), Value::from(text.as_str()));
        assert_eq!(loads(unicode), Value::from(text.as_str()));
    }
}

#[test]
fn integers_match_python_json() {
    for v in python_json()["ints"].as_array().unwrap() {
        let text = v.as_str().unwrap();
        assert_eq!(dumps(&loads(text)), text);
    }
}

#[test]
fn writer_recursion_overflowed_stack_at_1000_levels() {
    // Regression: the first writer recursed per level and overflowed a 2 MiB test
    // thread in debug builds at ~1000 levels. Reader and writer are iterative now.
    for depth in [1_000usize, 4_096] {
        let limits = Limits::new().with_max_depth(depth + 1);
        let text = format!(
            "{}{}",
            "{\" t\":[".repeat(depth / 2),
            "]}".repeat(depth / 2)
        );
        let value = JsonFormat::flask().loads(&text, &limits).unwrap();
        assert_eq!(JsonFormat::flask().dumps(&value, &limits).unwrap(), text);
        let lists = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let value = JsonFormat::flask().loads(&lists, &limits).unwrap();
        assert_eq!(JsonFormat::flask().dumps(&value, &limits).unwrap(), lists);
    }
    // Far deeper input is refused by the limit, never by a crash.
    let limits = Limits::new()
        .with_max_depth(usize::MAX)
        .with_max_items(usize::MAX);
    let err = JsonFormat::flask()
        .loads(&"[".repeat(1_000_000), &limits)
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::BadPayload(PayloadStage::Json));
}
