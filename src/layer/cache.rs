//! The session cycle's cache of verified cookies: browsers send the same cookie until
//! it changes, so a cookie verified once need not be verified, inflated and parsed
//! again. A cookie is cached on its second sighting (the first records a hash), so
//! a cookie seen once, such as the one a modifying request replaces, costs no copy.
//! Keyed by the cookie's exact text; an entry holds what decoding it gave
//! (never a session a handler modified), the signing time (the age is checked
//! against `max_age` on every hit), the key that verified it, and whether its
//! payload is the one Flask would write for that session (known after its first
//! refresh), which lets an unmodified permanent session be refreshed by re-signing.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::BuildHasher as _;
use std::sync::{Arc, Mutex, PoisonError};

use crate::itsdangerous::KeyUsed;
use crate::session::Session;
use crate::value::Value;

/// The bounds of the verified-cookie cache: entries and (estimated) bytes. Past
/// either, the oldest entries go. [`CookieCache::off`] turns it off.
///
/// ```
/// use flask_session_cookie::layer::CookieCache;
/// let cache = CookieCache::new().with_max_entries(1_000).with_max_bytes(4 << 20);
/// assert_eq!((cache.max_entries(), cache.max_bytes()), (1_000, 4 << 20));
/// assert_eq!(CookieCache::off().max_entries(), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieCache {
    max_entries: usize,
    max_bytes: usize,
}

impl Default for CookieCache {
    fn default() -> Self {
        Self::new()
    }
}

impl CookieCache {
    /// The defaults: 10,000 cookies and 16 MiB (counted as the cookie's text plus an
    /// estimate of its session's memory).
    pub const fn new() -> Self {
        CookieCache {
            max_entries: 10_000,
            max_bytes: 16 << 20,
        }
    }

    /// No cache: every request verifies and decodes its cookie.
    pub const fn off() -> Self {
        CookieCache {
            max_entries: 0,
            max_bytes: 0,
        }
    }

    /// At most this many cookies.
    #[must_use]
    pub const fn with_max_entries(mut self, entries: usize) -> Self {
        self.max_entries = entries;
        self
    }

    /// At most this many (estimated) bytes.
    #[must_use]
    pub const fn with_max_bytes(mut self, bytes: usize) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// See [`with_max_entries`](CookieCache::with_max_entries).
    pub const fn max_entries(&self) -> usize {
        self.max_entries
    }

    /// See [`with_max_bytes`](CookieCache::with_max_bytes).
    pub const fn max_bytes(&self) -> usize {
        self.max_bytes
    }
}

/// A cached verified cookie.
#[derive(Debug, Clone)]
pub(crate) struct Verified {
    pub(crate) session: Session,
    pub(crate) timestamp: Option<i64>,
    pub(crate) key: KeyUsed,
    /// Whether the payload is the one Flask writes for `session` (`None`: not yet
    /// known).
    pub(crate) canonical: Option<bool>,
}

#[derive(Debug, Default)]
struct Inner {
    map: HashMap<Arc<str>, (Verified, usize)>,
    order: VecDeque<Arc<str>>,
    bytes: usize,
    /// Hashes of cookies seen once: a cookie is cached when it comes back (a
    /// browser resending it), so that a request whose cookie is never seen again (the
    /// one a modifying request replaces) pays a hash, not a copy of its session.
    seen: HashSet<u64>,
}

/// The cache itself, shared by the clones of a cycle.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    limits: Option<CookieCache>,
    inner: Mutex<Inner>,
    hasher: std::collections::hash_map::RandomState,
}

/// An estimate of what a session's dict holds in memory.
fn estimate_dict(d: &crate::value::Dict) -> usize {
    48 + d
        .iter()
        .map(|(k, v)| 48 + k.len() + estimate(v))
        .sum::<usize>()
}

/// An estimate of what a value holds in memory: its strings and a node's size per
/// value.
fn estimate(value: &Value) -> usize {
    const NODE: usize = 48;
    match value {
        Value::Str(s) | Value::Markup(s) => NODE + s.len(),
        Value::Bytes(b) => NODE + b.len(),
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => {
            NODE + items.iter().map(estimate).sum::<usize>()
        }
        Value::Dict(d) => estimate_dict(d),
        _ => NODE,
    }
}

impl Cache {
    pub(crate) fn new(limits: CookieCache) -> Self {
        Cache {
            limits: (limits.max_entries > 0 && limits.max_bytes > 0).then_some(limits),
            inner: Mutex::default(),
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the cache is on.
    pub(crate) fn enabled(&self) -> bool {
        self.limits.is_some()
    }

    /// Whether a verified `cookie` should be cached now: on its second sighting.
    /// The first only records its hash (at most `max_entries` of them, then they
    /// start over).
    pub(crate) fn wants(&self, cookie: &str) -> bool {
        let Some(limits) = self.limits else {
            return false;
        };
        let hash = self.hasher.hash_one(cookie);
        let mut inner = self.lock();
        if inner.seen.remove(&hash) {
            return true;
        }
        if inner.seen.len() >= limits.max_entries {
            inner.seen.clear();
        }
        inner.seen.insert(hash);
        false
    }

    /// What verifying `cookie` gave, if it is cached.
    pub(crate) fn get(&self, cookie: &str) -> Option<Verified> {
        self.limits?;
        self.lock().map.get(cookie).map(|(v, _)| v.clone())
    }

    /// Forgets `cookie` (it expired).
    pub(crate) fn remove(&self, cookie: &str) {
        let mut inner = self.lock();
        if let Some((_, bytes)) = inner.map.remove(cookie) {
            inner.bytes -= bytes;
            inner.order.retain(|k| &**k != cookie);
        }
    }

    /// Remembers what verifying `cookie` gave, dropping the oldest entries past the
    /// bounds.
    pub(crate) fn insert(&self, cookie: &str, verified: Verified) {
        let Some(limits) = self.limits else {
            return;
        };
        let bytes = cookie.len() + estimate_dict(verified.session.as_dict());
        if bytes > limits.max_bytes {
            return;
        }
        let mut inner = self.lock();
        if let Some(old) = inner.map.get_mut(cookie) {
            old.0 = verified;
            return;
        }
        while inner.map.len() >= limits.max_entries || inner.bytes + bytes > limits.max_bytes {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some((_, b)) = inner.map.remove(&oldest) {
                inner.bytes -= b;
            }
        }
        let key: Arc<str> = Arc::from(cookie);
        inner.order.push_back(Arc::clone(&key));
        inner.bytes += bytes;
        inner.map.insert(key, (verified, bytes));
    }

    /// The entries and estimated bytes held now.
    pub(crate) fn usage(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.map.len(), inner.bytes)
    }
}
