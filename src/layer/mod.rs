//! Flask's session cycle around one request, for any web framework: open the session
//! cookie before the handler as Flask's `open_session` does, save it after as
//! `save_session` does. The `axum` feature's layer is this plus glue; a
//! framework without one needs only [`SessionCycle::open`] and
//! [`SessionCycle::finish`].
//!
//! - A missing cookie, or one that fails verification, has expired or is malformed,
//!   gives an empty session (Flask's `except BadSignature`); one that verifies but
//!   cannot be decoded is an error the framework answers with HTTP 500, as Flask
//!   does, without calling the handler.
//! - After the handler, [`SessionCycle::finish`] says which `Set-Cookie` and whether
//!   `Vary: Cookie` to add (Flask's `save_session`), signing at the codec's clock.
//! - Every rejected cookie and every failure is reported: a `tracing` event (with the
//!   `tracing` feature; debug for a cookie treated as empty, warn for a 500), and the
//!   hook of [`SessionCycle::with_rejection_hook`]. Neither ever carries a key or a
//!   cookie value. Handlers see what happened in [`FlaskSession::origin`].
//!
//! ```
//! use flask_session_cookie::layer::SessionCycle;
//! use flask_session_cookie::session::SessionOrigin;
//! use flask_session_cookie::SessionCodec;
//!
//! let cycle = SessionCycle::new(SessionCodec::new("dev-secret")?);
//! // A request: its Cookie headers, as raw bytes.
//! let header = b"session=eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM";
//! let session = cycle.open_at([&header[..]], 1_700_000_000)?;
//! assert!(matches!(session.origin(), SessionOrigin::Opened { .. }));
//! session.insert("visits", 1); // the handler
//! let out = cycle.finish_at(&session, 1_700_000_000)?;
//! assert!(out.set_cookie.is_some() && out.vary_cookie);
//! # Ok::<(), flask_session_cookie::Error>(())
//! ```

mod cache;
#[cfg(any(feature = "axum", feature = "actix"))]
mod form_body;

use std::fmt;
use std::sync::Arc;

pub use cache::CookieCache;
#[cfg(any(feature = "axum", feature = "actix"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "axum", feature = "actix"))))]
pub use form_body::FormBodyReader;
#[cfg(any(feature = "axum", feature = "actix"))]
pub(crate) use form_body::{BodyRefusal, FormBody, protect as csrf_protect};

use crate::cookie::{CookieConfig, CookieHeaders, SaveOutcome, find_request_cookie_in};
use crate::error::{Error, Result};
use crate::flask_login::{ClientInfo, FlaskLogin, LoginConfig};
use crate::flask_session::{PrefixClaim, ServerSide};
use crate::itsdangerous::{KeyUsed, check_age};
use crate::session::{FlaskSession, Session, SessionCodec, SessionOrigin, TrackedSession};

/// What to call with each rejected cookie and each failure.
type Hook = Arc<dyn Fn(&Error) + Send + Sync>;

/// The settings of the session cycle: the codec (keys, `max_age`, limits, clock),
/// the cookie settings, and an optional rejection hook. Cheap to clone (the parts
/// are shared).
///
/// ```
/// use flask_session_cookie::layer::SessionCycle;
/// use flask_session_cookie::cookie::CookieConfig;
/// use flask_session_cookie::{SecretKeys, SessionCodec};
///
/// let codec = SessionCodec::new(SecretKeys::new("new-secret").with_fallback("old-secret"))?;
/// let cycle = SessionCycle::new(codec)
///     .with_cookie_config(CookieConfig::flask().with_secure(true))
///     .with_rejection_hook(|error| eprintln!("session cookie: {}", error.kind()));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Clone)]
pub struct SessionCycle {
    codec: Arc<SessionCodec>,
    cookie: Arc<CookieConfig>,
    hook: Option<Hook>,
    login: Option<Arc<LoginConfig>>,
    cookie_headers: CookieHeaders,
    unknown_client_ok: bool,
    cache: Arc<cache::Cache>,
    /// Where the session lives when not in the cookie, and its hold on its prefix.
    server: Option<Arc<(ServerSide, PrefixClaim)>>,
}

impl fmt::Debug for SessionCycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCycle")
            .field("codec", &self.codec)
            .field("cookie", &self.cookie)
            .field("hook", &self.hook.as_ref().map(|_| "<fn>"))
            .field("login", &self.login)
            .field("cookie_headers", &self.cookie_headers)
            .field("unknown_client_ok", &self.unknown_client_ok)
            .field("cookie_cache", &self.cache.usage())
            .field("server_side", &self.server)
            .finish()
    }
}

/// Reports a rejected cookie or a failure: the tracing event and the hook.
macro_rules! report {
    ($cycle:expr, $level:ident, $error:expr, $what:literal) => {{
        let error: &Error = $error;
        #[cfg(feature = "tracing")]
        tracing::$level!(kind = %error.kind(), $what);
        if let Some(hook) = &$cycle.hook {
            hook(error);
        }
    }};
}

impl SessionCycle {
    /// The cycle with this codec and Flask's cookie settings
    /// ([`CookieConfig::flask`]).
    ///
    /// ```
    /// let cycle = flask_session_cookie::layer::SessionCycle::new(flask_session_cookie::SessionCodec::new("k")?);
    /// assert_eq!(cycle.cookie_config().name(), "session");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(codec: SessionCodec) -> Self {
        SessionCycle {
            codec: Arc::new(codec),
            cookie: Arc::new(CookieConfig::flask()),
            hook: None,
            login: None,
            cookie_headers: CookieHeaders::Wsgi,
            unknown_client_ok: false,
            cache: Arc::new(cache::Cache::new(CookieCache::new())),
            server: None,
        }
    }

    /// Keeps sessions in a store, as Flask-Session (or Quart-Session) does, instead
    /// of in the cookie: the cookie carries the session id, and the session is read
    /// and saved by `server` ([`ServerSide::open`], [`ServerSide::save`]) under the
    /// same save decision Flask's cookie session uses. The codec's key is the app's
    /// `SECRET_KEY` (for Flask-Login and CSRF beside it), its clock dates the
    /// cookies. A server-side cycle is driven with
    /// [`open_request_async`](SessionCycle::open_request_async) and
    /// [`finish_request_async`](SessionCycle::finish_request_async) (the axum layer
    /// and actix middleware do so); the synchronous methods refuse it. Fails with a
    /// [`Config`](crate::ErrorKind::Config) error when another configuration of
    /// this process uses the same store and prefix for the other package
    /// ([`ServerSide::claim_prefix`]).
    ///
    /// ```
    /// use flask_session_cookie::flask_session::{Package, ServerSide};
    /// use flask_session_cookie::store::redis::RedisStore;
    /// use flask_session_cookie::{layer::SessionCycle, SessionCodec};
    ///
    /// let store = RedisStore::new("redis://127.0.0.1:6379")?;
    /// let cycle = SessionCycle::new(SessionCodec::new("dev-secret")?)
    ///     .with_server_side(ServerSide::new(Package::FlaskSession, store))?;
    /// assert!(cycle.server_side().is_some());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn with_server_side(mut self, server: ServerSide) -> Result<Self> {
        let claim = server.claim_prefix()?;
        self.server = Some(Arc::new((server, claim)));
        Ok(self)
    }

    /// The server-side settings, when sessions live in a store.
    ///
    /// ```
    /// let cycle = flask_session_cookie::layer::SessionCycle::new(flask_session_cookie::SessionCodec::new("k")?);
    /// assert!(cycle.server_side().is_none());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn server_side(&self) -> Option<&ServerSide> {
        self.server.as_deref().map(|(server, _)| server)
    }

    /// The error of a synchronous open or finish on a server-side cycle.
    fn refuse_sync(&self) -> Result<()> {
        match self.server {
            Some(_) => Err(Error::config(
                "this cycle keeps sessions in a store: open and finish requests with \
                 open_request_async and finish_request_async",
            )),
            None => Ok(()),
        }
    }

    /// The cache of verified cookies ([`CookieCache::new`] by default: 10,000
    /// cookies, 16 MiB). A cookie is cached when it comes back (a browser resending
    /// it; its first sighting records a hash only, so the cookie a modifying request
    /// replaces costs no copy), and then a request gets its session without
    /// verifying, inflating and parsing it again (its age is still checked against
    /// `max_age`); an unmodified permanent session whose payload is the one
    /// Flask writes is refreshed by re-signing that payload instead of encoding the
    /// session again. A new cache, empty, shared by the clones of the result (a new
    /// codec means a new cycle and so a new cache: a changed key never meets old
    /// entries). [`CookieCache::off`] turns it off.
    ///
    /// ```
    /// use flask_session_cookie::{layer::{CookieCache, SessionCycle}, SessionCodec};
    /// let cycle = SessionCycle::new(SessionCodec::new("k")?).with_cookie_cache(CookieCache::off());
    /// assert_eq!(cycle.cookie_cache_usage(), (0, 0));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_cookie_cache(mut self, cache: CookieCache) -> Self {
        self.cache = Arc::new(cache::Cache::new(cache));
        self
    }

    /// The verified-cookie cache's entries and estimated bytes now.
    ///
    /// ```
    /// let cycle = flask_session_cookie::layer::SessionCycle::new(flask_session_cookie::SessionCodec::new("k")?);
    /// assert_eq!(cycle.cookie_cache_usage(), (0, 0));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn cookie_cache_usage(&self) -> (usize, usize) {
        self.cache.usage()
    }

    /// Whether a cookie signed at `timestamp` is still within `max_age` at `now`, as
    /// itsdangerous checks it (an age below zero or above `max_age` is expired).
    fn current(&self, timestamp: Option<i64>, now: i64) -> bool {
        match (self.codec.max_age(), timestamp) {
            (None, _) => true,
            (Some(max), Some(ts)) => check_age(ts, max, now).is_ok(),
            (Some(_), None) => false,
        }
    }

    /// The cookie value for an unmodified session opened from `source`: its payload
    /// re-signed when that payload is known to be the one Flask writes for it, else
    /// encoded again (and then known, for the next refresh).
    fn refresh_value(&self, source: &str, session: &Session, now: i64) -> Result<String> {
        let known = self.cache.get(source).and_then(|v| v.canonical);
        let value = match known {
            Some(true) => self.codec.resign_at(source, now),
            _ => None,
        };
        let value = match value {
            Some(v) => v,
            None => {
                #[cfg(test)]
                cycle_tests::REFRESH_ENCODES.with(|n| n.set(n.get() + 1));
                self.codec.encode_at(session, now)?
            }
        };
        let canonical = known.unwrap_or_else(|| {
            let payload = self.codec.payload_of(&value);
            payload.is_some() && payload == self.codec.payload_of(source)
        });
        if canonical && self.cache.enabled() {
            // The same payload decodes to the same session.
            self.cache.insert(
                &value,
                cache::Verified {
                    session: session.clone(),
                    timestamp: Some(now),
                    key: KeyUsed::Current,
                    canonical: Some(true),
                },
            );
        }
        Ok(value)
    }

    /// With Flask-Login's session protection on, a request whose client address the
    /// framework glue cannot tell (axum served without
    /// `into_make_service_with_connect_info`) and that has no `X-Forwarded-For` is
    /// answered with 500 and a message naming the fix, because the session
    /// identifier made without the address matches no login Flask made (a fresh
    /// login would read as not fresh, or log out under "strong"). Call this to accept
    /// such requests anyway (the identifier is then made without an address, as for
    /// a WSGI request without `REMOTE_ADDR`).
    ///
    /// ```
    /// use flask_session_cookie::{layer::SessionCycle, SessionCodec};
    /// let cycle = SessionCycle::new(SessionCodec::new("k")?).with_unknown_client_address(true);
    /// assert!(cycle.client_address_problem(false, false).is_none());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_unknown_client_address(mut self, allowed: bool) -> Self {
        self.unknown_client_ok = allowed;
        self
    }

    /// Why a request cannot be served as Flask-Login would: session protection is on,
    /// the client's address is unknown (`address_known` false) and no
    /// `X-Forwarded-For` gives it (`forwarded` false), and
    /// [`with_unknown_client_address`](SessionCycle::with_unknown_client_address)
    /// did not allow it. The text names the fix; glue answers 500 with it.
    ///
    /// ```
    /// use flask_session_cookie::{layer::SessionCycle, flask_login::LoginConfig, SessionCodec};
    /// let cycle = SessionCycle::new(SessionCodec::new("k")?).with_login(LoginConfig::new("k")?);
    /// assert!(cycle.client_address_problem(false, false).unwrap().contains("connect_info"));
    /// assert!(cycle.client_address_problem(true, false).is_none());
    /// assert!(cycle.client_address_problem(false, true).is_none());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn client_address_problem(
        &self,
        address_known: bool,
        forwarded: bool,
    ) -> Option<&'static str> {
        let protected = self
            .login
            .as_ref()
            .is_some_and(|l| l.protection() != crate::flask_login::Protection::Off);
        (protected && !address_known && !forwarded && !self.unknown_client_ok).then_some(
            "Flask-Login's session protection needs the client's address, and this request \
             has none: serve the axum router with \
             .into_make_service_with_connect_info::<std::net::SocketAddr>() (or put the \
             service behind a proxy that sets X-Forwarded-For), or accept it with \
             SessionCycle::with_unknown_client_address(true)",
        )
    }

    /// How several `Cookie` headers of an HTTP/1 request are read: as a WSGI server
    /// hands them to Flask ([`CookieHeaders::Wsgi`], the default), or each on its own
    /// as Quart on Hypercorn reads them ([`CookieHeaders::Separate`]). HTTP/2 and
    /// later requests are read as `Separate` whatever this says
    /// ([`RequestInfo::with_http2`]), as RFC 9113 asks.
    ///
    /// ```
    /// use flask_session_cookie::{layer::SessionCycle, cookie::CookieHeaders, SessionCodec};
    /// let cycle = SessionCycle::new(SessionCodec::new("k")?).with_cookie_headers(CookieHeaders::Separate);
    /// assert_eq!(cycle.cookie_headers(), CookieHeaders::Separate);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_cookie_headers(mut self, how: CookieHeaders) -> Self {
        self.cookie_headers = how;
        self
    }

    /// How several `Cookie` headers of an HTTP/1 request are read.
    ///
    /// ```
    /// use flask_session_cookie::{layer::SessionCycle, cookie::CookieHeaders, SessionCodec};
    /// assert_eq!(SessionCycle::new(SessionCodec::new("k")?).cookie_headers(), CookieHeaders::Wsgi);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn cookie_headers(&self) -> CookieHeaders {
        self.cookie_headers
    }

    /// Uses these cookie settings. Default: [`CookieConfig::flask`].
    ///
    /// ```
    /// use flask_session_cookie::{layer::SessionCycle, cookie::CookieConfig, SessionCodec};
    /// let cycle = SessionCycle::new(SessionCodec::new("k")?).with_cookie_config(CookieConfig::flask().with_name("sid")?);
    /// assert_eq!(cycle.cookie_config().name(), "sid");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_cookie_config(mut self, cookie: CookieConfig) -> Self {
        self.cookie = Arc::new(cookie);
        self
    }

    /// Calls `hook` with every cookie that is rejected (and so treated as an empty
    /// session: [`Error::is_bad_signature`] is true) and every failure that becomes
    /// an HTTP 500 (a verified cookie that cannot be decoded, a session that cannot
    /// be written). The error never holds a key or a cookie value. Default: none.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    /// use flask_session_cookie::{layer::SessionCycle, SessionCodec};
    ///
    /// let rejected = Arc::new(AtomicUsize::new(0));
    /// let counter = Arc::clone(&rejected);
    /// let cycle = SessionCycle::new(SessionCodec::new("dev-secret")?)
    ///     .with_rejection_hook(move |_| { counter.fetch_add(1, Ordering::Relaxed); });
    /// let session = cycle.open([&b"session=forged.ZVPxAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA"[..]])?;
    /// assert!(session.snapshot().is_empty());
    /// assert_eq!(rejected.load(Ordering::Relaxed), 1);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_rejection_hook(mut self, hook: impl Fn(&Error) + Send + Sync + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// Runs Flask-Login's cycle too: each request opened with
    /// [`open_request_at`](SessionCycle::open_request_at) gets a [`FlaskLogin`]
    /// (session protection and the remember cookie when the current user is first
    /// asked for), and [`finish_request_at`](SessionCycle::finish_request_at) carries
    /// out its `_remember` instruction before saving the session.
    ///
    /// ```
    /// use flask_session_cookie::{layer::SessionCycle, flask_login::LoginConfig, SessionCodec};
    /// let cycle = SessionCycle::new(SessionCodec::new("dev-secret")?)
    ///     .with_login(LoginConfig::new("dev-secret")?);
    /// assert!(cycle.login_config().is_some());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_login(mut self, login: LoginConfig) -> Self {
        self.login = Some(Arc::new(login));
        self
    }

    /// Flask-Login's settings, if the cycle runs it.
    ///
    /// ```
    /// let cycle = flask_session_cookie::layer::SessionCycle::new(flask_session_cookie::SessionCodec::new("k")?);
    /// assert!(cycle.login_config().is_none());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn login_config(&self) -> Option<&LoginConfig> {
        self.login.as_deref()
    }

    /// The codec.
    ///
    /// ```
    /// let cycle = flask_session_cookie::layer::SessionCycle::new(flask_session_cookie::SessionCodec::new("k")?);
    /// assert_eq!(cycle.codec().max_age(), Some(2_678_400));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn codec(&self) -> &SessionCodec {
        &self.codec
    }

    /// The cookie settings.
    ///
    /// ```
    /// let cycle = flask_session_cookie::layer::SessionCycle::new(flask_session_cookie::SessionCodec::new("k")?);
    /// assert!(cycle.cookie_config().refresh_each_request());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn cookie_config(&self) -> &CookieConfig {
        &self.cookie
    }

    /// Opens the session of a request from its `Cookie` headers (raw bytes, as
    /// Werkzeug reads them, several read as
    /// [`cookie_headers`](SessionCycle::cookie_headers) says:
    /// [`find_request_cookie_in`]) at the codec's clock; see
    /// [`open_at`](SessionCycle::open_at).
    ///
    /// ```
    /// let cycle = flask_session_cookie::layer::SessionCycle::new(flask_session_cookie::SessionCodec::new("k")?);
    /// let session = cycle.open(std::iter::empty())?;
    /// assert!(session.snapshot().is_empty());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn open<'a>(
        &self,
        cookie_headers: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<FlaskSession> {
        self.open_at(cookie_headers, self.codec.now())
    }

    /// Opens the session of a request as if the time were `now`: Flask's
    /// `open_session`. A missing cookie, or one that fails verification, gives an
    /// empty session; an error means a verified cookie that cannot be decoded, which
    /// Flask answers with HTTP 500 (answer so, without calling the handler).
    ///
    /// ```
    /// use flask_session_cookie::{layer::SessionCycle, session::SessionOrigin, SessionCodec};
    /// let cycle = SessionCycle::new(SessionCodec::new("dev-secret")?);
    /// let session = cycle.open_at([&b"session=garbage"[..]], 1_700_000_000)?;
    /// assert!(matches!(session.origin(), SessionOrigin::Rejected(e) if e.is_bad_signature()));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn open_at<'a>(
        &self,
        cookie_headers: impl IntoIterator<Item = &'a [u8]>,
        now: i64,
    ) -> Result<FlaskSession> {
        self.open_headers_at(cookie_headers, self.cookie_headers, now)
    }

    fn open_headers_at<'a>(
        &self,
        cookie_headers: impl IntoIterator<Item = &'a [u8]>,
        how: CookieHeaders,
        now: i64,
    ) -> Result<FlaskSession> {
        self.refuse_sync()?;
        let value = find_request_cookie_in(cookie_headers, self.cookie.name(), how);
        if let Some(cookie) = value.as_deref().filter(|v| !v.is_empty())
            && let Some(hit) = self.cache.get(cookie)
        {
            if self.current(hit.timestamp, now) {
                let origin = SessionOrigin::Opened {
                    timestamp: hit.timestamp,
                    key: hit.key,
                };
                return Ok(FlaskSession::from_cookie(
                    TrackedSession::new(hit.session),
                    origin,
                    Some(Arc::from(cookie)),
                ));
            }
            // Expired since: decoding it again says so, as without a cache.
            self.cache.remove(cookie);
        }
        let (session, origin) = match value.as_deref() {
            None | Some("") => (Session::new(), SessionOrigin::NoCookie),
            Some(value) => match self.codec.open_at(value, now) {
                Ok(loaded) => {
                    if self.cache.wants(value) {
                        self.cache.insert(
                            value,
                            cache::Verified {
                                session: loaded.value.clone(),
                                timestamp: loaded.timestamp,
                                key: loaded.key,
                                canonical: None,
                            },
                        );
                    }
                    let origin = SessionOrigin::Opened {
                        timestamp: loaded.timestamp,
                        key: loaded.key,
                    };
                    let source = Some(Arc::from(value));
                    return Ok(FlaskSession::from_cookie(
                        TrackedSession::new(loaded.value),
                        origin,
                        source,
                    ));
                }
                // Flask: `except BadSignature: return self.session_class()`.
                Err(e) if e.is_bad_signature() => {
                    report!(
                        self,
                        debug,
                        &e,
                        "session cookie rejected; the session starts empty"
                    );
                    (Session::new(), SessionOrigin::Rejected(Arc::new(e)))
                }
                // Flask lets BadPayload propagate: HTTP 500.
                Err(e) => {
                    report!(
                        self,
                        warn,
                        &e,
                        "verified session cookie cannot be decoded; answering 500"
                    );
                    return Err(e);
                }
            },
        };
        Ok(FlaskSession::new(TrackedSession::new(session), origin))
    }

    /// What to add to the response after the handler, at the codec's clock; see
    /// [`finish_at`](SessionCycle::finish_at).
    ///
    /// ```
    /// let cycle = flask_session_cookie::layer::SessionCycle::new(flask_session_cookie::SessionCodec::new("k")?);
    /// let session = cycle.open(std::iter::empty())?;
    /// let out = cycle.finish(&session)?;
    /// assert!(out.set_cookie.is_none() && !out.vary_cookie);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn finish(&self, session: &FlaskSession) -> Result<SaveOutcome> {
        self.finish_at(session, self.codec.now())
    }

    /// What to add to the response after the handler, as if the time were `now`:
    /// Flask's `save_session` ([`CookieConfig::save`]). An error (a session that
    /// cannot be written: a value Python could not write, a cookie over the size
    /// limit) is what Flask answers with HTTP 500.
    ///
    /// ```
    /// let cycle = flask_session_cookie::layer::SessionCycle::new(flask_session_cookie::SessionCodec::new("dev-secret")?);
    /// let session = cycle.open(std::iter::empty())?;
    /// session.insert("user_id", 42);
    /// let out = cycle.finish_at(&session, 1_700_000_000)?;
    /// assert_eq!(out.set_cookie.as_deref(), Some("session=eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM; HttpOnly; Path=/"));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn finish_at(&self, session: &FlaskSession, now: i64) -> Result<SaveOutcome> {
        self.refuse_sync()?;
        let tracked = session.lock();
        let modified = tracked.modified();
        self.cookie
            .save_with(&self.codec, &tracked, now, |s| match session.source() {
                Some(source) if !modified => self.refresh_value(source, s, now),
                _ => self.codec.encode_at(s, now),
            })
            .inspect_err(|e| {
                report!(self, warn, e, "session cannot be saved; answering 500");
            })
    }

    /// Opens a whole request (its `Cookie` headers and its client, for Flask-Login)
    /// as if the time were `now`: the session as [`open_at`](SessionCycle::open_at)
    /// opens it, and with [`with_login`](SessionCycle::with_login) its
    /// [`FlaskLogin`], with the request's remember cookie.
    ///
    /// ```
    /// use flask_session_cookie::{layer::{RequestInfo, SessionCycle}, flask_login::{ClientInfo, LoginConfig}, SessionCodec};
    /// let cycle = SessionCycle::new(SessionCodec::new("dev-secret")?).with_login(LoginConfig::new("dev-secret")?);
    /// let remember = format!("remember_token={}", LoginConfig::new("dev-secret")?.signer().encode("42"));
    /// let request = RequestInfo::new()
    ///     .with_cookie_header(remember.as_bytes())
    ///     .with_client(ClientInfo::new(Some("127.0.0.1")).with_user_agent(Some(b"curl/8.5.0")));
    /// let opened = cycle.open_request_at(&request, 1_700_000_000)?;
    /// let login = opened.login.as_ref().unwrap();
    /// assert_eq!(login.user_id().as_deref(), Some("42")); // restored, not fresh
    /// let done = cycle.finish_request_at(&opened, 1_700_000_000)?;
    /// assert_eq!(done.set_cookies.len(), 1); // the session now holds the login
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn open_request_at(&self, request: &RequestInfo<'_>, now: i64) -> Result<RequestSession> {
        let how = self.reading(request);
        let session = self.open_headers_at(request.cookie_headers.iter().copied(), how, now)?;
        Ok(self.with_request_login(session, request, how))
    }

    /// How this request's `Cookie` headers are read.
    fn reading(&self, request: &RequestInfo<'_>) -> CookieHeaders {
        if request.http2 {
            CookieHeaders::Separate
        } else {
            self.cookie_headers
        }
    }

    /// The request's session with its login, when the cycle runs Flask-Login.
    fn with_request_login(
        &self,
        session: FlaskSession,
        request: &RequestInfo<'_>,
        how: CookieHeaders,
    ) -> RequestSession {
        let login = self.login.as_ref().map(|config| {
            let remember = find_request_cookie_in(
                request.cookie_headers.iter().copied(),
                config.cookie().name(),
                how,
            );
            FlaskLogin::new(
                session.clone(),
                Arc::clone(config),
                &request.client,
                remember.as_deref(),
            )
        });
        RequestSession { session, login }
    }

    /// Opens a whole request as [`open_request_at`](SessionCycle::open_request_at)
    /// does, wherever the session lives: in the cookie, or in the store of
    /// [`with_server_side`](SessionCycle::with_server_side) (the package's
    /// `open_session`: [`ServerSide::open`]). An error is what Flask answers with an
    /// error response: a [`Store`](crate::ErrorKind::Store) error (the store is
    /// down or slow) with 503, others with 500.
    ///
    /// ```
    /// # async fn f() -> Result<(), flask_session_cookie::Error> {
    /// use flask_session_cookie::{layer::{RequestInfo, SessionCycle}, SessionCodec};
    /// let cycle = SessionCycle::new(SessionCodec::new("dev-secret")?);
    /// let opened = cycle.open_request_async(&RequestInfo::new(), 1_700_000_000).await?;
    /// opened.session.insert("n", 1);
    /// let done = cycle.finish_request_async(&opened, 1_700_000_000).await?;
    /// assert_eq!(done.set_cookies.len(), 1);
    /// # Ok(()) }
    /// ```
    pub async fn open_request_async(
        &self,
        request: &RequestInfo<'_>,
        now: i64,
    ) -> Result<RequestSession> {
        let Some(server) = self.server_side() else {
            return self.open_request_at(request, now);
        };
        let how = self.reading(request);
        let cookie = find_request_cookie_in(
            request.cookie_headers.iter().copied(),
            self.cookie.name(),
            how,
        );
        let session = server
            .open(cookie.as_deref(), request.client.remote_addr)
            .await
            .inspect_err(|e| {
                report!(
                    self,
                    warn,
                    e,
                    "server-side session cannot be opened; answering with an error"
                );
            })?;
        if let SessionOrigin::Rejected(e) = session.origin() {
            report!(self, debug, e, "session id rejected; a new session starts");
        }
        Ok(self.with_request_login(session, request, how))
    }

    /// What to add to the response of a request opened with
    /// [`open_request_async`](SessionCycle::open_request_async), as
    /// [`finish_request_at`](SessionCycle::finish_request_at) says, wherever the
    /// session lives (in a store: [`ServerSide::save`]). An error is what Flask
    /// answers with an error response (a [`Store`](crate::ErrorKind::Store) error:
    /// 503).
    ///
    /// ```
    /// # async fn f() -> Result<(), flask_session_cookie::Error> {
    /// use flask_session_cookie::{layer::{RequestInfo, SessionCycle}, SessionCodec};
    /// let cycle = SessionCycle::new(SessionCodec::new("dev-secret")?);
    /// let opened = cycle.open_request_async(&RequestInfo::new(), 1_700_000_000).await?;
    /// let done = cycle.finish_request_async(&opened, 1_700_000_000).await?;
    /// assert!(done.set_cookies.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn finish_request_async(
        &self,
        opened: &RequestSession,
        now: i64,
    ) -> Result<Finished> {
        let Some(server) = self.server_side() else {
            return self.finish_request_at(opened, now);
        };
        let mut set_cookies = self.finish_login(opened, now)?;
        let outcome = server
            .save(&opened.session, &self.cookie, now)
            .await
            .inspect_err(|e| {
                report!(
                    self,
                    warn,
                    e,
                    "server-side session cannot be saved; answering with an error"
                );
            })?;
        set_cookies.extend(outcome.set_cookie);
        Ok(Finished {
            set_cookies,
            vary_cookie: outcome.vary_cookie,
        })
    }

    /// Flask-Login's `after_request`: the remember cookie, if any.
    fn finish_login(&self, opened: &RequestSession, now: i64) -> Result<Vec<String>> {
        let mut set_cookies = Vec::new();
        if let Some(login) = &opened.login {
            match login.finish_at(now) {
                Ok(header) => set_cookies.extend(header),
                Err(e) => {
                    report!(
                        self,
                        warn,
                        &e,
                        "remember cookie cannot be written; answering 500"
                    );
                    return Err(e);
                }
            }
        }
        Ok(set_cookies)
    }

    /// What to add to the response of a request opened with
    /// [`open_request_at`](SessionCycle::open_request_at), as if the time were `now`:
    /// Flask-Login's remember cookie (its `after_request`), then the session cookie
    /// (Flask's `save_session`), in the order Flask adds them. An error is what Flask
    /// answers with HTTP 500.
    ///
    /// ```
    /// use flask_session_cookie::{layer::{RequestInfo, SessionCycle}, flask_login::{LoginConfig, LoginOptions}, SessionCodec};
    /// let cycle = SessionCycle::new(SessionCodec::new("dev-secret")?).with_login(LoginConfig::new("dev-secret")?);
    /// let opened = cycle.open_request_at(&RequestInfo::new(), 1_700_000_000)?;
    /// opened.login.as_ref().unwrap().login_user("7", LoginOptions::new().remember(true));
    /// let done = cycle.finish_request_at(&opened, 1_700_000_000)?;
    /// assert!(done.set_cookies[0].starts_with("remember_token=7|"));
    /// assert!(done.set_cookies[1].starts_with("session="));
    /// assert!(done.vary_cookie);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn finish_request_at(&self, opened: &RequestSession, now: i64) -> Result<Finished> {
        self.refuse_sync()?;
        let mut set_cookies = self.finish_login(opened, now)?;
        let outcome = self.finish_at(&opened.session, now)?;
        set_cookies.extend(outcome.set_cookie);
        Ok(Finished {
            set_cookies,
            vary_cookie: outcome.vary_cookie,
        })
    }
}

/// What the session cycle reads from a request: its `Cookie` headers (raw bytes) and,
/// for Flask-Login's session identifier, its client.
///
/// ```
/// use flask_session_cookie::{layer::RequestInfo, flask_login::ClientInfo};
/// let request = RequestInfo::new()
///     .with_cookie_header(b"session=abc")
///     .with_client(ClientInfo::new(Some("127.0.0.1")));
/// # let _ = request;
/// ```
#[derive(Debug, Clone, Default)]
pub struct RequestInfo<'a> {
    cookie_headers: Vec<&'a [u8]>,
    client: ClientInfo<'a>,
    http2: bool,
}

impl<'a> RequestInfo<'a> {
    /// A request with no cookies and an unknown client.
    ///
    /// ```
    /// let _ = flask_session_cookie::layer::RequestInfo::new();
    /// ```
    pub fn new() -> Self {
        RequestInfo::default()
    }

    /// Adds a `Cookie` header (several are read as the cycle's
    /// [`CookieHeaders`] says).
    ///
    /// ```
    /// let _ = flask_session_cookie::layer::RequestInfo::new().with_cookie_header(b"a=1");
    /// ```
    #[must_use]
    pub fn with_cookie_header(mut self, header: &'a [u8]) -> Self {
        self.cookie_headers.push(header);
        self
    }

    /// Whether the request came over HTTP/2 or later, where a client may split its
    /// cookies over several `Cookie` headers: they are then read as one list
    /// ([`CookieHeaders::Separate`], RFC 9113), whatever the cycle's setting.
    ///
    /// ```
    /// let _ = flask_session_cookie::layer::RequestInfo::new().with_http2(true);
    /// ```
    #[must_use]
    pub fn with_http2(mut self, http2: bool) -> Self {
        self.http2 = http2;
        self
    }

    /// The client: its address and the `X-Forwarded-For` and `User-Agent` headers.
    /// It replaces what [`with_header`](Self::with_header) set before.
    ///
    /// ```
    /// use flask_session_cookie::{layer::RequestInfo, flask_login::ClientInfo};
    /// let _ = RequestInfo::new().with_client(ClientInfo::new(Some("::1")));
    /// ```
    #[must_use]
    pub fn with_client(mut self, client: ClientInfo<'a>) -> Self {
        self.client = client;
        self
    }

    /// Adds a request header (name case-insensitive), so that glue can hand over all
    /// of a request's headers: every `Cookie` header counts; the first
    /// `X-Forwarded-For` and the first `User-Agent` are the client's; the rest are
    /// ignored.
    ///
    /// ```
    /// use flask_session_cookie::{layer::RequestInfo, flask_login::ClientInfo};
    /// let request = RequestInfo::new()
    ///     .with_client(ClientInfo::new(Some("127.0.0.1")))
    ///     .with_header("cookie", b"session=abc")
    ///     .with_header("User-Agent", b"curl/8.5.0")
    ///     .with_header("Accept", b"*/*");
    /// # let _ = request;
    /// ```
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &'a [u8]) -> Self {
        if name.eq_ignore_ascii_case("cookie") {
            self.cookie_headers.push(value);
        } else if name.eq_ignore_ascii_case("x-forwarded-for") {
            self.client.forwarded_for = self.client.forwarded_for.or(Some(value));
        } else if name.eq_ignore_ascii_case("user-agent") {
            self.client.user_agent = self.client.user_agent.or(Some(value));
        }
        self
    }
}

/// Whether a response whose `Vary` headers hold `existing` still needs `Cookie`
/// added to them when [`Finished::vary_cookie`] asks for it: not when `Cookie` (any
/// case) or `*` is listed already. Glue passes each `Vary` value that is text.
///
/// ```
/// use flask_session_cookie::layer::vary_needs_cookie;
/// assert!(vary_needs_cookie(["Accept-Encoding"]));
/// assert!(!vary_needs_cookie(["Accept-Encoding, cookie"]));
/// assert!(!vary_needs_cookie(["*"]));
/// ```
pub fn vary_needs_cookie<'v>(existing: impl IntoIterator<Item = &'v str>) -> bool {
    !existing
        .into_iter()
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case("cookie") || v.trim() == "*")
}

/// A request's session, and its login when the cycle runs Flask-Login.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RequestSession {
    /// The session.
    pub session: FlaskSession,
    /// The login ([`SessionCycle::with_login`]).
    pub login: Option<FlaskLogin>,
}

/// What to add to a response: see [`SessionCycle::finish_request_at`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finished {
    /// `Set-Cookie` header values, in order.
    pub set_cookies: Vec<String>,
    /// Whether to add `Cookie` to `Vary` (unless it is there:
    /// [`vary_needs_cookie`]).
    pub vary_cookie: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_picked_as_the_glue_picked_them() {
        let request = RequestInfo::new()
            .with_client(ClientInfo::new(Some("10.0.0.1")))
            .with_header("Cookie", b"a=1")
            .with_header("x-forwarded-for", b"127.0.0.1")
            .with_header("X-Forwarded-For", b"192.0.2.9")
            .with_header("user-agent", b"first")
            .with_header("USER-AGENT", b"second")
            .with_header("cookie", b"session=abc")
            .with_header("accept", b"*/*");
        assert_eq!(request.cookie_headers, [&b"a=1"[..], b"session=abc"]);
        assert_eq!(
            request.client,
            ClientInfo::new(Some("10.0.0.1"))
                .with_forwarded_for(Some(b"127.0.0.1"))
                .with_user_agent(Some(b"first"))
        );
        let bare = RequestInfo::new().with_header("accept", b"*/*");
        assert!(bare.cookie_headers.is_empty());
        assert_eq!(bare.client, ClientInfo::default());
    }

    #[test]
    fn vary_needs_cookie_unless_listed() {
        assert!(vary_needs_cookie([]));
        assert!(vary_needs_cookie(["Accept-Encoding", "Origin"]));
        assert!(vary_needs_cookie(["Cookies"]));
        assert!(!vary_needs_cookie(["Accept-Encoding", " COOKIE "]));
        assert!(!vary_needs_cookie(["Origin,Cookie"]));
        assert!(!vary_needs_cookie(["Accept, *"]));
    }
}

#[cfg(test)]
mod cycle_tests {
    use super::*;
    use crate::ErrorKind;
    use std::cell::Cell;

    thread_local! {
        pub(super) static REFRESH_ENCODES: Cell<usize> = const { Cell::new(0) };
    }

    const T: i64 = 1_700_000_000;

    fn permanent_cookie(codec: &SessionCodec, at: i64) -> String {
        let mut s = Session::new();
        s.set_permanent(true);
        s.insert("_user_id", "42");
        s.insert("cart", crate::Value::Tuple(vec![1.into(), "apple".into()]));
        codec.encode_at(&s, at).unwrap_or_default()
    }

    fn value_of(header: &str) -> &str {
        header
            .strip_prefix("session=")
            .and_then(|h| h.split(';').next())
            .unwrap_or_default()
    }

    fn request(cycle: &SessionCycle, cookie: &str, now: i64) -> (FlaskSession, Option<String>) {
        let header = format!("session={cookie}");
        let session = cycle
            .open_at([header.as_bytes()], now)
            .unwrap_or_else(|e| panic!("{e}"));
        let _ = session.get("_user_id"); // a read, as a handler makes
        let out = cycle
            .finish_at(&session, now)
            .unwrap_or_else(|e| panic!("{e}"));
        (session, out.set_cookie)
    }

    #[test]
    fn refresh_reuse_resigns_the_verified_payload_byte_for_byte() {
        let codec = SessionCodec::new("dev-secret").unwrap_or_else(|e| panic!("{e}"));
        let cycle = SessionCycle::new(codec.clone());
        let cookie = permanent_cookie(&codec, T);
        REFRESH_ENCODES.with(|n| n.set(0));
        // First request: encoded once (the payload's canonicity is not known yet).
        let (_, first) = request(&cycle, &cookie, T + 10);
        let first = first.unwrap_or_default();
        assert_eq!(REFRESH_ENCODES.with(Cell::get), 1);
        // Then every refresh re-signs, and is what encoding would give.
        let mut current = value_of(&first).to_owned();
        for i in 2..6 {
            let now = T + 10 * i;
            let (session, header) = request(&cycle, &current, now);
            let header = header.unwrap_or_default();
            let encoded = codec
                .encode_at(&session.snapshot(), now)
                .unwrap_or_default();
            assert_eq!(value_of(&header), encoded, "refresh {i}");
            current = value_of(&header).to_owned();
        }
        assert_eq!(
            REFRESH_ENCODES.with(Cell::get),
            1,
            "later refreshes reuse the payload"
        );
    }

    #[test]
    fn refresh_reuse_falls_back_to_encoding_a_payload_flask_would_not_write() {
        // The same session, its JSON with the keys out of Flask's order: verified,
        // but not the payload Flask writes. Refreshing encodes it (Flask's bytes).
        use base64::Engine as _;
        let codec = SessionCodec::new("dev-secret").unwrap_or_else(|e| panic!("{e}"));
        let json = r#"{"_user_id":"42","_permanent":true}"#;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        let odd = codec.serializer().signer().sign_at(&payload, T);
        let cycle = SessionCycle::new(codec.clone());
        REFRESH_ENCODES.with(|n| n.set(0));
        let mut current = odd;
        for i in 1..4 {
            let now = T + 10 * i;
            let (session, header) = request(&cycle, &current, now);
            let header = header.unwrap_or_default();
            assert_eq!(
                value_of(&header),
                codec
                    .encode_at(&session.snapshot(), now)
                    .unwrap_or_default()
            );
            current = value_of(&header).to_owned();
        }
        // The first refresh encoded (and found the odd payload); the next cookies
        // carry Flask's payload: reused.
        assert_eq!(REFRESH_ENCODES.with(Cell::get), 2);
    }

    #[test]
    fn cache_hits_recheck_max_age_and_can_be_turned_off() {
        let codec = SessionCodec::new("dev-secret")
            .unwrap_or_else(|e| panic!("{e}"))
            .with_max_age(Some(100));
        let cycle = SessionCycle::new(codec.clone());
        let cookie = codec
            .encode_at(&[("a", 1)].into_iter().collect(), T)
            .unwrap_or_default();
        let header = format!("session={cookie}");
        let first = cycle
            .open_at([header.as_bytes()], T + 1)
            .unwrap_or_else(|e| panic!("{e}"));
        // Cached when the cookie comes back, not on its first sighting.
        assert_eq!(cycle.cookie_cache_usage().0, 0);
        let _ = cycle.open_at([header.as_bytes()], T + 1);
        assert_eq!(cycle.cookie_cache_usage().0, 1);
        let hit = cycle
            .open_at([header.as_bytes()], T + 50)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(hit.snapshot(), first.snapshot());
        assert!(matches!(
            hit.origin(),
            SessionOrigin::Opened {
                timestamp: Some(T),
                ..
            }
        ));
        // Past max_age: expired, exactly as without the cache, and forgotten.
        let late = cycle
            .open_at([header.as_bytes()], T + 101)
            .unwrap_or_else(|e| panic!("{e}"));
        match late.origin() {
            SessionOrigin::Rejected(e) => assert!(matches!(e.kind(), ErrorKind::Expired { .. })),
            other => panic!("{other:?}"),
        }
        assert!(late.snapshot().is_empty());
        assert_eq!(cycle.cookie_cache_usage().0, 0);
        // Off: nothing kept.
        let off = SessionCycle::new(codec).with_cookie_cache(CookieCache::off());
        let _ = off.open_at([header.as_bytes()], T + 1);
        assert_eq!(off.cookie_cache_usage(), (0, 0));
    }

    #[test]
    fn cache_is_bounded_and_a_modified_session_never_reads_stale_data() {
        let codec = SessionCodec::new("dev-secret").unwrap_or_else(|e| panic!("{e}"));
        let cycle = SessionCycle::new(codec.clone()).with_cookie_cache(
            CookieCache::new()
                .with_max_entries(10)
                .with_max_bytes(1 << 20),
        );
        for i in 0..25 {
            let cookie = codec
                .encode_at(&[("n", i)].into_iter().collect(), T)
                .unwrap_or_default();
            // Twice: a cookie is cached when it comes back.
            for _ in 0..2 {
                let _ = cycle.open_at([format!("session={cookie}").as_bytes()], T);
            }
        }
        assert_eq!(cycle.cookie_cache_usage().0, 10);
        let small = SessionCycle::new(codec.clone())
            .with_cookie_cache(CookieCache::new().with_max_bytes(1_000));
        for i in 0..25 {
            let cookie = codec
                .encode_at(&[("n", i)].into_iter().collect(), T)
                .unwrap_or_default();
            for _ in 0..2 {
                let _ = small.open_at([format!("session={cookie}").as_bytes()], T);
            }
        }
        let (entries, bytes) = small.cookie_cache_usage();
        assert!(
            entries > 0 && bytes <= 1_000,
            "{entries} entries, {bytes} bytes"
        );
        // A handler modifies the session: the new cookie is read as written, and the
        // old cookie (a request in flight) still reads as it was signed.
        let old = codec
            .encode_at(&[("n", 1)].into_iter().collect(), T)
            .unwrap_or_default();
        let s = cycle
            .open_at([format!("session={old}").as_bytes()], T)
            .unwrap_or_else(|e| panic!("{e}"));
        s.insert("n", 2);
        let out = cycle.finish_at(&s, T + 1).unwrap_or_else(|e| panic!("{e}"));
        let new = value_of(&out.set_cookie.unwrap_or_default()).to_owned();
        let again = cycle
            .open_at([format!("session={new}").as_bytes()], T + 2)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.get("n"), Some(crate::Value::from(2)));
        let before = cycle
            .open_at([format!("session={old}").as_bytes()], T + 2)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(before.get("n"), Some(crate::Value::from(1)));
        // A new key means a new cycle, whose cache starts empty.
        let rotated =
            SessionCycle::new(SessionCodec::new("new-key").unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(rotated.cookie_cache_usage().0, 0);
        let rejected = rotated
            .open_at([format!("session={new}").as_bytes()], T + 2)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(rejected.origin(), SessionOrigin::Rejected(_)));
    }
}
