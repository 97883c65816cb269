//! JSON as msgspec writes and reads it (`msgspec.json.Encoder()`, `Decoder()`):
//! Flask-Session 0.8 with `SESSION_SERIALIZATION_FORMAT="json"`. Compact, keys in
//! insertion order, non-ASCII written as it is; strict when reading (no `NaN`, no
//! numbers out of a float's range, no lone surrogates).

use std::borrow::Cow;

use super::{Budget, push_rfc3339};
use crate::error::{Error, PayloadStage, Result};
use crate::limits::Limits;
use crate::python;
use crate::value::{Dict, Int, Key, Value};

/// msgspec's JSON of a value: what Flask-Session 0.8 stores for `dict(session)` with
/// the JSON format. A `Markup` is [`Unencodable`](crate::ErrorKind::Unencodable), as
/// msgspec raises for it.
///
/// ```
/// use flask_session_cookie::{Value, msgspec::json};
/// let v = Value::List(vec![Value::Float(1e300), Value::Float(f64::NAN), "é".into()]);
/// assert_eq!(json::encode(&v)?, "[1e300,null,\"é\"]".as_bytes());
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn encode(value: &Value) -> Result<Vec<u8>> {
    let mut out = String::with_capacity(64);
    write(value, &mut out)?;
    Ok(out.into_bytes())
}

/// msgspec's JSON of a dict (a session's, without copying it into a [`Value`]):
/// the same bytes as [`encode`] of `Value::Dict`.
pub(crate) fn encode_dict(dict: &crate::value::Dict) -> Result<Vec<u8>> {
    let mut out = String::with_capacity(64);
    write_dict(dict, &mut out)?;
    Ok(out.into_bytes())
}

fn write_dict(d: &crate::value::Dict, out: &mut String) -> Result<()> {
    out.push('{');
    for (i, (k, v)) in d.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(k, out);
        out.push(':');
        write(v, out)?;
    }
    out.push('}');
    Ok(())
}

fn write(value: &Value, out: &mut String) -> Result<()> {
    match value {
        Value::None => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) if !f.is_finite() => out.push_str("null"),
        Value::Float(f) => python::push_float_msgspec(*f, out),
        Value::Str(s) => write_str(s, out),
        Value::Bytes(b) => {
            out.push('"');
            python::b64encode(b, out);
            out.push('"');
        }
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out)?;
            }
            out.push(']');
        }
        Value::Dict(d) => write_dict(d, out)?,
        Value::Uuid(u) => {
            out.push('"');
            out.push_str(&u.hyphenated().to_string());
            out.push('"');
        }
        Value::DateTime(dt) => {
            out.push('"');
            push_rfc3339(*dt, out);
            out.push('"');
        }
        Value::NaiveDateTime(_) | Value::Date(_) => {
            out.push('"');
            out.push_str(&crate::value::isoformat(value));
            out.push('"');
        }
        Value::Markup(_) => {
            return Err(Error::unencodable(
                "a Markup cannot be written as msgspec JSON (msgspec raises TypeError: \
                 Flask-Session's save fails)",
            ));
        }
    }
    Ok(())
}

/// A JSON string as msgspec writes it: `"` and `\` escaped, `\b \f \n \r \t`, other
/// controls as `\u00xx`; everything else as it is.
fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Reads JSON as msgspec's `Decoder()` does: strict RFC 8259 (surrounding
/// whitespace allowed, nothing after the value), integers of any size, floats
/// correctly rounded (one beyond a float's range is an error), duplicate keys: the
/// last value at the first place. Limits: [`Limits::max_stored_len`] first, then
/// depth, values and integer digits.
///
/// ```
/// use flask_session_cookie::{Limits, Value, msgspec::json};
/// let limits = Limits::server_side();
/// let v = json::decode(br#" {"a":1,"a":[2.5]} "#, &limits)?;
/// assert_eq!(v.as_dict().and_then(|d| d.get("a")), Some(&Value::List(vec![2.5.into()])));
/// assert!(json::decode(b"NaN", &limits).is_err());
/// assert!(json::decode(b"1e400", &limits).is_err());
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Value> {
    let mut budget = Budget::new(bytes.len(), limits)?;
    let text = std::str::from_utf8(bytes).map_err(|_| malformed("the value is not UTF-8"))?;
    let mut reader = Reader {
        text: text.as_bytes(),
        pos: 0,
    };
    reader.skip_ws();
    let value = reader.value(&mut budget, 0)?;
    reader.skip_ws();
    if reader.pos != reader.text.len() {
        return Err(malformed(format!(
            "trailing characters (at byte {})",
            reader.pos
        )));
    }
    Ok(value)
}

fn malformed(detail: impl Into<String>) -> Error {
    Error::payload(PayloadStage::Json, detail)
}

struct Reader<'a> {
    text: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, word: &[u8]) -> Result<()> {
        if self.text.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.invalid())
        }
    }

    fn invalid(&self) -> Error {
        match self.peek() {
            None => malformed("the value is truncated"),
            Some(_) => malformed(format!("invalid character (at byte {})", self.pos)),
        }
    }

    fn value(&mut self, budget: &mut Budget<'_>, depth: usize) -> Result<Value> {
        budget.take(depth)?;
        match self.peek() {
            Some(b'{') => self.object(budget, depth),
            Some(b'[') => self.array(budget, depth),
            Some(b'"') => Ok(Value::Str(self.string()?.into_owned())),
            Some(b't') => self.expect(b"true").map(|()| Value::Bool(true)),
            Some(b'f') => self.expect(b"false").map(|()| Value::Bool(false)),
            Some(b'n') => self.expect(b"null").map(|()| Value::None),
            Some(b'-' | b'0'..=b'9') => self.number(budget),
            _ => Err(self.invalid()),
        }
    }

    fn array(&mut self, budget: &mut Budget<'_>, depth: usize) -> Result<Value> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::List(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(budget, depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::List(items));
                }
                _ => return Err(self.invalid()),
            }
        }
    }

    fn object(&mut self, budget: &mut Budget<'_>, depth: usize) -> Result<Value> {
        self.pos += 1;
        let mut entries = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Dict(Dict::new()));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.invalid());
            }
            // A key without escapes is read in place (up to 24 bytes: no allocation).
            let key = Key::from(self.string()?.as_ref());
            self.skip_ws();
            self.expect(b":")?;
            self.skip_ws();
            let value = self.value(budget, depth + 1)?;
            entries.push((key, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Dict(Dict::from_entries(entries)));
                }
                _ => return Err(self.invalid()),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| malformed("the value is truncated"))?;
        let text = std::str::from_utf8(digits).map_err(|_| self.invalid())?;
        let v = u32::from_str_radix(text, 16).map_err(|_| self.invalid())?;
        self.pos += 4;
        Ok(v)
    }

    /// A string, borrowed from the text when it has no escape.
    fn string(&mut self) -> Result<Cow<'a, str>> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The text is UTF-8 and the run stops at ASCII bytes: a valid slice.
            let run = std::str::from_utf8(self.text.get(start..self.pos).unwrap_or_default())
                .unwrap_or_default();
            if out.is_empty() && self.peek() == Some(b'"') {
                self.pos += 1;
                return Ok(Cow::Borrowed(run));
            }
            out.push_str(run);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self
                        .peek()
                        .ok_or_else(|| malformed("the value is truncated"))?;
                    self.pos += 1;
                    if let Some(ch) = python::simple_escape(c) {
                        out.push(ch);
                    } else if c == b'u' {
                        let unit = self.hex4()?;
                        let low = if python::is_high_surrogate(unit) {
                            if self.text.get(self.pos..self.pos + 2) != Some(b"\\u") {
                                return Err(malformed("a lone surrogate in a string"));
                            }
                            self.pos += 2;
                            Some(self.hex4()?)
                        } else {
                            None
                        };
                        out.push(
                            python::escaped_char(unit, low)
                                .ok_or_else(|| malformed("a lone surrogate in a string"))?,
                        );
                    } else {
                        return Err(malformed(format!(
                            "invalid escape (at byte {})",
                            self.pos - 1
                        )));
                    }
                }
                _ => return Err(self.invalid()),
            }
        }
    }

    fn number(&mut self, budget: &mut Budget<'_>) -> Result<Value> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
            }
            _ => return Err(self.invalid()),
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            float = true;
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.invalid());
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            float = true;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.invalid());
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        let text = std::str::from_utf8(self.text.get(start..self.pos).unwrap_or_default())
            .unwrap_or_default();
        if float {
            let f: f64 = text.parse().map_err(|_| self.invalid())?;
            if !f.is_finite() {
                return Err(malformed(format!("number out of range: {text}")));
            }
            return Ok(Value::Float(f));
        }
        budget.int_digits(text.trim_start_matches('-').len())?;
        text.parse::<Int>()
            .map(Value::Int)
            .map_err(|_| malformed(format!("invalid number: {text}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings and keys, with and without escapes (the ones without are borrowed).
    #[test]
    fn keys_and_strings_with_and_without_escapes() {
        let text = br#"{"plain":"x","k\u00e9y":"a\nb","\"q\"":"tail\u00e9","":""}"#;
        let Value::Dict(d) = decode(text, &Limits::server_side()).unwrap() else {
            panic!("not a dict")
        };
        let entries: Vec<(&str, String)> = d.iter().map(|(k, v)| (k, v.to_string())).collect();
        assert_eq!(
            entries,
            [
                ("plain", "'x'".to_owned()),
                ("k\u{e9}y", "'a\\nb'".to_owned()),
                ("\"q\"", "'tail\u{e9}'".to_owned()),
                ("", "''".to_owned()),
            ]
        );
        assert!(decode(br#"{"a\x":1}"#, &Limits::server_side()).is_err());
        assert!(decode(br#"{"a"#, &Limits::server_side()).is_err());
    }

    #[test]
    fn strings_escaped_as_msgspec_does() {
        let v = Value::from("\u{8}\u{c}\n\r\t\u{1}\u{1f}\u{7f}\u{80}\u{d7ff}😀<>&'\"\\/");
        let want = "\"\\b\\f\\n\\r\\t\\u0001\\u001f\u{7f}\u{80}\u{d7ff}😀<>&'\\\"\\\\/\"";
        assert_eq!(String::from_utf8(encode(&v).unwrap()).unwrap(), want);
    }

    #[test]
    fn strict_reading() {
        let limits = Limits::server_side();
        for bad in [
            &b"NaN"[..],
            b"[1,2",
            b"{\"a\":1}x",
            b"\"\\ud800\"",
            b"01",
            b"1.",
            b"[1,]",
            b"\"\x01\"",
        ] {
            assert!(
                decode(bad, &limits).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(decode(b"-0", &limits).unwrap(), Value::from(0));
        assert_eq!(decode(b"1E5", &limits).unwrap(), Value::Float(100000.0));
        assert_eq!(decode(b"1.5e-400", &limits).unwrap(), Value::Float(0.0));
        assert_eq!(
            decode(b"123456789012345678901234567890", &limits)
                .unwrap()
                .to_string(),
            "123456789012345678901234567890"
        );
        assert_eq!(
            decode(b"\"\\ud83d\\ude00\"", &limits).unwrap(),
            Value::from("😀")
        );
    }
}
