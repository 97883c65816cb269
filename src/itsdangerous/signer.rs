//! HMAC signing and verification: the twin of `itsdangerous.Signer`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroize;

use super::config::{PreparedMac, SignerConfig};
use super::keys::{KeyUsed, SecretKeys};
use crate::error::{Error, Result};

/// What a signer's `unsign` returns: the value that was signed, when, and which key
/// verified it.
///
/// ```
/// use flask_session_cookie::KeyUsed;
/// use flask_session_cookie::itsdangerous::{Signer, SignerConfig};
///
/// let signer = Signer::new("secret-key", SignerConfig::new())?;
/// let unsigned = signer.unsign("my string.wh6tMHxLgJqB6oY1uT73iMlyrOA")?;
/// assert_eq!((unsigned.value, unsigned.timestamp, unsigned.key), ("my string", None, KeyUsed::Current));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unsigned<'a> {
    /// The value that was signed.
    pub value: &'a str,
    /// When it was signed, in Unix seconds; `None` for a signer without timestamps.
    pub timestamp: Option<i64>,
    /// Which key verified it.
    pub key: KeyUsed,
}

/// Signs values and verifies signed values: `value + sep + base64url(HMAC(derived_key, value))`.
///
/// Keys are derived once, in [`Signer::new`]; signing and verifying only clone a
/// prepared HMAC state. A `Signer` is immutable, `Send + Sync` and cheap to share.
///
/// ```
/// use flask_session_cookie::itsdangerous::{Signer, SignerConfig};
///
/// let signer = Signer::new("secret-key", SignerConfig::new())?;
/// let signed = signer.sign("my string");
/// assert_eq!(signed, "my string.wh6tMHxLgJqB6oY1uT73iMlyrOA");
/// assert_eq!(signer.unsign(&signed)?.value, "my string");
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    config: SignerConfig,
    /// In verification order: the first one signs.
    keys: Vec<(KeyUsed, PreparedMac)>,
    /// Whether a key reads as a Python bytes literal (for the error hint only).
    literal_key: bool,
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
    /// use flask_session_cookie::SecretKeys;
    /// use flask_session_cookie::itsdangerous::{Signer, SignerConfig};
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
                (used, PreparedMac::new(config.digest(), &derived))
            })
            .collect();
        Ok(Signer {
            config,
            keys: prepared,
            literal_key: keys
                .verification_order()
                .any(|(_, k)| k.looks_like_python_literal()),
        })
    }

    /// The configuration this signer was built with.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{Signer, SignerConfig};
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
    /// use flask_session_cookie::itsdangerous::{Signer, SignerConfig};
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
        let len = self.config.digest().output_len();
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
    /// use flask_session_cookie::itsdangerous::{Signer, SignerConfig};
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
    /// use flask_session_cookie::{ErrorKind, KeyUsed};
    /// use flask_session_cookie::itsdangerous::{Signer, SignerConfig};
    ///
    /// let signer = Signer::new("secret-key", SignerConfig::new())?;
    /// let unsigned = signer.unsign("my string.wh6tMHxLgJqB6oY1uT73iMlyrOA")?;
    /// assert_eq!((unsigned.value, unsigned.key), ("my string", KeyUsed::Current));
    /// let err = signer.unsign("my string.xh6tMHxLgJqB6oY1uT73iMlyrOA").unwrap_err();
    /// assert_eq!(err.kind(), &ErrorKind::BadSignature);
    /// // Python ignores the unused low bits of the last character; we do not.
    /// let err = signer.unsign("my string.wh6tMHxLgJqB6oY1uT73iMlyrOB").unwrap_err();
    /// assert_eq!(err.kind(), &ErrorKind::Malformed);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn unsign<'a>(&self, signed: &'a str) -> Result<Unsigned<'a>> {
        let (value, sig) = rsplit_sep(signed, self.separator()).ok_or_else(|| {
            Error::malformed(format!(
                "no '{}' separator found in the value",
                self.separator()
            ))
        })?;
        self.verify(value.as_bytes(), sig.as_bytes())
            .map(|key| Unsigned {
                value,
                timestamp: None,
                key,
            })
            .map_err(|e| self.explain(signed, e))
    }

    /// Adds the likely cause to a verification error: input that is not a bare
    /// signed value, or a key that is the repr of the real one. Only failures are
    /// explained; what verifies is never refused for its shape.
    fn explain(&self, signed: &str, err: Error) -> Error {
        match input_hint(signed) {
            Some(Hint::Prefixed { name, rest }) => {
                let verifies = rsplit_sep(rest, self.separator())
                    .is_some_and(|(v, s)| self.verify(v.as_bytes(), s.as_bytes()).is_ok());
                err.with_hint(&format!(
                    "the value starts with \"{name}=\"{}: pass only the cookie's value \
                     (cookie::find_request_cookie takes it out of a Cookie header)",
                    if verifies {
                        ", and what follows verifies"
                    } else {
                        ", which looks like a cookie's name"
                    }
                ))
            }
            Some(hint) => err.with_hint(hint.text()),
            None if err.is_bad_signature() && self.literal_key => err.with_hint(
                "a secret key is written as a Python bytes literal (b'...'); \
                 if that is Python's repr of the real key, pass SecretKey::from_python_literal(...)",
            ),
            None => err,
        }
    }

    /// Checks that `sig` (base64url) is a signature of `value` by one of the keys.
    pub(crate) fn verify(&self, value: &[u8], sig: &[u8]) -> Result<KeyUsed> {
        let len = self.config.digest().output_len();
        let chars = (len * 4).div_ceil(3);
        if sig.len() != chars {
            return Err(Error::malformed(format!(
                "the signature has {} characters; a {} signature has {chars}",
                sig.len(),
                self.config.digest()
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

/// What the shape of a value that failed to verify says about its cause.
#[derive(Debug, PartialEq)]
enum Hint<'a> {
    Whitespace,
    Header,
    Prefixed { name: &'a str, rest: &'a str },
}

impl Hint<'_> {
    fn text(&self) -> &'static str {
        match self {
            Hint::Whitespace => {
                "the value starts or ends with whitespace (a newline from a file or a shell?); \
                 pass it trimmed"
            }
            Hint::Header | Hint::Prefixed { .. } => {
                "this is a whole header, not a cookie's value; cookie::find_request_cookie \
                 (Cookie) or cookie::find_set_cookie (Set-Cookie) takes the value out of it"
            }
        }
    }
}

fn input_hint(signed: &str) -> Option<Hint<'_>> {
    if signed.trim() != signed {
        return Some(Hint::Whitespace);
    }
    let head = signed.get(..11).unwrap_or(signed);
    if ["cookie:", "set-cookie:"].iter().any(|h| {
        head.len() >= h.len()
            && head
                .get(..h.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(h))
    }) {
        return Some(Hint::Header);
    }
    let (name, rest) = signed.split_once('=')?;
    let looks_like_name = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    looks_like_name.then_some(Hint::Prefixed { name, rest })
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
    fn input_hints_name_only_what_looks_like_it() {
        assert_eq!(input_hint(" a.b"), Some(Hint::Whitespace));
        assert_eq!(input_hint("Set-Cookie: x=1"), Some(Hint::Header));
        assert_eq!(input_hint("cookie:x"), Some(Hint::Header));
        assert_eq!(
            input_hint("my_sess-1=a.b"),
            Some(Hint::Prefixed {
                name: "my_sess-1",
                rest: "a.b"
            })
        );
        // Not a cookie name: empty, too long, or with other characters.
        assert_eq!(input_hint("=a.b"), None);
        assert_eq!(input_hint(&format!("{}=a.b", "n".repeat(65))), None);
        assert!(input_hint(&format!("{}=a.b", "n".repeat(64))).is_some());
        assert_eq!(input_hint("a.b=c.d"), None);
        assert_eq!(input_hint("a b=c"), None);
        assert_eq!(input_hint("plain.value"), None);
    }

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
        zeroize_on_drop::<zeroize::Zeroizing<Vec<u8>>>();
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
