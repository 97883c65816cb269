//! `Display` for [`Value`]: Python's `repr()`, as a Flask developer would see the
//! session in a debugger or a log, written without recursion.

use std::fmt::{self, Write as _};

use super::Value;
use crate::python;

/// What is left to write of an open container, and whether anything of it was
/// written yet (for the `, ` between items).
struct Open<'a> {
    rest: Rest<'a>,
    started: bool,
}

enum Rest<'a> {
    /// Items, and the text that closes the container (`]` or `)`, or `,)` for a
    /// one-item tuple).
    Seq(std::slice::Iter<'a, Value>, &'static str),
    Dict(super::DictIter<'a>),
}

impl fmt::Display for Value {
    /// Python's `repr()` of the value: `None`, `True`, `1.0`, `'text'`,
    /// `b'\x00'`, `[1, 2]`, `(1,)`, `{'a': 1}`, `Markup('<b>')`,
    /// `UUID('12345678-1234-5678-1234-567812345678')`,
    /// `datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)`.
    /// Linear in the size of the value, at any depth.
    ///
    /// ```
    /// use flask_session_cookie::{Session, Value};
    ///
    /// let flash = Value::Tuple(vec!["message".into(), "Hello!".into()]);
    /// assert_eq!(flash.to_string(), "('message', 'Hello!')");
    /// let mut session = Session::new();
    /// session.insert("_flashes", Value::List(vec![flash]));
    /// session.insert("n", f64::NAN);
    /// assert_eq!(
    ///     Value::Dict(session.into_dict()).to_string(),
    ///     "{'_flashes': [('message', 'Hello!')], 'n': nan}"
    /// );
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut stack: Vec<Open<'_>> = Vec::new();
        let mut next = Some(self);
        loop {
            if let Some(value) = next.take()
                && let Some(open) = write_scalar_or_open(value, f)?
            {
                stack.push(open);
            }
            // The next item of the innermost open container, or close it.
            let Some(top) = stack.last_mut() else {
                return Ok(());
            };
            let started = std::mem::replace(&mut top.started, true);
            match &mut top.rest {
                Rest::Seq(items, close) => match items.next() {
                    Some(item) => {
                        if started {
                            f.write_str(", ")?;
                        }
                        next = Some(item);
                    }
                    None => {
                        f.write_str(close)?;
                        stack.pop();
                    }
                },
                Rest::Dict(entries) => match entries.next() {
                    Some((k, v)) => {
                        if started {
                            f.write_str(", ")?;
                        }
                        python::push_str_repr(k, f)?;
                        f.write_str(": ")?;
                        next = Some(v);
                    }
                    None => {
                        f.write_char('}')?;
                        stack.pop();
                    }
                },
            }
        }
    }
}

fn open(rest: Rest<'_>) -> Open<'_> {
    Open {
        rest,
        started: false,
    }
}

/// Writes a scalar, or the opening of a container (returned, to be filled).
fn write_scalar_or_open<'a>(
    value: &'a Value,
    f: &mut fmt::Formatter<'_>,
) -> Result<Option<Open<'a>>, fmt::Error> {
    match value {
        Value::None => f.write_str("None")?,
        Value::Bool(true) => f.write_str("True")?,
        Value::Bool(false) => f.write_str("False")?,
        Value::Int(i) => write!(f, "{i}")?,
        Value::Float(x) => {
            let mut text = String::new();
            python::push_float(*x, &mut text, "nan", "inf");
            f.write_str(&text)?;
        }
        Value::Str(s) => python::push_str_repr(s, f)?,
        Value::Bytes(b) => python::push_bytes_repr(b, f)?,
        Value::Markup(s) => {
            f.write_str("Markup(")?;
            python::push_str_repr(s, f)?;
            f.write_char(')')?;
        }
        Value::Uuid(u) => write!(f, "UUID('{}')", u.hyphenated())?,
        Value::DateTime(dt) => python::push_datetime_repr(*dt, f)?,
        Value::NaiveDateTime(dt) => python::push_naive_datetime_repr(*dt, f)?,
        Value::Date(d) => python::push_date_repr(*d, f)?,
        Value::Set(items) if items.is_empty() => f.write_str("set()")?,
        Value::Set(items) => {
            f.write_char('{')?;
            return Ok(Some(open(Rest::Seq(items.iter(), "}"))));
        }
        Value::List(items) => {
            f.write_char('[')?;
            return Ok(Some(open(Rest::Seq(items.iter(), "]"))));
        }
        Value::Tuple(items) => {
            f.write_char('(')?;
            let close = if items.len() == 1 { ",)" } else { ")" };
            return Ok(Some(open(Rest::Seq(items.iter(), close))));
        }
        Value::Dict(d) => {
            f.write_char('{')?;
            return Ok(Some(open(Rest::Dict(d.iter()))));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Dict;

    #[test]
    fn python_reprs() {
        let cases: Vec<(Value, &str)> = vec![
            (Value::Tuple(vec![]), "()"),
            (Value::Tuple(vec![1.into()]), "(1,)"),
            (
                Value::List(vec![Value::List(vec![]), Value::None]),
                "[[], None]",
            ),
            (Value::from("it's"), "\"it's\""),
            (
                Value::from("a'\"b\\\n\u{7}\u{e9}\u{a0}\u{2028}"),
                "'a\\'\"b\\\\\\n\\x07\u{e9}\\xa0\\u2028'",
            ),
            (Value::Bytes(b"\x00'ok\xff".to_vec()), "b\"\\x00'ok\\xff\""),
            (Value::Float(1e16), "1e+16"),
            (Value::Float(f64::NEG_INFINITY), "-inf"),
            (Value::Markup("<b>".into()), "Markup('<b>')"),
            (Value::Dict(Dict::new()), "{}"),
            (Value::Set(vec![]), "set()"),
            (Value::Set(vec![1.into(), 2.into()]), "{1, 2}"),
            (
                Value::NaiveDateTime(time::macros::datetime!(2024-01-02 03:04:05.000120)),
                "datetime.datetime(2024, 1, 2, 3, 4, 5, 120)",
            ),
            (
                Value::NaiveDateTime(time::macros::datetime!(2024-01-02 03:04)),
                "datetime.datetime(2024, 1, 2, 3, 4)",
            ),
            (
                Value::Date(time::macros::date!(2024 - 01 - 02)),
                "datetime.date(2024, 1, 2)",
            ),
            (
                Value::DateTime(time::macros::datetime!(2024-01-02 03:04:00 UTC)),
                "datetime.datetime(2024, 1, 2, 3, 4, tzinfo=datetime.timezone.utc)",
            ),
            (
                Value::DateTime(time::macros::datetime!(2024-01-02 03:04:05 -05:00)),
                "datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=68400)))",
            ),
        ];
        for (value, want) in cases {
            assert_eq!(value.to_string(), want);
        }
        // Deep values print without recursion.
        let mut deep = Value::None;
        for _ in 0..100_000 {
            deep = Value::List(vec![deep]);
        }
        assert_eq!(deep.to_string().len(), 100_000 * 2 + 4);
        let mut v = Some(deep);
        while let Some(Value::List(mut items)) = v.take() {
            v = items.pop();
        }
    }
}
