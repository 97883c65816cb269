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

/// The parts of a URL `same_origin` compares.
#[derive(Debug, PartialEq)]
struct Origin {
    scheme: String,
    hostname: Option<String>,
    port: Option<u16>,
}

/// Flask-WTF's `same_origin(current, compare)`: scheme, hostname and port equal as
/// `urlparse` reads them. A URL Python cannot parse (a bad port, unbalanced
/// brackets) raises there (HTTP 500); here it does not match.
pub(super) fn same_origin(current: &str, compare: &str) -> bool {
    match (urlparse(current), urlparse(compare)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// `urllib.parse.urlsplit` (Python 3.11), reduced to scheme, hostname and port;
/// `None` where Python raises `ValueError`.
fn urlparse(url: &str) -> Option<Origin> {
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
        return None;
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
        None => None,
        Some(p) => {
            if !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            // Python's int() of a long digit string, then the range check.
            let n: u64 = p.trim_start_matches('0').parse().unwrap_or(0);
            if p.trim_start_matches('0').len() > 5 || n > 65535 {
                return None;
            }
            u16::try_from(n).ok()
        }
    };
    Some(Origin {
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
        assert!(same_origin(
            "https://Example.com/form?x=1",
            "https://example.com/"
        ));
        assert!(!same_origin(
            "https://example.com:443/",
            "https://example.com/"
        ));
        assert!(!same_origin("http://example.com/", "https://example.com/"));
        assert!(same_origin(
            "https://user@[::1]:8443/x",
            "https://[::1]:8443/"
        ));
        assert!(!same_origin(
            "https://example.com:99999/",
            "https://example.com/"
        ));
        assert!(!same_origin("https://[::1/", "https://[::1]/"));
        assert!(same_origin(
            " \thttps://example.com/",
            "https://example.com/"
        ));
    }
}
