//! [`RedisStore`]: the [`SessionStore`] over one Redis (redis-rs's connection
//! manager, which reconnects by itself) or a Redis Cluster (redis-rs's async
//! cluster client), with the settings a deployment needs: `redis://` and
//! `rediss://` URLs (TLS with the `redis-tls` feature), ACL user and password, DB
//! index, connect and command timeouts. It connects lazily, on the first request,
//! and again after a failed attempt; [`RedisStore::connect`] connects at once (to
//! fail at start-up).
//!
//! Every operation is bounded: connecting by the connect timeout, each command by
//! the command timeout, and the whole operation by their sum, so a Redis that is
//! down or slow gives a [`Store`](crate::ErrorKind::Store) error in bounded time,
//! never a hang.
//!
//! ```no_run
//! use std::time::Duration;
//! use flask_session_cookie::store::redis::RedisStore;
//!
//! let single = RedisStore::new("redis://sessions:secret@10.0.0.5:6379/2")?
//!     .with_command_timeout(Duration::from_millis(250));
//! let cluster = RedisStore::cluster(["redis://10.0.0.7:7000", "redis://10.0.0.8:7000"])?;
//! # Ok::<(), flask_session_cookie::Error>(())
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClientBuilder;
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, ConnectionInfo, IntoConnectionInfo};
use tokio::sync::OnceCell;

use super::{SessionStore, StoreFuture};
use crate::error::{Error, Limit, Result};

/// A Redis or Redis Cluster session store. Cheap to clone: clones share one
/// connection (redis-rs multiplexes requests over it).
///
/// ```
/// use std::time::Duration;
/// use flask_session_cookie::store::{SessionStore, redis::RedisStore};
///
/// let store = RedisStore::new("redis://:hunter2@127.0.0.1:6379/3")?
///     .with_connect_timeout(Duration::from_secs(1));
/// // Nothing is connected yet, and the password is nowhere to be seen.
/// assert_eq!(store.name(), "redis://127.0.0.1:6379/3");
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Clone)]
pub struct RedisStore(Arc<Inner>);

struct Inner {
    target: Target,
    connect_timeout: Duration,
    command_timeout: Duration,
    /// PEM root certificates to trust for `rediss://` instead of the system's.
    #[cfg(feature = "redis-tls")]
    tls_roots: Option<Vec<u8>>,
    connection: OnceCell<Connection>,
}

#[allow(clippy::large_enum_variant)] // one per store, made once
#[derive(Clone)]
enum Target {
    Single(ConnectionInfo),
    Cluster(Vec<ConnectionInfo>),
}

#[derive(Clone)]
enum Connection {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("name", &self.name())
            .field("connect_timeout", &self.0.connect_timeout)
            .field("command_timeout", &self.0.command_timeout)
            .field("connected", &self.0.connection.initialized())
            .finish()
    }
}

/// Parses one Redis URL, naming what is wrong without repeating it (it may hold a
/// password).
fn parse_url(url: &str) -> Result<ConnectionInfo> {
    url.into_connection_info().map_err(|e| {
        Error::config(format!(
            "not a Redis URL ({}): expected redis://[user[:password]@]host[:port][/db] \
             or rediss://… for TLS",
            e.kind_description()
        ))
    })
}

trait KindDescription {
    fn kind_description(&self) -> String;
}

impl KindDescription for redis::RedisError {
    fn kind_description(&self) -> String {
        let detail = self.detail().unwrap_or_default();
        let category = self.category();
        if detail.is_empty() || detail.contains("://") {
            category.to_owned()
        } else {
            format!("{category}: {detail}")
        }
    }
}

/// The address part of a connection's description: host and port (or socket
/// path) and the DB, never the user or password.
fn describe(info: &ConnectionInfo) -> String {
    let db = info.redis_settings().db();
    match info.addr() {
        redis::ConnectionAddr::Tcp(host, port) => format!("redis://{host}:{port}/{db}"),
        redis::ConnectionAddr::TcpTls { host, port, .. } => {
            format!("rediss://{host}:{port}/{db}")
        }
        redis::ConnectionAddr::Unix(path) => format!("redis+unix://{}?db={db}", path.display()),
        _ => format!("redis (db {db})"),
    }
}

impl RedisStore {
    /// The default time to open a connection: 2 seconds.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
    /// The default time for one command's answer: 1 second.
    pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(1);

    /// A store on one Redis, from a URL as redis-py's `Redis.from_url` takes it:
    /// `redis://[user[:password]@]host[:port][/db]`, `rediss://…` for TLS (with the
    /// `redis-tls` feature), `redis+unix:///path?db=N`. Nothing is connected
    /// yet. A URL that is not one fails with a
    /// [`Config`](crate::ErrorKind::Config) error.
    ///
    /// ```
    /// use flask_session_cookie::store::{SessionStore, redis::RedisStore};
    /// assert_eq!(RedisStore::new("redis://localhost")?.name(), "redis://localhost:6379/0");
    /// assert!(RedisStore::new("http://localhost").is_err());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(url: &str) -> Result<Self> {
        Ok(RedisStore::with_target(Target::Single(parse_url(url)?)))
    }

    /// A store on a Redis Cluster, from the URLs of some of its nodes (the client
    /// finds the others and follows the cluster's slot map, `MOVED` and `ASK`).
    /// Credentials and TLS come from the URLs (the first one's credentials are
    /// used for every node); a cluster has no DB index.
    ///
    /// ```
    /// use flask_session_cookie::store::{SessionStore, redis::RedisStore};
    /// let store = RedisStore::cluster(["redis://127.0.0.1:7000", "redis://127.0.0.1:7001"])?;
    /// assert_eq!(store.name(), "redis cluster [redis://127.0.0.1:7000/0, redis://127.0.0.1:7001/0]");
    /// assert!(RedisStore::cluster(Vec::<&str>::new()).is_err());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn cluster<'u>(nodes: impl IntoIterator<Item = &'u str>) -> Result<Self> {
        let nodes = nodes
            .into_iter()
            .map(parse_url)
            .collect::<Result<Vec<_>>>()?;
        if nodes.is_empty() {
            return Err(Error::config(
                "a Redis Cluster store needs the URL of at least one node",
            ));
        }
        Ok(RedisStore::with_target(Target::Cluster(nodes)))
    }

    fn with_target(target: Target) -> Self {
        RedisStore(Arc::new(Inner {
            target,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            command_timeout: Self::DEFAULT_COMMAND_TIMEOUT,
            #[cfg(feature = "redis-tls")]
            tls_roots: None,
            connection: OnceCell::new(),
        }))
    }

    fn change(self, f: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = Inner {
            target: self.0.target.clone(),
            connect_timeout: self.0.connect_timeout,
            command_timeout: self.0.command_timeout,
            #[cfg(feature = "redis-tls")]
            tls_roots: self.0.tls_roots.clone(),
            connection: OnceCell::new(),
        };
        f(&mut inner);
        RedisStore(Arc::new(inner))
    }

    /// The time to open a connection before the operation fails
    /// ([`DEFAULT_CONNECT_TIMEOUT`](Self::DEFAULT_CONNECT_TIMEOUT) unless set).
    /// The result is a new store, not connected.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let store = flask_session_cookie::store::redis::RedisStore::new("redis://localhost")?
    ///     .with_connect_timeout(Duration::from_millis(500));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_connect_timeout(self, timeout: Duration) -> Self {
        self.change(|i| i.connect_timeout = timeout)
    }

    /// The time to wait for one command's answer before the operation fails
    /// ([`DEFAULT_COMMAND_TIMEOUT`](Self::DEFAULT_COMMAND_TIMEOUT) unless set).
    /// The result is a new store, not connected.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let store = flask_session_cookie::store::redis::RedisStore::new("redis://localhost")?
    ///     .with_command_timeout(Duration::from_millis(100));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_command_timeout(self, timeout: Duration) -> Self {
        self.change(|i| i.command_timeout = timeout)
    }

    /// Uses this DB index (`SELECT`), in place of the URL's. A cluster has only
    /// DB 0: asking another fails with a [`Config`](crate::ErrorKind::Config)
    /// error.
    ///
    /// ```
    /// use flask_session_cookie::store::{SessionStore, redis::RedisStore};
    /// assert_eq!(RedisStore::new("redis://localhost")?.with_db(4)?.name(), "redis://localhost:6379/4");
    /// assert!(RedisStore::cluster(["redis://localhost:7000"])?.with_db(1).is_err());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn with_db(self, db: i64) -> Result<Self> {
        if matches!(self.0.target, Target::Cluster(_)) && db != 0 {
            return Err(Error::config("a Redis Cluster has no DB index but 0"));
        }
        Ok(self.change(|i| {
            if let Target::Single(info) = &mut i.target {
                let settings = info.redis_settings().clone().set_db(db);
                *info = info.clone().set_redis_settings(settings);
            }
        }))
    }

    /// Authenticates as this ACL user with this password (Redis 6+ `AUTH user
    /// pass`; user `default` for a `requirepass` server), in place of the URL's.
    ///
    /// ```
    /// let store = flask_session_cookie::store::redis::RedisStore::new("redis://localhost")?
    ///     .with_credentials("sessions", "s3cret");
    /// assert!(!format!("{store:?}").contains("s3cret"));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_credentials(self, user: &str, password: &str) -> Self {
        let set = |info: &mut ConnectionInfo| {
            let settings = info
                .redis_settings()
                .clone()
                .set_username(user)
                .set_password(password);
            *info = info.clone().set_redis_settings(settings);
        };
        self.change(|i| match &mut i.target {
            Target::Single(info) => set(info),
            Target::Cluster(nodes) => nodes.iter_mut().for_each(set),
        })
    }

    /// Trusts these root certificates (PEM, one or more) for `rediss://` instead of
    /// the system's: a Redis whose certificate an internal CA signed. The result is
    /// a new store, not connected.
    ///
    /// ```
    /// let ca = b"-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n";
    /// let store = flask_session_cookie::store::redis::RedisStore::new("rediss://redis.internal:6380")?
    ///     .with_root_certificates(ca);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[cfg(feature = "redis-tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "redis-tls")))]
    #[must_use]
    pub fn with_root_certificates(self, pem: &[u8]) -> Self {
        let pem = pem.to_vec();
        self.change(|i| i.tls_roots = Some(pem))
    }

    /// Connects now (it would on the first request otherwise), so that a service
    /// can refuse to start without its store. Fails with a
    /// [`Store`](crate::ErrorKind::Store) error naming the cause.
    ///
    /// ```no_run
    /// # async fn start() -> Result<(), flask_session_cookie::Error> {
    /// let store = flask_session_cookie::store::redis::RedisStore::new("redis://127.0.0.1")?;
    /// store.connect().await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(&self) -> Result<()> {
        self.connection().await.map(|_| ())
    }

    async fn connection(&self) -> Result<Connection> {
        let inner = &*self.0;
        let connect = inner.connection.get_or_try_init(|| async {
            match &inner.target {
                Target::Single(info) => {
                    #[cfg(feature = "redis-tls")]
                    let client = match inner.tls_certificates() {
                        Some(certs) => redis::Client::build_with_tls(info.clone(), certs),
                        None => redis::Client::open(info.clone()),
                    };
                    #[cfg(not(feature = "redis-tls"))]
                    let client = redis::Client::open(info.clone());
                    let client = client.map_err(|e| self.failed("connecting", &e, ""))?;
                    let config = ConnectionManagerConfig::new()
                        .set_connection_timeout(Some(inner.connect_timeout))
                        .set_response_timeout(Some(inner.command_timeout))
                        .set_number_of_retries(1)
                        .set_max_delay(inner.connect_timeout);
                    let manager = ConnectionManager::new_with_config(client, config)
                        .await
                        .map_err(|e| self.failed("connecting", &e, ""))?;
                    Ok(Connection::Single(manager))
                }
                Target::Cluster(nodes) => {
                    let builder = ClusterClientBuilder::new(nodes.clone())
                        .connection_timeout(inner.connect_timeout)
                        .response_timeout(inner.command_timeout)
                        .retries(1);
                    #[cfg(feature = "redis-tls")]
                    let builder = match inner.tls_certificates() {
                        Some(certs) => builder.certs(certs),
                        None => builder,
                    };
                    let client = builder
                        .build()
                        .map_err(|e| self.failed("connecting", &e, ""))?;
                    let connection = client
                        .get_async_connection()
                        .await
                        .map_err(|e| self.failed("connecting", &e, ""))?;
                    Ok(Connection::Cluster(connection))
                }
            }
        });
        match tokio::time::timeout(inner.connect_timeout.saturating_mul(2), connect).await {
            Ok(connection) => connection.cloned(),
            Err(_) => Err(Error::store(format!(
                "connecting to {} timed out after {:?}",
                self.name(),
                inner.connect_timeout.saturating_mul(2)
            ))),
        }
    }

    /// A Redis error as ours, without the key (`key` is removed from the text,
    /// should the server have echoed it).
    fn failed(&self, doing: &str, error: &redis::RedisError, key: &str) -> Error {
        let mut text = error.kind_description();
        if !key.is_empty() {
            text = text.replace(key, "<key>");
        }
        let hint = if error.is_connection_refusal() || error.is_io_error() {
            " (is Redis running there and reachable?)"
        } else if error.is_timeout() {
            " (Redis is slow or unreachable: see RedisStore::with_command_timeout)"
        } else {
            ""
        };
        Error::store(format!("{doing} on {} failed: {text}{hint}", self.name()))
    }

    /// Runs one command under the whole-operation bound.
    async fn run<T: redis::FromRedisValue>(
        &self,
        doing: &str,
        key: &str,
        command: &Cmd,
    ) -> Result<T> {
        let bound = self
            .0
            .connect_timeout
            .saturating_mul(2)
            .saturating_add(self.0.command_timeout);
        let work = async {
            let mut connection = self.connection().await?;
            let answer = match &mut connection {
                Connection::Single(c) => command.query_async(c).await,
                Connection::Cluster(c) => command.query_async(c).await,
            };
            answer.map_err(|e| self.failed(doing, &e, key))
        };
        match tokio::time::timeout(bound, work).await {
            Ok(answer) => answer,
            Err(_) => Err(Error::store(format!(
                "{doing} on {} gave no answer within {bound:?}",
                self.name()
            ))),
        }
    }
}

impl Inner {
    /// The root certificates of [`RedisStore::with_root_certificates`], if set.
    #[cfg(feature = "redis-tls")]
    fn tls_certificates(&self) -> Option<redis::TlsCertificates> {
        self.tls_roots.as_ref().map(|pem| redis::TlsCertificates {
            client_tls: None,
            root_cert: Some(pem.clone()),
        })
    }
}

impl SessionStore for RedisStore {
    fn get<'a>(&'a self, key: &'a str, max_len: usize) -> StoreFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            // At most max_len + 1 bytes (GETRANGE's end is inclusive), so a huge value
            // is never read whole: more than max_len bytes back means too long.
            let end = isize::try_from(max_len).unwrap_or(isize::MAX);
            let mut cmd = redis::cmd("GETRANGE");
            cmd.arg(key).arg(0).arg(end);
            let value: Vec<u8> = self.run("GET", key, &cmd).await?;
            if value.len() > max_len {
                // Its whole length, for the message only (a refusal is rare).
                let mut strlen = redis::cmd("STRLEN");
                strlen.arg(key);
                let len = self.run::<u64>("STRLEN", key, &strlen).await.unwrap_or(0);
                return Err(Error::limit(
                    Limit::StoredLength,
                    format!(
                        "the stored session is {} bytes, more than the {max_len} allowed \
                         (Limits::with_max_stored_len); it is left as it is",
                        len.max(u64::try_from(value.len()).unwrap_or(u64::MAX))
                    ),
                ));
            }
            // Redis answers a missing key as an empty string, and Flask-Session
            // treats an empty value as none.
            Ok((!value.is_empty()).then_some(value))
        })
    }

    fn set<'a>(&'a self, key: &'a str, value: &'a [u8], ttl: u64) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut cmd = redis::cmd("SET");
            cmd.arg(key).arg(value).arg("EX").arg(ttl);
            self.run::<()>("SET", key, &cmd).await
        })
    }

    fn expire<'a>(&'a self, key: &'a str, ttl: u64) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut cmd = redis::cmd("EXPIRE");
            cmd.arg(key).arg(ttl);
            self.run::<i64>("EXPIRE", key, &cmd).await.map(|n| n == 1)
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut cmd = redis::cmd("DEL");
            cmd.arg(key);
            self.run::<i64>("DEL", key, &cmd).await.map(|_| ())
        })
    }

    fn name(&self) -> String {
        match &self.0.target {
            Target::Single(info) => describe(info),
            Target::Cluster(nodes) => format!(
                "redis cluster [{}]",
                nodes.iter().map(describe).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}
