//! Differential testing against a live Flask 3.1.3: thousands of random sessions
//! (every tag, nesting, unicode, floats, big integers, random keys, timestamps and
//! fallbacks), in batches, checked both ways:
//! - Rust writes -> Flask's `open_session` sees exactly what Rust decodes;
//! - Flask's `save_session` writes -> Rust decodes the same and re-encodes the same
//!   bytes, compressed or not.
//!
//! The seed is printed; replay a failure with `FSC_SEED=<seed> cargo test --test differential`.
//! `FSC_DIFF_SESSIONS` sets the count (default 2400).

use crate::common::Rng;
use crate::common::live::{self, hex};
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{Dict, Int, Limits, SecretKeys, Session, SessionCodec, Value};
use serde_json::{Value as Json, json};

const TAG_KEYS: [&str; 9] = [
    " t",
    " di",
    " b",
    " m",
    " u",
    " d",
    " t__",
    " x",
    "_permanent",
];

fn random_char(rng: &mut Rng) -> char {
    loop {
        let c = match rng.below(10) {
            0..=3 => rng.below(0x80) as u32,
            4 => rng.below(0x20) as u32,
            5 => [0x2028, 0x2029, 0xfeff, 0x7f, 0x85, 0xa0][rng.below(6) as usize],
            6 => 0x80 + rng.below(0x780) as u32,
            7 => 0x800 + rng.below(0xf800) as u32,
            _ => 0x10000 + rng.below(0x100000) as u32,
        };
        if let Some(c) = char::from_u32(c) {
            return c;
        }
    }
}

fn random_string(rng: &mut Rng, max: u64) -> String {
    let n = rng.below(max + 1);
    (0..n).map(|_| random_char(rng)).collect()
}

fn random_key(rng: &mut Rng) -> String {
    if rng.chance(15) {
        TAG_KEYS[rng.below(TAG_KEYS.len() as u64) as usize].to_owned()
    } else {
        random_string(rng, 8)
    }
}

fn random_float(rng: &mut Rng) -> f64 {
    match rng.below(6) {
        0 => f64::from_bits(rng.next()),
        1 => [
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1e16,
            1e-5,
            5e-324,
        ][rng.below(8) as usize],
        2 => (rng.below(2_000_000) as f64 - 1e6) / 1000.0,
        _ => {
            let f = f64::from_bits(rng.next());
            if f.is_nan() { 0.5 } else { f }
        }
    }
}

fn random_int(rng: &mut Rng) -> Int {
    match rng.below(4) {
        0 => Int::from(rng.below(100) as i64 - 50),
        1 => Int::from(rng.next() as i64),
        _ => {
            let digits = 1 + rng.below(60);
            let mut s = String::new();
            if rng.chance(50) {
                s.push('-');
            }
            s.push(char::from(b'1' + rng.below(9) as u8));
            for _ in 1..digits {
                s.push(char::from(b'0' + rng.below(10) as u8));
            }
            s.parse().unwrap()
        }
    }
}

fn random_datetime(rng: &mut Rng) -> time::OffsetDateTime {
    // Whole seconds, any offset; years 1..=9999 once in UTC (Flask converts to UTC).
    let year = if rng.chance(10) {
        1 + rng.below(150) as i32
    } else {
        1000 + rng.below(8999) as i32
    };
    let date = time::Date::from_calendar_date(
        year,
        time::Month::try_from(1 + rng.below(12) as u8).unwrap(),
        1 + rng.below(28) as u8,
    )
    .unwrap();
    let t = time::Time::from_hms(
        rng.below(24) as u8,
        rng.below(60) as u8,
        rng.below(60) as u8,
    )
    .unwrap();
    let offset = if rng.chance(50) {
        0
    } else {
        rng.below(14 * 3600) as i32 - 7 * 3600
    };
    time::PrimitiveDateTime::new(date, t)
        .assume_offset(time::UtcOffset::from_whole_seconds(offset).unwrap())
}

fn random_value(rng: &mut Rng, depth: u32) -> Value {
    let leaf = depth >= 4 || rng.chance(55);
    if leaf {
        return match rng.below(11) {
            0 => Value::None,
            1 => Value::Bool(rng.chance(50)),
            2 => Value::Int(random_int(rng)),
            3 => Value::Float(random_float(rng)),
            4 | 5 => Value::Str(random_string(rng, 12)),
            6 => Value::Bytes((0..rng.below(20)).map(|_| rng.next() as u8).collect()),
            7 => Value::Markup(random_string(rng, 10)),
            8 => Value::Uuid(uuid::Uuid::from_u128(
                u128::from(rng.next()) << 64 | u128::from(rng.next()),
            )),
            9 => Value::DateTime(random_datetime(rng)),
            _ => Value::Str("A".repeat(rng.below(40) as usize)),
        };
    }
    let n = rng.below(5);
    match rng.below(3) {
        0 => Value::List((0..n).map(|_| random_value(rng, depth + 1)).collect()),
        1 => Value::Tuple((0..n).map(|_| random_value(rng, depth + 1)).collect()),
        _ => Value::Dict(random_dict(rng, depth + 1, n)),
    }
}

fn random_dict(rng: &mut Rng, depth: u32, n: u64) -> Dict {
    (0..n)
        .map(|_| (random_key(rng), random_value(rng, depth)))
        .collect()
}

fn random_secret(rng: &mut Rng) -> Vec<u8> {
    let n = 1 + rng.below(48);
    if rng.chance(50) {
        (0..n).map(|_| b'a' + rng.below(26) as u8).collect()
    } else {
        (0..n).map(|_| rng.next() as u8).collect()
    }
}

struct Case {
    session: Session,
    key: Vec<u8>,
    fallbacks: Vec<Vec<u8>>,
    /// Which key Rust signs the Rust-written cookie with: None = current, Some(i) = fallback i.
    signer: Option<usize>,
    timestamp: i64,
    now: i64,
}

fn random_case(rng: &mut Rng) -> Case {
    let n = 1 + rng.below(6);
    let mut dict = random_dict(rng, 0, n);
    if rng.chance(20) {
        dict.insert("_permanent", Value::Bool(rng.chance(80)));
    }
    if rng.chance(10) {
        dict.insert(
            "_flashes",
            Value::List(vec![Value::Tuple(vec![
                "message".into(),
                random_string(rng, 20).into(),
            ])]),
        );
    }
    let fallbacks: Vec<Vec<u8>> = (0..rng.below(4)).map(|_| random_secret(rng)).collect();
    let signer = if !fallbacks.is_empty() && rng.chance(40) {
        Some(rng.below(fallbacks.len() as u64) as usize)
    } else {
        None
    };
    let timestamp = 1_000_000_000 + rng.below(1_500_000_000) as i64;
    let now = timestamp + rng.below(flask_session_cookie::SessionCodec::DEFAULT_MAX_AGE + 1) as i64;
    Case {
        session: Session::from(dict),
        key: random_secret(rng),
        fallbacks,
        signer,
        timestamp,
        now,
    }
}

fn tagged(v: &Value) -> String {
    JsonFormat::flask().dumps(v, &Limits::new()).unwrap()
}

fn seed() -> u64 {
    match std::env::var("FSC_SEED") {
        Ok(s) => s.parse().expect("FSC_SEED must be an integer"),
        Err(_) => {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        }
    }
}

#[test]
fn random_sessions_agree_with_live_flask_both_ways() {
    let Some(flask) = live::start() else { return };
    let seed = seed();
    let count: usize = std::env::var("FSC_DIFF_SESSIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2400);
    eprintln!("differential: seed {seed}, {count} sessions (replay: FSC_SEED={seed})");
    let fail = |msg: String| -> ! {
        panic!("{msg}\nreplay with FSC_SEED={seed} cargo test --test differential")
    };
    let mut rng = Rng(seed);
    let cases: Vec<Case> = (0..count).map(|_| random_case(&mut rng)).collect();
    let (mut checked, mut compressed) = (0, 0);
    for (batch_no, batch) in cases.chunks(300).enumerate() {
        // Rust writes.
        let mut load_items = Vec::new();
        let mut ours = Vec::new();
        for c in batch {
            let mut keys = SecretKeys::new(c.key.clone());
            for f in &c.fallbacks {
                keys = keys.with_fallback(f.clone());
            }
            let codec = SessionCodec::new(keys).unwrap();
            let writer = match c.signer {
                None => codec.clone(),
                Some(i) => SessionCodec::new(c.fallbacks[i].clone()).unwrap(),
            };
            let cookie = writer.encode_at(&c.session, c.timestamp).unwrap();
            let decoded = codec
                .open_at(&cookie, c.now)
                .unwrap_or_else(|e| fail(format!("our own cookie does not open: {e}")));
            load_items.push(json!({
                "cookie": cookie,
                "key_hex": hex(&c.key),
                "fallbacks_hex": c.fallbacks.iter().map(|f| hex(f)).collect::<Vec<_>>(),
                "now": c.now,
            }));
            ours.push((codec, cookie, decoded.value));
        }
        let seen = flask.post_json("/batch/load", &json!({ "items": load_items }));
        for (j, (c, (_, cookie, decoded))) in batch.iter().zip(&ours).enumerate() {
            let r = &seen["results"][j];
            let want = tagged(&Value::Dict(decoded.as_dict().clone()));
            if r["status"] != "ok" || r["tagged"] != want.as_str() {
                fail(format!(
                    "batch {batch_no} item {j}: Flask reads our cookie {cookie} as {r}, we read {want}\nsession: {}",
                    tagged(&Value::Dict(c.session.as_dict().clone()))
                ));
            }
        }

        // Flask writes.
        let save_items: Vec<Json> = batch
            .iter()
            .map(|c| {
                json!({
                    "tagged": tagged(&Value::Dict(c.session.as_dict().clone())),
                    "key_hex": hex(&c.key),
                    "fallbacks_hex": c.fallbacks.iter().map(|f| hex(f)).collect::<Vec<_>>(),
                    "timestamp": c.timestamp,
                })
            })
            .collect();
        let written = flask.post_json("/batch/save", &json!({ "items": save_items }));
        for (j, (c, (codec, our_cookie, decoded))) in batch.iter().zip(&ours).enumerate() {
            let Some(theirs) = written["results"][j]["cookie"].as_str() else {
                fail(format!(
                    "batch {batch_no} item {j}: Flask wrote no cookie: {}",
                    written["results"][j]
                ));
            };
            let opened = codec.open_at(theirs, c.now).unwrap_or_else(|e| {
                fail(format!(
                    "batch {batch_no} item {j}: Flask's cookie {theirs} does not open: {e}"
                ))
            });
            if !Value::Dict(opened.value.as_dict().clone())
                .same_as(&Value::Dict(decoded.as_dict().clone()))
            {
                fail(format!(
                    "batch {batch_no} item {j}: Flask's cookie {theirs} decodes differently from ours {our_cookie}"
                ));
            }
            let reencoded = codec.encode_at(&opened.value, c.timestamp).unwrap();
            if theirs.starts_with('.') {
                compressed += 1;
            }
            if reencoded != theirs {
                fail(format!(
                    "batch {batch_no} item {j}: Flask wrote {theirs}, we write {reencoded}"
                ));
            }
            checked += 1;
        }
    }
    eprintln!(
        "differential: {checked} sessions agree both ways and re-encode to Flask's exact cookie; {compressed} compressed by Flask"
    );
    assert_eq!(checked, count);
}
