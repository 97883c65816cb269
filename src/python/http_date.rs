//! Werkzeug's HTTP dates: `http_date` and `parse_date` (`email.utils`).

use std::fmt::Write as _;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::error::{Error, Result};

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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

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
