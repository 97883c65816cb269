//! Python's own text formats, as the Flask side produces and reads them: `float`'s
//! repr, `base64.b64decode`'s leniency, `uuid.UUID()`'s accepted forms, and Werkzeug's
//! HTTP dates. Nothing here knows JSON, sessions or signatures.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};
use uuid::Uuid;

use crate::error::{Error, Result};

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
    let mut sci = StackText::<32>::new();
    let _ = write!(sci, "{f:e}");
    // With 16 or 17 digits two strings of that length can round-trip; Python picks
    // the one nearest the exact value, ties to even (…374.125 -> …374.12), which is
    // the correctly rounded one. Fewer digits cannot tie (10^15 < 2^53).
    let n_digits = mantissa(&sci).iter().filter(|b| b.is_ascii_digit()).count();
    if n_digits >= 16 {
        let mut nearest = StackText::<32>::new();
        let _ = write!(nearest, "{:.*e}", n_digits - 1, f);
        if nearest.as_str().parse::<f64>().is_ok_and(|back| back == f) {
            sci = nearest;
        }
    }
    let exp: i32 = exponent(&sci).parse().unwrap_or(0);
    let mantissa = mantissa(&sci);
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

/// The part of a float's `{:e}` text before the `e`.
fn mantissa<const N: usize>(sci: &StackText<N>) -> &[u8] {
    let t = sci.as_str().as_bytes();
    t.split(|b| *b == b'e').next().unwrap_or_default()
}

/// The part of a float's `{:e}` text after the `e`.
fn exponent<const N: usize>(sci: &StackText<N>) -> &str {
    let text = sci.as_str();
    let at = text
        .bytes()
        .position(|b| b == b'e')
        .map_or(text.len(), |i| i + 1);
    text.get(at..).unwrap_or("0")
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

/// Python's non-validating `base64.b64decode`: characters outside the standard
/// alphabet are skipped, decoding stops at complete padding, and a missing pad is
/// an error.
pub(crate) fn b64decode(s: &str) -> std::result::Result<Vec<u8>, String> {
    if !s.is_ascii() {
        return Err("string argument should contain only ASCII characters".into());
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 3);
    let mut quad_pos = 0u8;
    let mut left: u32 = 0;
    let mut pads = 0u8;
    for c in s.bytes() {
        if c == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Ok(out);
                }
            }
            continue;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        let v = u32::from(v);
        match quad_pos {
            0 => {
                left = v;
                quad_pos = 1;
            }
            1 => {
                out.push(((left << 2) | (v >> 4)) as u8);
                left = v & 0x0f;
                quad_pos = 2;
            }
            2 => {
                out.push(((left << 4) | (v >> 2)) as u8);
                left = v & 0x03;
                quad_pos = 3;
            }
            _ => {
                out.push(((left << 6) | v) as u8);
                left = 0;
                quad_pos = 0;
            }
        }
    }
    match quad_pos {
        0 => Ok(out),
        1 => Err(
            "invalid base64: the number of data characters is 1 more than a multiple of 4".into(),
        ),
        _ => Err("invalid base64: incorrect padding".into()),
    }
}

/// Python's `base64.b64encode`: the standard alphabet with padding, as Flask's ` b`
/// tag writes bytes.
pub(crate) fn b64encode(bytes: &[u8], out: &mut String) {
    STANDARD.encode_string(bytes, out);
}

/// Python's `uuid.UUID(text)`: `urn:` and `uuid:` removed, braces stripped from the
/// ends, hyphens removed, then exactly 32 hex digits.
pub(crate) fn parse_uuid(s: &str) -> Option<Uuid> {
    let s = s.replace("urn:", "").replace("uuid:", "");
    let s = s.trim_matches(|c| c == '{' || c == '}').replace('-', "");
    if s.len() != 32 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u128::from_str_radix(&s, 16).ok().map(Uuid::from_u128)
}

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const LONG_MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Writes `dt` as Werkzeug's `http_date`: converted to UTC, seconds truncated,
/// `Tue, 02 Jan 2024 03:04:05 GMT`. Years outside 1–9999 after the conversion
/// cannot be written (Python raises `OverflowError`).
pub(crate) fn push_http_date(dt: OffsetDateTime, out: &mut String) -> Result<()> {
    let utc = dt
        .checked_to_offset(UtcOffset::UTC)
        .ok_or_else(|| Error::unencodable("the datetime is out of range in UTC"))?;
    let year = utc.year();
    if !(1..=9999).contains(&year) {
        return Err(Error::unencodable(format!(
            "the datetime falls in year {year} in UTC; Python datetimes hold years 1 to 9999"
        )));
    }
    let day = DAY_NAMES
        .get(usize::from(utc.weekday().number_days_from_monday()))
        .copied()
        .unwrap_or("Mon");
    let month = MONTH_NAMES
        .get(usize::from(u8::from(utc.month())) - 1)
        .copied()
        .unwrap_or("Jan");
    let _ = write!(
        out,
        "{day}, {:02} {month} {year:04} {:02}:{:02}:{:02} GMT",
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    );
    Ok(())
}

/// Parses a date as Werkzeug's `parse_date` does (Python's
/// `email.utils.parsedate_to_datetime`, then UTC when no zone is given).
/// Returns `None` where Werkzeug returns `None`.
pub(crate) fn parse_http_date(text: &str) -> Option<OffsetDateTime> {
    let mut parts: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
    let first = parts.first()?.clone();
    if first.ends_with(',') || DAY_NAMES.iter().any(|d| d.eq_ignore_ascii_case(&first)) {
        parts.remove(0);
    } else if let Some(i) = first.rfind(',') {
        if let Some(p) = parts.first_mut() {
            *p = first.get(i + 1..).unwrap_or_default().to_owned();
        }
    }
    if parts.len() == 3 {
        let stuff: Vec<&str> = parts.first()?.split('-').collect();
        if stuff.len() == 3 {
            let mut new: Vec<String> = stuff.iter().map(|s| (*s).to_owned()).collect();
            new.extend(parts.iter().skip(1).cloned());
            parts = new;
        }
    }
    if parts.len() == 4 {
        let s = parts.get(3)?.clone();
        let i = s.find('+').or_else(|| s.find('-'));
        match i {
            Some(i) if i > 0 => {
                parts.truncate(3);
                parts.push(s.get(..i).unwrap_or_default().to_owned());
                parts.push(s.get(i..).unwrap_or_default().to_owned());
            }
            _ => parts.push(String::new()),
        }
    }
    if parts.len() < 5 {
        return None;
    }
    parts.truncate(5);
    let mut it = parts.into_iter();
    let (mut dd, mut mm, mut yy, mut tm, mut tz) =
        (it.next()?, it.next()?, it.next()?, it.next()?, it.next()?);
    if dd.is_empty() || mm.is_empty() || yy.is_empty() {
        return None;
    }
    let month_index = |m: &str| {
        let m = m.to_lowercase();
        MONTH_NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(&m))
            .or_else(|| LONG_MONTH_NAMES.iter().position(|n| *n == m))
    };
    let month = match month_index(&mm) {
        Some(i) => i,
        None => {
            std::mem::swap(&mut dd, &mut mm);
            month_index(&mm)?
        }
    };
    if dd.ends_with(',') {
        dd.pop();
    }
    if yy.find(':').is_some_and(|i| i > 0) {
        std::mem::swap(&mut yy, &mut tm);
    }
    if yy.ends_with(',') {
        yy.pop();
        if yy.is_empty() {
            return None;
        }
    }
    if !yy.chars().next()?.is_ascii_digit() {
        std::mem::swap(&mut yy, &mut tz);
    }
    if tm.ends_with(',') {
        tm.pop();
    }
    let mut fields: Vec<&str> = tm.split(':').collect();
    if fields.len() == 1 && tm.contains('.') {
        fields = tm.split('.').collect();
        if fields.len() != 2 && fields.len() != 3 {
            return None;
        }
    }
    let (thh, tmm, tss) = match fields.as_slice() {
        [h, m] => (*h, *m, "0"),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    let mut yy = py_int(&yy)?;
    let dd = py_int(&dd)?;
    let (thh, tmm, tss) = (py_int(thh)?, py_int(tmm)?, py_int(tss)?);
    if yy < 100 {
        yy += if yy > 68 { 1900 } else { 2000 };
    }
    let tz = tz.to_uppercase();
    let offset: Option<i64> = match tz.as_str() {
        "UT" | "UTC" | "GMT" | "Z" => Some(0),
        "AST" | "EDT" => Some(-400),
        "ADT" => Some(-300),
        "EST" => Some(-500),
        "CST" => Some(-600),
        "CDT" => Some(-500),
        "MST" => Some(-700),
        "MDT" => Some(-600),
        "PST" => Some(-800),
        "PDT" => Some(-700),
        _ => match py_int(&tz) {
            Some(0) if tz.starts_with('-') => None,
            Some(v) => Some(v),
            // An integer past 64 bits makes an offset Python cannot build
            // (`OverflowError`): no date.
            None if looks_like_int(&tz) => return None,
            None => None,
        },
    };
    // -0500 -> -18000 seconds, as `email.utils` converts it; in i128, so that no
    // 64-bit offset (i64::MIN included) can overflow.
    let seconds: i128 = match offset {
        Some(o) if o != 0 => {
            let a = i128::from(o.unsigned_abs());
            i128::from(o.signum()) * ((a / 100) * 3600 + (a % 100) * 60)
        }
        _ => 0,
    };
    // datetime(...) range checks: Python raises ValueError, Werkzeug returns None.
    let year = i32::try_from(yy).ok().filter(|y| (1..=9999).contains(y))?;
    let month = Month::try_from(u8::try_from(month % 12 + 1).ok()?).ok()?;
    let date = Date::from_calendar_date(year, month, u8::try_from(dd).ok()?).ok()?;
    let time = Time::from_hms(
        u8::try_from(thh).ok()?,
        u8::try_from(tmm).ok()?,
        u8::try_from(tss).ok()?,
    )
    .ok()?;
    // timezone(timedelta) requires a strictly smaller magnitude than a day.
    if seconds.abs() >= 86_400 {
        return None;
    }
    let offset = UtcOffset::from_whole_seconds(i32::try_from(seconds).ok()?).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

/// Whether `text` has the plain form of a Python `int` (whatever its size).
fn looks_like_int(text: &str) -> bool {
    let t = text.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Python's `int(text)` for the plain forms: optional sign, ASCII digits, and
/// surrounding whitespace.
fn py_int(text: &str) -> Option<i64> {
    let t = text.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn b64decode_is_as_lenient_as_python() {
        assert_eq!(
            b64decode("AAFiaW5hcnn__g==").ok(),
            Some(b"\x00\x01binary\xe0".to_vec())
        );
        assert_eq!(
            b64decode("AAFiaW5hcnn//g==").ok(),
            Some(b"\x00\x01binary\xff\xfe".to_vec())
        );
        assert!(b64decode("AAFiaW5hcnn//g").is_err());
        assert!(b64decode("A").is_err());
        assert_eq!(b64decode("").ok(), Some(vec![]));
        assert_eq!(b64decode("YQ==junk").ok(), Some(b"a".to_vec()));
        assert!(b64decode("é").is_err());
    }

    #[test]
    fn uuid_forms() {
        let want = Uuid::from_u128(0x12345678_1234_5678_1234_567812345678);
        for s in [
            "12345678123456781234567812345678",
            "12345678-1234-5678-1234-567812345678",
            "{12345678-1234-5678-1234-567812345678}",
            "urn:uuid:12345678-1234-5678-1234-567812345678",
        ] {
            assert_eq!(parse_uuid(s), Some(want), "{s}");
        }
        assert_eq!(parse_uuid("bad"), None);
    }

    #[test]
    fn http_dates() {
        let mut s = String::new();
        assert!(push_http_date(datetime!(2024-01-02 03:04:05.999999 UTC), &mut s).is_ok());
        assert_eq!(s, "Tue, 02 Jan 2024 03:04:05 GMT");
        s.clear();
        assert!(push_http_date(datetime!(2024-01-02 03:04:05 +05:30), &mut s).is_ok());
        assert_eq!(s, "Mon, 01 Jan 2024 21:34:05 GMT");
        s.clear();
        assert!(push_http_date(datetime!(0001-01-01 00:00 UTC), &mut s).is_ok());
        assert_eq!(s, "Mon, 01 Jan 0001 00:00:00 GMT");
        assert!(push_http_date(datetime!(0001-01-01 00:00 +01:00), &mut s).is_err());

        assert_eq!(
            parse_http_date("Tue, 02 Jan 2024 03:04:05 GMT"),
            Some(datetime!(2024-01-02 03:04:05 UTC))
        );
        assert_eq!(
            parse_http_date("Tue, 02 Jan 2024 03:04:05 +0130"),
            Some(datetime!(2024-01-02 03:04:05 +01:30))
        );
        assert_eq!(
            parse_http_date("Mon, 01 Jan 0001 00:00:00 GMT"),
            Some(datetime!(2001-01-01 00:00 UTC))
        );
        assert_eq!(
            parse_http_date("Mon, 01 Jan 0050 00:00:00 GMT"),
            Some(datetime!(2050-01-01 00:00 UTC))
        );
        assert_eq!(
            parse_http_date("Tue, 01 Jan 0999 00:00:00 GMT"),
            Some(datetime!(0999-01-01 00:00 UTC))
        );
        assert_eq!(parse_http_date("2024-01-02T03:04:05Z"), None);
        assert_eq!(parse_http_date(""), None);
    }
}
