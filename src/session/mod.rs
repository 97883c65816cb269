//! Flask's session: the dict ([`Session`]), the codec with Flask's defaults
//! ([`SessionCodec`]), and a session tracked through one request as Flask tracks it
//! ([`TrackedSession`], [`FlaskSession`]).

mod codec;
pub(crate) mod save;
mod tracked;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, PayloadStage, Result};
use crate::value::{Dict, DictIter, Value};

pub use codec::SessionCodec;
pub use tracked::{FlaskSession, SessionOrigin, TrackedSession};

/// A Flask session: a dict from `str` keys to [`Value`]s.
///
/// ```
/// use flask_session_cookie::{Session, Value};
///
/// let mut session = Session::new();
/// session.insert("user_id", 42);
/// session.set_permanent(true);
/// assert_eq!(session.get("user_id").and_then(Value::as_i64), Some(42));
/// assert!(session.permanent());
/// assert_eq!(session.len(), 2); // `_permanent` is a key like any other
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct Session {
    data: Dict,
}

/// `Debug` shows the keys and values but the secret-bearing ones: Flask-WTF's raw
/// CSRF token (`csrf_token`, and any key ending so, as prefixed forms use) and
/// Flask-Login's session identifier `_id` print as `<redacted>`, so that a logged
/// session never hands out what a forged request or a stolen session needs.
///
/// ```
/// let mut s = flask_session_cookie::Session::new();
/// s.insert("user", "ann");
/// s.insert("csrf_token", "51c0ae4e67ece03d97accfc9c90ac2a0e5868131");
/// let shown = format!("{s:?}");
/// assert!(shown.contains("ann") && shown.contains("<redacted>"));
/// assert!(!shown.contains("51c0ae4e"));
/// ```
impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct Redacted<'a>(&'a Dict);
        impl std::fmt::Debug for Redacted<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut map = f.debug_map();
                for (key, value) in self.0.iter() {
                    if Session::is_secret_key(key) {
                        map.entry(&key, &format_args!("<redacted>"));
                    } else {
                        map.entry(&key, value);
                    }
                }
                map.finish()
            }
        }
        f.debug_struct("Session")
            .field("data", &Redacted(&self.data))
            .finish()
    }
}

impl Session {
    /// The key Flask stores `session.permanent` under: `_permanent`.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Session::PERMANENT_KEY, "_permanent");
    /// ```
    pub const PERMANENT_KEY: &'static str = "_permanent";

    /// Whether a session key holds a secret that `Debug` hides: Flask-WTF's raw
    /// CSRF token (a key ending with `csrf_token`) or Flask-Login's `_id`.
    fn is_secret_key(key: &str) -> bool {
        key.ends_with("csrf_token") || key == "_id"
    }

    /// The key Flask keeps flashed messages under: `_flashes`.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Session::FLASHES_KEY, "_flashes");
    /// ```
    pub const FLASHES_KEY: &'static str = "_flashes";

    /// An empty session.
    ///
    /// ```
    /// assert!(flask_session_cookie::Session::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Session::default()
    }

    /// The value under `key`.
    ///
    /// ```
    /// let s = flask_session_cookie::Session::new();
    /// assert!(s.get("missing").is_none());
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.data.get(key)
    }

    /// A mutable reference to the value under `key`.
    ///
    /// ```
    /// use flask_session_cookie::{Session, Value};
    /// let mut s = Session::new();
    /// s.insert("n", 1);
    /// if let Some(v) = s.get_mut("n") { *v = Value::from(2); }
    /// assert_eq!(s.get("n"), Some(&Value::from(2)));
    /// ```
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.data.get_mut(key)
    }

    /// Sets `key` to `value`, returning the old value.
    ///
    /// ```
    /// let mut s = flask_session_cookie::Session::new();
    /// assert!(s.insert("csrf_token", "abc").is_none());
    /// ```
    pub fn insert(&mut self, key: impl AsRef<str>, value: impl Into<Value>) -> Option<Value> {
        self.data.insert(key, value)
    }

    /// Removes `key`, returning its value.
    ///
    /// ```
    /// let mut s = flask_session_cookie::Session::new();
    /// s.insert("a", 1);
    /// assert!(s.remove("a").is_some());
    /// ```
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.data.remove(key)
    }

    /// Whether `key` is present.
    ///
    /// ```
    /// let mut s = flask_session_cookie::Session::new();
    /// s.insert("a", 1);
    /// assert!(s.contains_key("a"));
    /// ```
    pub fn contains_key(&self, key: &str) -> bool {
        self.data.contains_key(key)
    }

    /// The number of keys.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Session::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether there are no keys. Flask never writes an empty session; it deletes the
    /// cookie instead.
    ///
    /// ```
    /// assert!(flask_session_cookie::Session::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Removes every key.
    ///
    /// ```
    /// let mut s = flask_session_cookie::Session::new();
    /// s.insert("a", 1);
    /// s.clear();
    /// assert!(s.is_empty());
    /// ```
    pub fn clear(&mut self) {
        self.data.clear();
    }

    /// Flask-Session's `session.clear()`: every key goes but `_permanent`, which
    /// keeps its value, or becomes `False` when it was absent (Flask-Session 0.8 sets
    /// it either way).
    ///
    /// ```
    /// use flask_session_cookie::{Session, Value};
    /// let mut s = Session::new();
    /// s.insert("_user_id", "1");
    /// s.clear_keeping_permanent();
    /// assert_eq!(s.get("_permanent"), Some(&Value::Bool(false)));
    /// assert!(s.is_empty_server_side());
    /// ```
    pub fn clear_keeping_permanent(&mut self) {
        let permanent = self
            .data
            .remove(Self::PERMANENT_KEY)
            .unwrap_or(Value::Bool(false));
        self.data.clear();
        self.data.insert(Self::PERMANENT_KEY, permanent);
    }

    /// Flask-Session's truth test (`ServerSideSession.__bool__`), which Flask-Login's
    /// `if sess` uses too: a session holding nothing, or only `_permanent`, counts as
    /// empty (it is deleted rather than saved).
    ///
    /// ```
    /// let mut s = flask_session_cookie::Session::new();
    /// s.set_permanent(true);
    /// assert!(s.is_empty_server_side() && !s.is_empty());
    /// s.insert("x", 1);
    /// assert!(!s.is_empty_server_side());
    /// ```
    pub fn is_empty_server_side(&self) -> bool {
        self.data.is_empty()
            || (self.data.len() == 1 && self.data.contains_key(Self::PERMANENT_KEY))
    }

    /// The keys and values, in insertion order (as Python's `dict` keeps them; a
    /// session read from Flask's cookie arrives in key order, as Flask writes it).
    ///
    /// ```
    /// let mut s = flask_session_cookie::Session::new();
    /// s.insert("b", 2);
    /// s.insert("a", 1);
    /// let keys: Vec<&str> = s.iter().map(|(k, _)| k).collect();
    /// assert_eq!(keys, ["b", "a"]);
    /// ```
    pub fn iter(&self) -> DictIter<'_> {
        self.data.iter()
    }

    /// Flask's `session.permanent`: the `_permanent` key, `false` when absent.
    ///
    /// ```
    /// assert!(!flask_session_cookie::Session::new().permanent());
    /// ```
    pub fn permanent(&self) -> bool {
        matches!(self.data.get(Self::PERMANENT_KEY), Some(Value::Bool(true)))
    }

    /// Sets `session.permanent`: stores `_permanent` as a bool, as Flask does
    /// (`false` is stored too, not removed).
    ///
    /// ```
    /// use flask_session_cookie::{Session, Value};
    /// let mut s = Session::new();
    /// s.set_permanent(false);
    /// assert_eq!(s.get("_permanent"), Some(&Value::Bool(false)));
    /// ```
    pub fn set_permanent(&mut self, permanent: bool) {
        self.data
            .insert(Self::PERMANENT_KEY, Value::Bool(permanent));
    }

    /// Flask's `flash(message)`: appends `("message", message)` to `_flashes`.
    ///
    /// ```
    /// let mut s = flask_session_cookie::Session::new();
    /// s.flash("Hello!");
    /// assert_eq!(s.take_flashes(), [("message".to_owned(), "Hello!".to_owned())]);
    /// ```
    pub fn flash(&mut self, message: impl Into<String>) {
        self.flash_with_category("message", message);
    }

    /// Flask's `flash(message, category)`: appends a `(category, message)` tuple to
    /// the `_flashes` list (made when absent).
    ///
    /// ```
    /// use flask_session_cookie::{Session, Value};
    /// let mut s = Session::new();
    /// s.flash_with_category("error", "Bad thing");
    /// assert_eq!(
    ///     s.get("_flashes"),
    ///     Some(&Value::List(vec![Value::Tuple(vec!["error".into(), "Bad thing".into()])]))
    /// );
    /// ```
    pub fn flash_with_category(&mut self, category: impl Into<String>, message: impl Into<String>) {
        let entry = Value::Tuple(vec![
            Value::Str(category.into()),
            Value::Str(message.into()),
        ]);
        match self.data.get_mut(Self::FLASHES_KEY) {
            Some(Value::List(items)) => items.push(entry),
            _ => {
                self.data
                    .insert(Self::FLASHES_KEY, Value::List(vec![entry]));
            }
        }
    }

    /// Flask's `get_flashed_messages(with_categories=True)`: removes `_flashes` and
    /// returns them as `(category, message)` pairs (entries of another shape are
    /// skipped).
    ///
    /// ```
    /// let mut s = flask_session_cookie::Session::new();
    /// s.flash("Saved.");
    /// assert_eq!(s.take_flashes().len(), 1);
    /// assert!(s.take_flashes().is_empty());
    /// ```
    pub fn take_flashes(&mut self) -> Vec<(String, String)> {
        match self.data.remove(Self::FLASHES_KEY) {
            Some(flashes) => flash_pairs(flashes),
            None => Vec::new(),
        }
    }

    /// The value under `key` as your type; `Ok(None)` when absent.
    ///
    /// ```
    /// let mut s = flask_session_cookie::Session::new();
    /// s.insert("_user_id", "42");
    /// assert_eq!(s.get_as::<String>("_user_id")?, Some("42".to_owned()));
    /// assert_eq!(s.get_as::<u32>("missing")?, None);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn get_as<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        self.data.get(key).map(T::deserialize).transpose()
    }

    /// Sets `key` to your type, tagged as Flask would write it (Rust tuples as Python
    /// tuples, the [`tags`](crate::tags) wrappers with their tags).
    ///
    /// ```
    /// use flask_session_cookie::{Session, Value};
    /// let mut s = Session::new();
    /// s.insert_as("pair", &(1, "a"))?;
    /// assert_eq!(s.get("pair"), Some(&Value::Tuple(vec![1.into(), "a".into()])));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn insert_as<T: Serialize + ?Sized>(
        &mut self,
        key: impl AsRef<str>,
        value: &T,
    ) -> Result<Option<Value>> {
        Ok(self.data.insert(key, crate::to_value(value)?))
    }

    /// The whole session as your type (a struct or a map).
    ///
    /// ```
    /// #[derive(serde::Deserialize)]
    /// struct Login { _user_id: Option<String> }
    /// let mut s = flask_session_cookie::Session::new();
    /// s.insert("_user_id", "42");
    /// assert_eq!(s.read_as::<Login>()?._user_id.as_deref(), Some("42"));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn read_as<T: DeserializeOwned>(&self) -> Result<T> {
        T::deserialize(&self.data)
    }

    /// Replaces the whole session with your type, which must serialize to a map.
    ///
    /// ```
    /// #[derive(serde::Serialize)]
    /// struct Login { _user_id: String }
    /// let mut s = flask_session_cookie::Session::new();
    /// s.write_as(&Login { _user_id: "7".into() })?;
    /// assert_eq!(s.get("_user_id").and_then(|v| v.as_str()), Some("7"));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn write_as<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.data = to_session_dict(value)?;
        Ok(())
    }

    /// The underlying dict.
    ///
    /// ```
    /// assert!(flask_session_cookie::Session::new().as_dict().is_empty());
    /// ```
    pub fn as_dict(&self) -> &Dict {
        &self.data
    }

    /// The underlying dict, mutably.
    ///
    /// ```
    /// let mut s = flask_session_cookie::Session::new();
    /// s.as_dict_mut().insert("k", 1);
    /// assert_eq!(s.len(), 1);
    /// ```
    pub fn as_dict_mut(&mut self) -> &mut Dict {
        &mut self.data
    }

    /// The dict, by value.
    ///
    /// ```
    /// assert!(flask_session_cookie::Session::new().into_dict().is_empty());
    /// ```
    pub fn into_dict(self) -> Dict {
        self.data
    }
}

impl From<Dict> for Session {
    fn from(data: Dict) -> Self {
        Session { data }
    }
}

impl<K: AsRef<str>, V: Into<Value>> FromIterator<(K, V)> for Session {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Session {
            data: iter.into_iter().collect(),
        }
    }
}

impl<'a> IntoIterator for &'a Session {
    type Item = (&'a str, &'a Value);
    type IntoIter = DictIter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.data.iter()
    }
}

impl Serialize for Session {
    /// The session as a map, in insertion order; see [`Value`]'s `Serialize`.
    ///
    /// ```
    /// let session: flask_session_cookie::Session = [("user_id", 42)].into_iter().collect();
    /// assert_eq!(flask_session_cookie::to_value(&session)?.as_dict().map(|d| d.len()), Some(1));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        self.data.serialize(serializer)
    }
}

/// The `(category, message)` pairs of a `_flashes` value.
fn flash_pairs(flashes: Value) -> Vec<(String, String)> {
    let items = match flashes {
        Value::List(items) | Value::Tuple(items) => items,
        _ => return Vec::new(),
    };
    items
        .into_iter()
        .filter_map(|item| match item {
            Value::List(pair) | Value::Tuple(pair) => {
                let mut pair = pair.into_iter();
                match (pair.next(), pair.next()) {
                    (
                        Some(Value::Str(c) | Value::Markup(c)),
                        Some(Value::Str(m) | Value::Markup(m)),
                    ) => Some((c, m)),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

/// Serializes `T` as a session: it must become a dict (a struct or a map).
pub(crate) fn to_session_dict<T: Serialize + ?Sized>(value: &T) -> Result<Dict> {
    match crate::to_value(value)? {
        Value::Dict(d) => Ok(d),
        other => Err(Error::unencodable(format!(
            "a session must serialize to a map, not a {}",
            other.type_name()
        ))),
    }
}

/// Converts a top-level value into a session dict the way Flask's `dict(data)` does:
/// `None` is empty, a dict is itself, a list or tuple of pairs becomes a dict.
pub(crate) fn into_session_dict(value: Value) -> Result<Dict> {
    let not_a_dict = |what: &str| {
        Error::payload(
            PayloadStage::NotADict,
            format!("the session must be a dict, got {what}"),
        )
    };
    match value {
        Value::Dict(d) => Ok(d),
        Value::None => Ok(Dict::new()),
        Value::List(items) | Value::Tuple(items) => {
            // Collected, then sorted once (the last of duplicate keys wins, as in
            // `dict(pairs)`): inserting one by one would shift the vector on every
            // key that sorts first.
            let mut entries = Vec::with_capacity(items.len());
            for item in items {
                let (k, v) = match item {
                    Value::List(pair) | Value::Tuple(pair) if pair.len() == 2 => {
                        let mut pair = pair.into_iter();
                        match (pair.next(), pair.next()) {
                            (Some(Value::Str(k)), Some(v)) => (k, v),
                            _ => return Err(not_a_dict("a sequence of pairs without str keys")),
                        }
                    }
                    Value::Str(s) if s.chars().count() == 2 => {
                        let mut c = s.chars();
                        let k = c.next().map(String::from).unwrap_or_default();
                        let v = c.next().map(String::from).unwrap_or_default();
                        (k, Value::Str(v))
                    }
                    _ => return Err(not_a_dict("a sequence that is not of pairs")),
                };
                entries.push((k, v));
            }
            Ok(entries.into_iter().collect())
        }
        other => Err(not_a_dict(other.type_name())),
    }
}

/// [`into_session_dict`] as a tree-to-tree rule, for the one-pass typed reader.
pub(crate) fn session_top(value: Value) -> Result<Value> {
    into_session_dict(value).map(Value::Dict)
}
