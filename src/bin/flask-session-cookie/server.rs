//! `--server URL`: fetch a page as flask-unsign's `--server` does (one GET) and
//! hand the response, headers and all, to the cookie finder.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use crate::Failure;

/// The response of `GET url` as text (Latin-1 for non-UTF-8 bytes), for
/// `cookie::find_cookie`: its `Set-Cookie` headers are where the session is.
/// Plain `http://` only; for `https://`, fetch the page with curl and pipe it in.
pub(crate) fn fetch(url: &str) -> Result<String, Failure> {
    let usage = |why: String| Failure::Usage(why);
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        usage(format!(
            "--server takes an http:// URL; for {url:?} fetch the page with \
             `curl -si URL | flask-session-cookie decode -` (the same for crack)"
        ))
    })?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) if rest.as_bytes().get(i) == Some(&b'/') => (&rest[..i], &rest[i..]),
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let path = if path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_owned()
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (
            h,
            p.parse::<u16>()
                .map_err(|_| usage(format!("a bad port in {url:?}")))?,
        ),
        _ => (authority, 80),
    };
    let connect_host = host.trim_start_matches('[').trim_end_matches(']');
    let mut stream = TcpStream::connect((connect_host, port)).map_err(|e| {
        Failure::Rejected("malformed", format!("cannot connect to {authority}: {e}"))
    })?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: flask-session-cookie\r\n\
         Accept: */*\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).map_err(|e| {
        Failure::Rejected(
            "malformed",
            format!("cannot send the request to {authority}: {e}"),
        )
    })?;
    let mut raw = Vec::new();
    stream.take(4 << 20).read_to_end(&mut raw).map_err(|e| {
        Failure::Rejected(
            "malformed",
            format!("cannot read the response of {url}: {e}"),
        )
    })?;
    // The headers are what matters; a body that is not text is cut off.
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(raw.len(), |i| i + 4);
    Ok(raw
        .get(..end)
        .unwrap_or_default()
        .iter()
        .map(|&b| char::from(b))
        .collect())
}
