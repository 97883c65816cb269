//! Deserializing from the value tree: [`from_value`], `Deserializer for &Value`, and
//! `Deserialize for Value`.
//!
//! Flask's tagged types have no place of their own in serde's data model: a tuple is
//! handed to ordinary types as a sequence, `Markup` as a string, a UUID as its
//! hyphenated text, a datetime as RFC 3339 text. A [`Value`] being deserialized from a
//! deserializer of this crate gets them in a lossless form instead (a one-entry map
//! under a reserved key), so that a `Value` read from a cookie and written back is the
//! same value. serde's own buffering (`#[serde(flatten)]`, untagged and internally
//! tagged enums) is handed the same lossless form, so that a flattened
//! `HashMap<String, Value>` keeps the tags too.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use time::{OffsetDateTime, UtcOffset};

use super::ser::{SerdeInt, hyphenated, serde_int};
use super::{Dict, Int, Value};
use crate::error::{Error, PayloadStage, Result};
use crate::python::Excerpt;

/// Deserializes a `T` from a [`Value`].
///
/// ```
/// use flask_session_cookie::{from_value, Value};
///
/// let flashes: Vec<(String, String)> = from_value(Value::List(vec![
///     Value::Tuple(vec![Value::from("message"), Value::from("Hello!")]),
/// ]))?;
/// assert_eq!(flashes, [("message".to_owned(), "Hello!".to_owned())]);
///
/// // A `Value` comes back as it was, tuple and all.
/// let tuple = Value::Tuple(vec![Value::from(1), Value::from(2)]);
/// assert_eq!(from_value::<Value>(tuple.clone())?, tuple);
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T> {
    T::deserialize(&value)
}

fn type_error(msg: impl fmt::Display) -> Error {
    Error::payload(PayloadStage::Type, msg.to_string())
}

/// Reserved keys of the lossless form: a one-entry map under one of these is the
/// tagged value itself.
const MAGIC_PREFIX: &str = "$flask_session_cookie::";
const MAGIC_TUPLE: &str = "$flask_session_cookie::Tuple";
const MAGIC_MARKUP: &str = "$flask_session_cookie::Markup";
const MAGIC_UUID: &str = "$flask_session_cookie::Uuid";
const MAGIC_DATETIME: &str = "$flask_session_cookie::DateTime";
const MAGIC_INT: &str = "$flask_session_cookie::Int";
/// A dict whose first key starts with [`MAGIC_PREFIX`], so that it is not mistaken
/// for one of the above.
const MAGIC_DICT: &str = "$flask_session_cookie::Dict";

/// What [`ValueVisitor`] expects; the text identifies it to the deserializers of
/// this crate.
const VALUE_EXPECTING: &str = "a Flask session value";
/// What serde's own buffering visitor expects (flatten, untagged enums).
const CONTENT_EXPECTING: &str = "any value";

/// Whether `visitor` is one that wants Flask's types losslessly: the [`Value`]
/// visitor, or serde's buffering one (whose content may end up in a `Value`).
pub(crate) fn wants_lossless<'de, V: Visitor<'de>>(visitor: &V) -> bool {
    struct Expecting<'a, V>(&'a V);
    impl<'de, V: Visitor<'de>> fmt::Display for Expecting<'_, V> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)
        }
    }
    let mut buf = crate::python::StackText::<32>::new();
    use fmt::Write as _;
    if write!(buf, "{}", Expecting(visitor)).is_err() {
        return false;
    }
    matches!(buf.as_str(), VALUE_EXPECTING | CONTENT_EXPECTING)
}

/// The lossless form of a datetime: Unix seconds, nanoseconds and the UTC offset in
/// seconds.
fn datetime_parts(dt: &OffsetDateTime) -> [i64; 3] {
    [
        dt.unix_timestamp(),
        i64::from(dt.nanosecond()),
        i64::from(dt.offset().whole_seconds()),
    ]
}

fn datetime_from_parts([secs, nanos, offset]: [i64; 3]) -> Option<OffsetDateTime> {
    let at = i128::from(secs) * 1_000_000_000 + i128::from(nanos);
    let utc = OffsetDateTime::from_unix_timestamp_nanos(at).ok()?;
    utc.checked_to_offset(UtcOffset::from_whole_seconds(i32::try_from(offset).ok()?).ok()?)
}

/// The lossless form of a UUID: its 128 bits as two halves.
fn uuid_parts(u: &uuid::Uuid) -> [u64; 2] {
    let (hi, lo) = u.as_u64_pair();
    [hi, lo]
}

/// Hands an integer to the visitor in the narrowest serde type that holds it.
fn visit_int<'de, V: Visitor<'de>>(i: &Int, visitor: V) -> Result<V::Value> {
    match serde_int(i) {
        Some(SerdeInt::I64(v)) => visitor.visit_i64(v),
        Some(SerdeInt::U64(v)) => visitor.visit_u64(v),
        Some(SerdeInt::I128(v)) => visitor.visit_i128(v),
        Some(SerdeInt::U128(v)) => visitor.visit_u128(v),
        None => Err(type_error(format!(
            "the integer {i} is too large for any Rust integer type"
        ))),
    }
}

/// Hands a scalar (no container, no tag) to a visitor, by value. The one-pass typed
/// reader uses it for what it reads as a small tree.
pub(crate) fn visit_scalar<'de, V: Visitor<'de>>(value: Value, visitor: V) -> Result<V::Value> {
    match value {
        Value::None => visitor.visit_unit(),
        Value::Bool(b) => visitor.visit_bool(b),
        Value::Int(i) => visit_int(&i, visitor),
        Value::Float(f) => visitor.visit_f64(f),
        Value::Str(s) => visitor.visit_string(s),
        other => Err(type_error(format!(
            "a {} is not a scalar",
            other.type_name()
        ))),
    }
}

impl Value {
    fn unexpected(&self) -> de::Unexpected<'_> {
        match self {
            Value::None => de::Unexpected::Unit,
            Value::Bool(b) => de::Unexpected::Bool(*b),
            Value::Int(i) => match i.as_i64() {
                Some(v) => de::Unexpected::Signed(v),
                None => de::Unexpected::Other("a big integer"),
            },
            Value::Float(f) => de::Unexpected::Float(*f),
            Value::Str(s) | Value::Markup(s) => de::Unexpected::Str(s),
            Value::List(_) => de::Unexpected::Seq,
            Value::Tuple(_) => de::Unexpected::Other("tuple"),
            Value::Dict(_) => de::Unexpected::Map,
            Value::Bytes(b) => de::Unexpected::Bytes(b),
            Value::Uuid(_) => de::Unexpected::Other("UUID"),
            Value::DateTime(_) | Value::NaiveDateTime(_) => de::Unexpected::Other("datetime"),
            Value::Date(_) => de::Unexpected::Other("date"),
            Value::Set(_) => de::Unexpected::Other("set"),
        }
    }

    /// The lossless form, for the values that need one (`None` for the others).
    fn lossless<'de, V: Visitor<'de>>(&'de self, visitor: V) -> Result<LosslessOr<'de, V>> {
        let wrapped = match self {
            Value::Tuple(items) => Lossless::Seq(MAGIC_TUPLE, items),
            Value::Markup(s) => Lossless::Text(MAGIC_MARKUP, Cow::Borrowed(s)),
            Value::Uuid(u) => Lossless::Unsigned(MAGIC_UUID, uuid_parts(u)),
            Value::DateTime(dt) => Lossless::Signed(MAGIC_DATETIME, datetime_parts(dt)),
            Value::Int(i) if i.as_i64().is_none() && i.as_u64().is_none() => {
                Lossless::Text(MAGIC_INT, Cow::Owned(i.to_string()))
            }
            Value::Dict(d) if looks_magic(d) => Lossless::Dict(d),
            _ => return Ok(LosslessOr::Not(visitor)),
        };
        if !wants_lossless(&visitor) {
            return Ok(LosslessOr::Not(visitor));
        }
        visitor
            .visit_map(MagicAccess {
                entry: Some(wrapped),
            })
            .map(LosslessOr::Done)
    }
}

enum LosslessOr<'de, V: Visitor<'de>> {
    Done(V::Value),
    Not(V),
}

/// The value of a lossless one-entry map.
enum Lossless<'de> {
    Seq(&'static str, &'de [Value]),
    Text(&'static str, Cow<'de, str>),
    Signed(&'static str, [i64; 3]),
    Unsigned(&'static str, [u64; 2]),
    Dict(&'de Dict),
}

impl Lossless<'_> {
    fn key(&self) -> &'static str {
        match self {
            Lossless::Seq(k, _)
            | Lossless::Text(k, _)
            | Lossless::Signed(k, _)
            | Lossless::Unsigned(k, _) => k,
            Lossless::Dict(_) => MAGIC_DICT,
        }
    }
}

struct MagicAccess<'de> {
    entry: Option<Lossless<'de>>,
}

impl<'de> de::MapAccess<'de> for MagicAccess<'de> {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match &self.entry {
            Some(e) => seed.deserialize(KeyDeserializer(e.key())).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        match self.entry.take() {
            Some(Lossless::Seq(_, items)) => seed.deserialize(SeqDeserializer(items)),
            Some(Lossless::Text(_, Cow::Borrowed(s))) => {
                seed.deserialize(de::value::BorrowedStrDeserializer::new(s))
            }
            Some(Lossless::Text(_, Cow::Owned(s))) => {
                seed.deserialize(de::value::StringDeserializer::new(s))
            }
            Some(Lossless::Signed(_, parts)) => {
                seed.deserialize(de::value::SeqDeserializer::new(parts.into_iter()))
            }
            Some(Lossless::Unsigned(_, parts)) => {
                seed.deserialize(de::value::SeqDeserializer::new(parts.into_iter()))
            }
            Some(Lossless::Dict(d)) => seed.deserialize(PlainDict(d)),
            None => Err(type_error("a map value was asked for before its key")),
        }
    }
}

/// A list or tuple as a deserializer: always a sequence.
struct SeqDeserializer<'de>(&'de [Value]);

impl<'de> de::Deserializer<'de> for SeqDeserializer<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visit_seq(self.0, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// A dict as a plain map (its keys never read as reserved ones).
struct PlainDict<'de>(&'de Dict);

impl<'de> de::Deserializer<'de> for PlainDict<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_map(DictAccess {
            entries: self.0.iter(),
            value: None,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

fn visit_seq<'de, V: Visitor<'de>>(items: &'de [Value], visitor: V) -> Result<V::Value> {
    visit_items(items, false, visitor)
}

/// Hands `items` to the visitor; an item's error names its place (`[i]` in a
/// list, `.i` in a tuple).
fn visit_items<'de, V: Visitor<'de>>(
    items: &'de [Value],
    tuple: bool,
    visitor: V,
) -> Result<V::Value> {
    let mut seq = ItemsAccess {
        items: items.iter(),
        index: 0,
        tuple,
    };
    let value = visitor.visit_seq(&mut seq)?;
    let left = seq.items.len();
    if left > 0 {
        return Err(de::Error::invalid_length(items.len(), &"fewer elements"));
    }
    Ok(value)
}

struct ItemsAccess<'de> {
    items: std::slice::Iter<'de, Value>,
    index: usize,
    tuple: bool,
}

impl<'de> de::SeqAccess<'de> for ItemsAccess<'de> {
    type Error = Error;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let i = self.index;
        self.index += 1;
        seed.deserialize(item)
            .map(Some)
            .map_err(|e| e.at_index(i, self.tuple))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

impl<'de> de::Deserializer<'de> for &'de Value {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let visitor = match self.lossless(visitor)? {
            LosslessOr::Done(value) => return Ok(value),
            LosslessOr::Not(visitor) => visitor,
        };
        match self {
            Value::None => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visit_int(i, visitor),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Str(s) | Value::Markup(s) => visitor.visit_borrowed_str(s),
            Value::List(items) => visit_seq(items, visitor),
            Value::Tuple(items) => visit_items(items, true, visitor),
            Value::Dict(d) => d.deserialize_any(visitor),
            Value::Bytes(b) => visitor.visit_borrowed_bytes(b),
            Value::Uuid(u) => visitor.visit_string(hyphenated(u)),
            Value::DateTime(dt) => visitor.visit_string(rfc3339(dt)?),
            Value::NaiveDateTime(_) | Value::Date(_) => visitor.visit_string(isoformat(self)),
            Value::Set(items) => visit_seq(items, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::None => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::Bytes(b) => {
                let mut seq = de::value::SeqDeserializer::new(b.iter().copied());
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Value::List(items) => visit_seq(items, visitor),
            Value::Tuple(items) => visit_items(items, true, visitor),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::Str(s) | Value::Markup(s) => visitor.visit_borrowed_str(s),
            Value::Uuid(u) => visitor.visit_string(hyphenated(u)),
            Value::DateTime(dt) => visitor.visit_string(rfc3339(dt)?),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::Bytes(b) => visitor.visit_borrowed_bytes(b),
            Value::Str(s) => visitor.visit_borrowed_str(s),
            Value::List(items) => visit_seq(items, visitor),
            Value::Tuple(items) => visit_items(items, true, visitor),
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self {
            Value::Str(s) => visitor.visit_enum(de::value::BorrowedStrDeserializer::new(s)),
            Value::Dict(d) if d.len() == 1 => match d.iter().next() {
                Some((variant, value)) => visitor.visit_enum(EnumAccess { variant, value }),
                None => Err(type_error("an enum must be a string or a one-key dict")),
            },
            other => Err(de::Error::invalid_type(other.unexpected(), &"an enum")),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::None => visitor.visit_unit(),
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn is_human_readable(&self) -> bool {
        true
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
        map struct identifier ignored_any
    }
}

/// Whether a dict's first key could be read as a reserved one.
fn looks_magic(d: &Dict) -> bool {
    d.keys().next().is_some_and(|k| k.starts_with(MAGIC_PREFIX))
}

/// A dict deserializes as a map (the [`Session`](crate::Session)'s own dict too:
/// `T::deserialize(&dict)` reads it without a copy).
impl<'de> de::Deserializer<'de> for &'de Dict {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if looks_magic(self) && wants_lossless(&visitor) {
            return visitor.visit_map(MagicAccess {
                entry: Some(Lossless::Dict(self)),
            });
        }
        PlainDict(self).deserialize_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        true
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de> IntoDeserializer<'de, Error> for &'de Value {
    type Deserializer = &'de Value;
    fn into_deserializer(self) -> &'de Value {
        self
    }
}

/// `isoformat()` of a naive datetime or a date (empty for other values).
pub(crate) fn isoformat(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::NaiveDateTime(dt) => crate::python::push_isoformat(*dt, false, &mut out),
        Value::Date(d) => crate::python::push_isoformat(d.midnight(), true, &mut out),
        _ => {}
    }
    out
}

fn rfc3339(dt: &OffsetDateTime) -> Result<String> {
    dt.format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| type_error(format!("the datetime cannot be written as RFC 3339: {e}")))
}

/// Walks a dict's entries for `visit_map`, handing keys over borrowed.
struct DictAccess<'de> {
    entries: super::DictIter<'de>,
    value: Option<(&'de str, &'de Value)>,
}

impl<'de> de::MapAccess<'de> for DictAccess<'de> {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some((key, value));
                seed.deserialize(KeyDeserializer(key)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let (key, value) = self
            .value
            .take()
            .ok_or_else(|| type_error("a map value was asked for before its key"))?;
        seed.deserialize(value).map_err(|e| e.at_key(key))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A dict key as a deserializer: always a string (borrowed from the tree or the
/// JSON text, or owned).
pub(crate) struct KeyDeserializer<K>(pub(crate) K);

impl<'de, K: AsRef<str> + Into<String>> de::Deserializer<'de> for KeyDeserializer<K> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_str(self.0.as_ref())
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_enum(self.0.into().into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

struct EnumAccess<'de> {
    variant: &'de str,
    value: &'de Value,
}

impl<'de> de::EnumAccess<'de> for EnumAccess<'de> {
    type Error = Error;
    type Variant = VariantAccess<'de>;
    fn variant_seed<S: de::DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, VariantAccess<'de>)> {
        let variant = seed.deserialize(de::value::BorrowedStrDeserializer::<Error>::new(
            self.variant,
        ))?;
        Ok((variant, VariantAccess(self.value)))
    }
}

struct VariantAccess<'de>(&'de Value);

impl<'de> de::VariantAccess<'de> for VariantAccess<'de> {
    type Error = Error;
    fn unit_variant(self) -> Result<()> {
        match self.0 {
            Value::None => Ok(()),
            other => Err(de::Error::invalid_type(
                other.unexpected(),
                &"a unit variant",
            )),
        }
    }
    fn newtype_variant_seed<S: de::DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value> {
        seed.deserialize(self.0)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(self.0, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_map(self.0, visitor)
    }
}

impl<'de> de::Deserialize<'de> for Value {
    /// Builds a tree from any deserializer. From this crate's deserializers (and
    /// through serde's buffering of them) every Python type comes back as it was;
    /// from others (`serde_json`), sequences become lists, byte buffers bytes, and the
    /// other Python types cannot be told apart from serde's data model.
    fn deserialize<D: de::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(VALUE_EXPECTING)
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u128<E>(self, v: u128) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> std::result::Result<Value, E> {
        Ok(Value::Bytes(v.to_vec()))
    }
    fn visit_byte_buf<E>(self, v: Vec<u8>) -> std::result::Result<Value, E> {
        Ok(Value::Bytes(v))
    }
    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::None)
    }
    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::None)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        de::Deserialize::deserialize(d)
    }
    fn visit_newtype_struct<D: de::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Value, D::Error> {
        de::Deserialize::deserialize(d)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::List(items))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let Some(first) = map.next_key::<Cow<'de, str>>()? else {
            return Ok(Value::Dict(Dict::new()));
        };
        let tagged = match first.as_ref() {
            MAGIC_TUPLE => Some(Value::Tuple(map.next_value()?)),
            MAGIC_MARKUP => Some(Value::Markup(map.next_value()?)),
            MAGIC_UUID => {
                let [hi, lo]: [u64; 2] = map.next_value()?;
                Some(Value::Uuid(uuid::Uuid::from_u64_pair(hi, lo)))
            }
            MAGIC_DATETIME => {
                let parts: [i64; 3] = map.next_value()?;
                let dt = datetime_from_parts(parts)
                    .ok_or_else(|| de::Error::custom(format!("{parts:?} is not a datetime")))?;
                Some(Value::DateTime(dt))
            }
            MAGIC_INT => {
                let text: Cow<'de, str> = map.next_value()?;
                let int = Int::parse_decimal(&text).ok_or_else(|| {
                    de::Error::custom(format!("{} is not an integer", Excerpt(&text)))
                })?;
                Some(Value::Int(int))
            }
            MAGIC_DICT => Some(Value::Dict(map.next_value_seed(PlainDictSeed)?)),
            _ => None,
        };
        if let Some(value) = tagged {
            if map.next_key::<de::IgnoredAny>()?.is_some() {
                return Err(de::Error::custom(format!(
                    "{first} must be the only key of its map"
                )));
            }
            return Ok(value);
        }
        let mut dict = Dict::with_capacity(map.size_hint().unwrap_or(0).min(4096) + 1);
        dict.insert(first, map.next_value::<Value>()?);
        read_entries(&mut dict, map)?;
        Ok(Value::Dict(dict))
    }
}

fn read_entries<'de, A: de::MapAccess<'de>>(
    dict: &mut Dict,
    mut map: A,
) -> std::result::Result<(), A::Error> {
    while let Some((k, v)) = map.next_entry::<Cow<'de, str>, Value>()? {
        dict.insert(k, v);
    }
    Ok(())
}

/// Reads a map as a dict whatever its keys (the inside of [`MAGIC_DICT`]).
struct PlainDictSeed;

impl<'de> de::DeserializeSeed<'de> for PlainDictSeed {
    type Value = Dict;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Dict, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PlainDictSeed {
    type Value = Dict;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a dict")
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> std::result::Result<Dict, A::Error> {
        let mut dict = Dict::new();
        read_entries(&mut dict, map)?;
        Ok(dict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_parts_round_trip() {
        let dt = time::macros::datetime!(2024-01-02 03:04:05.123456789 +05:30);
        assert_eq!(datetime_from_parts(datetime_parts(&dt)), Some(dt));
        assert_eq!(datetime_from_parts([0, 0, 100_000]), None);
        assert_eq!(datetime_from_parts([i64::MAX, 0, 0]), None);
    }
}
