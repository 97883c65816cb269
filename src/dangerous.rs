//! Decoding **without verifying the signature**, for debugging only.
//!
//! Anyone can write a cookie that decodes here: nothing returned by this module may
//! be trusted or used to make a decision. Like itsdangerous' `loads_unsafe`, it
//! exists to look inside a cookie when you do not have the key. It returns a raw
//! [`Value`], never a [`Session`](crate::Session), so that unverified data cannot be
//! passed where verified data is expected.

use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::serializer::{check_cookie_len, with_payload_text};
use crate::signer::rsplit_sep;
use crate::tagged::json::JsonFormat;
use crate::tagged::value::Value;
use crate::timed::decode_timestamp;

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
    decode_unverified(cookie, JsonFormat::flask(), limits, true, ".")
}

/// Decodes any URL-safe itsdangerous token without checking its signature:
/// `payload[sep timestamp] sep signature`, with the given JSON format.
/// **The result is not authentic.**
///
/// ```
/// use flask_session_cookie::{dangerous, JsonFormat, Limits};
///
/// let u = dangerous::decode_unverified("WzEsMl0.whatever", JsonFormat::plain(), &Limits::new(), false, ".")?;
/// assert_eq!(u.value.as_slice().map(|s| s.len()), Some(2));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn decode_unverified(
    token: &str,
    format: JsonFormat,
    limits: &Limits,
    timed: bool,
    sep: &str,
) -> Result<Unverified> {
    check_cookie_len(token, limits)?;
    let no_sep = || Error::malformed(format!("no '{sep}' separator found in the value"));
    if sep.is_empty() {
        return Err(no_sep());
    }
    let (rest, _sig) = rsplit_sep(token, sep).ok_or_else(no_sep)?;
    let (payload, timestamp) = if timed {
        let (payload, ts) = rsplit_sep(rest, sep).ok_or_else(no_sep)?;
        (payload, decode_timestamp(ts).ok())
    } else {
        (rest, None)
    };
    let (value, compressed) =
        with_payload_text(payload, limits, |text| format.loads(text, limits))?;
    Ok(Unverified {
        value,
        timestamp,
        compressed,
    })
}
