#![doc = include_str!("../README.md")]
//!
//! # Layers
//!
//! Each layer mirrors its itsdangerous or Flask twin and is usable on its own:
//!
//! | layer | Rust | Python |
//! |---|---|---|
//! | signer | [`Signer`], [`SignerConfig`], [`SecretKeys`] | `itsdangerous.Signer` |
//! | timed | [`TimestampSigner`], [`Clock`] | `itsdangerous.TimestampSigner` |
//! | url-safe serializer | [`UrlSafeSerializer`], [`UrlSafeTimedSerializer`], [`Limits`] | `URLSafe(Timed)Serializer` |
//! | tagged JSON | [`Value`], [`JsonFormat`], [`tags`] | `flask.json.tag`, `json` |
//! | session codec | [`SessionCodec`], [`Session`] | `SecureCookieSessionInterface` |
//! | typed sessions | [`serde::to_value`], [`serde::from_value`] | — |
//! | unverified decoding | [`dangerous`] | `loads_unsafe` |
//!
//! # Features
//!
//! - `c-zlib` (off): every session up to 32,506 bytes of JSON is compressed by the
//!   crate's own deflate, which writes CPython's zlib bytes exactly; longer ones go
//!   to flate2, by default the pure-Rust zlib-rs (valid, but not Flask's bytes). This
//!   feature links C zlib (`libz-sys`) for those, so that they too are identical.
//!   Decoding is the same either way.
//! - `cli` (off): the `flask-session-cookie` command-line tool.
//! - `cookie` (off): [`cookie`](crate::cookie) — `Set-Cookie` with Flask's attributes
//!   and Flask's rule for when to send it.
//! - `axum` (off, implies `cookie`): [`axum`](crate::axum) — a layer and an extractor
//!   that share the session with a Flask app.

#![forbid(unsafe_code)]
// Library code never panics on input: these are errors, not warnings.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

#[cfg(feature = "axum")]
pub mod axum;
mod cache;
#[cfg(feature = "cookie")]
pub mod cookie;
pub mod dangerous;
mod deflate;
/// Not part of the API (no semver promise): internals that the crate's own fuzz
/// targets and benches call directly.
#[doc(hidden)]
pub mod __internals {
    /// The longest input the crate's own deflate takes.
    pub const MAX_INPUT: usize = crate::deflate::MAX_INPUT;

    /// The crate's own deflate (see `src/deflate.rs`).
    pub fn zlib_compress(data: &[u8], out: &mut Vec<u8>) -> Option<()> {
        crate::deflate::zlib_compress(data, out)
    }

    /// The fast inflate path for fixed-code streams (see `src/inflate.rs`).
    pub fn inflate_fixed(data: &[u8], cap: usize, out: &mut Vec<u8>) -> Option<()> {
        crate::inflate::inflate_fixed(data, cap, out)
    }
}
mod error;
mod inflate;
mod limits;
pub mod serde;
mod serializer;
mod session;
mod signer;
mod tagged;
pub mod tags;
mod timed;

pub use error::{Error, ErrorKind, Limit, PayloadStage, Result};
pub use limits::Limits;
pub use serializer::{Loaded, UrlSafeSerializer, UrlSafeTimedSerializer};
pub use session::{DEFAULT_MAX_AGE, Opened, PERMANENT_KEY, Session, SessionCodec};
pub use signer::{Digest, KeyDerivation, KeyUsed, SecretKey, SecretKeys, Signer, SignerConfig};
pub use tagged::json::JsonFormat;
pub use tagged::value::{Dict, DictIter, Int, Value};
pub use timed::{Clock, LEGACY_EPOCH, SystemClock, TimestampSigner, Unsigned};
