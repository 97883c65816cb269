//! Serializing into the value tree: [`to_value`] and `Serialize` for [`Value`] and
//! [`Dict`].

use serde::ser::{self, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Dict, Int, Value};
use crate::error::{Error, Result};
use crate::python::Excerpt;
use crate::tags::{DATETIME_TOKEN, INT_TOKEN, MARKUP_TOKEN, TUPLE_TOKEN, UUID_TOKEN};

/// Serializes any `T: Serialize` into a [`Value`].
///
/// ```
/// use flask_session_cookie::{to_value, Value};
///
/// let v = to_value(&("message", "Hello!"))?;
/// assert_eq!(v, Value::Tuple(vec![Value::from("message"), Value::from("Hello!")]));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value> {
    value.serialize(ValueSerializer)
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
            (UUID_TOKEN, Value::Str(s)) => crate::python::parse_uuid(&s)
                .map(Value::Uuid)
                .ok_or_else(|| Error::unencodable(format!("{} is not a UUID", Excerpt(&s)))),
            (DATETIME_TOKEN, Value::Str(s)) => OffsetDateTime::parse(&s, &Rfc3339)
                .map(Value::DateTime)
                .map_err(|e| {
                    Error::unencodable(format!("{} is not an RFC 3339 datetime: {e}", Excerpt(&s)))
                }),
            (INT_TOKEN, Value::Str(s)) => Int::parse_decimal(&s)
                .map(Value::Int)
                .ok_or_else(|| Error::unencodable(format!("{} is not an integer", Excerpt(&s)))),
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
            crate::python::push_float(f, &mut s, "NaN", "Infinity");
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

pub(super) fn hyphenated(u: &uuid::Uuid) -> String {
    u.hyphenated().to_string()
}

pub(super) enum SerdeInt {
    I64(i64),
    U64(u64),
    I128(i128),
    U128(u128),
}

pub(super) fn serde_int(i: &Int) -> Option<SerdeInt> {
    i.as_i64()
        .map(SerdeInt::I64)
        .or_else(|| i.as_u64().map(SerdeInt::U64))
        .or_else(|| i.as_i128().map(SerdeInt::I128))
        .or_else(|| i.to_string().parse().ok().map(SerdeInt::U128))
}

impl Serialize for Value {
    /// Serializes the tree so that [`to_value`] gives it back unchanged (tuples,
    /// bytes, Markup, UUIDs and aware datetimes keep their type; naive datetimes and
    /// dates become their `isoformat()` text, sets lists). With other serializers
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
                // Beyond 128 bits: the decimal text, which this crate's serializer
                // turns back into the integer (other serializers write the text).
                None => serializer.serialize_newtype_struct(INT_TOKEN, &i.to_string()),
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
            // No serde form keeps these: naive datetimes and dates as their
            // `isoformat()`, sets as sequences.
            Value::NaiveDateTime(_) | Value::Date(_) => {
                serializer.serialize_str(&super::de::isoformat(self))
            }
            Value::Set(items) => serializer.collect_seq(items),
        }
    }
}

impl Serialize for Dict {
    /// A map of the entries, in insertion order; see [`Value`]'s `Serialize`.
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

struct ListRef<'a>(&'a [Value]);

impl Serialize for ListRef<'_> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0)
    }
}
