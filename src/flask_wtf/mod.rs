//! Flask-WTF (1.3.0) CSRF protection on the Rust side: tokens a Flask form accepts,
//! and the checks `CSRFProtect` makes, with its reasons.
//!
//! The session keeps a raw token under `csrf_token` (40 hex digits of SHA-1 over 64
//! random bytes, created when first needed); a form carries it signed and timed:
//! itsdangerous' `URLSafeTimedSerializer(WTF_CSRF_SECRET_KEY or SECRET_KEY,
//! salt="wtf-csrf-token")` over the JSON string. [`CsrfConfig::generate_at`] gives a
//! form token (making the raw token if needed), [`CsrfConfig::validate_at`] checks one
//! as `validate_csrf` does, and [`CsrfConfig::protect_at`] checks a whole request as
//! `CSRFProtect` does: the method, the token from the form or the headers, and on
//! HTTPS the `Referer`.
//!
//! ```
//! use flask_session_cookie::flask_wtf::{CsrfConfig, CsrfError};
//! use flask_session_cookie::Session;
//!
//! let csrf = CsrfConfig::new("dev-secret")?;
//! let mut session = Session::new();
//! let token = csrf.generate_at(&mut session, 1_700_000_000)?; // render it in the form
//! assert!(csrf.validate_at(&session, Some(&token), 1_700_000_060).is_ok());
//! assert_eq!(csrf.validate_at(&session, Some(&token), 1_700_003_601), Err(CsrfError::Expired));
//! assert_eq!(CsrfError::Expired.reason(), "The CSRF token has expired.");
//! # Ok::<(), flask_session_cookie::Error>(())
//! ```

mod form;
mod origin;

use std::fmt;
use std::sync::Arc;

use sha1::{Digest as _, Sha1};

pub use form::{
    FormFields, FormLimits, FormTooLarge, is_form_content_type, parse_form, parse_form_with,
};

use crate::error::{Error, ErrorKind, Result};
use crate::itsdangerous::{SecretKey, SignerConfig, UrlSafeTimedSerializer};
use crate::python;
use crate::session::{FlaskSession, Session};
use crate::value::Value;

/// Why a request failed Flask-WTF's CSRF check. [`reason`](CsrfError::reason) is
/// Flask-WTF's own text, which `CSRFProtect` answers with HTTP 400.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CsrfError {
    /// No token in the form or the headers.
    Missing,
    /// The session has no raw token (it expired, or the form came from elsewhere).
    SessionTokenMissing,
    /// The token is older than the time limit (or dated in the future).
    Expired,
    /// The token's signature or format is bad.
    Invalid,
    /// The token is authentic but made for another session.
    Mismatch,
    /// HTTPS with strict checking, and no `Referer`.
    ReferrerMissing,
    /// HTTPS with strict checking, and a `Referer` from another origin.
    ReferrerMismatch,
    /// Reading the form went past Flask's limits (`MAX_CONTENT_LENGTH`,
    /// `MAX_FORM_MEMORY_SIZE`, `MAX_FORM_PARTS`): Flask answers 413.
    TooLarge,
    /// Flask-WTF raises on this request instead of deciding, and Flask answers 500:
    /// the session's token or the form token's payload is not a string, one of them
    /// holds non-ASCII characters (`hmac.compare_digest` refuses both with a
    /// `TypeError`), or a multipart part without a name is reached while looking
    /// for a prefixed token field (an `AttributeError`), or on HTTPS the `Referer`
    /// has a port `urlparse` cannot read or unbalanced brackets (a `ValueError`).
    Unhandled,
}

impl CsrfError {
    /// Flask-WTF's message for this failure.
    ///
    /// ```
    /// use flask_session_cookie::flask_wtf::CsrfError;
    /// assert_eq!(CsrfError::Missing.reason(), "The CSRF token is missing.");
    /// ```
    pub fn reason(self) -> &'static str {
        match self {
            CsrfError::Missing => "The CSRF token is missing.",
            CsrfError::SessionTokenMissing => "The CSRF session token is missing.",
            CsrfError::Expired => "The CSRF token has expired.",
            CsrfError::Invalid => "The CSRF token is invalid.",
            CsrfError::Mismatch => "The CSRF tokens do not match.",
            CsrfError::ReferrerMissing => "The referrer header is missing.",
            CsrfError::ReferrerMismatch => "The referrer does not match the host.",
            CsrfError::TooLarge => "The data value transmitted exceeds the capacity limit.",
            CsrfError::Unhandled => {
                "The server encountered an internal error and was unable to complete your \
                 request. Either the server is overloaded or there is an error in the \
                 application."
            }
        }
    }

    /// The HTTP status Flask answers with: 400 for a refused token or referrer, 413
    /// for [`TooLarge`](CsrfError::TooLarge), 500 for
    /// [`Unhandled`](CsrfError::Unhandled).
    ///
    /// ```
    /// use flask_session_cookie::flask_wtf::CsrfError;
    /// assert_eq!(CsrfError::Missing.status(), 400);
    /// assert_eq!(CsrfError::TooLarge.status(), 413);
    /// ```
    pub fn status(self) -> u16 {
        match self {
            CsrfError::TooLarge => 413,
            CsrfError::Unhandled => 500,
            _ => 400,
        }
    }

    /// The body Flask answers with: Werkzeug's HTML page for the
    /// [`status`](CsrfError::status) with the reason as its description.
    ///
    /// ```
    /// use flask_session_cookie::flask_wtf::CsrfError;
    /// assert!(CsrfError::Missing.flask_body().ends_with("<p>The CSRF token is missing.</p>\n"));
    /// assert!(CsrfError::TooLarge.flask_body().contains("<title>413 Request Entity Too Large</title>"));
    /// ```
    pub fn flask_body(self) -> String {
        let title = match self {
            CsrfError::TooLarge => "413 Request Entity Too Large",
            CsrfError::Unhandled => "500 Internal Server Error",
            _ => "400 Bad Request",
        };
        let heading = title.split_once(' ').map_or(title, |(_, h)| h);
        format!(
            "<!doctype html>\n<html lang=en>\n<title>{title}</title>\n\
             <h1>{heading}</h1>\n<p>{}</p>\n",
            self.reason()
        )
    }
}

impl fmt::Display for CsrfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason())
    }
}

impl std::error::Error for CsrfError {}

/// Fills a buffer with random bytes for a new raw token.
type RandomSource = Arc<dyn Fn(&mut [u8; 64]) -> Result<()> + Send + Sync>;

/// Flask-WTF's CSRF settings and key.
///
/// [`CsrfConfig::new`] gives `CSRFProtect`'s defaults: field `csrf_token`, time limit
/// 3600 seconds, methods `POST`, `PUT`, `PATCH`, `DELETE`, headers `X-CSRFToken` and
/// `X-CSRF-Token`, strict referrer checking on HTTPS, and the operating system's
/// random bytes for new raw tokens.
///
/// ```
/// use flask_session_cookie::flask_wtf::CsrfConfig;
/// let csrf = CsrfConfig::new("dev-secret")?.with_time_limit(Some(600)).with_ssl_strict(false);
/// assert_eq!(csrf.field_name(), "csrf_token");
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Clone)]
pub struct CsrfConfig {
    serializer: UrlSafeTimedSerializer,
    field_name: String,
    time_limit: Option<u64>,
    methods: Vec<String>,
    headers: Vec<String>,
    ssl_strict: bool,
    form_limits: FormLimits,
    random: RandomSource,
}

impl fmt::Debug for CsrfConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsrfConfig")
            .field("serializer", &self.serializer)
            .field("field_name", &self.field_name)
            .field("time_limit", &self.time_limit)
            .field("methods", &self.methods)
            .field("headers", &self.headers)
            .field("ssl_strict", &self.ssl_strict)
            .field("form_limits", &self.form_limits)
            .finish_non_exhaustive()
    }
}

impl CsrfConfig {
    /// The salt Flask-WTF signs form tokens with.
    pub const SALT: &'static str = "wtf-csrf-token";

    /// `CSRFProtect`'s defaults with this key: `WTF_CSRF_SECRET_KEY`, or the app's
    /// `SECRET_KEY` when that is not set (a `str` key is UTF-8 here, as itsdangerous
    /// takes it). An empty key is a [`Config`](crate::ErrorKind::Config) error.
    ///
    /// ```
    /// assert!(flask_session_cookie::flask_wtf::CsrfConfig::new("").is_err());
    /// ```
    pub fn new(secret_key: impl Into<SecretKey>) -> Result<Self> {
        let key = secret_key.into();
        if key.is_empty() {
            return Err(Error::config(
                "the secret key is empty: Flask-WTF needs WTF_CSRF_SECRET_KEY or SECRET_KEY",
            ));
        }
        let config = SignerConfig::new().with_salt(Self::SALT.as_bytes().to_vec());
        Ok(CsrfConfig {
            serializer: UrlSafeTimedSerializer::new(key, config)?,
            field_name: "csrf_token".to_owned(),
            time_limit: Some(3600),
            methods: ["POST", "PUT", "PATCH", "DELETE"]
                .map(str::to_owned)
                .to_vec(),
            headers: ["X-CSRFToken", "X-CSRF-Token"].map(str::to_owned).to_vec(),
            ssl_strict: true,
            form_limits: FormLimits::FLASK,
            random: Arc::new(os_random),
        })
    }

    /// `WTF_CSRF_FIELD_NAME`: the session key and form field (default `csrf_token`).
    ///
    /// ```
    /// let c = flask_session_cookie::flask_wtf::CsrfConfig::new("k")?.with_field_name("token");
    /// assert_eq!(c.field_name(), "token");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_field_name(mut self, name: impl Into<String>) -> Self {
        self.field_name = name.into();
        self
    }

    /// `WTF_CSRF_TIME_LIMIT` in seconds; `None`: tokens never expire.
    ///
    /// ```
    /// let c = flask_session_cookie::flask_wtf::CsrfConfig::new("k")?.with_time_limit(None);
    /// assert_eq!(c.time_limit(), None);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_time_limit(mut self, seconds: Option<u64>) -> Self {
        self.time_limit = seconds;
        self
    }

    /// `WTF_CSRF_METHODS`: the methods that must carry a token.
    ///
    /// ```
    /// let c = flask_session_cookie::flask_wtf::CsrfConfig::new("k")?.with_methods(["POST"]);
    /// # let _ = c;
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_methods<S: Into<String>>(mut self, methods: impl IntoIterator<Item = S>) -> Self {
        self.methods = methods.into_iter().map(Into::into).collect();
        self
    }

    /// `WTF_CSRF_HEADERS`: the headers a token may come in, tried in order after the
    /// form.
    ///
    /// ```
    /// let c = flask_session_cookie::flask_wtf::CsrfConfig::new("k")?.with_headers(["X-CSRFToken"]);
    /// # let _ = c;
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_headers<S: Into<String>>(mut self, headers: impl IntoIterator<Item = S>) -> Self {
        self.headers = headers.into_iter().map(Into::into).collect();
        self
    }

    /// `WTF_CSRF_SSL_STRICT`: on HTTPS, require a same-origin `Referer`.
    ///
    /// ```
    /// let c = flask_session_cookie::flask_wtf::CsrfConfig::new("k")?.with_ssl_strict(false);
    /// # let _ = c;
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_ssl_strict(mut self, strict: bool) -> Self {
        self.ssl_strict = strict;
        self
    }

    /// Flask's limits on reading a form body (`MAX_CONTENT_LENGTH`,
    /// `MAX_FORM_MEMORY_SIZE`, `MAX_FORM_PARTS`); default [`FormLimits::FLASK`].
    /// Set them as the Flask app sets them, so that both answer 413 alike.
    ///
    /// ```
    /// use flask_session_cookie::flask_wtf::{CsrfConfig, FormLimits};
    /// let c = CsrfConfig::new("k")?
    ///     .with_form_limits(FormLimits::FLASK.with_max_content_length(Some(16 << 20)));
    /// assert_eq!(c.form_limits().max_content_length(), Some(16 << 20));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_form_limits(mut self, limits: FormLimits) -> Self {
        self.form_limits = limits;
        self
    }

    /// The limits on reading a form body.
    ///
    /// ```
    /// use flask_session_cookie::flask_wtf::{CsrfConfig, FormLimits};
    /// assert_eq!(CsrfConfig::new("k")?.form_limits(), &FormLimits::FLASK);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn form_limits(&self) -> &FormLimits {
        &self.form_limits
    }

    /// Where new raw tokens get their 64 random bytes. Default: the operating
    /// system's (`/dev/urandom`, as Python's `os.urandom` on Unix); elsewhere, supply
    /// one. For tests, a fixed source gives fixed tokens.
    ///
    /// ```
    /// use flask_session_cookie::{Session, flask_wtf::CsrfConfig};
    /// let c = CsrfConfig::new("k")?.with_random(|buf: &mut [u8; 64]| { buf.fill(7); Ok(()) });
    /// let mut s = Session::new();
    /// c.generate_at(&mut s, 0)?;
    /// assert_eq!(s.get("csrf_token").and_then(|v| v.as_str()).map(str::len), Some(40));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_random(
        mut self,
        random: impl Fn(&mut [u8; 64]) -> Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.random = Arc::new(random);
        self
    }

    /// Reads the time from `clock` (default: the system clock).
    ///
    /// ```
    /// use flask_session_cookie::{flask_wtf::CsrfConfig, itsdangerous::FixedClock};
    /// let c = CsrfConfig::new("k")?.with_clock(FixedClock(1_700_000_000));
    /// assert_eq!(c.now(), 1_700_000_000);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_clock(mut self, clock: impl crate::itsdangerous::Clock + 'static) -> Self {
        self.serializer = self.serializer.with_clock(clock);
        self
    }

    /// The current time by this configuration's clock, in Unix seconds.
    ///
    /// ```
    /// assert!(flask_session_cookie::flask_wtf::CsrfConfig::new("k")?.now() > 1_700_000_000);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn now(&self) -> i64 {
        self.serializer.signer().now()
    }

    /// Whether requests with this method must carry a token (`WTF_CSRF_METHODS`).
    ///
    /// The method is compared as Flask sees it: Werkzeug upper-cases the request
    /// line's method, so `post` and `Post` are `POST` (a method token is ASCII). The
    /// configured names are compared as given, as Flask-WTF does: a lowercase entry
    /// in `WTF_CSRF_METHODS` never matches.
    ///
    /// ```
    /// let c = flask_session_cookie::flask_wtf::CsrfConfig::new("k")?;
    /// assert!(c.needs_token("POST") && !c.needs_token("GET"));
    /// assert!(c.needs_token("post") && c.needs_token("Delete"));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn needs_token(&self, method: &str) -> bool {
        self.methods.iter().any(|m| {
            m.len() == method.len() && m.bytes().eq(method.bytes().map(|b| b.to_ascii_uppercase()))
        })
    }

    /// `WTF_CSRF_FIELD_NAME`.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::flask_wtf::CsrfConfig::new("k")?.field_name(), "csrf_token");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn field_name(&self) -> &str {
        &self.field_name
    }

    /// `WTF_CSRF_TIME_LIMIT`.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::flask_wtf::CsrfConfig::new("k")?.time_limit(), Some(3600));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn time_limit(&self) -> Option<u64> {
        self.time_limit
    }

    /// The serializer form tokens are made with (salt `wtf-csrf-token`).
    ///
    /// ```
    /// let c = flask_session_cookie::flask_wtf::CsrfConfig::new("k")?;
    /// assert_eq!(c.serializer().signer().signer().config().salt(), b"wtf-csrf-token");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn serializer(&self) -> &UrlSafeTimedSerializer {
        &self.serializer
    }

    /// The form token for a raw token, signed at `timestamp`
    /// (`URLSafeTimedSerializer.dumps`).
    ///
    /// ```
    /// let c = flask_session_cookie::flask_wtf::CsrfConfig::new("dev-secret")?;
    /// let token = c.form_token_at("51c0ae4e67ece03d97accfc9c90ac2a0e5868131", 1_700_000_000)?;
    /// assert!(token.starts_with("IjUxYzBhZTRlNjdlY2UwM2Q5N2FjY2ZjOWM5MGFjMmEwZTU4NjgxMzEi.ZVPxAA."));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn form_token_at(&self, raw: &str, timestamp: i64) -> Result<String> {
        self.serializer.dumps_at(&Value::from(raw), timestamp)
    }

    /// The raw token inside a form token, checked as `validate_csrf` loads it: the
    /// signature, then the age against the time limit at `now`. Errors are the
    /// crate's ([`BadSignature`](crate::ErrorKind::BadSignature),
    /// [`Expired`](crate::ErrorKind::Expired), ...); a token whose JSON is not a
    /// string is [`BadPayload`](crate::ErrorKind::BadPayload).
    ///
    /// ```
    /// let c = flask_session_cookie::flask_wtf::CsrfConfig::new("dev-secret")?;
    /// let token = c.form_token_at("abc", 1_700_000_000)?;
    /// assert_eq!(c.raw_token_at(&token, 1_700_000_000)?, "abc");
    /// assert!(c.raw_token_at(&token, 1_700_003_601).is_err());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn raw_token_at(&self, token: &str, now: i64) -> Result<String> {
        let loaded = self.serializer.loads_at(token, self.time_limit, now)?;
        match loaded.value {
            Value::Str(s) => Ok(s),
            other => Err(Error::payload(
                crate::error::PayloadStage::Type,
                format!("the CSRF token holds a {}, not a string", other.type_name()),
            )),
        }
    }

    /// A new raw token: the SHA-1 hex digest of 64 random bytes.
    fn new_raw_token(&self) -> Result<String> {
        let mut bytes = [0u8; 64];
        (self.random)(&mut bytes)?;
        let mut out = String::with_capacity(40);
        python::push_hex(&Sha1::digest(bytes), &mut out);
        Ok(out)
    }

    /// `generate_csrf()`: the form token for this session, signed at `timestamp`;
    /// a raw token is put in the session first if it has none (or one that is not a
    /// string). Render the result in the form's `csrf_token` field or send it in an
    /// `X-CSRFToken` header.
    ///
    /// Fails only when the random source fails.
    ///
    /// ```
    /// use flask_session_cookie::{Session, flask_wtf::CsrfConfig};
    /// let c = CsrfConfig::new("dev-secret")?;
    /// let mut s = Session::new();
    /// let first = c.generate_at(&mut s, 1_700_000_000)?;
    /// let again = c.generate_at(&mut s, 1_700_000_000)?;
    /// assert_eq!(first, again); // same raw token, same second
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn generate_at(&self, session: &mut Session, timestamp: i64) -> Result<String> {
        let raw = match session.get(&self.field_name) {
            Some(Value::Str(raw)) => raw.clone(),
            _ => {
                let raw = self.new_raw_token()?;
                session.insert(&self.field_name, raw.as_str());
                raw
            }
        };
        self.form_token_at(&raw, timestamp)
    }

    /// [`generate_at`](CsrfConfig::generate_at) on a request's session, tracked as
    /// Flask tracks it: an access always, a modification only when a raw token is
    /// created.
    ///
    /// ```
    /// use flask_session_cookie::{flask_wtf::CsrfConfig, session::FlaskSession};
    /// let c = CsrfConfig::new("dev-secret")?;
    /// let session = FlaskSession::detached(Default::default());
    /// let token = c.generate_for(&session, 1_700_000_000)?;
    /// assert!(session.lock().modified());
    /// # let _ = token;
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn generate_for(&self, session: &FlaskSession, timestamp: i64) -> Result<String> {
        let mut tracked = session.lock();
        let raw = match tracked.get(&self.field_name) {
            Some(Value::Str(raw)) => raw.clone(),
            _ => {
                let raw = self.new_raw_token()?;
                tracked.insert(&self.field_name, raw.as_str());
                raw
            }
        };
        self.form_token_at(&raw, timestamp)
    }

    /// `validate_csrf(token)` at `now`: the token is there, the session has a raw
    /// token, the form token verifies and is within the time limit, and it holds
    /// the session's raw token (compared in constant time).
    ///
    /// ```
    /// use flask_session_cookie::{Session, flask_wtf::{CsrfConfig, CsrfError}};
    /// let c = CsrfConfig::new("dev-secret")?;
    /// let mut s = Session::new();
    /// assert_eq!(c.validate_at(&s, None, 0), Err(CsrfError::Missing));
    /// assert_eq!(c.validate_at(&s, Some("x"), 0), Err(CsrfError::SessionTokenMissing));
    /// let token = c.generate_at(&mut s, 0)?;
    /// assert_eq!(c.validate_at(&s, Some("x.y.z"), 0), Err(CsrfError::Invalid));
    /// let other = c.form_token_at("another session's", 0)?;
    /// assert_eq!(c.validate_at(&s, Some(&other), 0), Err(CsrfError::Mismatch));
    /// assert_eq!(c.validate_at(&s, Some(&token), 0), Ok(()));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn validate_at(
        &self,
        session: &Session,
        token: Option<&str>,
        now: i64,
    ) -> std::result::Result<(), CsrfError> {
        let token = token.filter(|t| !t.is_empty()).ok_or(CsrfError::Missing)?;
        let raw = session
            .get(&self.field_name)
            .ok_or(CsrfError::SessionTokenMissing)?;
        let loaded = match self.serializer.loads_at(token, self.time_limit, now) {
            Ok(loaded) => loaded.value,
            Err(e) if matches!(e.kind(), ErrorKind::Expired { .. }) => {
                return Err(CsrfError::Expired);
            }
            Err(_) => return Err(CsrfError::Invalid),
        };
        // `hmac.compare_digest` takes two ASCII strings (a Markup is a str); anything
        // else is a TypeError, which Flask answers with 500.
        match (raw, &loaded) {
            (Value::Str(raw) | Value::Markup(raw), Value::Str(given))
                if raw.is_ascii() && given.is_ascii() =>
            {
                if constant_time_eq(raw, given) {
                    Ok(())
                } else {
                    Err(CsrfError::Mismatch)
                }
            }
            _ => Err(CsrfError::Unhandled),
        }
    }

    /// `CSRFProtect.protect()` on a request at `now`: a request whose method needs
    /// no token passes; otherwise the token (the form field, then any form field
    /// whose name ends with it, then the configured headers) is validated, and on
    /// HTTPS with strict checking the `Referer` must be `https://{Host}/`'s origin.
    ///
    /// ```
    /// use flask_session_cookie::{Session, flask_wtf::{CsrfConfig, CsrfError, CsrfRequest}};
    /// let c = CsrfConfig::new("dev-secret")?;
    /// let mut s = Session::new();
    /// let token = c.generate_at(&mut s, 0)?;
    /// let body = format!("name=x&csrf_token={token}");
    /// let post = CsrfRequest::new("POST")
    ///     .with_header("Content-Type", b"application/x-www-form-urlencoded")
    ///     .with_body(body.as_bytes());
    /// assert_eq!(c.protect_at(&post, &s, 0), Ok(()));
    /// assert_eq!(c.protect_at(&CsrfRequest::new("POST"), &s, 0), Err(CsrfError::Missing));
    /// assert_eq!(c.protect_at(&CsrfRequest::new("GET"), &s, 0), Ok(()));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn protect_at(
        &self,
        request: &CsrfRequest<'_>,
        session: &Session,
        now: i64,
    ) -> std::result::Result<(), CsrfError> {
        if !self.needs_token(request.method) {
            return Ok(());
        }
        let token = self.request_token(request)?;
        self.validate_at(session, token.as_deref(), now)?;
        if request.secure && self.ssl_strict {
            let referrer = request
                .header("Referer")
                .filter(|r| !r.is_empty())
                .ok_or(CsrfError::ReferrerMissing)?;
            let host = origin::werkzeug_host(request.header("Host").as_deref());
            let good = format!("https://{host}/");
            match origin::same_origin(&referrer, &good) {
                Ok(true) => {}
                Ok(false) => return Err(CsrfError::ReferrerMismatch),
                Err(origin::Raises) => return Err(CsrfError::Unhandled),
            }
        }
        Ok(())
    }

    /// Where `CSRFProtect` finds the token: the form field, any form field ending
    /// with its name (a prefixed form), then the headers. The form is read with the
    /// configured limits (a 413 past them); a nameless multipart part reached while
    /// looking for a prefixed field is Flask's `AttributeError` (500).
    fn request_token(
        &self,
        request: &CsrfRequest<'_>,
    ) -> std::result::Result<Option<String>, CsrfError> {
        let content_type = request.content_type();
        let form = parse_form_with(content_type.as_deref(), request.body, &self.form_limits)
            .map_err(|FormTooLarge| CsrfError::TooLarge)?;
        if let Some(token) = form.get(&self.field_name).filter(|t| !t.is_empty()) {
            return Ok(Some(token.to_owned()));
        }
        for key in form.keys() {
            let Some(key) = key else {
                return Err(CsrfError::Unhandled);
            };
            if key.ends_with(&self.field_name)
                && let Some(token) = form.get(key).filter(|t| !t.is_empty())
            {
                return Ok(Some(token.to_owned()));
            }
        }
        Ok(self
            .headers
            .iter()
            .find_map(|name| request.header(name).filter(|value| !value.is_empty())))
    }
}

/// What `CSRFProtect` looks at in a request: the method, the headers (raw bytes), the
/// body, and whether it came over HTTPS.
///
/// Headers are seen as a WSGI server (Werkzeug's or gunicorn) hands them to Flask:
/// the values of a name sent more than once are joined with `,`, except
/// `Content-Type`, of which the last counts.
#[derive(Debug, Clone, Default)]
pub struct CsrfRequest<'a> {
    method: &'a str,
    headers: Vec<(&'a str, &'a [u8])>,
    body: &'a [u8],
    secure: bool,
}

impl<'a> CsrfRequest<'a> {
    /// A request with this method, no headers, no body, over HTTP.
    ///
    /// ```
    /// let _ = flask_session_cookie::flask_wtf::CsrfRequest::new("POST");
    /// ```
    pub fn new(method: &'a str) -> Self {
        CsrfRequest {
            method,
            headers: Vec::new(),
            body: &[],
            secure: false,
        }
    }

    /// Adds a header (name case-insensitive; see the type's docs for repeats).
    ///
    /// ```
    /// let _ = flask_session_cookie::flask_wtf::CsrfRequest::new("POST").with_header("X-CSRFToken", b"t");
    /// ```
    #[must_use]
    pub fn with_header(mut self, name: &'a str, value: &'a [u8]) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The request body (read for `application/x-www-form-urlencoded` and
    /// `multipart/form-data`).
    ///
    /// ```
    /// let _ = flask_session_cookie::flask_wtf::CsrfRequest::new("POST").with_body(b"a=1");
    /// ```
    #[must_use]
    pub fn with_body(mut self, body: &'a [u8]) -> Self {
        self.body = body;
        self
    }

    /// Whether the request came over HTTPS (Flask's `request.is_secure`).
    ///
    /// ```
    /// let _ = flask_session_cookie::flask_wtf::CsrfRequest::new("POST").with_https(true);
    /// ```
    #[must_use]
    pub fn with_https(mut self, secure: bool) -> Self {
        self.secure = secure;
        self
    }

    /// A header as Flask sees it: its values joined with `,`, as Latin-1 text.
    fn header(&self, name: &str) -> Option<String> {
        let mut values = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v);
        let first = values.next()?;
        let mut joined = latin1(first);
        for more in values {
            joined.push(',');
            joined.push_str(&latin1(more));
        }
        Some(joined)
    }

    /// The last `Content-Type` (a WSGI server keeps the last of `CONTENT_TYPE`).
    fn content_type(&self) -> Option<Vec<u8>> {
        self.headers
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.to_vec())
    }
}

/// A header's bytes as the Latin-1 text WSGI makes of them.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// `hmac.compare_digest` on two strings: the time depends on the lengths only.
fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `os.urandom(64)`.
fn os_random(buf: &mut [u8; 64]) -> Result<()> {
    #[cfg(unix)]
    {
        use std::io::Read as _;
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(buf))
            .map_err(|e| {
                Error::config("cannot read random bytes from /dev/urandom for a CSRF token")
                    .with_source(e)
            })
    }
    #[cfg(not(unix))]
    {
        let _ = buf;
        Err(Error::config(
            "no random source on this platform: give CsrfConfig::with_random one",
        ))
    }
}
