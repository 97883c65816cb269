//! A quick, deterministic mutation pass over real cookies: whatever comes in, decoding
//! returns a value or a typed error — never a panic — and nothing mutated verifies.
//! (The fuzz targets go much further; this runs on every test run.)

use crate::common::{Rng, fixture, i, s};
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{Limits, SessionCodec, dangerous};

const ALPHABET: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/!\x00\xff ";

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..=rng.index(4) {
        match rng.index(5) {
            0 if !v.is_empty() => {
                let at = rng.index(v.len());
                v[at] = ALPHABET[rng.index(ALPHABET.len())];
            }
            1 if !v.is_empty() => {
                let at = rng.index(v.len());
                v.remove(at);
            }
            2 => {
                let at = rng.index(v.len() + 1);
                v.insert(at, ALPHABET[rng.index(ALPHABET.len())]);
            }
            3 if !v.is_empty() => {
                let at = rng.index(v.len());
                v.truncate(at);
            }
            _ => {
                let at = rng.index(v.len() + 1);
                let from = rng.index(v.len() + 1);
                let chunk: Vec<u8> = v[from..].iter().take(8).copied().collect();
                v.splice(at..at, chunk);
            }
        }
    }
    v
}

#[test]
fn mutated_cookies_never_panic_and_never_verify() {
    let data = fixture("flask_sessions.json");
    let ts = i(&data, "timestamp");
    let codec = SessionCodec::new(s(&data, "secret_key"))
        .unwrap()
        .with_max_age(None);
    let cookies: Vec<&str> = data["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| s(v, "cookie"))
        .collect();
    let mut rng = Rng(0x5EED_F1A5_C0C0_0001);
    let limits = Limits::new();
    let mut verified_mutants = 0;
    for round in 0..20_000 {
        let original = cookies[round % cookies.len()];
        let bytes = mutate(&mut rng, original.as_bytes());
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(session) = codec.decode_at(&text, ts) {
            // Only a mutation that left the signed bytes equal may verify.
            let original_session = codec.decode_at(original, ts).unwrap();
            if text != original {
                assert_eq!(
                    session, original_session,
                    "mutant {text:?} verified with other data"
                );
                verified_mutants += 1;
            }
        }
        let _ = dangerous::decode_session_unverified(&text, &limits);
        let _ = JsonFormat::flask().loads(&text, &limits);
    }
    // e.g. a truncation of nothing, or a removed-and-reinserted same byte
    eprintln!("mutants that still verified (identical signed bytes): {verified_mutants}");
}

#[test]
fn random_json_like_text_never_panics() {
    let mut rng = Rng(42);
    let pieces: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "\\",
        "\\u",
        "d83d",
        "\\ud800",
        "\\udc00",
        " t",
        " b",
        " m",
        " u",
        " d",
        " di",
        "__",
        "1",
        "-",
        "0",
        ".",
        "e",
        "E",
        "+",
        "NaN",
        "Infinity",
        "-Infinity",
        "null",
        "true",
        "false",
        "é",
        "\u{1}",
        " ",
        "AAAA",
        "==",
        "Tue, 02 Jan 2024 03:04:05 GMT",
        "12345678123456781234567812345678",
    ];
    let limits = Limits::new();
    for _ in 0..50_000 {
        let n = rng.index(24);
        let text: String = (0..n).map(|_| pieces[rng.index(pieces.len())]).collect();
        if let Ok(v) = JsonFormat::flask().loads(&text, &limits) {
            // What parses dumps, and the dump parses to the same value.
            if let Ok(dumped) = JsonFormat::flask().dumps(&v, &limits) {
                let again = JsonFormat::flask().loads(&dumped, &limits).unwrap();
                assert!(again.same_as(&v), "{text:?} -> {dumped:?}");
            }
        }
    }
}
