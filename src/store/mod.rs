//! Where server-side sessions live: the [`SessionStore`] interface (get, set with a
//! TTL, renew a TTL, delete: what Flask-Session and Quart-Session ask of Redis),
//! and with the `redis` feature its Redis and Redis Cluster implementation
//! (`store::redis::RedisStore`).
//!
//! The interface is async and object-safe, so the session cycle holds an
//! `Arc<dyn SessionStore>` and stays non-generic. A store knows nothing of sessions:
//! it moves bytes under keys. [`ServerSide`](crate::flask_session::ServerSide) puts
//! Flask-Session's rules on top of it.
//!
//! Keys are bearer credentials (the prefix and the session id): an implementation
//! never puts them in errors or logs.
//!
//! ```
//! use std::collections::HashMap;
//! use std::sync::Mutex;
//! use flask_session_cookie::store::{SessionStore, StoreFuture};
//!
//! /// A store in a map, without TTLs (a sketch: one process, never expiring).
//! #[derive(Debug, Default)]
//! struct MapStore(Mutex<HashMap<String, Vec<u8>>>);
//!
//! impl SessionStore for MapStore {
//!     fn get<'a>(&'a self, key: &'a str, _max_len: usize) -> StoreFuture<'a, Option<Vec<u8>>> {
//!         let value = self.0.lock().unwrap().get(key).cloned();
//!         Box::pin(async move { Ok(value) })
//!     }
//!     fn set<'a>(&'a self, key: &'a str, value: &'a [u8], _ttl: u64) -> StoreFuture<'a, ()> {
//!         self.0.lock().unwrap().insert(key.to_owned(), value.to_vec());
//!         Box::pin(async { Ok(()) })
//!     }
//!     fn expire<'a>(&'a self, key: &'a str, _ttl: u64) -> StoreFuture<'a, bool> {
//!         let there = self.0.lock().unwrap().contains_key(key);
//!         Box::pin(async move { Ok(there) })
//!     }
//!     fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
//!         self.0.lock().unwrap().remove(key);
//!         Box::pin(async { Ok(()) })
//!     }
//!     fn name(&self) -> String {
//!         "a map in this process".to_owned()
//!     }
//! }
//! ```

#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub mod redis;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::error::Result;

/// What a [`SessionStore`] method returns: a boxed future (so the trait is
/// object-safe), `Send` so that it runs on any executor thread.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// A key-value store with expiry, as server-side sessions need it. Errors are
/// [`Store`](crate::ErrorKind::Store) errors (unreachable, timed out, refused) or,
/// from [`get`](SessionStore::get), a
/// [`LimitExceeded`](crate::ErrorKind::LimitExceeded) error for a value over the
/// length asked for. No error and no log line holds a key.
///
/// See the [module documentation](self) for an implementation.
pub trait SessionStore: Send + Sync + fmt::Debug {
    /// The value under `key` (`None` when there is none), failing with a
    /// [`LimitExceeded`](crate::ErrorKind::LimitExceeded) error, without reading it
    /// whole, when it is longer than `max_len` bytes.
    fn get<'a>(&'a self, key: &'a str, max_len: usize) -> StoreFuture<'a, Option<Vec<u8>>>;

    /// Stores `value` under `key` for `ttl` seconds (Redis `SET key value EX ttl`),
    /// replacing what was there.
    fn set<'a>(&'a self, key: &'a str, value: &'a [u8], ttl: u64) -> StoreFuture<'a, ()>;

    /// Gives `key` a new TTL of `ttl` seconds if it is still there (Redis `EXPIRE`);
    /// whether it was.
    fn expire<'a>(&'a self, key: &'a str, ttl: u64) -> StoreFuture<'a, bool>;

    /// Deletes `key` (Redis `DEL`); deleting a missing key is no error.
    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()>;

    /// Names the store for logs and for telling two configurations apart (a URL
    /// without its password, say): never a secret.
    fn name(&self) -> String;
}
