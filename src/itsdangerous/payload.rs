//! The payload of a URL-safe token: `base64url(json)`, or `"." + base64url(zlib(json))`
//! when that saves at least 2 bytes (itsdangerous' `URLSafeSerializerMixin`).

use std::cell::RefCell;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::cache;
use crate::error::{Error, Limit, PayloadStage, Result};
use crate::limits::Limits;
use crate::zlib;

/// Appends the payload of `json`: `"." + base64url(zlib(json))` when that saves at
/// least 2 bytes before base64 (itsdangerous' rule), else `base64url(json)`.
/// Returns whether it compressed.
pub(crate) fn encode(json: &[u8], out: &mut String) -> bool {
    if let Some(compressed) = zlib::compress(json)
        && compressed.len() + 1 < json.len()
    {
        out.push('.');
        URL_SAFE_NO_PAD.encode_string(&compressed, out);
        return true;
    }
    URL_SAFE_NO_PAD.encode_string(json, out);
    false
}

/// The payload of `json`, as a new string.
pub(crate) fn encoded(json: &str) -> String {
    let mut payload = String::with_capacity(json.len() * 4 / 3 + 4);
    encode(json.as_bytes(), &mut payload);
    payload
}

/// Buffers kept per thread for decoding payloads: the base64-decoded bytes and the
/// inflated JSON. Taken out while in use (nested use starts with fresh ones); not
/// kept when a payload made them large.
#[derive(Default)]
struct Buffers {
    raw: Vec<u8>,
    json: Vec<u8>,
}

/// Buffers larger than this are dropped rather than kept (a hostile cookie must not
/// pin memory).
const BUFFER_KEEP: usize = 64 * 1024;

thread_local! {
    static BUFFERS: RefCell<Buffers> = const {
        RefCell::new(Buffers { raw: Vec::new(), json: Vec::new() })
    };
}

/// Decodes a payload — strict unpadded base64url, then zlib when it starts with `.`,
/// inflating through `limits.max_inflated_len()`, then strict UTF-8 — and hands the
/// JSON text to `f`. Returns what `f` returns and whether the payload was compressed.
pub(crate) fn decode<R>(
    payload: &str,
    limits: &Limits,
    f: impl FnOnce(&str) -> Result<R>,
) -> Result<(R, bool)> {
    let (compressed, b64) = match payload.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, payload),
    };
    let mut buffers = cache::take(&BUFFERS);
    let result = decode_into(compressed, b64, limits, &mut buffers).and_then(|()| {
        let text = std::str::from_utf8(&buffers.json).map_err(|e| {
            Error::payload(PayloadStage::Utf8, "the payload is not valid UTF-8").with_source(e)
        })?;
        f(text)
    });
    if buffers.raw.capacity() <= BUFFER_KEEP && buffers.json.capacity() <= BUFFER_KEEP {
        buffers.raw.clear();
        buffers.json.clear();
        cache::put(&BUFFERS, buffers);
    }
    result.map(|r| (r, compressed))
}

fn decode_into(compressed: bool, b64: &str, limits: &Limits, buffers: &mut Buffers) -> Result<()> {
    let base64_error = |e: base64::DecodeError| {
        Error::payload(
            PayloadStage::Base64,
            "could not base64url-decode the payload",
        )
        .with_source(e)
    };
    if !compressed {
        return URL_SAFE_NO_PAD
            .decode_vec(b64, &mut buffers.json)
            .map_err(base64_error);
    }
    URL_SAFE_NO_PAD
        .decode_vec(b64, &mut buffers.raw)
        .map_err(base64_error)?;
    zlib::inflate(&buffers.raw, limits.max_inflated_len(), &mut buffers.json)
}

/// Refuses a token longer than [`Limits::max_cookie_len`], before any hashing.
pub(crate) fn check_len(token: &str, limits: &Limits) -> Result<()> {
    if token.len() > limits.max_cookie_len() {
        return Err(Error::limit(
            Limit::CookieLength,
            format!(
                "the value is {} bytes long, more than the limit of {}",
                token.len(),
                limits.max_cookie_len()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_boundary_is_itsdangerous_rule() {
        let mut out = String::new();
        assert!(!encode(br#"{"k":"abababababab"}"#, &mut out));
        out.clear();
        assert!(encode(br#"{"k":"AAAAAAAAAAAA"}"#, &mut out));
        assert_eq!(out, ".eJyrVspWslJyRAJKtQA2QwUy");
    }
}
