//! The cookie side, as Flask does it: the cookie attributes of Flask's
//! `SESSION_COOKIE_*` settings, `Expires` for permanent sessions, the deletion cookie
//! for an emptied session, and Flask's rule for when to send any of them
//! (`SecureCookieSessionInterface.save_session`, Flask 3.1) — as header strings,
//! for any framework; and the request side, the `Cookie` header read exactly as
//! Werkzeug reads it ([`find_request_cookie`]), a response's `Set-Cookie` headers as a
//! browser keeps them ([`find_set_cookie`]), and any pasted form, up to a whole HTTP
//! message ([`find_cookie`]). The `cookie` feature adds the same as
//! `Cookie` values of the `cookie` crate.

mod attributes;
mod request;
mod text;

use std::borrow::Cow;

use time::OffsetDateTime;

pub use attributes::quote_value;
pub use request::{
    CookieHeaders, RequestCookies, find_request_cookie, find_request_cookie_in, request_cookies,
};
pub use text::{FoundCookie, InputForm, find_cookie, find_set_cookie};

/// The `cookie` crate's cookie type (feature `cookie`), re-exported.
#[cfg(feature = "cookie")]
#[cfg_attr(docsrs, doc(cfg(feature = "cookie")))]
pub use ::cookie::Cookie;

use crate::error::{Error, Limit, Result};
use crate::python;
use crate::session::save::{self, Refresh, SaveAction, SaveRules};
use crate::session::{SessionCodec, TrackedSession};

/// The attributes that make a browser drop a cookie at once.
const EXPIRED: &str = "; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0";

/// The `SameSite` attribute (Flask's `SESSION_COOKIE_SAMESITE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SameSite {
    /// `SameSite=Strict`
    Strict,
    /// `SameSite=Lax`
    Lax,
    /// `SameSite=None` (browsers require `Secure` with it)
    None,
}

impl SameSite {
    fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }
}

/// Flask's session cookie settings.
///
/// [`CookieConfig::flask`] gives Flask's defaults: name `session`, no `Domain`,
/// `Path=/`, `HttpOnly`, not `Secure`, no `SameSite`, not `Partitioned`, a permanent
/// session lifetime of 31 days, and re-sending a permanent session on every request.
///
/// ```
/// use flask_session_cookie::cookie::{CookieConfig, SameSite};
///
/// let config = CookieConfig::flask().with_secure(true).with_same_site(Some(SameSite::Lax));
/// assert_eq!(
///     config.set_cookie_header("abc.def.ghi", false, 1_700_000_000),
///     "session=abc.def.ghi; Secure; HttpOnly; Path=/; SameSite=Lax"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieConfig {
    name: Cow<'static, str>,
    domain: Option<String>,
    path: Cow<'static, str>,
    http_only: bool,
    secure: bool,
    same_site: Option<SameSite>,
    partitioned: bool,
    /// `None`: the codec's `max_age` (Flask's one `PERMANENT_SESSION_LIFETIME`).
    lifetime: Option<u64>,
    refresh_each_request: bool,
    max_size: Option<usize>,
}

impl Default for CookieConfig {
    fn default() -> Self {
        CookieConfig::flask()
    }
}

impl CookieConfig {
    /// Flask's defaults, listed on the type.
    ///
    /// ```
    /// let config = flask_session_cookie::cookie::CookieConfig::flask();
    /// assert_eq!(config.name(), "session");
    /// ```
    pub const fn flask() -> Self {
        CookieConfig {
            name: Cow::Borrowed("session"),
            domain: None,
            path: Cow::Borrowed("/"),
            http_only: true,
            secure: false,
            same_site: None,
            partitioned: false,
            lifetime: None,
            refresh_each_request: true,
            max_size: Some(Self::WERKZEUG_MAX_SIZE),
        }
    }

    /// Werkzeug's `max_cookie_size`: 4093 bytes, about what browsers keep of one
    /// cookie. The default [`max_size`](CookieConfig::with_max_size).
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::cookie::CookieConfig::WERKZEUG_MAX_SIZE, 4093);
    /// ```
    pub const WERKZEUG_MAX_SIZE: usize = 4093;

    /// `SESSION_COOKIE_NAME`. Default: `session`.
    ///
    /// Fails with a [`Config`](crate::ErrorKind::Config) error for a name that is not
    /// an RFC 6265 token (Werkzeug writes any name; a `;` or `=` in one would change
    /// what the browser stores).
    ///
    /// ```
    /// use flask_session_cookie::cookie::CookieConfig;
    /// let c = CookieConfig::flask().with_name("my_session")?;
    /// assert_eq!(c.name(), "my_session");
    /// assert!(CookieConfig::flask().with_name("a; Domain=evil.example").is_err());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn with_name(mut self, name: impl Into<String>) -> Result<Self> {
        let name = name.into();
        attributes::check_name(&name)?;
        self.name = Cow::Owned(name);
        Ok(self)
    }

    /// `SESSION_COOKIE_DOMAIN`. Default: none. As Werkzeug ≥ 2.3 writes it: leading
    /// dots and a `:port` are dropped.
    ///
    /// Fails with a [`Config`](crate::ErrorKind::Config) error for what is not an
    /// ASCII host name (give internationalized names in punycode, `xn--...`): Werkzeug
    /// would write a `;` in it, and with it an attribute of the text's choosing.
    ///
    /// ```
    /// use flask_session_cookie::cookie::CookieConfig;
    /// let c = CookieConfig::flask().with_domain(Some(".Example.com:8080"))?;
    /// assert_eq!(c.set_cookie_header("v", false, 0), "session=v; Domain=Example.com; HttpOnly; Path=/");
    /// assert!(CookieConfig::flask().with_domain(Some("evil.example; Path=/x")).is_err());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn with_domain(mut self, domain: Option<&str>) -> Result<Self> {
        self.domain = domain.map(attributes::clean_domain).transpose()?;
        Ok(self)
    }

    /// `SESSION_COOKIE_PATH` (or Flask's `APPLICATION_ROOT`). Default: `/`.
    /// Percent-encoded as Werkzeug encodes it, so no path can add an attribute.
    ///
    /// ```
    /// let c = flask_session_cookie::cookie::CookieConfig::flask().with_path("/app");
    /// assert!(c.set_cookie_header("v", false, 0).ends_with("; Path=/app"));
    /// let c = flask_session_cookie::cookie::CookieConfig::flask().with_path("/; Domain=evil.example");
    /// assert!(c.set_cookie_header("v", false, 0).ends_with("; Path=/%3B%20Domain=evil.example"));
    /// ```
    #[must_use]
    pub fn with_path(mut self, path: impl AsRef<str>) -> Self {
        self.path = Cow::Owned(attributes::quote_path(path.as_ref()));
        self
    }

    /// `SESSION_COOKIE_HTTPONLY`. Default: true.
    ///
    /// ```
    /// let c = flask_session_cookie::cookie::CookieConfig::flask().with_http_only(false);
    /// assert_eq!(c.set_cookie_header("v", false, 0), "session=v; Path=/");
    /// ```
    #[must_use]
    pub const fn with_http_only(mut self, http_only: bool) -> Self {
        self.http_only = http_only;
        self
    }

    /// `SESSION_COOKIE_SECURE`. Default: false.
    ///
    /// ```
    /// let c = flask_session_cookie::cookie::CookieConfig::flask().with_secure(true);
    /// assert!(c.set_cookie_header("v", false, 0).contains("; Secure;"));
    /// ```
    #[must_use]
    pub const fn with_secure(mut self, secure: bool) -> Self {
        self.secure = secure;
        self
    }

    /// `SESSION_COOKIE_SAMESITE`. Default: none.
    ///
    /// ```
    /// use flask_session_cookie::cookie::{CookieConfig, SameSite};
    /// let c = CookieConfig::flask().with_same_site(Some(SameSite::Strict));
    /// assert!(c.set_cookie_header("v", false, 0).ends_with("SameSite=Strict"));
    /// ```
    #[must_use]
    pub const fn with_same_site(mut self, same_site: Option<SameSite>) -> Self {
        self.same_site = same_site;
        self
    }

    /// `SESSION_COOKIE_PARTITIONED` (Flask ≥ 3.1). Default: false. As in Werkzeug, a
    /// partitioned cookie is always `Secure`.
    ///
    /// ```
    /// let c = flask_session_cookie::cookie::CookieConfig::flask().with_partitioned(true);
    /// assert_eq!(c.set_cookie_header("v", false, 0), "session=v; Secure; HttpOnly; Path=/; Partitioned");
    /// ```
    #[must_use]
    pub const fn with_partitioned(mut self, partitioned: bool) -> Self {
        self.partitioned = partitioned;
        self
    }

    /// The lifetime of a permanent session's cookie in seconds: `Expires` is now plus
    /// this. Default: `None`, which follows Flask: one `PERMANENT_SESSION_LIFETIME`
    /// for both, so [`save`](CookieConfig::save) takes the codec's `max_age`
    /// ([`SessionCodec::with_max_age`]; 31 days unless set), and the header methods
    /// without a codec take 31 days. Set it only for a cookie that should outlive, or
    /// die before, what the codec accepts.
    ///
    /// ```
    /// use flask_session_cookie::cookie::CookieConfig;
    /// assert_eq!(CookieConfig::flask().lifetime(), None);
    /// assert_eq!(CookieConfig::flask().with_lifetime(Some(3600)).lifetime(), Some(3600));
    /// ```
    #[must_use]
    pub const fn with_lifetime(mut self, seconds: Option<u64>) -> Self {
        self.lifetime = seconds;
        self
    }

    /// The largest `Set-Cookie` header [`save`](CookieConfig::save) sends, or `None`
    /// for no limit but the codec's own. Default:
    /// [`WERKZEUG_MAX_SIZE`](CookieConfig::WERKZEUG_MAX_SIZE) (4093 bytes).
    ///
    /// A longer one is an error (a [`LimitExceeded`](crate::ErrorKind::LimitExceeded)
    /// of [`CookieLength`](crate::error::Limit::CookieLength)), where Werkzeug only warns
    /// and sends it: a browser drops such a cookie, and a cookie longer than the codec's
    /// own `max_cookie_len` would be refused on the next request, so either way the
    /// user would be logged out and the session lost without a word. An error shows the
    /// problem where it is made (the axum layer answers 500 and logs it). A cookie over
    /// the codec's `max_cookie_len` is refused whatever this says.
    ///
    /// ```
    /// use flask_session_cookie::cookie::CookieConfig;
    /// assert_eq!(CookieConfig::flask().max_size(), Some(4093));
    /// assert_eq!(CookieConfig::flask().with_max_size(None).max_size(), None);
    /// ```
    #[must_use]
    pub const fn with_max_size(mut self, max_size: Option<usize>) -> Self {
        self.max_size = max_size;
        self
    }

    /// `SESSION_REFRESH_EACH_REQUEST`: re-send a permanent session on every request.
    /// Default: true.
    ///
    /// ```
    /// let c = flask_session_cookie::cookie::CookieConfig::flask().with_refresh_each_request(false);
    /// assert!(!c.refresh_each_request());
    /// ```
    #[must_use]
    pub const fn with_refresh_each_request(mut self, refresh: bool) -> Self {
        self.refresh_each_request = refresh;
        self
    }

    /// The cookie name.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::cookie::CookieConfig::flask().name(), "session");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The cookie's `Domain`, if set.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::cookie::CookieConfig::flask().domain(), None);
    /// ```
    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }

    /// The cookie's `Path`.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::cookie::CookieConfig::flask().path(), "/");
    /// ```
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The cookie's own lifetime, if set; see
    /// [`with_lifetime`](CookieConfig::with_lifetime).
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::cookie::CookieConfig::flask().lifetime(), None);
    /// ```
    pub const fn lifetime(&self) -> Option<u64> {
        self.lifetime
    }

    /// The largest `Set-Cookie` header [`save`](CookieConfig::save) sends.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::cookie::CookieConfig::flask().max_size(), Some(4093));
    /// ```
    pub const fn max_size(&self) -> Option<usize> {
        self.max_size
    }

    /// Whether a permanent session is re-sent on every request.
    ///
    /// ```
    /// assert!(flask_session_cookie::cookie::CookieConfig::flask().refresh_each_request());
    /// ```
    pub const fn refresh_each_request(&self) -> bool {
        self.refresh_each_request
    }

    fn secure_attr(&self) -> bool {
        self.secure || self.partitioned
    }

    /// Appends the attributes after `Expires`/`Max-Age`, in Werkzeug's order.
    fn push_tail(&self, out: &mut String) {
        if self.secure_attr() {
            out.push_str("; Secure");
        }
        if self.http_only {
            out.push_str("; HttpOnly");
        }
        out.push_str("; Path=");
        out.push_str(&self.path);
        if let Some(same_site) = self.same_site {
            out.push_str("; SameSite=");
            out.push_str(same_site.as_str());
        }
        if self.partitioned {
            out.push_str("; Partitioned");
        }
    }

    fn push_head(&self, value: &str, out: &mut String) {
        out.push_str(&self.name);
        out.push('=');
        out.push_str(&quote_value(value));
        if let Some(domain) = &self.domain {
            out.push_str("; Domain=");
            out.push_str(domain);
        }
    }

    /// `Expires` for a session: now + lifetime when permanent, none otherwise.
    fn expires(&self, permanent: bool, now: i64) -> Option<OffsetDateTime> {
        let lifetime = self.lifetime.unwrap_or(SessionCodec::DEFAULT_MAX_AGE);
        expires_at(permanent, now, lifetime)
    }

    /// The `Set-Cookie` header value Flask sends for a session cookie, attributes in
    /// Werkzeug's order (`name=value; Domain; Expires; Secure; HttpOnly; Path;
    /// SameSite; Partitioned`). `Expires` (now + lifetime, 31 days unless
    /// [`with_lifetime`](CookieConfig::with_lifetime) says otherwise) only for a
    /// permanent session. The value is quoted as Werkzeug quotes it
    /// ([`quote_value`]; a session cookie never needs it).
    ///
    /// ```
    /// use flask_session_cookie::cookie::CookieConfig;
    /// let header = CookieConfig::flask().set_cookie_header("v", true, 1_700_000_000);
    /// assert_eq!(header, "session=v; Expires=Fri, 15 Dec 2023 22:13:20 GMT; HttpOnly; Path=/");
    /// ```
    pub fn set_cookie_header(&self, value: &str, permanent: bool, now: i64) -> String {
        self.header(value, self.expires(permanent, now))
    }

    /// The `Set-Cookie` header value for a cookie that expires at `expires` (Unix
    /// seconds), as Werkzeug's `set_cookie(..., expires=...)` writes it: `Expires`
    /// and no `Max-Age`, attributes in Werkzeug's order. Used for Flask-Login's
    /// remember cookie. Fails with an [`Unencodable`](crate::ErrorKind::Unencodable)
    /// error for a date outside the years 1–9999.
    ///
    /// ```
    /// use flask_session_cookie::cookie::CookieConfig;
    /// let header = CookieConfig::flask().set_cookie_header_until("v", 1_700_000_000)?;
    /// assert_eq!(header, "session=v; Expires=Tue, 14 Nov 2023 22:13:20 GMT; HttpOnly; Path=/");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn set_cookie_header_until(&self, value: &str, expires: i64) -> Result<String> {
        let at = OffsetDateTime::from_unix_timestamp(expires)
            .ok()
            .filter(|at| (1..=9999).contains(&at.year()))
            .ok_or_else(|| {
                Error::unencodable(format!(
                    "the expiry {expires} (Unix seconds) is not a date Python can write"
                ))
            })?;
        Ok(self.header(value, Some(at)))
    }

    fn header(&self, value: &str, expires: Option<OffsetDateTime>) -> String {
        let mut out = String::with_capacity(value.len() + 96);
        self.push_head(value, &mut out);
        if let Some(expires) = expires {
            out.push_str("; Expires=");
            if python::push_http_date(expires, &mut out).is_err() {
                out.push_str("Fri, 31 Dec 9999 23:59:59 GMT");
            }
        }
        self.push_tail(&mut out);
        out
    }

    /// The `Set-Cookie` header value Flask (Werkzeug ≥ 2.2) sends to delete the
    /// session cookie when a session is emptied.
    ///
    /// ```
    /// use flask_session_cookie::cookie::CookieConfig;
    /// assert_eq!(
    ///     CookieConfig::flask().delete_cookie_header(),
    ///     "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/"
    /// );
    /// ```
    pub fn delete_cookie_header(&self) -> String {
        let mut out = String::with_capacity(96);
        self.push_head("", &mut out);
        out.push_str(EXPIRED);
        self.push_tail(&mut out);
        out
    }

    /// What Werkzeug's `response.delete_cookie(name, domain=…, path=…)` sends, as
    /// Flask-Session and Quart-Session call it: this config's name, domain and path,
    /// and no `Secure`, `HttpOnly`, `SameSite` or `Partitioned`, whatever it says.
    pub(crate) fn bare_delete_cookie_header(&self) -> String {
        let mut out = String::with_capacity(96);
        self.push_head("", &mut out);
        out.push_str(EXPIRED);
        out.push_str("; Path=");
        out.push_str(&self.path);
        out
    }

    #[cfg(feature = "cookie")]
    fn build(&self, value: String) -> ::cookie::CookieBuilder<'static> {
        let mut b = ::cookie::Cookie::build((self.name.clone().into_owned(), value))
            .path(self.path.clone().into_owned())
            .http_only(self.http_only)
            .secure(self.secure_attr())
            .partitioned(self.partitioned);
        if let Some(domain) = &self.domain {
            b = b.domain(domain.clone());
        }
        if let Some(same_site) = self.same_site {
            b = b.same_site(match same_site {
                SameSite::Strict => ::cookie::SameSite::Strict,
                SameSite::Lax => ::cookie::SameSite::Lax,
                SameSite::None => ::cookie::SameSite::None,
            });
        }
        b
    }

    /// The session cookie as a [`Cookie`], for cookie jars (feature `cookie`).
    /// (Its `Display` orders attributes its own way; use
    /// [`set_cookie_header`](CookieConfig::set_cookie_header) for Werkzeug's.)
    ///
    /// ```
    /// use flask_session_cookie::cookie::CookieConfig;
    /// let c = CookieConfig::flask().set_cookie("v", true, 1_700_000_000);
    /// assert_eq!((c.name(), c.value(), c.http_only()), ("session", "v", Some(true)));
    /// assert_eq!(c.expires_datetime().map(|t| t.unix_timestamp()), Some(1_702_678_400));
    /// ```
    #[cfg(feature = "cookie")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cookie")))]
    pub fn set_cookie(&self, value: &str, permanent: bool, now: i64) -> Cookie<'static> {
        let mut b = self.build(value.to_owned());
        if let Some(expires) = self.expires(permanent, now) {
            b = b.expires(expires);
        }
        b.build()
    }

    /// The deletion cookie as a [`Cookie`] (feature `cookie`).
    ///
    /// ```
    /// let c = flask_session_cookie::cookie::CookieConfig::flask().delete_cookie();
    /// assert_eq!(c.max_age(), Some(time::Duration::ZERO));
    /// ```
    #[cfg(feature = "cookie")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cookie")))]
    pub fn delete_cookie(&self) -> Cookie<'static> {
        self.build(String::new())
            .expires(OffsetDateTime::UNIX_EPOCH)
            .max_age(time::Duration::ZERO)
            .build()
    }

    /// What Flask's `save_session` sends for this session at the end of a request
    /// (Flask 3.1):
    ///
    /// 1. `Vary: Cookie` if the session was accessed;
    /// 2. an empty session: the deletion cookie if it was modified, else nothing;
    /// 3. otherwise a new cookie if it was modified, or if it is permanent and
    ///    refresh-each-request is on, signed at `now`; else nothing.
    ///
    /// ```
    /// use flask_session_cookie::SessionCodec;
    /// use flask_session_cookie::cookie::CookieConfig;
    /// use flask_session_cookie::session::TrackedSession;
    ///
    /// let codec = SessionCodec::new("dev-secret")?;
    /// let mut session = TrackedSession::new(Default::default());
    /// session.insert("user_id", 42);
    /// let out = CookieConfig::flask().save(&codec, &session, 1_700_000_000)?;
    /// assert_eq!(out.set_cookie.as_deref(), Some("session=eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM; HttpOnly; Path=/"));
    /// assert!(out.vary_cookie);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn save(
        &self,
        codec: &SessionCodec,
        session: &TrackedSession,
        now: i64,
    ) -> Result<SaveOutcome> {
        self.save_with(codec, session, now, |s| codec.encode_at(s, now))
    }

    /// [`save`](CookieConfig::save) with the cookie value made by `value` (called
    /// only when a cookie is written): the session cycle re-signs an unmodified
    /// session's verified payload instead of encoding it again.
    pub(crate) fn save_with(
        &self,
        codec: &SessionCodec,
        session: &TrackedSession,
        now: i64,
        value: impl FnOnce(&crate::session::Session) -> Result<String>,
    ) -> Result<SaveOutcome> {
        let rules = SaveRules {
            vary: true,
            refresh: if self.refresh_each_request {
                Refresh::Permanent
            } else {
                Refresh::Never
            },
        };
        let plan = save::plan(session, rules);
        let mut out = SaveOutcome {
            set_cookie: None,
            vary_cookie: plan.vary,
        };
        match plan.action {
            SaveAction::Nothing => return Ok(out),
            SaveAction::Delete => {
                out.set_cookie = Some(self.delete_cookie_header());
                return Ok(out);
            }
            SaveAction::Write { .. } => {}
        }
        let s = session.untracked();
        let permanent = s.permanent();
        let value = value(s)?;
        let limit = codec.serializer().limits().max_cookie_len();
        if value.len() > limit {
            return Err(Error::limit(
                Limit::CookieLength,
                format!(
                    "the session cookie would be {} bytes, more than the {limit} this codec \
                     reads back (Limits::max_cookie_len): the session would be lost",
                    value.len()
                ),
            ));
        }
        let lifetime = self
            .lifetime
            .or(codec.max_age())
            .unwrap_or(SessionCodec::DEFAULT_MAX_AGE);
        let header = self.header(&value, expires_at(permanent, now, lifetime));
        if let Some(max) = self.max_size.filter(|max| header.len() > *max) {
            return Err(Error::limit(
                Limit::CookieLength,
                format!(
                    "the Set-Cookie header would be {} bytes, more than {max}: browsers drop \
                     such a cookie, and the session would be lost (CookieConfig::with_max_size)",
                    header.len()
                ),
            ));
        }
        out.set_cookie = Some(header);
        out.vary_cookie = true;
        Ok(out)
    }
}

fn expires_at(permanent: bool, now: i64, lifetime: u64) -> Option<OffsetDateTime> {
    if !permanent {
        return None;
    }
    let at = now.saturating_add(i64::try_from(lifetime).unwrap_or(i64::MAX));
    OffsetDateTime::from_unix_timestamp(at).ok()
}

/// What to add to a response: see [`CookieConfig::save`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SaveOutcome {
    /// A `Set-Cookie` header value to add, if any.
    pub set_cookie: Option<String>,
    /// Whether to add `Cookie` to `Vary`.
    pub vary_cookie: bool,
}
