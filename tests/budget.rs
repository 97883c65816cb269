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

/// The allocator counts every thread: the tests of this binary take turns.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The heap budget of one decode (SECURITY.md).
const HEAP_BUDGET: usize = 8 << 20;

#[test]
fn worst_case_cookies_stay_within_the_budget() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
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

/// Regression guard (mutation testing found it unchecked): the per-thread decode
/// buffers are kept for the next cookie only while small, so a hostile cookie that
/// inflates to 256 KiB does not pin that memory in every worker thread.
#[test]
fn a_large_payload_does_not_pin_its_buffers() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    use flask_session_cookie::{Session, SessionCodec};
    let codec = SessionCodec::new("dev-secret").unwrap();
    let mut big = Session::new();
    big.insert("a", "a".repeat(200_000));
    let big = codec.encode_at(&big, 1_700_000_000).unwrap();
    assert!(big.len() < 2_000, "compressed: {}", big.len());
    // Warm the buffers, the inflate state and anything else a first call allocates
    // once, with a compressed cookie of a few KB.
    let mut small = Session::new();
    small.insert("a", "a".repeat(5_000));
    let small = codec.encode_at(&small, 1_700_000_000).unwrap();
    assert!(small.starts_with('.'), "compressed");
    for _ in 0..2 {
        codec.decode_at(&small, 1_700_000_000).unwrap();
    }
    let region = stats_alloc::Region::new(&stats_alloc::INSTRUMENTED_SYSTEM);
    drop(codec.decode_at(&big, 1_700_000_000).unwrap());
    let change = region.change();
    // Growth by realloc is counted in bytes_allocated, shrinking in bytes_deallocated.
    let retained = change.bytes_allocated as isize - change.bytes_deallocated as isize;
    assert!(
        retained < 64 << 10,
        "{retained} bytes still held after decoding a 200 KB payload"
    );
}
