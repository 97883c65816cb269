//! Our `Set-Cookie` headers against the ones Flask's `save_session` wrote in the
//! fixtures (Flask 2.0.3 to 3.1.3; 1.1.4's Werkzeug wrote `Expires` with dashes).

use crate::common::{i, s};
use flask_session_cookie::SessionCodec;
use flask_session_cookie::cookie::{CookieConfig, SameSite, find_cookie, find_set_cookie};

#[test]
fn set_cookie_headers_match_werkzeug() {
    let mut checked = 0;
    for v in ["2.0.3", "2.2.5", "2.3.3", "3.0.3", "3.1.0", "3.1.3"] {
        let data = crate::common::fixture(&format!("flask/flask-{v}.json"));
        let ts = i(&data, "timestamp");
        let codec = SessionCodec::new(s(&data, "secret_key")).unwrap();
        for vector in data["vectors"].as_array().unwrap() {
            let name = s(vector, "name");
            let cookie = s(vector, "cookie");
            let permanent = codec.decode_at(cookie, ts).unwrap().permanent();
            let ours = CookieConfig::flask().set_cookie_header(cookie, permanent, ts);
            assert_eq!(ours, s(vector, "set_cookie"), "flask-{v} vector {name}");
            let back = find_set_cookie([s(vector, "set_cookie").as_bytes()], "session");
            assert_eq!(
                back.as_deref(),
                Some(cookie),
                "flask-{v} vector {name}: read back"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 6 * 40);
}

#[test]
fn attributes_in_werkzeug_order() {
    let all = CookieConfig::flask()
        .with_name("sid")
        .unwrap()
        .with_domain(Some(".example.com"))
        .unwrap()
        .with_path("/app")
        .with_secure(true)
        .with_same_site(Some(SameSite::None))
        .with_partitioned(true)
        .with_lifetime(Some(60));
    assert_eq!(
        all.set_cookie_header("v", true, 1_700_000_000),
        "sid=v; Domain=example.com; Expires=Tue, 14 Nov 2023 22:14:20 GMT; Secure; HttpOnly; Path=/app; SameSite=None; Partitioned"
    );
    assert_eq!(
        all.delete_cookie_header(),
        "sid=; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure; HttpOnly; Path=/app; SameSite=None; Partitioned"
    );
}

/// Werkzeug's own `request.cookies` on 333 headers (raw bytes, quoted values,
/// escapes, bare names, text its grammar skips, several headers): the same cookies,
/// in the same order, with the same names and values.
#[test]
fn request_cookies_match_werkzeug() {
    use flask_session_cookie::cookie::{
        CookieHeaders, find_request_cookie, find_request_cookie_in, request_cookies,
    };
    let data = crate::common::fixture("werkzeug_cookies.json");
    let mut checked = 0;
    for v in data["parse"].as_array().unwrap() {
        let name = s(v, "name");
        let headers: Vec<Vec<u8>> = v["headers_hex"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| crate::common::unhex(h.as_str().unwrap()))
            .collect();
        let want: Vec<(String, String)> = v["cookies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
            .collect();
        if let [header] = headers.as_slice() {
            let ours: Vec<(String, String)> = request_cookies(header)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            assert_eq!(ours, want, "{name}: {:?}", String::from_utf8_lossy(header));
        }
        let first = want
            .iter()
            .find(|(k, _)| k == "session")
            .map(|(_, v)| v.as_str());
        let found = find_request_cookie(headers.iter().map(Vec::as_slice), "session");
        assert_eq!(found.as_deref(), first, "{name}: the session cookie");
        // Several headers read each on their own (Quart, HTTP/2).
        if let Some(separate) = v["cookies_separate"].as_array() {
            let first = separate
                .iter()
                .find(|p| p[0] == "session")
                .map(|p| p[1].as_str().unwrap());
            let found = find_request_cookie_in(
                headers.iter().map(Vec::as_slice),
                "session",
                CookieHeaders::Separate,
            );
            assert_eq!(
                found.as_deref(),
                first,
                "{name}: the session cookie, separate"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 333);
}

/// Werkzeug's `dump_cookie` on paths, domains and values (remember-me values with
/// spaces, quotes, `;`, non-ASCII): the same header, byte for byte.
#[test]
fn set_cookie_attributes_match_werkzeug() {
    let data = crate::common::fixture("werkzeug_cookies.json");
    let mut checked = 0;
    for v in data["dump"].as_array().unwrap() {
        let name = s(v, "name");
        let mut config = CookieConfig::flask()
            .with_name(s(v, "key"))
            .unwrap()
            .with_path(v["path"].as_str().unwrap_or("/"));
        if let Some(domain) = v["domain"].as_str() {
            config = config.with_domain(Some(domain)).unwrap();
        }
        let ours = config.set_cookie_header(s(v, "value"), false, 0);
        assert_eq!(ours, s(v, "header"), "{name}");
        // Read back as a browser keeps it and Flask reads it: the value written.
        let back = find_set_cookie([s(v, "header").as_bytes()], s(v, "key"));
        assert_eq!(back.as_deref(), Some(s(v, "value")), "{name}: read back");
        let response = format!("HTTP/1.1 200 OK\r\nSet-Cookie: {}\r\n\r\n", s(v, "header"));
        let found = find_cookie(&response, s(v, "key")).unwrap();
        assert_eq!(found.value, s(v, "value"), "{name}: from a response");
        checked += 1;
    }
    assert_eq!(checked, 25);
}

/// Regression: attributes were written verbatim, so a path could add a `Domain`.
/// Names and domains that would end the header early are refused; paths are encoded.
#[test]
fn cookie_attributes_cannot_inject_attributes() {
    let header = CookieConfig::flask()
        .with_path("/; Domain=evil.example")
        .set_cookie_header("v", false, 0);
    assert_eq!(
        header,
        "session=v; HttpOnly; Path=/%3B%20Domain=evil.example"
    );
    for name in ["a; Domain=evil.example", "a=b", "", "sp ace", "caf\u{e9}"] {
        let err = CookieConfig::flask().with_name(name).unwrap_err();
        assert_eq!(
            err.kind(),
            &flask_session_cookie::ErrorKind::Config,
            "{name:?}"
        );
    }
    for domain in [
        "evil.example; Path=/x",
        "a b.example",
        "a..b",
        "caf\u{e9}.example",
    ] {
        let err = CookieConfig::flask().with_domain(Some(domain)).unwrap_err();
        assert_eq!(
            err.kind(),
            &flask_session_cookie::ErrorKind::Config,
            "{domain:?}"
        );
    }
}

/// Regression: a 16,849-byte Set-Cookie was sent, which browsers drop and the same
/// codec refuses on the next request: the session was lost silently. Now it is an
/// error at save time, past Werkzeug's 4093 bytes by default and always past the
/// codec's own length limit.
#[test]
fn oversized_session_cookie_is_an_error_not_a_silent_logout() {
    use flask_session_cookie::error::Limit;
    use flask_session_cookie::session::TrackedSession;
    use flask_session_cookie::{ErrorKind, Limits};
    let codec = SessionCodec::new("dev-secret").unwrap();
    // Random text hardly compresses: about 10 KB of cookie.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let noise: String = (0..9_400)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b'!' + (state % 90) as u8)
        })
        .collect();
    let mut session = TrackedSession::new(Default::default());
    session.insert("noise", noise.as_str());
    let err = CookieConfig::flask()
        .save(&codec, &session, 1_700_000_000)
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::LimitExceeded(Limit::CookieLength));
    assert!(err.to_string().contains("4093"), "{err}");
    // Werkzeug's limit off: the codec's own read limit still applies.
    let small_codec = codec
        .clone()
        .with_limits(Limits::new().with_max_cookie_len(8 * 1024));
    let err = CookieConfig::flask()
        .with_max_size(None)
        .save(&small_codec, &session, 1_700_000_000)
        .unwrap_err();
    assert!(err.to_string().contains("reads back"), "{err}");
    // Both off (the codec reads 16 KiB): sent.
    let out = CookieConfig::flask()
        .with_max_size(None)
        .save(&codec, &session, 1_700_000_000)
        .unwrap();
    let header = out.set_cookie.unwrap_or_default();
    assert!((9_000..16_384).contains(&header.len()), "{}", header.len());
}

/// Flask has one `PERMANENT_SESSION_LIFETIME`: the age a cookie is accepted to and
/// the `Expires` of a permanent session's cookie. Here the codec's `max_age` is that
/// one setting; the cookie's own lifetime is only an override.
#[test]
fn one_session_lifetime_drives_max_age_and_expires() {
    use flask_session_cookie::session::TrackedSession;
    let now = 1_700_000_000;
    let codec = SessionCodec::new("dev-secret")
        .unwrap()
        .with_max_age(Some(3600));
    let mut session = TrackedSession::new(Default::default());
    session.insert("user_id", 42);
    session.set_permanent(true);
    let out = CookieConfig::flask().save(&codec, &session, now).unwrap();
    let header = out.set_cookie.unwrap();
    assert!(
        header.contains("; Expires=Tue, 14 Nov 2023 23:13:20 GMT;"),
        "{header}"
    );
    let value = find_set_cookie([header.as_bytes()], "session").unwrap();
    assert!(codec.decode_at(&value, now + 3600).is_ok());
    assert!(codec.decode_at(&value, now + 3601).is_err());
    // Flask's default on both sides: 31 days.
    let default = SessionCodec::new("dev-secret").unwrap();
    let header = CookieConfig::flask()
        .save(&default, &session, now)
        .unwrap()
        .set_cookie
        .unwrap();
    assert!(
        header.contains("; Expires=Fri, 15 Dec 2023 22:13:20 GMT;"),
        "{header}"
    );
    // An explicit cookie lifetime overrides only the cookie.
    let header = CookieConfig::flask()
        .with_lifetime(Some(60))
        .save(&codec, &session, now)
        .unwrap()
        .set_cookie
        .unwrap();
    assert!(
        header.contains("; Expires=Tue, 14 Nov 2023 22:14:20 GMT;"),
        "{header}"
    );
}
