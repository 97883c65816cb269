//! Decodes a benchmark cookie N times (for counting allocations with valgrind in
//! `scripts/bench`, and for profiling): `alloc_count N [SHAPE]`, SHAPE defaulting
//! to `login`.
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{Limits, Session, SessionCodec, Value};

fn main() -> Result<(), flask_session_cookie::Error> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let shape = std::env::args()
        .nth(2)
        .unwrap_or_else(|| "login".to_owned());
    let shapes = include_str!("../benches/shapes.json");
    let label = format!("\"{shape}\": \"");
    let start = shapes.find(&label).map_or(0, |i| i + label.len());
    let end = shapes[start..]
        .find("\",\n")
        .map_or(shapes.len(), |i| start + i);
    let tagged = shapes[start..end].replace("\\\"", "\"");
    let Value::Dict(dict) = JsonFormat::flask().loads(&tagged, &Limits::new())? else {
        return Ok(());
    };
    let codec = SessionCodec::new("bench-secret-key")?;
    let cookie = codec.encode(&Session::from(dict))?;
    for _ in 0..n {
        std::hint::black_box(codec.decode(std::hint::black_box(&cookie))?);
    }
    Ok(())
}
