//! Measuring what decoding one cookie costs: heap peak, allocations, time. Shared by
//! the budget test (`tests/budget.rs`) and `examples/worst_case.rs`; the binary that
//! includes it installs [`ALLOC`] as its global allocator.

#![allow(dead_code)] // Shared: each includer uses a part.

use std::time::{Duration, Instant};

use flask_session_cookie::{Limits, SecretKeys, SessionCodec, Value, dangerous};
use peakmem_alloc::{PeakMemAlloc, PeakMemAllocTrait};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

/// The system allocator, counting allocations (stats_alloc) and the peak of live
/// bytes (peakmem-alloc) for all threads.
pub type Counting = PeakMemAlloc<&'static StatsAlloc<std::alloc::System>>;

/// Install with `#[global_allocator] static ALLOC: &Counting = &budget::ALLOC;`.
pub static ALLOC: Counting = PeakMemAlloc::new(&INSTRUMENTED_SYSTEM);

/// What one run cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cost {
    /// The most heap live at once, beyond what was live before, in bytes.
    pub peak_bytes: usize,
    /// Allocations made (reallocations not counted).
    pub allocations: usize,
    pub time: Duration,
}

/// Runs `f` once and measures it.
pub fn measure<R>(f: impl FnOnce() -> R) -> (R, Cost) {
    ALLOC.reset_peak_memory();
    let region = Region::new(&INSTRUMENTED_SYSTEM);
    let start = Instant::now();
    let r = f();
    let time = start.elapsed();
    let change = region.change();
    let cost = Cost {
        peak_bytes: ALLOC.get_peak_memory(),
        allocations: change.allocations,
        time,
    };
    (r, cost)
}

/// A worst-case cookie made by `fuzz/worst_case.py`.
#[derive(Debug, Clone)]
pub struct Shape {
    pub name: String,
    pub what: String,
    pub json_len: usize,
    pub cookie: String,
}

/// Runs `fuzz/worst_case.py` (with `FLASK_PYTHON`, else `python3`; standard library
/// only) and reads its shapes.
pub fn shapes(extra_args: &[&str]) -> Result<Vec<Shape>, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/worst_case.py");
    let python = std::env::var("FLASK_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let out = std::process::Command::new(&python)
        .arg(script)
        .args(extra_args)
        .output()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    let field = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_owned();
    Ok(list
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|v| Shape {
            name: field(v, "name"),
            what: field(v, "what"),
            json_len: v["json_len"].as_u64().unwrap_or(0) as usize,
            cookie: field(v, "cookie"),
        })
        .collect())
}

/// The ways a service reads a cookie.
pub const PATHS: [&str; 4] = [
    "decode",
    "decode_as<Value>",
    "decode_as<struct>",
    "dangerous",
];

/// What a typed reader of a Flask-Login session asks for; everything else is
/// ignored (still read, checked and counted).
#[derive(serde::Deserialize)]
#[allow(dead_code)]
pub struct Login {
    #[serde(default)]
    pub _user_id: Option<String>,
}

/// Decodes `cookie` along `path` with the given limits; whether it was accepted.
pub fn decode(path: &str, cookie: &str, limits: Limits) -> bool {
    let codec = SessionCodec::new(SecretKeys::new("dev-secret"))
        .map(|c| c.with_max_age(None).with_limits(limits));
    let Ok(codec) = codec else { return false };
    match path {
        "decode" => codec.decode_at(cookie, 1_700_000_000).is_ok(),
        "decode_as<Value>" => codec.decode_as_at::<Value>(cookie, 1_700_000_000).is_ok(),
        "decode_as<struct>" => codec.decode_as_at::<Login>(cookie, 1_700_000_000).is_ok(),
        _ => dangerous::decode_session_unverified(cookie, &limits).is_ok(),
    }
}
