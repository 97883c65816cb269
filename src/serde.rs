//! Typed sessions: serde to and from the value tree.
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
//! - enums: unit variants as their name, others as `{"Variant": value}`.
//!
//! Deserializing, a `UUID` reads as its hyphenated string and a `datetime` as RFC 3339
//! text, so `String`, `uuid::Uuid` and RFC-3339 datetime types all accept them.

use std::fmt;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde::ser::{self, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::{Error, PayloadStage, Result};
use crate::tagged::value::{Dict, Int, Key, Value};

/// Newtype-struct names that carry a Python type through serde's data model.
pub(crate) const MARKUP_TOKEN: &str = "$flask_session_cookie::Markup";
pub(crate) const UUID_TOKEN: &str = "$flask_session_cookie::Uuid";
pub(crate) const DATETIME_TOKEN: &str = "$flask_session_cookie::DateTime";
pub(crate) const TUPLE_TOKEN: &str = "$flask_session_cookie::Tuple";

/// Serializes any `T: Serialize` into a [`Value`].
///
/// ```
/// use flask_session_cookie::{serde::to_value, Value};
///
/// let v = to_value(&("message", "Hello!"))?;
/// assert_eq!(v, Value::Tuple(vec![Value::from("message"), Value::from("Hello!")]));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value> {
    value.serialize(ValueSerializer)
}

/// Serializes `T` as a session: it must become a dict (a struct or a map).
pub(crate) fn to_session_dict<T: Serialize + ?Sized>(value: &T) -> Result<Dict> {
    match to_value(value)? {
        Value::Dict(d) => Ok(d),
        other => Err(Error::unencodable(format!(
            "a session must serialize to a map, not a {}",
            other.type_name()
        ))),
    }
}

/// Deserializes a `T` from a [`Value`].
///
/// ```
/// use flask_session_cookie::{serde::from_value, Value};
///
/// let flashes: Vec<(String, String)> = from_value(Value::List(vec![
///     Value::Tuple(vec![Value::from("message"), Value::from("Hello!")]),
/// ]))?;
/// assert_eq!(flashes, [("message".to_owned(), "Hello!".to_owned())]);
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T> {
    T::deserialize(value)
}

fn type_error(msg: impl fmt::Display) -> Error {
    Error::payload(PayloadStage::Type, msg.to_string())
}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::unencodable(msg.to_string())
    }
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        type_error(msg)
    }
}

struct ValueSerializer;

/// Collects sequence items; `tuple` decides list or tuple.
struct SeqBuilder {
    items: Vec<Value>,
    tuple: bool,
    /// For tuple variants: `{"Variant": [...]}`.
    variant: Option<&'static str>,
}

struct MapBuilder {
    dict: Dict,
    next_key: Option<String>,
    variant: Option<&'static str>,
}

fn wrap_variant(variant: Option<&'static str>, value: Value) -> Value {
    match variant {
        Some(name) => {
            let mut d = Dict::new();
            d.insert(name, value);
            Value::Dict(d)
        }
        None => value,
    }
}

impl ser::Serializer for ValueSerializer {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = SeqBuilder;
    type SerializeTuple = SeqBuilder;
    type SerializeTupleStruct = SeqBuilder;
    type SerializeTupleVariant = SeqBuilder;
    type SerializeMap = MapBuilder;
    type SerializeStruct = MapBuilder;
    type SerializeStructVariant = MapBuilder;

    fn serialize_bool(self, v: bool) -> Result<Value> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value> {
        Ok(Value::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<Value> {
        Ok(Value::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<Value> {
        Ok(Value::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<Value> {
        Ok(Value::from(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Value> {
        Ok(Value::from(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Value> {
        Ok(Value::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<Value> {
        Ok(Value::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<Value> {
        Ok(Value::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<Value> {
        Ok(Value::from(v))
    }
    fn serialize_u128(self, v: u128) -> Result<Value> {
        Ok(Value::from(v))
    }
    fn serialize_f32(self, v: f32) -> Result<Value> {
        Ok(Value::Float(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result<Value> {
        Ok(Value::Float(v))
    }
    fn serialize_char(self, v: char) -> Result<Value> {
        Ok(Value::Str(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value> {
        Ok(Value::Str(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value> {
        Ok(Value::Bytes(v.to_vec()))
    }
    fn serialize_none(self) -> Result<Value> {
        Ok(Value::None)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value> {
        Ok(Value::None)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value> {
        Ok(Value::None)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value> {
        Ok(Value::Str(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value> {
        let inner = value.serialize(ValueSerializer)?;
        match (name, inner) {
            (MARKUP_TOKEN, Value::Str(s)) => Ok(Value::Markup(s)),
            (UUID_TOKEN, Value::Str(s)) => crate::tagged::tags::parse_uuid(&s)
                .map(Value::Uuid)
                .ok_or_else(|| Error::unencodable(format!("{s:?} is not a UUID"))),
            (DATETIME_TOKEN, Value::Str(s)) => OffsetDateTime::parse(&s, &Rfc3339)
                .map(Value::DateTime)
                .map_err(|e| Error::unencodable(format!("{s:?} is not an RFC 3339 datetime: {e}"))),
            (TUPLE_TOKEN, Value::List(items) | Value::Tuple(items)) => Ok(Value::Tuple(items)),
            (TUPLE_TOKEN, other) => Err(Error::unencodable(format!(
                "tags::Tuple must wrap a sequence, not a {}",
                other.type_name()
            ))),
            (_, inner) => Ok(inner),
        }
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value> {
        Ok(wrap_variant(
            Some(variant),
            value.serialize(ValueSerializer)?,
        ))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder> {
        Ok(SeqBuilder {
            items: Vec::with_capacity(len.unwrap_or(0).min(4096)),
            tuple: false,
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder> {
        Ok(SeqBuilder {
            items: Vec::with_capacity(len.min(4096)),
            tuple: true,
            variant: None,
        })
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqBuilder> {
        self.serialize_tuple(len)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqBuilder> {
        Ok(SeqBuilder {
            items: Vec::with_capacity(len.min(4096)),
            tuple: true,
            variant: Some(variant),
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapBuilder> {
        Ok(MapBuilder {
            // Sized up front (the hint is the caller's word, so bounded).
            dict: Dict::with_capacity(len.unwrap_or(0).min(4096)),
            next_key: None,
            variant: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapBuilder> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<MapBuilder> {
        Ok(MapBuilder {
            dict: Dict::new(),
            next_key: None,
            variant: Some(variant),
        })
    }
}

impl SeqBuilder {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.items.push(value.serialize(ValueSerializer)?);
        Ok(())
    }
    fn finish(self) -> Value {
        let v = if self.tuple {
            Value::Tuple(self.items)
        } else {
            Value::List(self.items)
        };
        wrap_variant(self.variant, v)
    }
}

impl ser::SerializeSeq for SeqBuilder {
    type Ok = Value;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeTuple for SeqBuilder {
    type Ok = Value;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleStruct for SeqBuilder {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleVariant for SeqBuilder {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

/// Turns a serialized map key into the string Python's `json` would write.
fn key_string(key: Value) -> Result<String> {
    match key {
        Value::Str(s) | Value::Markup(s) => Ok(s),
        Value::Int(i) => Ok(i.to_string()),
        Value::Bool(b) => Ok(if b { "true" } else { "false" }.to_owned()),
        Value::None => Ok("null".to_owned()),
        Value::Float(f) => {
            let mut s = String::new();
            crate::tagged::json::push_float(f, &mut s, "NaN", "Infinity");
            Ok(s)
        }
        other => Err(Error::unencodable(format!(
            "a dict key must be a string, number or bool, not a {}",
            other.type_name()
        ))),
    }
}

impl ser::SerializeMap for MapBuilder {
    type Ok = Value;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.next_key = Some(key_string(key.serialize(ValueSerializer)?)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .next_key
            .take()
            .ok_or_else(|| Error::unencodable("a map value came without its key"))?;
        self.dict.insert(key, value.serialize(ValueSerializer)?);
        Ok(())
    }
    fn end(self) -> Result<Value> {
        Ok(wrap_variant(self.variant, Value::Dict(self.dict)))
    }
}

impl ser::SerializeStruct for MapBuilder {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.dict.insert(key, value.serialize(ValueSerializer)?);
        Ok(())
    }
    fn end(self) -> Result<Value> {
        Ok(wrap_variant(self.variant, Value::Dict(self.dict)))
    }
}

impl ser::SerializeStructVariant for MapBuilder {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<Value> {
        ser::SerializeStruct::end(self)
    }
}

fn rfc3339(dt: &OffsetDateTime) -> Result<String> {
    dt.format(&Rfc3339)
        .map_err(|e| type_error(format!("the datetime cannot be written as RFC 3339: {e}")))
}

fn hyphenated(u: &uuid::Uuid) -> String {
    u.hyphenated().to_string()
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
            Value::DateTime(_) => de::Unexpected::Other("datetime"),
        }
    }
}

/// An integer in the narrowest of serde's integer types that holds it.
enum SerdeInt {
    I64(i64),
    U64(u64),
    I128(i128),
    U128(u128),
}

fn serde_int(i: &Int) -> Option<SerdeInt> {
    i.as_i64()
        .map(SerdeInt::I64)
        .or_else(|| i.as_u64().map(SerdeInt::U64))
        .or_else(|| i.as_i128().map(SerdeInt::I128))
        .or_else(|| i.to_string().parse().ok().map(SerdeInt::U128))
}

fn visit_int<'de, V: Visitor<'de>>(i: Int, visitor: V) -> Result<V::Value> {
    match serde_int(&i) {
        Some(SerdeInt::I64(v)) => visitor.visit_i64(v),
        Some(SerdeInt::U64(v)) => visitor.visit_u64(v),
        Some(SerdeInt::I128(v)) => visitor.visit_i128(v),
        Some(SerdeInt::U128(v)) => visitor.visit_u128(v),
        None => Err(type_error(format!(
            "the integer {i} is too large for any Rust integer type"
        ))),
    }
}

impl<'de> de::Deserializer<'de> for Value {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::None => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Int(i) => visit_int(i, visitor),
            Value::Float(f) => visitor.visit_f64(f),
            Value::Str(s) | Value::Markup(s) => visitor.visit_string(s),
            Value::List(items) | Value::Tuple(items) => {
                visitor.visit_seq(de::value::SeqDeserializer::new(items.into_iter()))
            }
            Value::Dict(d) => visitor.visit_map(DictAccess {
                entries: d.into_iter().into_compact(),
                value: None,
            }),
            Value::Bytes(b) => visitor.visit_byte_buf(b),
            Value::Uuid(u) => visitor.visit_string(hyphenated(&u)),
            Value::DateTime(dt) => visitor.visit_string(rfc3339(&dt)?),
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
            Value::Bytes(b) => visitor.visit_seq(de::value::SeqDeserializer::new(b.into_iter())),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_byte_buf(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Value::Bytes(b) => visitor.visit_byte_buf(b),
            Value::Str(s) => visitor.visit_string(s),
            Value::List(items) | Value::Tuple(items) => {
                visitor.visit_seq(de::value::SeqDeserializer::new(items.into_iter()))
            }
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        match (name, self) {
            (TUPLE_TOKEN, Value::List(items) | Value::Tuple(items)) => {
                visitor.visit_seq(de::value::SeqDeserializer::new(items.into_iter()))
            }
            (_, value) => visitor.visit_newtype_struct(value),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self {
            Value::Str(s) => visitor.visit_enum(s.into_deserializer()),
            Value::Dict(d) if d.len() == 1 => {
                let Some((variant, value)) = d.into_iter().next() else {
                    return Err(type_error("an enum must be a string or a one-key dict"));
                };
                visitor.visit_enum(EnumAccess { variant, value })
            }
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
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        tuple tuple_struct map struct identifier ignored_any
    }
}

impl<'de> IntoDeserializer<'de, Error> for Value {
    type Deserializer = Value;
    fn into_deserializer(self) -> Value {
        self
    }
}

/// Walks a dict's entries for `visit_map`, handing keys over as `&str` (no copy).
struct DictAccess {
    entries: std::vec::IntoIter<(Key, Value)>,
    value: Option<Value>,
}

impl<'de> de::MapAccess<'de> for DictAccess {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(KeyDeserializer(key)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let value = self
            .value
            .take()
            .ok_or_else(|| type_error("a map value was asked for before its key"))?;
        seed.deserialize(value)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A dict key as a deserializer: always a string (a [`Key`], or text borrowed from
/// the JSON).
pub(crate) struct KeyDeserializer<K = Key>(pub(crate) K);

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

struct EnumAccess {
    variant: String,
    value: Value,
}

impl<'de> de::EnumAccess<'de> for EnumAccess {
    type Error = Error;
    type Variant = Value;
    fn variant_seed<S: de::DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Value)> {
        let variant: de::value::StringDeserializer<Error> = self.variant.into_deserializer();
        Ok((seed.deserialize(variant)?, self.value))
    }
}

impl<'de> de::VariantAccess<'de> for Value {
    type Error = Error;
    fn unit_variant(self) -> Result<()> {
        match self {
            Value::None => Ok(()),
            other => Err(de::Error::invalid_type(
                other.unexpected(),
                &"a unit variant",
            )),
        }
    }
    fn newtype_variant_seed<S: de::DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(self, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}

impl Serialize for Value {
    /// Serializes the tree so that [`to_value`] gives it back unchanged (tuples,
    /// bytes, Markup, UUIDs and datetimes keep their type). With other serializers
    /// (`serde_json`), tuples become arrays, Markup and UUIDs strings and datetimes
    /// RFC 3339 strings.
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use ser::SerializeSeq;
        match self {
            Value::None => serializer.serialize_none(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Int(i) => match serde_int(i) {
                Some(SerdeInt::I64(v)) => serializer.serialize_i64(v),
                Some(SerdeInt::U64(v)) => serializer.serialize_u64(v),
                Some(SerdeInt::I128(v)) => serializer.serialize_i128(v),
                Some(SerdeInt::U128(v)) => serializer.serialize_u128(v),
                None => Err(ser::Error::custom(format!(
                    "the integer {i} is too large for serde's integer types"
                ))),
            },
            Value::Float(f) => serializer.serialize_f64(*f),
            Value::Str(s) => serializer.serialize_str(s),
            Value::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Tuple(items) => {
                serializer.serialize_newtype_struct(TUPLE_TOKEN, &ListRef(items))
            }
            Value::Dict(d) => d.serialize(serializer),
            Value::Bytes(b) => serializer.serialize_bytes(b),
            Value::Markup(s) => serializer.serialize_newtype_struct(MARKUP_TOKEN, s),
            Value::Uuid(u) => serializer.serialize_newtype_struct(UUID_TOKEN, &hyphenated(u)),
            Value::DateTime(dt) => {
                let text = dt.format(&Rfc3339).map_err(ser::Error::custom)?;
                serializer.serialize_newtype_struct(DATETIME_TOKEN, &text)
            }
        }
    }
}

impl Serialize for Dict {
    /// A map of the entries, in key order; see [`Value`]'s `Serialize`.
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl Serialize for crate::session::Session {
    /// The session as a map, in key order; see [`Value`]'s `Serialize`.
    ///
    /// ```
    /// let session: flask_session_cookie::Session = [("user_id", 42)].into_iter().collect();
    /// assert_eq!(flask_session_cookie::serde::to_value(&session)?.as_dict().map(|d| d.len()), Some(1));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.as_dict().serialize(serializer)
    }
}

struct ListRef<'a>(&'a [Value]);

impl Serialize for ListRef<'_> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0)
    }
}

impl<'de> de::Deserialize<'de> for Value {
    /// Builds a tree from any deserializer. Sequences become lists and byte buffers
    /// bytes; the other Python types cannot be told apart from serde's data model.
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
        f.write_str("any value")
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
        let mut d = Dict::new();
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            d.insert(k, v);
        }
        Ok(Value::Dict(d))
    }
}
