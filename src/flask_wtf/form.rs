//! A request body's form fields as Werkzeug's `request.form` reads them, for
//! finding a CSRF token: `application/x-www-form-urlencoded` and the text fields of
//! `multipart/form-data`.

use std::borrow::Cow;

/// Form fields in order; a name may repeat (the first value counts, as
/// `request.form[name]` gives it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormFields(Vec<(String, String)>);

impl FormFields {
    /// The first value of `name`.
    ///
    /// ```
    /// use flask_session_cookie::flask_wtf::parse_form;
    /// let form = parse_form(Some(b"application/x-www-form-urlencoded"), b"a=1&a=2");
    /// assert_eq!(form.get("a"), Some("1"));
    /// ```
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The names, each once, in the order they first appear (a `MultiDict`'s keys).
    ///
    /// ```
    /// use flask_session_cookie::flask_wtf::parse_form;
    /// let form = parse_form(Some(b"application/x-www-form-urlencoded"), b"b=1&a=2&b=3");
    /// assert_eq!(form.keys().collect::<Vec<_>>(), ["b", "a"]);
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .enumerate()
            .filter(|(i, (k, _))| !self.0.iter().take(*i).any(|(earlier, _)| earlier == k))
            .map(|(_, (k, _))| k.as_str())
    }

    /// All fields in order.
    ///
    /// ```
    /// use flask_session_cookie::flask_wtf::parse_form;
    /// let form = parse_form(Some(b"application/x-www-form-urlencoded"), b"a=1");
    /// assert_eq!(form.iter().count(), 1);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// The form fields of a body with this `Content-Type`, as Werkzeug reads them: a
/// urlencoded body is split at `&`, `+` is a space, percent-escapes that are not
/// UTF-8 stay escaped, and a body that is not UTF-8 has no fields; a multipart body
/// gives its parts without a filename, decoded as UTF-8 with replacement. Any other
/// type, or a body Werkzeug would refuse, has no fields.
///
/// ```
/// use flask_session_cookie::flask_wtf::parse_form;
/// let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n--XyZ--\r\n";
/// let form = parse_form(Some(b"multipart/form-data; boundary=XyZ"), body);
/// assert_eq!(form.get("csrf_token"), Some("abc"));
/// ```
pub fn parse_form(content_type: Option<&[u8]>, body: &[u8]) -> FormFields {
    let Some(content_type) = content_type else {
        return FormFields::default();
    };
    let content_type: String = content_type.iter().map(|&b| char::from(b)).collect();
    let (mimetype, options) = parse_options_header(&content_type);
    match mimetype.to_ascii_lowercase().as_str() {
        "application/x-www-form-urlencoded" => urlencoded(body),
        "multipart/form-data" => options
            .iter()
            .find(|(k, _)| k == "boundary")
            .map(|(_, b)| multipart(body, b.as_bytes()))
            .unwrap_or_default(),
        _ => FormFields::default(),
    }
}

/// `parse_qsl(body.decode(), keep_blank_values=True, errors="werkzeug.url_quote")`.
fn urlencoded(body: &[u8]) -> FormFields {
    let Ok(text) = std::str::from_utf8(body) else {
        return FormFields::default();
    };
    let fields = text
        .split('&')
        .filter(|field| !field.is_empty())
        .map(|field| {
            let (name, value) = field.split_once('=').unwrap_or((field, ""));
            (unquote_plus(name), unquote_plus(value))
        })
        .collect();
    FormFields(fields)
}

/// `urllib.parse.unquote_plus` with Werkzeug's error handler: escapes whose bytes
/// are not UTF-8 are written back as `%XX` (uppercase).
fn unquote_plus(text: &str) -> String {
    let text: Cow<'_, str> = if text.contains('+') {
        Cow::Owned(text.replace('+', " "))
    } else {
        Cow::Borrowed(text)
    };
    if !text.contains('%') {
        return text.into_owned();
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // A run of escapes is decoded together, as Python does.
        let mut run = Vec::new();
        while let Some(b) = escape_at(bytes, i) {
            run.push(b);
            i += 3;
        }
        if !run.is_empty() {
            push_utf8_or_quoted(&run, &mut out);
            continue;
        }
        let next = text
            .get(i..)
            .and_then(|rest| rest.char_indices().nth(1).map(|(n, _)| n))
            .unwrap_or(bytes.len() - i);
        out.push_str(text.get(i..i + next).unwrap_or_default());
        i += next;
    }
    out
}

fn escape_at(bytes: &[u8], i: usize) -> Option<u8> {
    match bytes.get(i..i + 3)? {
        [b'%', hi, lo] => {
            let hex = [*hi, *lo];
            let hex = std::str::from_utf8(&hex).ok()?;
            u8::from_str_radix(hex, 16).ok()
        }
        _ => None,
    }
}

/// Decodes as UTF-8, writing each byte of an invalid sequence as `%XX`.
fn push_utf8_or_quoted(mut bytes: &[u8], out: &mut String) {
    loop {
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                out.push_str(text);
                return;
            }
            Err(e) => {
                let (good, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len());
                for b in rest.iter().take(bad) {
                    out.push_str(&format!("%{b:02X}"));
                }
                bytes = rest.get(bad..).unwrap_or_default();
            }
        }
    }
}

/// `Content-Type`-style header: the value before the first `;` and its
/// `key=value` options (keys lowercased, quoted values unquoted).
fn parse_options_header(header: &str) -> (String, Vec<(String, String)>) {
    let mut parts = split_unquoted(header, ';').into_iter();
    let value = parts.next().unwrap_or_default().trim().to_owned();
    let options = parts
        .filter_map(|part| {
            let (key, value) = part.split_once('=')?;
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            let value = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                Some(inner) => inner.replace("\\\\", "\\").replace("\\\"", "\""),
                None => value.to_owned(),
            };
            Some((key, value))
        })
        .collect();
    (value, options)
}

/// Splits at `sep` outside double quotes.
fn split_unquoted(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == sep && !quoted => {
                parts.push(text.get(start..i).unwrap_or_default());
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(text.get(start..).unwrap_or_default());
    parts
}

/// The text fields of a multipart body.
fn multipart(body: &[u8], boundary: &[u8]) -> FormFields {
    let mut delimiter = b"--".to_vec();
    delimiter.extend_from_slice(boundary);
    let mut fields = Vec::new();
    let Some(first) = find(body, &delimiter, 0) else {
        return FormFields::default();
    };
    let mut pos = first + delimiter.len();
    loop {
        // After a delimiter: "--" ends the body, else a line break starts a part.
        let rest = body.get(pos..).unwrap_or_default();
        if rest.starts_with(b"--") {
            break;
        }
        let Some(after_break) = skip_line_break(body, pos) else {
            break;
        };
        let Some(next) = find(body, &delimiter, after_break) else {
            break;
        };
        // The part ends with the line break before the next delimiter.
        let mut end = next;
        if end >= 2 && body.get(end - 2..end) == Some(b"\r\n") {
            end -= 2;
        } else if end >= 1 && matches!(body.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        if let Some(part) = body.get(after_break..end.max(after_break))
            && let Some(field) = text_field(part)
        {
            fields.push(field);
        }
        pos = next + delimiter.len();
    }
    FormFields(fields)
}

fn skip_line_break(body: &[u8], pos: usize) -> Option<usize> {
    let rest = body.get(pos..)?;
    if rest.starts_with(b"\r\n") {
        Some(pos + 2)
    } else if rest.starts_with(b"\n") || rest.starts_with(b"\r") {
        Some(pos + 1)
    } else {
        None
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let hay = haystack.get(from..)?;
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// A part's name and text, unless it is a file (it has a filename) or has no name.
fn text_field(part: &[u8]) -> Option<(String, String)> {
    let (head, data) = match find(part, b"\r\n\r\n", 0) {
        Some(i) => (part.get(..i)?, part.get(i + 4..)?),
        None => {
            let i = find(part, b"\n\n", 0)?;
            (part.get(..i)?, part.get(i + 2..)?)
        }
    };
    let head: String = head.iter().map(|&b| char::from(b)).collect();
    let mut name = None;
    let mut charset = "utf-8".to_owned();
    for line in head.lines() {
        let Some((field, value)) = line.split_once(':') else {
            continue;
        };
        let (_, options) = parse_options_header(value);
        if field.trim().eq_ignore_ascii_case("content-disposition") {
            if options
                .iter()
                .any(|(k, _)| k == "filename" || k == "filename*")
            {
                return None;
            }
            name = options
                .iter()
                .find(|(k, _)| k == "name")
                .map(|(_, v)| v.clone());
        } else if field.trim().eq_ignore_ascii_case("content-type")
            && let Some((_, c)) = options.iter().find(|(k, _)| k == "charset")
        {
            charset = c.to_ascii_lowercase();
        }
    }
    let text = match charset.as_str() {
        "latin-1" | "latin1" | "iso-8859-1" => data.iter().map(|&b| char::from(b)).collect(),
        _ => String::from_utf8_lossy(data).into_owned(),
    };
    Some((name?, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_like_python() {
        assert_eq!(unquote_plus("a+b%20c"), "a b c");
        assert_eq!(unquote_plus("%C3%A9"), "é");
        assert_eq!(unquote_plus("%FF%41"), "%FFA");
        assert_eq!(unquote_plus("%zz%4"), "%zz%4");
        assert_eq!(unquote_plus("é%41"), "éA");
    }

    #[test]
    fn urlencoded_fields() {
        let form = urlencoded(b"a&&b=&c=1=2");
        assert_eq!(
            form.iter().collect::<Vec<_>>(),
            [("a", ""), ("b", ""), ("c", "1=2")]
        );
        assert_eq!(urlencoded(b"a=\xff"), FormFields::default());
    }

    #[test]
    fn multipart_skips_files_and_reads_text() {
        let body = b"preamble\r\n--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n\r\nfile\r\n--b\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nline1\r\nline2\r\n--b--\r\n";
        let form = multipart(body, b"b");
        assert_eq!(form.iter().collect::<Vec<_>>(), [("t", "line1\r\nline2")]);
    }
}
