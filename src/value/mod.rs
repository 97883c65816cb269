//! The value tree: Python's session types ([`Value`], [`Dict`], [`Int`]), kept
//! apart so that they survive a round trip, and serde to and from it
//! ([`to_value`], [`from_value`]).
//!
//! Mapping (Rust ⇄ Python):
//! - `()`/`None`/unit structs ⇄ `None`; `bool` ⇄ `bool`; integers ⇄ `int`; `f32`/`f64` ⇄ `float`;
//! - `String`/`&str`/`char` ⇄ `str`; sequences (`Vec`, slices, sets) ⇄ `list`;
//! - Rust tuples and tuple structs ⇄ `tuple` (a `list` also deserializes into a tuple);
//! - structs and maps ⇄ `dict` (map keys must serialize as strings, integers or bools,
//!   which become strings as in Python's `json`);
//! - bytes (`serialize_bytes`, e.g. [`tags::Bytes`](crate::tags::Bytes)) ⇄ `bytes`;
//! - [`tags::Markup`](crate::tags::Markup), [`tags::Uuid`](crate::tags::Uuid),
//!   [`tags::DateTime`](crate::tags::DateTime), [`tags::Tuple`](crate::tags::Tuple)
//!   ⇄ `Markup`, `UUID`, `datetime`, `tuple`;
//! - enums: unit variants as their name, others as `{"Variant": value}`;
//! - [`Value`] itself ⇄ the same value, tags included: a `Value` field (or a
//!   `#[serde(flatten)]` map of them) read from a cookie and written back is unchanged.
//!
//! Deserializing into other types, a `UUID` reads as its hyphenated string and a
//! `datetime` as RFC 3339 text, so `String`, `uuid::Uuid` and RFC-3339 datetime types
//! all accept them.

mod budget;
mod de;
mod dict;
mod int;
mod repr;
mod ser;

use time::{Date, OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

pub(crate) use budget::Budget;
pub use de::from_value;
pub(crate) use de::isoformat;
pub(crate) use de::{KeyDeserializer, visit_scalar, wants_lossless};
pub(crate) use dict::Key;
pub use dict::{Dict, DictIntoIter, DictIter, SortedIter};
pub use int::{Int, ParseIntError};
pub use ser::to_value;

/// A Python value as Flask's tagged JSON carries it, and the few more that
/// server-side sessions carry (msgpack, pickles): naive datetimes, dates and sets.
///
/// Marked `#[non_exhaustive]`: match it with a wildcard arm.
///
/// ```
/// use flask_session_cookie::{Int, Value};
///
/// let v = Value::Tuple(vec![Value::from("message"), Value::from("Hello!")]);
/// assert_eq!(v.type_name(), "tuple");
/// assert_eq!(Value::from(42).as_int(), Some(&Int::from(42)));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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
    /// A naive `datetime.datetime` (no time zone), as a pickled session holds it;
    /// Flask's tagged JSON cannot say it.
    NaiveDateTime(PrimitiveDateTime),
    /// `datetime.date`, as a pickled session holds it; Flask's tagged JSON cannot
    /// say it.
    Date(Date),
    /// `set`, its members in the order the pickle holds them. A set of strings has no
    /// order Python reproduces (it depends on the per-process hash seed), so Python's
    /// `repr()` of it may list them otherwise; msgpack and msgspec's JSON write a set
    /// as an array.
    Set(Vec<Value>),
}

impl Value {
    /// Python's truth value (`bool(value)`): `None`, `False`, zero, and empty
    /// strings, bytes and containers are false; everything else is true.
    ///
    /// ```
    /// use flask_session_cookie::Value;
    /// assert!(!Value::None.is_truthy() && !Value::from(0).is_truthy() && !Value::from("").is_truthy());
    /// assert!(Value::from(true).is_truthy() && Value::from("x").is_truthy());
    /// ```
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => i.as_i64() != Some(0),
            Value::Float(f) => *f != 0.0,
            Value::Str(s) | Value::Markup(s) => !s.is_empty(),
            Value::List(v) | Value::Tuple(v) => !v.is_empty(),
            Value::Dict(d) => !d.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::Set(v) => !v.is_empty(),
            Value::Uuid(_) | Value::DateTime(_) | Value::NaiveDateTime(_) | Value::Date(_) => true,
        }
    }

    /// The Python type name: `NoneType`, `bool`, `int`, `float`, `str`, `list`,
    /// `tuple`, `dict`, `bytes`, `Markup`, `UUID`, `datetime`, `date` or `set`.
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
            Value::DateTime(_) | Value::NaiveDateTime(_) => "datetime",
            Value::Date(_) => "date",
            Value::Set(_) => "set",
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
    /// equality a round trip through a cookie preserves. Dicts compare as Python's
    /// do (the same keys, in any order); sets in their order.
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
            (Value::List(a), Value::List(b))
            | (Value::Tuple(a), Value::Tuple(b))
            | (Value::Set(a), Value::Set(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_as(y))
            }
            (Value::Dict(a), Value::Dict(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, va)| b.get(k).is_some_and(|vb| va.same_as(vb)))
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
