//! Our `Set-Cookie` headers against the ones Flask's `save_session` wrote in the
//! fixtures (Flask 2.0.3 to 3.1.3; 1.1.4's Werkzeug wrote `Expires` with dashes).

use crate::common::{i, s};
use flask_session_cookie::SessionCodec;
use flask_session_cookie::cookie::{CookieConfig, SameSite};

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
            checked += 1;
        }
    }
    assert_eq!(checked, 6 * 40);
}

#[test]
fn attributes_in_werkzeug_order() {
    let all = CookieConfig::flask()
        .with_name("sid")
        .with_domain(Some(".example.com"))
        .with_path("/app")
        .with_secure(true)
        .with_same_site(Some(SameSite::None))
        .with_partitioned(true)
        .with_lifetime(60);
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
    use flask_session_cookie::cookie::{find_request_cookie, request_cookies};
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
        checked += 1;
    }
    assert_eq!(checked, 333);
}
