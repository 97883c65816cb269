//! Times and weighs the decoding of the worst-case cookies `fuzz/worst_case.py` makes
//! (release build): for each shape and each way of reading it, the median time of
//! several runs, the heap peak and the allocations.
//!
//!     cargo run --release --example worst_case [-- ARGS FOR worst_case.py]
//!
//! `FSC_SHAPE=<name>` measures one shape only (for profiling).

#[path = "../tests/support/budget.rs"]
mod budget;

#[global_allocator]
static ALLOC: &budget::Counting = &budget::ALLOC;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let only = std::env::var("FSC_SHAPE").ok();
    let shapes: Vec<_> = budget::shapes(&args)?
        .into_iter()
        .filter(|s| only.as_deref().is_none_or(|o| s.name == o))
        .collect();
    let limits = flask_session_cookie::Limits::new();
    println!(
        "{:<20} {:>9} {:<18} {:>8} {:>10} {:>9} {:>9}",
        "shape", "json B", "path", "accepted", "median ms", "peak MiB", "allocs"
    );
    for shape in &shapes {
        for path in budget::PATHS {
            let mut runs = Vec::new();
            let mut accepted = false;
            for _ in 0..7 {
                let (ok, cost) = budget::measure(|| budget::decode(path, &shape.cookie, limits));
                accepted = ok;
                runs.push(cost);
            }
            runs.sort_by_key(|c| c.time);
            let median = runs[runs.len() / 2];
            let peak = runs.iter().map(|c| c.peak_bytes).max().unwrap_or(0);
            println!(
                "{:<20} {:>9} {:<18} {:>8} {:>10.3} {:>9.2} {:>9}",
                shape.name,
                shape.json_len,
                path,
                accepted,
                median.time.as_secs_f64() * 1e3,
                peak as f64 / (1 << 20) as f64,
                median.allocations
            );
        }
    }
    Ok(())
}
