//! The itsdangerous layer: signed and timestamped tokens as Python's `itsdangerous`
//! writes them, for any salt, digest, key derivation and separator — Flask's session
//! cookie is one configuration of it ([`SessionCodec`](crate::SessionCodec) bundles
//! that one), password-reset links and e-mail confirmations are others.
//!
//! | Rust | Python |
//! |---|---|
//! | [`Signer`], [`SignerConfig`], [`Digest`], [`KeyDerivation`] | `itsdangerous.Signer` |
//! | [`TimestampSigner`], [`Clock`] | `itsdangerous.TimestampSigner` |
//! | [`UrlSafeSerializer`], [`UrlSafeTimedSerializer`] | `URLSafeSerializer`, `URLSafeTimedSerializer` |
//!
//! ```
//! use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
//!
//! // Python: URLSafeTimedSerializer("secret-key", salt="reset-password")
//! let s = UrlSafeTimedSerializer::new("secret-key", SignerConfig::itsdangerous_serializer().with_salt("reset-password"))?;
//! let token = s.dumps_as_at(&"alice@example.com", 1_700_000_000)?;
//! let email: String = s.loads_as_at(&token, Some(3600), 1_700_000_100)?.value;
//! assert_eq!(email, "alice@example.com");
//! # Ok::<(), flask_session_cookie::Error>(())
//! ```

mod config;
mod keys;
pub(crate) mod payload;
mod serializer;
mod signer;
mod timed;

pub use config::{Digest, KeyDerivation, SignerConfig};
pub use keys::{KeyUsed, SecretKey, SecretKeys};
pub use serializer::{Loaded, UrlSafeSerializer, UrlSafeTimedSerializer};
pub use signer::{Signer, Unsigned};
pub use timed::{Clock, FixedClock, SystemClock, TimestampSigner};

pub(crate) use signer::rsplit_sep;
pub(crate) use timed::{check_age, decode_timestamp};
