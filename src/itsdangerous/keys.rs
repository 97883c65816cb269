//! Secret keys: Flask's `SECRET_KEY` and `SECRET_KEY_FALLBACKS`, and which of them
//! verified a token.

use std::fmt;

use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// A secret key: the bytes of Flask's `SECRET_KEY` (a `str` is taken as its UTF-8 bytes,
/// as itsdangerous' `want_bytes` does).
///
/// The key remembers whether it was text (a Python `str`, made from a Rust `&str` or
/// `String`) or bytes (a Python `bytes`, made from `&[u8]`, `Vec<u8>` or
/// [`from_python_literal`](SecretKey::from_python_literal)): Flask-Login encodes a
/// `str` key as Latin-1, not UTF-8 ([`is_text`](SecretKey::is_text)).
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
pub struct SecretKey {
    bytes: Zeroizing<Vec<u8>>,
    text: bool,
}

impl SecretKey {
    /// The key a Python bytes literal stands for, as a Flask config file or
    /// `print(app.secret_key)` shows it: `b'_5#y2L"F4Q8z\n\xec]/'` (any quotes, Python's
    /// escapes). Fails with a [`Config`](crate::ErrorKind::Config) error for text that is
    /// not a bytes literal (the error does not quote it).
    ///
    /// ```
    /// use flask_session_cookie::SecretKey;
    ///
    /// let key = SecretKey::from_python_literal(r#"b'_5#y2L"F4Q8z\n\xec]/'"#)?;
    /// assert_eq!(key.as_bytes(), b"_5#y2L\"F4Q8z\n\xec]/");
    /// assert!(SecretKey::from_python_literal("not a literal").is_err());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn from_python_literal(text: &str) -> Result<Self> {
        crate::python::parse_bytes_literal(text)
            .map(SecretKey::from)
            .ok_or_else(|| {
                Error::config(
                    "the key is not a Python bytes literal (b'...' with Python's escapes)",
                )
            })
    }

    /// Whether the key's bytes read as a Python bytes literal (`b'...'`): the key was
    /// most likely copied from Python's repr of the real one.
    pub(crate) fn looks_like_python_literal(&self) -> bool {
        std::str::from_utf8(&self.bytes)
            .is_ok_and(|t| crate::python::parse_bytes_literal(t).is_some())
    }

    /// The key's length in bytes.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::SecretKey::from("dev").len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the key is empty (Flask refuses an empty `SECRET_KEY`).
    ///
    /// ```
    /// assert!(flask_session_cookie::SecretKey::from("").is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The key's bytes.
    ///
    /// ```
    /// let key = flask_session_cookie::SecretKey::from(&[1u8, 2, 3][..]);
    /// assert_eq!(key.as_bytes(), &[1, 2, 3]);
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether the key is text (a Python `str`) rather than bytes.
    ///
    /// ```
    /// use flask_session_cookie::SecretKey;
    /// assert!(SecretKey::from("dev-secret").is_text());
    /// assert!(!SecretKey::from(&b"dev-secret"[..]).is_text());
    /// assert!(!SecretKey::from_python_literal("b'dev'")?.is_text());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn is_text(&self) -> bool {
        self.text
    }

    /// The key's bytes as Flask-Login takes them: a `str` key encoded as Latin-1
    /// (`key.encode("latin1")`), a bytes key as it is. A text key with a character
    /// above U+00FF has no Latin-1 form (Python raises `UnicodeEncodeError`).
    pub(crate) fn latin1_bytes(&self) -> Result<Zeroizing<Vec<u8>>> {
        if !self.text {
            return Ok(Zeroizing::new(self.bytes.to_vec()));
        }
        let text = std::str::from_utf8(&self.bytes)
            .map_err(|_| Error::config("the text key is not UTF-8"))?;
        let mut out = Zeroizing::new(Vec::with_capacity(text.len()));
        for c in text.chars() {
            match u8::try_from(u32::from(c)) {
                Ok(b) => out.push(b),
                Err(_) => {
                    return Err(Error::config(
                        "the SECRET_KEY has a character outside Latin-1, which Flask-Login \
                         cannot encode (Python raises UnicodeEncodeError): no remember cookie \
                         can be made or checked with it",
                    ));
                }
            }
        }
        Ok(out)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl From<&str> for SecretKey {
    fn from(s: &str) -> Self {
        SecretKey {
            bytes: Zeroizing::new(s.as_bytes().to_vec()),
            text: true,
        }
    }
}

impl From<String> for SecretKey {
    fn from(s: String) -> Self {
        SecretKey {
            bytes: Zeroizing::new(s.into_bytes()),
            text: true,
        }
    }
}

impl From<&String> for SecretKey {
    fn from(s: &String) -> Self {
        SecretKey::from(s.as_str())
    }
}

impl From<&[u8]> for SecretKey {
    fn from(b: &[u8]) -> Self {
        SecretKey {
            bytes: Zeroizing::new(b.to_vec()),
            text: false,
        }
    }
}

impl<const N: usize> From<&[u8; N]> for SecretKey {
    fn from(b: &[u8; N]) -> Self {
        SecretKey {
            bytes: Zeroizing::new(b.to_vec()),
            text: false,
        }
    }
}

impl From<Vec<u8>> for SecretKey {
    fn from(b: Vec<u8>) -> Self {
        SecretKey {
            bytes: Zeroizing::new(b),
            text: false,
        }
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

    /// The current key (`SECRET_KEY`): the one that signs.
    ///
    /// ```
    /// let keys = flask_session_cookie::SecretKeys::new("new").with_fallback("old");
    /// assert_eq!(keys.current().as_bytes(), b"new");
    /// ```
    pub fn current(&self) -> &SecretKey {
        &self.current
    }

    /// The fallback keys, in the order of `SECRET_KEY_FALLBACKS` (oldest first).
    ///
    /// ```
    /// let keys = flask_session_cookie::SecretKeys::new("new").with_fallback("old");
    /// assert_eq!(keys.fallbacks()[0].as_bytes(), b"old");
    /// ```
    pub fn fallbacks(&self) -> &[SecretKey] {
        &self.fallbacks
    }

    /// Keys in verification order: current, then fallbacks from last to first.
    pub(super) fn verification_order(&self) -> impl Iterator<Item = (KeyUsed, &SecretKey)> {
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
