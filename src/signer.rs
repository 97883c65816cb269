//! HMAC signing and verification: the twin of `itsdangerous.Signer`.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha384, Sha512};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

/// A secret key: the bytes of Flask's `SECRET_KEY` (a `str` is taken as its UTF-8 bytes,
/// as itsdangerous' `want_bytes` does).
///
/// The bytes are zeroized on drop and never shown by `Debug`.
///
/// ```
/// use flask_session_cookie::SecretKey;
///
/// let from_str = SecretKey::from("dev-secret");
/// let from_bytes = SecretKey::from(b"dev-secret".to_vec());
/// assert_eq!(from_str.as_bytes(), from_bytes.as_bytes());
/// assert_eq!(format!("{from_str:?}"), "SecretKey(<redacted>)");
/// ```
#[derive(Clone)]
pub struct SecretKey(Zeroizing<Vec<u8>>);

impl SecretKey {
    /// The key's bytes.
    ///
    /// ```
    /// let key = flask_session_cookie::SecretKey::from(&[1u8, 2, 3][..]);
    /// assert_eq!(key.as_bytes(), &[1, 2, 3]);
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl From<&str> for SecretKey {
    fn from(s: &str) -> Self {
        SecretKey(Zeroizing::new(s.as_bytes().to_vec()))
    }
}

impl From<String> for SecretKey {
    fn from(s: String) -> Self {
        SecretKey(Zeroizing::new(s.into_bytes()))
    }
}

impl From<&String> for SecretKey {
    fn from(s: &String) -> Self {
        SecretKey::from(s.as_str())
    }
}

impl From<&[u8]> for SecretKey {
    fn from(b: &[u8]) -> Self {
        SecretKey(Zeroizing::new(b.to_vec()))
    }
}

impl<const N: usize> From<&[u8; N]> for SecretKey {
    fn from(b: &[u8; N]) -> Self {
        SecretKey(Zeroizing::new(b.to_vec()))
    }
}

impl From<Vec<u8>> for SecretKey {
    fn from(b: Vec<u8>) -> Self {
        SecretKey(Zeroizing::new(b))
    }
}

/// The secret keys of an app: the current key, which signs, and older keys that
/// still verify — Flask's `SECRET_KEY` and `SECRET_KEY_FALLBACKS`.
///
/// Verification tries the current key first, then the fallbacks from the last one
/// listed to the first, as Flask ≥ 3.1.1 does.
///
/// ```
/// use flask_session_cookie::SecretKeys;
///
/// let keys = SecretKeys::new("new-secret").with_fallback("older").with_fallback("old");
/// assert_eq!(keys.len(), 3);
/// ```
#[derive(Clone, Debug)]
pub struct SecretKeys {
    current: SecretKey,
    fallbacks: Vec<SecretKey>,
}

impl SecretKeys {
    /// Keys with `current` as the only key (Flask's `SECRET_KEY`).
    ///
    /// ```
    /// let keys = flask_session_cookie::SecretKeys::new("dev-secret");
    /// assert_eq!(keys.len(), 1);
    /// ```
    pub fn new(current: impl Into<SecretKey>) -> Self {
        SecretKeys {
            current: current.into(),
            fallbacks: Vec::new(),
        }
    }

    /// Adds a key to the end of the fallback list, in the order of Flask's
    /// `SECRET_KEY_FALLBACKS` (oldest first; the last one is tried first).
    ///
    /// ```
    /// let keys = flask_session_cookie::SecretKeys::new("dev-secret").with_fallback("old-secret");
    /// assert_eq!(keys.len(), 2);
    /// ```
    #[must_use]
    pub fn with_fallback(mut self, key: impl Into<SecretKey>) -> Self {
        self.fallbacks.push(key.into());
        self
    }

    /// Builds keys from an itsdangerous-style list ordered oldest to newest: the last
    /// key signs. Fails with a [`Config`](crate::ErrorKind::Config) error when the list is empty.
    ///
    /// ```
    /// use flask_session_cookie::SecretKeys;
    ///
    /// let keys = SecretKeys::from_oldest_to_newest(["old-secret", "dev-secret"])?;
    /// assert_eq!(keys.len(), 2);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn from_oldest_to_newest<K: Into<SecretKey>>(
        keys: impl IntoIterator<Item = K>,
    ) -> Result<Self> {
        let mut keys: Vec<SecretKey> = keys.into_iter().map(Into::into).collect();
        let current = keys
            .pop()
            .ok_or_else(|| Error::config("at least one secret key is needed"))?;
        Ok(SecretKeys {
            current,
            fallbacks: keys,
        })
    }

    /// How many keys there are, the current one included.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::SecretKeys::new("k").len(), 1);
    /// ```
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        1 + self.fallbacks.len()
    }

    /// Keys in verification order: current, then fallbacks from last to first.
    fn verification_order(&self) -> impl Iterator<Item = (KeyUsed, &SecretKey)> {
        std::iter::once((KeyUsed::Current, &self.current)).chain(
            self.fallbacks
                .iter()
                .enumerate()
                .rev()
                .map(|(i, k)| (KeyUsed::Fallback(i), k)),
        )
    }
}

impl<K: Into<SecretKey>> From<K> for SecretKeys {
    fn from(key: K) -> Self {
        SecretKeys::new(key)
    }
}

/// Which key verified a token.
///
/// ```
/// use flask_session_cookie::{KeyUsed, SecretKeys, SessionCodec};
///
/// let codec = SessionCodec::new(SecretKeys::new("dev-secret").with_fallback("old-secret"))?;
/// let decoded = codec.open_at("eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.sMoyEzU2dlrtSHXvXm8qA2jAnjs", 1_700_000_000)?;
/// assert_eq!(decoded.key, KeyUsed::Fallback(0));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyUsed {
    /// The current key (`SECRET_KEY`).
    Current,
    /// The fallback at this index of the list as given (`SECRET_KEY_FALLBACKS[i]`).
    Fallback(usize),
}

impl fmt::Display for KeyUsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyUsed::Current => f.write_str("the current secret key"),
            KeyUsed::Fallback(i) => write!(f, "fallback key #{i}"),
        }
    }
}

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
    /// assert_eq!(flask_session_cookie::Digest::Sha1.output_len(), 20);
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
/// use flask_session_cookie::{Digest, KeyDerivation, SignerConfig};
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
    /// let config = flask_session_cookie::SignerConfig::new();
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
    /// let config = flask_session_cookie::SignerConfig::itsdangerous_serializer();
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
    /// use flask_session_cookie::{Digest, KeyDerivation, SignerConfig};
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
    /// let config = flask_session_cookie::SignerConfig::new().with_salt(b"bytes too".to_vec());
    /// assert_eq!(config.salt(), b"bytes too");
    /// ```
    #[must_use]
    pub fn with_salt(mut self, salt: impl Into<Vec<u8>>) -> Self {
        self.salt = Cow::Owned(salt.into());
        self
    }

    /// Sets the separator between value and signature (itsdangerous `sep`). Default: `.`.
    /// It must be non-empty and contain no base64url character; [`Signer::new`]
    /// checks this.
    ///
    /// ```
    /// let config = flask_session_cookie::SignerConfig::new().with_separator("|");
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
    /// use flask_session_cookie::{KeyDerivation, SignerConfig};
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
    /// use flask_session_cookie::{Digest, SignerConfig};
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
    /// assert_eq!(flask_session_cookie::SignerConfig::flask_session().salt(), b"cookie-session");
    /// ```
    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    /// The separator.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::SignerConfig::new().separator(), ".");
    /// ```
    pub fn separator(&self) -> &str {
        &self.separator
    }

    /// The key derivation.
    ///
    /// ```
    /// use flask_session_cookie::{KeyDerivation, SignerConfig};
    /// assert_eq!(SignerConfig::new().key_derivation(), KeyDerivation::DjangoConcat);
    /// ```
    pub const fn key_derivation(&self) -> KeyDerivation {
        self.key_derivation
    }

    /// The digest.
    ///
    /// ```
    /// use flask_session_cookie::{Digest, SignerConfig};
    /// assert_eq!(SignerConfig::new().digest(), Digest::Sha1);
    /// ```
    pub const fn digest(&self) -> Digest {
        self.digest
    }

    /// Derives the signing key for one secret key, as itsdangerous' `derive_key` does.
    fn derive(&self, secret: &[u8]) -> Zeroizing<Vec<u8>> {
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
enum PreparedMac {
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
    fn new(digest: Digest, key: &[u8]) -> Self {
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
    fn sign_into(&self, msg: &[u8], out: &mut [u8]) {
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
    fn verify(&self, msg: &[u8], tag: &[u8]) -> bool {
        with_mac!(self, m => {
            let mut m = m.clone();
            m.update(msg);
            m.verify_slice(tag).is_ok()
        })
    }
}

/// Signs values and verifies signed values: `value + sep + base64url(HMAC(derived_key, value))`.
///
/// Keys are derived once, in [`Signer::new`]; signing and verifying only clone a
/// prepared HMAC state. A `Signer` is immutable, `Send + Sync` and cheap to share.
///
/// ```
/// use flask_session_cookie::{Signer, SignerConfig};
///
/// let signer = Signer::new("secret-key", SignerConfig::new())?;
/// let signed = signer.sign("my string");
/// assert_eq!(signed, "my string.wh6tMHxLgJqB6oY1uT73iMlyrOA");
/// assert_eq!(signer.unsign(&signed)?.0, "my string");
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    config: SignerConfig,
    /// In verification order: the first one signs.
    keys: Vec<(KeyUsed, PreparedMac)>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("config", &self.config)
            .field("keys", &format_args!("<{} redacted>", self.keys.len()))
            .finish()
    }
}

impl Signer {
    /// Builds a signer, deriving every key once.
    ///
    /// Fails with a [`Config`](crate::ErrorKind::Config) error when the separator is
    /// empty or contains a base64url character.
    ///
    /// ```
    /// use flask_session_cookie::{SecretKeys, Signer, SignerConfig};
    ///
    /// let keys = SecretKeys::new("new").with_fallback("old");
    /// let signer = Signer::new(keys, SignerConfig::new())?;
    /// assert!(Signer::new("k", SignerConfig::new().with_separator("a")).is_err());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(keys: impl Into<SecretKeys>, config: SignerConfig) -> Result<Self> {
        let keys = keys.into();
        let sep = config.separator();
        if sep.is_empty() {
            return Err(Error::config("the separator must not be empty"));
        }
        if sep
            .bytes()
            .any(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
        {
            return Err(Error::config(format!(
                "the separator {sep:?} cannot be used because it may occur in a base64url signature"
            )));
        }
        let prepared = keys
            .verification_order()
            .map(|(used, key)| {
                let derived = config.derive(key.as_bytes());
                (used, PreparedMac::new(config.digest, &derived))
            })
            .collect();
        Ok(Signer {
            config,
            keys: prepared,
        })
    }

    /// The configuration this signer was built with.
    ///
    /// ```
    /// use flask_session_cookie::{Signer, SignerConfig};
    /// let signer = Signer::new("k", SignerConfig::flask_session())?;
    /// assert_eq!(signer.config().salt(), b"cookie-session");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn config(&self) -> &SignerConfig {
        &self.config
    }

    /// The base64url (unpadded) signature of `value` with the current key.
    ///
    /// ```
    /// use flask_session_cookie::{Signer, SignerConfig};
    /// let signer = Signer::new("secret-key", SignerConfig::new())?;
    /// assert_eq!(signer.signature(b"my string"), "wh6tMHxLgJqB6oY1uT73iMlyrOA");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn signature(&self, value: &[u8]) -> String {
        let mut out = String::new();
        self.push_signature(value, &mut out);
        out
    }

    pub(crate) fn push_signature(&self, value: &[u8], out: &mut String) {
        let mut tag = [0u8; 64];
        let len = self.config.digest.output_len();
        let tag = tag.get_mut(..len).unwrap_or_default();
        if let Some((_, mac)) = self.keys.first() {
            mac.sign_into(value, tag);
        }
        URL_SAFE_NO_PAD.encode_string(&*tag, out);
        tag.zeroize();
    }

    /// Signs `value` with the current key: `value + sep + signature`.
    ///
    /// ```
    /// use flask_session_cookie::{Signer, SignerConfig};
    /// let signer = Signer::new("secret-key", SignerConfig::new())?;
    /// assert!(signer.sign("hello").starts_with("hello."));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn sign(&self, value: &str) -> String {
        let mut out = String::with_capacity(value.len() + 1 + 88);
        out.push_str(value);
        out.push_str(self.separator());
        self.push_signature(value.as_bytes(), &mut out);
        out
    }

    pub(crate) fn separator(&self) -> &str {
        self.config.separator()
    }

    /// Checks the signature of `signed` and returns the value before it, with the key
    /// that verified it.
    ///
    /// Errors: [`Malformed`](crate::ErrorKind::Malformed) when there is no separator or
    /// the signature is not the canonical unpadded base64url of a digest of the right
    /// length; [`BadSignature`](crate::ErrorKind::BadSignature) when it is, but no key
    /// verifies it. The comparison is constant-time.
    ///
    /// ```
    /// use flask_session_cookie::{ErrorKind, KeyUsed, Signer, SignerConfig};
    ///
    /// let signer = Signer::new("secret-key", SignerConfig::new())?;
    /// let (value, key) = signer.unsign("my string.wh6tMHxLgJqB6oY1uT73iMlyrOA")?;
    /// assert_eq!((value, key), ("my string", KeyUsed::Current));
    /// let err = signer.unsign("my string.xh6tMHxLgJqB6oY1uT73iMlyrOA").unwrap_err();
    /// assert_eq!(err.kind(), &ErrorKind::BadSignature);
    /// // Python ignores the unused low bits of the last character; we do not.
    /// let err = signer.unsign("my string.wh6tMHxLgJqB6oY1uT73iMlyrOB").unwrap_err();
    /// assert_eq!(err.kind(), &ErrorKind::Malformed);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn unsign<'a>(&self, signed: &'a str) -> Result<(&'a str, KeyUsed)> {
        let (value, sig) = rsplit_sep(signed, self.separator()).ok_or_else(|| {
            Error::malformed(format!(
                "no '{}' separator found in the value",
                self.separator()
            ))
        })?;
        self.verify(value.as_bytes(), sig.as_bytes())
            .map(|key| (value, key))
    }

    /// Checks that `sig` (base64url) is a signature of `value` by one of the keys.
    pub(crate) fn verify(&self, value: &[u8], sig: &[u8]) -> Result<KeyUsed> {
        let len = self.config.digest.output_len();
        let chars = (len * 4).div_ceil(3);
        if sig.len() != chars {
            return Err(Error::malformed(format!(
                "the signature has {} characters; a {} signature has {chars}",
                sig.len(),
                self.config.digest
            )));
        }
        let mut tag = [0u8; 64];
        let decoded = URL_SAFE_NO_PAD.decode_slice(sig, &mut tag).map_err(|e| {
            Error::malformed("the signature is not canonical unpadded base64url").with_source(e)
        })?;
        if decoded != len {
            return Err(Error::malformed("the signature has the wrong length"));
        }
        let tag = tag.get(..len).unwrap_or_default();
        for (used, mac) in &self.keys {
            if mac.verify(value, tag) {
                return Ok(*used);
            }
        }
        Err(Error::bad_signature())
    }
}

/// Splits at the last `sep`: a byte search for the usual one-byte separator, a
/// substring search otherwise.
pub(crate) fn rsplit_sep<'a>(s: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    match sep.as_bytes() {
        [b] if b.is_ascii() => s.rsplit_once(char::from(*b)),
        _ => s.rsplit_once(sep),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsplit_sep_one_byte_and_longer() {
        assert_eq!(rsplit_sep("a.b.c", "."), Some(("a.b", "c")));
        assert_eq!(rsplit_sep("a::b::c", "::"), Some(("a::b", "c")));
        assert_eq!(rsplit_sep("abc", "."), None);
        assert_eq!(rsplit_sep("é.x", "."), Some(("é", "x")));
    }

    #[test]
    fn flask_derived_key_matches_spec() {
        let key = SignerConfig::flask_session().derive(b"dev-secret");
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "48a4b423f2a3883c61406a9f20d47ecf468f349d");
    }

    #[test]
    fn key_material_is_zeroized_on_drop() {
        // Compile-time proof that what holds key material wipes it on drop: a prepared
        // HMAC keeps only the two hash cores keyed with ipad/opad (`HmacCore { digest,
        // opad_digest }`), and with the `zeroize` features of sha1/sha2 those cores
        // zeroize their state in `Drop`. Secret and derived keys are `Zeroizing`.
        fn zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        zeroize_on_drop::<sha1::block_api::Sha1Core>();
        zeroize_on_drop::<sha2::block_api::Sha256VarCore>();
        zeroize_on_drop::<sha2::block_api::Sha512VarCore>();
        zeroize_on_drop::<Zeroizing<Vec<u8>>>();
    }

    #[test]
    fn debug_never_shows_keys() {
        let signer = match Signer::new("hunter2-secret", SignerConfig::new()) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let dbg = format!("{signer:?}");
        assert!(!dbg.contains("hunter2"), "{dbg}");
        assert!(
            !format!("{:?}", SecretKeys::new("hunter2").with_fallback("x")).contains("hunter2")
        );
    }
}
