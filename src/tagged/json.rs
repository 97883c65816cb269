//! Python's JSON dialect, exactly: the text `json.dumps(..., separators=(",", ":"),
//! sort_keys=True)` writes, and what `json.loads` reads.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::tags::{self, TAG_BYTES, TAG_DATETIME, TAG_DICT, TAG_MARKUP, TAG_TUPLE, TAG_UUID};
use super::value::{Dict, Int, Key, Value};
use crate::error::{Error, Limit, PayloadStage, Result};
use crate::limits::Limits;

/// Which JSON a serializer reads and writes.
///
/// * [`JsonFormat::flask`]: Flask's `TaggedJSONSerializer` inside an app — type tags,
///   keys sorted at every level, `ensure_ascii=True`.
/// * [`JsonFormat::plain`]: itsdangerous' default (`_CompactJSON`) — no tags,
///   `ensure_ascii=False`; tuples are written as lists, bytes, UUIDs and datetimes
///   cannot be written.
///
/// Both write `NaN`, `Infinity`, `-Infinity` as Python does, and keys in sorted order.
///
/// ```
/// use flask_session_cookie::{JsonFormat, Limits, Value};
///
/// let value = Value::Tuple(vec![Value::from(1), Value::from("é")]);
/// let limits = Limits::new();
/// assert_eq!(JsonFormat::flask().dumps(&value, &limits)?, r#"{" t":[1,"\u00e9"]}"#);
/// assert_eq!(JsonFormat::plain().dumps(&value, &limits)?, r#"[1,"é"]"#);
/// assert_eq!(JsonFormat::flask().loads(r#"{" t":[1,"\u00e9"]}"#, &limits)?, value);
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct JsonFormat {
    tagged: bool,
    ensure_ascii: bool,
}

impl JsonFormat {
    /// Flask's session JSON: tags on, `ensure_ascii` on.
    ///
    /// ```
    /// let f = flask_session_cookie::JsonFormat::flask();
    /// assert!(f.tagged() && f.ensure_ascii());
    /// ```
    pub const fn flask() -> Self {
        JsonFormat {
            tagged: true,
            ensure_ascii: true,
        }
    }

    /// itsdangerous' default JSON: tags off, `ensure_ascii` off.
    ///
    /// ```
    /// let f = flask_session_cookie::JsonFormat::plain();
    /// assert!(!f.tagged() && !f.ensure_ascii());
    /// ```
    pub const fn plain() -> Self {
        JsonFormat {
            tagged: false,
            ensure_ascii: false,
        }
    }

    /// Turns Flask's type tags on or off.
    ///
    /// ```
    /// let f = flask_session_cookie::JsonFormat::plain().with_tags(true);
    /// assert!(f.tagged());
    /// ```
    #[must_use]
    pub const fn with_tags(mut self, tagged: bool) -> Self {
        self.tagged = tagged;
        self
    }

    /// Sets `ensure_ascii`: escape every non-ASCII character as `\uXXXX` (Flask's
    /// default) or write it as UTF-8 (Flask apps with `app.json.ensure_ascii = False`).
    ///
    /// ```
    /// use flask_session_cookie::{JsonFormat, Limits, Value};
    /// let f = JsonFormat::flask().with_ensure_ascii(false);
    /// assert_eq!(f.dumps(&Value::from("é"), &Limits::new())?, "\"é\"");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub const fn with_ensure_ascii(mut self, ensure_ascii: bool) -> Self {
        self.ensure_ascii = ensure_ascii;
        self
    }

    /// Whether type tags are read and written.
    ///
    /// ```
    /// assert!(flask_session_cookie::JsonFormat::flask().tagged());
    /// ```
    pub const fn tagged(&self) -> bool {
        self.tagged
    }

    /// Whether non-ASCII characters are escaped when writing.
    ///
    /// ```
    /// assert!(flask_session_cookie::JsonFormat::flask().ensure_ascii());
    /// ```
    pub const fn ensure_ascii(&self) -> bool {
        self.ensure_ascii
    }

    /// Writes `value` as Python would, byte for byte.
    ///
    /// Errors with [`Unencodable`](crate::ErrorKind::Unencodable) for what Python
    /// cannot write (bytes in plain JSON, a datetime outside years 1–9999 in UTC) and
    /// [`LimitExceeded`](crate::ErrorKind::LimitExceeded) past the depth or integer
    /// digit limit.
    ///
    /// ```
    /// use flask_session_cookie::{Dict, JsonFormat, Limits, Value};
    ///
    /// let mut d = Dict::new();
    /// d.insert("b", 1e16);
    /// d.insert("a", 1.5e-7);
    /// let text = JsonFormat::flask().dumps(&Value::Dict(d), &Limits::new())?;
    /// assert_eq!(text, r#"{"a":1.5e-07,"b":1e+16}"#);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn dumps(&self, value: &Value, limits: &Limits) -> Result<String> {
        let mut out = String::with_capacity(64);
        self.dump_into(value, limits, &mut out)?;
        Ok(out)
    }

    /// Like [`dumps`](JsonFormat::dumps), appending to `out`.
    ///
    /// ```
    /// use flask_session_cookie::{JsonFormat, Limits, Value};
    /// let mut out = String::from("x=");
    /// JsonFormat::flask().dump_into(&Value::None, &Limits::new(), &mut out)?;
    /// assert_eq!(out, "x=null");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn dump_into(&self, value: &Value, limits: &Limits, out: &mut String) -> Result<()> {
        Writer {
            format: *self,
            limits,
            out,
        }
        .run(Task::Value(value, 0))
    }

    /// Writes a dict (a session) without wrapping it in a [`Value`] first.
    pub(crate) fn dump_dict_into(
        &self,
        dict: &Dict,
        limits: &Limits,
        out: &mut String,
    ) -> Result<()> {
        Writer {
            format: *self,
            limits,
            out,
        }
        .run(Task::Dict(dict, 0))
    }

    /// Reads JSON text into your type, as [`loads`](JsonFormat::loads) followed by
    /// [`serde::from_value`](crate::serde::from_value) would — with Flask's tags, in
    /// one pass without building the value tree when the text is shaped as Flask writes
    /// it (sorted, unique keys).
    ///
    /// ```
    /// use flask_session_cookie::{JsonFormat, Limits};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Flashes { _flashes: Vec<(String, String)> }
    ///
    /// let text = r#"{"_flashes":[{" t":["message","Hello!"]}]}"#;
    /// let f: Flashes = JsonFormat::flask().loads_as(text, &Limits::new())?;
    /// assert_eq!(f._flashes[0].1, "Hello!");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn loads_as<T: serde::de::DeserializeOwned>(
        &self,
        text: &str,
        limits: &Limits,
    ) -> Result<T> {
        if self.tagged {
            super::stream::value_from_text(text, limits)
        } else {
            crate::serde::from_value(self.loads(text, limits)?)
        }
    }

    /// Reads JSON text as Python's `json.loads` does (with Flask's tags when they are
    /// on): `NaN`, `Infinity` and `-Infinity` are accepted, integers of any size up to
    /// the digit limit, the last of duplicate keys wins.
    ///
    /// Stricter than Python in one way: a `\ud800`-style escape that does not form a
    /// surrogate pair is rejected, as Rust strings cannot hold it.
    ///
    /// ```
    /// use flask_session_cookie::{JsonFormat, Limits, Value};
    ///
    /// let v = JsonFormat::flask().loads(r#"{"a":1,"a":NaN}"#, &Limits::new())?;
    /// assert!(v.as_dict().and_then(|d| d.get("a")).and_then(Value::as_f64).is_some_and(f64::is_nan));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn loads(&self, text: &str, limits: &Limits) -> Result<Value> {
        let mut r = Reader::new(text, self.tagged, limits);
        r.skip_ws();
        let mut result = r.value();
        r.skip_ws();
        if result.is_ok() && !r.at_end() {
            result = Err(r.error("extra data"));
        }
        r.finish();
        result
    }
}

struct Writer<'a> {
    format: JsonFormat,
    limits: &'a Limits,
    out: &'a mut String,
}

/// Pending output while writing. Iterative, like the reader: nesting never grows the
/// call stack.
enum Task<'v> {
    Value(&'v Value, usize),
    /// A dict's members, escaped as ` di` when it is a one-key dict with a tag key.
    Dict(&'v Dict, usize),
    /// `"key":`
    Key(&'v str),
    Literal(&'static str),
}

impl<'v> Writer<'_> {
    fn depth_check(&self, depth: usize) -> Result<()> {
        if depth >= self.limits.max_depth() {
            return Err(Error::limit(
                Limit::Depth,
                format!(
                    "the value is nested more than {} levels deep",
                    self.limits.max_depth()
                ),
            ));
        }
        Ok(())
    }

    /// Writes `{"<tag>":` — the caller writes the inner value and the `}`.
    fn open_tag(&mut self, tag: &str) {
        self.out.push_str("{\"");
        self.out.push_str(tag);
        self.out.push_str("\":");
    }

    fn run(&mut self, first: Task<'v>) -> Result<()> {
        let mut tasks = vec![first];
        while let Some(task) = tasks.pop() {
            match task {
                Task::Literal(text) => self.out.push_str(text),
                Task::Key(k) => {
                    self.string(k);
                    self.out.push(':');
                }
                Task::Value(value, depth) => self.value(value, depth, &mut tasks)?,
                Task::Dict(d, depth) => self.dict(d, depth, &mut tasks)?,
            }
        }
        Ok(())
    }

    /// Writes a scalar, or opens a container and queues its contents.
    fn value(&mut self, value: &'v Value, depth: usize, tasks: &mut Vec<Task<'v>>) -> Result<()> {
        let tagged = self.format.tagged;
        match value {
            Value::None => self.out.push_str("null"),
            Value::Bool(true) => self.out.push_str("true"),
            Value::Bool(false) => self.out.push_str("false"),
            Value::Int(i) => self.int(i)?,
            Value::Float(f) => push_float(*f, self.out, "NaN", "Infinity"),
            Value::Str(s) => self.string(s),
            Value::List(items) => self.list(items, depth, tasks)?,
            Value::Tuple(items) => {
                if tagged {
                    self.depth_check(depth)?;
                    self.open_tag(TAG_TUPLE);
                    tasks.push(Task::Literal("}"));
                    self.list(items, depth + 1, tasks)?;
                } else {
                    self.list(items, depth, tasks)?;
                }
            }
            Value::Dict(d) => self.dict(d, depth, tasks)?,
            Value::Bytes(b) => {
                if !tagged {
                    return Err(Error::unencodable(
                        "bytes cannot be written as plain JSON (Python raises TypeError)",
                    ));
                }
                self.depth_check(depth)?;
                self.open_tag(TAG_BYTES);
                self.out.push('"');
                tags::b64encode_standard(b, self.out);
                self.out.push_str("\"}");
            }
            Value::Markup(s) => {
                if tagged {
                    self.depth_check(depth)?;
                    self.open_tag(TAG_MARKUP);
                    self.string(s);
                    self.out.push('}');
                } else {
                    self.string(s);
                }
            }
            Value::Uuid(u) => {
                if !tagged {
                    return Err(Error::unencodable(
                        "a UUID cannot be written as plain JSON (Python raises TypeError)",
                    ));
                }
                self.depth_check(depth)?;
                self.open_tag(TAG_UUID);
                self.out.push('"');
                let mut buf = uuid::Uuid::encode_buffer();
                self.out.push_str(u.simple().encode_lower(&mut buf));
                self.out.push_str("\"}");
            }
            Value::DateTime(dt) => {
                if !tagged {
                    return Err(Error::unencodable(
                        "a datetime cannot be written as plain JSON (Python raises TypeError)",
                    ));
                }
                self.depth_check(depth)?;
                self.open_tag(TAG_DATETIME);
                self.out.push('"');
                tags::push_http_date(*dt, self.out)?;
                self.out.push_str("\"}");
            }
        }
        Ok(())
    }

    fn int(&mut self, i: &Int) -> Result<()> {
        if i.digits() > self.limits.max_int_digits() {
            return Err(Error::limit(
                Limit::IntegerDigits,
                format!(
                    "an integer has {} digits, more than the limit of {}",
                    i.digits(),
                    self.limits.max_int_digits()
                ),
            ));
        }
        let _ = write!(self.out, "{i}");
        Ok(())
    }

    /// Writes `[` and queues the items, the commas and the `]`.
    fn list(&mut self, items: &'v [Value], depth: usize, tasks: &mut Vec<Task<'v>>) -> Result<()> {
        self.depth_check(depth)?;
        self.out.push('[');
        tasks.push(Task::Literal("]"));
        for (i, item) in items.iter().enumerate().rev() {
            tasks.push(Task::Value(item, depth + 1));
            if i > 0 {
                tasks.push(Task::Literal(","));
            }
        }
        Ok(())
    }

    /// Writes `{` and queues the members; a one-key dict whose key is a tag key is
    /// escaped as `{" di": {"<key>__": value}}`.
    fn dict(&mut self, d: &'v Dict, depth: usize, tasks: &mut Vec<Task<'v>>) -> Result<()> {
        if self.format.tagged && d.len() == 1 {
            if let Some((k, v)) = d.iter().next().filter(|(k, _)| tags::is_tag_key(k)) {
                self.depth_check(depth + 1)?;
                self.open_tag(TAG_DICT);
                self.out.push('{');
                let mut escaped = String::with_capacity(k.len() + 2);
                escaped.push_str(k);
                escaped.push_str("__");
                self.string(&escaped);
                self.out.push(':');
                tasks.push(Task::Literal("}}"));
                tasks.push(Task::Value(v, depth + 2));
                return Ok(());
            }
        }
        self.depth_check(depth)?;
        self.out.push('{');
        tasks.push(Task::Literal("}"));
        let n = d.len();
        for (i, (k, v)) in d.iter().rev().enumerate() {
            tasks.push(Task::Value(v, depth + 1));
            tasks.push(Task::Key(k));
            if i + 1 < n {
                tasks.push(Task::Literal(","));
            }
        }
        Ok(())
    }

    fn string(&mut self, s: &str) {
        push_string(s, self.format.ensure_ascii, self.out);
    }
}

/// Writes a JSON string literal as Python's `json` does.
pub(crate) fn push_string(s: &str, ensure_ascii: bool, out: &mut String) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let needs_escape = match c {
            '"' | '\\' => true,
            '\u{0}'..='\u{1f}' => true,
            '\u{7f}'.. => ensure_ascii,
            _ => false,
        };
        if !needs_escape {
            continue;
        }
        out.push_str(s.get(start..i).unwrap_or_default());
        start = i + c.len_utf8();
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push_str(s.get(start..bytes.len()).unwrap_or_default());
    out.push('"');
}

/// Writes a float as Python's `float.__repr__` does (shortest round-trip digits,
/// exponent form below 1e-4 and from 1e16 on), with the given words for NaN and
/// infinity (`NaN`/`Infinity` in JSON, `nan`/`inf` for `str()`).
pub(crate) fn push_float(f: f64, out: &mut String, nan: &str, inf: &str) {
    if f.is_nan() {
        out.push_str(nan);
        return;
    }
    if f.is_infinite() {
        if f < 0.0 {
            out.push('-');
        }
        out.push_str(inf);
        return;
    }
    if f == 0.0 {
        out.push_str(if f.is_sign_negative() { "-0.0" } else { "0.0" });
        return;
    }
    // `{:e}` gives the shortest round-trip digits in the form `-d.ddde-7`, written to
    // the stack (a float's `{:e}` is at most 24 characters).
    let mut sci = SciBuf::default();
    let _ = write!(sci, "{f:e}");
    // With 16 or 17 digits two strings of that length can round-trip; Python picks
    // the one nearest the exact value, ties to even (…374.125 -> …374.12), which is
    // the correctly rounded one. Fewer digits cannot tie (10^15 < 2^53).
    let n_digits = sci.mantissa().iter().filter(|b| b.is_ascii_digit()).count();
    if n_digits >= 16 {
        let mut nearest = SciBuf::default();
        let _ = write!(nearest, "{:.*e}", n_digits - 1, f);
        if nearest.text().parse::<f64>().is_ok_and(|back| back == f) {
            sci = nearest;
        }
    }
    let exp: i32 = sci.exponent().parse().unwrap_or(0);
    let mantissa = sci.mantissa();
    let negative = mantissa.first() == Some(&b'-');
    // At most 17 significant digits.
    let mut digit_buf = [b'0'; 24];
    let mut n = 0;
    for &b in mantissa.iter().filter(|b| b.is_ascii_digit()) {
        if let Some(slot) = digit_buf.get_mut(n) {
            *slot = b;
            n += 1;
        }
    }
    let digits = std::str::from_utf8(digit_buf.get(..n).unwrap_or_default()).unwrap_or("0");
    if negative {
        out.push('-');
    }
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = usize::try_from(exp).unwrap_or(0) + 1;
            if digits.len() <= int_len {
                out.push_str(digits);
                for _ in digits.len()..int_len {
                    out.push('0');
                }
                out.push_str(".0");
            } else {
                let (a, b) = digits.split_at(int_len);
                out.push_str(a);
                out.push('.');
                out.push_str(b);
            }
        } else {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(digits);
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(
            out,
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        );
    }
}

/// A float's `{:e}` text, kept on the stack.
#[derive(Default)]
struct SciBuf {
    buf: [u8; 32],
    len: usize,
}

impl SciBuf {
    fn text(&self) -> &str {
        std::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or("")
    }

    /// Before the `e`.
    fn mantissa(&self) -> &[u8] {
        let t = self.text().as_bytes();
        t.split(|b| *b == b'e').next().unwrap_or_default()
    }

    /// After the `e`.
    fn exponent(&self) -> &str {
        self.text().split_once('e').map_or("0", |(_, e)| e)
    }
}

impl std::fmt::Write for SciBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let slot = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// An open container while reading.
enum Frame {
    /// Its items start at this index of `Reader::items`.
    List(usize),
    Object {
        /// Its members start at this index of `Reader::members`, in text order;
        /// sorted (and deduplicated) when the dict closes.
        start: usize,
        /// The first key of the dict under this dict's ` di` key, if any.
        di_first_key: Option<Key>,
        /// The key whose value is being read.
        key: Key,
    },
}

/// Bytes that end the fast scan of a string: `"`, `\\` and the controls.
// Evaluated at compile time: an index out of bounds would fail the build, not panic.
#[allow(clippy::indexing_slicing)]
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        table[i] = true;
        i += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

pub(super) struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pub(super) pos: usize,
    tagged: bool,
    pub(super) limits: &'a Limits,
    /// The first key, in text order, of the last object read that stayed a dict.
    last_first_key: Option<Key>,
    /// Items of every open list, in order; a list takes its own off the end when it
    /// closes, into a vector of exactly its size.
    items: Vec<Value>,
    /// Members of every open dict, likewise.
    members: Vec<(Key, Value)>,
    /// The open containers (kept only for its allocation between values).
    frames: Vec<Frame>,
}

/// The reader's working stacks, kept per thread between calls so that reading a
/// cookie does not allocate them anew. Taken out while in use: nested or concurrent
/// use on one thread simply starts with empty ones.
#[derive(Default)]
struct Scratch {
    items: Vec<Value>,
    members: Vec<(Key, Value)>,
    frames: Vec<Frame>,
}

/// Stacks larger than this are dropped rather than kept (a hostile cookie must not
/// pin memory).
const SCRATCH_KEEP: usize = 256;

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = const {
        std::cell::RefCell::new(Scratch { items: Vec::new(), members: Vec::new(), frames: Vec::new() })
    };
}

impl Scratch {
    fn take() -> Scratch {
        crate::cache::take(&SCRATCH)
    }

    fn give_back(mut self) {
        if self.items.capacity() > SCRATCH_KEEP
            || self.members.capacity() > SCRATCH_KEEP
            || self.frames.capacity() > SCRATCH_KEEP
        {
            return;
        }
        self.items.clear();
        self.members.clear();
        self.frames.clear();
        crate::cache::put(&SCRATCH, self);
    }
}

impl<'a> Reader<'a> {
    /// A reader over `text`, with this thread's cached stacks.
    pub(super) fn new(text: &'a str, tagged: bool, limits: &'a Limits) -> Self {
        let scratch = Scratch::take();
        Reader {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            tagged,
            limits,
            last_first_key: None,
            items: scratch.items,
            members: scratch.members,
            frames: scratch.frames,
        }
    }

    /// Gives the stacks back for the next reader on this thread.
    pub(super) fn finish(self) {
        Scratch {
            items: self.items,
            members: self.members,
            frames: self.frames,
        }
        .give_back();
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    pub(super) fn error(&self, what: &str) -> Error {
        Error::payload(PayloadStage::Json, format!("{what} at char {}", self.pos))
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The byte `ahead` places after the current one.
    pub(super) fn bytes_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    pub(super) fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    pub(super) fn eat_literal(&mut self, lit: &str) -> bool {
        if self
            .bytes
            .get(self.pos..self.pos + lit.len())
            .is_some_and(|s| s == lit.as_bytes())
        {
            self.pos += lit.len();
            true
        } else {
            false
        }
    }

    fn enter(&self, depth: usize) -> Result<()> {
        if depth >= self.limits.max_depth() {
            return Err(Error::limit(
                Limit::Depth,
                format!(
                    "the JSON is nested more than {} levels deep",
                    self.limits.max_depth()
                ),
            ));
        }
        Ok(())
    }

    /// Reads one value. Iterative: open lists and dicts live on an explicit stack, so
    /// no input nests the call stack, however deep it goes.
    pub(super) fn value(&mut self) -> Result<Value> {
        let mut stack = std::mem::take(&mut self.frames);
        stack.clear();
        let result = self.value_with(&mut stack);
        self.frames = stack;
        result
    }

    fn value_with(&mut self, stack: &mut Vec<Frame>) -> Result<Value> {
        'value: loop {
            // Read the start of a value: a scalar, an empty container, or the opening
            // of one (pushed, then its first member is read).
            self.last_first_key = None;
            let mut done = match self.peek() {
                Some(b'[') => {
                    self.enter(stack.len())?;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Value::List(Vec::new())
                    } else {
                        stack.push(Frame::List(self.items.len()));
                        continue 'value;
                    }
                }
                Some(b'{') => {
                    self.enter(stack.len())?;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Value::Dict(Dict::new())
                    } else {
                        let key = self.key()?;
                        stack.push(Frame::Object {
                            start: self.members.len(),
                            di_first_key: None,
                            key,
                        });
                        continue 'value;
                    }
                }
                _ => self.scalar()?,
            };
            // A value is complete: hand it to the container it belongs to, closing
            // every container that ends here.
            loop {
                let Some(top) = stack.last_mut() else {
                    return Ok(done);
                };
                match top {
                    Frame::List(_) => {
                        self.items.push(done);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                continue 'value;
                            }
                            Some(b']') => self.pos += 1,
                            _ => return Err(self.error("expecting ',' delimiter")),
                        }
                    }
                    Frame::Object {
                        di_first_key, key, ..
                    } => {
                        let key = std::mem::take(key);
                        if self.tagged && key == TAG_DICT {
                            *di_first_key = self.last_first_key.take();
                        }
                        self.members.push((key, done));
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                let next = self.key()?;
                                if let Some(Frame::Object { key, .. }) = stack.last_mut() {
                                    *key = next;
                                }
                                continue 'value;
                            }
                            Some(b'}') => self.pos += 1,
                            _ => return Err(self.error("expecting ',' delimiter")),
                        }
                    }
                }
                // The container on top of the stack has just ended.
                let closed = stack.pop();
                // Only a dict read as the value of a ` di` key needs its first key.
                let under_di = self.tagged
                    && matches!(stack.last(), Some(Frame::Object { key, .. }) if key == TAG_DICT);
                done = match closed {
                    Some(Frame::List(start)) => {
                        self.last_first_key = None;
                        Value::List(self.items.drain(start..).collect())
                    }
                    Some(Frame::Object {
                        start,
                        di_first_key,
                        ..
                    }) => self.close_object(start, di_first_key, under_di)?,
                    None => return Err(self.error("unbalanced brackets")),
                };
            }
        }
    }

    /// Reads a string, a number or a constant.
    pub(super) fn scalar(&mut self) -> Result<Value> {
        match self.peek() {
            Some(b'"') => Ok(Value::Str(self.string()?.into_owned())),
            Some(b'n') if self.eat_literal("null") => Ok(Value::None),
            Some(b't') if self.eat_literal("true") => Ok(Value::Bool(true)),
            Some(b'f') if self.eat_literal("false") => Ok(Value::Bool(false)),
            Some(b'N') if self.eat_literal("NaN") => Ok(Value::Float(f64::NAN)),
            Some(b'I') if self.eat_literal("Infinity") => Ok(Value::Float(f64::INFINITY)),
            Some(b'-') if self.eat_literal("-Infinity") => Ok(Value::Float(f64::NEG_INFINITY)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.error("expecting value")),
        }
    }

    /// Reads `"key"` and the `:` after it.
    pub(super) fn key(&mut self) -> Result<Key> {
        Ok(match self.key_text()? {
            Cow::Borrowed(s) => Key::from(s),
            Cow::Owned(s) => Key::from(s),
        })
    }

    /// Like [`key`](Reader::key), borrowing the key from the text when it has no
    /// escapes.
    pub(super) fn key_text(&mut self) -> Result<Cow<'a, str>> {
        if self.peek() != Some(b'"') {
            return Err(self.error("expecting property name enclosed in double quotes"));
        }
        let key = self.string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.error("expecting ':' delimiter"));
        }
        self.pos += 1;
        self.skip_ws();
        Ok(key)
    }

    /// A dict is complete: turn a one-key dict with a tag key into its value
    /// (bottom-up, as Flask's `untag`); otherwise sort it, the last of duplicate keys
    /// winning, and — when it is the value of a ` di` key — remember its first key in
    /// text order.
    fn close_object(
        &mut self,
        start: usize,
        di_first_key: Option<Key>,
        under_di: bool,
    ) -> Result<Value> {
        self.last_first_key = None;
        let members = self.members.get(start..).unwrap_or_default();
        let first = members.first().map(|(k, _)| k);
        let one_tag_key = self.tagged
            && first.is_some_and(|k| tags::is_tag_key(k))
            && members.iter().all(|(k, _)| Some(k) == first);
        let first_key = if under_di { first.cloned() } else { None };
        if one_tag_key {
            // One distinct key (possibly repeated: the last value wins).
            let last = self.members.pop();
            self.members.truncate(start);
            if let Some((tag, inner)) = last {
                return tags::untag(&tag, inner, di_first_key);
            }
        }
        self.last_first_key = first_key;
        let entries: Vec<(Key, Value)> = self.members.drain(start..).collect();
        Ok(Value::Dict(Dict::from_entries(entries)))
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value> {
        let (text, is_float) = self.number_token()?;
        if is_float {
            return text
                .parse::<f64>()
                .map(Value::Float)
                .map_err(|_| self.error("invalid number"));
        }
        let digits = text.trim_start_matches('-').len();
        if digits > self.limits.max_int_digits() {
            return Err(Error::limit(
                Limit::IntegerDigits,
                format!(
                    "an integer has {digits} digits, more than the limit of {} (Python's int_max_str_digits)",
                    self.limits.max_int_digits()
                ),
            ));
        }
        Int::parse_decimal(text)
            .map(Value::Int)
            .ok_or_else(|| self.error("invalid number"))
    }

    /// Scans a number as Python's `json` does; returns its text and whether it is a
    /// float (a fraction or an exponent).
    pub(super) fn number_token(&mut self) -> Result<(&'a str, bool)> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("expecting value")),
        }
        let mut is_float = false;
        if self.peek() == Some(b'.') && matches!(self.bytes.get(self.pos + 1), Some(b'0'..=b'9')) {
            self.pos += 1;
            self.digits();
            is_float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            let save = self.pos;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                self.pos = save;
            } else {
                is_float = true;
            }
        }
        Ok((self.text.get(start..self.pos).unwrap_or_default(), is_float))
    }

    fn hex4(&mut self) -> Result<u32> {
        let hex = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("invalid \\uXXXX escape"))?;
        let v = u32::from_str_radix(hex, 16).map_err(|_| self.error("invalid \\uXXXX escape"))?;
        self.pos += 4;
        Ok(v)
    }

    /// Reads a string literal: borrowed from the text when it has no escapes.
    pub(super) fn string(&mut self) -> Result<Cow<'a, str>> {
        // at the opening quote
        self.pos += 1;
        let start = self.pos;
        // Fast scan to the first byte that is a quote, a backslash or a control.
        while let Some(&b) = self.bytes.get(self.pos) {
            if SPECIAL.get(usize::from(b)).copied().unwrap_or(true) {
                break;
            }
            self.pos += 1;
        }
        match self.peek() {
            Some(b'"') => {
                let s = self.text.get(start..self.pos).unwrap_or_default();
                self.pos += 1;
                Ok(Cow::Borrowed(s))
            }
            Some(b'\\') => {
                let mut out = String::with_capacity(self.pos - start + 16);
                out.push_str(self.text.get(start..self.pos).unwrap_or_default());
                self.string_escaped(out).map(Cow::Owned)
            }
            None => Err(self.error("unterminated string")),
            Some(_) => Err(self.error("invalid control character")),
        }
    }

    /// The rest of a string that has escapes, from a backslash on.
    fn string_escaped(&mut self, mut out: String) -> Result<String> {
        let mut start = self.pos;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            match b {
                b'"' => {
                    out.push_str(self.text.get(start..self.pos).unwrap_or_default());
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(self.text.get(start..self.pos).unwrap_or_default());
                    self.pos += 1;
                    let esc = self
                        .peek()
                        .ok_or_else(|| self.error("unterminated string"))?;
                    self.pos += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&hi) {
                                if self.eat_literal("\\u") {
                                    let lo = self.hex4()?;
                                    if !(0xdc00..0xe000).contains(&lo) {
                                        return Err(self.error(
                                            "lone surrogate escape (Rust strings cannot hold it)",
                                        ));
                                    }
                                    0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                                } else {
                                    return Err(self.error(
                                        "lone surrogate escape (Rust strings cannot hold it)",
                                    ));
                                }
                            } else {
                                hi
                            };
                            let c = char::from_u32(code).ok_or_else(|| {
                                self.error("lone surrogate escape (Rust strings cannot hold it)")
                            })?;
                            out.push(c);
                        }
                        _ => return Err(self.error("invalid \\escape")),
                    }
                    start = self.pos;
                }
                0..=0x1f => return Err(self.error("invalid control character")),
                _ => self.pos += 1,
            }
        }
    }
}
