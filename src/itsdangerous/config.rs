//! Signer settings: digest, key derivation, salt and separator, and the prepared
//! HMAC states they lead to.

use std::borrow::Cow;
use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The hash function of the HMAC (itsdangerous `digest_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Digest {
    /// SHA-1: Flask's and itsdangerous' default. Still sound for HMAC.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Digest {
    /// The digest's output length in bytes.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::itsdangerous::Digest::Sha1.output_len(), 20);
    /// ```
    pub const fn output_len(self) -> usize {
        match self {
            Digest::Sha1 => 20,
            Digest::Sha256 => 32,
            Digest::Sha384 => 48,
            Digest::Sha512 => 64,
        }
    }

    fn hash(self, parts: &[&[u8]]) -> Zeroizing<Vec<u8>> {
        fn run<D: sha2::Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut d = D::new();
            for p in parts {
                d.update(p);
            }
            d.finalize().to_vec()
        }
        Zeroizing::new(match self {
            Digest::Sha1 => run::<Sha1>(parts),
            Digest::Sha256 => run::<Sha256>(parts),
            Digest::Sha384 => run::<Sha384>(parts),
            Digest::Sha512 => run::<Sha512>(parts),
        })
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Digest::Sha1 => "SHA-1",
            Digest::Sha256 => "SHA-256",
            Digest::Sha384 => "SHA-384",
            Digest::Sha512 => "SHA-512",
        })
    }
}

impl std::str::FromStr for Digest {
    type Err = Error;

    /// Parses `sha1`, `sha256`, `sha384` or `sha512` (case-insensitive).
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "sha1" | "sha-1" => Ok(Digest::Sha1),
            "sha256" | "sha-256" => Ok(Digest::Sha256),
            "sha384" | "sha-384" => Ok(Digest::Sha384),
            "sha512" | "sha-512" => Ok(Digest::Sha512),
            _ => Err(Error::config(format!(
                "unknown digest {s:?}: expected sha1, sha256, sha384 or sha512"
            ))),
        }
    }
}

/// How the signing key is derived from the secret key and the salt
/// (itsdangerous `key_derivation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyDerivation {
    /// `HMAC(secret, salt)`: Flask's choice.
    Hmac,
    /// `digest(salt + secret)`.
    Concat,
    /// `digest(salt + "signer" + secret)`: itsdangerous' default.
    DjangoConcat,
    /// The secret key itself; the salt is ignored.
    None,
}

impl std::str::FromStr for KeyDerivation {
    type Err = Error;

    /// Parses `hmac`, `concat`, `django-concat` or `none`, as itsdangerous names them.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "hmac" => Ok(KeyDerivation::Hmac),
            "concat" => Ok(KeyDerivation::Concat),
            "django-concat" => Ok(KeyDerivation::DjangoConcat),
            "none" => Ok(KeyDerivation::None),
            _ => Err(Error::config(format!(
                "unknown key derivation {s:?}: expected hmac, concat, django-concat or none"
            ))),
        }
    }
}

/// Signer settings: salt, separator, key derivation and digest.
///
/// [`SignerConfig::new`] gives itsdangerous' defaults; [`SignerConfig::flask_session`]
/// gives Flask's session settings.
///
/// ```
/// use flask_session_cookie::itsdangerous::{Digest, KeyDerivation, SignerConfig};
///
/// let config = SignerConfig::new()
///     .with_salt("reset-password")
///     .with_digest(Digest::Sha256)
///     .with_key_derivation(KeyDerivation::Hmac);
/// assert_eq!(config.salt(), b"reset-password");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerConfig {
    salt: Cow<'static, [u8]>,
    separator: Cow<'static, str>,
    key_derivation: KeyDerivation,
    digest: Digest,
}

impl Default for SignerConfig {
    fn default() -> Self {
        SignerConfig::new()
    }
}

impl SignerConfig {
    /// itsdangerous' `Signer` defaults: salt `itsdangerous.Signer`, separator `.`,
    /// key derivation `django-concat`, digest SHA-1.
    ///
    /// ```
    /// let config = flask_session_cookie::itsdangerous::SignerConfig::new();
    /// assert_eq!(config.salt(), b"itsdangerous.Signer");
    /// ```
    pub const fn new() -> Self {
        SignerConfig {
            salt: Cow::Borrowed(b"itsdangerous.Signer"),
            separator: Cow::Borrowed("."),
            key_derivation: KeyDerivation::DjangoConcat,
            digest: Digest::Sha1,
        }
    }

    /// itsdangerous' `Serializer` defaults (`URLSafeSerializer`,
    /// `URLSafeTimedSerializer`): like [`SignerConfig::new`] but with salt
    /// `itsdangerous`.
    ///
    /// ```
    /// let config = flask_session_cookie::itsdangerous::SignerConfig::itsdangerous_serializer();
    /// assert_eq!(config.salt(), b"itsdangerous");
    /// ```
    pub const fn itsdangerous_serializer() -> Self {
        SignerConfig {
            salt: Cow::Borrowed(b"itsdangerous"),
            separator: Cow::Borrowed("."),
            key_derivation: KeyDerivation::DjangoConcat,
            digest: Digest::Sha1,
        }
    }

    /// Flask's session settings (`SecureCookieSessionInterface`): salt
    /// `cookie-session`, separator `.`, key derivation `hmac`, digest SHA-1.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{Digest, KeyDerivation, SignerConfig};
    ///
    /// let config = SignerConfig::flask_session();
    /// assert_eq!(config.salt(), b"cookie-session");
    /// assert_eq!(config.key_derivation(), KeyDerivation::Hmac);
    /// assert_eq!(config.digest(), Digest::Sha1);
    /// ```
    pub const fn flask_session() -> Self {
        SignerConfig {
            salt: Cow::Borrowed(b"cookie-session"),
            separator: Cow::Borrowed("."),
            key_derivation: KeyDerivation::Hmac,
            digest: Digest::Sha1,
        }
    }

    /// Sets the salt (itsdangerous `salt`). Default: `itsdangerous.Signer`.
    ///
    /// ```
    /// let config = flask_session_cookie::itsdangerous::SignerConfig::new().with_salt(b"bytes too".to_vec());
    /// assert_eq!(config.salt(), b"bytes too");
    /// ```
    #[must_use]
    pub fn with_salt(mut self, salt: impl Into<Vec<u8>>) -> Self {
        self.salt = Cow::Owned(salt.into());
        self
    }

    /// Sets the separator between value and signature (itsdangerous `sep`). Default: `.`.
    /// It must be non-empty and contain no base64url character; [`Signer::new`](super::Signer::new)
    /// checks this.
    ///
    /// ```
    /// let config = flask_session_cookie::itsdangerous::SignerConfig::new().with_separator("|");
    /// assert_eq!(config.separator(), "|");
    /// ```
    #[must_use]
    pub fn with_separator(mut self, separator: impl Into<String>) -> Self {
        self.separator = Cow::Owned(separator.into());
        self
    }

    /// Sets the key derivation. Default: [`KeyDerivation::DjangoConcat`].
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{KeyDerivation, SignerConfig};
    /// let config = SignerConfig::new().with_key_derivation(KeyDerivation::None);
    /// assert_eq!(config.key_derivation(), KeyDerivation::None);
    /// ```
    #[must_use]
    pub const fn with_key_derivation(mut self, key_derivation: KeyDerivation) -> Self {
        self.key_derivation = key_derivation;
        self
    }

    /// Sets the digest. Default: [`Digest::Sha1`].
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{Digest, SignerConfig};
    /// assert_eq!(SignerConfig::new().with_digest(Digest::Sha512).digest(), Digest::Sha512);
    /// ```
    #[must_use]
    pub const fn with_digest(mut self, digest: Digest) -> Self {
        self.digest = digest;
        self
    }

    /// The salt.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::itsdangerous::SignerConfig::flask_session().salt(), b"cookie-session");
    /// ```
    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    /// The separator.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::itsdangerous::SignerConfig::new().separator(), ".");
    /// ```
    pub fn separator(&self) -> &str {
        &self.separator
    }

    /// The key derivation.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{KeyDerivation, SignerConfig};
    /// assert_eq!(SignerConfig::new().key_derivation(), KeyDerivation::DjangoConcat);
    /// ```
    pub const fn key_derivation(&self) -> KeyDerivation {
        self.key_derivation
    }

    /// The digest.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{Digest, SignerConfig};
    /// assert_eq!(SignerConfig::new().digest(), Digest::Sha1);
    /// ```
    pub const fn digest(&self) -> Digest {
        self.digest
    }

    /// Derives the signing key for one secret key, as itsdangerous' `derive_key` does.
    pub(super) fn derive(&self, secret: &[u8]) -> Zeroizing<Vec<u8>> {
        match self.key_derivation {
            KeyDerivation::Concat => self.digest.hash(&[&self.salt, secret]),
            KeyDerivation::DjangoConcat => self.digest.hash(&[&self.salt, b"signer", secret]),
            KeyDerivation::Hmac => {
                let mac = PreparedMac::new(self.digest, secret);
                let mut out = Zeroizing::new(vec![0u8; self.digest.output_len()]);
                mac.sign_into(&self.salt, &mut out);
                out
            }
            KeyDerivation::None => Zeroizing::new(secret.to_vec()),
        }
    }
}

/// An HMAC keyed once and cloned for each use.
#[derive(Clone)]
pub(super) enum PreparedMac {
    Sha1(Hmac<Sha1>),
    Sha256(Hmac<Sha256>),
    Sha384(Hmac<Sha384>),
    Sha512(Hmac<Sha512>),
}

macro_rules! with_mac {
    ($self:expr, $m:ident => $body:expr) => {
        match $self {
            PreparedMac::Sha1($m) => $body,
            PreparedMac::Sha256($m) => $body,
            PreparedMac::Sha384($m) => $body,
            PreparedMac::Sha512($m) => $body,
        }
    };
}

impl PreparedMac {
    pub(super) fn new(digest: Digest, key: &[u8]) -> Self {
        // HMAC accepts keys of any length, so these constructors cannot fail; the
        // fallback keeps the code free of `unwrap` all the same.
        fn keyed<D: hmac::EagerHash>(key: &[u8]) -> Hmac<D>
        where
            Hmac<D>: KeyInit,
        {
            <Hmac<D> as KeyInit>::new_from_slice(key)
                .unwrap_or_else(|_| <Hmac<D> as KeyInit>::new(&Default::default()))
        }
        match digest {
            Digest::Sha1 => PreparedMac::Sha1(keyed(key)),
            Digest::Sha256 => PreparedMac::Sha256(keyed(key)),
            Digest::Sha384 => PreparedMac::Sha384(keyed(key)),
            Digest::Sha512 => PreparedMac::Sha512(keyed(key)),
        }
    }

    /// Writes the MAC of `msg` into `out` (which has the digest's length).
    pub(super) fn sign_into(&self, msg: &[u8], out: &mut [u8]) {
        with_mac!(self, m => {
            let mut m = m.clone();
            m.update(msg);
            let tag = m.finalize().into_bytes();
            for (o, t) in out.iter_mut().zip(tag.iter()) {
                *o = *t;
            }
        })
    }

    /// Constant-time check of `tag` against the MAC of `msg`.
    pub(super) fn verify(&self, msg: &[u8], tag: &[u8]) -> bool {
        with_mac!(self, m => {
            let mut m = m.clone();
            m.update(msg);
            m.verify_slice(tag).is_ok()
        })
    }
}
