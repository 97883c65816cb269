//! Arbitrary bytes through the crate's own deflate: the zlib stream must be exactly
//! what C zlib's `compress2` at level 6 writes (which is what CPython's
//! `zlib.compress` and so Flask write), and must inflate back to the input.
#![no_main]

use flask_session_cookie::__internals::{MAX_INPUT, zlib_compress};
use libfuzzer_sys::fuzz_target;

fn c_zlib(data: &[u8]) -> Vec<u8> {
    // SAFETY: compressBound only computes a size.
    let mut len = unsafe { libz_sys::compressBound(data.len() as libz_sys::uLong) };
    let mut out = vec![0u8; len as usize];
    // SAFETY: `out` holds `len` bytes, `data` holds `data.len()`; compress2 writes
    // at most `len` bytes and stores the count in `len`.
    let status = unsafe {
        libz_sys::compress2(
            out.as_mut_ptr(),
            &mut len,
            data.as_ptr(),
            data.len() as libz_sys::uLong,
            6,
        )
    };
    assert_eq!(status, libz_sys::Z_OK);
    out.truncate(len as usize);
    out
}

fuzz_target!(|data: &[u8]| {
    let mut ours = Vec::new();
    if zlib_compress(data, &mut ours).is_none() {
        assert!(data.len() > MAX_INPUT);
        return;
    }
    assert_eq!(ours, c_zlib(data), "{} input bytes", data.len());
    let mut inflate = flate2::Decompress::new(true);
    let mut back = Vec::with_capacity(data.len() + 1);
    inflate
        .decompress_vec(&ours, &mut back, flate2::FlushDecompress::Finish)
        .expect("our stream inflates");
    assert_eq!(back, data);
});
