//! Writing Python's JSON: the text `json.dumps(..., separators=(",", ":"),
//! sort_keys=True)` gives, byte for byte, with Flask's tags when they are on.

use std::fmt::Write as _;

use super::JsonFormat;
use super::tag::{self, TAG_BYTES, TAG_DATETIME, TAG_DICT, TAG_MARKUP, TAG_TUPLE, TAG_UUID};
use crate::error::{Error, Limit, Result};
use crate::limits::Limits;
use crate::python;
use crate::value::{Dict, Int, Value};

/// Writes `value` as `format` says, appending to `out`.
pub(super) fn value(
    format: JsonFormat,
    value: &Value,
    limits: &Limits,
    out: &mut String,
) -> Result<()> {
    Writer {
        format,
        limits,
        out,
    }
    .run(Task::Value(value, 0))
}

/// Writes a dict as [`value`] writes `Value::Dict`.
pub(super) fn dict(
    format: JsonFormat,
    dict: &Dict,
    limits: &Limits,
    out: &mut String,
) -> Result<()> {
    Writer {
        format,
        limits,
        out,
    }
    .run(Task::Dict(dict, 0))
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
        let tagged = self.format.tagged();
        match value {
            Value::None => self.out.push_str("null"),
            Value::Bool(true) => self.out.push_str("true"),
            Value::Bool(false) => self.out.push_str("false"),
            Value::Int(i) => self.int(i)?,
            Value::Float(f) => python::push_float(*f, self.out, "NaN", "Infinity"),
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
                python::b64encode(b, self.out);
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
            Value::DateTime(_) | Value::NaiveDateTime(_) => {
                if !tagged {
                    return Err(Error::unencodable(
                        "a datetime cannot be written as plain JSON (Python raises TypeError)",
                    ));
                }
                // Werkzeug's http_date takes a naive datetime as UTC, as Flask does.
                let dt = match value {
                    Value::NaiveDateTime(naive) => naive.assume_utc(),
                    Value::DateTime(dt) => *dt,
                    _ => return Ok(()),
                };
                self.depth_check(depth)?;
                self.open_tag(TAG_DATETIME);
                self.out.push('"');
                python::push_http_date(dt, self.out)?;
                self.out.push_str("\"}");
            }
            Value::Date(date) => {
                if !tagged {
                    return Err(Error::unencodable(
                        "a date cannot be written as plain JSON (Python raises TypeError)",
                    ));
                }
                // Flask's JSON provider writes a date as its HTTP date, untagged.
                self.out.push('"');
                python::push_http_date(date.midnight().assume_utc(), self.out)?;
                self.out.push('"');
            }
            Value::Set(_) => {
                return Err(Error::unencodable(
                    "a set cannot be written as JSON (Python raises TypeError)",
                ));
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
        if self.format.tagged()
            && d.len() == 1
            && let Some((k, v)) = d.iter().next().filter(|(k, _)| tag::is_tag_key(k))
        {
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
        self.depth_check(depth)?;
        self.out.push('{');
        tasks.push(Task::Literal("}"));
        let n = d.len();
        let mut push = |i: usize, k: &'v str, v: &'v Value| {
            tasks.push(Task::Value(v, depth + 1));
            tasks.push(Task::Key(k));
            if i + 1 < n {
                tasks.push(Task::Literal(","));
            }
        };
        if self.format.sort_keys() {
            for (i, (k, v)) in d.iter_sorted().rev().enumerate() {
                push(i, k, v);
            }
        } else {
            for (i, (k, v)) in d.iter().rev().enumerate() {
                push(i, k, v);
            }
        }
        Ok(())
    }

    fn string(&mut self, s: &str) {
        push_string(s, self.format.ensure_ascii(), self.out);
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
