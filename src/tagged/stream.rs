//! Typed decoding straight from the JSON text, without building the value tree.
//!
//! The common case — a session dict Flask wrote, keys sorted and unique, tags holding
//! what Flask puts in them — is read in one pass into the caller's type. Anything
//! else (a top level that is not a dict, unsorted or duplicate keys, ` di` escapes,
//! odd tag payloads, limits, or any error at all) falls back to the tree path, which
//! defines the semantics: the result is always what `from_value` on the tree gives.

use std::borrow::Cow;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

use super::json::{JsonFormat, Reader};
use super::tags::{self, TAG_BYTES, TAG_DATETIME, TAG_MARKUP, TAG_TUPLE, TAG_UUID};
use super::value::Value;
use crate::error::{Error, PayloadStage, Result};
use crate::limits::Limits;
use crate::serde::{KeyDeserializer, TUPLE_TOKEN};

/// Deepest nesting read in one pass (serde recursion); deeper input takes the tree path.
const STREAM_DEPTH: usize = 128;

/// Reads a session's JSON text into `T`: one pass when it can, the tree path otherwise
/// (where the top level becomes a session as Flask's `dict(data)` makes it).
pub(crate) fn session_from_text<T: DeserializeOwned>(text: &str, limits: &Limits) -> Result<T> {
    from_text(text, limits, true)
}

/// Reads Flask-tagged JSON text into `T`: one pass when it can, the tree path otherwise.
pub(crate) fn value_from_text<T: DeserializeOwned>(text: &str, limits: &Limits) -> Result<T> {
    from_text(text, limits, false)
}

fn from_text<T: DeserializeOwned>(text: &str, limits: &Limits, session: bool) -> Result<T> {
    let mut reader = Reader::new(text, true, limits);
    reader.skip_ws();
    let attempt = if reader.peek() == Some(b'{') {
        let mut stream = Stream {
            r: &mut reader,
            depth: 0,
        };
        T::deserialize(&mut stream)
    } else {
        Err(fallback())
    };
    let attempt = attempt.and_then(|v| {
        reader.skip_ws();
        if reader.at_end() {
            Ok(v)
        } else {
            Err(fallback())
        }
    });
    reader.finish();
    match attempt {
        Ok(v) => Ok(v),
        Err(_) => {
            #[cfg(test)]
            FALLBACKS.with(|n| n.set(n.get() + 1));
            let value = JsonFormat::flask().loads(text, limits)?;
            if session {
                crate::serde::from_value(Value::Dict(tags::into_session_dict(value)?))
            } else {
                crate::serde::from_value(value)
            }
        }
    }
}

#[cfg(test)]
thread_local! {
    /// How often this thread took the tree path (tests check the one-pass path is used).
    static FALLBACKS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Not an error the caller sees: the signal to take the tree path.
fn fallback() -> Error {
    Error::payload(PayloadStage::Type, "not read in one pass")
}

struct Stream<'r, 'a> {
    r: &'r mut Reader<'a>,
    depth: usize,
}

/// How the caller asked for a value, where a tag's answer depends on it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Any,
    Seq,
    Bytes,
}

impl<'a> Stream<'_, 'a> {
    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth >= STREAM_DEPTH.min(self.r.limits.max_depth()) {
            return Err(fallback());
        }
        Ok(())
    }

    fn expect(&mut self, byte: u8) -> Result<()> {
        self.r.skip_ws();
        if self.r.peek() != Some(byte) {
            return Err(fallback());
        }
        self.r.pos += 1;
        Ok(())
    }

    fn string(&mut self) -> Result<Cow<'a, str>> {
        if self.r.peek() != Some(b'"') {
            return Err(fallback());
        }
        self.r.string()
    }

    /// A dict: either a tag (one key) or a map.
    fn object<'de, V: Visitor<'de>>(&mut self, visitor: V, want: Want) -> Result<V::Value> {
        self.enter()?;
        self.r.pos += 1;
        self.r.skip_ws();
        if self.r.peek() == Some(b'}') {
            return Err(fallback()); // `{}`: rare; the tree path handles it
        }
        let key = self.r.key_text()?;
        let value = if tags::is_tag_key(&key) {
            self.tag(&key, visitor, want)?
        } else {
            let value = visitor.visit_map(MapStream {
                de: self,
                pending: Some(key.clone()),
                last: None,
            })?;
            self.r.skip_ws();
            value
        };
        self.expect(b'}')?;
        self.depth -= 1;
        Ok(value)
    }

    /// The payload of a one-key tag dict, as the tree's deserializer would hand it over.
    fn tag<'de, V: Visitor<'de>>(&mut self, tag: &str, visitor: V, want: Want) -> Result<V::Value> {
        match tag {
            TAG_TUPLE => {
                self.r.skip_ws();
                if self.r.peek() != Some(b'[') {
                    return Err(fallback());
                }
                self.seq(visitor)
            }
            TAG_BYTES => {
                let text = self.string()?;
                let bytes = tags::python_b64decode(&text).map_err(|_| fallback())?;
                match want {
                    Want::Seq => {
                        visitor.visit_seq(de::value::SeqDeserializer::new(bytes.into_iter()))
                    }
                    Want::Any | Want::Bytes => visitor.visit_byte_buf(bytes),
                }
            }
            TAG_MARKUP if want == Want::Any => {
                let text = self.string()?;
                visitor.visit_string(text.into_owned())
            }
            TAG_UUID if want == Want::Any => {
                let text = self.string()?;
                let uuid = tags::parse_uuid(&text).ok_or_else(fallback)?;
                visitor.visit_string(uuid.hyphenated().to_string())
            }
            TAG_DATETIME if want == Want::Any => {
                let text = self.string()?;
                let dt = tags::parse_http_date(&text).ok_or_else(fallback)?;
                let rfc = dt
                    .format(&time::format_description::well_known::Rfc3339)
                    .map_err(|_| fallback())?;
                visitor.visit_string(rfc)
            }
            _ => Err(fallback()),
        }
    }

    /// A list: items handed to the visitor one by one.
    fn seq<'de, V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        self.enter()?;
        self.r.pos += 1;
        let value = visitor.visit_seq(SeqStream {
            de: self,
            first: true,
        })?;
        self.expect(b']')?;
        self.depth -= 1;
        Ok(value)
    }

    /// A scalar, as the tree's own deserializer hands it over: strings as text,
    /// integers that fit 64 bits as `i64` (what `Int` gives for them), floats as the
    /// same `f64` parse; anything else through a tree value.
    fn scalar<'de, V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        match self.r.peek() {
            Some(b'"') => match self.r.string()? {
                Cow::Borrowed(s) => visitor.visit_str(s),
                Cow::Owned(s) => visitor.visit_string(s),
            },
            Some(b'0'..=b'9') => self.number(visitor),
            Some(b'-') if matches!(self.r.bytes_at(1), Some(b'0'..=b'9')) => self.number(visitor),
            _ => de::Deserializer::deserialize_any(self.r.scalar()?, visitor),
        }
    }

    fn number<'de, V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        let start = self.r.pos;
        let (text, is_float) = self.r.number_token()?;
        if is_float {
            let f = text.parse::<f64>().map_err(|_| fallback())?;
            return visitor.visit_f64(f);
        }
        // Up to 18 digits always fits an i64.
        if text.trim_start_matches('-').len() <= 18 {
            if let Ok(i) = text.parse::<i64>() {
                return visitor.visit_i64(i);
            }
        }
        self.r.pos = start;
        de::Deserializer::deserialize_any(self.r.scalar()?, visitor)
    }

    fn any<'de, V: Visitor<'de>>(&mut self, visitor: V, want: Want) -> Result<V::Value> {
        self.r.skip_ws();
        match self.r.peek() {
            Some(b'{') => self.object(visitor, want),
            Some(b'[') => self.seq(visitor),
            _ => self.scalar(visitor),
        }
    }
}

impl<'de> de::Deserializer<'de> for &mut Stream<'_, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.any(visitor, Want::Any)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.any(visitor, Want::Seq)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.any(visitor, Want::Bytes)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.any(visitor, Want::Bytes)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.r.skip_ws();
        if self.r.peek() == Some(b'n') && self.r.eat_literal("null") {
            return visitor.visit_none();
        }
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.r.skip_ws();
        if self.r.eat_literal("null") {
            return visitor.visit_unit();
        }
        Err(fallback())
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        if name == TUPLE_TOKEN {
            return Err(fallback());
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.r.skip_ws();
        if self.r.peek() != Some(b'"') {
            return Err(fallback());
        }
        let variant: String = self.r.string()?.into_owned();
        visitor.visit_enum(IntoDeserializer::<Error>::into_deserializer(variant))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.r.skip_ws();
        // Skipped values are read (and checked) as a tree, then dropped.
        drop(self.r.value()?);
        visitor.visit_unit()
    }

    fn is_human_readable(&self) -> bool {
        true
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        tuple tuple_struct map struct identifier
    }
}

struct SeqStream<'s, 'r, 'a> {
    de: &'s mut Stream<'r, 'a>,
    first: bool,
}

impl<'de> de::SeqAccess<'de> for SeqStream<'_, '_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        self.de.r.skip_ws();
        if self.de.r.peek() == Some(b']') {
            return Ok(None);
        }
        if !self.first {
            if self.de.r.peek() != Some(b',') {
                return Err(fallback());
            }
            self.de.r.pos += 1;
            self.de.r.skip_ws();
        }
        self.first = false;
        seed.deserialize(&mut *self.de).map(Some)
    }
}

struct MapStream<'s, 'r, 'a> {
    de: &'s mut Stream<'r, 'a>,
    /// The first key, already read to tell a tag from a dict.
    pending: Option<Cow<'a, str>>,
    /// The previous key: keys must come sorted and unique, as Flask writes them,
    /// for one pass to mean what the tree means.
    last: Option<Cow<'a, str>>,
}

impl<'de> de::MapAccess<'de> for MapStream<'_, '_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let key = match self.pending.take() {
            Some(key) => key,
            None => {
                self.de.r.skip_ws();
                match self.de.r.peek() {
                    Some(b'}') => return Ok(None),
                    Some(b',') => {
                        self.de.r.pos += 1;
                        self.de.r.skip_ws();
                        self.de.r.key_text()?
                    }
                    _ => return Err(fallback()),
                }
            }
        };
        if self.last.as_ref().is_some_and(|last| *last >= key) {
            return Err(fallback());
        }
        self.last = Some(key.clone());
        seed.deserialize(KeyDeserializer(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(&mut *self.de)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn fallbacks() -> usize {
        FALLBACKS.with(std::cell::Cell::get)
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Flashes {
        _flashes: Vec<(String, String)>,
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Mixed {
        b: crate::tags::Bytes,
        d: String,
        m: String,
        n: Option<i64>,
        t: (i64, String),
        u: uuid::Uuid,
        #[serde(default)]
        missing: Option<bool>,
    }

    #[test]
    fn flask_shaped_sessions_take_one_pass() {
        let limits = Limits::new();
        let before = fallbacks();
        let f: Flashes = session_from_text(
            r#"{"_flashes":[{" t":["message","Hello!"]},{" t":["error","Bad thing"]}]}"#,
            &limits,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f._flashes[1], ("error".to_owned(), "Bad thing".to_owned()));
        let text = r#"{"b":{" b":"AAFiaW5hcnn//g=="},"d":{" d":"Tue, 02 Jan 2024 03:04:05 GMT"},"extra":[1,{"x":null}],"m":{" m":"<b>"},"n":null,"t":{" t":[1,"a"]},"u":{" u":"12345678123456781234567812345678"}}"#;
        let m: Mixed = session_from_text(text, &limits).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.b.0, b"\x00\x01binary\xff\xfe");
        assert_eq!(m.d, "2024-01-02T03:04:05Z");
        assert_eq!((m.m.as_str(), m.n, m.missing), ("<b>", None, None));
        assert_eq!(m.t, (1, "a".to_owned()));
        assert_eq!(m.u.to_string(), "12345678-1234-5678-1234-567812345678");
        assert_eq!(fallbacks(), before, "no fallback for what Flask writes");
    }

    /// Whatever the path, the result is the tree's.
    fn same_as_tree(text: &str) {
        let limits = Limits::new();
        let tree = JsonFormat::flask()
            .loads(text, &limits)
            .and_then(tags::into_session_dict)
            .map(Value::Dict);
        let via_tree: Result<BTreeMap<String, Value>> = tree.and_then(crate::serde::from_value);
        let streamed: Result<BTreeMap<String, Value>> = session_from_text(text, &limits);
        match (&via_tree, &streamed) {
            (Ok(a), Ok(b)) => assert!(
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 == y.0 && x.1.same_as(y.1)),
                "{text}: {a:?} vs {b:?}"
            ),
            (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "{text}"),
            _ => panic!("{text}: {via_tree:?} vs {streamed:?}"),
        }
    }

    /// Numbers read in one pass are handed over exactly as the tree hands them.
    #[test]
    fn numbers_match_the_tree() {
        for text in [
            r#"{"a":0,"b":-0,"c":7,"d":-7,"e":123456789012345678,"f":-123456789012345678}"#,
            r#"{"a":1234567890123456789,"b":-9223372036854775808,"c":18446744073709551615}"#,
            r#"{"a":18446744073709551616,"b":-9223372036854775809,"c":[1,2.5,-3e2]}"#,
            r#"{"a":0.1,"b":-0.0,"c":1e400,"d":-1E-400,"e":1.5e+3,"f":4.99}"#,
            r#"{"a":[-Infinity,1],"b":{"c":-1}}"#,
        ] {
            same_as_tree(text);
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Numbers {
            a: u8,
            b: i64,
            c: u64,
            d: f64,
            e: i128,
            f: f32,
        }
        let limits = Limits::new();
        let text = r#"{"a":200,"b":-9223372036854775808,"c":18446744073709551615,"d":-2,"e":-170141183460469231731687303715884105728,"f":0.1}"#;
        let tree: Numbers = JsonFormat::flask()
            .loads(text, &limits)
            .and_then(crate::serde::from_value)
            .unwrap_or_else(|e| panic!("{e}"));
        let streamed: Numbers = session_from_text(text, &limits).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(tree, streamed);
        for bad in [r#"{"a":256}"#, r#"{"a":-1}"#, r#"{"a":1.5}"#] {
            #[derive(serde::Deserialize, Debug)]
            #[allow(dead_code)]
            struct Small {
                a: u8,
            }
            let tree = JsonFormat::flask()
                .loads(bad, &limits)
                .and_then(crate::serde::from_value::<Small>);
            let streamed = session_from_text::<Small>(bad, &limits);
            assert_eq!(
                tree.map_err(|e| e.to_string()).err(),
                streamed.map_err(|e| e.to_string()).err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn odd_input_falls_back_to_the_tree() {
        let before = fallbacks();
        for text in [
            r#"{"b":1,"a":2}"#,
            r#"{"a":1,"a":2}"#,
            r#"{" di":{" t__":[1]}}"#,
            r#"{"x":{" di":{" b__":1}}}"#,
            r#"{"x":{" t":"ab"}}"#,
            r#"{"x":{" t":[1],"k":2}}"#,
            r#"{"x":{" b":"A"}}"#,
            r#"{}"#,
            r#"null"#,
            r#"[["a",1]]"#,
            r#"{"x":NaN,"y":Infinity,"z":123456789012345678901234567890}"#,
            r#"{"x":{" u":"bad"}}"#,
            r#"{"x":[[[[[[[[]]]]]]]]}"#,
            "{\"\\u00e9\":\"\\ud83d\\ude00\"}",
        ] {
            same_as_tree(text);
        }
        assert!(fallbacks() > before);
    }
}
