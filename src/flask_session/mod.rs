//! Flask-Session 0.8 and Quart-Session 3.0 on the Rust side: the session id the
//! cookie carries, signed as `SESSION_USE_SIGNER` signs it, and the stored value
//! the id points to, read and written byte for byte as the package does.
//!
//! - Ids: Flask-Session's `secrets.token_urlsafe(32)` (43 characters of
//!   `[A-Za-z0-9_-]` from the operating system's random source, no fallback) and
//!   Quart-Session's `str(uuid4())` ([`Package::new_id`]).
//! - Signed ids: itsdangerous' `Signer(SECRET_KEY, salt="flask-session"` (or
//!   `"quart-session"`), `key_derivation="hmac")`, SHA-1, no timestamp
//!   ([`IdSigner`]).
//! - Stored values ([`decode_stored`], [`encode_stored`]): Flask-Session 0.8 writes
//!   msgspec's msgpack (the default) or JSON and reads msgpack, then JSON, then a
//!   pickle (0.4–0.6's sessions, read here without executing anything:
//!   [`crate::pickle`]); Quart-Session writes and reads Flask's tagged JSON with keys
//!   in insertion order ([`JsonFormat::quart`]).
//! - Flask-Session's own session rules live with the session:
//!   [`Session::clear_keeping_permanent`] and [`Session::is_empty_server_side`].
//!
//! ```
//! use flask_session_cookie::flask_session::{IdSigner, Package, StoredFormat, decode_stored, encode_stored};
//! use flask_session_cookie::{Limits, Session};
//!
//! let signer = IdSigner::new(Package::FlaskSession, "dev-secret")?;
//! assert_eq!(signer.sign("abc"), "abc.0fAz-BfUZGSXAD5c7MahM2JtcFw");
//! assert_eq!(signer.unsign("abc.0fAz-BfUZGSXAD5c7MahM2JtcFw")?, "abc");
//!
//! let mut session = Session::new();
//! session.set_permanent(true);
//! session.insert("_user_id", "1");
//! let stored = encode_stored(Package::FlaskSession, StoredFormat::Msgpack, &session)?;
//! assert_eq!(stored[0], 0x82); // a map of two
//! let (back, format) = decode_stored(Package::FlaskSession, &stored, &Limits::server_side())?;
//! assert_eq!((back, format), (session, StoredFormat::Msgpack));
//! # Ok::<(), flask_session_cookie::Error>(())
//! ```

mod server;

use std::fmt;

pub use server::{PrefixClaim, ServerSide};

use crate::error::{Error, ErrorKind, PayloadStage, Result};
use crate::itsdangerous::{SecretKeys, Signer, SignerConfig};
use crate::json::JsonFormat;
use crate::limits::Limits;
use crate::session::Session;
use crate::value::Value;
use crate::{msgspec, pickle};

/// Which package keeps the sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Package {
    /// Flask-Session 0.8 (ids from `secrets.token_urlsafe(32)`, msgpack or JSON
    /// values, pickles read).
    FlaskSession,
    /// Quart-Session 3.0 (uuid4 ids, Flask's tagged JSON values).
    QuartSession,
}

impl Package {
    /// The salt `SESSION_USE_SIGNER` signs ids with: `flask-session` or
    /// `quart-session`.
    ///
    /// ```
    /// use flask_session_cookie::flask_session::Package;
    /// assert_eq!(Package::QuartSession.signer_salt(), "quart-session");
    /// ```
    pub fn signer_salt(self) -> &'static str {
        match self {
            Package::FlaskSession => "flask-session",
            Package::QuartSession => "quart-session",
        }
    }

    /// A new session id from the operating system's random source, as the package
    /// makes one: 43 characters of unpadded base64url over 32 random bytes
    /// (Flask-Session), or a random (version 4) UUID's text (Quart-Session). There is
    /// no fallback generator: a failing random source is an error.
    ///
    /// ```
    /// use flask_session_cookie::flask_session::Package;
    /// let id = Package::FlaskSession.new_id()?;
    /// assert_eq!(id.len(), 43);
    /// assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    /// assert_eq!(Package::QuartSession.new_id()?.len(), 36);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new_id(self) -> Result<String> {
        self.new_id_of(FLASK_SESSION_ID_BYTES)
    }

    /// [`new_id`](Package::new_id) with Flask-Session's `SESSION_ID_LENGTH`:
    /// `secrets.token_urlsafe(id_bytes)`; Quart-Session's ids are uuid4s whatever it is.
    pub(crate) fn new_id_of(self, id_bytes: usize) -> Result<String> {
        use base64::Engine as _;
        match self {
            Package::FlaskSession => {
                let mut bytes = [0u8; MAX_ID_BYTES];
                let bytes = bytes.get_mut(..id_bytes).ok_or_else(|| {
                    Error::config(format!(
                        "a session id of {id_bytes} random bytes: at most {MAX_ID_BYTES}"
                    ))
                })?;
                random(bytes)?;
                Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
            }
            Package::QuartSession => {
                let mut bytes = [0u8; 16];
                random(&mut bytes)?;
                let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
                Ok(id.hyphenated().to_string())
            }
        }
    }
}

impl fmt::Display for Package {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Package::FlaskSession => "flask-session",
            Package::QuartSession => "quart-session",
        })
    }
}

impl std::str::FromStr for Package {
    type Err = Error;

    /// `flask-session` or `quart-session`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "flask-session" => Ok(Package::FlaskSession),
            "quart-session" => Ok(Package::QuartSession),
            other => Err(Error::config(format!(
                "unknown package {other:?}: flask-session or quart-session"
            ))),
        }
    }
}

/// Flask-Session's default `SESSION_ID_LENGTH`: random bytes in an id.
pub(crate) const FLASK_SESSION_ID_BYTES: usize = 32;
/// The most random bytes an id may have here (`ServerSide::with_id_length`).
pub(crate) const MAX_ID_BYTES: usize = 256;

/// Fills `buf` from the operating system's random source.
fn random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| {
        Error::config(format!(
            "the operating system's random source failed ({e}); no session id is made \
             without it"
        ))
    })
}

/// Signs and verifies session ids as `SESSION_USE_SIGNER` does:
/// `Signer(SECRET_KEY, salt=<package>, key_derivation="hmac")`, SHA-1, `.`, no
/// timestamp. Flask-Session signs with `SECRET_KEY` alone; fallbacks given here are
/// tried when verifying (useful while rotating, but the Python side accepts only the
/// current key).
///
/// ```
/// use flask_session_cookie::flask_session::{IdSigner, Package};
/// use flask_session_cookie::SecretKeys;
/// let signer = IdSigner::new(Package::FlaskSession, SecretKeys::new("new").with_fallback("old"))?;
/// let old = IdSigner::new(Package::FlaskSession, "old")?.sign("abc");
/// assert_eq!(signer.unsign(&old)?, "abc");
/// assert!(signer.unsign("abc.bad").is_err());
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct IdSigner {
    signer: Signer,
}

impl IdSigner {
    /// The signer of `package` with these keys. An empty key is a
    /// [`Config`](crate::ErrorKind::Config) error (Flask-Session requires
    /// `SECRET_KEY` with `SESSION_USE_SIGNER`).
    pub fn new(package: Package, keys: impl Into<SecretKeys>) -> Result<Self> {
        let keys = keys.into();
        if keys.current().is_empty() {
            return Err(Error::config(
                "the secret key is empty: SESSION_USE_SIGNER needs SECRET_KEY",
            ));
        }
        let config =
            SignerConfig::flask_session().with_salt(package.signer_salt().as_bytes().to_vec());
        Ok(IdSigner {
            signer: Signer::new(keys, config)?,
        })
    }

    /// `id.signature`, with the current key.
    pub fn sign(&self, id: &str) -> String {
        self.signer.sign(id)
    }

    /// The id inside a signed value. A bad signature is
    /// [`BadSignature`](crate::ErrorKind::BadSignature) (the package then starts a
    /// new session); the error never holds the value.
    pub fn unsign(&self, signed: &str) -> Result<String> {
        self.signer.unsign(signed).map(|u| u.value.to_owned())
    }
}

/// The format of a stored session value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StoredFormat {
    /// msgspec's msgpack (Flask-Session 0.8's default).
    Msgpack,
    /// msgspec's JSON (`SESSION_SERIALIZATION_FORMAT="json"`).
    Json,
    /// A pickle (Flask-Session 0.4–0.6); read, never written.
    Pickle,
    /// Flask's tagged JSON in insertion order (Quart-Session).
    TaggedJson,
}

impl fmt::Display for StoredFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StoredFormat::Msgpack => "msgpack",
            StoredFormat::Json => "json",
            StoredFormat::Pickle => "pickle",
            StoredFormat::TaggedJson => "tagged json",
        })
    }
}

/// Reads a stored session value as `package` does, and says which format it was:
/// Flask-Session tries msgspec's msgpack, then msgspec's JSON, then a pickle (each
/// only when the one before cannot read the bytes at all); Quart-Session reads Flask's
/// tagged JSON. The value must be a dict (a session). Limits: [`Limits::server_side`]
/// is meant for these; [`Limits::max_stored_len`] is checked before anything is read.
///
/// ```
/// use flask_session_cookie::flask_session::{Package, StoredFormat, decode_stored};
/// use flask_session_cookie::Limits;
/// let (session, format) = decode_stored(Package::FlaskSession, br#"{"a":1}"#, &Limits::server_side())?;
/// assert_eq!((session.len(), format), (1, StoredFormat::Json));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn decode_stored(
    package: Package,
    bytes: &[u8],
    limits: &Limits,
) -> Result<(Session, StoredFormat)> {
    let (value, format) = match package {
        Package::FlaskSession => decode_flask_session(bytes, limits)?,
        Package::QuartSession => {
            crate::value::Budget::new(bytes.len(), limits)?;
            let text = std::str::from_utf8(bytes)
                .map_err(|_| Error::payload(PayloadStage::Utf8, "the stored value is not UTF-8"))?;
            (
                JsonFormat::quart().loads(text, limits)?,
                StoredFormat::TaggedJson,
            )
        }
    };
    match value {
        Value::Dict(d) => Ok((Session::from(d), format)),
        other => Err(Error::payload(
            PayloadStage::NotADict,
            format!(
                "the stored value is a {}, not a session dict",
                other.type_name()
            ),
        )),
    }
}

/// msgpack, then JSON, then pickle, falling through only where a reader cannot read
/// the bytes at all (as `msgspec.DecodeError` and `pickle.UnpicklingError` do); a
/// limit or a value a session cannot hold stops at once.
fn decode_flask_session(bytes: &[u8], limits: &Limits) -> Result<(Value, StoredFormat)> {
    let unreadable = |e: &Error, stage: PayloadStage| matches!(e.kind(), ErrorKind::BadPayload(s) if *s == stage);
    let msgpack = match msgspec::msgpack::decode(bytes, limits) {
        Ok(v) => return Ok((v, StoredFormat::Msgpack)),
        Err(e) if unreadable(&e, PayloadStage::Msgpack) => e,
        Err(e) => return Err(e),
    };
    let json = match msgspec::json::decode(bytes, limits) {
        Ok(v) => return Ok((v, StoredFormat::Json)),
        Err(e) if unreadable(&e, PayloadStage::Json) => e,
        Err(e) => return Err(e),
    };
    match pickle::loads(bytes, limits) {
        Ok(v) => Ok((v, StoredFormat::Pickle)),
        Err(e) if unreadable(&e, PayloadStage::Pickle) && !looks_like_pickle(bytes) => {
            Err(Error::payload(
                PayloadStage::Msgpack,
                format!(
                    "the stored value is neither msgpack ({}), JSON ({}) nor a pickle ({})",
                    msgpack.detail(),
                    json.detail(),
                    e.detail()
                ),
            ))
        }
        Err(e) => Err(e),
    }
}

/// Whether bytes start as a pickle does (a PROTO opcode, or protocol 0/1's first
/// opcodes for a dict).
fn looks_like_pickle(bytes: &[u8]) -> bool {
    matches!(bytes.first(), Some(0x80 | b'(' | b'}'))
}

/// The bytes `package` stores for this session: Flask-Session 0.8 in `format`
/// (msgpack or JSON, as msgspec writes `dict(session)`), Quart-Session as tagged JSON
/// in insertion order (`format` must be [`StoredFormat::TaggedJson`]). What the
/// package cannot write is [`Unencodable`](crate::ErrorKind::Unencodable) (Markup in
/// msgpack, integers past 64 bits, a pickle).
///
/// ```
/// use flask_session_cookie::flask_session::{Package, StoredFormat, encode_stored};
/// use flask_session_cookie::Session;
/// let mut s = Session::new();
/// s.insert("n", 300);
/// assert_eq!(encode_stored(Package::FlaskSession, StoredFormat::Json, &s)?, br#"{"n":300}"#);
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn encode_stored(package: Package, format: StoredFormat, session: &Session) -> Result<Vec<u8>> {
    match (package, format) {
        (Package::FlaskSession, StoredFormat::Msgpack) => {
            msgspec::msgpack::encode_dict(session.as_dict())
        }
        (Package::FlaskSession, StoredFormat::Json) => {
            msgspec::json::encode_dict(session.as_dict())
        }
        (Package::QuartSession, StoredFormat::TaggedJson) => JsonFormat::quart()
            .dumps(
                &Value::Dict(session.as_dict().clone()),
                &Limits::server_side(),
            )
            .map(String::into_bytes),
        (package, format) => Err(Error::unencodable(format!(
            "{package} does not write {format} values"
        ))),
    }
}
