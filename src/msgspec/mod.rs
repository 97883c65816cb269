//! msgspec's msgpack and JSON, as Flask-Session 0.8 stores sessions with them
//! (`msgspec.msgpack.Encoder()` / `Decoder()`, `msgspec.json.Encoder()` / `Decoder()`
//! with no type: any value). Both directions give msgspec's bytes exactly for the
//! same dict in the same order (measured against msgspec 0.23): [`msgpack`] and
//! [`json`].
//!
//! What msgspec writes for each value:
//!
//! | value | msgpack | JSON |
//! |---|---|---|
//! | `int` | the smallest int form; outside −2⁶³…2⁶⁴−1 an error | digits, any size |
//! | `float` | float64 always | shortest digits; `1e-6`, `1e16`; NaN and ±inf as `null` |
//! | `bytes` | bin | standard base64 with padding |
//! | `tuple`, `list`, `set` | array | array |
//! | `UUID` | its 36-character string | the same |
//! | aware `datetime` | the timestamp extension (type −1) | RFC 3339, `Z` for UTC |
//! | naive `datetime`, `date` | `isoformat()` text | the same |
//! | `Markup` | an error (Flask-Session's save fails) | the same |
//!
//! Reading gives what msgspec gives back: arrays as lists, timestamps as aware UTC
//! datetimes (nanoseconds rounded to microseconds, half up), everything else as the
//! plain types; a dict key that is not a `str` is refused (a session's keys are
//! `str`).
//!
//! ```
//! use flask_session_cookie::{Dict, Value, msgspec};
//! let mut d = Dict::new();
//! d.insert("_user_id", "1");
//! d.insert("_fresh", true);
//! let packed = msgspec::msgpack::encode(&Value::Dict(d.clone()))?;
//! assert_eq!(packed, b"\x82\xa8_user_id\xa11\xa6_fresh\xc3");
//! assert_eq!(msgspec::json::encode(&Value::Dict(d.clone()))?, br#"{"_user_id":"1","_fresh":true}"#);
//! let limits = flask_session_cookie::Limits::server_side();
//! assert_eq!(msgspec::msgpack::decode(&packed, &limits)?, Value::Dict(d));
//! # Ok::<(), flask_session_cookie::Error>(())
//! ```

pub mod json;
pub mod msgpack;

use time::{OffsetDateTime, UtcOffset};

pub(crate) use crate::value::Budget;

/// A datetime's offset as msgspec's JSON writes it: whole minutes toward zero,
/// `Z` for none.
fn push_offset(offset: UtcOffset, out: &mut String) {
    let minutes = offset.whole_seconds() / 60;
    if minutes == 0 {
        out.push('Z');
        return;
    }
    let sign = if minutes < 0 { '-' } else { '+' };
    let minutes = minutes.unsigned_abs();
    out.push(sign);
    out.push_str(&format!("{:02}:{:02}", minutes / 60, minutes % 60));
}

/// msgspec's RFC 3339 text of an aware datetime: `2024-01-02T03:04:05[.ffffff]Z`.
pub(crate) fn push_rfc3339(dt: OffsetDateTime, out: &mut String) {
    let naive = time::PrimitiveDateTime::new(dt.date(), dt.time());
    crate::python::push_isoformat(naive, false, out);
    push_offset(dt.offset(), out);
}
