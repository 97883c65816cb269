//! Arbitrary bytes into the pickle reader: never panics, never allocates past the
//! limits (memo bombs, huge lengths), and what it reads has a repr.
#![no_main]

use flask_session_cookie::{Limits, pickle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let small = Limits::server_side().with_max_items(64).with_max_depth(8).with_max_int_digits(30);
    for limits in [Limits::server_side(), small] {
        if let Ok(value) = pickle::loads(data, &limits) {
            let _ = value.to_string();
        }
    }
});
