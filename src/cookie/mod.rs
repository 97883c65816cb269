//! The cookie side, as Flask does it: the cookie attributes of Flask's
//! `SESSION_COOKIE_*` settings, `Expires` for permanent sessions, the deletion cookie
//! for an emptied session, and Flask's rule for when to send any of them
//! (`SecureCookieSessionInterface.save_session`, Flask 3.1) — as header strings,
//! for any framework; and the request side, the `Cookie` header read exactly as
//! Werkzeug reads it ([`find_request_cookie`]). The `cookie` feature adds the same as
//! [`Cookie`] values of the `cookie` crate.

mod request;

use std::borrow::Cow;

use time::OffsetDateTime;

pub use request::{RequestCookies, find_request_cookie, request_cookies};

/// The `cookie` crate's cookie type (feature `cookie`), re-exported.
#[cfg(feature = "cookie")]
#[cfg_attr(docsrs, doc(cfg(feature = "cookie")))]
pub use ::cookie::Cookie;

use crate::error::Result;
use crate::python;
use crate::session::{SessionCodec, TrackedSession};

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
    lifetime: u64,
    refresh_each_request: bool,
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
            lifetime: SessionCodec::DEFAULT_MAX_AGE,
            refresh_each_request: true,
        }
    }

    /// `SESSION_COOKIE_NAME`. Default: `session`.
    ///
    /// ```
    /// let c = flask_session_cookie::cookie::CookieConfig::flask().with_name("my_session");
    /// assert_eq!(c.name(), "my_session");
    /// ```
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Cow::Owned(name.into());
        self
    }

    /// `SESSION_COOKIE_DOMAIN`. Default: none. As Werkzeug ≥ 2.3 writes it: a leading
    /// `.` and a `:port` are dropped. Give internationalized names in punycode.
    ///
    /// ```
    /// use flask_session_cookie::cookie::CookieConfig;
    /// let c = CookieConfig::flask().with_domain(Some(".Example.com:8080"));
    /// assert_eq!(c.set_cookie_header("v", false, 0), "session=v; Domain=Example.com; HttpOnly; Path=/");
    /// ```
    #[must_use]
    pub fn with_domain(mut self, domain: Option<&str>) -> Self {
        self.domain = domain.map(|d| {
            let d = d.strip_prefix('.').unwrap_or(d);
            let d = match d.rsplit_once(':') {
                Some((host, port))
                    if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    host
                }
                _ => d,
            };
            d.to_owned()
        });
        self
    }

    /// `SESSION_COOKIE_PATH` (or Flask's `APPLICATION_ROOT`). Default: `/`.
    ///
    /// ```
    /// let c = flask_session_cookie::cookie::CookieConfig::flask().with_path("/app");
    /// assert!(c.set_cookie_header("v", false, 0).contains("Path=/app"));
    /// ```
    #[must_use]
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Cow::Owned(path.into());
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

    /// `PERMANENT_SESSION_LIFETIME` in seconds: `Expires` of a permanent session is now
    /// plus this. Default: 31 days. (The codec's `max_age` is separate; Flask uses the
    /// same setting for both.)
    ///
    /// ```
    /// let c = flask_session_cookie::cookie::CookieConfig::flask().with_lifetime(3600);
    /// assert_eq!(c.lifetime(), 3600);
    /// ```
    #[must_use]
    pub const fn with_lifetime(mut self, seconds: u64) -> Self {
        self.lifetime = seconds;
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

    /// The permanent session lifetime in seconds.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::cookie::CookieConfig::flask().lifetime(), 2_678_400);
    /// ```
    pub const fn lifetime(&self) -> u64 {
        self.lifetime
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
        out.push_str(value);
        if let Some(domain) = &self.domain {
            out.push_str("; Domain=");
            out.push_str(domain);
        }
    }

    /// `Expires` for a session: now + lifetime when permanent, none otherwise.
    fn expires(&self, permanent: bool, now: i64) -> Option<OffsetDateTime> {
        if !permanent {
            return None;
        }
        let at = now.saturating_add(i64::try_from(self.lifetime).unwrap_or(i64::MAX));
        OffsetDateTime::from_unix_timestamp(at).ok()
    }

    /// The `Set-Cookie` header value Flask sends for a session cookie, attributes in
    /// Werkzeug's order (`name=value; Domain; Expires; Secure; HttpOnly; Path;
    /// SameSite; Partitioned`). `Expires` (now + lifetime) only for a permanent session.
    ///
    /// ```
    /// use flask_session_cookie::cookie::CookieConfig;
    /// let header = CookieConfig::flask().set_cookie_header("v", true, 1_700_000_000);
    /// assert_eq!(header, "session=v; Expires=Fri, 15 Dec 2023 22:13:20 GMT; HttpOnly; Path=/");
    /// ```
    pub fn set_cookie_header(&self, value: &str, permanent: bool, now: i64) -> String {
        let mut out = String::with_capacity(value.len() + 96);
        self.push_head(value, &mut out);
        if let Some(expires) = self.expires(permanent, now) {
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
        out.push_str("; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0");
        self.push_tail(&mut out);
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
        let mut out = SaveOutcome {
            set_cookie: None,
            vary_cookie: session.accessed(),
        };
        let s = session.untracked();
        if s.is_empty() {
            if session.modified() {
                out.set_cookie = Some(self.delete_cookie_header());
                out.vary_cookie = true;
            }
            return Ok(out);
        }
        let permanent = s.permanent();
        if !(session.modified() || (permanent && self.refresh_each_request)) {
            return Ok(out);
        }
        let value = codec.encode_at(s, now)?;
        out.set_cookie = Some(self.set_cookie_header(&value, permanent, now));
        out.vary_cookie = true;
        Ok(out)
    }
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
