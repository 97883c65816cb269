//! The value tree: Python's session types, kept apart so they survive a round trip.

use std::fmt;

use compact_str::CompactString;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::{Error, Result};

/// A dict with `str` keys, kept sorted in code-point order — the order Flask's
/// `sort_keys=True` writes them in — in one vector: one allocation per dict, lookups
/// by binary search.
///
/// ```
/// use flask_session_cookie::{Dict, Value};
///
/// let mut d = Dict::new();
/// d.insert("b", 2);
/// d.insert("a", 1);
/// assert_eq!(d.insert("a", 3), Some(Value::from(1)));
/// assert_eq!(d.keys().collect::<Vec<_>>(), ["a", "b"]);
/// assert_eq!(d.get("a"), Some(&Value::from(3)));
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct Dict {
    /// Keys up to 24 bytes live inline: reading a session allocates no key.
    entries: Vec<(Key, Value)>,
}

/// A dict key: inline up to 24 bytes.
pub(crate) type Key = CompactString;

impl fmt::Debug for Dict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Dict {
    /// An empty dict.
    ///
    /// ```
    /// assert!(flask_session_cookie::Dict::new().is_empty());
    /// ```
    pub const fn new() -> Self {
        Dict {
            entries: Vec::new(),
        }
    }

    /// An empty dict with room for `n` entries.
    ///
    /// ```
    /// assert!(flask_session_cookie::Dict::with_capacity(4).is_empty());
    /// ```
    pub fn with_capacity(n: usize) -> Self {
        Dict {
            entries: Vec::with_capacity(n),
        }
    }

    /// Builds a dict from entries in any order; of duplicate keys the last wins, as in
    /// a Python dict literal or `json.loads`.
    pub(crate) fn from_entries(mut entries: Vec<(Key, Value)>) -> Self {
        let sorted = entries.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0));
        if !sorted {
            // Stable: equal keys keep their text order, so the last one is last.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut deduped: Vec<(Key, Value)> = Vec::with_capacity(entries.len());
            for entry in entries {
                match deduped.last_mut() {
                    Some(last) if last.0 == entry.0 => *last = entry,
                    _ => deduped.push(entry),
                }
            }
            entries = deduped;
        }
        Dict { entries }
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The number of entries.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Dict::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    ///
    /// ```
    /// assert!(flask_session_cookie::Dict::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value under `key`.
    ///
    /// ```
    /// let d: flask_session_cookie::Dict = [("a", 1)].into_iter().collect();
    /// assert!(d.get("a").is_some() && d.get("b").is_none());
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.find(key)
            .ok()
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| v)
    }

    /// The value under `key`, mutably.
    ///
    /// ```
    /// use flask_session_cookie::{Dict, Value};
    /// let mut d: Dict = [("a", 1)].into_iter().collect();
    /// if let Some(v) = d.get_mut("a") { *v = Value::from(2); }
    /// assert_eq!(d.get("a"), Some(&Value::from(2)));
    /// ```
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match self.find(key) {
            Ok(i) => self.entries.get_mut(i).map(|(_, v)| v),
            Err(_) => None,
        }
    }

    /// Whether `key` is present.
    ///
    /// ```
    /// let d: flask_session_cookie::Dict = [("a", 1)].into_iter().collect();
    /// assert!(d.contains_key("a"));
    /// ```
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`, returning the old value.
    ///
    /// ```
    /// let mut d = flask_session_cookie::Dict::new();
    /// assert!(d.insert("a", 1).is_none());
    /// assert!(d.insert("a", 2).is_some());
    /// ```
    pub fn insert(&mut self, key: impl AsRef<str>, value: impl Into<Value>) -> Option<Value> {
        let key = Key::from(key.as_ref());
        let value = value.into();
        // Appending in order (as JSON from Flask arrives) is the common case.
        if self.entries.last().is_none_or(|(last, _)| *last < key) {
            self.entries.push((key, value));
            return None;
        }
        match self.find(&key) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`, returning its value.
    ///
    /// ```
    /// let mut d: flask_session_cookie::Dict = [("a", 1)].into_iter().collect();
    /// assert!(d.remove("a").is_some());
    /// assert!(d.is_empty());
    /// ```
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// Removes every entry.
    ///
    /// ```
    /// let mut d: flask_session_cookie::Dict = [("a", 1)].into_iter().collect();
    /// d.clear();
    /// assert!(d.is_empty());
    /// ```
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The entries in key order.
    ///
    /// ```
    /// let d: flask_session_cookie::Dict = [("b", 2), ("a", 1)].into_iter().collect();
    /// let keys: Vec<&str> = d.iter().map(|(k, _)| k).collect();
    /// assert_eq!(keys, ["a", "b"]);
    /// ```
    pub fn iter(&self) -> DictIter<'_> {
        DictIter {
            inner: self.entries.iter(),
        }
    }

    /// The keys in order.
    ///
    /// ```
    /// let d: flask_session_cookie::Dict = [("a", 1)].into_iter().collect();
    /// assert_eq!(d.keys().next(), Some("a"));
    /// ```
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// The values in key order.
    ///
    /// ```
    /// let d: flask_session_cookie::Dict = [("a", 1)].into_iter().collect();
    /// assert_eq!(d.values().count(), 1);
    /// ```
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in key order, mutably.
    ///
    /// ```
    /// use flask_session_cookie::{Dict, Value};
    /// let mut d: Dict = [("a", 1)].into_iter().collect();
    /// for v in d.values_mut() { *v = Value::None; }
    /// assert_eq!(d.get("a"), Some(&Value::None));
    /// ```
    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Keeps only the entries for which `f` returns true.
    ///
    /// ```
    /// let mut d: flask_session_cookie::Dict = [("a", 1), ("b", 2)].into_iter().collect();
    /// d.retain(|k, _| k != "a");
    /// assert_eq!(d.len(), 1);
    /// ```
    pub fn retain(&mut self, mut f: impl FnMut(&str, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| f(k.as_str(), v));
    }
}

/// An iterator over a [`Dict`]'s entries in key order.
#[derive(Debug, Clone)]
pub struct DictIter<'a> {
    inner: std::slice::Iter<'a, (Key, Value)>,
}

impl<'a> Iterator for DictIter<'a> {
    type Item = (&'a str, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|(k, v)| (k.as_str(), v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl DoubleEndedIterator for DictIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|(k, v)| (k.as_str(), v))
    }
}

impl ExactSizeIterator for DictIter<'_> {}

impl<'a> IntoIterator for &'a Dict {
    type Item = (&'a str, &'a Value);
    type IntoIter = DictIter<'a>;
    fn into_iter(self) -> DictIter<'a> {
        self.iter()
    }
}

impl IntoIterator for Dict {
    type Item = (String, Value);
    type IntoIter = DictIntoIter;
    fn into_iter(self) -> DictIntoIter {
        DictIntoIter {
            inner: self.entries.into_iter(),
        }
    }
}

/// An owning iterator over a [`Dict`]'s entries in key order.
#[derive(Debug)]
pub struct DictIntoIter {
    inner: std::vec::IntoIter<(Key, Value)>,
}

impl DictIntoIter {
    /// The entries with their compact keys, for crate code that can use them as-is.
    pub(crate) fn into_compact(self) -> std::vec::IntoIter<(Key, Value)> {
        self.inner
    }
}

impl Iterator for DictIntoIter {
    type Item = (String, Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|(k, v)| (k.into_string(), v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl DoubleEndedIterator for DictIntoIter {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|(k, v)| (k.into_string(), v))
    }
}

impl ExactSizeIterator for DictIntoIter {}

impl<K: AsRef<str>, V: Into<Value>> FromIterator<(K, V)> for Dict {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Dict::from_entries(
            iter.into_iter()
                .map(|(k, v)| (Key::from(k.as_ref()), v.into()))
                .collect(),
        )
    }
}

impl<K: AsRef<str>, V: Into<Value>> Extend<(K, V)> for Dict {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

/// A Python value as Flask's tagged JSON carries it.
///
/// ```
/// use flask_session_cookie::{Int, Value};
///
/// let v = Value::Tuple(vec![Value::from("message"), Value::from("Hello!")]);
/// assert_eq!(v.type_name(), "tuple");
/// assert_eq!(Value::from(42).as_int(), Some(&Int::from(42)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `None` (JSON `null`).
    None,
    /// `bool`.
    Bool(bool),
    /// `int` of any size.
    Int(Int),
    /// `float`, including NaN, ±Infinity and -0.0.
    Float(f64),
    /// `str`.
    Str(String),
    /// `list`.
    List(Vec<Value>),
    /// `tuple` (tag ` t`).
    Tuple(Vec<Value>),
    /// `dict` with `str` keys.
    Dict(Dict),
    /// `bytes` (tag ` b`).
    Bytes(Vec<u8>),
    /// `markupsafe.Markup` (tag ` m`): HTML that must not be escaped again.
    Markup(String),
    /// `uuid.UUID` (tag ` u`).
    Uuid(Uuid),
    /// `datetime.datetime` (tag ` d`). Flask writes it to the second, in UTC.
    DateTime(OffsetDateTime),
}

impl Value {
    /// The Python type name: `NoneType`, `bool`, `int`, `float`, `str`, `list`,
    /// `tuple`, `dict`, `bytes`, `Markup`, `UUID` or `datetime`.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Value::None.type_name(), "NoneType");
    /// ```
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Bytes(_) => "bytes",
            Value::Markup(_) => "Markup",
            Value::Uuid(_) => "UUID",
            Value::DateTime(_) => "datetime",
        }
    }

    /// The string, if this is a `str`.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Value::from("a").as_str(), Some("a"));
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is an `int`.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Value::from(7).as_int().and_then(|i| i.as_i64()), Some(7));
    /// ```
    pub fn as_int(&self) -> Option<&Int> {
        match self {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }

    /// The integer as `i64`, if this is an `int` that fits.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Value::from(7).as_i64(), Some(7));
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        self.as_int().and_then(Int::as_i64)
    }

    /// The boolean, if this is a `bool`.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Value::from(true).as_bool(), Some(true));
    /// ```
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The float, if this is a `float`.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Value::from(0.5).as_f64(), Some(0.5));
    /// ```
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The items, if this is a `list` or a `tuple`.
    ///
    /// ```
    /// use flask_session_cookie::Value;
    /// assert_eq!(Value::Tuple(vec![Value::None]).as_slice().map(|s| s.len()), Some(1));
    /// ```
    pub fn as_slice(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Tuple(v) => Some(v),
            _ => None,
        }
    }

    /// The dict, if this is a `dict`.
    ///
    /// ```
    /// use flask_session_cookie::{Dict, Value};
    /// assert!(Value::Dict(Dict::new()).as_dict().is_some());
    /// ```
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Value::Dict(d) => Some(d),
            _ => None,
        }
    }

    /// Whether this is `None`.
    ///
    /// ```
    /// assert!(flask_session_cookie::Value::None.is_none());
    /// ```
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// Equality that treats NaN as equal to NaN and tells 0.0 from -0.0: the
    /// equality a round trip through a cookie preserves.
    ///
    /// ```
    /// use flask_session_cookie::Value;
    /// assert!(Value::Float(f64::NAN).same_as(&Value::Float(f64::NAN)));
    /// assert!(!Value::Float(0.0).same_as(&Value::Float(-0.0)));
    /// ```
    pub fn same_as(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Float(a), Value::Float(b)) => {
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
            }
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_as(y))
            }
            (Value::Dict(a), Value::Dict(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, va), (kb, vb))| ka == kb && va.same_as(vb))
            }
            _ => self == other,
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::Int(Int::from(v)) }
        }
    )*};
}
from_int!(
    i8, i16, i32, i64, u8, u16, u32, u64, isize, usize, i128, u128
);

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Str(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Str(v)
    }
}
impl From<Int> for Value {
    fn from(v: Int) -> Self {
        Value::Int(v)
    }
}
impl From<Dict> for Value {
    fn from(v: Dict) -> Self {
        Value::Dict(v)
    }
}
impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::List(v)
    }
}
impl From<Uuid> for Value {
    fn from(v: Uuid) -> Self {
        Value::Uuid(v)
    }
}
impl From<OffsetDateTime> for Value {
    fn from(v: OffsetDateTime) -> Self {
        Value::DateTime(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::None, Into::into)
    }
}

/// A Python `int` of any size.
///
/// Values that fit `i64` are stored as such; larger ones keep their canonical
/// decimal text (no leading zeros, `-` for negatives).
///
/// ```
/// use flask_session_cookie::Int;
///
/// let big: Int = "1180591620717411303424".parse()?;
/// assert_eq!(big.as_i64(), None);
/// assert_eq!(big.to_string(), "1180591620717411303424");
/// assert_eq!(Int::from(-5).as_i64(), Some(-5));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Int(IntRepr);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum IntRepr {
    Small(i64),
    /// Canonical decimal text of a value outside the `i64` range.
    Big(Box<str>),
}

impl Int {
    /// The value as `i64`, if it fits.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Int::from(u64::MAX).as_i64(), None);
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        match &self.0 {
            IntRepr::Small(v) => Some(*v),
            IntRepr::Big(_) => None,
        }
    }

    /// The value as `u64`, if it fits.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Int::from(u64::MAX).as_u64(), Some(u64::MAX));
    /// ```
    pub fn as_u64(&self) -> Option<u64> {
        match &self.0 {
            IntRepr::Small(v) => u64::try_from(*v).ok(),
            IntRepr::Big(s) => s.parse().ok(),
        }
    }

    /// The value as `i128`, if it fits.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Int::from(i128::MIN).as_i128(), Some(i128::MIN));
    /// ```
    pub fn as_i128(&self) -> Option<i128> {
        match &self.0 {
            IntRepr::Small(v) => Some(i128::from(*v)),
            IntRepr::Big(s) => s.parse().ok(),
        }
    }

    /// The value as the nearest `f64` (Python's `float(n)`; huge values become ±inf).
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Int::from(3).as_f64(), 3.0);
    /// ```
    pub fn as_f64(&self) -> f64 {
        match &self.0 {
            #[allow(clippy::cast_precision_loss)]
            IntRepr::Small(v) => *v as f64,
            IntRepr::Big(s) => s.parse().unwrap_or(f64::NAN),
        }
    }

    /// The number of decimal digits, without the sign.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Int::from(-120).digits(), 3);
    /// ```
    pub fn digits(&self) -> usize {
        match &self.0 {
            IntRepr::Small(v) => {
                let mut n = v.unsigned_abs();
                let mut d = 1;
                while n >= 10 {
                    n /= 10;
                    d += 1;
                }
                d
            }
            IntRepr::Big(s) => s.trim_start_matches('-').len(),
        }
    }

    /// Parses decimal digits with an optional leading `-`, as JSON writes an
    /// integer (leading zeros allowed here; they are dropped).
    pub(crate) fn parse_decimal(text: &str) -> Option<Int> {
        if let Ok(v) = text.parse::<i64>() {
            return Some(Int(IntRepr::Small(v)));
        }
        let (neg, digits) = match text.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = digits.trim_start_matches('0');
        if digits.is_empty() {
            return Some(Int(IntRepr::Small(0)));
        }
        let mut s = String::with_capacity(digits.len() + 1);
        if neg {
            s.push('-');
        }
        s.push_str(digits);
        if let Ok(v) = s.parse::<i64>() {
            return Some(Int(IntRepr::Small(v)));
        }
        Some(Int(IntRepr::Big(s.into_boxed_str())))
    }
}

impl std::str::FromStr for Int {
    type Err = Error;

    /// Parses a decimal integer of any size (optional sign, ASCII digits).
    fn from_str(s: &str) -> Result<Self> {
        Int::parse_decimal(s)
            .ok_or_else(|| Error::unencodable(format!("{s:?} is not a decimal integer")))
    }
}

impl fmt::Display for Int {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            IntRepr::Small(v) => write!(f, "{v}"),
            IntRepr::Big(s) => f.write_str(s),
        }
    }
}

macro_rules! int_from_small {
    ($($t:ty),*) => {$(
        impl From<$t> for Int {
            fn from(v: $t) -> Self { Int(IntRepr::Small(i64::from(v))) }
        }
    )*};
}
int_from_small!(i8, i16, i32, i64, u8, u16, u32);

macro_rules! int_from_wide {
    ($($t:ty),*) => {$(
        impl From<$t> for Int {
            fn from(v: $t) -> Self {
                match i64::try_from(v) {
                    Ok(small) => Int(IntRepr::Small(small)),
                    Err(_) => Int(IntRepr::Big(v.to_string().into_boxed_str())),
                }
            }
        }
    )*};
}
int_from_wide!(u64, isize, usize, i128, u128);
