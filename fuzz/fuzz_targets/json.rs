//! Arbitrary bytes into the Python-dialect JSON reader and the tag layer: never
//! panics; what parses dumps, re-parses to the same value, and dumps to the same text;
//! typed reading (one pass or tree) gives what reading the tree then deserializing gives.
#![no_main]

use std::collections::BTreeMap;

use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{ErrorKind, Limits, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits::new();

    // Typed reading agrees with the tree, success or failure, under the default
    // limits and under small ones that inputs of fuzzing size can reach.
    let small = Limits::new()
        .with_max_items(24)
        .with_max_depth(6)
        .with_max_int_digits(20);
    for limits in [limits, small] {
        let via_tree: Result<BTreeMap<String, Value>, _> = JsonFormat::flask()
            .loads(text, &limits)
            .and_then(flask_session_cookie::from_value);
        let direct: Result<BTreeMap<String, Value>, _> =
            JsonFormat::flask().loads_as(text, &limits);
        match (&via_tree, &direct) {
            (Ok(a), Ok(b)) => assert!(
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 == y.0 && x.1.same_as(y.1)),
                "{text:?}: {a:?} vs {b:?}"
            ),
            (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "{text:?}"),
            _ => panic!("{text:?}: tree {via_tree:?} vs one pass {direct:?}"),
        }
    }

    for format in [
        JsonFormat::flask(),
        JsonFormat::plain(),
        JsonFormat::flask().with_ensure_ascii(false),
    ] {
        let Ok(value) = format.loads(text, &limits) else {
            continue;
        };
        let dumped = match format.dumps(&value, &limits) {
            Ok(d) => d,
            // Only a datetime outside years 1-9999 in UTC cannot be written back.
            Err(e) if e.kind() == &ErrorKind::Unencodable => continue,
            Err(e) => panic!("{text:?} parsed but cannot be dumped: {e}"),
        };
        let again = format
            .loads(&dumped, &limits)
            .unwrap_or_else(|e| panic!("{text:?} dumped as {dumped:?}, which does not parse: {e}"));
        assert!(
            again.same_as(&value),
            "{text:?} -> {dumped:?} reads back differently"
        );
        let dumped_again = format.dumps(&again, &limits).expect("dumps twice");
        assert_eq!(dumped, dumped_again, "{text:?}: dump is not stable");
    }
});
