//! Shared helpers for the integration tests: fixture files and the live Flask.
#![allow(dead_code)]

pub mod browser;
#[cfg(feature = "cli")]
pub mod cli;
pub mod live;
#[cfg(feature = "redis")]
pub mod redis;
#[cfg(any(feature = "axum", feature = "actix"))]
pub mod rust_server;

use serde_json::Value as Json;

/// Reads `fixtures/<name>` as JSON.
pub fn fixture(name: &str) -> Json {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The string field `k` of `v`.
pub fn s<'a>(v: &'a Json, k: &str) -> &'a str {
    v[k].as_str()
        .unwrap_or_else(|| panic!("missing string {k} in {v}"))
}

/// The integer field `k` of `v`.
pub fn i(v: &Json, k: &str) -> i64 {
    v[k].as_i64()
        .unwrap_or_else(|| panic!("missing integer {k} in {v}"))
}

/// Checks that a cookie we wrote is Flask's, byte for byte, for the same session,
/// key and time (compressed or not, in every build).
pub fn check_reencoded(ours: &str, flask: &str, context: &str) {
    assert_eq!(ours, flask, "{context}: our cookie differs from Flask's");
}

/// xorshift64*: a tiny deterministic generator, so that a failing seed replays.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// An index in `0..n`.
    pub fn index(&mut self, n: usize) -> usize {
        usize::try_from(self.below(n as u64)).unwrap_or(0)
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Bytes from hex text.
pub fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}
