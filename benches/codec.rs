//! Decode and encode of four session shapes (login, flashes, cart, large) through the
//! dynamic `Session` API and through typed serde structs, beside the floor: what the
//! primitives alone cost on the same bytes (HMAC-SHA1 verify with a prepared key,
//! base64url decode, inflate, `serde_json::from_slice::<Value>`).
//!
//! `scripts/bench` runs this after the Flask baseline, which writes the cookies (signed
//! now, by Flask) to `target/bench/cookies.json`; without that file the cookies are
//! made here. Results land in `target/criterion/`.
#![allow(missing_docs)]

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use flask_session_cookie::__internals::{inflate_fixed, zlib_compress};
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{Limits, Session, SessionCodec, Value};
use hmac::{Hmac, KeyInit, Mac};

const KEY: &str = "bench-secret-key";
const SHAPES: [&str; 4] = ["login", "flashes", "cart", "large"];

#[path = "support/types.rs"]
mod types;
use types::{Cart, Flashes, Large, Login};

struct Shape {
    name: &'static str,
    cookie: String,
    session: Session,
}

fn shapes(codec: &SessionCodec) -> Vec<Shape> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/shapes.json");
    let tagged: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir).unwrap()).unwrap();
    let flask_cookies: Option<serde_json::Value> = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/target/bench/cookies.json"
    ))
    .ok()
    .and_then(|t| serde_json::from_str(&t).ok());
    SHAPES
        .iter()
        .map(|&name| {
            let value = JsonFormat::flask()
                .loads(tagged[name].as_str().unwrap(), &Limits::new())
                .unwrap();
            let Value::Dict(dict) = value else {
                panic!("{name}")
            };
            let session = Session::from(dict);
            let cookie = match &flask_cookies {
                Some(c) => c[name].as_str().unwrap().to_owned(),
                None => codec.encode(&session).unwrap(),
            };
            assert_eq!(codec.decode(&cookie).unwrap(), session, "{name}");
            Shape {
                name,
                cookie,
                session,
            }
        })
        .collect()
}

fn decode_typed(codec: &SessionCodec, name: &str, cookie: &str) {
    match name {
        "login" => drop(black_box(codec.decode_as::<Login>(cookie).unwrap())),
        "flashes" => drop(black_box(codec.decode_as::<Flashes>(cookie).unwrap())),
        "cart" => drop(black_box(codec.decode_as::<Cart>(cookie).unwrap())),
        _ => drop(black_box(codec.decode_as::<Large>(cookie).unwrap())),
    }
}

fn bench(c: &mut Criterion) {
    let codec = SessionCodec::new(KEY).unwrap();
    let shapes = shapes(&codec);

    let mut g = c.benchmark_group("decode");
    for s in &shapes {
        g.bench_function(format!("dynamic/{}", s.name), |b| {
            b.iter(|| codec.decode(black_box(&s.cookie)).unwrap())
        });
        g.bench_function(format!("typed/{}", s.name), |b| {
            b.iter(|| decode_typed(&codec, s.name, black_box(&s.cookie)))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("encode");
    for s in &shapes {
        g.bench_function(format!("dynamic/{}", s.name), |b| {
            b.iter(|| codec.encode(black_box(&s.session)).unwrap())
        });
        let typed = |name: &str| -> Box<dyn Fn() -> String> {
            let cookie = s.cookie.clone();
            let c2 = codec.clone();
            match name {
                "login" => {
                    let v: Login = c2.decode_as(&cookie).unwrap();
                    Box::new(move || c2.encode_as(&v).unwrap())
                }
                "flashes" => {
                    let v: Flashes = c2.decode_as(&cookie).unwrap();
                    Box::new(move || c2.encode_as(&v).unwrap())
                }
                "cart" => {
                    let v: Cart = c2.decode_as(&cookie).unwrap();
                    Box::new(move || c2.encode_as(&v).unwrap())
                }
                _ => {
                    let v: Large = c2.decode_as(&cookie).unwrap();
                    Box::new(move || c2.encode_as(&v).unwrap())
                }
            }
        };
        let f = typed(s.name);
        g.bench_function(format!("typed/{}", s.name), |b| b.iter(|| black_box(f())));
    }
    g.finish();

    // The floor: each primitive alone, on the same bytes.
    let derived = {
        let mut m = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(KEY.as_bytes()).unwrap();
        m.update(b"cookie-session");
        m.finalize().into_bytes()
    };
    let prepared = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(&derived).unwrap();
    let mut g = c.benchmark_group("floor");
    for s in &shapes {
        let (signed, sig) = s.cookie.rsplit_once('.').unwrap();
        let sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
        let payload = signed.rsplit_once('.').unwrap().0;
        let (compressed, b64) = match payload.strip_prefix('.') {
            Some(p) => (true, p),
            None => (false, payload),
        };
        let raw = URL_SAFE_NO_PAD.decode(b64).unwrap();
        let json = if compressed {
            let mut d = flate2::Decompress::new(true);
            let mut out = Vec::with_capacity(raw.len() * 8);
            d.decompress_vec(&raw, &mut out, flate2::FlushDecompress::Finish)
                .unwrap();
            out
        } else {
            raw.clone()
        };
        g.bench_function(format!("hmac/{}", s.name), |b| {
            b.iter(|| {
                let mut m = prepared.clone();
                m.update(black_box(signed.as_bytes()));
                m.verify_slice(black_box(&sig)).unwrap();
            })
        });
        g.bench_function(format!("base64/{}", s.name), |b| {
            b.iter(|| URL_SAFE_NO_PAD.decode(black_box(b64)).unwrap())
        });
        let json_len = json.len();
        g.bench_function(format!("inflate/{}", s.name), |b| {
            b.iter(|| {
                if compressed {
                    let mut d = flate2::Decompress::new(true);
                    let mut out = Vec::with_capacity(json_len);
                    d.decompress_vec(black_box(&raw), &mut out, flate2::FlushDecompress::Finish)
                        .unwrap();
                    out
                } else {
                    Vec::new()
                }
            })
        });
        g.bench_function(format!("json/{}", s.name), |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&json)).unwrap())
        });
    }
    g.finish();

    // Each shape's JSON and its zlib stream as CPython writes it (our deflate's).
    let zlib_inputs: Vec<(&str, String, Vec<u8>)> = shapes
        .iter()
        .map(|s| {
            let json = JsonFormat::flask()
                .dumps(&Value::Dict(s.session.as_dict().clone()), &Limits::new())
                .unwrap();
            let mut z = Vec::new();
            zlib_compress(json.as_bytes(), &mut z).unwrap();
            (s.name, json, z)
        })
        .collect();

    // What a general zlib (zlib-rs through flate2) costs at best: a state built once
    // and reset per call, on the same bytes. Resetting deflate clears its 64 KiB hash
    // table, as Flask's zlib.compress does for every cookie.
    let mut g = c.benchmark_group("zlib-reused");
    for (name, json, z) in &zlib_inputs {
        let mut deflater = flate2::Compress::new(flate2::Compression::new(6), true);
        g.bench_function(format!("deflate/{name}"), |b| {
            let mut out = Vec::with_capacity(json.len() + 64);
            b.iter(|| {
                deflater.reset();
                out.clear();
                deflater
                    .compress_vec(
                        black_box(json.as_bytes()),
                        &mut out,
                        flate2::FlushCompress::Finish,
                    )
                    .unwrap();
            })
        });
        let mut inflater = flate2::Decompress::new(true);
        g.bench_function(format!("inflate/{name}"), |b| {
            let mut out = Vec::with_capacity(json.len() + 64);
            b.iter(|| inflate_zlib_rs(&mut inflater, black_box(z), &mut out))
        });
    }
    g.finish();

    // Our own zlib: the crate's deflate (CPython's exact bytes), and inflate as the
    // crate does it (the fixed-code fast path where it applies, else zlib-rs reset).
    let mut g = c.benchmark_group("zlib-ours");
    for (name, json, z) in &zlib_inputs {
        g.bench_function(format!("deflate/{name}"), |b| {
            let mut out = Vec::with_capacity(json.len() + 64);
            b.iter(|| {
                out.clear();
                zlib_compress(black_box(json.as_bytes()), &mut out).unwrap();
            })
        });
        let mut inflater = flate2::Decompress::new(true);
        g.bench_function(format!("inflate/{name}"), |b| {
            let mut out = Vec::with_capacity(json.len() + 64);
            b.iter(|| {
                if inflate_fixed(black_box(z), 1 << 20, &mut out).is_none() {
                    inflate_zlib_rs(&mut inflater, z, &mut out);
                }
            })
        });
    }
    g.finish();

    // The itsdangerous crate, on what it supports: an uncompressed plain-JSON cookie.
    let plain: Session = [("name", "alice"), ("role", "admin")].into_iter().collect();
    let plain_cookie = codec.encode(&plain).unwrap();
    assert!(!plain_cookie.starts_with('.'));
    let theirs = {
        use itsdangerous::{IntoTimestampSigner, SignerBuilder};
        let signer = SignerBuilder::<
            sha1_08::Sha1,
            itsdangerous::algorithm::HMACAlgorithm<sha1_08::Sha1>,
            itsdangerous::key_derivation::Hmac,
        >::new(KEY)
        .with_salt("cookie-session")
        .build()
        .into_timestamp_signer();
        itsdangerous::timed_serializer_with_signer(signer, itsdangerous::URLSafeEncoding)
    };
    {
        use itsdangerous::TimedSerializer;
        let v = theirs.unsign::<serde_json::Value>(&plain_cookie).unwrap();
        assert_eq!(v.value()["name"], "alice");
    }
    let mut g = c.benchmark_group("plain");
    g.bench_function("ours", |b| {
        b.iter(|| codec.decode(black_box(&plain_cookie)).unwrap())
    });
    g.bench_function("itsdangerous-crate", |b| {
        use itsdangerous::TimedSerializer;
        b.iter(|| {
            theirs
                .unsign::<serde_json::Value>(black_box(&plain_cookie))
                .unwrap()
                .value()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

/// Inflates with a reset zlib-rs stream (what the crate does for all but fixed-code
/// streams).
fn inflate_zlib_rs(inflater: &mut flate2::Decompress, z: &[u8], out: &mut Vec<u8>) {
    inflater.reset(true);
    out.clear();
    inflater
        .decompress_vec(z, out, flate2::FlushDecompress::Finish)
        .unwrap();
}
