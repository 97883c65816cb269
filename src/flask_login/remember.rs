//! The remember-me cookie's value: `<user_id>|<hex HMAC-SHA512>` (Flask-Login's
//! `encode_cookie` / `decode_cookie`).

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha512;

use crate::error::{Error, Result};
use crate::itsdangerous::SecretKey;
use crate::python;

/// Makes and checks Flask-Login's remember-me tokens: `"<user_id>|<digest>"`, the
/// digest the lowercase hex HMAC-SHA512 of the user id's UTF-8 bytes, keyed with
/// `SECRET_KEY` — a `str` key encoded as **Latin-1** (Flask-Login's rule, not
/// itsdangerous'), a bytes key as it is. No salt, no timestamp, no fallback keys.
///
/// ```
/// use flask_session_cookie::flask_login::RememberSigner;
///
/// let signer = RememberSigner::new("dev-secret")?;
/// let token = signer.encode("42");
/// assert!(token.starts_with("42|") && token.len() == 3 + 128);
/// assert_eq!(signer.decode(&token)?, "42");
/// assert!(signer.decode("42|00").unwrap_err().is_bad_signature());
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Clone)]
pub struct RememberSigner {
    mac: Hmac<Sha512>,
}

impl fmt::Debug for RememberSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RememberSigner(<redacted>)")
    }
}

/// The digest's length in bytes (SHA-512).
const DIGEST_LEN: usize = 64;

impl RememberSigner {
    /// A signer for `SECRET_KEY`.
    ///
    /// Fails with a [`Config`](crate::ErrorKind::Config) error for an empty key (with
    /// it, Flask has no session and Flask-Login no login) and for a text key with a
    /// character above U+00FF, which Flask-Login cannot encode.
    ///
    /// ```
    /// use flask_session_cookie::flask_login::RememberSigner;
    /// assert!(RememberSigner::new("").is_err());
    /// assert!(RememberSigner::new("clé").is_ok()); // é is Latin-1
    /// assert!(RememberSigner::new("ключ").is_err());
    /// ```
    pub fn new(key: impl Into<SecretKey>) -> Result<Self> {
        let key = key.into();
        if key.is_empty() {
            return Err(Error::config(
                "the secret key is empty: Flask-Login needs SECRET_KEY",
            ));
        }
        let bytes = key.latin1_bytes()?;
        let mac = <Hmac<Sha512> as KeyInit>::new_from_slice(&bytes)
            .map_err(|_| Error::config("the secret key cannot key an HMAC"))?;
        Ok(RememberSigner { mac })
    }

    /// The hex digest of `user_id` (Flask-Login's `_cookie_digest`).
    ///
    /// ```
    /// let signer = flask_session_cookie::flask_login::RememberSigner::new("k")?;
    /// assert_eq!(signer.digest("1").len(), 128);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn digest(&self, user_id: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(user_id.as_bytes());
        let mut out = String::with_capacity(DIGEST_LEN * 2);
        python::push_hex(&mac.finalize().into_bytes(), &mut out);
        out
    }

    /// The remember cookie's value for `user_id` (`encode_cookie`): `user_id|digest`.
    ///
    /// ```
    /// let signer = flask_session_cookie::flask_login::RememberSigner::new("k")?;
    /// assert!(signer.encode("a|b").starts_with("a|b|"));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn encode(&self, user_id: &str) -> String {
        let mut out = String::with_capacity(user_id.len() + 1 + DIGEST_LEN * 2);
        out.push_str(user_id);
        out.push('|');
        out.push_str(&self.digest(user_id));
        out
    }

    /// The user id of a remember cookie's value (`decode_cookie`): split at the last
    /// `|`, the digest compared in constant time.
    ///
    /// Errors: [`Malformed`](crate::ErrorKind::Malformed) without a `|`;
    /// [`BadSignature`](crate::ErrorKind::BadSignature) when the digest is not the
    /// lowercase hex HMAC of the user id (uppercase hex is refused, as Flask-Login's
    /// string comparison refuses it). Both are [`Error::is_bad_signature`]: Flask-Login
    /// ignores such a cookie.
    ///
    /// ```
    /// use flask_session_cookie::ErrorKind;
    /// let signer = flask_session_cookie::flask_login::RememberSigner::new("k")?;
    /// let token = signer.encode("7");
    /// assert_eq!(signer.decode(&token)?, "7");
    /// assert_eq!(signer.decode("7").unwrap_err().kind(), &ErrorKind::Malformed);
    /// let upper = format!("7|{}", token[2..].to_uppercase());
    /// assert_eq!(signer.decode(&upper).unwrap_err().kind(), &ErrorKind::BadSignature);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn decode<'a>(&self, token: &'a str) -> Result<&'a str> {
        let (user_id, digest) = token.rsplit_once('|').ok_or_else(|| {
            Error::malformed("a remember cookie is \"<user_id>|<digest>\", and this has no '|'")
        })?;
        let tag = python::parse_lower_hex(digest, DIGEST_LEN).ok_or_else(|| {
            Error::bad_signature_because(
                "the remember cookie's digest is not 128 lowercase hex digits",
            )
        })?;
        let mut mac = self.mac.clone();
        mac.update(user_id.as_bytes());
        mac.verify_slice(&tag)
            .map(|()| user_id)
            .map_err(|_| Error::bad_signature())
    }
}
