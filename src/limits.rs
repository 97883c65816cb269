//! Resource limits for decoding untrusted input.

/// Limits applied while decoding (and, for depth and integer digits, encoding).
///
/// Each limit has its own [`Limit`](crate::error::Limit) in the
/// [`LimitExceeded`](crate::ErrorKind::LimitExceeded) error. The defaults are generous
/// for real sessions (browsers keep cookies under 4 KB) and small enough that no
/// cookie can make a service spend more than a few milliseconds or megabytes on it.
///
/// ```
/// use flask_session_cookie::Limits;
///
/// let limits = Limits::new().with_max_cookie_len(4096).with_max_depth(32);
/// assert_eq!(limits.max_cookie_len(), 4096);
/// assert_eq!(limits.max_inflated_len(), Limits::DEFAULT_MAX_INFLATED_LEN);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    max_cookie_len: usize,
    max_inflated_len: usize,
    max_depth: usize,
    max_int_digits: usize,
    max_items: usize,
    max_stored_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits::new()
    }
}

impl Limits {
    /// Default [`max_cookie_len`](Limits::max_cookie_len): 16 KiB, four times what a
    /// browser stores for one cookie.
    pub const DEFAULT_MAX_COOKIE_LEN: usize = 16 * 1024;
    /// Default [`max_inflated_len`](Limits::max_inflated_len): 256 KiB, 64 times the
    /// 4 KB a browser keeps of one cookie.
    pub const DEFAULT_MAX_INFLATED_LEN: usize = 256 * 1024;
    /// Default [`max_depth`](Limits::max_depth): 128 nested lists or dicts, serde_json's
    /// recursion limit. Typed reading goes through serde, which recurses once per
    /// level (as does dropping a [`Value`](crate::Value)), and 128 levels stay far
    /// from the end of a 2 MiB thread stack in a debug build. CPython's `json` reads
    /// up to about 990; a session nested that deep is refused here.
    pub const DEFAULT_MAX_DEPTH: usize = 128;
    /// Default [`max_int_digits`](Limits::max_int_digits): 4300, CPython's
    /// `sys.int_info.default_max_str_digits`.
    pub const DEFAULT_MAX_INT_DIGITS: usize = 4300;
    /// Default [`max_items`](Limits::max_items): 10,000 values.
    pub const DEFAULT_MAX_ITEMS: usize = 10_000;
    /// Default [`max_stored_len`](Limits::max_stored_len): 1 MiB. A server-side
    /// session is not bound by a browser's 4 KB; those seen in practice hold a login,
    /// a CSRF token, flashes and a cart, a few KB. 1 MiB leaves room for a hundred
    /// times that while bounding what one hostile or corrupted value can cost
    /// (Redis itself takes values up to 512 MB).
    pub const DEFAULT_MAX_STORED_LEN: usize = 1024 * 1024;
    /// [`max_items`](Limits::max_items) in [`server_side`](Limits::server_side):
    /// 100,000 values, the tenfold of a cookie's, for values up to 1 MiB.
    pub const SERVER_SIDE_MAX_ITEMS: usize = 100_000;

    /// The defaults listed on the constants above.
    ///
    /// ```
    /// let limits = flask_session_cookie::Limits::new();
    /// assert_eq!(limits.max_int_digits(), 4300);
    /// ```
    pub const fn new() -> Self {
        Limits {
            max_cookie_len: Self::DEFAULT_MAX_COOKIE_LEN,
            max_inflated_len: Self::DEFAULT_MAX_INFLATED_LEN,
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_int_digits: Self::DEFAULT_MAX_INT_DIGITS,
            max_items: Self::DEFAULT_MAX_ITEMS,
            max_stored_len: Self::DEFAULT_MAX_STORED_LEN,
        }
    }

    /// The limits for server-side session values (Flask-Session, Quart-Session):
    /// the defaults, with [`SERVER_SIDE_MAX_ITEMS`](Limits::SERVER_SIDE_MAX_ITEMS)
    /// values. A stored value longer than [`max_stored_len`](Limits::max_stored_len)
    /// is refused before it is parsed.
    ///
    /// ```
    /// let limits = flask_session_cookie::Limits::server_side();
    /// assert_eq!((limits.max_stored_len(), limits.max_items()), (1 << 20, 100_000));
    /// ```
    pub const fn server_side() -> Self {
        Limits::new().with_max_items(Self::SERVER_SIDE_MAX_ITEMS)
    }

    /// Longest server-side session value read, in bytes; checked before parsing.
    /// Default: [`DEFAULT_MAX_STORED_LEN`](Limits::DEFAULT_MAX_STORED_LEN).
    ///
    /// ```
    /// let limits = flask_session_cookie::Limits::server_side().with_max_stored_len(64 << 10);
    /// assert_eq!(limits.max_stored_len(), 64 << 10);
    /// ```
    #[must_use]
    pub const fn with_max_stored_len(mut self, bytes: usize) -> Self {
        self.max_stored_len = bytes;
        self
    }

    /// See [`with_max_stored_len`](Limits::with_max_stored_len).
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Limits::new().max_stored_len(), 1 << 20);
    /// ```
    pub const fn max_stored_len(&self) -> usize {
        self.max_stored_len
    }

    /// Longest cookie or token text accepted, in bytes; checked before any hashing.
    /// Default: [`DEFAULT_MAX_COOKIE_LEN`](Limits::DEFAULT_MAX_COOKIE_LEN).
    ///
    /// ```
    /// let limits = flask_session_cookie::Limits::new().with_max_cookie_len(4093);
    /// assert_eq!(limits.max_cookie_len(), 4093);
    /// ```
    #[must_use]
    pub const fn with_max_cookie_len(mut self, len: usize) -> Self {
        self.max_cookie_len = len;
        self
    }

    /// Largest size a compressed payload may inflate to, in bytes; enforced while
    /// inflating, so a zlib bomb stops at the cap.
    /// Default: [`DEFAULT_MAX_INFLATED_LEN`](Limits::DEFAULT_MAX_INFLATED_LEN).
    ///
    /// ```
    /// let limits = flask_session_cookie::Limits::new().with_max_inflated_len(64 * 1024);
    /// assert_eq!(limits.max_inflated_len(), 65536);
    /// ```
    #[must_use]
    pub const fn with_max_inflated_len(mut self, len: usize) -> Self {
        self.max_inflated_len = len;
        self
    }

    /// Deepest nesting of lists, tuples and dicts, counted as JSON brackets.
    /// Default: [`DEFAULT_MAX_DEPTH`](Limits::DEFAULT_MAX_DEPTH).
    ///
    /// Reading JSON and writing it do not recurse, so no depth can overflow the stack
    /// there; typed reading (serde) and dropping a [`Value`](crate::Value) recurse
    /// once per level, which the default keeps safe on small thread stacks (the test
    /// suite decodes the deepest cookie the default allows on a 512 KiB stack, in a
    /// debug build). Raise it only with stacks to match.
    ///
    /// ```
    /// let limits = flask_session_cookie::Limits::new().with_max_depth(16);
    /// assert_eq!(limits.max_depth(), 16);
    /// ```
    #[must_use]
    pub const fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Most decimal digits in one integer.
    /// Default: [`DEFAULT_MAX_INT_DIGITS`](Limits::DEFAULT_MAX_INT_DIGITS).
    ///
    /// ```
    /// let limits = flask_session_cookie::Limits::new().with_max_int_digits(100);
    /// assert_eq!(limits.max_int_digits(), 100);
    /// ```
    #[must_use]
    pub const fn with_max_int_digits(mut self, digits: usize) -> Self {
        self.max_int_digits = digits;
        self
    }

    /// Most values in one payload: every scalar, list, tuple and dict the JSON holds
    /// counts one, and so does each character of a string a ` t` tag turns into a
    /// tuple. Default: [`DEFAULT_MAX_ITEMS`](Limits::DEFAULT_MAX_ITEMS).
    ///
    /// Python has no such limit; this one bounds what any payload within the other
    /// limits can cost (each value is at least one allocation or 32 bytes of tree).
    /// Sessions hold a few to a few hundred values; a browser's 4 KB cookie holds
    /// more than 10,000 only when its JSON compresses more than ten to one.
    ///
    /// ```
    /// let limits = flask_session_cookie::Limits::new().with_max_items(100_000);
    /// assert_eq!(limits.max_items(), 100_000);
    /// ```
    #[must_use]
    pub const fn with_max_items(mut self, items: usize) -> Self {
        self.max_items = items;
        self
    }

    /// See [`with_max_cookie_len`](Limits::with_max_cookie_len).
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Limits::new().max_cookie_len(), 16384);
    /// ```
    pub const fn max_cookie_len(&self) -> usize {
        self.max_cookie_len
    }

    /// See [`with_max_inflated_len`](Limits::with_max_inflated_len).
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Limits::new().max_inflated_len(), 256 * 1024);
    /// ```
    pub const fn max_inflated_len(&self) -> usize {
        self.max_inflated_len
    }

    /// See [`with_max_depth`](Limits::with_max_depth).
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Limits::new().max_depth(), 128);
    /// ```
    pub const fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// See [`with_max_int_digits`](Limits::with_max_int_digits).
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Limits::new().max_int_digits(), 4300);
    /// ```
    pub const fn max_int_digits(&self) -> usize {
        self.max_int_digits
    }

    /// See [`with_max_items`](Limits::with_max_items).
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Limits::new().max_items(), 10_000);
    /// ```
    pub const fn max_items(&self) -> usize {
        self.max_items
    }
}
