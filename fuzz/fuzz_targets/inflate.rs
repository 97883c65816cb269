//! Arbitrary bytes as a zlib stream: whenever the fast fixed-code inflater accepts
//! one, the general inflater (flate2) accepts it too, with the same output; and
//! every stream our deflate writes for a small input round-trips.
#![no_main]

use flask_session_cookie::__internals::{inflate_fixed, zlib_compress};
use libfuzzer_sys::fuzz_target;

const CAP: usize = 1 << 16;

fn general(data: &[u8]) -> Option<Vec<u8>> {
    let mut d = flate2::Decompress::new(true);
    let mut out = Vec::with_capacity(CAP + 1);
    match d.decompress_vec(data, &mut out, flate2::FlushDecompress::Finish) {
        Ok(flate2::Status::StreamEnd) if out.len() <= CAP => Some(out),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    if inflate_fixed(data, CAP, &mut out).is_some() {
        assert_eq!(
            general(data).as_deref(),
            Some(&out[..]),
            "fast path accepted what zlib does not"
        );
    }
    // The same bytes as an input to compress: small ones give fixed-code streams.
    let mut z = Vec::new();
    if zlib_compress(data, &mut z).is_some() && inflate_fixed(&z, CAP, &mut out).is_some() {
        assert_eq!(out, data);
    }
});
