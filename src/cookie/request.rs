//! The request side: the `Cookie` header read exactly as Flask reads it (Werkzeug's
//! `request.cookies`), so that the Rust side sees the same `session` cookie as the
//! Flask app for any header a browser, a proxy or an attacker sends.
//!
//! A WSGI server hands the header to Flask as Latin-1 text (PEP 3333): every byte is
//! one character, nothing is rejected for not being UTF-8. Werkzeug then matches its
//! cookie grammar from left to right, skipping to the next `;` where it does not
//! match; a name without `=` is a cookie with an empty value; a double-quoted value
//! has its backslash escapes (`\"`, `\\`, `\ooo` octal) undone. The first cookie of
//! a name wins.
//!
//! Several `Cookie` headers in one request are read as [`CookieHeaders`] says: a
//! WSGI server (Werkzeug's development server 3.1.9 and gunicorn 27.0.1, measured)
//! joins them with `,` before Flask sees them, so the first cookie of the second
//! header becomes part of the last value of the first one; Quart on Hypercorn 0.18
//! reads each on its own; HTTP/2 clients split cookies over several headers, which
//! RFC 9113 joins with `; `.

use std::borrow::Cow;

/// The cookies of one `Cookie` header value, in order, as Werkzeug's
/// `request.cookies` reads them: names and values as Flask sees them (Latin-1 text of
/// the raw bytes; a quoted value unquoted and unescaped).
///
/// ```
/// use flask_session_cookie::cookie::request_cookies;
///
/// let header = b"theme=dark; session; session=abc; tracker=caf\xe9";
/// let cookies: Vec<(String, String)> = request_cookies(header)
///     .map(|(k, v)| (k.into_owned(), v.into_owned()))
///     .collect();
/// assert_eq!(cookies[1], ("session".to_owned(), String::new())); // a bare name
/// assert_eq!(cookies[3].1, "café"); // not UTF-8, yet read (as Latin-1)
/// ```
pub fn request_cookies(header: &[u8]) -> RequestCookies<'_> {
    RequestCookies {
        text: header,
        pos: 0,
    }
}

/// How several `Cookie` headers of one request are read.
///
/// ```
/// use flask_session_cookie::cookie::{CookieHeaders, find_request_cookie_in};
/// let headers: [&[u8]; 2] = [b"a=1", b"session=abc"];
/// // Flask under Werkzeug or gunicorn sees `a` = "1,session=abc" and no session.
/// assert_eq!(find_request_cookie_in(headers, "session", CookieHeaders::Wsgi), None);
/// assert_eq!(
///     find_request_cookie_in(headers, "session", CookieHeaders::Separate).as_deref(),
///     Some("abc")
/// );
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CookieHeaders {
    /// Joined with `,`, as a WSGI server hands them to Flask (Werkzeug's development
    /// server, gunicorn): the session a Flask app behind such a server sees. The
    /// default.
    #[default]
    Wsgi,
    /// Each on its own (joined with `;`), the first cookie of a name winning: as
    /// Quart on Hypercorn reads them, and as RFC 9113 asks of HTTP/2, where clients
    /// split their cookies over several headers. The framework layers use this for
    /// HTTP/2 and later requests whatever the setting.
    Separate,
}

/// The value of the first cookie named `name` in a request's `Cookie` headers, as
/// Flask's `request.cookies.get(name)` gives it behind a WSGI server (several
/// headers joined with `,`: [`CookieHeaders::Wsgi`]). `None` when there is none; an
/// empty value (`name=` or a bare `name`) is `Some("")`, which Flask treats as no
/// session.
///
/// ```
/// use flask_session_cookie::cookie::find_request_cookie;
///
/// // Joined, "session=first,session=second": one cookie, as Werkzeug reads it.
/// let headers: [&[u8]; 2] = [b"a=1; session=first", b"session=second"];
/// assert_eq!(find_request_cookie(headers, "session").as_deref(), Some("first,session=second"));
/// let headers: [&[u8]; 2] = [b"a=1", b"session=second"];
/// assert_eq!(find_request_cookie(headers, "session"), None);
/// assert_eq!(find_request_cookie([&b"session; session=x"[..]], "session").as_deref(), Some(""));
/// assert_eq!(find_request_cookie([&b"a=1"[..]], "session"), None);
/// ```
pub fn find_request_cookie<'a>(
    headers: impl IntoIterator<Item = &'a [u8]>,
    name: &str,
) -> Option<Cow<'a, str>> {
    find_request_cookie_in(headers, name, CookieHeaders::Wsgi)
}

/// [`find_request_cookie`] with several headers read as `how` says.
///
/// ```
/// use flask_session_cookie::cookie::{CookieHeaders, find_request_cookie_in};
/// let headers: [&[u8]; 2] = [b"session=A; x=1", b"session=B"];
/// let wsgi = find_request_cookie_in(headers, "x", CookieHeaders::Wsgi);
/// assert_eq!(wsgi.as_deref(), Some("1,session=B"));
/// let quart = find_request_cookie_in(headers, "session", CookieHeaders::Separate);
/// assert_eq!(quart.as_deref(), Some("A"));
/// ```
pub fn find_request_cookie_in<'a>(
    headers: impl IntoIterator<Item = &'a [u8]>,
    name: &str,
    how: CookieHeaders,
) -> Option<Cow<'a, str>> {
    let mut headers = headers.into_iter();
    let first = headers.next()?;
    let Some(second) = headers.next() else {
        return find(request_cookies(first), name);
    };
    let separator = match how {
        CookieHeaders::Wsgi => b',',
        CookieHeaders::Separate => b';',
    };
    let mut joined = first.to_vec();
    for h in std::iter::once(second).chain(headers) {
        joined.push(separator);
        joined.extend_from_slice(h);
    }
    find(request_cookies(&joined), name).map(|v| Cow::Owned(v.into_owned()))
}

fn find<'a>(cookies: RequestCookies<'a>, name: &str) -> Option<Cow<'a, str>> {
    cookies.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// The iterator of [`request_cookies`].
#[derive(Debug, Clone)]
pub struct RequestCookies<'a> {
    text: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for RequestCookies<'a> {
    type Item = (Cow<'a, str>, Cow<'a, str>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(m) = match_at(self.text, self.pos) {
                self.pos = m.end;
                let key = latin1(self.text.get(m.key.0..m.key.1).unwrap_or_default());
                let value = match m.value {
                    None => Cow::Borrowed(""),
                    Some((start, end)) => value_text(self.text.get(start..end).unwrap_or_default()),
                };
                return Some((key, value));
            }
            // Werkzeug skips invalid text up to the next semicolon.
            let rest = self.text.get(self.pos..)?;
            let semi = rest.iter().position(|&b| b == b';')?;
            self.pos += semi + 1;
        }
    }
}

/// One cookie the grammar matched: the name's range, the value's (`None` for a bare
/// name), and where the next match starts.
struct Match {
    key: (usize, usize),
    value: Option<(usize, usize)>,
    end: usize,
}

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn skip_space(s: &[u8], mut i: usize) -> usize {
    while s.get(i).copied().is_some_and(is_space) {
        i += 1;
    }
    i
}

/// Where the match ends if `i` is at a `;` (consumed) or at the end of the text;
/// `None` otherwise.
fn end_of_pair(s: &[u8], i: usize) -> Option<usize> {
    let i = skip_space(s, i);
    match s.get(i) {
        None => Some(i),
        Some(b';') => Some(i + 1),
        Some(_) => None,
    }
}

/// Werkzeug's `_cookie_re` anchored at `pos`:
/// `[ \t]*([^ \t=";]+)(?:[ \t]*=[ \t]*("(?:[^\\"]|\\.)*"|[^ \t";]*))?[ \t]*(?:;|\Z)`.
/// Its backtracking never changes the outcome, so one left-to-right pass decides.
fn match_at(s: &[u8], pos: usize) -> Option<Match> {
    let start = skip_space(s, pos);
    let mut i = start;
    while s
        .get(i)
        .is_some_and(|&b| !is_space(b) && !matches!(b, b'=' | b'"' | b';'))
    {
        i += 1;
    }
    if i == start {
        return None;
    }
    let key = (start, i);
    // `name = value`
    let eq = skip_space(s, i);
    if s.get(eq) == Some(&b'=') {
        let v = skip_space(s, eq + 1);
        if s.get(v) == Some(&b'"')
            && let Some(close) = quoted_end(s, v)
            && let Some(end) = end_of_pair(s, close + 1)
        {
            return Some(Match {
                key,
                value: Some((v, close + 1)),
                end,
            });
        }
        let mut t = v;
        while s
            .get(t)
            .is_some_and(|&b| !is_space(b) && !matches!(b, b'"' | b';'))
        {
            t += 1;
        }
        if let Some(end) = end_of_pair(s, t) {
            return Some(Match {
                key,
                value: Some((v, t)),
                end,
            });
        }
    }
    // A bare name.
    end_of_pair(s, i).map(|end| Match {
        key,
        value: None,
        end,
    })
}

/// The index of the quote closing the quoted string that opens at `open`: `\` escapes
/// any byte but a newline (the regex's `.`).
fn quoted_end(s: &[u8], open: usize) -> Option<usize> {
    let mut k = open + 1;
    loop {
        match *s.get(k)? {
            b'"' => return Some(k),
            b'\\' => {
                if matches!(s.get(k + 1), None | Some(b'\n')) {
                    return None;
                }
                k += 2;
            }
            _ => k += 1,
        }
    }
}

/// Latin-1 text of raw bytes, borrowed when they are ASCII.
fn latin1(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) if bytes.is_ascii() => Cow::Borrowed(s),
        _ => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

/// A value as Werkzeug hands it over: unquoted values as their Latin-1 text; a quoted
/// one has its escapes undone on the UTF-8 bytes of that text, which are then read as
/// UTF-8 with replacement characters (what `.decode(errors="replace")` does).
pub(super) fn value_text(raw: &[u8]) -> Cow<'_, str> {
    let quoted = raw.len() >= 2 && raw.first() == Some(&b'"') && raw.last() == Some(&b'"');
    let inner = match raw.get(1..raw.len().saturating_sub(1)) {
        Some(inner) if quoted => inner,
        _ => return latin1(raw),
    };
    let utf8 = latin1(inner).into_owned().into_bytes();
    let mut out = Vec::with_capacity(utf8.len());
    let mut i = 0;
    while let Some(&b) = utf8.get(i) {
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        let octal = utf8
            .get(i + 1..i + 4)
            .filter(|d| matches!(d, [b'0'..=b'3', b'0'..=b'7', b'0'..=b'7']));
        if let Some(&[a, b, c]) = octal {
            out.push(((a - b'0') << 6) | ((b - b'0') << 3) | (c - b'0'));
            i += 4;
        } else {
            match utf8.get(i + 1) {
                Some(&next) if next != b'\n' => {
                    out.push(next);
                    i += 2;
                }
                _ => {
                    out.push(b'\\');
                    i += 1;
                }
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(header: &[u8]) -> Vec<(String, String)> {
        request_cookies(header)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn grammar_edges() {
        assert_eq!(parsed(b"session=\"\\\""), []);
        assert_eq!(parsed(b"a=b c; s=1"), [("s".into(), "1".into())]);
        assert_eq!(
            parsed(b"s=\"a\\\"b\"; t"),
            [("s".into(), "a\"b".into()), ("t".into(), String::new())]
        );
        assert_eq!(parsed(b"s=\"\\351\""), [("s".into(), "\u{fffd}".into())]);
        assert_eq!(parsed(b""), []);
        assert_eq!(parsed(b";;"), []);
    }
}
