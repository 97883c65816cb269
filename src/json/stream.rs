//! Typed decoding straight from the JSON text, without building the value tree.
//!
//! The common case — a session dict Flask wrote, keys sorted and unique, tags holding
//! what Flask puts in them — is read in one pass into the caller's type. Anything
//! else (a top level that is not a dict, unsorted or duplicate keys, ` di` escapes,
//! odd tag payloads, limits, or any error at all) falls back to the tree path, which
//! defines the semantics: the result is always what `from_value` on the tree gives.

use std::borrow::Cow;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

use super::read::{self, Reader};
use super::tag::{self, TAG_BYTES, TAG_DATETIME, TAG_MARKUP, TAG_TUPLE, TAG_UUID};
use crate::error::{Error, ErrorKind, Limit, PayloadStage, Result};
use crate::limits::Limits;
use crate::python;
use crate::value::{KeyDeserializer, Value, visit_scalar, wants_lossless};

/// Deepest nesting read in one pass (serde recursion); deeper input takes the tree path.
const STREAM_DEPTH: usize = 128;

/// Reads Flask-tagged JSON text into `T`: one pass when it can, the tree path otherwise.
pub(crate) fn from_text<T: DeserializeOwned>(text: &str, limits: &Limits) -> Result<T> {
    from_text_inner(text, limits, None)
}

/// Reads Flask-tagged JSON text whose top level must become a dict into `T`: one pass
/// when the top level is a plain dict; otherwise the tree path, where `top` turns the
/// tree's top value into what `T` is read from (for a session: Flask's `dict(data)`,
/// which also decides what is refused).
pub(crate) fn from_text_with<T: DeserializeOwned>(
    text: &str,
    limits: &Limits,
    top: fn(Value) -> Result<Value>,
) -> Result<T> {
    from_text_inner(text, limits, Some(top))
}

fn from_text_inner<T: DeserializeOwned>(
    text: &str,
    limits: &Limits,
    top: Option<fn(Value) -> Result<Value>>,
) -> Result<T> {
    let mut reader = Reader::new(text, true, limits);
    reader.skip_ws();
    let attempt = if reader.peek() == Some(b'{') {
        let mut stream = Stream {
            r: &mut reader,
            depth: 0,
            plain_top: top.is_some(),
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
        // The one pass counts values as the tree does, in the same order, and falls
        // back before anything the tree would refuse earlier: reading the text again
        // would end in this same error, at twice the cost.
        Err(e) if e.kind() == &ErrorKind::LimitExceeded(Limit::Items) => Err(e),
        Err(_) => {
            #[cfg(test)]
            FALLBACKS.with(|n| n.set(n.get() + 1));
            let value = read::value(text, true, limits)?;
            let value = match top {
                Some(top) => top(value)?,
                None => value,
            };
            crate::from_value(value)
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
    /// The top level must be a plain dict (not a tag): what Flask's `dict(data)` does
    /// with anything else is the tree path's to decide.
    plain_top: bool,
}

/// How the caller asked for a value, where a tag's answer depends on it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// `deserialize_any`: the visitor may be one that wants tags losslessly.
    Any,
    /// Any other request that takes what `deserialize_any` gives (strings, numbers,
    /// tuples, structs): never a lossless visitor.
    Typed,
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
        let value = if tag::is_tag_key(&key) {
            if self.plain_top && self.depth == 1 {
                return Err(fallback());
            }
            // The tag's payload (a list or a string) is a value of its own to the tree.
            self.r.count(1)?;
            self.tag(&key, visitor, want)?
        } else {
            // A dict that only looks like the lossless form of a tagged value: the
            // tree path escapes it.
            if key.as_bytes().first() == Some(&b'$')
                && key.starts_with("$flask_session_cookie::")
                && wants_lossless(&visitor)
            {
                return Err(fallback());
            }
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
        // A `Value` (or serde's buffering) wants the tagged type itself: the tree
        // path hands it over.
        if want == Want::Any && wants_lossless(&visitor) {
            return Err(fallback());
        }
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
                let bytes = python::b64decode(&text).map_err(|_| fallback())?;
                match want {
                    Want::Seq => {
                        visitor.visit_seq(de::value::SeqDeserializer::new(bytes.into_iter()))
                    }
                    Want::Any | Want::Typed | Want::Bytes => visitor.visit_byte_buf(bytes),
                }
            }
            TAG_MARKUP if matches!(want, Want::Any | Want::Typed) => {
                let text = self.string()?;
                visitor.visit_string(text.into_owned())
            }
            TAG_UUID if matches!(want, Want::Any | Want::Typed) => {
                let text = self.string()?;
                let uuid = python::parse_uuid(&text).ok_or_else(fallback)?;
                visitor.visit_string(uuid.hyphenated().to_string())
            }
            TAG_DATETIME if matches!(want, Want::Any | Want::Typed) => {
                let text = self.string()?;
                let dt = python::parse_http_date(&text).ok_or_else(fallback)?;
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
            _ => visit_scalar(self.r.scalar()?, visitor),
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
        if text.trim_start_matches('-').len() <= 18
            && let Ok(i) = text.parse::<i64>()
        {
            return visitor.visit_i64(i);
        }
        self.r.pos = start;
        let value = self.r.scalar()?;
        // Beyond 64 bits a `Value` wants the `int` itself: the tree path hands it over.
        if value.as_int().is_some_and(|i| i.as_u64().is_none()) && wants_lossless(&visitor) {
            return Err(fallback());
        }
        visit_scalar(value, visitor)
    }

    fn any<'de, V: Visitor<'de>>(&mut self, visitor: V, want: Want) -> Result<V::Value> {
        // Values are counted as the tree counts them (see `Reader::count`).
        self.r.count(1)?;
        self.r.skip_ws();
        match self.r.peek() {
            Some(b'{') => self.object(visitor, want),
            Some(b'[') => self.seq(visitor),
            _ => self.scalar(visitor),
        }
    }
}

/// `deserialize_<type>` methods that read what `deserialize_any` reads, for a
/// visitor that is not a `Value`'s (so no check for one).
macro_rules! typed_requests {
    ($($method:ident)*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            self.any(visitor, Want::Typed)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for &mut Stream<'_, '_> {
    type Error = Error;

    #[inline]
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
            self.r.count(1)?;
            return visitor.visit_none();
        }
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.r.skip_ws();
        if self.r.eat_literal("null") {
            self.r.count(1)?;
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
        self.r.skip_ws();
        if self.r.peek() != Some(b'"') {
            return Err(fallback());
        }
        self.r.count(1)?;
        let variant: String = self.r.string()?.into_owned();
        visitor.visit_enum(IntoDeserializer::<Error>::into_deserializer(variant))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.r.skip_ws();
        // Skipped values are read (and checked, the depth limit counted from the top
        // of the text) as a tree, then dropped.
        drop(self.r.value_at_depth(self.depth)?);
        visitor.visit_unit()
    }

    fn is_human_readable(&self) -> bool {
        true
    }

    typed_requests! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_identifier
    }

    #[inline]
    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.any(visitor, Want::Typed)
    }

    #[inline]
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.any(visitor, Want::Typed)
    }

    #[inline]
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.any(visitor, Want::Typed)
    }

    #[inline]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.any(visitor, Want::Typed)
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

    /// A stand-in for the session's top-level rule: a dict (or `null`, empty).
    fn dict_only(value: Value) -> Result<Value> {
        match value {
            Value::Dict(_) => Ok(value),
            Value::None => Ok(Value::Dict(crate::value::Dict::new())),
            other => Err(Error::payload(PayloadStage::NotADict, other.type_name())),
        }
    }

    fn session_from_text<T: DeserializeOwned>(text: &str, limits: &Limits) -> Result<T> {
        from_text_with(text, limits, dict_only)
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
        let tree = read::value(text, true, &limits).and_then(dict_only);
        let via_tree: Result<BTreeMap<String, Value>> = tree.and_then(crate::from_value);
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
        let tree: Numbers = read::value(text, true, &limits)
            .and_then(crate::from_value)
            .unwrap_or_else(|e| panic!("{e}"));
        let streamed: Numbers = session_from_text(text, &limits).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(tree, streamed);
        for bad in [r#"{"a":256}"#, r#"{"a":-1}"#, r#"{"a":1.5}"#] {
            #[derive(serde::Deserialize, Debug)]
            #[allow(dead_code)]
            struct Small {
                a: u8,
            }
            let tree = read::value(bad, true, &limits).and_then(crate::from_value::<Small>);
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

#[cfg(test)]
mod item_tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Typed {
        #[serde(default)]
        a: Option<Vec<Option<i64>>>,
        #[serde(default)]
        t: Option<(i64, String)>,
        #[serde(default)]
        b: Option<crate::tags::Bytes>,
        #[serde(default)]
        e: Option<Kind>,
        #[serde(default)]
        u: Option<()>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    enum Kind {
        One,
        Two,
    }

    fn tree_result(text: &str, limits: &Limits) -> std::result::Result<(), Error> {
        read::value(text, true, limits).and_then(|v| crate::from_value::<Typed>(v).map(|_| ()))
    }

    /// The one-pass reader counts values exactly as the tree does, so that the items
    /// limit refuses the same texts either way, at every limit.
    #[test]
    fn items_are_counted_as_the_tree_counts_them() {
        for text in [
            r#"{"a":[1,null,3]}"#,
            r#"{"b":{" b":"AAE="},"t":{" t":[1,"x"]}}"#,
            r#"{"a":null,"e":"Two","u":null}"#,
            r#"{"a":[],"ignored":[[1,2],{"k":[3]}]}"#,
            r#"{"ignored":{" t":"abcdef"},"t":{" t":[2,"y"]}}"#,
        ] {
            for max in 0..16 {
                let limits = Limits::new().with_max_items(max);
                let tree = tree_result(text, &limits).map_err(|e| e.kind().clone());
                let one_pass = from_text::<Typed>(text, &limits)
                    .map(|_| ())
                    .map_err(|e| e.kind().clone());
                assert_eq!(tree, one_pass, "{text} with max_items {max}");
            }
            // The comparison means something only where the one pass succeeds alone
            // (the texts are Flask-shaped: sorted keys).
            let before = FALLBACKS.with(std::cell::Cell::get);
            assert!(from_text::<Typed>(text, &Limits::new()).is_ok(), "{text}");
            assert_eq!(FALLBACKS.with(std::cell::Cell::get), before, "{text}");
        }
    }
}
