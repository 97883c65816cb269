//! A Python literal as `ast.literal_eval` reads it (flask-unsign's `--cookie`
//! input): dicts, lists, tuples, sets, strings and bytes (every quote form, the
//! `r`/`u`/`b` prefixes, Python's escapes, adjacent literals joined), integers
//! (decimal, `0x`, `0o`, `0b`, `_` separators), floats, `True`, `False`, `None`, and
//! a sign before a number.

use flask_session_cookie::{Dict, Int, SecretKey, Value};

/// How deep containers may nest here.
const MAX_DEPTH: usize = 128;

pub(crate) fn parse(text: &str) -> Result<Value, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        pos: 0,
    };
    let v = p.value(0)?;
    p.ws();
    if p.pos != p.s.len() {
        return Err(format!("unexpected text at character {}", p.pos + 1));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while let Some(b) = self.s.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => self.pos += 1,
                b'\\' if self.s.get(self.pos + 1) == Some(&b'\n') => self.pos += 2,
                _ => break,
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err("nested too deep".into());
        }
        self.ws();
        match self.peek() {
            Some(b'{') => self.dict_or_set(depth),
            Some(b'[') => {
                self.pos += 1;
                Ok(Value::List(self.items(b']', depth)?.0))
            }
            Some(b'(') => {
                self.pos += 1;
                let (items, trailing_comma) = self.items(b')', depth)?;
                // `(x)` is x; `(x,)` and `()` are tuples.
                if items.len() == 1 && !trailing_comma {
                    Ok(items.into_iter().next().unwrap_or(Value::None))
                } else {
                    Ok(Value::Tuple(items))
                }
            }
            Some(b'+' | b'-') => {
                let negative = self.peek() == Some(b'-');
                self.pos += 1;
                match self.value(depth + 1)? {
                    Value::Int(i) if negative => format!("-{i}")
                        .trim_start_matches("--")
                        .parse::<Int>()
                        .map(Value::Int)
                        .map_err(|_| "a bad number".into()),
                    Value::Float(f) if negative => Ok(Value::Float(-f)),
                    v @ (Value::Int(_) | Value::Float(_)) => Ok(v),
                    _ => Err("a sign before something that is not a number".into()),
                }
            }
            Some(b'0'..=b'9' | b'.') => self.number(),
            Some(_) => self.word_or_string(),
            None => Err("the literal ends too early".into()),
        }
    }

    /// Items up to `close`; whether a comma came after the last.
    fn items(&mut self, close: u8, depth: usize) -> Result<(Vec<Value>, bool), String> {
        let mut items = Vec::new();
        let mut trailing = false;
        loop {
            if self.eat(close) {
                return Ok((items, trailing));
            }
            items.push(self.value(depth + 1)?);
            trailing = self.eat(b',');
            if !trailing {
                if self.eat(close) {
                    return Ok((items, false));
                }
                return Err(format!(
                    "expected ',' or '{}' at character {}",
                    close as char,
                    self.pos + 1
                ));
            }
        }
    }

    fn dict_or_set(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1;
        if self.eat(b'}') {
            return Ok(Value::Dict(Dict::new()));
        }
        let first = self.value(depth + 1)?;
        if !self.eat(b':') {
            // A set literal.
            let mut items = vec![first];
            if self.eat(b',') {
                items.extend(self.items(b'}', depth)?.0);
            } else if !self.eat(b'}') {
                return Err(format!(
                    "expected ',' or '}}' at character {}",
                    self.pos + 1
                ));
            }
            return Ok(Value::Set(items));
        }
        let mut dict = Dict::new();
        let mut key = first;
        loop {
            let Value::Str(k) = key else {
                return Err(format!(
                    "a dict key is a {}; a session's keys are str",
                    key.type_name()
                ));
            };
            let v = self.value(depth + 1)?;
            dict.insert(k, v);
            if !self.eat(b',') {
                if self.eat(b'}') {
                    return Ok(Value::Dict(dict));
                }
                return Err(format!(
                    "expected ',' or '}}' at character {}",
                    self.pos + 1
                ));
            }
            if self.eat(b'}') {
                return Ok(Value::Dict(dict));
            }
            key = self.value(depth + 1)?;
            if !self.eat(b':') {
                return Err(format!("expected ':' at character {}", self.pos + 1));
            }
        }
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        while let Some(b) = self.peek() {
            let exponent_sign = (b == b'+' || b == b'-')
                && matches!(self.s.get(self.pos - 1), Some(b'e' | b'E'))
                && !self.text[start..self.pos].starts_with("0x");
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || exponent_sign {
                self.pos += 1;
            } else {
                break;
            }
        }
        let raw = &self.text[start..self.pos];
        if raw.ends_with('_') || raw.contains("__") {
            return Err(format!("a bad number: {raw}"));
        }
        let digits = raw.replace('_', "");
        let radix = match digits.get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("0x") => Some(16),
            Some("0o") => Some(8),
            Some("0b") => Some(2),
            _ => None,
        };
        if let Some(radix) = radix {
            let n = u128::from_str_radix(&digits[2..], radix)
                .map_err(|_| format!("a bad number: {raw}"))?;
            return Ok(Value::Int(Int::from(n)));
        }
        if digits.contains(['.', 'e', 'E']) {
            return digits
                .parse::<f64>()
                .map(Value::Float)
                .map_err(|_| format!("a bad number: {raw}"));
        }
        if digits.len() > 1 && digits.starts_with('0') && digits.bytes().any(|b| b != b'0') {
            return Err(format!("a bad number (leading zeros): {raw}"));
        }
        digits
            .parse::<Int>()
            .map(Value::Int)
            .map_err(|_| format!("a bad number: {raw}"))
    }

    fn word_or_string(&mut self) -> Result<Value, String> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            self.pos += 1;
        }
        let word = &self.text[start..self.pos];
        if !matches!(self.peek(), Some(b'\'' | b'"')) {
            return match word {
                "True" => Ok(Value::Bool(true)),
                "False" => Ok(Value::Bool(false)),
                "None" => Ok(Value::None),
                _ => Err(format!(
                    "{word:?} is not a literal (ast.literal_eval takes no names or calls)"
                )),
            };
        }
        self.pos = start;
        // One string or bytes literal, then any adjacent ones of the same kind.
        let mut text: Option<String> = None;
        let mut bytes: Option<Vec<u8>> = None;
        loop {
            self.ws();
            let lit_start = self.pos;
            while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
                self.pos += 1;
            }
            let prefix = self.text[lit_start..self.pos].to_ascii_lowercase();
            if !matches!(self.peek(), Some(b'\'' | b'"')) {
                self.pos = lit_start;
                break;
            }
            let is_bytes = prefix.contains('b');
            if !matches!(prefix.as_str(), "" | "r" | "u" | "b" | "br" | "rb") {
                return Err(format!("the string prefix {prefix:?} is not a literal's"));
            }
            let end = self.string_end()?;
            let lit = &self.text[lit_start..end];
            self.pos = end;
            if is_bytes {
                let b = SecretKey::from_python_literal(lit)
                    .map_err(|_| format!("a bad bytes literal: {lit}"))?;
                if text.is_some() {
                    return Err("bytes and str literals cannot be joined".into());
                }
                bytes
                    .get_or_insert_with(Vec::new)
                    .extend_from_slice(b.as_bytes());
            } else {
                if bytes.is_some() {
                    return Err("bytes and str literals cannot be joined".into());
                }
                let s = str_literal(&lit[prefix.len()..], prefix.contains('r'))?;
                text.get_or_insert_with(String::new).push_str(&s);
            }
        }
        match (text, bytes) {
            (Some(s), None) => Ok(Value::Str(s)),
            (None, Some(b)) => Ok(Value::Bytes(b)),
            _ => Err("a bad string literal".into()),
        }
    }

    /// The end (exclusive) of the quoted literal at `self.pos` (after any prefix).
    fn string_end(&self) -> Result<usize, String> {
        let q = self.peek().ok_or("the literal ends too early")?;
        let triple = self.s.get(self.pos..self.pos + 3) == Some(&[q, q, q][..]);
        let mut i = self.pos + if triple { 3 } else { 1 };
        while let Some(&b) = self.s.get(i) {
            if b == b'\\' {
                i += 2;
                continue;
            }
            if b == q {
                if !triple {
                    return Ok(i + 1);
                }
                if self.s.get(i..i + 3) == Some(&[q, q, q][..]) {
                    return Ok(i + 3);
                }
            }
            if b == b'\n' && !triple {
                break;
            }
            i += 1;
        }
        Err("a string literal is not closed".into())
    }
}

/// A `str` literal's text (quotes included, no prefix): Python's escapes unless raw.
fn str_literal(lit: &str, raw: bool) -> Result<String, String> {
    let q = lit.chars().next().ok_or("empty literal")?;
    let n = if lit.starts_with(&format!("{q}{q}{q}")) && lit.len() >= 6 {
        3
    } else {
        1
    };
    let body = &lit[n..lit.len() - n];
    if raw {
        return Ok(body.to_owned());
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let hex = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
                   n: usize|
         -> Result<char, String> {
            let digits: String = (0..n).filter_map(|_| chars.next()).collect();
            u32::from_str_radix(&digits, 16)
                .ok()
                .filter(|_| digits.len() == n)
                .and_then(char::from_u32)
                .ok_or_else(|| format!("a bad escape \\{e}{digits}"))
        };
        match e {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            'x' => out.push(hex(&mut chars, 2)?),
            'u' => out.push(hex(&mut chars, 4)?),
            'U' => out.push(hex(&mut chars, 8)?),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).ok_or("a bad octal escape")?);
            }
            'N' => return Err("\\N{...} escapes are not supported here".into()),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flask_unsign_style_dicts() {
        let repr = |text: &str| parse(text).map(|v| v.to_string());
        assert_eq!(
            repr(r#"{'logged_in': True, 'cart': [(1, 'a')], 'b': b'x', "n": -1_000, 'f': 1.5e3, 'h': 0x1F, 'u': None}"#),
            Ok("{'logged_in': True, 'cart': [(1, 'a')], 'b': b'x', 'n': -1000, 'f': 1500.0, 'h': 31, 'u': None}".to_owned())
        );
        assert_eq!(parse(r#"'a' "b" '''c'''"#), Ok(Value::from("abc")));
        assert_eq!(parse(r"'\x41\u00e9\n\101'"), Ok(Value::from("Aé\nA")));
        assert_eq!(parse(r"r'\n'"), Ok(Value::from("\\n")));
        assert_eq!(parse("(1)"), Ok(Value::from(1)));
        assert_eq!(parse("(1,)"), Ok(Value::Tuple(vec![1.into()])));
        assert!(parse("{1: 2}").is_err());
        assert!(parse("__import__('os')").is_err());
        assert!(parse("{'a': 1").is_err());
        assert!(parse("01").is_err());
    }
}
