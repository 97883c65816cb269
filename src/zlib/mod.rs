//! zlib, as CPython's `zlib` module does it for itsdangerous: [`compress`] writes
//! exactly the bytes `zlib.compress(data)` writes (level 6), and [`inflate`] reads any
//! zlib stream `zlib.decompress` reads, never producing more than a cap.
//!
//! Compressing goes through the crate's own zlib-exact deflate ([`deflate`]) for any
//! input that fits a cookie, and through flate2 beyond that; inflating goes through a
//! fast path for fixed-code streams ([`inflate_fixed`]) and through flate2 for the
//! rest. flate2's states are kept per thread (see [`cache`](crate::cache)).

pub(crate) mod deflate;
pub(crate) mod inflate_fixed;
pub(crate) mod tables;

use std::cell::RefCell;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use crate::cache;
use crate::error::{Error, Limit, PayloadStage, Result};

/// zlib's default level (`Z_DEFAULT_COMPRESSION`), which `zlib.compress` uses.
const ZLIB_LEVEL: u32 = 6;

thread_local! {
    /// One deflate and one inflate state per thread, reset for each use: building
    /// them (zlib allocates and clears its window and tables) costs more than
    /// compressing a cookie.
    static DEFLATER: RefCell<Option<Compress>> = const { RefCell::new(None) };
    static INFLATER: RefCell<Option<Decompress>> = const { RefCell::new(None) };
}

/// `zlib.compress(data)`: through [`deflate`], which writes CPython's exact bytes,
/// for any session that fits a cookie; through flate2 beyond that. `None` only if
/// flate2 fails.
pub(crate) fn compress(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    if deflate::zlib_compress(data, &mut out).is_some() {
        return Some(out);
    }
    let mut c = match cache::take(&DEFLATER) {
        Some(mut c) => {
            c.reset();
            c
        }
        None => Compress::new(Compression::new(ZLIB_LEVEL), true),
    };
    let result = deflate_with(&mut c, data);
    cache::put(&DEFLATER, Some(c));
    result
}

fn deflate_with(c: &mut Compress, data: &[u8]) -> Option<Vec<u8>> {
    // zlib's compressBound plus the header and checksum.
    let mut out = Vec::with_capacity(data.len() + data.len() / 1000 + 64);
    loop {
        let consumed = usize::try_from(c.total_in()).ok()?;
        let status = c
            .compress_vec(data.get(consumed..)?, &mut out, FlushCompress::Finish)
            .ok()?;
        match status {
            Status::StreamEnd => return Some(out),
            Status::Ok | Status::BufError => out.reserve(out.capacity().max(64)),
        }
    }
}

/// `zlib.decompress(data)` into `out` (cleared first), stopping as soon as the output
/// would pass `cap` bytes: a [`LimitExceeded`](crate::ErrorKind::LimitExceeded)
/// error, never more memory. Trailing bytes after the end of the stream are ignored,
/// as Python's `zlib.decompress` does.
pub(crate) fn inflate(data: &[u8], cap: usize, out: &mut Vec<u8>) -> Result<()> {
    // Small sessions: one fixed-code block, inflated without setting up zlib.
    if inflate_fixed::inflate_fixed(data, cap, out).is_some() {
        return Ok(());
    }
    inflate_general(data, cap, out)
}

/// [`inflate`] without the fast path: flate2 alone.
pub(crate) fn inflate_general(data: &[u8], cap: usize, out: &mut Vec<u8>) -> Result<()> {
    let mut d = match cache::take(&INFLATER) {
        Some(mut d) => {
            d.reset(true);
            d
        }
        None => Decompress::new(true),
    };
    let result = inflate_with(&mut d, data, cap, out);
    cache::put(&INFLATER, Some(d));
    result
}

fn inflate_with(d: &mut Decompress, data: &[u8], cap: usize, out: &mut Vec<u8>) -> Result<()> {
    let zlib_error = |detail: &str| {
        Error::payload(
            PayloadStage::Zlib,
            format!("could not zlib-decompress the payload: {detail}"),
        )
    };
    let too_big = || {
        Error::limit(
            Limit::InflatedSize,
            format!("the payload inflates to more than {cap} bytes"),
        )
    };
    let hard_cap = cap.saturating_add(1);
    out.clear();
    let want = data.len().saturating_mul(4).clamp(64, hard_cap);
    if out.capacity() < want {
        out.reserve_exact(want);
    }
    loop {
        if out.len() == out.capacity() {
            if out.len() >= hard_cap {
                return Err(too_big());
            }
            let grow = out.capacity().max(64).min(hard_cap - out.len());
            out.reserve_exact(grow);
        }
        let consumed = usize::try_from(d.total_in()).map_err(|_| zlib_error("too long"))?;
        let input = data.get(consumed..).unwrap_or_default();
        let before = (d.total_in(), d.total_out());
        let status = d
            .decompress_vec(input, out, FlushDecompress::None)
            .map_err(|e| zlib_error(&e.to_string()))?;
        if out.len() > cap {
            return Err(too_big());
        }
        match status {
            Status::StreamEnd => return Ok(()),
            Status::Ok | Status::BufError => {
                let progressed = (d.total_in(), d.total_out()) != before;
                if !progressed && out.len() < out.capacity() {
                    return Err(zlib_error("incomplete or truncated stream"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inflated(data: &[u8], cap: usize) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        inflate(data, cap, &mut out)?;
        Ok(out)
    }

    #[test]
    fn inflate_stops_at_the_cap() {
        let big = vec![b'a'; 100_000];
        let z = compress(&big).unwrap_or_default();
        assert_eq!(inflated(&z, 100_000).map(|v| v.len()).ok(), Some(100_000));
        let err = inflated(&z, 99_999).err().map(|e| e.kind().clone());
        assert_eq!(
            err,
            Some(crate::ErrorKind::LimitExceeded(Limit::InflatedSize))
        );
    }

    #[test]
    fn inflate_rejects_truncated_and_ignores_trailing() {
        let z = compress(b"hello hello hello hello").unwrap_or_default();
        assert!(inflated(z.get(..z.len() - 3).unwrap_or_default(), 1000).is_err());
        let mut trailing = z.clone();
        trailing.extend_from_slice(b"garbage");
        assert_eq!(
            inflated(&trailing, 1000).ok(),
            Some(b"hello hello hello hello".to_vec())
        );
    }
}
