//! Python's own text formats, as the Flask side produces and reads them, one file
//! a format: `float`'s repr (`float.rs`), `base64` (`base64.rs`), `uuid.UUID()`'s
//! accepted forms (`uuid.rs`), Werkzeug's HTTP dates (`http_date.rs`), literals and
//! reprs of `str` and `bytes` and hex (`literal.rs`), reprs of `datetime` values
//! (`repr.rs`). Nothing here knows JSON, sessions or signatures.

mod base64;
mod float;
mod http_date;
mod json_escape;
mod literal;
mod repr;
mod uuid;

pub(crate) use base64::{b64decode, b64encode};
pub(crate) use float::{push_float, push_float_msgspec};
pub(crate) use http_date::{parse_http_date, push_http_date};
pub(crate) use json_escape::{escaped_char, is_high_surrogate, simple_escape};
pub(crate) use literal::{
    parse_bytes_literal, parse_lower_hex, push_bytes_repr, push_hex, push_str_repr,
};
pub(crate) use repr::{
    push_date_repr, push_datetime_repr, push_isoformat, push_naive_datetime_repr,
};
pub(crate) use uuid::parse_uuid;

/// A short view of text that came from input, for an error message: its `Debug`
/// form, cut after 40 characters with how much more there was, so that no error
/// carries megabytes of a hostile payload into a log.
pub(crate) struct Excerpt<'a>(pub(crate) &'a str);

impl std::fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const SHOWN: usize = 40;
        match self.0.char_indices().nth(SHOWN) {
            None => write!(f, "{:?}", self.0),
            Some((cut, _)) => {
                let (shown, rest) = self.0.split_at(cut);
                write!(f, "{shown:?}... ({} more bytes)", rest.len())
            }
        }
    }
}

/// Short text written on the stack (a float's `{:e}`, a visitor's `expecting`):
/// writing more than `N` bytes is an error, never an allocation.
pub(crate) struct StackText<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> StackText<N> {
    pub(crate) const fn new() -> Self {
        StackText {
            buf: [0; N],
            len: 0,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or("")
    }
}

impl<const N: usize> std::fmt::Write for StackText<N> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let slot = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}
