//! Arbitrary bytes into msgspec's JSON reader: never panics; what reads re-encodes
//! to JSON msgspec's reader takes back as the same value (NaN cannot be read, so no
//! float turns into null on the way), and re-encoding is a fixed point.
#![no_main]

use flask_session_cookie::msgspec::json;
use flask_session_cookie::Limits;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let small = Limits::server_side().with_max_items(64).with_max_depth(8).with_max_int_digits(30);
    for limits in [Limits::server_side(), small] {
        let Ok(value) = json::decode(data, &limits) else {
            continue;
        };
        let once = json::encode(&value).expect("a value JSON read is writable");
        let back = json::decode(&once, &Limits::server_side()).expect("re-reads");
        assert!(back.same_as(&value), "{value:?} vs {back:?}");
        assert_eq!(json::encode(&back).unwrap(), once);
    }
});
