//! URL-safe serializers: the twins of `itsdangerous.URLSafeSerializer` and
//! `URLSafeTimedSerializer`. JSON ─► optional zlib ─► base64url ─► signature.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::config::SignerConfig;
use super::keys::{KeyUsed, SecretKeys};
use super::payload;
use super::signer::Signer;
use super::timed::{Clock, TimestampSigner};
use crate::error::Result;
use crate::json::JsonFormat;
use crate::limits::Limits;
use crate::value::Value;

/// What verified decoding returns: the value with what was learned while verifying
/// it. The serializers return `Loaded<Value>` (or your type); the session codec
/// returns `Loaded<Session>`.
///
/// ```
/// use flask_session_cookie::{KeyUsed, SessionCodec};
///
/// let codec = SessionCodec::new("dev-secret")?;
/// let opened = codec.open_at("eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM", 1_700_000_000)?;
/// assert_eq!(opened.timestamp, Some(1_700_000_000));
/// assert_eq!(opened.key, KeyUsed::Current);
/// assert!(!opened.compressed);
/// assert_eq!(opened.value.len(), 1);
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Loaded<T = Value> {
    /// The decoded value.
    pub value: T,
    /// When the token was signed (Unix seconds); `None` for untimed tokens.
    pub timestamp: Option<i64>,
    /// Which key verified the signature.
    pub key: KeyUsed,
    /// Whether the payload was zlib-compressed.
    pub compressed: bool,
}

/// Shared settings of both serializers.
#[derive(Debug, Clone, Copy)]
struct Codec {
    format: JsonFormat,
    limits: Limits,
}

impl Codec {
    const fn new() -> Self {
        Codec {
            format: JsonFormat::plain(),
            limits: Limits::new(),
        }
    }

    /// The payload of the JSON `write` appends.
    fn dump_with(
        &self,
        write: impl FnOnce(JsonFormat, &Limits, &mut String) -> Result<()>,
    ) -> Result<String> {
        let mut json = String::with_capacity(64);
        write(self.format, &self.limits, &mut json)?;
        Ok(payload::encoded(&json))
    }

    /// Decodes a payload and hands its JSON text to `read`.
    fn load_with<R>(
        &self,
        payload: &str,
        read: impl FnOnce(JsonFormat, &str, &Limits) -> Result<R>,
    ) -> Result<(R, bool)> {
        payload::decode(payload, &self.limits, |text| {
            read(self.format, text, &self.limits)
        })
    }
}

fn write_value(value: &Value) -> impl FnOnce(JsonFormat, &Limits, &mut String) -> Result<()> {
    move |format, limits, out| format.dump_into(value, limits, out)
}

fn read_value(format: JsonFormat, text: &str, limits: &Limits) -> Result<Value> {
    format.loads(text, limits)
}

fn read_as<T: DeserializeOwned>(format: JsonFormat, text: &str, limits: &Limits) -> Result<T> {
    format.loads_as(text, limits)
}

/// Signs and verifies values as `payload.signature` (itsdangerous `URLSafeSerializer`).
///
/// Uses plain JSON by default (itsdangerous' serializer); [`JsonFormat::flask`] for
/// Flask's tags.
///
/// ```
/// use flask_session_cookie::Value;
/// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeSerializer};
///
/// let s = UrlSafeSerializer::new("secret-key", SignerConfig::new().with_salt("activate"))?;
/// let token = s.dumps(&Value::from(vec![Value::from(1), Value::from(2)]))?;
/// assert_eq!(s.loads(&token)?.value, Value::from(vec![Value::from(1), Value::from(2)]));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct UrlSafeSerializer {
    signer: Signer,
    codec: Codec,
}

impl UrlSafeSerializer {
    /// A serializer with the given keys and signer settings, plain JSON and default
    /// limits.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeSerializer};
    /// let s = UrlSafeSerializer::new("k", SignerConfig::new())?;
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(keys: impl Into<SecretKeys>, config: SignerConfig) -> Result<Self> {
        Ok(UrlSafeSerializer {
            signer: Signer::new(keys, config)?,
            codec: Codec::new(),
        })
    }

    /// Sets the JSON format. Default: [`JsonFormat::plain`].
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeSerializer};
    /// use flask_session_cookie::json::JsonFormat;
    /// let s = UrlSafeSerializer::new("k", SignerConfig::new())?.with_json_format(JsonFormat::flask());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_json_format(mut self, format: JsonFormat) -> Self {
        self.codec.format = format;
        self
    }

    /// Sets the limits. Default: [`Limits::new`].
    ///
    /// ```
    /// use flask_session_cookie::Limits;
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeSerializer};
    /// let s = UrlSafeSerializer::new("k", SignerConfig::new())?.with_limits(Limits::new().with_max_depth(8));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.codec.limits = limits;
        self
    }

    /// Serializes and signs `value`.
    ///
    /// ```
    /// use flask_session_cookie::Value;
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeSerializer};
    /// let s = UrlSafeSerializer::new("k", SignerConfig::new())?;
    /// assert!(s.dumps(&Value::from("x"))?.starts_with("Ingi."));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn dumps(&self, value: &Value) -> Result<String> {
        Ok(self.signer.sign(&self.codec.dump_with(write_value(value))?))
    }

    /// Serializes and signs your type ([`to_value`](crate::to_value), then
    /// [`dumps`](UrlSafeSerializer::dumps)).
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeSerializer};
    /// let s = UrlSafeSerializer::new("k", SignerConfig::new())?;
    /// let token = s.dumps_as(&[1, 2])?;
    /// assert_eq!(s.loads_as::<Vec<u8>>(&token)?.value, [1, 2]);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn dumps_as<T: Serialize + ?Sized>(&self, value: &T) -> Result<String> {
        self.dumps(&crate::to_value(value)?)
    }

    /// Verifies and deserializes a token.
    ///
    /// ```
    /// use flask_session_cookie::ErrorKind;
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeSerializer};
    /// let s = UrlSafeSerializer::new("k", SignerConfig::new())?;
    /// assert_eq!(s.loads("Ingi.wh6tMHxLgJqB6oY1uT73iMlyrOA").unwrap_err().kind(), &ErrorKind::BadSignature);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn loads(&self, token: &str) -> Result<Loaded> {
        self.loads_with(token, read_value)
    }

    /// Verifies a token and reads it into your type.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeSerializer};
    /// let s = UrlSafeSerializer::new("k", SignerConfig::new())?;
    /// let token = s.dumps_as(&("a", 1))?;
    /// assert_eq!(s.loads_as::<(String, u8)>(&token)?.value, ("a".to_owned(), 1));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn loads_as<T: DeserializeOwned>(&self, token: &str) -> Result<Loaded<T>> {
        self.loads_with(token, read_as)
    }

    fn loads_with<R>(
        &self,
        token: &str,
        read: impl FnOnce(JsonFormat, &str, &Limits) -> Result<R>,
    ) -> Result<Loaded<R>> {
        payload::check_len(token, &self.codec.limits)?;
        let unsigned = self.signer.unsign(token)?;
        let (value, compressed) = self.codec.load_with(unsigned.value, read)?;
        Ok(Loaded {
            value,
            timestamp: None,
            key: unsigned.key,
            compressed,
        })
    }
}

/// Signs and verifies values as `payload.timestamp.signature`
/// (itsdangerous `URLSafeTimedSerializer`, what Flask's session uses).
///
/// ```
/// use flask_session_cookie::Value;
/// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
///
/// let s = UrlSafeTimedSerializer::new("secret-key", SignerConfig::new().with_salt("reset"))?;
/// let token = s.dumps_at(&Value::from(42), 1_700_000_000)?;
/// assert_eq!(token.split('.').nth(1), Some("ZVPxAA"));
/// let loaded = s.loads_at(&token, Some(3600), 1_700_000_100)?;
/// assert_eq!((loaded.value, loaded.timestamp), (Value::from(42), Some(1_700_000_000)));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct UrlSafeTimedSerializer {
    signer: TimestampSigner,
    codec: Codec,
}

impl UrlSafeTimedSerializer {
    /// A serializer with the given keys and signer settings, plain JSON, default
    /// limits, the system clock and the Unix epoch.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(keys: impl Into<SecretKeys>, config: SignerConfig) -> Result<Self> {
        Ok(UrlSafeTimedSerializer::from_signer(TimestampSigner::new(
            keys, config,
        )?))
    }

    /// Wraps a [`TimestampSigner`] (with its clock and epoch).
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner, UrlSafeTimedSerializer};
    /// let signer = TimestampSigner::new("k", SignerConfig::new())?.with_legacy_epoch(true);
    /// let s = UrlSafeTimedSerializer::from_signer(signer);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn from_signer(signer: TimestampSigner) -> Self {
        UrlSafeTimedSerializer {
            signer,
            codec: Codec::new(),
        }
    }

    /// Sets the JSON format. Default: [`JsonFormat::plain`].
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// use flask_session_cookie::json::JsonFormat;
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?.with_json_format(JsonFormat::flask());
    /// assert!(s.json_format().tagged());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_json_format(mut self, format: JsonFormat) -> Self {
        self.codec.format = format;
        self
    }

    /// Sets the limits. Default: [`Limits::new`].
    ///
    /// ```
    /// use flask_session_cookie::Limits;
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?.with_limits(Limits::new());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.codec.limits = limits;
        self
    }

    /// Uses `clock` for "now". Default: the system clock.
    ///
    /// ```
    /// use flask_session_cookie::SystemClock;
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?.with_clock(SystemClock);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.signer = self.signer.with_clock(clock);
        self
    }

    /// Counts timestamps from itsdangerous 0.24's epoch; see
    /// [`TimestampSigner::with_legacy_epoch`]. Default: false.
    ///
    /// ```
    /// use flask_session_cookie::Value;
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?.with_legacy_epoch(true);
    /// assert_eq!(s.dumps_at(&Value::None, 1_700_000_000)?.split('.').nth(1), Some("GDWCgA"));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_legacy_epoch(mut self, legacy: bool) -> Self {
        self.signer = self.signer.with_legacy_epoch(legacy);
        self
    }

    /// The JSON format.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// assert!(!s.json_format().tagged());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn json_format(&self) -> JsonFormat {
        self.codec.format
    }

    /// The limits.
    ///
    /// ```
    /// use flask_session_cookie::Limits;
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// assert_eq!(s.limits(), &Limits::new());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn limits(&self) -> &Limits {
        &self.codec.limits
    }

    /// The timestamp signer.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// assert!(s.signer().now() > 0);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn signer(&self) -> &TimestampSigner {
        &self.signer
    }

    /// Serializes and signs `value` at the current time.
    ///
    /// ```
    /// use flask_session_cookie::Value;
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// let token = s.dumps(&Value::None)?;
    /// assert_eq!(s.loads(&token, Some(60))?.value, Value::None);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn dumps(&self, value: &Value) -> Result<String> {
        self.dumps_at(value, self.signer.now())
    }

    /// Serializes and signs `value` as if at `timestamp` (Unix seconds).
    ///
    /// ```
    /// use flask_session_cookie::Value;
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// assert!(s.dumps_at(&Value::None, 1_700_000_000)?.starts_with("bnVsbA.ZVPxAA."));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn dumps_at(&self, value: &Value, timestamp: i64) -> Result<String> {
        self.dumps_with_at(write_value(value), timestamp)
    }

    /// Serializes and signs your type at the current time.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new().with_salt("reset"))?;
    /// let token = s.dumps_as(&("user", 42))?;
    /// assert_eq!(s.loads_as::<(String, u32)>(&token, Some(3600))?.value.1, 42);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn dumps_as<T: Serialize + ?Sized>(&self, value: &T) -> Result<String> {
        self.dumps_as_at(value, self.signer.now())
    }

    /// Serializes and signs your type as if at `timestamp`.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// assert!(s.dumps_as_at(&42, 1_700_000_000)?.starts_with("NDI.ZVPxAA."));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn dumps_as_at<T: Serialize + ?Sized>(&self, value: &T, timestamp: i64) -> Result<String> {
        self.dumps_at(&crate::to_value(value)?, timestamp)
    }

    /// Signs, as if at `timestamp`, the JSON that `write` appends (for callers that
    /// write JSON without building a [`Value`], as the session codec does).
    pub(crate) fn dumps_with_at(
        &self,
        write: impl FnOnce(JsonFormat, &Limits, &mut String) -> Result<()>,
        timestamp: i64,
    ) -> Result<String> {
        Ok(self
            .signer
            .sign_at(&self.codec.dump_with(write)?, timestamp))
    }

    /// Verifies and deserializes a token at the current time; see
    /// [`loads_at`](UrlSafeTimedSerializer::loads_at).
    ///
    /// ```
    /// use flask_session_cookie::Value;
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// assert!(s.loads("bnVsbA.ZVPxAA.nope", None).is_err());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn loads(&self, token: &str, max_age: Option<u64>) -> Result<Loaded> {
        self.loads_at(token, max_age, self.signer.now())
    }

    /// Verifies and deserializes a token as if the time were `now`.
    ///
    /// Order, as in itsdangerous: length limit, signature, timestamp and `max_age`,
    /// then the payload. An expired token is never parsed.
    ///
    /// ```
    /// use flask_session_cookie::{ErrorKind, Value};
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// let token = s.dumps_at(&Value::None, 1000)?;
    /// assert!(s.loads_at(&token, Some(5), 1005).is_ok());
    /// assert!(matches!(s.loads_at(&token, Some(5), 1006).unwrap_err().kind(), ErrorKind::Expired { .. }));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn loads_at(&self, token: &str, max_age: Option<u64>, now: i64) -> Result<Loaded> {
        self.loads_with_at(token, max_age, now, read_value)
    }

    /// Verifies a token at the current time and reads it into your type.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// let token = s.dumps_as(&[1.5, 2.5])?;
    /// assert_eq!(s.loads_as::<Vec<f64>>(&token, Some(60))?.value, [1.5, 2.5]);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn loads_as<T: DeserializeOwned>(
        &self,
        token: &str,
        max_age: Option<u64>,
    ) -> Result<Loaded<T>> {
        self.loads_as_at(token, max_age, self.signer.now())
    }

    /// Verifies a token as if the time were `now` and reads it into your type.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// let token = s.dumps_as_at(&"reset:42", 1000)?;
    /// assert_eq!(s.loads_as_at::<String>(&token, Some(5), 1005)?.value, "reset:42");
    /// assert!(s.loads_as_at::<String>(&token, Some(5), 1006).is_err());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn loads_as_at<T: DeserializeOwned>(
        &self,
        token: &str,
        max_age: Option<u64>,
        now: i64,
    ) -> Result<Loaded<T>> {
        self.loads_with_at(token, max_age, now, read_as)
    }

    /// Verifies a token as if the time were `now` and hands its JSON text to `read`
    /// (with the format and limits), in itsdangerous' order: length limit, signature,
    /// timestamp and `max_age`, then the payload.
    pub(crate) fn loads_with_at<R>(
        &self,
        token: &str,
        max_age: Option<u64>,
        now: i64,
        read: impl FnOnce(JsonFormat, &str, &Limits) -> Result<R>,
    ) -> Result<Loaded<R>> {
        payload::check_len(token, &self.codec.limits)?;
        let unsigned = self.signer.unsign_at(token, max_age, now)?;
        let (value, compressed) = self.codec.load_with(unsigned.value, read)?;
        Ok(Loaded {
            value,
            timestamp: unsigned.timestamp,
            key: unsigned.key,
            compressed,
        })
    }
}
