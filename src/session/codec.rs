//! [`SessionCodec`]: Flask's `SecureCookieSessionInterface` settings bundled.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Session, into_session_dict, session_top, to_session_dict};
use crate::error::{Error, Result};
use crate::itsdangerous::{
    Clock, Loaded, SecretKeys, SignerConfig, TimestampSigner, UrlSafeTimedSerializer,
};
use crate::json::{self, JsonFormat};
use crate::limits::Limits;
use crate::value::Dict;

/// Reads and writes Flask session cookies with Flask's settings.
///
/// Defaults, as `SecureCookieSessionInterface`: salt `cookie-session`, HMAC key
/// derivation, SHA-1, Flask's tagged JSON with `ensure_ascii`, `max_age` of 31 days
/// ([`DEFAULT_MAX_AGE`](SessionCodec::DEFAULT_MAX_AGE), Flask's
/// `PERMANENT_SESSION_LIFETIME`, applied to every session), the system clock, [`Limits::new`].
///
/// Keys are derived once here; the codec is immutable, `Send + Sync` and cheap to
/// share behind an `Arc`.
///
/// ```
/// use flask_session_cookie::{SecretKeys, Session, SessionCodec};
///
/// // SECRET_KEY = "dev-secret", SECRET_KEY_FALLBACKS = ["old-secret"]
/// let codec = SessionCodec::new(SecretKeys::new("dev-secret").with_fallback("old-secret"))?;
///
/// let session: Session = [("user_id", 42)].into_iter().collect();
/// let cookie = codec.encode_at(&session, 1_700_000_000)?;
/// assert_eq!(cookie, "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM");
///
/// // A cookie signed with the old key still opens.
/// let old = codec.decode_at("eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.sMoyEzU2dlrtSHXvXm8qA2jAnjs", 1_700_000_000)?;
/// assert_eq!(old, session);
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SessionCodec {
    serializer: UrlSafeTimedSerializer,
    max_age: Option<u64>,
}

impl SessionCodec {
    /// Flask's default `PERMANENT_SESSION_LIFETIME`: 31 days, in seconds.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::SessionCodec::DEFAULT_MAX_AGE, 2_678_400);
    /// ```
    pub const DEFAULT_MAX_AGE: u64 = 31 * 24 * 60 * 60;

    /// A codec with Flask's defaults and these keys.
    ///
    /// Fails with a [`Config`](crate::ErrorKind::Config) error when a key is empty:
    /// Flask opens and writes no session without a `SECRET_KEY`, and a cookie signed
    /// with an empty key is one anybody can make (an empty fallback key would accept
    /// those, so it is refused too).
    ///
    /// ```
    /// let codec = flask_session_cookie::SessionCodec::new("dev-secret")?;
    /// assert_eq!(codec.max_age(), Some(2_678_400));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(keys: impl Into<SecretKeys>) -> Result<Self> {
        SessionCodec::with_signer_config(keys, SignerConfig::flask_session())
    }

    /// A codec with other signer settings (Flask apps that subclass
    /// `SecureCookieSessionInterface` to change the salt or digest).
    ///
    /// ```
    /// use flask_session_cookie::SessionCodec;
    /// use flask_session_cookie::itsdangerous::{Digest, SignerConfig};
    /// let config = SignerConfig::flask_session().with_digest(Digest::Sha256);
    /// let codec = SessionCodec::with_signer_config("dev-secret", config)?;
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn with_signer_config(keys: impl Into<SecretKeys>, config: SignerConfig) -> Result<Self> {
        let keys = keys.into();
        refuse_empty_keys(&keys)?;
        let signer = TimestampSigner::new(keys, config)?;
        Ok(SessionCodec {
            serializer: UrlSafeTimedSerializer::from_signer(signer)
                .with_json_format(JsonFormat::flask()),
            max_age: Some(Self::DEFAULT_MAX_AGE),
        })
    }

    /// Sets `max_age` in seconds (Flask's `PERMANENT_SESSION_LIFETIME`), or `None` to
    /// accept cookies of any age. Default:
    /// `Some(`[`DEFAULT_MAX_AGE`](SessionCodec::DEFAULT_MAX_AGE)`)`.
    ///
    /// ```
    /// let codec = flask_session_cookie::SessionCodec::new("k")?.with_max_age(Some(3600));
    /// assert_eq!(codec.max_age(), Some(3600));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_max_age(mut self, max_age: Option<u64>) -> Self {
        self.max_age = max_age;
        self
    }

    /// Sets the limits. Default: [`Limits::new`].
    ///
    /// ```
    /// use flask_session_cookie::{Limits, SessionCodec};
    /// let codec = SessionCodec::new("k")?.with_limits(Limits::new().with_max_cookie_len(4093));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.serializer = self.serializer.with_limits(limits);
        self
    }

    /// Uses `clock` for "now". Default: the system clock.
    ///
    /// ```
    /// use flask_session_cookie::{SessionCodec, SystemClock};
    /// let codec = SessionCodec::new("k")?.with_clock(SystemClock);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.serializer = self.serializer.with_clock(clock);
        self
    }

    /// Reads and writes timestamps counted from itsdangerous 0.24's epoch (2011-01-01),
    /// for Flask 1.x apps still on itsdangerous 0.24. Default: false.
    ///
    /// ```
    /// use flask_session_cookie::SessionCodec;
    /// // Flask 1.1.4 with itsdangerous 0.24 signed {"name": "alice", "user_id": 42} so:
    /// let cookie = "eyJuYW1lIjoiYWxpY2UiLCJ1c2VyX2lkIjo0Mn0.GDWCgA.V943TeVsNo8Fdeln5Sa18W9TJjA";
    /// let codec = SessionCodec::new("dev-secret")?.with_legacy_epoch(true);
    /// assert_eq!(codec.open_at(cookie, 1_700_000_000)?.timestamp, Some(1_700_000_000));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_legacy_epoch(mut self, legacy: bool) -> Self {
        self.serializer = self.serializer.with_legacy_epoch(legacy);
        self
    }

    /// Sets `ensure_ascii` for writing (Flask's `app.json.ensure_ascii`). Default: true.
    ///
    /// ```
    /// use flask_session_cookie::{Session, SessionCodec};
    /// let codec = SessionCodec::new("dev-secret")?.with_ensure_ascii(false);
    /// let session: Session = [("b", "é")].into_iter().collect();
    /// assert_eq!(codec.encode_at(&session, 1_700_000_000)?, "eyJiIjoiw6kifQ.ZVPxAA.K_hyrQHOzhIiy7fMU0OPIoxiJfo");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_ensure_ascii(mut self, ensure_ascii: bool) -> Self {
        let format = self
            .serializer
            .json_format()
            .with_ensure_ascii(ensure_ascii);
        self.serializer = self.serializer.with_json_format(format);
        self
    }

    /// The `max_age` in seconds, if any.
    ///
    /// ```
    /// let codec = flask_session_cookie::SessionCodec::new("k")?.with_max_age(None);
    /// assert_eq!(codec.max_age(), None);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn max_age(&self) -> Option<u64> {
        self.max_age
    }

    /// The current time from the codec's clock (the system clock unless
    /// [`with_clock`](SessionCodec::with_clock) gave another), in Unix seconds: what
    /// [`decode`](SessionCodec::decode) and [`encode`](SessionCodec::encode) use.
    ///
    /// ```
    /// use flask_session_cookie::{Clock, SessionCodec};
    ///
    /// #[derive(Debug)]
    /// struct Fixed;
    /// impl Clock for Fixed {
    ///     fn now(&self) -> i64 { 1_700_000_000 }
    /// }
    /// assert_eq!(SessionCodec::new("k")?.with_clock(Fixed).now(), 1_700_000_000);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn now(&self) -> i64 {
        self.serializer.signer().now()
    }

    /// The serializer underneath (for its limits, clock and signer).
    ///
    /// ```
    /// let codec = flask_session_cookie::SessionCodec::new("k")?;
    /// assert!(codec.serializer().json_format().tagged());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn serializer(&self) -> &UrlSafeTimedSerializer {
        &self.serializer
    }

    /// Verifies and decodes a cookie at the current time.
    ///
    /// ```
    /// use flask_session_cookie::SessionCodec;
    /// let codec = SessionCodec::new("dev-secret")?.with_max_age(None);
    /// let session = codec.decode("eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM")?;
    /// assert_eq!(session.get("user_id").and_then(|v| v.as_i64()), Some(42));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn decode(&self, cookie: &str) -> Result<Session> {
        self.open(cookie).map(|o| o.value)
    }

    /// Verifies and decodes a cookie as if the time were `now` (Unix seconds).
    ///
    /// ```
    /// use flask_session_cookie::SessionCodec;
    /// let codec = SessionCodec::new("dev-secret")?;
    /// let session = codec.decode_at("eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM", 1_700_000_000)?;
    /// assert_eq!(session.len(), 1);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn decode_at(&self, cookie: &str, now: i64) -> Result<Session> {
        self.open_at(cookie, now).map(|o| o.value)
    }

    /// Like [`decode`](SessionCodec::decode), also telling when the cookie was signed,
    /// by which key, and whether it was compressed.
    ///
    /// ```
    /// use flask_session_cookie::SessionCodec;
    /// let codec = SessionCodec::new("dev-secret")?.with_max_age(None);
    /// let opened = codec.open("eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM")?;
    /// assert_eq!(opened.timestamp, Some(1_700_000_000));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn open(&self, cookie: &str) -> Result<Loaded<Session>> {
        self.open_at(cookie, self.now())
    }

    /// Like [`decode_at`](SessionCodec::decode_at), with the details of [`Loaded`].
    ///
    /// ```
    /// use flask_session_cookie::{KeyUsed, SessionCodec};
    /// let codec = SessionCodec::new("dev-secret")?;
    /// let opened = codec.open_at("eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM", 1_700_000_000)?;
    /// assert_eq!(opened.key, KeyUsed::Current);
    /// assert!(!opened.compressed);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn open_at(&self, cookie: &str, now: i64) -> Result<Loaded<Session>> {
        self.serializer
            .loads_with_at(cookie, self.max_age, now, |format, text, limits| {
                format
                    .loads(text, limits)
                    .and_then(into_session_dict)
                    .map(Session::from)
            })
    }

    /// Verifies a cookie and decodes it into your own type.
    ///
    /// Tuples in the cookie deserialize into Rust tuples or `Vec`s, bytes into
    /// `Vec<u8>`, UUIDs and datetimes into [`uuid::Uuid`](::uuid::Uuid),
    /// [`tags::DateTime`](crate::tags::DateTime) or `String` (RFC 3339), and any value
    /// into a [`Value`](crate::Value) unchanged. Accepts and refuses exactly what
    /// [`decode`](SessionCodec::decode) does, with the same errors.
    ///
    /// ```
    /// use serde::Deserialize;
    /// use flask_session_cookie::SessionCodec;
    ///
    /// #[derive(Deserialize)]
    /// struct Login { user_id: u64 }
    ///
    /// let codec = SessionCodec::new("dev-secret")?.with_max_age(None);
    /// let login: Login = codec.decode_as("eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM")?;
    /// assert_eq!(login.user_id, 42);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn decode_as<T: DeserializeOwned>(&self, cookie: &str) -> Result<T> {
        self.decode_as_at(cookie, self.now())
    }

    /// Like [`decode_as`](SessionCodec::decode_as), as if the time were `now`.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use flask_session_cookie::SessionCodec;
    /// let codec = SessionCodec::new("dev-secret")?;
    /// let map: BTreeMap<String, u64> = codec.decode_as_at("eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM", 1_700_000_000)?;
    /// assert_eq!(map["user_id"], 42);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn decode_as_at<T: DeserializeOwned>(&self, cookie: &str, now: i64) -> Result<T> {
        self.serializer
            .loads_with_at(cookie, self.max_age, now, |_, text, limits| {
                json::from_text_with(text, limits, session_top)
            })
            .map(|loaded| loaded.value)
    }

    /// Signs `session` at the current time; the cookie value Flask would write.
    ///
    /// ```
    /// use flask_session_cookie::{Session, SessionCodec};
    /// let codec = SessionCodec::new("dev-secret")?;
    /// let session: Session = [("user_id", 42)].into_iter().collect();
    /// let cookie = codec.encode(&session)?;
    /// assert_eq!(codec.decode(&cookie)?, session);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn encode(&self, session: &Session) -> Result<String> {
        self.encode_at(session, self.now())
    }

    /// A verified cookie signed again at `timestamp` without decoding or encoding
    /// its payload: the payload as it is, a new timestamp and signature, with the
    /// current key. For a cookie this codec opened whose session was not modified,
    /// this is the cookie Flask writes when it refreshes a permanent session — as
    /// long as the payload is the one Flask would write for that session (a payload
    /// written by Flask or by this crate from the same data is; the layer checks once
    /// per payload). `None` for text that is not `payload.timestamp.signature`.
    ///
    /// ```
    /// let codec = flask_session_cookie::SessionCodec::new("dev-secret")?;
    /// let cookie = "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM";
    /// let later = codec.resign_at(cookie, 1_700_000_060).unwrap();
    /// let session = codec.decode_at(cookie, 1_700_000_000)?;
    /// assert_eq!(later, codec.encode_at(&session, 1_700_000_060)?);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn resign_at(&self, cookie: &str, timestamp: i64) -> Option<String> {
        let payload = self.payload_of(cookie)?;
        Some(self.serializer.signer().sign_at(payload, timestamp))
    }

    /// The payload part of a cookie (before the timestamp and signature).
    pub(crate) fn payload_of<'c>(&self, cookie: &'c str) -> Option<&'c str> {
        let sep = self.serializer.signer().signer().separator();
        let (signed, _) = cookie.rsplit_once(sep)?;
        signed.rsplit_once(sep).map(|(payload, _)| payload)
    }

    /// Signs `session` as if at `timestamp` (Unix seconds).
    ///
    /// ```
    /// use flask_session_cookie::{Session, SessionCodec};
    /// let codec = SessionCodec::new("dev-secret")?;
    /// let session: Session = [("name", "alice")].into_iter().collect();
    /// assert!(codec.encode_at(&session, 1_700_000_000)?.contains(".ZVPxAA."));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn encode_at(&self, session: &Session, timestamp: i64) -> Result<String> {
        self.encode_dict_at(session.as_dict(), timestamp)
    }

    fn encode_dict_at(&self, dict: &Dict, timestamp: i64) -> Result<String> {
        self.serializer.dumps_with_at(
            |format: JsonFormat, limits: &Limits, out: &mut String| {
                format.dump_dict_into(dict, limits, out)
            },
            timestamp,
        )
    }

    /// Signs your own type as a session at the current time. It must serialize to a
    /// map (a struct or a map type). Rust tuples become Python tuples; see
    /// [`tags`](crate::tags) for bytes, Markup, UUID and datetime.
    ///
    /// ```
    /// use serde::Serialize;
    /// use flask_session_cookie::SessionCodec;
    ///
    /// #[derive(Serialize)]
    /// struct Login { user_id: u64 }
    ///
    /// let codec = SessionCodec::new("dev-secret")?;
    /// let cookie = codec.encode_as(&Login { user_id: 42 })?;
    /// assert_eq!(codec.decode(&cookie)?.get("user_id").and_then(|v| v.as_i64()), Some(42));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn encode_as<T: Serialize + ?Sized>(&self, value: &T) -> Result<String> {
        self.encode_as_at(value, self.now())
    }

    /// Like [`encode_as`](SessionCodec::encode_as), as if at `timestamp`.
    ///
    /// ```
    /// use serde::Serialize;
    /// use flask_session_cookie::SessionCodec;
    ///
    /// #[derive(Serialize)]
    /// struct S { name: &'static str, role: &'static str, user_id: u32 }
    ///
    /// let codec = SessionCodec::new("dev-secret")?;
    /// let cookie = codec.encode_as_at(&S { name: "alice", role: "admin", user_id: 42 }, 1_700_000_000)?;
    /// assert_eq!(cookie, "eyJuYW1lIjoiYWxpY2UiLCJyb2xlIjoiYWRtaW4iLCJ1c2VyX2lkIjo0Mn0.ZVPxAA.8JoqypNx5eEkQGVNOweyaqpQh_c");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn encode_as_at<T: Serialize + ?Sized>(&self, value: &T, timestamp: i64) -> Result<String> {
        self.encode_dict_at(&to_session_dict(value)?, timestamp)
    }
}

/// Flask's rule for a missing `SECRET_KEY`, and the same for a fallback.
pub(crate) fn refuse_empty_keys(keys: &SecretKeys) -> Result<()> {
    if keys.current().is_empty() {
        return Err(Error::config(
            "the secret key is empty: Flask opens and writes no session without \
             SECRET_KEY, and anybody can sign a cookie with an empty key",
        ));
    }
    if let Some(i) = keys.fallbacks().iter().position(|k| k.is_empty()) {
        return Err(Error::config(format!(
            "fallback key #{i} is empty: it would accept cookies anybody can sign"
        )));
    }
    Ok(())
}
