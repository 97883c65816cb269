//! The one error type of the crate.

use std::fmt;

/// Why a cookie or token was rejected, or why a value could not be encoded.
///
/// The kinds mirror itsdangerous' exception classes so that code ported from
/// Python maps one to one; [`Error::is_bad_signature`] answers the question
/// Flask asks (`except BadSignature`: treat the session as empty).
///
/// ```
/// use flask_session_cookie::{ErrorKind, SessionCodec};
///
/// let codec = SessionCodec::new("dev-secret")?;
/// let err = codec.decode("eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.sMoyEzU2dlrtSHXvXm8qA2jAnjs").unwrap_err();
/// assert_eq!(err.kind(), &ErrorKind::BadSignature);
/// assert!(err.is_bad_signature());
/// assert_eq!(err.to_string(), "bad signature: the signature does not match any secret key");
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug)]
pub struct Error(Box<Inner>);

/// Boxed so that `Result<Value, Error>` stays small on the hot path.
#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    detail: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    /// How many leading bytes of `detail` are the path of the value that failed
    /// (`cart[2].1`), put there as a typed read unwinds.
    path_len: usize,
}

/// What kind of problem an [`Error`] reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The signature does not match any of the secret keys (itsdangerous `BadSignature`).
    BadSignature,
    /// The signature matched but the timestamp part cannot be read (itsdangerous
    /// `BadTimeSignature`, "Malformed timestamp").
    BadTimeSignature,
    /// The signature matched but the token is older than `max_age`, or dated in the
    /// future (itsdangerous `SignatureExpired`).
    Expired {
        /// `now - signed_at` in seconds; negative when the token is dated in the future.
        age: i64,
        /// The `max_age` the token was checked against, in seconds.
        max_age: u64,
        /// When the token was signed, in Unix seconds.
        signed_at: i64,
    },
    /// The signature matched but the payload cannot be decoded (itsdangerous `BadPayload`).
    /// Flask answers such a cookie with HTTP 500.
    BadPayload(PayloadStage),
    /// The input is not shaped like a token at all: empty, missing parts, characters
    /// outside the base64url alphabet, a signature of the wrong encoding.
    /// itsdangerous reports these as `BadSignature`.
    Malformed,
    /// A configured limit was exceeded (see [`Limits`](crate::Limits)).
    LimitExceeded(Limit),
    /// A value cannot be written the way Flask would write it (Python would raise too,
    /// or the value has no Python equivalent).
    Unencodable,
    /// The configuration is invalid (an empty key list, a separator inside the base64 alphabet).
    Config,
    /// The server-side session store failed: unreachable, timed out, or it refused
    /// a command. Framework glue answers HTTP 503.
    Store,
}

/// Which step of payload decoding failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PayloadStage {
    /// The payload is not valid unpadded base64url.
    Base64,
    /// The payload starts with `.` but is not a valid zlib stream.
    Zlib,
    /// The decoded bytes are not valid UTF-8.
    Utf8,
    /// The text is not JSON as Python's `json.loads` reads it.
    Json,
    /// A Flask type tag (` t`, ` b`, ` m`, ` u`, ` d`, ` di`) holds a value it cannot hold.
    Tag,
    /// The top-level value cannot become a session (Flask's `dict(data)` would fail).
    NotADict,
    /// The value does not fit the requested Rust type (typed decoding).
    Type,
    /// A stored value is not msgpack as msgspec reads it.
    Msgpack,
    /// A stored value is not a pickle this crate reads (or holds a global it does not
    /// recognise).
    Pickle,
    /// A stored value holds what a session cannot (a dict key that is not a `str`, a
    /// msgpack extension type msgspec does not turn into a value).
    Value,
}

/// Which limit was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// The cookie text is longer than [`Limits::max_cookie_len`](crate::Limits::max_cookie_len).
    CookieLength,
    /// The payload inflates past [`Limits::max_inflated_len`](crate::Limits::max_inflated_len).
    InflatedSize,
    /// JSON nesting is deeper than [`Limits::max_depth`](crate::Limits::max_depth).
    Depth,
    /// An integer has more digits than [`Limits::max_int_digits`](crate::Limits::max_int_digits).
    IntegerDigits,
    /// The payload holds more values than [`Limits::max_items`](crate::Limits::max_items).
    Items,
    /// A stored session value is longer than
    /// [`Limits::max_stored_len`](crate::Limits::max_stored_len).
    StoredLength,
}

impl PayloadStage {
    fn describe(self) -> &'static str {
        match self {
            PayloadStage::Base64 => "base64",
            PayloadStage::Zlib => "zlib",
            PayloadStage::Utf8 => "utf-8",
            PayloadStage::Json => "json",
            PayloadStage::Tag => "tag",
            PayloadStage::NotADict => "not a dict",
            PayloadStage::Type => "type",
            PayloadStage::Msgpack => "msgpack",
            PayloadStage::Pickle => "pickle",
            PayloadStage::Value => "value",
        }
    }
}

impl Limit {
    fn describe(self) -> &'static str {
        match self {
            Limit::CookieLength => "cookie length",
            Limit::InflatedSize => "inflated size",
            Limit::Depth => "nesting depth",
            Limit::IntegerDigits => "integer digits",
            Limit::Items => "values",
            Limit::StoredLength => "stored value length",
        }
    }
}

impl fmt::Display for PayloadStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// The longest detail an error keeps, in bytes: messages serde makes of a value
/// (`invalid type: string "..."`) would otherwise carry a whole hostile string.
const MAX_DETAIL: usize = 300;

impl Error {
    pub(crate) fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        let mut detail = detail.into();
        if detail.len() > MAX_DETAIL {
            let mut cut = MAX_DETAIL;
            while !detail.is_char_boundary(cut) {
                cut -= 1;
            }
            let more = detail.len() - cut;
            detail.truncate(cut);
            detail.push_str(&format!("... ({more} more bytes)"));
        }
        Error(Box::new(Inner {
            kind,
            detail,
            source: None,
            path_len: 0,
        }))
    }

    /// Puts `segment` in front of the path the detail starts with (typed reading:
    /// `cart[2].1: invalid type: ...`).
    fn at(mut self, segment: &str) -> Self {
        let inner = &mut *self.0;
        let sep = if inner.path_len == 0 {
            ": "
        } else if inner.detail.starts_with(['[', '.']) {
            ""
        } else {
            "."
        };
        inner.detail = format!("{segment}{sep}{}", inner.detail);
        inner.path_len += segment.len() + if sep == "." { 1 } else { 0 };
        self
    }

    /// The error of a dict's value under `key`: its path gains `key` (or `["key"]`
    /// when the key is not a plain name).
    pub(crate) fn at_key(self, key: &str) -> Self {
        let plain = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        if plain {
            self.at(key)
        } else {
            self.at(&format!("[{key:?}]"))
        }
    }

    /// The error of item `i` of a list (`[i]`) or a tuple (`.i`).
    pub(crate) fn at_index(self, i: usize, tuple: bool) -> Self {
        if tuple {
            self.at(&format!(".{i}"))
        } else {
            self.at(&format!("[{i}]"))
        }
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// Appends the likely cause to the detail (kept whole, beyond the usual cap).
    pub(crate) fn with_hint(mut self, hint: &str) -> Self {
        self.0.detail.push_str("; ");
        self.0.detail.push_str(hint);
        self
    }

    pub(crate) fn bad_signature() -> Self {
        Error::new(
            ErrorKind::BadSignature,
            "the signature does not match any secret key",
        )
    }

    pub(crate) fn bad_signature_because(detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::BadSignature, detail)
    }

    pub(crate) fn malformed(detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::Malformed, detail)
    }

    pub(crate) fn payload(stage: PayloadStage, detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::BadPayload(stage), detail)
    }

    pub(crate) fn limit(limit: Limit, detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::LimitExceeded(limit), detail)
    }

    pub(crate) fn unencodable(detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::Unencodable, detail)
    }

    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn store(detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::Store, detail)
    }

    pub(crate) fn config(detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, detail)
    }

    /// What kind of problem this is.
    ///
    /// ```
    /// use flask_session_cookie::{ErrorKind, SessionCodec};
    ///
    /// let codec = SessionCodec::new("dev-secret")?;
    /// assert_eq!(codec.decode("").unwrap_err().kind(), &ErrorKind::Malformed);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The human-readable detail, without the kind prefix that `Display` adds.
    ///
    /// ```
    /// use flask_session_cookie::SessionCodec;
    ///
    /// let codec = SessionCodec::new("dev-secret")?;
    /// let err = codec.decode("no-dots-here").unwrap_err();
    /// assert_eq!(err.detail(), "no '.' separator found in the value");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn detail(&self) -> &str {
        &self.0.detail
    }

    /// A short, stable, lowercase name for the kind: `signature`, `timestamp`,
    /// `expired`, `payload`, `malformed`, `limit`, `unencodable` or `config`.
    /// The command-line tool prints it as `error: <name>: <detail>`.
    ///
    /// ```
    /// use flask_session_cookie::SessionCodec;
    ///
    /// let codec = SessionCodec::new("dev-secret")?;
    /// assert_eq!(codec.decode("a.b").unwrap_err().kind_name(), "malformed");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn kind_name(&self) -> &'static str {
        match self.0.kind {
            ErrorKind::BadSignature => "signature",
            ErrorKind::BadTimeSignature => "timestamp",
            ErrorKind::Expired { .. } => "expired",
            ErrorKind::BadPayload(_) => "payload",
            ErrorKind::Malformed => "malformed",
            ErrorKind::LimitExceeded(_) => "limit",
            ErrorKind::Unencodable => "unencodable",
            ErrorKind::Config => "config",
            ErrorKind::Store => "store",
        }
    }

    /// `true` when the token could not be shown to be authentic and current:
    /// a bad signature, a bad timestamp, an expired token, a malformed token, or a
    /// cookie over the length limit (checked before the signature).
    ///
    /// This is the set Flask catches as `BadSignature` and answers with an empty
    /// session. A verified cookie whose payload cannot be decoded is *not* in it:
    /// Flask answers that with HTTP 500.
    ///
    /// ```
    /// use flask_session_cookie::SessionCodec;
    ///
    /// let codec = SessionCodec::new("dev-secret")?;
    /// assert!(codec.decode("garbage").unwrap_err().is_bad_signature());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn is_bad_signature(&self) -> bool {
        matches!(
            self.0.kind,
            ErrorKind::BadSignature
                | ErrorKind::BadTimeSignature
                | ErrorKind::Expired { .. }
                | ErrorKind::Malformed
                | ErrorKind::LimitExceeded(Limit::CookieLength)
        )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::BadSignature => f.write_str("bad signature"),
            ErrorKind::BadTimeSignature => f.write_str("bad timestamp"),
            ErrorKind::Expired { .. } => f.write_str("signature expired"),
            ErrorKind::BadPayload(stage) => write!(f, "bad payload ({stage})"),
            ErrorKind::Malformed => f.write_str("malformed token"),
            ErrorKind::LimitExceeded(limit) => write!(f, "limit exceeded ({limit})"),
            ErrorKind::Unencodable => f.write_str("cannot encode"),
            ErrorKind::Config => f.write_str("invalid configuration"),
            ErrorKind::Store => f.write_str("session store failed"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.kind, self.0.detail)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl serde::ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::unencodable(msg.to_string())
    }
}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::payload(PayloadStage::Type, msg.to_string())
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
