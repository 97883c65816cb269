//! Finding a cookie in whatever a user pastes: a bare value, `name=value` pairs, a
//! `Cookie:` or `Set-Cookie:` line, or a whole HTTP request or response (as `curl -i`
//! or `curl -v` prints it). The CLI reads its input with this.

use std::borrow::Cow;

use super::request::{CookieHeaders, find_request_cookie_in, request_cookies};
use crate::error::{Error, Result};

/// The input forms [`find_cookie`] recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InputForm {
    /// A bare cookie value (no `=` in it), taken as it is (surrounding double quotes
    /// of an ASCII value are removed as Werkzeug removes them).
    Value,
    /// `name=value` pairs separated by `;`, as in a `Cookie` header's value.
    Pairs,
    /// One `Cookie:` header line.
    CookieHeader,
    /// One `Set-Cookie:` header line.
    SetCookieHeader,
    /// Several lines with `Cookie:` or `Set-Cookie:` headers among them: an HTTP
    /// request or response dump (`curl -i`, or `curl -v` with its `>` and `<`).
    HttpMessage,
}

impl InputForm {
    /// The form in words, for messages.
    ///
    /// ```
    /// use flask_session_cookie::cookie::InputForm;
    /// assert_eq!(InputForm::SetCookieHeader.describe(), "a Set-Cookie header");
    /// ```
    pub fn describe(self) -> &'static str {
        match self {
            InputForm::Value => "a bare cookie value",
            InputForm::Pairs => "name=value pairs",
            InputForm::CookieHeader => "a Cookie header",
            InputForm::SetCookieHeader => "a Set-Cookie header",
            InputForm::HttpMessage => "an HTTP message",
        }
    }
}

/// A cookie found by [`find_cookie`]: its value as Flask would read it, and the form
/// the input was recognised as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundCookie<'a> {
    /// The value (empty when a `Set-Cookie` deletes the cookie, or for `name=`).
    pub value: Cow<'a, str>,
    /// How the input was read.
    pub form: InputForm,
}

/// Finds the cookie `name` in pasted text, recognising its form:
///
/// - a bare value (no `=`): the value itself, trimmed;
/// - `name=value` pairs or a `Cookie:` line: the first cookie of that name, by
///   Werkzeug's rules ([`find_request_cookie`](super::find_request_cookie));
/// - a `Set-Cookie:` line: its cookie, unquoted as Flask reads it when the browser
///   sends it back;
/// - an HTTP request or response (several lines; `curl -v`'s `>` / `<` prefixes are
///   allowed): the **last** `Set-Cookie` of that name wins, as in a browser; with none,
///   each `Cookie` line is read on its own (a capture may be HTTP/2, whose clients
///   split cookies over several) and the first cookie of the name wins
///   ([`CookieHeaders::Separate`](super::CookieHeaders::Separate)).
///
/// Errors: [`Malformed`](crate::ErrorKind::Malformed) when the text is empty or has no
/// cookie of that name; the message says which form the text was read as and which
/// cookies it has.
///
/// ```
/// use flask_session_cookie::cookie::{InputForm, find_cookie};
///
/// let response = "HTTP/1.1 200 OK\r\n\
///                 Set-Cookie: session=old.v.s; Path=/\r\n\
///                 Set-Cookie: theme=dark\r\n\
///                 Set-Cookie: session=\"new.v.s\"; HttpOnly; Path=/\r\n\r\n";
/// let found = find_cookie(response, "session")?;
/// assert_eq!((&*found.value, found.form), ("new.v.s", InputForm::HttpMessage));
///
/// let found = find_cookie("Cookie: a=1; session=abc.def.ghi", "session")?;
/// assert_eq!((&*found.value, found.form), ("abc.def.ghi", InputForm::CookieHeader));
/// assert_eq!(find_cookie(" abc.def.ghi\n", "session")?.value, "abc.def.ghi");
///
/// let err = find_cookie("theme=dark; lang=en", "session").unwrap_err();
/// assert_eq!(
///     err.detail(),
///     "no cookie named \"session\" in the input, read as name=value pairs \
///      (cookies there: \"theme\", \"lang\")"
/// );
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn find_cookie<'a>(text: &'a str, name: &str) -> Result<FoundCookie<'a>> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Error::malformed("the input is empty"));
    }
    let headers = Headers::of(trimmed);
    let form = if headers.cookie.is_empty() && headers.set_cookie.is_empty() {
        if looks_like_http_message(trimmed) {
            InputForm::HttpMessage
        } else if trimmed.contains('=') {
            InputForm::Pairs
        } else {
            // Pasted text is text, not a header's raw bytes: only a quoted ASCII value
            // is unquoted as Werkzeug unquotes it; anything else is taken as it is
            // (itsdangerous tokens may hold any character).
            let value = if trimmed.is_ascii() {
                super::request::value_text(trimmed.as_bytes())
            } else {
                Cow::Borrowed(trimmed)
            };
            return Ok(FoundCookie {
                value,
                form: InputForm::Value,
            });
        }
    } else if trimmed.lines().nth(1).is_some() {
        InputForm::HttpMessage
    } else if headers.set_cookie.is_empty() {
        InputForm::CookieHeader
    } else {
        InputForm::SetCookieHeader
    };
    let found = headers
        .set_cookie
        .iter()
        .rev()
        .find_map(|line| set_cookie_pair(line, name))
        .or_else(|| {
            let cookie_lines: Vec<&[u8]> = if form == InputForm::Pairs {
                vec![trimmed.as_bytes()]
            } else {
                headers.cookie.iter().map(|l| l.as_bytes()).collect()
            };
            // A pasted message may be an HTTP/2 capture with its cookies split over
            // several headers: each is read on its own, the first cookie winning.
            find_request_cookie_in(cookie_lines, name, CookieHeaders::Separate)
        });
    match found {
        Some(value) => Ok(FoundCookie { value, form }),
        None => Err(not_found(trimmed, name, form, &headers)),
    }
}

/// The value of the cookie `name` that a response's `Set-Cookie` headers leave in a
/// browser: the last one of that name wins, its value unquoted as Flask reads it when
/// the browser sends it back. `None` when no header sets it; `Some("")` when the last
/// one deletes it.
///
/// ```
/// use flask_session_cookie::cookie::find_set_cookie;
///
/// let headers: [&[u8]; 3] = [
///     b"session=first; Path=/",
///     b"other=1",
///     b"session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
/// ];
/// assert_eq!(find_set_cookie(headers, "session").as_deref(), Some(""));
/// assert_eq!(find_set_cookie(headers, "nope"), None);
/// ```
pub fn find_set_cookie<'a>(
    headers: impl IntoIterator<Item = &'a [u8]>,
    name: &str,
) -> Option<Cow<'a, str>> {
    headers
        .into_iter()
        .filter_map(|h| set_cookie_pair_bytes(h, name))
        .last()
}

/// The cookie of one `Set-Cookie` value if it is `name`'s: the pair before the first
/// `;` (a browser's rule; Werkzeug escapes `;` inside quoted values), read by the
/// request grammar as Flask reads it once the browser sends it back.
fn set_cookie_pair_bytes<'a>(header: &'a [u8], name: &str) -> Option<Cow<'a, str>> {
    let end = header
        .iter()
        .position(|&b| b == b';')
        .unwrap_or(header.len());
    let pair = header.get(..end)?;
    let (key, value) = request_cookies(pair).next()?;
    (key == name).then_some(value)
}

fn set_cookie_pair<'a>(line: &&'a str, name: &str) -> Option<Cow<'a, str>> {
    set_cookie_pair_bytes(line.as_bytes(), name)
}

/// The `Cookie` and `Set-Cookie` header values of a text, one per line.
struct Headers<'a> {
    cookie: Vec<&'a str>,
    set_cookie: Vec<&'a str>,
}

impl<'a> Headers<'a> {
    fn of(text: &'a str) -> Self {
        let mut headers = Headers {
            cookie: Vec::new(),
            set_cookie: Vec::new(),
        };
        for line in text.lines() {
            // curl -v marks request lines with "> " and response lines with "< ".
            let line = line
                .strip_prefix("> ")
                .or_else(|| line.strip_prefix("< "))
                .unwrap_or(line);
            let Some((field, value)) = line.split_once(':') else {
                continue;
            };
            if field.eq_ignore_ascii_case("set-cookie") {
                headers.set_cookie.push(value.trim());
            } else if field.eq_ignore_ascii_case("cookie") {
                headers.cookie.push(value.trim());
            }
        }
        headers
    }
}

/// How many cookie names an error lists.
const NAMES_SHOWN: usize = 20;

/// The distinct items in first-seen order, the first `shown` of them, and how many
/// there are in all: one hash look-up per item, so linear in the input.
fn first_distinct<T: std::hash::Hash + Eq + Clone>(
    items: impl IntoIterator<Item = T>,
    shown: usize,
) -> (Vec<T>, usize) {
    let mut seen = std::collections::HashSet::new();
    let mut first = Vec::new();
    for item in items {
        if seen.insert(item.clone()) && first.len() < shown {
            first.push(item);
        }
    }
    (first, seen.len())
}

/// Whether pasted text is an HTTP message: a line (`curl -v`'s `>`/`<` prefixes
/// allowed) that is a status line (`HTTP/1.1 200 OK`) or a request line
/// (`GET /path HTTP/1.1`).
fn looks_like_http_message(text: &str) -> bool {
    text.lines().take(64).any(|line| {
        let line = line
            .strip_prefix("> ")
            .or_else(|| line.strip_prefix("< "))
            .unwrap_or(line)
            .trim_end();
        let http_version = |w: &str| {
            w.strip_prefix("HTTP/")
                .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        };
        let mut words = line.split(' ');
        match (words.next(), words.next(), words.next()) {
            (Some(first), Some(status), _) if http_version(first) => {
                status.len() == 3 && status.bytes().all(|b| b.is_ascii_digit())
            }
            (Some(method), Some(_), Some(version)) => {
                !method.is_empty()
                    && method.bytes().all(|b| b.is_ascii_uppercase())
                    && http_version(version)
            }
            _ => false,
        }
    })
}

fn not_found(text: &str, name: &str, form: InputForm, headers: &Headers<'_>) -> Error {
    let mut found: Vec<String> = Vec::new();
    for line in &headers.set_cookie {
        let end = line.find(';').unwrap_or(line.len());
        if let Some((k, _)) = request_cookies(line.get(..end).unwrap_or_default().as_bytes()).next()
        {
            found.push(k.into_owned());
        }
    }
    let cookie_text = if form == InputForm::Pairs {
        text.to_owned()
    } else {
        headers.cookie.join(";")
    };
    found.extend(request_cookies(cookie_text.as_bytes()).map(|(k, _)| k.into_owned()));
    let (names, count) = first_distinct(found, NAMES_SHOWN);
    let names: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    let there = match count {
        0 if form == InputForm::HttpMessage => {
            "it has no Cookie or Set-Cookie header: Flask sends the session cookie only \
             when the session was modified (or is permanent and refreshed), so request a \
             page that sets it, or paste the Cookie header your browser sends"
                .to_owned()
        }
        0 => "it has no cookies".to_owned(),
        n if n > names.len() => format!(
            "cookies there: {} and {} more",
            names.join(", "),
            n - names.len()
        ),
        _ => format!("cookies there: {}", names.join(", ")),
    };
    Error::malformed(format!(
        "no cookie named {name:?} in the input, read as {} ({there})",
        form.describe()
    ))
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    thread_local! {
        static COMPARISONS: Cell<usize> = const { Cell::new(0) };
    }

    /// A name that counts how often it is compared.
    #[derive(Clone)]
    struct Counted(String);

    impl std::hash::Hash for Counted {
        fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
            self.0.hash(state);
        }
    }

    impl PartialEq for Counted {
        fn eq(&self, other: &Self) -> bool {
            COMPARISONS.with(|c| c.set(c.get() + 1));
            self.0 == other.0
        }
    }
    impl Eq for Counted {}

    #[test]
    fn distinct_names_take_a_comparison_or_so_each_not_one_per_earlier_name() {
        let names: Vec<Counted> = (0..40_000)
            .map(|i| Counted(format!("n{}", i % 30_000)))
            .collect();
        COMPARISONS.with(|c| c.set(0));
        let (first, count) = first_distinct(names, 20);
        assert_eq!((first.len(), count), (20, 30_000));
        // A list scan would compare about 40,000 * 30,000 / 2 times; hashing compares
        // only the 10,000 repeats (and rare collisions).
        let comparisons = COMPARISONS.with(Cell::get);
        assert!(comparisons < 20_000, "{comparisons} comparisons");
    }

    use super::*;

    fn find(text: &str) -> Option<(String, InputForm)> {
        find_cookie(text, "session")
            .ok()
            .map(|f| (f.value.into_owned(), f.form))
    }

    #[test]
    fn every_form() {
        use InputForm::*;
        assert_eq!(find("abc.def"), Some(("abc.def".into(), Value)));
        assert_eq!(find("\"abc.def\"\n"), Some(("abc.def".into(), Value)));
        assert_eq!(
            find("my string é.sig"),
            Some(("my string é.sig".into(), Value))
        );
        assert_eq!(find("session=abc; x=1"), Some(("abc".into(), Pairs)));
        assert_eq!(find("x=1;session=abc"), Some(("abc".into(), Pairs)));
        assert_eq!(
            find("COOKIE: session=abc"),
            Some(("abc".into(), CookieHeader))
        );
        assert_eq!(
            find("set-cookie: session=abc; Path=/"),
            Some(("abc".into(), SetCookieHeader))
        );
        let curl = "> GET / HTTP/1.1\n> Cookie: session=req\n>\n< HTTP/1.1 200 OK\n\
                    < Set-Cookie: session=resp; HttpOnly\n";
        assert_eq!(find(curl), Some(("resp".into(), HttpMessage)));
        let request = "GET / HTTP/1.1\r\nHost: a\r\nCookie: a=1\r\nCookie: session=x\r\n";
        assert_eq!(find(request), Some(("x".into(), HttpMessage)));
        // A Set-Cookie for another name does not hide the Cookie header.
        let both = "Cookie: session=c\nSet-Cookie: other=1";
        assert_eq!(find(both), Some(("c".into(), HttpMessage)));
        // A response without cookies is an HTTP message with none, not pairs.
        let bare = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\nhi";
        let err = find_cookie(bare, "session").unwrap_err();
        assert!(err.detail().contains("read as an HTTP message"), "{err}");
        assert!(
            err.detail().contains("no Cookie or Set-Cookie header"),
            "{err}"
        );
        assert!(looks_like_http_message(
            "* Trying\n> GET / HTTP/1.1\n> Host: a"
        ));
        assert!(!looks_like_http_message("a=1; b=2"));
    }

    #[test]
    fn failures_say_what_was_read() {
        let e = find_cookie("", "session").unwrap_err();
        assert_eq!(e.detail(), "the input is empty");
        let e = find_cookie(
            "HTTP/1.1 200 OK\nSet-Cookie: a=1\nSet-Cookie: b=2; Path=/",
            "session",
        )
        .unwrap_err();
        assert_eq!(
            e.detail(),
            "no cookie named \"session\" in the input, read as an HTTP message \
             (cookies there: \"a\", \"b\")"
        );
        let e = find_cookie("Set-Cookie: ;;", "session").unwrap_err();
        assert!(
            e.detail()
                .ends_with("read as a Set-Cookie header (it has no cookies)")
        );
    }

    #[test]
    fn deletion_is_an_empty_value() {
        let text = "Set-Cookie: session=v; Path=/\nSet-Cookie: session=; Max-Age=0; Path=/";
        assert_eq!(find(text), Some((String::new(), InputForm::HttpMessage)));
    }
}
