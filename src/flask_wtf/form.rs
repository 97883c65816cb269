//! A request body's form fields as Werkzeug 3.1's `request.form` reads them, for
//! finding a CSRF token: `application/x-www-form-urlencoded` and the text fields of
//! `multipart/form-data`, with Flask's limits (`MAX_CONTENT_LENGTH`,
//! `MAX_FORM_MEMORY_SIZE`, `MAX_FORM_PARTS`) and their 413.
//!
//! The multipart reader follows Werkzeug's decoder step by step, fed in the 64 KiB
//! reads Werkzeug makes, because where it stops (a 413, or a malformed body that
//! leaves the form empty) depends on them.

use std::borrow::Cow;
use std::collections::HashSet;

/// Form fields in order; a name may repeat (the first value counts, as
/// `request.form[name]` gives it). A multipart part without a `name` parameter has
/// no name (Python's `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormFields(Vec<(Option<String>, String)>);

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
            .find(|(k, _)| k.as_deref() == Some(name))
            .map(|(_, v)| v.as_str())
    }

    /// The names, each once, in the order they first appear (a `MultiDict`'s keys);
    /// `None` for a part without a name.
    ///
    /// ```
    /// use flask_session_cookie::flask_wtf::parse_form;
    /// let form = parse_form(Some(b"application/x-www-form-urlencoded"), b"b=1&a=2&b=3");
    /// assert_eq!(form.keys().collect::<Vec<_>>(), [Some("b"), Some("a")]);
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = Option<&str>> {
        let mut seen = HashSet::new();
        self.0
            .iter()
            .map(|(k, _)| k.as_deref())
            .filter(move |k| seen.insert(*k))
    }

    /// All fields in order.
    ///
    /// ```
    /// use flask_session_cookie::flask_wtf::parse_form;
    /// let form = parse_form(Some(b"application/x-www-form-urlencoded"), b"a=1");
    /// assert_eq!(form.iter().collect::<Vec<_>>(), [(Some("a"), "1")]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (Option<&str>, &str)> {
        self.0.iter().map(|(k, v)| (k.as_deref(), v.as_str()))
    }
}

/// Flask's limits on reading a form (`MAX_CONTENT_LENGTH`, `MAX_FORM_MEMORY_SIZE`,
/// `MAX_FORM_PARTS`); going past one is answered with 413.
///
/// [`FormLimits::FLASK`] is Flask 3.1's defaults: no content length limit, 500,000
/// bytes for one multipart text field (and for what Werkzeug's decoder holds while
/// it looks for a boundary), 1,000 multipart parts. Werkzeug reads a urlencoded body
/// whole, so only `MAX_CONTENT_LENGTH` bounds it.
///
/// ```
/// use flask_session_cookie::flask_wtf::FormLimits;
/// let limits = FormLimits::FLASK.with_max_content_length(Some(16 << 20));
/// assert_eq!(limits.max_content_length(), Some(16 << 20));
/// assert_eq!(FormLimits::FLASK.max_form_memory_size(), Some(500_000));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormLimits {
    max_content_length: Option<u64>,
    max_form_memory_size: Option<usize>,
    max_form_parts: Option<usize>,
}

impl Default for FormLimits {
    fn default() -> Self {
        Self::FLASK
    }
}

impl FormLimits {
    /// Flask 3.1's defaults (`None`, 500,000, 1,000).
    pub const FLASK: FormLimits = FormLimits {
        max_content_length: None,
        max_form_memory_size: Some(500_000),
        max_form_parts: Some(1_000),
    };

    /// `MAX_CONTENT_LENGTH`: a larger body (by its `Content-Length`, or as it is
    /// read) is a 413.
    ///
    /// ```
    /// let l = flask_session_cookie::flask_wtf::FormLimits::FLASK.with_max_content_length(Some(1));
    /// assert_eq!(l.max_content_length(), Some(1));
    /// ```
    #[must_use]
    pub const fn with_max_content_length(mut self, bytes: Option<u64>) -> Self {
        self.max_content_length = bytes;
        self
    }

    /// `MAX_FORM_MEMORY_SIZE`.
    ///
    /// ```
    /// let l = flask_session_cookie::flask_wtf::FormLimits::FLASK.with_max_form_memory_size(None);
    /// assert_eq!(l.max_form_memory_size(), None);
    /// ```
    #[must_use]
    pub const fn with_max_form_memory_size(mut self, bytes: Option<usize>) -> Self {
        self.max_form_memory_size = bytes;
        self
    }

    /// `MAX_FORM_PARTS`.
    ///
    /// ```
    /// let l = flask_session_cookie::flask_wtf::FormLimits::FLASK.with_max_form_parts(Some(10));
    /// assert_eq!(l.max_form_parts(), Some(10));
    /// ```
    #[must_use]
    pub const fn with_max_form_parts(mut self, parts: Option<usize>) -> Self {
        self.max_form_parts = parts;
        self
    }

    /// `MAX_CONTENT_LENGTH`.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::flask_wtf::FormLimits::FLASK.max_content_length(), None);
    /// ```
    pub const fn max_content_length(&self) -> Option<u64> {
        self.max_content_length
    }

    /// `MAX_FORM_MEMORY_SIZE`.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::flask_wtf::FormLimits::FLASK.max_form_memory_size(), Some(500_000));
    /// ```
    pub const fn max_form_memory_size(&self) -> Option<usize> {
        self.max_form_memory_size
    }

    /// `MAX_FORM_PARTS`.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::flask_wtf::FormLimits::FLASK.max_form_parts(), Some(1_000));
    /// ```
    pub const fn max_form_parts(&self) -> Option<usize> {
        self.max_form_parts
    }

    /// Whether a body of `length` bytes is over `MAX_CONTENT_LENGTH` (Werkzeug checks
    /// the `Content-Length` before reading, and a chunked body as it reads).
    ///
    /// ```
    /// let l = flask_session_cookie::flask_wtf::FormLimits::FLASK.with_max_content_length(Some(10));
    /// assert!(l.content_too_long(11) && !l.content_too_long(10));
    /// ```
    pub fn content_too_long(&self, length: u64) -> bool {
        self.max_content_length.is_some_and(|max| length > max)
    }
}

/// Reading a form body went past one of [`FormLimits`]: Werkzeug raises
/// `RequestEntityTooLarge`, which Flask answers with 413.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormTooLarge;

/// Which form a `Content-Type` announces, as Werkzeug decides whether to read
/// `request.form`: only a non-empty `Content-Type` whose lowercased type is
/// `application/x-www-form-urlencoded` or `multipart/form-data` is read.
///
/// ```
/// use flask_session_cookie::flask_wtf::is_form_content_type;
/// assert!(is_form_content_type(Some(b"Multipart/Form-Data; boundary=x")));
/// assert!(!is_form_content_type(Some(b"application/json")));
/// assert!(!is_form_content_type(None));
/// ```
pub fn is_form_content_type(content_type: Option<&[u8]>) -> bool {
    form_kind(content_type).is_some()
}

enum FormKind {
    Urlencoded,
    /// The boundary, `None` when it is missing or not ASCII (the form is then empty).
    Multipart(Option<Vec<u8>>),
}

fn form_kind(content_type: Option<&[u8]>) -> Option<FormKind> {
    let content_type = content_type.filter(|c| !c.is_empty())?;
    let content_type = latin1(content_type);
    let (mimetype, options) = parse_options_header(&content_type);
    match mimetype.to_lowercase().as_str() {
        "application/x-www-form-urlencoded" => Some(FormKind::Urlencoded),
        "multipart/form-data" => {
            let boundary = option(&options, "boundary")
                .filter(|b| !b.is_empty() && b.is_ascii())
                .map(|b| b.as_bytes().to_vec());
            Some(FormKind::Multipart(boundary))
        }
        _ => None,
    }
}

/// The form fields of a body with this `Content-Type`, as Werkzeug reads them, with
/// Flask's default limits; see [`parse_form_with`].
///
/// ```
/// use flask_session_cookie::flask_wtf::parse_form;
/// let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n--XyZ--\r\n";
/// let form = parse_form(Some(b"multipart/form-data; boundary=XyZ"), body);
/// assert_eq!(form.get("csrf_token"), Some("abc"));
/// ```
pub fn parse_form(content_type: Option<&[u8]>, body: &[u8]) -> FormFields {
    parse_form_with(content_type, body, &FormLimits::FLASK).unwrap_or_default()
}

/// The form fields of a body with this `Content-Type`, as Werkzeug 3.1 reads them:
/// a urlencoded body is split at `&`, `+` is a space, percent-escapes that are not
/// UTF-8 stay escaped, and a body that is not UTF-8 has no fields; a multipart body
/// gives its parts without a filename, decoded with the part's charset (ASCII,
/// UTF-8 or Latin-1) with replacement. Any other type, or a body Werkzeug finds
/// malformed, has no fields. Going past a limit is [`FormTooLarge`].
///
/// ```
/// use flask_session_cookie::flask_wtf::{FormLimits, FormTooLarge, parse_form_with};
/// let limits = FormLimits::FLASK.with_max_form_memory_size(Some(3));
/// let body = b"--b\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nabcd\r\n--b--\r\n";
/// let r = parse_form_with(Some(b"multipart/form-data; boundary=b"), body, &limits);
/// assert_eq!(r, Err(FormTooLarge));
/// ```
pub fn parse_form_with(
    content_type: Option<&[u8]>,
    body: &[u8],
    limits: &FormLimits,
) -> Result<FormFields, FormTooLarge> {
    if limits.content_too_long(body.len() as u64) {
        return Err(FormTooLarge);
    }
    match form_kind(content_type) {
        None | Some(FormKind::Multipart(None)) => Ok(FormFields::default()),
        Some(FormKind::Urlencoded) => Ok(urlencoded(body)),
        Some(FormKind::Multipart(Some(boundary))) => Ok(Multipart::new(&boundary, limits)
            .parse(body)?
            .unwrap_or_default()),
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
            (Some(unquote_plus(name)), unquote_plus(value))
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
        [b'%', hi, lo] => Some(hex_value(*hi)? << 4 | hex_value(*lo)?),
        _ => None,
    }
}

fn hex_value(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
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

/// `urllib.parse.unquote(text, encoding, errors="replace")` for an ASCII text:
/// `%XX` escapes become bytes (invalid ones stay as they are), decoded with one of
/// the charsets Werkzeug accepts.
fn unquote_with_charset(text: &str, charset: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut raw = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match escape_at(bytes, i) {
            Some(decoded) => {
                raw.push(decoded);
                i += 3;
            }
            None => {
                raw.push(b);
                i += 1;
            }
        }
    }
    decode_charset(&raw, charset)
}

/// `bytes.decode(charset, "replace")` for the charsets Werkzeug reads.
fn decode_charset(bytes: &[u8], charset: &str) -> String {
    match charset {
        "iso-8859-1" => latin1(bytes),
        "ascii" | "us-ascii" => bytes
            .iter()
            .map(|&b| {
                if b.is_ascii() {
                    char::from(b)
                } else {
                    '\u{fffd}'
                }
            })
            .collect(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The value of option `key` (options as a Python dict: the last assignment wins).
fn option<'a>(options: &'a [(String, String)], key: &str) -> Option<&'a str> {
    options
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn set_option(options: &mut Vec<(String, String)>, key: &str, value: String) {
    match options.iter_mut().find(|(k, _)| k == key) {
        Some(slot) => slot.1 = value,
        None => options.push((key.to_owned(), value)),
    }
}

/// A character of RFC 9110's `token`, as Werkzeug's parameter patterns take them
/// (`[\w!#$%&'*+\-.^`|~]` with ASCII `\w`).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Werkzeug 3.1's `parse_options_header`: the value before the first `;` and its
/// parameters (names lowercased; quoted values unquoted, `\` escapes and `%22`
/// undone; RFC 2231 charsets and continuations joined). Malformed parameters are
/// skipped, and an unclosed quoted value ends the list.
fn parse_options_header(header: &str) -> (String, Vec<(String, String)>) {
    let (value, rest) = header.split_once(';').unwrap_or((header, ""));
    let value = value.trim_matches([' ', '\t']).to_owned();
    let rest = rest.trim_matches([' ', '\t']);
    if value.is_empty() || rest.is_empty() {
        return (value, Vec::new());
    }
    let bytes = rest.as_bytes();
    let mut parts: Vec<(String, &str)> = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let key_len = bytes
            .get(pos..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&b| is_token_byte(b))
            .count();
        if key_len > 0 && bytes.get(pos + key_len) == Some(&b'=') {
            let key = rest
                .get(pos..pos + key_len)
                .unwrap_or_default()
                .to_ascii_lowercase();
            pos += key_len + 1;
            let value_len = bytes
                .get(pos..)
                .unwrap_or_default()
                .iter()
                .take_while(|&&b| is_token_byte(b))
                .count();
            if value_len > 0 {
                parts.push((key, rest.get(pos..pos + value_len).unwrap_or_default()));
            } else if bytes.get(pos) == Some(&b'"') {
                let mut q = pos + 1;
                let mut closed = false;
                while q < bytes.len() {
                    match (bytes.get(q), bytes.get(q + 1)) {
                        (Some(b'\\'), Some(b'\\' | b'"')) => q += 2,
                        (Some(b'"'), _) => {
                            q += 1;
                            parts.push((key.clone(), rest.get(pos..q).unwrap_or_default()));
                            pos = q;
                            closed = true;
                            break;
                        }
                        _ => q += 1,
                    }
                }
                if !closed {
                    break;
                }
            }
        }
        // On to the next `;` (anywhere after), skipping the spaces after it.
        match bytes
            .get(pos..)
            .and_then(|r| r.iter().position(|&b| b == b';'))
        {
            Some(semi) => {
                pos += semi + 1;
                while matches!(bytes.get(pos), Some(b' ' | b'\t')) {
                    pos += 1;
                }
            }
            None => break,
        }
    }

    let mut options: Vec<(String, String)> = Vec::new();
    let mut continuations: Vec<(String, Vec<String>)> = Vec::new();
    let mut continuation_charsets: Vec<(String, String)> = Vec::new();
    for (key, raw) in parts {
        let (name, has_continuation, has_charset) = split_mark(&key);
        let name = name.to_owned();
        let value = if has_charset {
            let mut charset = None;
            let mut value = raw.to_owned();
            if let Some((cs, v)) = split_charset_value(raw) {
                charset = Some(cs.to_ascii_lowercase());
                value = v.to_owned();
            }
            if charset.as_deref().is_none_or(str::is_empty) && has_continuation {
                charset = option(&continuation_charsets, &name).map(str::to_owned);
            }
            match charset.as_deref() {
                Some(cs @ ("ascii" | "us-ascii" | "utf-8" | "iso-8859-1")) => {
                    let decoded = unquote_with_charset(&value, cs);
                    if has_continuation {
                        set_option(&mut continuation_charsets, &name, cs.to_owned());
                    }
                    decoded
                }
                _ => value,
            }
        } else {
            unquote_header_value(raw).replace("%22", "\"")
        };
        if has_continuation {
            options.retain(|(k, _)| *k != name);
            match continuations.iter_mut().find(|(k, _)| *k == name) {
                Some((_, values)) => values.push(value),
                None => continuations.push((name, vec![value])),
            }
        } else {
            continuations.retain(|(k, _)| *k != name);
            continuation_charsets.retain(|(k, _)| *k != name);
            set_option(&mut options, &name, value);
        }
    }
    for (name, values) in continuations {
        set_option(&mut options, &name, values.concat());
    }
    (value, options)
}

/// RFC 2231's markers at the end of a parameter name (`name*0`, `name*`,
/// `name*0*`): the name without them, whether it is a continuation, whether it has
/// a charset. The earliest position from which the rest is `(\*\d+)?\*?` counts.
fn split_mark(key: &str) -> (&str, bool, bool) {
    let bytes = key.as_bytes();
    for start in 0..bytes.len() {
        let rest = bytes.get(start..).unwrap_or_default();
        let Some(after_star) = rest.strip_prefix(b"*") else {
            continue;
        };
        let digits = after_star.iter().take_while(|b| b.is_ascii_digit()).count();
        let tail = after_star.get(digits..).unwrap_or_default();
        let name = key.get(..start).unwrap_or_default();
        if digits > 0 && (tail.is_empty() || tail == b"*") {
            return (name, true, tail == b"*");
        }
        if digits == 0 && tail.is_empty() {
            return (name, false, true);
        }
    }
    (key, false, false)
}

/// `charset'language'value` (RFC 2231 section 4), as Werkzeug's pattern takes it.
fn split_charset_value(raw: &str) -> Option<(&str, &str)> {
    let is_cs = |b: u8| is_token_byte(b) && b != b'\'';
    let (charset, rest) = raw.split_once('\'')?;
    let (language, value) = rest.split_once('\'')?;
    (charset.bytes().all(is_cs)
        && language.bytes().all(is_cs)
        && !value.is_empty()
        && value.bytes().all(is_token_byte))
    .then_some((charset, value))
}

/// Werkzeug's `unquote_header_value`: a value in double quotes loses them, and a
/// backslash before any character but a line break is dropped.
fn unquote_header_value(value: &str) -> String {
    let Some(inner) = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .filter(|_| value.len() >= 2)
    else {
        return value.to_owned();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && next != '\n'
        {
            out.push(next);
            chars.next();
        } else {
            out.push(c);
        }
    }
    out
}

/// How many bytes Werkzeug's `MultiPartParser` reads at a time.
const READ_SIZE: usize = 64 * 1024;
/// Werkzeug's `SEARCH_EXTRA_LENGTH`.
const SEARCH_EXTRA: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Preamble,
    Part,
    DataStart,
    Data,
    Epilogue,
    Complete,
}

/// What the decoder gives next (Werkzeug's events).
enum Event {
    NeedData,
    Field {
        name: Option<String>,
        charset: String,
    },
    File,
    Data {
        data: Vec<u8>,
        more: bool,
    },
    Epilogue,
}

/// Why decoding stopped early: a limit (413), or a body Werkzeug finds malformed
/// (a `ValueError`, which leaves the form empty).
enum Stop {
    TooLarge,
    Malformed,
}

/// Werkzeug 3.1's `MultipartDecoder` with `MultiPartParser`'s loop around it.
struct Multipart<'a> {
    boundary: &'a [u8],
    limits: &'a FormLimits,
    buffer: Vec<u8>,
    complete: bool,
    state: State,
    search_from: usize,
    parts: usize,
}

impl<'a> Multipart<'a> {
    fn new(boundary: &'a [u8], limits: &'a FormLimits) -> Self {
        Multipart {
            boundary,
            limits,
            buffer: Vec::new(),
            complete: false,
            state: State::Preamble,
            search_from: 0,
            parts: 0,
        }
    }

    /// The text fields, `Ok(None)` for a malformed body.
    fn parse(mut self, body: &[u8]) -> Result<Option<FormFields>, FormTooLarge> {
        match self.run(body) {
            Ok(fields) => Ok(Some(FormFields(fields))),
            Err(Stop::TooLarge) => Err(FormTooLarge),
            Err(Stop::Malformed) => Ok(None),
        }
    }

    fn run(&mut self, body: &[u8]) -> Result<Vec<(Option<String>, String)>, Stop> {
        let mut fields = Vec::new();
        // The part being read: a text field's name, charset and bytes so far, or a file.
        let mut field: Option<(Option<String>, String, Vec<u8>)> = None;
        let chunks = body.chunks(READ_SIZE).map(Some).chain([None]);
        for chunk in chunks {
            self.receive(chunk)?;
            loop {
                match self.next_event()? {
                    Event::NeedData | Event::Epilogue => break,
                    Event::Field { name, charset } => field = Some((name, charset, Vec::new())),
                    Event::File => field = None,
                    Event::Data { data, more } => {
                        if let Some((_, _, bytes)) = field.as_mut() {
                            bytes.extend_from_slice(&data);
                            if self
                                .limits
                                .max_form_memory_size
                                .is_some_and(|max| bytes.len() > max)
                            {
                                return Err(Stop::TooLarge);
                            }
                        }
                        if !more && let Some((name, charset, bytes)) = field.take() {
                            fields.push((name, decode_charset(&bytes, &charset)));
                        }
                    }
                }
            }
        }
        Ok(fields)
    }

    fn receive(&mut self, data: Option<&[u8]>) -> Result<(), Stop> {
        match data {
            None => self.complete = true,
            Some(data) => {
                if self
                    .limits
                    .max_form_memory_size
                    .is_some_and(|max| self.buffer.len() + data.len() > max)
                {
                    return Err(Stop::TooLarge);
                }
                self.buffer.extend_from_slice(data);
            }
        }
        Ok(())
    }

    fn next_event(&mut self) -> Result<Event, Stop> {
        let mut event = Event::NeedData;
        match self.state {
            State::Preamble => match self.find_boundary(self.search_from, true) {
                Some(m) => {
                    self.state = if m.epilogue {
                        State::Epilogue
                    } else {
                        State::Part
                    };
                    // The preamble is dropped; Werkzeug's loop goes on to the next event.
                    self.buffer.drain(..m.end);
                    self.search_from = 0;
                    return self.next_event();
                }
                None => {
                    self.search_from = self
                        .buffer
                        .len()
                        .saturating_sub(self.boundary.len() + SEARCH_EXTRA);
                }
            },
            State::Part => match find_blank_line(&self.buffer, self.search_from) {
                Some((start, end)) => {
                    let headers = parse_part_headers(self.buffer.get(..start).unwrap_or_default())
                        .ok_or(Stop::Malformed)?;
                    self.buffer.drain(..(start + end) / 2);
                    let disposition =
                        header(&headers, "content-disposition").ok_or(Stop::Malformed)?;
                    let (_, options) = parse_options_header(disposition);
                    event = if option(&options, "filename").is_some() {
                        Event::File
                    } else {
                        let charset = header(&headers, "content-type")
                            .map(|ct| {
                                let (_, params) = parse_options_header(ct);
                                option(&params, "charset")
                                    .unwrap_or_default()
                                    .to_lowercase()
                            })
                            .filter(|cs| {
                                matches!(cs.as_str(), "ascii" | "us-ascii" | "utf-8" | "iso-8859-1")
                            })
                            .unwrap_or_else(|| "utf-8".to_owned());
                        Event::Field {
                            name: option(&options, "name").map(str::to_owned),
                            charset,
                        }
                    };
                    self.state = State::DataStart;
                    self.search_from = 0;
                    self.parts += 1;
                    if self
                        .limits
                        .max_form_parts
                        .is_some_and(|max| self.parts > max)
                    {
                        return Err(Stop::TooLarge);
                    }
                }
                None => self.search_from = self.buffer.len().saturating_sub(SEARCH_EXTRA),
            },
            State::DataStart | State::Data => {
                let start = self.state == State::DataStart;
                let (data, consumed, more) = self.parse_data(start);
                self.buffer.drain(..consumed);
                if start {
                    if more {
                        self.state = State::Data;
                    }
                    event = Event::Data { data, more };
                } else if !data.is_empty() || !more {
                    event = Event::Data { data, more };
                }
            }
            State::Epilogue if self.complete => {
                self.buffer.clear();
                self.state = State::Complete;
                event = Event::Epilogue;
            }
            State::Epilogue | State::Complete => {}
        }
        if self.complete && matches!(event, Event::NeedData) {
            return Err(Stop::Malformed);
        }
        Ok(event)
    }

    /// `_parse_data`: the data up to the next boundary (or up to where a boundary
    /// might begin), how much of the buffer that used, and whether more follows.
    fn parse_data(&mut self, start: bool) -> (Vec<u8>, usize, bool) {
        let data_start = if start {
            line_break_len(&self.buffer, 0).unwrap_or(0)
        } else {
            0
        };
        let mut dashed = b"--".to_vec();
        dashed.extend_from_slice(self.boundary);
        let (data_end, consumed, more) = if find(&self.buffer, &dashed, 0).is_none() {
            let end = self.last_partial_boundary(data_start) + data_start;
            (end, end, true)
        } else {
            match self.find_boundary(0, false) {
                Some(m) => {
                    self.state = if m.epilogue {
                        State::Epilogue
                    } else {
                        State::Part
                    };
                    (m.start, m.end, false)
                }
                None => {
                    let end = self.last_partial_boundary(data_start) + data_start;
                    (end, end, true)
                }
            }
        };
        let data = self
            .buffer
            .get(data_start..data_end.max(data_start))
            .unwrap_or_default()
            .to_vec();
        (data, consumed, more)
    }

    /// `_last_partial_boundary_index` on the buffer after `from`.
    fn last_partial_boundary(&self, from: usize) -> usize {
        let data = self.buffer.get(from..).unwrap_or_default();
        let complete = data.len() as isize - (self.boundary.len() + 4) as isize;
        let last = |byte: u8| match data.iter().rposition(|&b| b == byte) {
            Some(i) if (i as isize) >= complete => i,
            _ => data.len(),
        };
        last(b'\n').min(last(b'\r'))
    }

    /// Werkzeug's boundary patterns from `from`: `LB--boundary` followed by
    /// `--` (the last one: horizontal space and a line break may follow) or by
    /// horizontal space and a line break. The line break before it is optional
    /// in the preamble. The leftmost match.
    fn find_boundary(&self, from: usize, preamble: bool) -> Option<BoundaryMatch> {
        let mut dashed = b"--".to_vec();
        dashed.extend_from_slice(self.boundary);
        let buf = &self.buffer;
        let mut at = from;
        // Candidate starts in order: a line break that `--boundary` follows, or (in
        // the preamble) `--boundary` itself.
        while at < buf.len() {
            let (start, after) = match line_break_len(buf, at) {
                Some(lb) if buf.get(at + lb..).is_some_and(|r| r.starts_with(&dashed)) => {
                    (at, at + lb + dashed.len())
                }
                _ if preamble && buf.get(at..).is_some_and(|r| r.starts_with(&dashed)) => {
                    (at, at + dashed.len())
                }
                _ => {
                    at += 1;
                    continue;
                }
            };
            if let Some((end, epilogue)) = boundary_suffix(buf, after) {
                return Some(BoundaryMatch {
                    start,
                    end,
                    epilogue,
                });
            }
            at += 1;
        }
        None
    }
}

struct BoundaryMatch {
    start: usize,
    end: usize,
    epilogue: bool,
}

/// After `--boundary`: `--[ \t\f\v]*LB?` (the last boundary) or `[ \t\f\v]*LB`.
fn boundary_suffix(buf: &[u8], at: usize) -> Option<(usize, bool)> {
    let horizontal = |b: &u8| matches!(b, b' ' | b'\t' | 0x0b | 0x0c);
    let rest = buf.get(at..)?;
    if rest.starts_with(b"--") {
        let ws = rest.get(2..)?.iter().take_while(|b| horizontal(b)).count();
        let end = at + 2 + ws;
        return Some((end + line_break_len(buf, end).unwrap_or(0), true));
    }
    let ws = rest.iter().take_while(|b| horizontal(b)).count();
    let end = at + ws;
    line_break_len(buf, end).map(|lb| (end + lb, false))
}

/// The length of a line break (`\r\n`, `\n` or `\r`) at `at`.
fn line_break_len(buf: &[u8], at: usize) -> Option<usize> {
    match buf.get(at..)? {
        [b'\r', b'\n', ..] => Some(2),
        [b'\n' | b'\r', ..] => Some(1),
        _ => None,
    }
}

/// The first `\r\n\r\n`, `\r\r` or `\n\n` from `from`: its start and end.
fn find_blank_line(buf: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut at = from;
    while at < buf.len() {
        let rest = buf.get(at..).unwrap_or_default();
        if rest.starts_with(b"\r\n\r\n") {
            return Some((at, at + 4));
        }
        if rest.starts_with(b"\r\r") || rest.starts_with(b"\n\n") {
            return Some((at, at + 2));
        }
        at += 1;
    }
    None
}

/// A part's header lines (continuations joined, each line trimmed and split at its
/// first `:`); `None` when a line is not UTF-8.
fn parse_part_headers(data: &[u8]) -> Option<Vec<(String, String)>> {
    // A line break followed by a space or tab continues the line: both become one space.
    let mut joined = Vec::with_capacity(data.len());
    let mut i = 0;
    while let Some(&b) = data.get(i) {
        if let Some(lb) = line_break_len(data, i)
            && matches!(data.get(i + lb), Some(b' ' | b'\t'))
        {
            joined.push(b' ');
            i += lb + 1;
            continue;
        }
        joined.push(b);
        i += 1;
    }
    let mut headers = Vec::new();
    for line in split_lines(&joined) {
        let line = trim_bytes(line);
        if line.is_empty() {
            continue;
        }
        let line = std::str::from_utf8(line).ok()?;
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        headers.push((
            name.trim_matches([' ', '\t']).to_owned(),
            value.trim_matches([' ', '\t']).to_owned(),
        ));
    }
    Some(headers)
}

/// `bytes.splitlines()`: at `\r\n`, `\n` or `\r`.
fn split_lines(data: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < data.len() {
        if let Some(lb) = line_break_len(data, i) {
            lines.push(data.get(start..i).unwrap_or_default());
            i += lb;
            start = i;
        } else {
            i += 1;
        }
    }
    if start < data.len() {
        lines.push(data.get(start..).unwrap_or_default());
    }
    lines
}

fn trim_bytes(line: &[u8]) -> &[u8] {
    let ws = |b: &u8| matches!(b, b' ' | b'\t');
    let start = line.iter().position(|b| !ws(b)).unwrap_or(line.len());
    let end = line.iter().rposition(|b| !ws(b)).map_or(start, |e| e + 1);
    line.get(start..end).unwrap_or_default()
}

/// The first value of a header (names compared case-insensitively).
fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn multipart(body: &[u8], boundary: &[u8]) -> FormFields {
        Multipart::new(boundary, &FormLimits::FLASK)
            .parse(body)
            .ok()
            .flatten()
            .unwrap_or_default()
    }

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
            [(Some("a"), ""), (Some("b"), ""), (Some("c"), "1=2")]
        );
        assert_eq!(urlencoded(b"a=\xff"), FormFields::default());
    }

    #[test]
    fn multipart_skips_files_and_reads_text() {
        let body = b"preamble\r\n--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n\r\nfile\r\n--b\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nline1\r\nline2\r\n--b--\r\n";
        let form = multipart(body, b"b");
        assert_eq!(
            form.iter().collect::<Vec<_>>(),
            [(Some("t"), "line1\r\nline2")]
        );
    }

    #[test]
    fn an_unterminated_multipart_body_has_no_fields() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nv\r\n--b\r\nContent-Disposition: form-data; name=\"u\"\r\n\r\nw";
        assert_eq!(multipart(body, b"b"), FormFields::default());
    }

    #[test]
    fn options_header_like_werkzeug() {
        let (v, o) = parse_options_header("form-data; name=\"a;b\"; filename*=UTF-8''%C3%A9; x");
        assert_eq!(v, "form-data");
        assert_eq!(option(&o, "name"), Some("a;b"));
        assert_eq!(option(&o, "filename"), Some("é"));
        let (_, o) = parse_options_header("x; name*0=ab; name*1=\"cd\"");
        assert_eq!(option(&o, "name"), Some("abcd"));
        let (_, o) = parse_options_header("x; name=\"a\\\"b%22\"");
        assert_eq!(option(&o, "name"), Some("a\"b\""));
        let (_, o) = parse_options_header("x; a=\"open; b=2");
        assert_eq!(o, Vec::<(String, String)>::new());
    }

    #[test]
    fn keys_are_linear_in_the_number_of_fields() {
        let body: String = (0..100_000).map(|i| format!("k{i}=v&")).collect();
        let form = urlencoded(body.as_bytes());
        assert_eq!(form.keys().count(), 100_000);
    }
}
