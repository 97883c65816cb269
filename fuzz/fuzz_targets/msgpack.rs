//! Arbitrary bytes into msgspec's msgpack reader (and Flask-Session's detection):
//! never panics; what reads re-encodes and reads back to the same value (msgpack has
//! one encoding per value up to the forms msgspec chooses, so the second encoding is
//! a fixed point); small limits hold.
#![no_main]

use flask_session_cookie::flask_session::{Package, decode_stored};
use flask_session_cookie::msgspec::msgpack;
use flask_session_cookie::{Limits, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let small = Limits::server_side().with_max_items(64).with_max_depth(8);
    for limits in [Limits::server_side(), small] {
        let _ = decode_stored(Package::FlaskSession, data, &limits);
        let Ok(value) = msgpack::decode(data, &limits) else {
            continue;
        };
        // Every value msgpack reads can be written (ints read fit 64 bits).
        let once = msgpack::encode(&value).expect("a value msgpack read is writable");
        let back = msgpack::decode(&once, &Limits::server_side()).expect("re-reads");
        assert!(back.same_as(&value), "{value:?} vs {back:?}");
        assert_eq!(msgpack::encode(&back).unwrap(), once);
        let _ = Value::to_string(&value);
    }
});
