//! Flask-Login's session identifier `_id` (0.6.3's `_create_identifier`).

use sha2::{Digest as _, Sha512};

use crate::python;

/// What Flask-Login knows of the client: the remote address, and the
/// `X-Forwarded-For` and `User-Agent` headers as raw bytes. Flask-Login 0.6.3's
/// session identifier `_id` is made of them ([`ClientInfo::session_identifier`]).
///
/// Give the headers exactly as they arrived (the bytes of the header value); an
/// absent header is `None`, which is not the same as an empty one.
///
/// ```
/// use flask_session_cookie::flask_login::ClientInfo;
///
/// let client = ClientInfo::new(Some("127.0.0.1")).with_user_agent(Some(b"curl/8.5.0"));
/// assert_eq!(client.session_identifier().len(), 128);
/// // Behind a proxy, the first X-Forwarded-For entry is the address, as in Flask-Login.
/// let proxied = ClientInfo::new(Some("10.0.0.1"))
///     .with_forwarded_for(Some(b"127.0.0.1, 10.0.0.1"))
///     .with_user_agent(Some(b"curl/8.5.0"));
/// assert_eq!(proxied.session_identifier(), client.session_identifier());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientInfo<'a> {
    /// The peer's address as the WSGI server gives it (`REMOTE_ADDR`: `127.0.0.1`,
    /// `::1`), or `None` when there is none.
    pub remote_addr: Option<&'a str>,
    /// The `X-Forwarded-For` header's bytes, if the request has one.
    pub forwarded_for: Option<&'a [u8]>,
    /// The `User-Agent` header's bytes, if the request has one.
    pub user_agent: Option<&'a [u8]>,
}

impl<'a> ClientInfo<'a> {
    /// A client at `remote_addr`, with neither header.
    ///
    /// ```
    /// let c = flask_session_cookie::flask_login::ClientInfo::new(Some("::1"));
    /// assert_eq!(c.user_agent, None);
    /// ```
    pub fn new(remote_addr: Option<&'a str>) -> Self {
        ClientInfo {
            remote_addr,
            forwarded_for: None,
            user_agent: None,
        }
    }

    /// With this `X-Forwarded-For` header (`None`: the request has none).
    ///
    /// ```
    /// let c = flask_session_cookie::flask_login::ClientInfo::new(None).with_forwarded_for(Some(b"1.2.3.4"));
    /// assert!(c.forwarded_for.is_some());
    /// ```
    #[must_use]
    pub fn with_forwarded_for(mut self, header: Option<&'a [u8]>) -> Self {
        self.forwarded_for = header;
        self
    }

    /// With this `User-Agent` header (`None`: the request has none).
    ///
    /// ```
    /// let c = flask_session_cookie::flask_login::ClientInfo::new(None).with_user_agent(Some(b"x"));
    /// assert!(c.user_agent.is_some());
    /// ```
    #[must_use]
    pub fn with_user_agent(mut self, header: Option<&'a [u8]>) -> Self {
        self.user_agent = header;
        self
    }

    /// Flask-Login 0.6.3's session identifier: the SHA-512 hex digest of
    /// `"{addr!r}|{ua!r}"`, where `addr` is the first comma-separated entry of
    /// `X-Forwarded-For` (stripped of ASCII whitespace) if the header is there, else
    /// the remote address, and `ua` the `User-Agent` — each as Python's repr of its
    /// bytes (`b'1.2.3.4'`), or `None` when absent. A header's bytes reach Python as
    /// Latin-1 text and are encoded as UTF-8 before the repr, so a byte above 0x7f
    /// counts as two.
    ///
    /// ```
    /// use flask_session_cookie::flask_login::ClientInfo;
    /// // sha512(b"None|None")
    /// assert!(ClientInfo::new(None).session_identifier().starts_with("892f7fec"));
    /// ```
    pub fn session_identifier(&self) -> String {
        let addr: Option<Vec<u8>> = match (self.forwarded_for, self.remote_addr) {
            (Some(header), _) => Some(first_entry(&wsgi_utf8(header))),
            (None, Some(addr)) => Some(first_entry(addr.as_bytes())),
            (None, None) => None,
        };
        let ua = self.user_agent.map(wsgi_utf8);
        let mut base = String::with_capacity(64);
        push_repr(addr.as_deref(), &mut base);
        base.push('|');
        push_repr(ua.as_deref(), &mut base);
        let mut out = String::with_capacity(128);
        python::push_hex(&Sha512::digest(base.as_bytes()), &mut out);
        out
    }
}

/// The UTF-8 bytes of the Latin-1 text a WSGI server makes of a header's bytes.
fn wsgi_utf8(header: &[u8]) -> Vec<u8> {
    header
        .iter()
        .map(|&b| char::from(b))
        .collect::<String>()
        .into_bytes()
}

/// `bytes.split(b",")[0].strip()`.
fn first_entry(bytes: &[u8]) -> Vec<u8> {
    let first = bytes.split(|&b| b == b',').next().unwrap_or_default();
    let start = first
        .iter()
        .position(|&b| !is_py_space(b))
        .unwrap_or(first.len());
    let end = first
        .iter()
        .rposition(|&b| !is_py_space(b))
        .map_or(start, |i| i + 1);
    first.get(start..end).unwrap_or_default().to_vec()
}

/// Python's `bytes.strip()` whitespace: space, `\t`, `\n`, `\r`, `\x0b`, `\x0c`.
fn is_py_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn push_repr(bytes: Option<&[u8]>, out: &mut String) {
    match bytes {
        None => out.push_str("None"),
        // Writing to a String cannot fail.
        Some(b) => {
            let _ = python::push_bytes_repr(b, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_entry_strips_python_whitespace() {
        assert_eq!(first_entry(b" \x0b1.2.3.4\x0c , 5.6.7.8"), b"1.2.3.4");
        assert_eq!(first_entry(b""), b"");
        assert_eq!(first_entry(b",x"), b"");
        assert_eq!(first_entry(b"\x1c a"), b"\x1c a");
    }
}
