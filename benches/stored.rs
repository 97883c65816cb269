//! The server-side value codec per operation (criterion): Flask-Session 0.8's
//! msgpack and JSON, both ways, and a Flask-Session 0.6 pickle read, for a login
//! session and a larger one; benches/server_side_bench.py times msgspec and pickle on
//! the same values.

#![allow(missing_docs)] // criterion's macros

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use flask_session_cookie::flask_session::{Package, StoredFormat, decode_stored, encode_stored};
use flask_session_cookie::{Limits, Session, Value};

/// The sessions, as the Python side builds them too (insertion order).
fn sessions() -> Vec<(&'static str, Session)> {
    let mut login = Session::new();
    login.set_permanent(true);
    login.insert("_user_id", "1");
    login.insert("_fresh", true);
    login.insert("_id", "36646aa58fb1704b0c91f63d25a2ea3f".repeat(4));
    login.insert("csrf_token", "fb733f25b22cb3bb70cf1dfdc4c1d73a3d40db00");
    let mut cart = login.clone();
    let items: Vec<Value> = (0..20)
        .map(|i| {
            Value::Tuple(vec![
                Value::from(i),
                Value::from(format!("item-{i}")),
                Value::from(1.5),
            ])
        })
        .collect();
    cart.insert("cart", Value::List(items));
    cart.flash_with_category("info", "Added to your cart.");
    vec![("login", login), ("cart", cart)]
}

fn bench(c: &mut Criterion) {
    let limits = Limits::server_side();
    let mut g = c.benchmark_group("stored");
    for (name, session) in sessions() {
        for (format, label) in [
            (StoredFormat::Msgpack, "msgpack"),
            (StoredFormat::Json, "json"),
        ] {
            let bytes = encode_stored(Package::FlaskSession, format, &session).unwrap();
            g.bench_function(format!("encode-{label}/{name}"), |b| {
                b.iter(|| encode_stored(Package::FlaskSession, format, black_box(&session)))
            });
            g.bench_function(format!("decode-{label}/{name}"), |b| {
                b.iter(|| decode_stored(Package::FlaskSession, black_box(&bytes), &limits))
            });
        }
    }
    // The login session as Flask-Session 0.6.0 stored it: pickle.dumps(dict(session))
    // with protocol 4 (made by CPython 3.11; benches/server_side_bench.py times
    // pickle.loads on the same bytes).
    let pickle = unhex(LOGIN_PICKLE);
    g.bench_function("decode-pickle/login", |b| {
        b.iter(|| decode_stored(Package::FlaskSession, black_box(&pickle), &limits))
    });
    g.finish();
}

const LOGIN_PICKLE: &str = "800495ed000000000000007d94288c0a5f7065726d616e656e7494888c085f757365725f6964948c0131948c065f667265736894888c035f6964948c803336363436616135386662313730346230633931663633643235613265613366333636343661613538666231373034623063393166363364323561326561336633363634366161353866623137303462306339316636336432356132656133663336363436616135386662313730346230633931663633643235613265613366948c0a637372665f746f6b656e948c286662373333663235623232636233626237306366316466646334633164373361336434306462303094752e";

fn unhex(hex: &str) -> Vec<u8> {
    hex.as_bytes()
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

criterion_group!(benches, bench);
criterion_main!(benches);
