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
    if !s.contains(':') {
        return parse_uuid_hex(s);
    }
    // `hex.replace('urn:', '').replace('uuid:', '')`, on the stack when it fits.
    let mut urn = StackText::<128>::new();
    let mut both = StackText::<128>::new();
    if replace_into(s, "urn:", &mut urn).is_ok()
        && replace_into(urn.as_str(), "uuid:", &mut both).is_ok()
    {
        return parse_uuid_hex(both.as_str());
    }
    parse_uuid_hex(&s.replace("urn:", "").replace("uuid:", ""))
}

/// `s.replace(pattern, "")` written to `out`.
fn replace_into<const N: usize>(
    s: &str,
    pattern: &str,
    out: &mut StackText<N>,
) -> std::fmt::Result {
    for piece in s.split(pattern) {
        out.write_str(piece)?;
    }
    Ok(())
}

/// `uuid.UUID()` after the `urn:`/`uuid:` removal: braces stripped from the ends,
/// hyphens removed, then exactly 32 hex digits (read without copying).
fn parse_uuid_hex(s: &str) -> Option<Uuid> {
    let s = s.trim_matches(|c| c == '{' || c == '}');
    let mut value: u128 = 0;
    let mut digits = 0;
    for b in s.bytes().filter(|&b| b != b'-') {
        let d = char::from(b).to_digit(16)?;
        digits += 1;
        if digits > 32 {
            return None;
        }
        value = (value << 4) | u128::from(d);
    }
    (digits == 32).then(|| Uuid::from_u128(value))
}

/// The first six words of a split, and how many words there were (on the stack).
struct Words<'a> {
    first6: [&'a str; 6],
    len: usize,
}

impl<'a> Words<'a> {
    fn new(words: impl Iterator<Item = &'a str>) -> Self {
        let mut out = Words {
            first6: [""; 6],
            len: 0,
        };
        for w in words {
            out.push(w);
        }
        out
    }

    fn push(&mut self, word: &'a str) {
        if let Some(slot) = self.first6.get_mut(self.len) {
            *slot = word;
        }
        self.len += 1;
    }

    fn get(&self, i: usize) -> &'a str {
        self.first6.get(i).copied().unwrap_or_default()
    }

    fn first(&self) -> Option<&&'a str> {
        self.first6.first().filter(|_| self.len > 0)
    }

    fn first_mut(&mut self) -> Option<&mut &'a str> {
        self.first6.first_mut().filter(|_| self.len > 0)
    }

    /// Drops the first word (`del data[0]`); a seventh one, if any, is not kept, but
    /// only the count and the first five words are read afterwards.
    fn remove_first(&mut self) {
        self.first6.rotate_left(1);
        if let Some(last) = self.first6.last_mut() {
            *last = "";
        }
        self.len -= 1;
    }
}

/// `email.utils`' time zone names and their offsets (`-0500` style).
const ZONES: [(&str, i64); 14] = [
    ("UT", 0),
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("AST", -400),
    ("ADT", -300),
    ("EST", -500),
    ("EDT", -400),
    ("CST", -600),
    ("CDT", -500),
    ("MST", -700),
    ("MDT", -600),
    ("PST", -800),
    ("PDT", -700),
];

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
    // `str.split()` (Python's whitespace also counts the separators \x1c-\x1f);
    // only the first six words and how many there are matter.
    let mut words = Words::new(
        text.split(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c))
            .filter(|p| !p.is_empty()),
    );
    let first = *words.first()?;
    if first.ends_with(',') || DAY_NAMES.iter().any(|d| d.eq_ignore_ascii_case(first)) {
        words.remove_first();
    } else if let Some(i) = first.rfind(',')
        && let Some(p) = words.first_mut()
    {
        *p = first.get(i + 1..).unwrap_or_default();
    }
    if words.len == 3 {
        let dmy = Words::new(words.first()?.split('-'));
        if dmy.len == 3 {
            let rest = [words.get(1), words.get(2)];
            words = dmy;
            words.len = 3;
            for w in rest {
                words.push(w);
            }
        }
    }
    if words.len == 4 {
        let s = words.get(3);
        let i = s.find('+').or_else(|| s.find('-'));
        match i {
            Some(i) if i > 0 => {
                words.len = 3;
                words.push(s.get(..i).unwrap_or_default());
                words.push(s.get(i..).unwrap_or_default());
            }
            _ => words.push(""),
        }
    }
    if words.len < 5 {
        return None;
    }
    let [mut dd, mut mm, mut yy, mut tm, mut tz, _] = words.first6;
    if dd.is_empty() || mm.is_empty() || yy.is_empty() {
        return None;
    }
    let month_index = |m: &str| {
        // Python's `str.lower()`; for ASCII text an ASCII comparison is the same.
        let lower: std::borrow::Cow<'_, str> = if m.is_ascii() {
            std::borrow::Cow::Borrowed(m)
        } else {
            std::borrow::Cow::Owned(m.to_lowercase())
        };
        MONTH_NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(&lower))
            .or_else(|| {
                LONG_MONTH_NAMES
                    .iter()
                    .position(|n| n.eq_ignore_ascii_case(&lower))
            })
    };
    let month = match month_index(mm) {
        Some(i) => i,
        None => {
            std::mem::swap(&mut dd, &mut mm);
            month_index(mm)?
        }
    };
    dd = dd.strip_suffix(',').unwrap_or(dd);
    if yy.find(':').is_some_and(|i| i > 0) {
        std::mem::swap(&mut yy, &mut tm);
    }
    if let Some(y) = yy.strip_suffix(',') {
        yy = y;
        if yy.is_empty() {
            return None;
        }
    }
    if !yy.chars().next()?.is_ascii_digit() {
        std::mem::swap(&mut yy, &mut tz);
    }
    tm = tm.strip_suffix(',').unwrap_or(tm);
    let mut fields = Words::new(tm.split(':'));
    if fields.len == 1 && tm.contains('.') {
        fields = Words::new(tm.split('.'));
        if fields.len != 2 && fields.len != 3 {
            return None;
        }
    }
    let (thh, tmm, tss) = match fields.len {
        2 => (fields.get(0), fields.get(1), "0"),
        3 => (fields.get(0), fields.get(1), fields.get(2)),
        _ => return None,
    };
    let mut yy = py_int(yy)?;
    let dd = py_int(dd)?;
    let (thh, tmm, tss) = (py_int(thh)?, py_int(tmm)?, py_int(tss)?);
    if yy < 100 {
        yy += if yy > 68 { 1900 } else { 2000 };
    }
    // Python's `str.upper()`; for ASCII text an ASCII comparison is the same.
    let upper: std::borrow::Cow<'_, str> = if tz.is_ascii() {
        std::borrow::Cow::Borrowed(tz)
    } else {
        std::borrow::Cow::Owned(tz.to_uppercase())
    };
    let zone = ZONES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(&upper));
    let offset: Option<i64> = match zone {
        Some((_, offset)) => Some(*offset),
        None => match py_int(&upper) {
            Some(0) if upper.starts_with('-') => None,
            Some(v) => Some(v),
            // An integer past 64 bits makes an offset Python cannot build
            // (`OverflowError`): no date.
            None if looks_like_int(&upper) => return None,
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
    let t = if text.is_ascii() {
        text.trim_ascii()
    } else {
        text.trim()
    };
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..)?),
        Some(b'+') => (false, t.get(1..)?),
        _ => (false, t),
    };
    if digits.is_empty() {
        return None;
    }
    // Accumulated on the negative side, which holds i64::MIN.
    let mut value: i64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_sub(i64::from(b - b'0'))?;
    }
    if negative {
        Some(value)
    } else {
        value.checked_neg()
    }
}

/// The bytes a Python bytes literal stands for (`b'_5#y2L"F4Q8z\n\xec]/'`, as Flask's
/// docs once showed a `SECRET_KEY`): a `b` prefix (any case, with or without `r`),
/// single, double or triple quotes, and Python's escapes — `\\`, `\'`, `\"`, `\a`,
/// `\b`, `\f`, `\n`, `\r`, `\t`, `\v`, `\ooo` octal, `\xhh` hex, a backslash before a
/// newline; any other escape keeps its backslash, as Python keeps it. `None` for text
/// that is not such a literal.
pub(crate) fn parse_bytes_literal(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    let (prefix, rest) = text.split_at(text.find(['\'', '"'])?);
    let raw = match prefix.to_ascii_lowercase().as_str() {
        "b" => false,
        "br" | "rb" => true,
        _ => return None,
    };
    let quote = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|q| rest.starts_with(q))?;
    // The literal ends at the first closing quote that no backslash escapes (raw
    // literals too): it must be the end of the text.
    let mut end = quote.len();
    loop {
        let tail = rest.get(end..)?;
        if tail.starts_with(quote) {
            break;
        }
        // A one-quote literal ends at its line, unless a backslash continues it.
        if quote.len() == 1 && tail.starts_with('\n') {
            return None;
        }
        end += if tail.starts_with('\\') { 2 } else { 1 };
    }
    if end + quote.len() != rest.len() {
        return None;
    }
    let body = rest.get(quote.len()..end)?;
    if !body.is_ascii() {
        return None;
    }
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let e = *bytes.get(i)?;
        i += 1;
        if raw {
            // A raw literal keeps the backslash and what follows it.
            out.push(b'\\');
            out.push(e);
            continue;
        }
        match e {
            b'\n' => {}
            b'\\' | b'\'' | b'"' => out.push(e),
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'0'..=b'7' => {
                let mut value = u32::from(e - b'0');
                for _ in 0..2 {
                    match bytes.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                // Python keeps `\ooo` modulo 256 (with a warning above 0o377).
                out.push(u8::try_from(value & 0xff).ok()?);
            }
            b'x' => {
                let hex = bytes.get(i..i + 2)?;
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 2;
            }
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Some(out)
}

/// Whether Python's `str.isprintable()` holds for `c`, from the categories it
/// excludes (other, separator but the space), as far as they are known without
/// Unicode tables: controls, the format and separator code points of common use,
/// surrogates and private use. Unassigned code points count as printable here.
fn is_printable(c: char) -> bool {
    !matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{a0}' | '\u{ad}'
        | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}'
        | '\u{1680}' | '\u{180e}' | '\u{2000}'..='\u{200f}' | '\u{2028}'..='\u{202f}'
        | '\u{205f}'..='\u{2064}' | '\u{2066}'..='\u{206f}' | '\u{3000}'
        | '\u{e000}'..='\u{f8ff}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        | '\u{110bd}' | '\u{1bca0}'..='\u{1bca3}' | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0001}' | '\u{e0020}'..='\u{e007f}' | '\u{f0000}'..)
}

/// Writes Python's `repr()` of a `str`: single quotes unless the text has a `'`
/// and no `"`; `\\`, `\n`, `\r`, `\t` and the quote escaped; other characters that
/// are not printable as `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
pub(crate) fn push_str_repr(s: &str, out: &mut impl std::fmt::Write) -> std::fmt::Result {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.write_char(quote)?;
    for c in s.chars() {
        match c {
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            c if c == quote => {
                out.write_char('\\')?;
                out.write_char(c)?;
            }
            c if is_printable(c) => out.write_char(c)?,
            c if u32::from(c) < 0x100 => write!(out, "\\x{:02x}", u32::from(c))?,
            c if u32::from(c) < 0x10000 => write!(out, "\\u{:04x}", u32::from(c))?,
            c => write!(out, "\\U{:08x}", u32::from(c))?,
        }
    }
    out.write_char(quote)
}

/// Appends `hashlib`'s `hexdigest()` of `bytes`: lowercase hex, two digits a byte.
pub(crate) fn push_hex(bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        for nibble in [b >> 4, b & 15] {
            out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
}

/// The bytes of lowercase hex text (`bytes.fromhex` without its leniency: no
/// uppercase, no spaces); `None` for anything else or a length other than `len`.
pub(crate) fn parse_lower_hex(text: &str, len: usize) -> Option<Vec<u8>> {
    fn digit(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    if text.len() != len * 2 {
        return None;
    }
    text.as_bytes()
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => Some(digit(*hi)? << 4 | digit(*lo)?),
            _ => None,
        })
        .collect()
}

/// Writes Python's `repr()` of a `bytes`: `b'...'`, quoted as a `str` is, with the
/// bytes outside printable ASCII as `\xNN`.
pub(crate) fn push_bytes_repr(b: &[u8], out: &mut impl std::fmt::Write) -> std::fmt::Result {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    out.write_char('b')?;
    out.write_char(char::from(quote))?;
    for &c in b {
        match c {
            b'\\' => out.write_str("\\\\")?,
            b'\n' => out.write_str("\\n")?,
            b'\r' => out.write_str("\\r")?,
            b'\t' => out.write_str("\\t")?,
            c if c == quote => {
                out.write_char('\\')?;
                out.write_char(char::from(c))?;
            }
            0x20..=0x7e => out.write_char(char::from(c))?,
            c => write!(out, "\\x{c:02x}")?,
        }
    }
    out.write_char(char::from(quote))
}

/// Writes Python's `repr()` of an aware `datetime.datetime`, as Werkzeug's
/// `parse_date` gives it: `datetime.datetime(2024, 1, 2, 3, 4, 5,
/// tzinfo=datetime.timezone.utc)` (seconds and microseconds left out when zero, as
/// Python does; any other offset as a `datetime.timezone(datetime.timedelta(...))`).
pub(crate) fn push_datetime_repr(
    dt: OffsetDateTime,
    out: &mut impl std::fmt::Write,
) -> std::fmt::Result {
    write!(
        out,
        "datetime.datetime({}, {}, {}, {}, {}",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute()
    )?;
    let micros = dt.microsecond();
    if dt.second() != 0 || micros != 0 {
        write!(out, ", {}", dt.second())?;
    }
    if micros != 0 {
        write!(out, ", {micros}")?;
    }
    let offset = i64::from(dt.offset().whole_seconds());
    if offset == 0 {
        return out.write_str(", tzinfo=datetime.timezone.utc)");
    }
    // timedelta's repr: days (floor) and the remaining seconds.
    let days = offset.div_euclid(86_400);
    let seconds = offset.rem_euclid(86_400);
    out.write_str(", tzinfo=datetime.timezone(datetime.timedelta(")?;
    match (days, seconds) {
        (0, s) => write!(out, "seconds={s}")?,
        (d, 0) => write!(out, "days={d}")?,
        (d, s) => write!(out, "days={d}, seconds={s}")?,
    }
    out.write_str(")))")
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
    fn bytes_literals_as_python_reads_them() {
        let cases: [(&str, &[u8]); 8] = [
            (r#"b'_5#y2L"F4Q8z\n\xec]/'"#, b"_5#y2L\"F4Q8z\n\xec]/"),
            ("b\"it's\"", b"it's"),
            (r"B'\x00\101\7\q'", b"\x00A\x07\\q"),
            (r"rb'\x00'", br"\x00"),
            ("b'''a'b'''", b"a'b"),
            ("b''", b""),
            (r"b'\\'", b"\\"),
            (r"b'\400'", b"\x00"),
        ];
        for (text, want) in cases {
            assert_eq!(parse_bytes_literal(text).as_deref(), Some(want), "{text}");
        }
        for text in [
            "'abc'",
            "b'abc",
            "b'caf\u{e9}'",
            "bx'a'",
            "b'a'b'",
            r"b'\x4'",
            "abc",
        ] {
            assert_eq!(parse_bytes_literal(text), None, "{text}");
        }
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
