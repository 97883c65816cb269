//! Decoding **without verifying the signature**, for debugging only.
//!
//! Anyone can write a cookie that decodes here: nothing returned by this module may
//! be trusted or used to make a decision. Like itsdangerous' `loads_unsafe`, it
//! exists to look inside a cookie when you do not have the key. It returns a raw
//! [`Value`], never a [`Session`](crate::Session), so that unverified data cannot be
//! passed where verified data is expected.

use crate::error::{Error, Result};
use crate::itsdangerous::{decode_timestamp, payload, rsplit_sep};
use crate::json::JsonFormat;
use crate::limits::Limits;
use crate::value::Value;

/// What an unverified token holds. **Not verified.**
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Unverified {
    /// The decoded payload, unverified.
    pub value: Value,
    /// The claimed signing time (Unix seconds), unverified; `None` when absent or
    /// unreadable.
    pub timestamp: Option<i64>,
    /// Whether the payload was zlib-compressed.
    pub compressed: bool,
}

/// Decodes a Flask session cookie (`payload.timestamp.signature`) without checking
/// its signature or age. **The result is not authentic.**
///
/// ```
/// use flask_session_cookie::{dangerous, Limits, Value};
///
/// // Signed with a key we do not have, or tampered with: it decodes all the same.
/// let cookie = "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.not-a-real-signature";
/// let unverified = dangerous::decode_session_unverified(cookie, &Limits::new())?;
/// assert_eq!(unverified.timestamp, Some(1_700_000_000));
/// assert_eq!(unverified.value.as_dict().and_then(|d| d.get("user_id")), Some(&Value::from(42)));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn decode_session_unverified(cookie: &str, limits: &Limits) -> Result<Unverified> {
    decode_timed_unverified(cookie, JsonFormat::flask(), limits, ".")
}

/// Decodes a timed URL-safe itsdangerous token (`payload sep timestamp sep
/// signature`) without checking its signature or age, with the given JSON format.
/// **The result is not authentic.**
///
/// ```
/// use flask_session_cookie::{dangerous, json::JsonFormat, Limits, Value};
///
/// let u = dangerous::decode_timed_unverified("Ingi.ZVPxAA.whatever", JsonFormat::plain(), &Limits::new(), ".")?;
/// assert_eq!((u.value, u.timestamp), (Value::from("x"), Some(1_700_000_000)));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn decode_timed_unverified(
    token: &str,
    format: JsonFormat,
    limits: &Limits,
    sep: &str,
) -> Result<Unverified> {
    let rest = strip_signature(token, limits, sep)?;
    let (payload, ts) = rsplit_sep(rest, sep).ok_or_else(|| no_separator(sep))?;
    decode_payload(payload, decode_timestamp(ts).ok(), format, limits)
}

/// Decodes an untimed URL-safe itsdangerous token (`payload sep signature`) without
/// checking its signature, with the given JSON format. **The result is not
/// authentic.**
///
/// ```
/// use flask_session_cookie::{dangerous, json::JsonFormat, Limits};
///
/// let u = dangerous::decode_untimed_unverified("WzEsMl0.whatever", JsonFormat::plain(), &Limits::new(), ".")?;
/// assert_eq!(u.value.as_slice().map(|s| s.len()), Some(2));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn decode_untimed_unverified(
    token: &str,
    format: JsonFormat,
    limits: &Limits,
    sep: &str,
) -> Result<Unverified> {
    let payload = strip_signature(token, limits, sep)?;
    decode_payload(payload, None, format, limits)
}

fn no_separator(sep: &str) -> Error {
    Error::malformed(format!("no '{sep}' separator found in the value"))
}

/// The token without its signature, after the length check.
fn strip_signature<'a>(token: &'a str, limits: &Limits, sep: &str) -> Result<&'a str> {
    payload::check_len(token, limits)?;
    if sep.is_empty() {
        return Err(no_separator(sep));
    }
    rsplit_sep(token, sep)
        .map(|(rest, _sig)| rest)
        .ok_or_else(|| no_separator(sep))
}

fn decode_payload(
    payload: &str,
    timestamp: Option<i64>,
    format: JsonFormat,
    limits: &Limits,
) -> Result<Unverified> {
    let (value, compressed) = payload::decode(payload, limits, |text| format.loads(text, limits))?;
    Ok(Unverified {
        value,
        timestamp,
        compressed,
    })
}
