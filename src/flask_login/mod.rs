//! Flask-Login (0.6.3) on the Rust side: the remember-me cookie, session protection
//! and the session keys of a login, exactly as Flask-Login reads and writes them, so
//! that a user logged in on either side is logged in on both.
//!
//! - [`RememberSigner`]: the `remember_token` cookie's value, `user_id|hex
//!   HMAC-SHA512`.
//! - [`ClientInfo`]: the session identifier `_id` that session protection compares.
//! - [`LoginConfig`]: Flask-Login's settings (`SESSION_PROTECTION`,
//!   `REMEMBER_COOKIE_*`).
//! - [`login_user`], [`logout_user`], [`confirm_login`], [`login_fresh`],
//!   [`user_id`]: the session keys (`_user_id`, `_fresh`, `_id`, `_remember`,
//!   `_remember_seconds`) as Flask-Login's functions write them.
//! - [`FlaskLogin`]: one request's login, the per-request cycle — session protection
//!   and the remember cookie when the current user is first asked for, the
//!   `_remember` instruction carried out after the handler. The framework layers make
//!   it for you (`SessionCycle::with_login`).
//!
//! ```
//! use flask_session_cookie::flask_login::{self, ClientInfo, LoginOptions};
//! use flask_session_cookie::Session;
//!
//! let client = ClientInfo::new(Some("127.0.0.1")).with_user_agent(Some(b"curl/8.5.0"));
//! let mut session = Session::new();
//! flask_login::login_user(&mut session, "42", LoginOptions::new().remember(true), &client.session_identifier());
//! assert_eq!(flask_login::user_id(&session).as_deref(), Some("42"));
//! assert!(flask_login::login_fresh(&session));
//! assert_eq!(session.get("_remember").and_then(|v| v.as_str()), Some("set"));
//! ```

mod identifier;
mod remember;

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

pub use identifier::ClientInfo;
pub use remember::RememberSigner;

use crate::cookie::CookieConfig;
use crate::error::{Error, Result};
use crate::itsdangerous::SecretKey;
use crate::session::{FlaskSession, Session, TrackedSession};
use crate::value::Value;

/// The session key of the logged-in user's id.
pub const USER_ID_KEY: &str = "_user_id";
/// The session key of the login's freshness.
pub const FRESH_KEY: &str = "_fresh";
/// The session key of the session identifier (session protection).
pub const ID_KEY: &str = "_id";
/// The session key of the instruction for the remember cookie (`set` or `clear`).
pub const REMEMBER_KEY: &str = "_remember";
/// The session key of a login's own remember-cookie duration, in seconds.
pub const REMEMBER_SECONDS_KEY: &str = "_remember_seconds";
/// Flask-Login's `SESSION_KEYS`: what strong session protection removes.
pub const SESSION_KEYS: [&str; 6] = [
    USER_ID_KEY,
    REMEMBER_KEY,
    REMEMBER_SECONDS_KEY,
    ID_KEY,
    FRESH_KEY,
    "next",
];

/// Flask-Login's `SESSION_PROTECTION`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Protection {
    /// `None`: the session identifier is not checked.
    Off,
    /// `"basic"` (Flask-Login's default): a session from another client is marked
    /// not fresh.
    #[default]
    Basic,
    /// `"strong"`: a non-permanent session from another client loses its login
    /// (and the remember cookie is deleted); a permanent one is marked not fresh.
    Strong,
}

/// How to log a user in ([`login_user`]): Flask-Login's `remember`, `duration` and
/// `fresh` arguments.
///
/// ```
/// use std::time::Duration;
/// use flask_session_cookie::flask_login::LoginOptions;
/// let options = LoginOptions::new().remember(true).duration(Duration::from_secs(86_400));
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginOptions {
    remember: bool,
    duration: Option<Duration>,
    fresh: bool,
}

impl Default for LoginOptions {
    fn default() -> Self {
        LoginOptions::new()
    }
}

impl LoginOptions {
    /// Flask-Login's defaults: not remembered, fresh.
    ///
    /// ```
    /// let _ = flask_session_cookie::flask_login::LoginOptions::new();
    /// ```
    pub const fn new() -> Self {
        LoginOptions {
            remember: false,
            duration: None,
            fresh: true,
        }
    }

    /// Sets a remember-me cookie after this request (`remember=True`).
    ///
    /// ```
    /// let _ = flask_session_cookie::flask_login::LoginOptions::new().remember(true);
    /// ```
    #[must_use]
    pub const fn remember(mut self, remember: bool) -> Self {
        self.remember = remember;
        self
    }

    /// The remember cookie's lifetime for this login (`duration=`), kept in the
    /// session as `_remember_seconds`; only with [`remember`](LoginOptions::remember).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let _ = flask_session_cookie::flask_login::LoginOptions::new().remember(true).duration(Duration::from_secs(60));
    /// ```
    #[must_use]
    pub const fn duration(mut self, duration: Duration) -> Self {
        self.duration = Some(duration);
        self
    }

    /// Whether the login is fresh (`fresh=`, default true).
    ///
    /// ```
    /// let _ = flask_session_cookie::flask_login::LoginOptions::new().fresh(false);
    /// ```
    #[must_use]
    pub const fn fresh(mut self, fresh: bool) -> Self {
        self.fresh = fresh;
        self
    }
}

/// The id of the logged-in user, as Flask-Login's user loader receives it: the
/// `_user_id` value's `str()` (a string as it is), or `None` when absent or `None`.
///
/// ```
/// use flask_session_cookie::{flask_login, Session};
/// let mut s = Session::new();
/// assert_eq!(flask_login::user_id(&s), None);
/// s.insert("_user_id", 7);
/// assert_eq!(flask_login::user_id(&s).as_deref(), Some("7"));
/// ```
pub fn user_id(session: &Session) -> Option<String> {
    session.get(USER_ID_KEY).and_then(python_str)
}

fn python_str(value: &Value) -> Option<String> {
    match value {
        Value::None => None,
        Value::Str(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Flask-Login's `login_fresh()`: whether `_fresh` is true.
///
/// ```
/// use flask_session_cookie::{flask_login, Session};
/// assert!(!flask_login::login_fresh(&Session::new()));
/// ```
pub fn login_fresh(session: &Session) -> bool {
    session.get(FRESH_KEY).is_some_and(Value::is_truthy)
}

/// Flask-Login's `login_user`: writes `_user_id`, `_fresh`, `_id` (the client's
/// session identifier, [`ClientInfo::session_identifier`]) and, to remember the user,
/// `_remember = "set"` and, with a duration, `_remember_seconds`. Checking that the
/// user is active is yours to do (Flask-Login's `force`).
///
/// ```
/// use flask_session_cookie::flask_login::{self, LoginOptions};
/// use flask_session_cookie::Session;
/// let mut s = Session::new();
/// flask_login::login_user(&mut s, "7", LoginOptions::new(), "id");
/// assert_eq!(s.len(), 3);
/// ```
pub fn login_user(session: &mut Session, user_id: &str, options: LoginOptions, identifier: &str) {
    session.insert(USER_ID_KEY, user_id);
    session.insert(FRESH_KEY, options.fresh);
    session.insert(ID_KEY, identifier);
    if options.remember {
        session.insert(REMEMBER_KEY, "set");
        if let Some(duration) = options.duration {
            session.insert(REMEMBER_SECONDS_KEY, seconds_of(duration));
        }
    }
}

/// `timedelta.total_seconds()` as Flask-Login computes it: whole microseconds over
/// 10**6, a float.
fn seconds_of(duration: Duration) -> f64 {
    // A u128 of microseconds is exact; the division rounds once, as Python's does.
    let micros = duration.as_micros();
    let micros = u64::try_from(micros).unwrap_or(u64::MAX);
    // Up to 2**53 µs (285 years) the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let micros = micros as f64;
    micros / 1e6
}

/// Flask-Login's `logout_user`: removes `_user_id`, `_fresh` and `_id`; when the
/// request came with a remember cookie, sets `_remember = "clear"` (the cookie is
/// deleted after the request) and removes `_remember_seconds`.
///
/// ```
/// use flask_session_cookie::flask_login::{self, LoginOptions};
/// use flask_session_cookie::Session;
/// let mut s = Session::new();
/// flask_login::login_user(&mut s, "7", LoginOptions::new(), "id");
/// flask_login::logout_user(&mut s, true);
/// assert_eq!(s.get("_remember").and_then(|v| v.as_str()), Some("clear"));
/// assert_eq!(flask_login::user_id(&s), None);
/// ```
pub fn logout_user(session: &mut Session, remember_cookie_in_request: bool) {
    for key in [USER_ID_KEY, FRESH_KEY, ID_KEY] {
        session.remove(key);
    }
    if remember_cookie_in_request {
        session.insert(REMEMBER_KEY, "clear");
        session.remove(REMEMBER_SECONDS_KEY);
    }
}

/// Flask-Login's `confirm_login`: the login is fresh again, for this client.
///
/// ```
/// use flask_session_cookie::{flask_login, Session};
/// let mut s = Session::new();
/// flask_login::confirm_login(&mut s, "id");
/// assert!(flask_login::login_fresh(&s));
/// ```
pub fn confirm_login(session: &mut Session, identifier: &str) {
    session.insert(FRESH_KEY, true);
    session.insert(ID_KEY, identifier);
}

/// What decides whether a user id from the session or a remember cookie is a user:
/// Flask-Login's `user_loader` returning a user or `None`.
type UserCheck = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// Flask-Login's settings, and the key of its remember cookie.
///
/// [`LoginConfig::new`] gives Flask-Login's defaults: `SESSION_PROTECTION = "basic"`,
/// a cookie `remember_token` with `HttpOnly` and `Path=/` (no `Domain`, not `Secure`,
/// no `SameSite`), lasting 365 days, not refreshed on each request, and every user id
/// accepted as a user.
///
/// ```
/// use flask_session_cookie::flask_login::{LoginConfig, Protection};
///
/// let config = LoginConfig::new("dev-secret")?
///     .with_protection(Protection::Strong)
///     .with_duration(30 * 86_400)
///     .with_user_check(|id| id.parse::<u32>().is_ok());
/// assert_eq!(config.cookie().name(), "remember_token");
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Clone)]
pub struct LoginConfig {
    signer: RememberSigner,
    protection: Protection,
    cookie: CookieConfig,
    duration: u64,
    refresh_each_request: bool,
    user_check: Option<UserCheck>,
}

impl fmt::Debug for LoginConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginConfig")
            .field("signer", &self.signer)
            .field("protection", &self.protection)
            .field("cookie", &self.cookie)
            .field("duration", &self.duration)
            .field("refresh_each_request", &self.refresh_each_request)
            .field("user_check", &self.user_check.as_ref().map(|_| "<fn>"))
            .finish()
    }
}

impl LoginConfig {
    /// Flask-Login's defaults, with the app's `SECRET_KEY` (the current one: the
    /// remember cookie has no fallback keys). Fails as [`RememberSigner::new`] does.
    ///
    /// ```
    /// let config = flask_session_cookie::flask_login::LoginConfig::new("dev-secret")?;
    /// assert_eq!(config.duration(), 365 * 86_400);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(secret_key: impl Into<SecretKey>) -> Result<Self> {
        Ok(LoginConfig {
            signer: RememberSigner::new(secret_key)?,
            protection: Protection::Basic,
            cookie: CookieConfig::flask().with_name("remember_token")?,
            duration: 365 * 86_400,
            refresh_each_request: false,
            user_check: None,
        })
    }

    /// `SESSION_PROTECTION`.
    ///
    /// ```
    /// use flask_session_cookie::flask_login::{LoginConfig, Protection};
    /// let c = LoginConfig::new("k")?.with_protection(Protection::Off);
    /// assert_eq!(c.protection(), Protection::Off);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_protection(mut self, protection: Protection) -> Self {
        self.protection = protection;
        self
    }

    /// The remember cookie's name and attributes (`REMEMBER_COOKIE_NAME`, `_DOMAIN`,
    /// `_PATH`, `_SECURE`, `_HTTPONLY`, `_SAMESITE`); its lifetime, max size and
    /// refresh settings are not used (see [`with_duration`](LoginConfig::with_duration),
    /// [`with_refresh_each_request`](LoginConfig::with_refresh_each_request)).
    ///
    /// ```
    /// use flask_session_cookie::cookie::{CookieConfig, SameSite};
    /// use flask_session_cookie::flask_login::LoginConfig;
    /// let cookie = CookieConfig::flask().with_name("remember")?.with_secure(true).with_same_site(Some(SameSite::Lax));
    /// let c = LoginConfig::new("k")?.with_cookie(cookie);
    /// assert_eq!(c.cookie().name(), "remember");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_cookie(mut self, cookie: CookieConfig) -> Self {
        self.cookie = cookie;
        self
    }

    /// `REMEMBER_COOKIE_DURATION` in seconds (a login's own `duration` wins).
    ///
    /// ```
    /// let c = flask_session_cookie::flask_login::LoginConfig::new("k")?.with_duration(60);
    /// assert_eq!(c.duration(), 60);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_duration(mut self, seconds: u64) -> Self {
        self.duration = seconds;
        self
    }

    /// `REMEMBER_COOKIE_REFRESH_EACH_REQUEST`: re-send the remember cookie (and so the
    /// session) on every request of a logged-in user.
    ///
    /// ```
    /// let c = flask_session_cookie::flask_login::LoginConfig::new("k")?.with_refresh_each_request(true);
    /// assert!(c.refresh_each_request());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_refresh_each_request(mut self, refresh: bool) -> Self {
        self.refresh_each_request = refresh;
        self
    }

    /// Your `user_loader`, reduced to its answer: whether a user id (from the session
    /// or a remember cookie) is a user. When it says no, the user is anonymous and, as
    /// in Flask-Login, a remember cookie is tried next. Default: every id is a user.
    ///
    /// ```
    /// let c = flask_session_cookie::flask_login::LoginConfig::new("k")?.with_user_check(|id| id != "0");
    /// # let _ = c;
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_user_check(mut self, check: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
        self.user_check = Some(Arc::new(check));
        self
    }

    /// The remember-token signer.
    ///
    /// ```
    /// let c = flask_session_cookie::flask_login::LoginConfig::new("k")?;
    /// assert!(c.signer().encode("1").starts_with("1|"));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn signer(&self) -> &RememberSigner {
        &self.signer
    }

    /// `SESSION_PROTECTION`.
    ///
    /// ```
    /// use flask_session_cookie::flask_login::{LoginConfig, Protection};
    /// assert_eq!(LoginConfig::new("k")?.protection(), Protection::Basic);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn protection(&self) -> Protection {
        self.protection
    }

    /// The remember cookie's settings.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::flask_login::LoginConfig::new("k")?.cookie().name(), "remember_token");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn cookie(&self) -> &CookieConfig {
        &self.cookie
    }

    /// `REMEMBER_COOKIE_DURATION` in seconds.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::flask_login::LoginConfig::new("k")?.duration(), 31_536_000);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn duration(&self) -> u64 {
        self.duration
    }

    /// `REMEMBER_COOKIE_REFRESH_EACH_REQUEST`.
    ///
    /// ```
    /// assert!(!flask_session_cookie::flask_login::LoginConfig::new("k")?.refresh_each_request());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn refresh_each_request(&self) -> bool {
        self.refresh_each_request
    }

    fn is_user(&self, id: &str) -> bool {
        self.user_check.as_ref().is_none_or(|check| check(id))
    }

    /// The `Set-Cookie` header that remembers `user_id` until `now` + `seconds`
    /// (Flask-Login's `_set_cookie`: `Expires`, no `Max-Age`, as Werkzeug writes it).
    ///
    /// ```
    /// let c = flask_session_cookie::flask_login::LoginConfig::new("k")?;
    /// let header = c.remember_cookie_header("7", 1_700_000_000, 60.0)?;
    /// assert!(header.starts_with("remember_token=7|"));
    /// assert!(header.ends_with("; Expires=Tue, 14 Nov 2023 22:14:20 GMT; HttpOnly; Path=/"));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn remember_cookie_header(&self, user_id: &str, now: i64, seconds: f64) -> Result<String> {
        let expires = expires_after(now, seconds)?;
        self.cookie
            .set_cookie_header_until(&self.signer.encode(user_id), expires)
    }

    /// The `Set-Cookie` header that deletes the remember cookie (Flask-Login's
    /// `_clear_cookie`: Werkzeug's `delete_cookie` with the cookie's name, domain
    /// and path, and none of its other attributes).
    ///
    /// ```
    /// let c = flask_session_cookie::flask_login::LoginConfig::new("k")?;
    /// assert_eq!(
    ///     c.delete_remember_cookie_header(),
    ///     "remember_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
    /// );
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn delete_remember_cookie_header(&self) -> String {
        self.cookie
            .clone()
            .with_http_only(false)
            .with_secure(false)
            .with_same_site(None)
            .with_partitioned(false)
            .delete_cookie_header()
    }
}

/// `datetime.utcnow() + timedelta(seconds=seconds)` as Werkzeug writes it (whole
/// seconds, truncated), in Unix seconds; an error where Python overflows.
fn expires_after(now: i64, seconds: f64) -> Result<i64> {
    let overflow = || {
        Error::unencodable(format!(
            "the remember cookie's duration of {seconds} seconds gives no date Python can write"
        ))
    };
    if !seconds.is_finite() {
        return Err(overflow());
    }
    // timedelta's own limit: 999,999,999 days.
    if seconds.abs() >= 86_400.0 * 1e9 {
        return Err(overflow());
    }
    let micros = timedelta_micros(seconds);
    let at = i128::from(now) * 1_000_000 + micros;
    i64::try_from(at.div_euclid(1_000_000)).map_err(|_| overflow())
}

/// The microseconds of `timedelta(seconds=seconds)`, computed as CPython does: the
/// whole seconds exactly, the fraction times 10**6 split again, and what is left of
/// a microsecond rounded half to even against the total. (`|seconds|` < 2**63 / 10**6.)
#[allow(clippy::cast_possible_truncation)]
fn timedelta_micros(seconds: f64) -> i128 {
    let whole = seconds.trunc();
    let fraction = seconds - whole;
    let scaled = fraction * 1e6;
    let scaled_whole = scaled.trunc();
    let leftover = scaled - scaled_whole;
    let total = whole as i128 * 1_000_000 + scaled_whole as i128;
    if leftover == 0.0 {
        return total;
    }
    let mut rounded = leftover.round();
    if (rounded - leftover).abs() == 0.5 {
        let odd = if total & 1 == 1 { 1.0 } else { 0.0 };
        rounded = 2.0 * ((leftover + odd) * 0.5).round() - odd;
    }
    total + rounded as i128
}

/// Where the current user came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UserSource {
    /// Nobody is logged in (or session protection threw the login away).
    Anonymous,
    /// The session's `_user_id`.
    Session,
    /// The remember cookie: the login was restored, not fresh.
    RememberCookie,
}

/// What session protection did in this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProtectionOutcome {
    /// Not checked: protection is off, or the session was empty.
    NotChecked,
    /// The session identifier matched.
    Passed,
    /// It did not; the login was marked not fresh (basic, or a permanent session).
    MarkedStale,
    /// It did not; the login was removed (strong, non-permanent session).
    Cleared,
}

/// The current user of a request, as Flask-Login's `current_user` finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CurrentUser {
    /// The user's id (`current_user.get_id()`), `None` when anonymous.
    pub user_id: Option<String>,
    /// Where it came from.
    pub source: UserSource,
    /// What session protection did.
    pub protection: ProtectionOutcome,
}

impl CurrentUser {
    fn anonymous(protection: ProtectionOutcome) -> Self {
        CurrentUser {
            user_id: None,
            source: UserSource::Anonymous,
            protection,
        }
    }

    /// Whether someone is logged in (`current_user.is_authenticated`).
    ///
    /// ```
    /// use flask_session_cookie::flask_login::{ClientInfo, FlaskLogin, LoginConfig};
    /// use flask_session_cookie::session::FlaskSession;
    /// let login = FlaskLogin::new(FlaskSession::detached(Default::default()), LoginConfig::new("k")?.into(), &ClientInfo::new(None), None);
    /// assert!(!login.current_user().is_authenticated());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn is_authenticated(&self) -> bool {
        self.user_id.is_some()
    }
}

/// Removes `key` as Python's `dict.pop(key, None)` on Flask's session does: a
/// modification only when the key was there.
fn pop(tracked: &mut TrackedSession, key: &str) -> Option<Value> {
    if tracked.untracked().contains_key(key) {
        tracked.session_mut().remove(key)
    } else {
        None
    }
}

/// Flask-Login's `_load_user` on a tracked session: session protection, then the
/// session's user, then the remember cookie.
fn load_user(
    tracked: &mut TrackedSession,
    config: &LoginConfig,
    identifier: &str,
    remember_cookie: Option<&str>,
) -> CurrentUser {
    // Flask 3.1 counts any use of the session as an access.
    let _ = tracked.len();
    let mut protection = ProtectionOutcome::NotChecked;
    if config.protection != Protection::Off && !tracked.is_empty_in_python() {
        let matches = tracked.get(ID_KEY).and_then(Value::as_str) == Some(identifier);
        if matches {
            protection = ProtectionOutcome::Passed;
        } else if config.protection == Protection::Basic || tracked.permanent() {
            if tracked.get(FRESH_KEY) != Some(&Value::Bool(false)) {
                tracked.insert(FRESH_KEY, false);
            }
            protection = ProtectionOutcome::MarkedStale;
        } else {
            for key in SESSION_KEYS {
                pop(tracked, key);
            }
            tracked.insert(REMEMBER_KEY, "clear");
            return CurrentUser::anonymous(ProtectionOutcome::Cleared);
        }
    }
    if let Some(id) = user_id(tracked).filter(|id| config.is_user(id)) {
        return CurrentUser {
            user_id: Some(id),
            source: UserSource::Session,
            protection,
        };
    }
    let remember = remember_cookie
        .filter(|_| tracked.get(REMEMBER_KEY).and_then(Value::as_str) != Some("clear"));
    if let Some(Ok(id)) = remember.map(|cookie| config.signer.decode(cookie)) {
        tracked.insert(USER_ID_KEY, id);
        tracked.insert(FRESH_KEY, false);
        if config.is_user(id) {
            return CurrentUser {
                user_id: Some(id.to_owned()),
                source: UserSource::RememberCookie,
                protection,
            };
        }
    }
    CurrentUser::anonymous(protection)
}

/// Flask-Login's `_update_remember_cookie` (its `after_request`): carries out and
/// removes the session's `_remember` instruction, returning the remember cookie's
/// `Set-Cookie` header to add, if any.
fn update_remember_cookie(
    tracked: &mut TrackedSession,
    config: &LoginConfig,
    now: i64,
) -> Result<Option<String>> {
    // `"_remember" not in session`: an access in Flask 3.1.
    let _ = tracked.len();
    if config.refresh_each_request && !tracked.untracked().contains_key(REMEMBER_KEY) {
        tracked.insert(REMEMBER_KEY, "set");
    }
    let Some(operation) = pop(tracked, REMEMBER_KEY) else {
        return Ok(None);
    };
    match operation.as_str() {
        Some("set") => {
            let Some(user) = tracked.untracked().get(USER_ID_KEY).map(python_str_always) else {
                return Ok(None);
            };
            let seconds = match tracked.get(REMEMBER_SECONDS_KEY) {
                Some(Value::Float(f)) => *f,
                Some(Value::Int(i)) => i.as_f64(),
                Some(Value::Bool(b)) => f64::from(u8::from(*b)),
                Some(other) => {
                    return Err(Error::unencodable(format!(
                        "_remember_seconds is a {}, not a number of seconds",
                        other.type_name()
                    )));
                }
                #[allow(clippy::cast_precision_loss)]
                None => config.duration as f64,
            };
            config.remember_cookie_header(&user, now, seconds).map(Some)
        }
        Some("clear") => Ok(Some(config.delete_remember_cookie_header())),
        _ => Ok(None),
    }
}

/// `str(value)` for the remember cookie's payload (`str(session["_user_id"])`).
fn python_str_always(value: &Value) -> String {
    match value {
        Value::Str(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One request's login: the session, Flask-Login's settings, the client's session
/// identifier and the request's remember cookie. Cheap to clone; clones share the
/// current user.
///
/// The current user is found the first time it is asked for
/// ([`current_user`](FlaskLogin::current_user) and what uses it), as Flask-Login's
/// `current_user` proxy does: session protection runs then, and a remember cookie
/// restores a login then. After the handler, [`finish_at`](FlaskLogin::finish_at)
/// carries out the `_remember` instruction (the framework layers call it).
///
/// ```
/// use flask_session_cookie::flask_login::{ClientInfo, FlaskLogin, LoginConfig, LoginOptions, UserSource};
/// use flask_session_cookie::session::FlaskSession;
///
/// let config = std::sync::Arc::new(LoginConfig::new("dev-secret")?);
/// let client = ClientInfo::new(Some("127.0.0.1")).with_user_agent(Some(b"curl/8.5.0"));
/// // A request with no session, but a remember cookie from an earlier login.
/// let cookie = config.signer().encode("42");
/// let session = FlaskSession::detached(Default::default());
/// let login = FlaskLogin::new(session.clone(), config.clone(), &client, Some(&cookie));
/// let user = login.current_user();
/// assert_eq!((user.user_id.as_deref(), user.source), (Some("42"), UserSource::RememberCookie));
/// assert!(!login.is_fresh());
/// login.logout_user();
/// // After the handler: the remember cookie is deleted.
/// let header = login.finish_at(1_700_000_000)?.unwrap();
/// assert!(header.starts_with("remember_token=; Expires=Thu, 01 Jan 1970"));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Clone)]
pub struct FlaskLogin(Arc<LoginShared>);

struct LoginShared {
    session: FlaskSession,
    config: Arc<LoginConfig>,
    identifier: String,
    remember_cookie: Option<String>,
    user: Mutex<Option<CurrentUser>>,
}

impl fmt::Debug for FlaskLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlaskLogin")
            .field("session", &self.0.session)
            .field("config", &self.0.config)
            .field(
                "remember_cookie",
                &self.0.remember_cookie.as_ref().map(|_| "<redacted>"),
            )
            .field("user", &self.user_slot())
            .finish_non_exhaustive()
    }
}

impl FlaskLogin {
    /// The login of a request with this session, from this client, with this
    /// remember cookie (`Some` whenever the request has a cookie of that name, even
    /// an empty one: [`crate::cookie::find_request_cookie`]).
    ///
    /// ```
    /// use flask_session_cookie::flask_login::{ClientInfo, FlaskLogin, LoginConfig};
    /// use flask_session_cookie::session::FlaskSession;
    /// let login = FlaskLogin::new(FlaskSession::detached(Default::default()), LoginConfig::new("k")?.into(), &ClientInfo::new(None), None);
    /// assert_eq!(login.user_id(), None);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(
        session: FlaskSession,
        config: Arc<LoginConfig>,
        client: &ClientInfo<'_>,
        remember_cookie: Option<&str>,
    ) -> Self {
        FlaskLogin(Arc::new(LoginShared {
            session,
            config,
            identifier: client.session_identifier(),
            remember_cookie: remember_cookie.map(str::to_owned),
            user: Mutex::new(None),
        }))
    }

    fn user_slot(&self) -> std::sync::MutexGuard<'_, Option<CurrentUser>> {
        self.0.user.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The session.
    ///
    /// ```
    /// # use flask_session_cookie::flask_login::{ClientInfo, FlaskLogin, LoginConfig};
    /// # use flask_session_cookie::session::FlaskSession;
    /// # let login = FlaskLogin::new(FlaskSession::detached(Default::default()), LoginConfig::new("k")?.into(), &ClientInfo::new(None), None);
    /// assert!(login.session().snapshot().is_empty());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn session(&self) -> &FlaskSession {
        &self.0.session
    }

    /// The settings.
    ///
    /// ```
    /// # use flask_session_cookie::flask_login::{ClientInfo, FlaskLogin, LoginConfig};
    /// # use flask_session_cookie::session::FlaskSession;
    /// # let login = FlaskLogin::new(FlaskSession::detached(Default::default()), LoginConfig::new("k")?.into(), &ClientInfo::new(None), None);
    /// assert_eq!(login.config().cookie().name(), "remember_token");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn config(&self) -> &LoginConfig {
        &self.0.config
    }

    /// This client's session identifier (`_id`).
    ///
    /// ```
    /// # use flask_session_cookie::flask_login::{ClientInfo, FlaskLogin, LoginConfig};
    /// # use flask_session_cookie::session::FlaskSession;
    /// # let login = FlaskLogin::new(FlaskSession::detached(Default::default()), LoginConfig::new("k")?.into(), &ClientInfo::new(None), None);
    /// assert_eq!(login.identifier(), ClientInfo::new(None).session_identifier());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn identifier(&self) -> &str {
        &self.0.identifier
    }

    /// Whether the request came with a remember cookie.
    ///
    /// ```
    /// # use flask_session_cookie::flask_login::{ClientInfo, FlaskLogin, LoginConfig};
    /// # use flask_session_cookie::session::FlaskSession;
    /// # let login = FlaskLogin::new(FlaskSession::detached(Default::default()), LoginConfig::new("k")?.into(), &ClientInfo::new(None), Some(""));
    /// assert!(login.has_remember_cookie());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn has_remember_cookie(&self) -> bool {
        self.0.remember_cookie.is_some()
    }

    /// The current user (`current_user`), found on the first call: session
    /// protection, then the session's `_user_id`, then the remember cookie.
    ///
    /// ```
    /// # use flask_session_cookie::flask_login::{ClientInfo, FlaskLogin, LoginConfig};
    /// # use flask_session_cookie::session::FlaskSession;
    /// # let login = FlaskLogin::new(FlaskSession::detached(Default::default()), LoginConfig::new("k")?.into(), &ClientInfo::new(None), None);
    /// assert!(!login.current_user().is_authenticated());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn current_user(&self) -> CurrentUser {
        let mut slot = self.user_slot();
        if let Some(user) = &*slot {
            return user.clone();
        }
        let user = load_user(
            &mut self.0.session.lock(),
            &self.0.config,
            &self.0.identifier,
            self.0.remember_cookie.as_deref(),
        );
        *slot = Some(user.clone());
        user
    }

    /// The current user's id, `None` when anonymous.
    ///
    /// ```
    /// # use flask_session_cookie::flask_login::{ClientInfo, FlaskLogin, LoginConfig};
    /// # use flask_session_cookie::session::FlaskSession;
    /// # let login = FlaskLogin::new(FlaskSession::detached(Default::default()), LoginConfig::new("k")?.into(), &ClientInfo::new(None), None);
    /// assert_eq!(login.user_id(), None);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn user_id(&self) -> Option<String> {
        self.current_user().user_id
    }

    /// Whether the current login is fresh (`login_fresh()`, after the current user
    /// has been found, as `fresh_login_required` does).
    ///
    /// ```
    /// # use flask_session_cookie::flask_login::{ClientInfo, FlaskLogin, LoginConfig};
    /// # use flask_session_cookie::session::FlaskSession;
    /// # let login = FlaskLogin::new(FlaskSession::detached(Default::default()), LoginConfig::new("k")?.into(), &ClientInfo::new(None), None);
    /// assert!(!login.is_fresh());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn is_fresh(&self) -> bool {
        let _ = self.current_user();
        self.0.session.with(login_fresh)
    }

    /// Logs `user_id` in ([`login_user`]); the current user is now that user.
    ///
    /// ```
    /// # use flask_session_cookie::flask_login::{ClientInfo, FlaskLogin, LoginConfig, LoginOptions};
    /// # use flask_session_cookie::session::FlaskSession;
    /// # let login = FlaskLogin::new(FlaskSession::detached(Default::default()), LoginConfig::new("k")?.into(), &ClientInfo::new(None), None);
    /// login.login_user("7", LoginOptions::new());
    /// assert_eq!(login.user_id().as_deref(), Some("7"));
    /// assert!(login.is_fresh());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn login_user(&self, user_id: &str, options: LoginOptions) {
        let mut slot = self.user_slot();
        self.0
            .session
            .modify(|s| login_user(s, user_id, options, &self.0.identifier));
        *slot = Some(CurrentUser {
            user_id: Some(user_id.to_owned()),
            source: UserSource::Session,
            protection: slot
                .as_ref()
                .map_or(ProtectionOutcome::NotChecked, |u| u.protection),
        });
    }

    /// Logs the current user out ([`logout_user`]); the current user is now
    /// anonymous.
    ///
    /// ```
    /// # use flask_session_cookie::flask_login::{ClientInfo, FlaskLogin, LoginConfig, LoginOptions};
    /// # use flask_session_cookie::session::FlaskSession;
    /// # let login = FlaskLogin::new(FlaskSession::detached(Default::default()), LoginConfig::new("k")?.into(), &ClientInfo::new(None), None);
    /// login.login_user("7", LoginOptions::new());
    /// login.logout_user();
    /// assert_eq!(login.user_id(), None);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn logout_user(&self) {
        let mut slot = self.user_slot();
        {
            let mut tracked = self.0.session.lock();
            for key in [USER_ID_KEY, FRESH_KEY, ID_KEY] {
                pop(&mut tracked, key);
            }
            if self.0.remember_cookie.is_some() {
                tracked.insert(REMEMBER_KEY, "clear");
                pop(&mut tracked, REMEMBER_SECONDS_KEY);
            }
        }
        let protection = slot
            .as_ref()
            .map_or(ProtectionOutcome::NotChecked, |u| u.protection);
        *slot = Some(CurrentUser::anonymous(protection));
    }

    /// Marks the login fresh again, for this client ([`confirm_login`]).
    ///
    /// ```
    /// # use flask_session_cookie::flask_login::{ClientInfo, FlaskLogin, LoginConfig};
    /// # use flask_session_cookie::session::FlaskSession;
    /// # let login = FlaskLogin::new(FlaskSession::detached(Default::default()), LoginConfig::new("k")?.into(), &ClientInfo::new(None), None);
    /// login.confirm_login();
    /// assert_eq!(login.session().get("_fresh"), Some(true.into()));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn confirm_login(&self) {
        self.0
            .session
            .modify(|s| confirm_login(s, &self.0.identifier));
    }

    /// After the handler (Flask-Login's `after_request`), as if the time were `now`:
    /// carries out the session's `_remember` instruction (`set`: the remember cookie
    /// for `_user_id`, lasting `_remember_seconds` or the configured duration;
    /// `clear`: its deletion), removing it from the session, and returns the
    /// `Set-Cookie` header to add. With refresh-each-request, `set` is implied. Call
    /// it before the session is saved: it changes the session.
    ///
    /// An error (a `_remember_seconds` that is no number, or a date Python could not
    /// write) is what Flask answers with HTTP 500.
    ///
    /// ```
    /// # use flask_session_cookie::flask_login::{ClientInfo, FlaskLogin, LoginConfig, LoginOptions};
    /// # use flask_session_cookie::session::FlaskSession;
    /// # let login = FlaskLogin::new(FlaskSession::detached(Default::default()), LoginConfig::new("k")?.into(), &ClientInfo::new(None), None);
    /// login.login_user("7", LoginOptions::new().remember(true));
    /// let header = login.finish_at(1_700_000_000)?.unwrap();
    /// assert!(header.contains("; Expires=Wed, 13 Nov 2024 22:13:20 GMT; HttpOnly; Path=/"));
    /// assert!(login.session().get("_remember").is_none());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn finish_at(&self, now: i64) -> Result<Option<String>> {
        update_remember_cookie(&mut self.0.session.lock(), &self.0.config, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_arithmetic_matches_timedelta() {
        assert_eq!(expires_after(100, 0.4).unwrap(), 100);
        assert_eq!(expires_after(100, 1.9999995).unwrap(), 101);
        assert_eq!(expires_after(100, 1.9999996).unwrap(), 102);
        assert_eq!(expires_after(100, -0.5).unwrap(), 99);
        assert!(expires_after(0, f64::NAN).is_err());
        assert!(expires_after(0, 1e18).is_err());
    }

    #[test]
    fn timedelta_rounding_is_cpythons() {
        // Checked with Python 3.11: timedelta(seconds=s) // timedelta(microseconds=1).
        for (s, us) in [
            (1.9999995, 1_999_999),
            (1.9999996, 2_000_000),
            (0.0000005, 0),
            (0.0000015, 2),
            (-0.5, -500_000),
            (-1.0000005, -1_000_001),
            (172_800.0, 172_800_000_000),
        ] {
            assert_eq!(timedelta_micros(s), us, "{s}");
        }
    }

    #[test]
    fn seconds_of_is_total_seconds() {
        assert_eq!(seconds_of(Duration::from_secs(2 * 86_400)), 172_800.0);
        assert_eq!(seconds_of(Duration::from_micros(1_500_001)), 1.500_001);
    }
}
