//! Flask's type tags (`flask.json.tag`): how each Python type is wrapped in JSON,
//! and how a one-key dict is turned back into the type it stands for.

use crate::error::{Error, PayloadStage, Result};
use crate::python::{self, Excerpt, b64decode, parse_http_date, parse_uuid};
use crate::value::{Dict, Key, Value};

/// ` di`: a dict whose only key is itself a tag key.
pub(crate) const TAG_DICT: &str = " di";
/// ` t`: tuple.
pub(crate) const TAG_TUPLE: &str = " t";
/// ` b`: bytes.
pub(crate) const TAG_BYTES: &str = " b";
/// ` m`: Markup.
pub(crate) const TAG_MARKUP: &str = " m";
/// ` u`: UUID.
pub(crate) const TAG_UUID: &str = " u";
/// ` d`: datetime.
pub(crate) const TAG_DATETIME: &str = " d";

/// Whether `key` is one of the registered tag keys.
pub(crate) fn is_tag_key(key: &str) -> bool {
    matches!(
        key,
        TAG_DICT | TAG_TUPLE | TAG_BYTES | TAG_MARKUP | TAG_UUID | TAG_DATETIME
    )
}

fn tag_error(tag: &str, detail: impl std::fmt::Display) -> Error {
    Error::payload(PayloadStage::Tag, format!("tag '{tag}': {detail}"))
}

/// Turns a one-key dict `{tag: inner}` into the value the tag stands for.
/// `di_first_key` is the first key of `inner` in the JSON text, for ` di`.
pub(crate) fn untag(tag: &str, inner: Value, di_first_key: Option<Key>) -> Result<Value> {
    match tag {
        TAG_TUPLE => match inner {
            Value::List(items) => Ok(Value::Tuple(items)),
            Value::Str(s) => Ok(Value::Tuple(
                s.chars().map(|c| Value::Str(c.to_string())).collect(),
            )),
            other => Err(tag_error(
                tag,
                format!("expected a list, got {}", other.type_name()),
            )),
        },
        TAG_BYTES => match inner {
            Value::Str(s) => b64decode(&s)
                .map(Value::Bytes)
                .map_err(|detail| tag_error(tag, detail)),
            other => Err(tag_error(
                tag,
                format!("expected a base64 string, got {}", other.type_name()),
            )),
        },
        TAG_MARKUP => match inner {
            Value::Str(s) | Value::Markup(s) => Ok(Value::Markup(s)),
            Value::Int(i) => Ok(Value::Markup(i.to_string())),
            Value::Float(f) => {
                let mut s = String::new();
                python::push_float(f, &mut s, "nan", "inf");
                Ok(Value::Markup(s))
            }
            Value::Bool(b) => Ok(Value::Markup(if b { "True" } else { "False" }.into())),
            Value::None => Ok(Value::Markup("None".into())),
            other => Err(tag_error(
                tag,
                format!("expected a string, got {}", other.type_name()),
            )),
        },
        TAG_UUID => match inner {
            Value::Str(s) => parse_uuid(&s)
                .map(Value::Uuid)
                .ok_or_else(|| tag_error(tag, format!("{} is not a UUID", Excerpt(&s)))),
            other => Err(tag_error(
                tag,
                format!("expected a hex string, got {}", other.type_name()),
            )),
        },
        TAG_DATETIME => match inner {
            Value::Str(s) => parse_http_date(&s).map(Value::DateTime).ok_or_else(|| {
                tag_error(
                    tag,
                    format!("{} is not a date Python can parse", Excerpt(&s)),
                )
            }),
            other => Err(tag_error(
                tag,
                format!("expected a date string, got {}", other.type_name()),
            )),
        },
        TAG_DICT => match (inner, di_first_key) {
            (Value::Dict(mut d), Some(first)) => {
                let value = d.remove(&first).unwrap_or(Value::None);
                let mut chars = first.chars();
                chars.next_back();
                chars.next_back();
                let mut out = Dict::new();
                out.insert(chars.as_str(), value);
                Ok(Value::Dict(out))
            }
            (Value::Dict(_), None) => Err(tag_error(tag, "the escaped dict is empty")),
            (other, _) => Err(tag_error(
                tag,
                format!("expected a dict, got {}", other.type_name()),
            )),
        },
        _ => Err(tag_error(tag, "unknown tag")),
    }
}
