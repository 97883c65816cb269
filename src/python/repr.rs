//! `repr()` and `isoformat()` of the `datetime` module's values.

use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// `datetime.datetime(Y, M, D, h, m[, s[, us]]` without the closing parenthesis:
/// seconds and microseconds left out when zero, as Python does.
fn push_datetime_fields(dt: PrimitiveDateTime, out: &mut impl std::fmt::Write) -> std::fmt::Result {
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
    Ok(())
}

/// Writes Python's `repr()` of a naive `datetime.datetime`:
/// `datetime.datetime(2024, 1, 2, 3, 4, 5)`.
pub(crate) fn push_naive_datetime_repr(
    dt: PrimitiveDateTime,
    out: &mut impl std::fmt::Write,
) -> std::fmt::Result {
    push_datetime_fields(dt, out)?;
    out.write_char(')')
}

/// Writes Python's `repr()` of a `datetime.date`: `datetime.date(2024, 1, 2)`.
pub(crate) fn push_date_repr(date: Date, out: &mut impl std::fmt::Write) -> std::fmt::Result {
    write!(
        out,
        "datetime.date({}, {}, {})",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Writes `datetime.isoformat()` of a naive datetime (`2024-01-02T03:04:05`, with
/// `.ffffff` when there are microseconds) or, with `date_only`, `date.isoformat()`.
pub(crate) fn push_isoformat(dt: PrimitiveDateTime, date_only: bool, out: &mut String) {
    use std::fmt::Write as _;
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}",
        dt.year(),
        u8::from(dt.month()),
        dt.day()
    );
    if date_only {
        return;
    }
    let _ = write!(
        out,
        "T{:02}:{:02}:{:02}",
        dt.hour(),
        dt.minute(),
        dt.second()
    );
    if dt.microsecond() != 0 {
        let _ = write!(out, ".{:06}", dt.microsecond());
    }
}

/// Writes Python's `repr()` of an aware `datetime.datetime`, as Werkzeug's
/// `parse_date` gives it: `datetime.datetime(2024, 1, 2, 3, 4, 5,
/// tzinfo=datetime.timezone.utc)` (seconds and microseconds left out when zero, as
/// Python does; any other offset as a `datetime.timezone(datetime.timedelta(...))`).
pub(crate) fn push_datetime_repr(
    dt: OffsetDateTime,
    out: &mut impl std::fmt::Write,
) -> std::fmt::Result {
    push_datetime_fields(PrimitiveDateTime::new(dt.date(), dt.time()), out)?;
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
