//! Python's literals and reprs of `str` and `bytes`, and hex text.

/// The bytes a Python bytes literal stands for (`b'_5#y2L"F4Q8z\n\xec]/'`, as Flask's
/// docs once showed a `SECRET_KEY`): a `b` prefix (any case, with or without `r`),
/// single, double or triple quotes, and Python's escapes — `\\`, `\'`, `\"`, `\a`,
/// `\b`, `\f`, `\n`, `\r`, `\t`, `\v`, `\ooo` octal, `\xhh` hex, a backslash before a
/// newline; any other escape keeps its backslash, as Python keeps it. `None` for text
/// that is not such a literal.
pub(crate) fn parse_bytes_literal(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    let (prefix, rest) = text.split_at(text.find(['\'', '"'])?);
    let raw = match prefix.to_ascii_lowercase().as_str() {
        "b" => false,
        "br" | "rb" => true,
        _ => return None,
    };
    let quote = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|q| rest.starts_with(q))?;
    // The literal ends at the first closing quote that no backslash escapes (raw
    // literals too): it must be the end of the text.
    let mut end = quote.len();
    loop {
        let tail = rest.get(end..)?;
        if tail.starts_with(quote) {
            break;
        }
        // A one-quote literal ends at its line, unless a backslash continues it.
        if quote.len() == 1 && tail.starts_with('\n') {
            return None;
        }
        end += if tail.starts_with('\\') { 2 } else { 1 };
    }
    if end + quote.len() != rest.len() {
        return None;
    }
    let body = rest.get(quote.len()..end)?;
    if !body.is_ascii() {
        return None;
    }
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let e = *bytes.get(i)?;
        i += 1;
        if raw {
            // A raw literal keeps the backslash and what follows it.
            out.push(b'\\');
            out.push(e);
            continue;
        }
        match e {
            b'\n' => {}
            b'\\' | b'\'' | b'"' => out.push(e),
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'0'..=b'7' => {
                let mut value = u32::from(e - b'0');
                for _ in 0..2 {
                    match bytes.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                // Python keeps `\ooo` modulo 256 (with a warning above 0o377).
                out.push(u8::try_from(value & 0xff).ok()?);
            }
            b'x' => {
                let hex = bytes.get(i..i + 2)?;
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 2;
            }
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Some(out)
}

/// Whether Python's `str.isprintable()` holds for `c`, from the categories it
/// excludes (other, separator but the space), as far as they are known without
/// Unicode tables: controls, the format and separator code points of common use,
/// surrogates and private use. Unassigned code points count as printable here.
fn is_printable(c: char) -> bool {
    !matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{a0}' | '\u{ad}'
        | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}'
        | '\u{1680}' | '\u{180e}' | '\u{2000}'..='\u{200f}' | '\u{2028}'..='\u{202f}'
        | '\u{205f}'..='\u{2064}' | '\u{2066}'..='\u{206f}' | '\u{3000}'
        | '\u{e000}'..='\u{f8ff}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        | '\u{110bd}' | '\u{1bca0}'..='\u{1bca3}' | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0001}' | '\u{e0020}'..='\u{e007f}' | '\u{f0000}'..)
}

/// Writes Python's `repr()` of a `str`: single quotes unless the text has a `'`
/// and no `"`; `\\`, `\n`, `\r`, `\t` and the quote escaped; other characters that
/// are not printable as `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
pub(crate) fn push_str_repr(s: &str, out: &mut impl std::fmt::Write) -> std::fmt::Result {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.write_char(quote)?;
    for c in s.chars() {
        match c {
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            c if c == quote => {
                out.write_char('\\')?;
                out.write_char(c)?;
            }
            c if is_printable(c) => out.write_char(c)?,
            c if u32::from(c) < 0x100 => write!(out, "\\x{:02x}", u32::from(c))?,
            c if u32::from(c) < 0x10000 => write!(out, "\\u{:04x}", u32::from(c))?,
            c => write!(out, "\\U{:08x}", u32::from(c))?,
        }
    }
    out.write_char(quote)
}

/// Appends `hashlib`'s `hexdigest()` of `bytes`: lowercase hex, two digits a byte.
pub(crate) fn push_hex(bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        for nibble in [b >> 4, b & 15] {
            out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
}

/// The bytes of lowercase hex text (`bytes.fromhex` without its leniency: no
/// uppercase, no spaces); `None` for anything else or a length other than `len`.
pub(crate) fn parse_lower_hex(text: &str, len: usize) -> Option<Vec<u8>> {
    fn digit(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    if text.len() != len * 2 {
        return None;
    }
    text.as_bytes()
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => Some(digit(*hi)? << 4 | digit(*lo)?),
            _ => None,
        })
        .collect()
}

/// Writes Python's `repr()` of a `bytes`: `b'...'`, quoted as a `str` is, with the
/// bytes outside printable ASCII as `\xNN`.
pub(crate) fn push_bytes_repr(b: &[u8], out: &mut impl std::fmt::Write) -> std::fmt::Result {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    out.write_char('b')?;
    out.write_char(char::from(quote))?;
    for &c in b {
        match c {
            b'\\' => out.write_str("\\\\")?,
            b'\n' => out.write_str("\\n")?,
            b'\r' => out.write_str("\\r")?,
            b'\t' => out.write_str("\\t")?,
            c if c == quote => {
                out.write_char('\\')?;
                out.write_char(char::from(c))?;
            }
            0x20..=0x7e => out.write_char(char::from(c))?,
            c => write!(out, "\\x{c:02x}")?,
        }
    }
    out.write_char(char::from(quote))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_literals_as_python_reads_them() {
        let cases: [(&str, &[u8]); 8] = [
            (r#"b'_5#y2L"F4Q8z\n\xec]/'"#, b"_5#y2L\"F4Q8z\n\xec]/"),
            ("b\"it's\"", b"it's"),
            (r"B'\x00\101\7\q'", b"\x00A\x07\\q"),
            (r"rb'\x00'", br"\x00"),
            ("b'''a'b'''", b"a'b"),
            ("b''", b""),
            (r"b'\\'", b"\\"),
            (r"b'\400'", b"\x00"),
        ];
        for (text, want) in cases {
            assert_eq!(parse_bytes_literal(text).as_deref(), Some(want), "{text}");
        }
        for text in [
            "'abc'",
            "b'abc",
            "b'caf\u{e9}'",
            "bx'a'",
            "b'a'b'",
            r"b'\x4'",
            "abc",
        ] {
            assert_eq!(parse_bytes_literal(text), None, "{text}");
        }
    }
}
