//! Flask-WTF's same-origin check on HTTPS: Werkzeug's `request.host` and Python's
//! `urlparse` as far as `scheme`, `hostname` and `port` go.

/// `request.host` on HTTPS (Werkzeug 3.1 `get_host`): the `Host` header without a
/// `:443` suffix, or the empty string when it is absent or not a valid host
/// (`[a-z0-9.-]+` or a bracketed IPv6 address, with an optional port 1–65535).
pub(super) fn werkzeug_host(header: Option<&str>) -> String {
    let Some(host) = header else {
        return String::new();
    };
    let host = host.strip_suffix(":443").unwrap_or(host);
    if host_is_valid(host) {
        host.to_owned()
    } else {
        String::new()
    }
}

fn host_is_valid(host: &str) -> bool {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return false;
        };
        // \[[a-f0-9]*:[a-f0-9.:]+]
        let Some((head, tail)) = inside.split_once(':') else {
            return false;
        };
        if !head.bytes().all(|b| b.is_ascii_hexdigit())
            || tail.is_empty()
            || !tail
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':')
        {
            return false;
        }
        match after {
            "" => ("[]", None),
            port => match port.strip_prefix(':') {
                Some(p) => ("[]", Some(p)),
                None => return false,
            },
        }
    } else {
        match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    let name_ok = name == "[]"
        || (!name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'));
    let port_ok = port.is_none_or(|p| {
        p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && !p.starts_with('0')
            && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n))
    });
    name_ok && port_ok
}

/// The parts of a URL `same_origin` compares; the port as `.port` gives it, or
/// `Err` where reading it raises `ValueError`.
#[derive(Debug, PartialEq)]
struct Origin {
    scheme: String,
    hostname: Option<String>,
    port: Result<Option<u16>, Raises>,
}

/// Python raises `ValueError` here (Flask answers 500).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Raises;

/// Flask-WTF's `same_origin(current, compare)`: scheme, hostname and port equal as
/// `urlparse` reads them, compared in that order. `Err` where Python raises: a URL
/// with unbalanced brackets, or (only reached when scheme and hostname are equal) a
/// port that is not a number from 0 to 65535.
pub(super) fn same_origin(current: &str, compare: &str) -> Result<bool, Raises> {
    let (a, b) = (urlparse(current)?, urlparse(compare)?);
    Ok(a.scheme == b.scheme && a.hostname == b.hostname && a.port? == b.port?)
}

/// `urllib.parse.urlsplit` (Python 3.11), reduced to scheme, hostname and port;
/// `Err` where Python raises `ValueError` (unbalanced brackets).
fn urlparse(url: &str) -> Result<Origin, Raises> {
    // Leading C0 controls and spaces are stripped; tabs and line breaks removed.
    let url: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
        .collect();
    let mut rest = url.as_str();
    let mut scheme = String::new();
    if let Some(i) = rest.find(':') {
        let candidate = rest.get(..i).unwrap_or_default();
        let valid = candidate
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && candidate
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if valid {
            scheme = candidate.to_ascii_lowercase();
            rest = rest.get(i + 1..).unwrap_or_default();
        }
    }
    let netloc = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find(['/', '?', '#']).unwrap_or(after.len());
            after.get(..end).unwrap_or_default()
        }
        None => "",
    };
    if netloc.contains('[') != netloc.contains(']') {
        return Err(Raises);
    }
    let hostinfo = netloc.rsplit_once('@').map_or(netloc, |(_, h)| h);
    let (hostname, port) = match hostinfo.split_once('[') {
        Some((_, bracketed)) => {
            let (host, after) = bracketed.split_once(']').unwrap_or((bracketed, ""));
            (host, after.split_once(':').map(|(_, p)| p))
        }
        None => match hostinfo.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostinfo, None),
        },
    };
    let hostname = (!hostname.is_empty()).then(|| match hostname.split_once('%') {
        Some((h, zone)) => format!("{}%{zone}", h.to_lowercase()),
        None => hostname.to_lowercase(),
    });
    let port = match port.filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(p) if !p.bytes().all(|b| b.is_ascii_digit()) => Err(Raises),
        Some(p) => {
            // Python's int() of a long digit string, then the range check.
            let digits = p.trim_start_matches('0');
            let n: u64 = digits.parse().unwrap_or(0);
            if digits.len() > 5 || n > 65535 {
                Err(Raises)
            } else {
                u16::try_from(n).map(Some).map_err(|_| Raises)
            }
        }
    };
    Ok(Origin {
        scheme,
        hostname,
        port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_as_werkzeug_takes_them() {
        assert_eq!(werkzeug_host(Some("example.com:443")), "example.com");
        assert_eq!(werkzeug_host(Some("Example.com:8443")), "Example.com:8443");
        assert_eq!(werkzeug_host(Some("[::1]:8443")), "[::1]:8443");
        assert_eq!(werkzeug_host(Some("exa mple.com")), "");
        assert_eq!(werkzeug_host(Some("a.com:0")), "");
        assert_eq!(werkzeug_host(None), "");
    }

    #[test]
    fn origins_as_urlparse_reads_them() {
        let same = |a, b| same_origin(a, b);
        assert_eq!(
            same("https://Example.com/form?x=1", "https://example.com/"),
            Ok(true)
        );
        assert_eq!(
            same("https://example.com:443/", "https://example.com/"),
            Ok(false)
        );
        assert_eq!(
            same("http://example.com/", "https://example.com/"),
            Ok(false)
        );
        assert_eq!(
            same("https://user@[::1]:8443/x", "https://[::1]:8443/"),
            Ok(true)
        );
        assert_eq!(
            same(" \thttps://example.com/", "https://example.com/"),
            Ok(true)
        );
        // Where Python raises: brackets always, a bad port once scheme and host agree.
        assert_eq!(same("https://[::1/", "https://[::1]/"), Err(Raises));
        assert_eq!(
            same("https://example.com:99999/", "https://example.com/"),
            Err(Raises)
        );
        assert_eq!(same("https://a.com:1:2/", "https://a.com:1/"), Err(Raises));
        assert_eq!(same("https://b.com:1:2/", "https://a.com:1/"), Ok(false));
        assert_eq!(same("http://a.com:x/", "https://a.com/"), Ok(false));
    }
}
