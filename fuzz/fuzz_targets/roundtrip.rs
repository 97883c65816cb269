//! Arbitrary session values: encode -> decode is the identity, up to the documented
//! normalizations (datetimes to UTC whole seconds, two-digit years as Python reads them).
#![no_main]

use arbitrary::{Arbitrary, Result, Unstructured};
use flask_session_cookie::{Dict, ErrorKind, Int, Limits, Session, SessionCodec, Value};
use libfuzzer_sys::fuzz_target;
use time::{OffsetDateTime, UtcOffset};

fn value(u: &mut Unstructured, depth: u32) -> Result<Value> {
    let choice = if depth > 6 {
        u.int_in_range(0..=10)?
    } else {
        u.int_in_range(0..=13)?
    };
    Ok(match choice {
        0 => Value::None,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::Int(Int::from(i64::arbitrary(u)?)),
        3 => {
            let digits: Vec<u8> = u.arbitrary()?;
            let mut s: String = digits
                .iter()
                .take(80)
                .map(|d| char::from(b'0' + d % 10))
                .collect();
            if s.is_empty() {
                s.push('7');
            }
            if bool::arbitrary(u)? {
                s.insert(0, '-');
            }
            Value::Int(s.parse().unwrap())
        }
        4 => Value::Float(f64::from_bits(u.arbitrary()?)),
        5 | 6 => Value::Str(u.arbitrary()?),
        7 => Value::Bytes(u.arbitrary()?),
        8 => Value::Markup(u.arbitrary()?),
        9 => Value::Uuid(uuid::Uuid::from_u128(u.arbitrary()?)),
        10 => {
            let secs = u.int_in_range(-62_135_596_800i64..=253_402_300_799)?;
            let offset = u.int_in_range(-86_399i32..=86_399)?;
            let nanos = u.int_in_range(0u32..=999_999_999)?;
            let dt = OffsetDateTime::from_unix_timestamp(secs)
                .unwrap()
                .replace_nanosecond(nanos)
                .unwrap();
            Value::DateTime(dt.to_offset(UtcOffset::from_whole_seconds(offset).unwrap()))
        }
        11 => Value::List(items(u, depth)?),
        12 => Value::Tuple(items(u, depth)?),
        _ => Value::Dict(dict(u, depth)?),
    })
}

fn items(u: &mut Unstructured, depth: u32) -> Result<Vec<Value>> {
    let n = u.int_in_range(0..=4)?;
    (0..n).map(|_| value(u, depth + 1)).collect()
}

fn dict(u: &mut Unstructured, depth: u32) -> Result<Dict> {
    let n = u.int_in_range(0..=4)?;
    let mut d = Dict::new();
    for _ in 0..n {
        let key: String = if u.ratio(1, 4)? {
            [" t", " di", " b", " m", " u", " d", "_permanent"][u.int_in_range(0..=6)?].to_owned()
        } else {
            u.arbitrary()?
        };
        d.insert(key, value(u, depth + 1)?);
    }
    Ok(d)
}

/// What a value becomes after a trip through Flask's format.
fn normalize(v: &Value) -> Value {
    match v {
        Value::DateTime(dt) => {
            let utc = dt.to_offset(UtcOffset::UTC).replace_nanosecond(0).unwrap();
            // email.utils reads years 0-68 as 20xx and 69-99 as 19xx.
            let y = utc.year();
            let y = if y < 100 {
                y + if y > 68 { 1900 } else { 2000 }
            } else {
                y
            };
            Value::DateTime(utc.replace_year(y).unwrap())
        }
        Value::List(items) => Value::List(items.iter().map(normalize).collect()),
        Value::Tuple(items) => Value::Tuple(items.iter().map(normalize).collect()),
        Value::Dict(d) => Value::Dict(d.iter().map(|(k, v)| (k, normalize(v))).collect()),
        other => other.clone(),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(d) = dict(&mut u, 0) else { return };
    let Ok(ts) = u.int_in_range(0i64..=4_000_000_000) else {
        return;
    };
    let big = Limits::new()
        .with_max_cookie_len(usize::MAX)
        .with_max_inflated_len(usize::MAX);
    let codec = SessionCodec::new("fuzz-key")
        .unwrap()
        .with_max_age(None)
        .with_limits(big);
    let session = Session::from(d);
    let cookie = match codec.encode_at(&session, ts) {
        Ok(c) => c,
        Err(e) if e.kind() == &ErrorKind::Unencodable => return,
        Err(e) => panic!("cannot encode: {e}"),
    };
    let opened = codec
        .open_at(&cookie, ts)
        .unwrap_or_else(|e| panic!("{cookie:?} does not open: {e}"));
    assert_eq!(opened.timestamp, Some(ts));
    let want = normalize(&Value::Dict(session.into_dict()));
    let got = Value::Dict(opened.value.into_dict());
    assert!(
        got.same_as(&want),
        "round trip changed the session:\n want {want:?}\n got  {got:?}"
    );
});
