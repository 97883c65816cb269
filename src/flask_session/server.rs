//! [`ServerSide`]: where a server-side session lives — Flask-Session 0.8's (or
//! Quart-Session 3.0's) `open_session` and the storing half of its
//! `save_session`, over any [`SessionStore`]. The save decision itself is the one
//! Flask's cookie session uses too (`session::save`); the session cycle
//! (`layer::SessionCycle::server_side`) runs it.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};

use super::{
    FLASK_SESSION_ID_BYTES, IdSigner, MAX_ID_BYTES, Package, StoredFormat, decode_stored,
    encode_stored,
};
use crate::cookie::{CookieConfig, SaveOutcome};
use crate::error::{Error, ErrorKind, PayloadStage, Result};
use crate::itsdangerous::SecretKeys;
use crate::limits::Limits;
use crate::session::save::{self, Refresh, SaveAction, SaveRules};
use crate::session::{FlaskSession, Session, SessionOrigin, TrackedSession};
use crate::store::SessionStore;

/// Flask-Session's (or Quart-Session's) settings over a store: the package, the
/// key prefix (`SESSION_KEY_PREFIX`), the id signer (`SESSION_USE_SIGNER`), whether
/// new sessions are permanent (`SESSION_PERMANENT`), the TTL
/// (`PERMANENT_SESSION_LIFETIME`), `SESSION_REFRESH_EACH_REQUEST`, the format
/// written (`SESSION_SERIALIZATION_FORMAT`), the limits on what is read, and
/// whether legacy pickles are read. Cheap to clone.
///
/// Defaults are the package's: prefix `session:`, unsigned ids, permanent, 31
/// days, refreshing each request, msgpack (Quart-Session: tagged JSON), pickles
/// read (and reported), [`Limits::server_side`].
///
/// ```
/// use flask_session_cookie::flask_session::{Package, ServerSide, StoredFormat};
/// use flask_session_cookie::store::redis::RedisStore;
///
/// let server = ServerSide::new(Package::FlaskSession, RedisStore::new("redis://127.0.0.1:6379")?)
///     .with_prefix("myapp:")
///     .with_signer("dev-secret")?          // SESSION_USE_SIGNER = True
///     .with_lifetime(7 * 86_400)           // PERMANENT_SESSION_LIFETIME
///     .with_format(StoredFormat::Msgpack)?;
/// assert_eq!(server.prefix(), "myapp:");
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Clone)]
pub struct ServerSide {
    package: Package,
    store: Arc<dyn SessionStore>,
    prefix: String,
    signer: Option<IdSigner>,
    permanent: bool,
    lifetime: u64,
    refresh_each_request: bool,
    format: StoredFormat,
    limits: Limits,
    read_pickle: bool,
    address_protection: bool,
    id_bytes: usize,
}

impl fmt::Debug for ServerSide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerSide")
            .field("package", &self.package)
            .field("store", &self.store.name())
            .field("prefix", &self.prefix)
            .field("signed_ids", &self.signer.is_some())
            .field("permanent", &self.permanent)
            .field("lifetime", &self.lifetime)
            .field("refresh_each_request", &self.refresh_each_request)
            .field("format", &self.format)
            .field("read_pickle", &self.read_pickle)
            .field("address_protection", &self.address_protection)
            .field("id_bytes", &self.id_bytes)
            .finish()
    }
}

/// The fewest random bytes [`ServerSide::with_id_length`] takes.
const MIN_ID_BYTES: usize = 16;

/// Which package each (store, prefix) of this process is claimed for, and by how
/// many live claims.
type Claims = HashMap<(String, String), (Package, usize)>;
static PREFIXES: Mutex<Option<Claims>> = Mutex::new(None);

/// A configuration's hold on its store and prefix ([`ServerSide::claim_prefix`]),
/// given back when dropped.
#[derive(Debug)]
pub struct PrefixClaim {
    place: (String, String),
}

impl Drop for PrefixClaim {
    fn drop(&mut self) {
        let mut claims = PREFIXES.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(claims) = claims.as_mut()
            && let Some((_, count)) = claims.get_mut(&self.place)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                claims.remove(&self.place);
            }
        }
    }
}

impl ServerSide {
    /// `package`'s defaults over `store`.
    ///
    /// ```
    /// use flask_session_cookie::flask_session::{Package, ServerSide};
    /// use flask_session_cookie::store::redis::RedisStore;
    /// let server = ServerSide::new(Package::QuartSession, RedisStore::new("redis://localhost")?);
    /// assert_eq!(server.lifetime(), 2_678_400);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(package: Package, store: impl SessionStore + 'static) -> Self {
        ServerSide::with_shared_store(package, Arc::new(store))
    }

    /// The same over a store shared with other code.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use flask_session_cookie::flask_session::{Package, ServerSide};
    /// use flask_session_cookie::store::{SessionStore, redis::RedisStore};
    /// let store: Arc<dyn SessionStore> = Arc::new(RedisStore::new("redis://localhost")?);
    /// let server = ServerSide::with_shared_store(Package::FlaskSession, store);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn with_shared_store(package: Package, store: Arc<dyn SessionStore>) -> Self {
        ServerSide {
            package,
            store,
            prefix: "session:".to_owned(),
            signer: None,
            permanent: true,
            lifetime: 2_678_400,
            refresh_each_request: true,
            format: match package {
                Package::FlaskSession => StoredFormat::Msgpack,
                Package::QuartSession => StoredFormat::TaggedJson,
            },
            limits: Limits::server_side(),
            read_pickle: true,
            address_protection: false,
            id_bytes: FLASK_SESSION_ID_BYTES,
        }
    }

    /// `SESSION_KEY_PREFIX` (default `session:`): the store key is the prefix and
    /// the id.
    ///
    /// ```
    /// # use flask_session_cookie::{flask_session::{Package, ServerSide}, store::redis::RedisStore};
    /// let server = ServerSide::new(Package::FlaskSession, RedisStore::new("redis://localhost")?).with_prefix("app1:");
    /// assert_eq!(server.prefix(), "app1:");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// `SESSION_USE_SIGNER = True` with this `SECRET_KEY`: the cookie carries the id
    /// signed ([`IdSigner`]); a cookie whose signature fails starts a new session.
    /// Flask-Session signs with `SECRET_KEY` only (no fallbacks), so only the
    /// current key of `keys` is used. An empty key is a
    /// [`Config`](crate::ErrorKind::Config) error.
    ///
    /// ```
    /// # use flask_session_cookie::{flask_session::{Package, ServerSide}, store::redis::RedisStore};
    /// assert!(ServerSide::new(Package::FlaskSession, RedisStore::new("redis://localhost")?).with_signer("").is_err());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn with_signer(mut self, keys: impl Into<SecretKeys>) -> Result<Self> {
        let keys: SecretKeys = keys.into();
        let current = SecretKeys::new(keys.current().clone());
        self.signer = Some(IdSigner::new(self.package, current)?);
        Ok(self)
    }

    /// `SESSION_ID_LENGTH` (default 32): how many random bytes a new id has (its
    /// text is their unpadded base64url, `secrets.token_urlsafe(n)`). Any id is
    /// read whatever this says; it only shapes the ids this side makes. From 16
    /// (fewer is guessable) to 256; otherwise, or for Quart-Session (uuid4 ids, no
    /// such setting), a [`Config`](crate::ErrorKind::Config) error.
    ///
    /// ```
    /// # use flask_session_cookie::{flask_session::{Package, ServerSide}, store::redis::RedisStore};
    /// let server = ServerSide::new(Package::FlaskSession, RedisStore::new("redis://localhost")?);
    /// assert!(server.clone().with_id_length(48).is_ok());
    /// assert!(server.with_id_length(8).is_err());
    /// let quart = ServerSide::new(Package::QuartSession, RedisStore::new("redis://localhost")?);
    /// assert!(quart.with_id_length(32).is_err());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn with_id_length(mut self, id_bytes: usize) -> Result<Self> {
        if self.package != Package::FlaskSession {
            return Err(Error::config(format!(
                "SESSION_ID_LENGTH is Flask-Session's setting; {} makes uuid4 ids",
                self.package
            )));
        }
        if !(MIN_ID_BYTES..=MAX_ID_BYTES).contains(&id_bytes) {
            return Err(Error::config(format!(
                "SESSION_ID_LENGTH {id_bytes}: from {MIN_ID_BYTES} (fewer random bytes make \
                 ids guessable) to {MAX_ID_BYTES}"
            )));
        }
        self.id_bytes = id_bytes;
        Ok(self)
    }

    /// `SESSION_PERMANENT` (default true): whether a new session is permanent
    /// (holds `_permanent: True`, its cookie has `Expires`).
    ///
    /// ```
    /// # use flask_session_cookie::{flask_session::{Package, ServerSide}, store::redis::RedisStore};
    /// let server = ServerSide::new(Package::FlaskSession, RedisStore::new("redis://localhost")?).with_permanent(false);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_permanent(mut self, permanent: bool) -> Self {
        self.permanent = permanent;
        self
    }

    /// `PERMANENT_SESSION_LIFETIME` in seconds (default 31 days): the stored
    /// value's TTL (whether the session is permanent or not, as Flask-Session sets
    /// it) and a permanent cookie's lifetime. Zero is taken as one second (Redis
    /// refuses a TTL of zero).
    ///
    /// ```
    /// # use flask_session_cookie::{flask_session::{Package, ServerSide}, store::redis::RedisStore};
    /// let server = ServerSide::new(Package::FlaskSession, RedisStore::new("redis://localhost")?).with_lifetime(3600);
    /// assert_eq!(server.lifetime(), 3600);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_lifetime(mut self, seconds: u64) -> Self {
        self.lifetime = seconds.max(1);
        self
    }

    /// `SESSION_REFRESH_EACH_REQUEST` (default true): an unmodified session has its
    /// TTL renewed on every request (with `EXPIRE`: see the README on concurrent
    /// requests), and a permanent one its cookie re-sent. Quart-Session never
    /// refreshes, whatever this says.
    ///
    /// ```
    /// # use flask_session_cookie::{flask_session::{Package, ServerSide}, store::redis::RedisStore};
    /// let server = ServerSide::new(Package::FlaskSession, RedisStore::new("redis://localhost")?).with_refresh_each_request(false);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_refresh_each_request(mut self, refresh: bool) -> Self {
        self.refresh_each_request = refresh;
        self
    }

    /// `SESSION_SERIALIZATION_FORMAT`: msgpack (default) or JSON for
    /// Flask-Session; Quart-Session writes tagged JSON only. Any readable format is
    /// read whatever this says. A format the package does not write (pickle, or a
    /// mismatch) is a [`Config`](crate::ErrorKind::Config) error.
    ///
    /// ```
    /// use flask_session_cookie::flask_session::{Package, ServerSide, StoredFormat};
    /// # use flask_session_cookie::store::redis::RedisStore;
    /// let server = ServerSide::new(Package::FlaskSession, RedisStore::new("redis://localhost")?);
    /// assert!(server.clone().with_format(StoredFormat::Json).is_ok());
    /// assert!(server.with_format(StoredFormat::Pickle).is_err());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn with_format(mut self, format: StoredFormat) -> Result<Self> {
        let fits = match self.package {
            Package::FlaskSession => matches!(format, StoredFormat::Msgpack | StoredFormat::Json),
            Package::QuartSession => format == StoredFormat::TaggedJson,
        };
        if !fits {
            return Err(Error::config(format!(
                "{} does not write {format} sessions",
                self.package
            )));
        }
        self.format = format;
        Ok(self)
    }

    /// The limits on what is read ([`Limits::server_side`] by default: 1 MiB, checked
    /// before the value is fetched whole; 100,000 values).
    ///
    /// ```
    /// # use flask_session_cookie::{flask_session::{Package, ServerSide}, store::redis::RedisStore, Limits};
    /// let server = ServerSide::new(Package::FlaskSession, RedisStore::new("redis://localhost")?)
    ///     .with_limits(Limits::server_side().with_max_stored_len(64 << 10));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Whether a legacy pickle (Flask-Session 0.4–0.6) is read (default true, and
    /// each one read is reported as a `tracing` warning). Off, such a session is an
    /// error response, as under a Flask-Session without the pickle fallback; the
    /// stored value is left as it is.
    ///
    /// ```
    /// # use flask_session_cookie::{flask_session::{Package, ServerSide}, store::redis::RedisStore};
    /// let server = ServerSide::new(Package::FlaskSession, RedisStore::new("redis://localhost")?).with_pickle(false);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_pickle(mut self, read: bool) -> Self {
        self.read_pickle = read;
        self
    }

    /// Quart-Session's `SESSION_PROTECTION = True`: a stored session whose `_addr`
    /// is not the client's address is deleted and a new one started. The address
    /// is the peer's, or with `SESSION_REVERSE_PROXY` the `X-Forwarded-For` header
    /// (the session cycle passes the one its glue knows). Flask-Session has no such
    /// setting: this is refused for it with a [`Config`](crate::ErrorKind::Config)
    /// error.
    ///
    /// ```
    /// # use flask_session_cookie::{flask_session::{Package, ServerSide}, store::redis::RedisStore};
    /// assert!(ServerSide::new(Package::QuartSession, RedisStore::new("redis://localhost")?).with_address_protection(true).is_ok());
    /// assert!(ServerSide::new(Package::FlaskSession, RedisStore::new("redis://localhost")?).with_address_protection(true).is_err());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn with_address_protection(mut self, on: bool) -> Result<Self> {
        if on && self.package != Package::QuartSession {
            return Err(Error::config(
                "address protection (SESSION_PROTECTION) is Quart-Session's; Flask-Session \
                 has none (Flask-Login's session protection is LoginConfig::with_protection)",
            ));
        }
        self.address_protection = on;
        Ok(self)
    }

    /// The package whose rules apply.
    ///
    /// ```
    /// # use flask_session_cookie::{flask_session::{Package, ServerSide}, store::redis::RedisStore};
    /// assert_eq!(ServerSide::new(Package::FlaskSession, RedisStore::new("redis://localhost")?).package(), Package::FlaskSession);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn package(&self) -> Package {
        self.package
    }

    /// The key prefix.
    ///
    /// ```
    /// # use flask_session_cookie::{flask_session::{Package, ServerSide}, store::redis::RedisStore};
    /// assert_eq!(ServerSide::new(Package::FlaskSession, RedisStore::new("redis://localhost")?).prefix(), "session:");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The TTL and permanent cookie lifetime, in seconds.
    ///
    /// ```
    /// # use flask_session_cookie::{flask_session::{Package, ServerSide}, store::redis::RedisStore};
    /// assert_eq!(ServerSide::new(Package::FlaskSession, RedisStore::new("redis://localhost")?).lifetime(), 31 * 86_400);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn lifetime(&self) -> u64 {
        self.lifetime
    }

    /// The store.
    ///
    /// ```
    /// # use flask_session_cookie::{flask_session::{Package, ServerSide}, store::redis::RedisStore};
    /// let server = ServerSide::new(Package::FlaskSession, RedisStore::new("redis://localhost")?);
    /// assert_eq!(server.store().name(), "redis://localhost:6379/0");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn store(&self) -> &Arc<dyn SessionStore> {
        &self.store
    }

    /// Claims this config's store and prefix for its package in this process, for
    /// as long as the returned claim lives: a Flask-Session config and a
    /// Quart-Session config on one store and prefix would read each other's values
    /// wrongly (Quart-Session's tags become plain keys for Flask-Session), so a claim
    /// for the other package is a [`Config`](crate::ErrorKind::Config) error. The
    /// session cycle claims when it is made and holds the claim.
    ///
    /// ```
    /// use flask_session_cookie::flask_session::{Package, ServerSide};
    /// use flask_session_cookie::store::redis::RedisStore;
    /// let store = || RedisStore::new("redis://127.0.0.1:6390");
    /// let flask = ServerSide::new(Package::FlaskSession, store()?).with_prefix("shared:").claim_prefix()?;
    /// let quart = ServerSide::new(Package::QuartSession, store()?).with_prefix("shared:");
    /// assert!(quart.claim_prefix().unwrap_err().to_string().contains("shared:"));
    /// drop(flask);
    /// assert!(quart.claim_prefix().is_ok());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn claim_prefix(&self) -> Result<PrefixClaim> {
        let mut claims = PREFIXES.lock().unwrap_or_else(PoisonError::into_inner);
        let claims = claims.get_or_insert_with(HashMap::new);
        let place = (self.store.name(), self.prefix.clone());
        match claims.get_mut(&place) {
            Some((other, _)) if *other != self.package => Err(Error::config(format!(
                "the prefix {:?} on {} is already used by a {other} configuration in this \
                 process; {} and {other} cannot read each other's values: give each its own \
                 SESSION_KEY_PREFIX",
                self.prefix, place.0, self.package
            ))),
            Some((_, count)) => {
                *count += 1;
                Ok(PrefixClaim { place })
            }
            None => {
                claims.insert(place.clone(), (self.package, 1));
                Ok(PrefixClaim { place })
            }
        }
    }

    fn key(&self, id: &str) -> String {
        let mut key = String::with_capacity(self.prefix.len() + id.len());
        key.push_str(&self.prefix);
        key.push_str(id);
        key
    }

    /// A new session under a fresh id: `_permanent` when new sessions are
    /// permanent, and for Quart-Session the client's address in `_addr`.
    fn fresh(&self, origin: SessionOrigin, address: Option<&str>) -> Result<FlaskSession> {
        let mut session = Session::new();
        if self.permanent {
            session.set_permanent(true);
        }
        if self.package == Package::QuartSession
            && let Some(address) = address.filter(|a| !a.is_empty())
        {
            session.insert("_addr", address);
        }
        Ok(FlaskSession::server_side(
            self.tracked(session),
            origin,
            self.package.new_id_of(self.id_bytes)?,
        ))
    }

    fn tracked(&self, session: Session) -> TrackedSession {
        let tracked = TrackedSession::new(session);
        match self.package {
            Package::FlaskSession => tracked.with_server_side_truth(),
            Package::QuartSession => tracked,
        }
    }

    /// The package's `open_session` for a request whose session cookie holds
    /// `cookie` (`None` when it has none) from a client at `address` (Quart-Session
    /// stores and checks it). No cookie, a bad signature, an id with no stored
    /// session: a new session under a fresh id. Errors: the store failing
    /// ([`Store`](crate::ErrorKind::Store): glue answers 503), a stored value over the
    /// limit or unreadable by Flask-Session (the answer is 500, and the value is left
    /// as it is; Quart-Session starts a new session instead, as it does, over a value
    /// that is UTF-8 but not its JSON).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), flask_session_cookie::Error> {
    /// use flask_session_cookie::flask_session::{Package, ServerSide};
    /// use flask_session_cookie::store::redis::RedisStore;
    /// let server = ServerSide::new(Package::FlaskSession, RedisStore::new("redis://127.0.0.1")?);
    /// let session = server.open(None, None).await?;
    /// assert!(session.snapshot().permanent());
    /// # Ok(()) }
    /// ```
    pub async fn open(&self, cookie: Option<&str>, address: Option<&str>) -> Result<FlaskSession> {
        let Some(cookie) = cookie.filter(|c| !c.is_empty()) else {
            return self.fresh(SessionOrigin::NoCookie, address);
        };
        let id = match &self.signer {
            Some(signer) => match signer.unsign(cookie) {
                Ok(id) => id,
                Err(e) => {
                    #[cfg(feature = "tracing")]
                    tracing::debug!(kind = %e.kind(), "session id signature rejected; a new session starts");
                    return self.fresh(SessionOrigin::Rejected(Arc::new(e)), address);
                }
            },
            None => cookie.to_owned(),
        };
        let key = self.key(&id);
        let stored = self
            .store
            .get(&key, self.limits.max_stored_len())
            .await
            .inspect_err(warn_read)?;
        let Some(bytes) = stored else {
            return self.fresh(SessionOrigin::NotStored, address);
        };
        let session = match decode_stored(self.package, &bytes, &self.limits) {
            Ok((_, StoredFormat::Pickle)) if !self.read_pickle => {
                let e = Error::config(
                    "the stored session is a legacy pickle (Flask-Session 0.4-0.6) and reading \
                     pickles is switched off (ServerSide::with_pickle); it is left as it is",
                );
                warn_read(&e);
                return Err(e);
            }
            Ok((session, format)) => {
                if format == StoredFormat::Pickle {
                    #[cfg(feature = "tracing")]
                    tracing::warn!(
                        store = %self.store.name(),
                        "read a legacy pickled session (Flask-Session 0.4-0.6); it is saved as \
                         msgpack when next modified"
                    );
                }
                session
            }
            // Quart-Session starts afresh over a value its parser cannot read; its
            // Redis client decodes values as UTF-8 first, and fails (500) on one that
            // is not. A value past this crate's limits is an error for both packages.
            Err(e)
                if self.package == Package::QuartSession
                    && matches!(e.kind(), ErrorKind::BadPayload(stage) if *stage != PayloadStage::Utf8) =>
            {
                #[cfg(feature = "tracing")]
                tracing::warn!(kind = %e.kind(), detail = e.detail(), "stored session unreadable; Quart-Session starts a new one");
                return self.fresh(SessionOrigin::Rejected(Arc::new(e)), address);
            }
            Err(e) => {
                warn_read(&e);
                return Err(e);
            }
        };
        if self.address_protection
            && let Some(client) = address
            && let Some(stored) = session.get("_addr")
            && stored.as_str() != Some(client)
        {
            self.store.delete(&key).await?;
            let e = Error::bad_signature_because(
                "the stored session's _addr is not this client's address",
            );
            return self.fresh(SessionOrigin::Rejected(Arc::new(e)), address);
        }
        Ok(FlaskSession::server_side(
            self.tracked(session),
            SessionOrigin::Stored,
            id,
        ))
    }

    /// The package's save decision ([`SaveRules`]).
    fn rules(&self) -> SaveRules {
        match self.package {
            Package::FlaskSession => SaveRules {
                vary: true,
                refresh: if self.refresh_each_request {
                    Refresh::StoreAlways
                } else {
                    Refresh::Never
                },
            },
            Package::QuartSession => SaveRules {
                vary: false,
                refresh: Refresh::Never,
            },
        }
    }

    /// The package's `save_session` at `now` (Unix seconds), with `cookie`'s
    /// attributes (name, domain, path, secure, httponly, samesite): an emptied
    /// session is `DEL`eted with the package's bare deletion cookie; a modified one
    /// is `SET` with the lifetime as TTL (under a new id after
    /// [`FlaskSession::regenerate`], the old key deleted) and its cookie sent; an
    /// unmodified one (Flask-Session, refreshing) has its TTL renewed with `EXPIRE`,
    /// never re-written, and its cookie re-sent when permanent. Errors: the store
    /// failing ([`Store`](crate::ErrorKind::Store)), a value the package could not
    /// write ([`Unencodable`](crate::ErrorKind::Unencodable)).
    pub async fn save(
        &self,
        session: &FlaskSession,
        cookie: &CookieConfig,
        now: i64,
    ) -> Result<SaveOutcome> {
        let Some(server_id) = session.server_id() else {
            return Err(Error::config(
                "this session was not opened from a server-side store",
            ));
        };
        // Decide and encode under the lock; talk to the store without it.
        let (plan, permanent, value) = {
            let tracked = session.lock();
            let plan = save::plan(&tracked, self.rules());
            let value = match plan.action {
                SaveAction::Write { modified: true, .. } => Some(encode_stored(
                    self.package,
                    self.format,
                    tracked.untracked(),
                )?),
                _ => None,
            };
            (plan, tracked.untracked().permanent(), value)
        };
        let mut id: Arc<str> = Arc::clone(&server_id.id);
        if server_id.regenerate.load(Ordering::Relaxed) {
            self.store.delete(&self.key(&id)).await?;
            id = Arc::from(self.package.new_id_of(self.id_bytes)?);
        }
        let mut out = SaveOutcome {
            set_cookie: None,
            vary_cookie: plan.vary,
        };
        let key = self.key(&id);
        let send = match plan.action {
            SaveAction::Nothing => false,
            SaveAction::Delete => {
                self.store.delete(&key).await?;
                out.set_cookie = Some(cookie.bare_delete_cookie_header());
                false
            }
            SaveAction::Write { set_cookie, .. } => {
                let there = match &value {
                    Some(bytes) => {
                        self.store.set(&key, bytes, self.lifetime).await?;
                        true
                    }
                    None => self.store.expire(&key, self.lifetime).await?,
                };
                set_cookie && there
            }
        };
        if send {
            let value = match &self.signer {
                Some(signer) => signer.sign(&id),
                None => id.to_string(),
            };
            let lifetime = i64::try_from(self.lifetime).unwrap_or(i64::MAX);
            out.set_cookie = Some(if permanent {
                cookie.set_cookie_header_until(&value, now.saturating_add(lifetime))?
            } else {
                cookie.set_cookie_header(&value, false, now)
            });
        }
        Ok(out)
    }
}

/// Reports a stored session that cannot be read (it is left as it is).
fn warn_read(error: &Error) {
    #[cfg(feature = "tracing")]
    tracing::warn!(kind = %error.kind(), detail = error.detail(), "stored session cannot be read; answering with an error, the stored value is left as it is");
    #[cfg(not(feature = "tracing"))]
    let _ = error;
}
