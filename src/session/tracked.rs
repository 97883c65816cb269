//! A session during one request, tracked as Flask tracks it: [`TrackedSession`],
//! and the shared handle that framework glue gives handlers, [`FlaskSession`].

use std::cell::Cell;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Session;
use crate::error::{Error, Result};
use crate::itsdangerous::KeyUsed;
use crate::value::Value;

/// A session during one request, tracking what Flask tracks: whether it was
/// *accessed* (any use, as Flask 3.1.3 counts it) and *modified* (any top-level
/// change, even to the same value).
///
/// It dereferences to [`Session`]: reading through it marks it accessed, any `&mut`
/// use marks it modified too, so every [`Session`] method is available with Flask's
/// tracking. [`take_flashes`](TrackedSession::take_flashes) is the one exception
/// written here: as in Flask, it modifies the session only when there were flashes.
///
/// ```
/// use flask_session_cookie::session::TrackedSession;
///
/// let mut s = TrackedSession::new(Default::default());
/// assert!(!s.accessed() && !s.modified());
/// assert!(s.take_flashes().is_empty());
/// assert!(s.accessed() && !s.modified());
/// s.flash("Saved.");
/// assert_eq!(s.take_flashes(), [("message".to_owned(), "Saved.".to_owned())]);
/// assert!(s.modified());
/// ```
#[derive(Debug, Clone, Default)]
pub struct TrackedSession {
    session: Session,
    accessed: Cell<bool>,
    modified: bool,
    /// Python's `bool(session)` and `session.clear()` as Flask-Session's
    /// `ServerSideSession` has them (only `_permanent` counts as empty; clearing
    /// keeps it).
    server_side: bool,
}

impl TrackedSession {
    /// Tracks `session`, not yet accessed or modified.
    ///
    /// ```
    /// let s = flask_session_cookie::session::TrackedSession::new(Default::default());
    /// assert!(!s.modified());
    /// ```
    pub fn new(session: Session) -> Self {
        TrackedSession {
            session,
            accessed: Cell::new(false),
            modified: false,
            server_side: false,
        }
    }

    /// The same session, tested and cleared as Flask-Session's `ServerSideSession`
    /// is: one holding only `_permanent` is empty, and clearing keeps `_permanent`.
    pub(crate) fn with_server_side_truth(mut self) -> Self {
        self.server_side = true;
        self
    }

    /// Python's `not session` on the session interface's class (what Flask's
    /// `save_session` and Flask-Login's `if sess` test), without marking it
    /// accessed: empty, or for a Flask-Session session holding only `_permanent`
    /// ([`Session::is_empty_server_side`]).
    ///
    /// ```
    /// let s = flask_session_cookie::session::TrackedSession::new(Default::default());
    /// assert!(s.is_empty_in_python() && !s.accessed());
    /// ```
    pub fn is_empty_in_python(&self) -> bool {
        if self.server_side {
            self.session.is_empty_server_side()
        } else {
            self.session.is_empty()
        }
    }

    /// Python's `session.clear()` on the session interface's class: everything
    /// goes (Flask), or everything but `_permanent` (Flask-Session:
    /// [`Session::clear_keeping_permanent`]). Marks the session modified.
    ///
    /// ```
    /// let mut s = flask_session_cookie::session::TrackedSession::new(Default::default());
    /// s.insert("a", 1);
    /// s.clear_as_python();
    /// assert!(s.is_empty_in_python() && s.modified());
    /// ```
    pub fn clear_as_python(&mut self) {
        if self.server_side {
            self.session_mut().clear_keeping_permanent();
        } else {
            self.session_mut().clear();
        }
    }

    /// Flask's `get_flashed_messages(with_categories=True)`: removes `_flashes` from
    /// the session (modifying it only when there were any) and returns them as
    /// `(category, message)` pairs.
    ///
    /// ```
    /// let mut s = flask_session_cookie::session::TrackedSession::new(Default::default());
    /// assert!(s.take_flashes().is_empty());
    /// assert!(!s.modified());
    /// ```
    pub fn take_flashes(&mut self) -> Vec<(String, String)> {
        if !self.contains_key(Session::FLASHES_KEY) {
            return Vec::new();
        }
        self.session_mut().take_flashes()
    }

    /// The session, to change (marks it accessed and modified); the same as `&mut *s`.
    ///
    /// ```
    /// let mut s = flask_session_cookie::session::TrackedSession::new(Default::default());
    /// s.session_mut().insert("a", 1);
    /// assert!(s.modified());
    /// ```
    pub fn session_mut(&mut self) -> &mut Session {
        self.accessed.set(true);
        self.modified = true;
        &mut self.session
    }

    /// Whether the session was used in this request.
    ///
    /// ```
    /// let s = flask_session_cookie::session::TrackedSession::new(Default::default());
    /// assert!(!s.accessed());
    /// ```
    pub fn accessed(&self) -> bool {
        self.accessed.get()
    }

    /// Whether the session was changed in this request.
    ///
    /// ```
    /// let s = flask_session_cookie::session::TrackedSession::new(Default::default());
    /// assert!(!s.modified());
    /// ```
    pub fn modified(&self) -> bool {
        self.modified
    }

    /// Marks the session modified (Flask's `session.modified = True`, for changes
    /// made inside nested values that Flask cannot see).
    ///
    /// ```
    /// let mut s = flask_session_cookie::session::TrackedSession::new(Default::default());
    /// s.mark_modified();
    /// assert!(s.modified());
    /// ```
    pub fn mark_modified(&mut self) {
        self.modified = true;
    }

    /// The session without marking it accessed (for the code that saves it).
    ///
    /// ```
    /// let s = flask_session_cookie::session::TrackedSession::new(Default::default());
    /// assert!(s.untracked().is_empty() && !s.accessed());
    /// ```
    pub fn untracked(&self) -> &Session {
        &self.session
    }

    /// The session, leaving tracking behind.
    ///
    /// ```
    /// let s = flask_session_cookie::session::TrackedSession::new(Default::default());
    /// assert!(s.into_session().is_empty());
    /// ```
    pub fn into_session(self) -> Session {
        self.session
    }
}

impl Deref for TrackedSession {
    type Target = Session;

    /// Marks the session accessed.
    fn deref(&self) -> &Session {
        self.accessed.set(true);
        &self.session
    }
}

impl DerefMut for TrackedSession {
    /// Marks the session accessed and modified.
    fn deref_mut(&mut self) -> &mut Session {
        self.session_mut()
    }
}

/// The session of the current request, as framework glue hands it to handlers
/// (the `axum` feature's extractor gives it). Cheap to clone; all clones share one
/// [`TrackedSession`]. Every method counts as an access (`Vary: Cookie`), every
/// change as a modification (a new `Set-Cookie`), as in Flask.
///
/// ```
/// use flask_session_cookie::session::FlaskSession;
///
/// let session = FlaskSession::detached(Default::default());
/// session.insert("_user_id", "42");
/// session.set_permanent(true);
/// session.flash("Welcome back!");
/// assert_eq!(session.get_as::<String>("_user_id")?.as_deref(), Some("42"));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct FlaskSession(Arc<Shared>);

struct Shared {
    tracked: Mutex<TrackedSession>,
    origin: SessionOrigin,
    /// The cookie text the session was opened from (a bearer credential: never in
    /// `Debug`), for re-signing an unmodified session.
    source: Option<Arc<str>>,
    /// A server-side session's id (a bearer credential too), and whether the
    /// handler asked for a new one.
    server: Option<ServerId>,
}

/// A server-side session's id during one request.
pub(crate) struct ServerId {
    pub(crate) id: Arc<str>,
    pub(crate) regenerate: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("tracked", &self.tracked)
            .field("origin", &self.origin)
            .field("source", &self.source.as_ref().map(|_| "<redacted>"))
            .field("server_id", &self.server.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Where the session of a request came from: no cookie, a cookie that verified, or a
/// cookie that was rejected (and so an empty session, as Flask gives). The error of a
/// rejection never holds a key or the cookie value.
///
/// ```
/// use flask_session_cookie::session::{FlaskSession, SessionOrigin};
/// let session = FlaskSession::detached(Default::default());
/// assert!(matches!(session.origin(), SessionOrigin::NoCookie));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SessionOrigin {
    /// The request had no session cookie (or an empty one).
    NoCookie,
    /// The cookie verified.
    Opened {
        /// When it was signed, in Unix seconds.
        timestamp: Option<i64>,
        /// Which key verified it.
        key: KeyUsed,
    },
    /// The cookie was rejected: a bad or expired signature, a malformed value, a
    /// cookie over the length limit. The session started empty.
    Rejected(Arc<Error>),
    /// A server-side session was read from the store under the cookie's id.
    Stored,
    /// The cookie's id names no stored session (it expired, or was deleted): the
    /// session starts empty under a fresh id, as Flask-Session 0.7+ does.
    NotStored,
}

impl FlaskSession {
    /// A handle over `tracked` (what framework glue makes per request).
    pub(crate) fn new(tracked: TrackedSession, origin: SessionOrigin) -> Self {
        FlaskSession::from_cookie(tracked, origin, None)
    }

    /// A handle over a session opened from this cookie text.
    pub(crate) fn from_cookie(
        tracked: TrackedSession,
        origin: SessionOrigin,
        source: Option<Arc<str>>,
    ) -> Self {
        FlaskSession(Arc::new(Shared {
            tracked: Mutex::new(tracked),
            origin,
            source,
            server: None,
        }))
    }

    /// A handle over a server-side session stored (or to be stored) under `id`.
    pub(crate) fn server_side(tracked: TrackedSession, origin: SessionOrigin, id: String) -> Self {
        FlaskSession(Arc::new(Shared {
            tracked: Mutex::new(tracked),
            origin,
            source: None,
            server: Some(ServerId {
                id: Arc::from(id),
                regenerate: std::sync::atomic::AtomicBool::new(false),
            }),
        }))
    }

    /// The cookie text the session was opened from, if it was.
    pub(crate) fn source(&self) -> Option<&Arc<str>> {
        self.0.source.as_ref()
    }

    /// A server-side session's id and its regenerate flag.
    pub(crate) fn server_id(&self) -> Option<&ServerId> {
        self.0.server.as_ref()
    }

    /// Flask-Session's `app.session_interface.regenerate(session)`: a server-side
    /// session that is not empty gets a new id when the response is made (the old
    /// id's stored value is deleted, the session saved under the new id, the cookie
    /// sent), so that an id seen before a login is worth nothing after it. Returns
    /// whether that will happen: not for an empty session (as in Flask-Session), and
    /// not for a cookie session, whose content is its own proof.
    ///
    /// ```
    /// let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// session.insert("_user_id", "1");
    /// assert!(!session.regenerate()); // a cookie session has no id
    /// ```
    pub fn regenerate(&self) -> bool {
        let Some(server) = &self.0.server else {
            return false;
        };
        let mut tracked = self.lock();
        if tracked.is_empty_in_python() {
            return false;
        }
        server
            .regenerate
            .store(true, std::sync::atomic::Ordering::Relaxed);
        tracked.mark_modified();
        true
    }

    /// A session handle not attached to a request (for tests and examples).
    ///
    /// ```
    /// let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// session.insert("a", 1);
    /// ```
    pub fn detached(session: Session) -> Self {
        FlaskSession::new(TrackedSession::new(session), SessionOrigin::NoCookie)
    }

    /// Where this request's session came from: lets a handler tell "no cookie" from
    /// "bad signature" from "expired".
    ///
    /// ```
    /// use flask_session_cookie::{layer::SessionCycle, session::SessionOrigin, ErrorKind, SessionCodec};
    /// let cycle = SessionCycle::new(SessionCodec::new("dev-secret")?);
    /// let expired = b"session=eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM";
    /// let session = cycle.open_at([&expired[..]], 1_800_000_000)?;
    /// match session.origin() {
    ///     SessionOrigin::Rejected(e) => assert!(matches!(e.kind(), ErrorKind::Expired { .. })),
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn origin(&self) -> &SessionOrigin {
        &self.0.origin
    }

    /// The tracked session, locked (for the code that saves it, and for several
    /// operations in one go).
    ///
    /// ```
    /// let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// let mut tracked = session.lock();
    /// tracked.insert("a", 1);
    /// tracked.insert("b", 2);
    /// assert!(tracked.modified());
    /// ```
    pub fn lock(&self) -> MutexGuard<'_, TrackedSession> {
        self.0
            .tracked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Reads the session (marks it accessed).
    ///
    /// ```
    /// let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// assert_eq!(session.with(|s| s.len()), 0);
    /// ```
    pub fn with<R>(&self, f: impl FnOnce(&Session) -> R) -> R {
        f(&self.lock())
    }

    /// Changes the session in place (marks it modified).
    ///
    /// ```
    /// let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// let n = session.modify(|s| { s.insert("visits", 1); s.len() });
    /// assert_eq!(n, 1);
    /// ```
    pub fn modify<R>(&self, f: impl FnOnce(&mut Session) -> R) -> R {
        f(self.lock().session_mut())
    }

    /// A copy of the value under `key`.
    ///
    /// ```
    /// # let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// assert!(session.get("user_id").is_none());
    /// ```
    pub fn get(&self, key: &str) -> Option<Value> {
        self.with(|s| s.get(key).cloned())
    }

    /// The value under `key` as your type (`Ok(None)` when absent); see
    /// [`Session::get_as`].
    ///
    /// ```
    /// # let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// session.insert("n", 5);
    /// assert_eq!(session.get_as::<u32>("n")?, Some(5));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn get_as<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        self.with(|s| s.get_as(key))
    }

    /// Sets `key`.
    ///
    /// ```
    /// # let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// session.insert("user_id", 42);
    /// ```
    pub fn insert(&self, key: impl AsRef<str>, value: impl Into<Value>) -> Option<Value> {
        self.modify(|s| s.insert(key, value))
    }

    /// Sets `key` to your type, tagged as Flask would write it; see
    /// [`Session::insert_as`].
    ///
    /// ```
    /// # let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// session.insert_as("cart", &vec![(1, 2)])?;
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn insert_as<T: Serialize + ?Sized>(
        &self,
        key: impl AsRef<str>,
        value: &T,
    ) -> Result<Option<Value>> {
        let value = crate::to_value(value)?;
        Ok(self.insert(key, value))
    }

    /// Removes `key` (marks the session modified, as Flask's `pop` does).
    ///
    /// ```
    /// # let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// assert!(session.remove("x").is_none());
    /// ```
    pub fn remove(&self, key: &str) -> Option<Value> {
        self.modify(|s| s.remove(key))
    }

    /// Empties the session: the response deletes the cookie (Flask's logout). A
    /// Flask-Session session keeps `_permanent`, as its `clear()` does
    /// ([`TrackedSession::clear_as_python`]); it is deleted from the store all the same.
    ///
    /// ```
    /// # let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// session.clear();
    /// ```
    pub fn clear(&self) {
        self.lock().clear_as_python();
    }

    /// `session.permanent`.
    ///
    /// ```
    /// # let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// assert!(!session.permanent());
    /// ```
    pub fn permanent(&self) -> bool {
        self.with(Session::permanent)
    }

    /// Sets `session.permanent`: the cookie gets `Expires` (now + lifetime).
    ///
    /// ```
    /// # let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// session.set_permanent(true);
    /// ```
    pub fn set_permanent(&self, permanent: bool) {
        self.modify(|s| s.set_permanent(permanent));
    }

    /// Flask's `flash(message)`.
    ///
    /// ```
    /// # let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// session.flash("Saved.");
    /// ```
    pub fn flash(&self, message: impl Into<String>) {
        self.modify(|s| s.flash(message));
    }

    /// Flask's `flash(message, category)`.
    ///
    /// ```
    /// # let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// session.flash_with_category("error", "Failed.");
    /// ```
    pub fn flash_with_category(&self, category: impl Into<String>, message: impl Into<String>) {
        self.modify(|s| s.flash_with_category(category, message));
    }

    /// Flask's `get_flashed_messages(with_categories=True)`: consumes them; see
    /// [`TrackedSession::take_flashes`].
    ///
    /// ```
    /// # let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// session.flash("Saved.");
    /// assert_eq!(session.take_flashes().len(), 1);
    /// assert!(session.take_flashes().is_empty());
    /// ```
    pub fn take_flashes(&self) -> Vec<(String, String)> {
        self.lock().take_flashes()
    }

    /// A copy of the whole session.
    ///
    /// ```
    /// # let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// assert!(session.snapshot().is_empty());
    /// ```
    pub fn snapshot(&self) -> Session {
        self.with(Session::clone)
    }

    /// The whole session as your type; see [`Session::read_as`].
    ///
    /// ```
    /// #[derive(serde::Deserialize)]
    /// struct Login { _user_id: Option<String> }
    /// # let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// assert!(session.read_as::<Login>()?._user_id.is_none());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn read_as<T: DeserializeOwned>(&self) -> Result<T> {
        self.with(Session::read_as)
    }

    /// Replaces the whole session with your type; see [`Session::write_as`].
    ///
    /// ```
    /// #[derive(serde::Serialize)]
    /// struct Login { _user_id: String }
    /// # let session = flask_session_cookie::session::FlaskSession::detached(Default::default());
    /// session.write_as(&Login { _user_id: "42".into() })?;
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn write_as<T: Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        self.modify(|s| s.write_as(value))
    }
}
