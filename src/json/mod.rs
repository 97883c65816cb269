//! Python's JSON dialect with Flask's type tags, exactly: the text
//! `json.dumps(..., separators=(",", ":"), sort_keys=True)` writes after
//! `flask.json.tag` has tagged the value, and what `json.loads` reads back.
//!
//! [`JsonFormat`] is the entry point; the parts are the tag rules (`tag.rs` in the
//! source, the twin of `flask/json/tag.py`), the reader, the writer, and a one-pass
//! typed reader for Flask-shaped text.

mod read;
mod stream;
mod tag;
mod write;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Result;
use crate::limits::Limits;
use crate::value::{Dict, Value};

pub(crate) use stream::{from_text, from_text_with};

/// Which JSON a serializer reads and writes.
///
/// * [`JsonFormat::flask`]: Flask's `TaggedJSONSerializer` inside an app — type tags,
///   keys sorted at every level, `ensure_ascii=True`.
/// * [`JsonFormat::plain`]: itsdangerous' default (`_CompactJSON`) — no tags,
///   `ensure_ascii=False`; tuples are written as lists, bytes, UUIDs and datetimes
///   cannot be written.
///
/// * [`JsonFormat::quart`]: the same serializer outside a Flask app, as Quart and
///   Quart-Session use it — type tags, keys in insertion order, `ensure_ascii=True`.
///
/// All write `NaN`, `Infinity`, `-Infinity` as Python does; `flask` and `plain` write
/// keys in sorted order ([`with_sort_keys`](JsonFormat::with_sort_keys)).
///
/// ```
/// use flask_session_cookie::json::JsonFormat;
/// use flask_session_cookie::{Limits, Value};
///
/// let value = Value::Tuple(vec![Value::from(1), Value::from("é")]);
/// let limits = Limits::new();
/// assert_eq!(JsonFormat::flask().dumps(&value, &limits)?, r#"{" t":[1,"\u00e9"]}"#);
/// assert_eq!(JsonFormat::plain().dumps(&value, &limits)?, r#"[1,"é"]"#);
/// assert_eq!(JsonFormat::flask().loads(r#"{" t":[1,"\u00e9"]}"#, &limits)?, value);
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct JsonFormat {
    tagged: bool,
    ensure_ascii: bool,
    sort_keys: bool,
}

impl JsonFormat {
    /// Flask's session JSON: tags on, `ensure_ascii` on.
    ///
    /// ```
    /// let f = flask_session_cookie::json::JsonFormat::flask();
    /// assert!(f.tagged() && f.ensure_ascii());
    /// ```
    pub const fn flask() -> Self {
        JsonFormat {
            tagged: true,
            ensure_ascii: true,
            sort_keys: true,
        }
    }

    /// Flask's `TaggedJSONSerializer` outside a Flask app (no `current_app.json`),
    /// as Quart's cookie sessions and Quart-Session's stored values are written: type
    /// tags, `ensure_ascii=True`, keys in insertion order.
    ///
    /// ```
    /// use flask_session_cookie::{json::JsonFormat, Dict, Limits, Value};
    /// let d: Dict = [("b", 1), ("a", 2)].into_iter().collect();
    /// let text = JsonFormat::quart().dumps(&Value::Dict(d), &Limits::new())?;
    /// assert_eq!(text, r#"{"b":1,"a":2}"#);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub const fn quart() -> Self {
        JsonFormat {
            tagged: true,
            ensure_ascii: true,
            sort_keys: false,
        }
    }

    /// Whether dict keys are written sorted (`sort_keys=True`) or in insertion
    /// order.
    ///
    /// ```
    /// use flask_session_cookie::json::JsonFormat;
    /// assert!(!JsonFormat::flask().with_sort_keys(false).sort_keys());
    /// ```
    #[must_use]
    pub const fn with_sort_keys(mut self, sort_keys: bool) -> Self {
        self.sort_keys = sort_keys;
        self
    }

    /// Whether dict keys are written sorted.
    ///
    /// ```
    /// assert!(flask_session_cookie::json::JsonFormat::flask().sort_keys());
    /// ```
    pub const fn sort_keys(&self) -> bool {
        self.sort_keys
    }

    /// itsdangerous' default JSON: tags off, `ensure_ascii` off.
    ///
    /// ```
    /// let f = flask_session_cookie::json::JsonFormat::plain();
    /// assert!(!f.tagged() && !f.ensure_ascii());
    /// ```
    pub const fn plain() -> Self {
        JsonFormat {
            tagged: false,
            ensure_ascii: false,
            sort_keys: true,
        }
    }

    /// Turns Flask's type tags on or off.
    ///
    /// ```
    /// let f = flask_session_cookie::json::JsonFormat::plain().with_tags(true);
    /// assert!(f.tagged());
    /// ```
    #[must_use]
    pub const fn with_tags(mut self, tagged: bool) -> Self {
        self.tagged = tagged;
        self
    }

    /// Sets `ensure_ascii`: escape every non-ASCII character as `\uXXXX` (Flask's
    /// default) or write it as UTF-8 (Flask apps with `app.json.ensure_ascii = False`).
    ///
    /// ```
    /// use flask_session_cookie::json::JsonFormat;
    /// use flask_session_cookie::{Limits, Value};
    /// let f = JsonFormat::flask().with_ensure_ascii(false);
    /// assert_eq!(f.dumps(&Value::from("é"), &Limits::new())?, "\"é\"");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub const fn with_ensure_ascii(mut self, ensure_ascii: bool) -> Self {
        self.ensure_ascii = ensure_ascii;
        self
    }

    /// Whether type tags are read and written.
    ///
    /// ```
    /// assert!(flask_session_cookie::json::JsonFormat::flask().tagged());
    /// ```
    pub const fn tagged(&self) -> bool {
        self.tagged
    }

    /// Whether non-ASCII characters are escaped when writing.
    ///
    /// ```
    /// assert!(flask_session_cookie::json::JsonFormat::flask().ensure_ascii());
    /// ```
    pub const fn ensure_ascii(&self) -> bool {
        self.ensure_ascii
    }

    /// Writes `value` as Python would, byte for byte.
    ///
    /// Errors with [`Unencodable`](crate::ErrorKind::Unencodable) for what Python
    /// cannot write (bytes in plain JSON, a datetime outside years 1–9999 in UTC) and
    /// [`LimitExceeded`](crate::ErrorKind::LimitExceeded) past the depth or integer
    /// digit limit.
    ///
    /// ```
    /// use flask_session_cookie::json::JsonFormat;
    /// use flask_session_cookie::{Dict, Limits, Value};
    ///
    /// let mut d = Dict::new();
    /// d.insert("b", 1e16);
    /// d.insert("a", 1.5e-7);
    /// let text = JsonFormat::flask().dumps(&Value::Dict(d), &Limits::new())?;
    /// assert_eq!(text, r#"{"a":1.5e-07,"b":1e+16}"#);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn dumps(&self, value: &Value, limits: &Limits) -> Result<String> {
        let mut out = String::with_capacity(64);
        self.dump_into(value, limits, &mut out)?;
        Ok(out)
    }

    /// Like [`dumps`](JsonFormat::dumps), appending to `out`.
    ///
    /// ```
    /// use flask_session_cookie::json::JsonFormat;
    /// use flask_session_cookie::{Limits, Value};
    /// let mut out = String::from("x=");
    /// JsonFormat::flask().dump_into(&Value::None, &Limits::new(), &mut out)?;
    /// assert_eq!(out, "x=null");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn dump_into(&self, value: &Value, limits: &Limits, out: &mut String) -> Result<()> {
        write::value(*self, value, limits, out)
    }

    /// Writes a dict (a session) as [`dump_into`](JsonFormat::dump_into) writes
    /// `Value::Dict`, without wrapping it in a [`Value`] first.
    pub(crate) fn dump_dict_into(
        &self,
        dict: &Dict,
        limits: &Limits,
        out: &mut String,
    ) -> Result<()> {
        write::dict(*self, dict, limits, out)
    }

    /// Writes your type as [`dumps`](JsonFormat::dumps) writes the [`Value`]
    /// [`to_value`](crate::to_value) makes of it (Rust tuples as Python tuples, the
    /// [`tags`](crate::tags) wrappers with their tags).
    ///
    /// ```
    /// use flask_session_cookie::json::JsonFormat;
    /// use flask_session_cookie::Limits;
    ///
    /// let text = JsonFormat::flask().dumps_as(&("message", "Hi"), &Limits::new())?;
    /// assert_eq!(text, r#"{" t":["message","Hi"]}"#);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn dumps_as<T: Serialize + ?Sized>(&self, value: &T, limits: &Limits) -> Result<String> {
        self.dumps(&crate::to_value(value)?, limits)
    }

    /// Reads JSON text into your type, as [`loads`](JsonFormat::loads) followed by
    /// [`from_value`](crate::from_value) would — with Flask's tags, in one pass
    /// without building the value tree when the text is shaped as Flask writes it
    /// (sorted, unique keys). Same acceptance, same errors either way.
    ///
    /// ```
    /// use flask_session_cookie::json::JsonFormat;
    /// use flask_session_cookie::Limits;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Flashes { _flashes: Vec<(String, String)> }
    ///
    /// let text = r#"{"_flashes":[{" t":["message","Hello!"]}]}"#;
    /// let f: Flashes = JsonFormat::flask().loads_as(text, &Limits::new())?;
    /// assert_eq!(f._flashes[0].1, "Hello!");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn loads_as<T: DeserializeOwned>(&self, text: &str, limits: &Limits) -> Result<T> {
        if self.tagged {
            from_text(text, limits)
        } else {
            crate::from_value(self.loads(text, limits)?)
        }
    }

    /// Reads JSON text as Python's `json.loads` does (with Flask's tags when they are
    /// on): `NaN`, `Infinity` and `-Infinity` are accepted, integers of any size up to
    /// the digit limit, the last of duplicate keys wins.
    ///
    /// Stricter than Python in one way: a `\ud800`-style escape that does not form a
    /// surrogate pair is rejected, as Rust strings cannot hold it.
    ///
    /// ```
    /// use flask_session_cookie::json::JsonFormat;
    /// use flask_session_cookie::{Limits, Value};
    ///
    /// let v = JsonFormat::flask().loads(r#"{"a":1,"a":NaN}"#, &Limits::new())?;
    /// assert!(v.as_dict().and_then(|d| d.get("a")).and_then(Value::as_f64).is_some_and(f64::is_nan));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn loads(&self, text: &str, limits: &Limits) -> Result<Value> {
        read::value(text, self.tagged, limits)
    }
}
