//! Cookie names, values and attributes as Werkzeug's `dump_cookie` writes them, with
//! what Werkzeug lets through unchecked (a name or domain that would end the header
//! and start another attribute) refused instead.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::error::{Error, Result};

/// An RFC 6265 token (a cookie name): visible ASCII but separators. Werkzeug trusts
/// the name; a `;` or `=` in it would change what the browser stores.
pub(crate) fn check_name(name: &str) -> Result<()> {
    let bad = name
        .bytes()
        .find(|&b| !b.is_ascii_graphic() || b"()<>@,;:\\\"/[]?={}".contains(&b));
    match bad {
        _ if name.is_empty() => Err(Error::config("the cookie name is empty")),
        Some(b) => Err(Error::config(format!(
            "the cookie name {name:?} has {:?}, which a cookie name cannot hold \
             (RFC 6265 token characters only)",
            char::from(b)
        ))),
        None => Ok(()),
    }
}

/// The `Domain` attribute as Werkzeug writes it (`domain.partition(":")[0]`, leading
/// dots removed), refused when it is not a plain ASCII host name: Werkzeug's IDNA
/// encoding lets `;` and spaces through, which would add attributes of the
/// attacker's choosing.
pub(crate) fn clean_domain(domain: &str) -> Result<String> {
    let host = domain.split(':').next().unwrap_or_default();
    let host = host.trim_start_matches('.');
    let invalid = |why: &str| {
        Error::config(format!(
            "the cookie domain {domain:?} {why} (give an internationalized name in punycode, xn--...)"
        ))
    };
    if host.is_empty() {
        return Err(invalid("has no host name"));
    }
    if let Some(b) = host
        .bytes()
        .find(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')))
    {
        return Err(invalid(&format!(
            "has {:?}, which a host name cannot hold",
            char::from(b)
        )));
    }
    let labels = host.strip_suffix('.').unwrap_or(host);
    if labels.split('.').any(|l| l.is_empty() || l.len() > 63) {
        return Err(invalid(
            "has an empty label or one longer than 63 characters",
        ));
    }
    Ok(host.to_owned())
}

/// The `Path` attribute as Werkzeug writes it: `urllib.parse.quote(path,
/// safe="%!$&'()*+,/:=@")` — UTF-8, and every byte but the unreserved ones and those
/// percent-encoded as `%XX`. A `;` can never end up in the header.
pub(crate) fn quote_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~%!$&'()*+,/:=@".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Whether a cookie value may hold `b` unquoted: letters, digits and
/// ``_!#$%&'()*+-./:<=>?@[]^`{|}~`` (one `match`: this runs on every Set-Cookie).
const fn plain(b: u8) -> bool {
    matches!(
        b,
        b'a'..=b'z'
            | b'A'..=b'Z'
            | b'0'..=b'9'
            | b'_'
            | b'!'
            | b'#'..=b'\''
            | b'('..=b'+'
            | b'-'..=b'/'
            | b':'
            | b'<'..=b'@'
            | b'['
            | b']'..=b'`'
            | b'{'..=b'~'
    )
}

/// A cookie value as Werkzeug writes it: as is when every character is one of
/// `_cookie_no_quote_re`'s; otherwise its UTF-8 bytes in double quotes, with `"` and
/// `\` backslash-escaped and the bytes 0x00–0x19, `,`, `;` and 0x7F–0xFF as `\ooo`
/// octal (what `http.cookies` does).
///
/// ```
/// use flask_session_cookie::cookie::quote_value;
///
/// assert_eq!(quote_value("42|abc"), "42|abc");
/// assert_eq!(quote_value("a b;c"), r#""a b\073c""#);
/// assert_eq!(quote_value("café"), r#""caf\303\251""#);
/// ```
pub fn quote_value(value: &str) -> Cow<'_, str> {
    if value.bytes().all(plain) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    out.push('"');
    for &b in value.as_bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x00..=0x19 | b',' | b';' | 0x7f..=0xff => {
                let _ = write!(out, "\\{b:03o}");
            }
            _ => out.push(char::from(b)),
        }
    }
    out.push('"');
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_bytes_are_exactly_werkzeugs_safe_set() {
        let safe = b"_!#$%&'()*+-./:<=>?@[]^`{|}~";
        for b in 0..=255u8 {
            let expected = b.is_ascii_alphanumeric() || safe.contains(&b);
            assert_eq!(plain(b), expected, "byte {b}");
            if b.is_ascii() {
                let value = format!("a{}b", char::from(b));
                let quoted = matches!(quote_value(&value), Cow::Owned(_));
                assert_eq!(quoted, !expected, "byte {b}");
            }
        }
    }

    #[test]
    fn names() {
        assert!(check_name("session").is_ok());
        assert!(check_name("remember_token").is_ok());
        for bad in ["", "a;b", "a b", "a=b", "é", "a\tb", "a\"b"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn domains() {
        assert_eq!(
            clean_domain(".Example.com").ok().as_deref(),
            Some("Example.com")
        );
        assert_eq!(
            clean_domain("example.com:8080").ok().as_deref(),
            Some("example.com")
        );
        assert_eq!(
            clean_domain("...a.example").ok().as_deref(),
            Some("a.example")
        );
        for bad in [
            "evil; Path=/x",
            "a..b",
            "é.example",
            ".",
            "",
            "a b.com",
            ":80",
        ] {
            assert!(clean_domain(bad).is_err(), "{bad:?}");
        }
    }
}
