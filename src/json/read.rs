//! Reading Python's JSON as `json.loads` does, with Flask's tags when they are on.
//! Iterative: open lists and dicts live on explicit stacks, so no input nests the
//! call stack.

use std::borrow::Cow;

use super::tag;
use crate::error::{Error, Limit, PayloadStage, Result};
use crate::limits::Limits;
use crate::python;
use crate::value::{Dict, Int, Key, Value};

/// Reads one JSON value filling the whole text (whitespace around it allowed).
pub(super) fn value(text: &str, tagged: bool, limits: &Limits) -> Result<Value> {
    let mut r = Reader::new(text, tagged, limits);
    r.skip_ws();
    let mut result = r.value();
    r.skip_ws();
    if result.is_ok() && !r.at_end() {
        result = Err(r.error("extra data"));
    }
    r.finish();
    result
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
    /// Values read so far, against `limits.max_items()`.
    values: usize,
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
            values: 0,
        }
    }

    /// Counts `n` more values against the limit.
    #[inline]
    pub(super) fn count(&mut self, n: usize) -> Result<()> {
        self.values = self.values.saturating_add(n);
        if self.values > self.limits.max_items() {
            return Err(Error::limit(
                Limit::Items,
                format!(
                    "the JSON holds more than {} values (Limits::max_items)",
                    self.limits.max_items()
                ),
            ));
        }
        Ok(())
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
        self.value_at_depth(0)
    }

    /// Reads one value that sits `depth` containers deep in the text: the depth limit
    /// counts from the top of the text, not from this value.
    pub(super) fn value_at_depth(&mut self, depth: usize) -> Result<Value> {
        let mut stack = std::mem::take(&mut self.frames);
        stack.clear();
        let result = self.value_with(&mut stack, depth);
        self.frames = stack;
        result
    }

    fn value_with(&mut self, stack: &mut Vec<Frame>, base: usize) -> Result<Value> {
        'value: loop {
            // Read the start of a value: a scalar, an empty container, or the opening
            // of one (pushed, then its first member is read).
            self.last_first_key = None;
            self.count(1)?;
            let mut done = match self.peek() {
                Some(b'[') => {
                    self.enter(base + stack.len())?;
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
                    self.enter(base + stack.len())?;
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
                        if self.tagged && key == tag::TAG_DICT {
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
                    && matches!(stack.last(), Some(Frame::Object { key, .. }) if key == tag::TAG_DICT);
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
            && first.is_some_and(|k| tag::is_tag_key(k))
            && members.iter().all(|(k, _)| Some(k) == first);
        let first_key = if under_di { first.cloned() } else { None };
        if one_tag_key {
            // One distinct key (possibly repeated: the last value wins).
            let last = self.members.pop();
            self.members.truncate(start);
            if let Some((tag, inner)) = last {
                // ` t` over a string makes a value of each character.
                if let (tag::TAG_TUPLE, Value::Str(s)) = (tag.as_str(), &inner) {
                    self.count(s.chars().count())?;
                }
                return tag::untag(&tag, inner, di_first_key);
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
                    if let Some(c) = python::simple_escape(esc) {
                        out.push(c);
                    } else if esc == b'u' {
                        let unit = self.hex4()?;
                        let low = if python::is_high_surrogate(unit) && self.eat_literal("\\u") {
                            Some(self.hex4()?)
                        } else {
                            None
                        };
                        let c = python::escaped_char(unit, low).ok_or_else(|| {
                            self.error("lone surrogate escape (Rust strings cannot hold it)")
                        })?;
                        out.push(c);
                    } else {
                        return Err(self.error("invalid \\escape"));
                    }
                    start = self.pos;
                }
                0..=0x1f => return Err(self.error("invalid control character")),
                _ => self.pos += 1,
            }
        }
    }
}
