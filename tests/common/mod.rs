//! Shared helpers for the integration tests: loading fixture files.
#![allow(dead_code)]

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

/// Whether compressed cookies are byte-identical in this build.
pub const EXACT_ZLIB: bool = cfg!(feature = "c-zlib");
