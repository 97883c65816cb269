//! The resource budget, asserted: every cookie within the default limits — the
//! costliest ones `fuzz/worst_case.py` can craft, accepted and refused — decodes or is
//! refused within 8 MiB of heap, with at most a few allocations per value, along every
//! way a service reads a cookie. A binary of its own: the counting allocator counts
//! every thread, so nothing else may run beside it.

#[path = "support/budget.rs"]
mod budget;

use flask_session_cookie::Limits;

#[global_allocator]
static ALLOC: &budget::Counting = &budget::ALLOC;

/// The heap budget of one decode (SECURITY.md).
const HEAP_BUDGET: usize = 8 << 20;

#[test]
fn worst_case_cookies_stay_within_the_budget() {
    let shapes = match budget::shapes(&[]) {
        Ok(shapes) => shapes,
        Err(e) if std::env::var("FSC_REQUIRE_FLASK").is_ok_and(|v| v == "1") => {
            panic!("fuzz/worst_case.py failed: {e}")
        }
        Err(e) => {
            eprintln!("SKIPPED: fuzz/worst_case.py cannot run: {e}");
            return;
        }
    };
    assert!(shapes.len() >= 30, "{} shapes", shapes.len());
    let limits = Limits::new();
    let allowed_allocations = 4 * limits.max_items() + 64;
    let (mut accepted, mut refused) = (0, 0);
    let mut worst = (0usize, String::new());
    for shape in &shapes {
        assert!(shape.json_len <= limits.max_inflated_len());
        assert!(shape.cookie.len() <= limits.max_cookie_len());
        for path in budget::PATHS {
            let (ok, cost) = budget::measure(|| budget::decode(path, &shape.cookie, limits));
            if ok {
                accepted += 1;
            } else {
                refused += 1;
            }
            let name = format!("{} ({}) via {path}", shape.name, shape.what);
            assert!(
                cost.peak_bytes <= HEAP_BUDGET,
                "{name}: {} bytes of heap at the peak",
                cost.peak_bytes
            );
            assert!(
                cost.allocations <= allowed_allocations,
                "{name}: {} allocations",
                cost.allocations
            );
            if cost.peak_bytes > worst.0 {
                worst = (cost.peak_bytes, name);
            }
        }
    }
    // Both kinds are exercised: cookies at every limit that are read, and ones past
    // the item limit that are refused.
    assert!(
        accepted >= 60 && refused >= 40,
        "{accepted} accepted, {refused} refused"
    );
    eprintln!(
        "{} shapes x {} paths within budget; the heaviest: {} bytes, {}",
        shapes.len(),
        budget::PATHS.len(),
        worst.0,
        worst.1
    );
}
