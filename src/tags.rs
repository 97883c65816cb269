//! Wrapper types that make your serde types carry Python's tagged types, so that
//! [`SessionCodec::encode_as`](crate::SessionCodec::encode_as) writes them exactly
//! as Flask would (` b`, ` m`, ` u`, ` d`, ` t` tags) and typed decoding reads them back.
//!
//! Rust tuples already become Python tuples; [`Tuple`] is for variable-length ones.
//! With other serializers (`serde_json`) the wrappers are transparent: bytes become
//! an array, Markup a string, a UUID its hyphenated text, a datetime RFC 3339 text.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use flask_session_cookie::{tags, SessionCodec};
//!
//! #[derive(Serialize, Deserialize, PartialEq, Debug)]
//! struct Custom {
//!     b: tags::Bytes,
//!     m: tags::Markup,
//!     u: tags::Uuid,
//!     path: tags::Tuple<Vec<u32>>,
//! }
//!
//! let value = Custom {
//!     b: tags::Bytes(b"\x00\x01binary\xff\xfe".to_vec()),
//!     m: tags::Markup("<b>bold</b>".into()),
//!     u: tags::Uuid(uuid::Uuid::from_u128(0x12345678_1234_5678_1234_567812345678)),
//!     path: tags::Tuple(vec![1, 2, 3]),
//! };
//! let codec = SessionCodec::new("dev-secret")?;
//! let cookie = codec.encode_as_at(&value, 1_700_000_000)?;
//! let back: Custom = codec.decode_as_at(&cookie, 1_700_000_000)?;
//! assert_eq!(back, value);
//! # Ok::<(), flask_session_cookie::Error>(())
//! ```

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::python::{self, Excerpt};

/// Newtype-struct names that carry a Python type through serde's data model to this
/// crate's serializer.
pub(crate) const MARKUP_TOKEN: &str = "$flask_session_cookie::Markup";
pub(crate) const UUID_TOKEN: &str = "$flask_session_cookie::Uuid";
pub(crate) const DATETIME_TOKEN: &str = "$flask_session_cookie::DateTime";
pub(crate) const TUPLE_TOKEN: &str = "$flask_session_cookie::Tuple";
/// An `int` beyond 128 bits, as its decimal text.
pub(crate) const INT_TOKEN: &str = "$flask_session_cookie::Int";

/// Python `bytes` (tag ` b`).
///
/// ```
/// use flask_session_cookie::{to_value, tags::Bytes, Value};
/// assert_eq!(to_value(&Bytes(vec![1, 2]))?, Value::Bytes(vec![1, 2]));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Bytes(pub Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Bytes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(Bytes(out))
            }
        }
        d.deserialize_byte_buf(V)
    }
}

/// `markupsafe.Markup` (tag ` m`): HTML text that templates must not escape again.
///
/// ```
/// use flask_session_cookie::{to_value, tags::Markup, Value};
/// assert_eq!(to_value(&Markup("<b>".into()))?, Value::Markup("<b>".into()));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Markup(pub String);

impl Serialize for Markup {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(MARKUP_TOKEN, &self.0)
    }
}

impl<'de> Deserialize<'de> for Markup {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Markup)
    }
}

/// `uuid.UUID` (tag ` u`).
///
/// ```
/// use flask_session_cookie::{to_value, tags::Uuid, Value};
/// let u = uuid::Uuid::nil();
/// assert_eq!(to_value(&Uuid(u))?, Value::Uuid(u));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Uuid(pub uuid::Uuid);

impl Serialize for Uuid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(UUID_TOKEN, &self.0.hyphenated().to_string())
    }
}

impl<'de> Deserialize<'de> for Uuid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        python::parse_uuid(&s)
            .map(Uuid)
            .ok_or_else(|| de::Error::custom(format!("{} is not a UUID", Excerpt(&s))))
    }
}

/// `datetime.datetime` (tag ` d`). Flask writes it in UTC to the whole second;
/// reading gives the offset the text carries (UTC for `GMT`).
///
/// Deserializes from RFC 3339 text (what typed decoding produces) or from an HTTP
/// date (`Tue, 02 Jan 2024 03:04:05 GMT`).
///
/// ```
/// use flask_session_cookie::{to_value, tags::DateTime, Value};
/// use time::macros::datetime;
/// let dt = datetime!(2024-01-02 03:04:05 UTC);
/// assert_eq!(to_value(&DateTime(dt))?, Value::DateTime(dt));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime(pub OffsetDateTime);

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = self.0.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
        s.serialize_newtype_struct(DATETIME_TOKEN, &text)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        OffsetDateTime::parse(&s, &Rfc3339)
            .ok()
            .or_else(|| python::parse_http_date(&s))
            .map(DateTime)
            .ok_or_else(|| {
                de::Error::custom(format!("{} is not an RFC 3339 or HTTP date", Excerpt(&s)))
            })
    }
}

/// A Python `tuple` of any length (tag ` t`); wrap a `Vec` or other sequence.
///
/// ```
/// use flask_session_cookie::{to_value, tags::Tuple, Value};
/// assert_eq!(to_value(&Tuple(vec![1]))?, Value::Tuple(vec![Value::from(1)]));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Tuple<T>(pub T);

impl<T: Serialize> Serialize for Tuple<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(TUPLE_TOKEN, &self.0)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Tuple<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Tuple)
    }
}
