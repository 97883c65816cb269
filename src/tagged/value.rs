//! The value tree: Python's session types, kept apart so they survive a round trip.

use std::collections::BTreeMap;
use std::fmt;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::{Error, Result};

/// A dict with `str` keys. Keys iterate in code-point order, the order Flask's
/// `sort_keys=True` writes them in.
pub type Dict = BTreeMap<String, Value>;

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
