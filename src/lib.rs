#![doc = include_str!("../README.md")]
//!
//! # Where things are
//!
//! The crate root holds what a service sharing Flask's session needs; the long tail
//! lives in public modules, one per layer, each mirroring its Flask or itsdangerous
//! twin (the ARCHITECTURE.md file of the repository draws the whole map):
//!
//! | module | what | Python |
//! |---|---|---|
//! | root | [`SessionCodec`], [`Session`], [`SecretKeys`], [`Value`], [`Error`], [`Limits`] | `SecureCookieSessionInterface` |
//! | [`session`] | the session during a request: [`TrackedSession`](session::TrackedSession), [`FlaskSession`](session::FlaskSession) | `SecureCookieSession` |
//! | [`cookie`] | `Set-Cookie` with Flask's attributes and save rules; the `Cookie` header as Werkzeug reads it | `save_session`, `request.cookies` |
//! | [`flask_login`] | remember cookies, session protection, the keys of a login | Flask-Login 0.6 |
//! | [`flask_wtf`] | CSRF tokens and `CSRFProtect`'s checks | Flask-WTF 1.3 |
//! | [`layer`] | the session cycle around one request, for any framework | `open_session` / `save_session` |
//! | [`itsdangerous`] | signers and serializers for any salt, digest, key derivation | `itsdangerous` |
//! | [`json`] | Python's JSON dialect with Flask's tags | `flask.json.tag`, `json` |
//! | [`value`] | the value tree and serde to and from it | — |
//! | [`tags`] | wrappers that give your serde types Flask's tags | — |
//! | [`dangerous`] | decoding **without** verification, for debugging | `loads_unsafe` |
//! | [`error`] | the error type and its details | `itsdangerous.exc` |
//!
//! Typed access has one spelling everywhere: the `_as` variant of a method takes or
//! gives your serde type (`decode_as`/`encode_as`, `get_as`/`insert_as`,
//! `read_as`/`write_as`, `loads_as`/`dumps_as`).
//!
//! # Features
//!
//! - `c-zlib` (off): every session up to 32,506 bytes of JSON is compressed by the
//!   crate's own deflate, which writes CPython's zlib bytes exactly; longer ones go
//!   to flate2, by default the pure-Rust zlib-rs (valid, but not Flask's bytes). This
//!   feature links C zlib (`libz-sys`) for those, so that they too are identical.
//!   Decoding is the same either way.
//! - `cli` (off): the `flask-session-cookie` command-line tool.
//! - `cookie` (off): `cookie::Cookie` values (from the `cookie` crate) beside the
//!   header strings that [`cookie`] always has.
//! - `tracing` (off): [`layer::SessionCycle`] reports every rejected cookie (at
//!   `debug`) and every session error that becomes a 500 (at `warn`) as a `tracing`
//!   event with the error's kind — never a key or a cookie's value.
//! - `axum` (off, implies `cookie` and `tracing`): the `axum` module — a layer and an
//!   extractor that share the session with a Flask app, and `IntoResponse` for
//!   [`Error`].
//! - `actix` (off, implies `cookie` and `tracing`): the `actix` module — the same for
//!   actix-web (middleware, extractors, `ResponseError` for [`Error`]).

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
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "actix")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
pub mod actix;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod cache;
pub mod cookie;
pub mod dangerous;
pub mod error;
pub mod flask_login;
pub mod flask_session;
pub mod flask_wtf;
pub mod itsdangerous;
pub mod json;
pub mod layer;
mod limits;
pub mod msgspec;
pub mod pickle;
mod python;
pub mod session;
pub mod store;
pub mod tags;
pub mod value;
mod zlib;

/// Not part of the API (no semver promise): internals that the crate's own fuzz
/// targets and benches call directly. Compiled only with the `__internals` feature.
#[cfg(feature = "__internals")]
#[doc(hidden)]
pub mod __internals {
    /// The longest input the crate's own deflate takes.
    pub const MAX_INPUT: usize = crate::zlib::deflate::MAX_INPUT;

    /// The crate's own deflate (see `src/zlib/deflate/`).
    pub fn zlib_compress(data: &[u8], out: &mut Vec<u8>) -> Option<()> {
        crate::zlib::deflate::zlib_compress(data, out)
    }

    /// The fast inflate path for fixed-code streams (see `src/zlib/inflate_fixed.rs`).
    pub fn inflate_fixed(data: &[u8], cap: usize, out: &mut Vec<u8>) -> Option<()> {
        crate::zlib::inflate_fixed::inflate_fixed(data, cap, out)
    }
}

pub use error::{Error, ErrorKind, Result};
pub use itsdangerous::{Clock, KeyUsed, Loaded, SecretKey, SecretKeys, SystemClock};
pub use limits::Limits;
pub use session::{Session, SessionCodec};
pub use value::{Dict, Int, Value, from_value, to_value};

/// The `time` crate, whose `OffsetDateTime` [`Value::DateTime`] holds.
pub use time;
/// The `uuid` crate, whose `Uuid` [`Value::Uuid`] holds.
pub use uuid;
