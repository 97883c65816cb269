//! The conformance suite, end to end: each Rust service (the axum layer and the
//! actix-web middleware of this crate) beside each Python app (Flask, served by
//! Werkzeug, and Quart, served by Hypercorn; examples/shared_login_flask.py and
//! tests/live/shared_login_quart.py) on 127.0.0.1, a real HTTP client with a cookie
//! store (cookies are per host, not per port, so both servers see one session), going
//! back and forth as a user would. The scenarios are written once.

use std::collections::HashMap;
use std::time::Instant;

use crate::common::browser::Browser;
use crate::common::live::{self, LiveFlask};
use crate::common::rust_server::{Server, serve, serve_actix};
use flask_session_cookie::cookie::CookieHeaders;
use flask_session_cookie::layer::SessionCycle;
use flask_session_cookie::session::FlaskSession;
use flask_session_cookie::{SecretKeys, SessionCodec};
use serde_json::Value as Json;

/// The Rust frameworks under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rust {
    Axum,
    Actix,
}

/// The Python frameworks beside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Python {
    Flask,
    Quart,
}

impl Python {
    fn name(self) -> &'static str {
        match self {
            Python::Flask => "Flask",
            Python::Quart => "Quart",
        }
    }
}

pub const RUSTS: [Rust; 2] = [Rust::Axum, Rust::Actix];
const PYTHONS: [Python; 2] = [Python::Flask, Python::Quart];

// The handlers, written once for both frameworks: each takes the session and the
// query, and answers text.
fn whoami(session: &FlaskSession) -> String {
    session
        .get_as::<String>("_user_id")
        .ok()
        .flatten()
        .unwrap_or_else(|| "anonymous".into())
}
fn flash(session: &FlaskSession, q: &HashMap<String, String>) -> &'static str {
    session.flash_with_category(q["category"].clone(), q["msg"].clone());
    "flashed"
}
fn remember(session: &FlaskSession) -> &'static str {
    session.set_permanent(true);
    "permanent"
}
fn logout(session: &FlaskSession) -> &'static str {
    session.clear();
    "logged out"
}

fn axum_app(cycle: SessionCycle) -> axum::Router {
    use axum::extract::Query;
    use axum::routing::get;
    use flask_session_cookie::axum::SessionLayer;
    type Q = Query<HashMap<String, String>>;
    axum::Router::new()
        .route("/whoami", get(|s: FlaskSession| async move { whoami(&s) }))
        .route(
            "/flash",
            get(|s: FlaskSession, Query(q): Q| async move { flash(&s, &q) }),
        )
        .route(
            "/remember",
            get(|s: FlaskSession| async move { remember(&s) }),
        )
        .route("/logout", get(|s: FlaskSession| async move { logout(&s) }))
        .layer(SessionLayer::from_cycle(cycle))
}

fn start_rust(rust: Rust, keys: SecretKeys) -> Server {
    start_rust_cycle(rust, SessionCycle::new(SessionCodec::new(keys).unwrap()))
}

fn start_rust_cycle(rust: Rust, cycle: SessionCycle) -> Server {
    match rust {
        Rust::Axum => Server::Axum(serve(axum_app(cycle))),
        Rust::Actix => Server::Actix(serve_actix!(move || {
            use actix_web::web;
            use flask_session_cookie::actix::SessionMiddleware;
            type Q = web::Query<HashMap<String, String>>;
            actix_web::App::new()
                .wrap(SessionMiddleware::from_cycle(cycle.clone()))
                .route(
                    "/whoami",
                    web::get().to(|s: FlaskSession| async move { whoami(&s) }),
                )
                .route(
                    "/flash",
                    web::get().to(|s: FlaskSession, q: Q| async move { flash(&s, &q) }),
                )
                .route(
                    "/remember",
                    web::get().to(|s: FlaskSession| async move { remember(&s) }),
                )
                .route(
                    "/logout",
                    web::get().to(|s: FlaskSession| async move { logout(&s) }),
                )
        })),
    }
}

fn start_python(python: Python, secret: &str, fallbacks: &str) -> Option<LiveFlask> {
    let script = match python {
        Python::Flask => "examples/shared_login_flask.py",
        Python::Quart => "tests/live/shared_login_quart.py",
    };
    live::start_script(
        script,
        &[
            ("SECRET_KEY", secret),
            ("SECRET_KEY_FALLBACKS", fallbacks),
            ("PORT", "0"),
        ],
        false,
    )
}

/// Two `Cookie` headers (`a=1`, then the session): Flask behind Werkzeug's server
/// joins them with `,` and sees no session, Quart on Hypercorn reads each and sees
/// it. The Rust services read them as Flask does by default, as Quart does with
/// `CookieHeaders::Separate`; one header holding both is a session everywhere.
#[test]
fn two_cookie_headers_are_read_as_the_python_side_reads_them() {
    let codec = SessionCodec::new("dev-secret").unwrap();
    let mut session = flask_session_cookie::Session::new();
    session.insert("_user_id", "42");
    let cookie = codec.encode(&session).unwrap();
    let split = [
        ("Cookie", "a=1".to_owned()),
        ("Cookie", format!("session={cookie}")),
    ];
    let joined = [("Cookie", format!("a=1; session={cookie}"))];
    let user_of = |port: u16, headers: &[(&str, String)]| -> String {
        let mut wire =
            "GET /whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".to_owned();
        for (k, v) in headers {
            wire.push_str(&format!("{k}: {v}\r\n"));
        }
        wire.push_str("\r\n");
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        std::io::Write::write_all(&mut stream, wire.as_bytes()).unwrap();
        let mut raw = String::new();
        std::io::Read::read_to_string(&mut stream, &mut raw).unwrap();
        let body = raw.split_once("\r\n\r\n").unwrap().1.to_owned();
        // The Python apps answer JSON with "user"; the Rust ones the id or "anonymous".
        if body.starts_with('{') {
            let json: serde_json::Value = serde_json::from_str(&body).unwrap();
            json["user"].as_str().unwrap_or("anonymous").to_owned()
        } else {
            body
        }
    };
    for (python, how, sees_split) in [
        (Python::Flask, CookieHeaders::Wsgi, "anonymous"),
        (Python::Quart, CookieHeaders::Separate, "42"),
    ] {
        let Some(py) = start_python(python, "dev-secret", "") else {
            return;
        };
        assert_eq!(user_of(py.port, &split), sees_split, "{python:?}");
        assert_eq!(user_of(py.port, &joined), "42", "{python:?}");
        for rust in RUSTS {
            let cycle = SessionCycle::new(codec.clone()).with_cookie_headers(how);
            let server = start_rust_cycle(rust, cycle);
            assert_eq!(
                user_of(server.port(), &split),
                sees_split,
                "{rust:?} beside {python:?}"
            );
            assert_eq!(
                user_of(server.port(), &joined),
                "42",
                "{rust:?} beside {python:?}"
            );
        }
    }
    // HTTP/2 and later: split cookies are one list (RFC 9113), whatever the setting.
    let cycle = SessionCycle::new(codec.clone());
    let headers = [b"a=1".to_vec(), format!("session={cookie}").into_bytes()];
    for (http2, seen) in [(false, None), (true, Some("42".to_owned()))] {
        let mut request = flask_session_cookie::layer::RequestInfo::new().with_http2(http2);
        for h in &headers {
            request = request.with_cookie_header(h);
        }
        let opened = cycle.open_request_at(&request, codec.now()).unwrap();
        assert_eq!(
            opened.session.get_as::<String>("_user_id").unwrap(),
            seen,
            "http2 {http2}"
        );
    }
}

#[test]
fn a_user_moves_between_python_and_rust() {
    for python in PYTHONS {
        for rust in RUSTS {
            user_moves_between(python, rust);
        }
    }
}

#[test]
fn key_rotation_keeps_users_logged_in_on_both_sides() {
    for python in PYTHONS {
        for rust in RUSTS {
            key_rotation(python, rust);
        }
    }
}

fn user_moves_between(python: Python, kind: Rust) {
    eprintln!("shared login: {python:?} beside {kind:?}");
    let started = Instant::now();
    let Some(flask) = start_python(python, "dev-secret", "") else {
        return;
    };
    let server = start_rust(kind, SecretKeys::new("dev-secret"));
    let rust = server.port();
    let user = Browser::new("shared-login-test");

    // 1. Log in on Flask -> the Rust service sees the user.
    assert_eq!(user.text(rust, "/whoami"), "anonymous");
    assert_eq!(user.text(flask.port, "/login?user=42"), "logged in");
    assert_eq!(user.text(rust, "/whoami"), "42");
    // Flask's own flash from the login is still there for Flask.
    assert_eq!(
        user.json(flask.port, "/flashes"),
        serde_json::json!([["message", format!("Logged in on {}.", python.name())]])
    );

    // 2. Rust flashes -> Flask's get_flashed_messages() shows it, once.
    let resp = user.get(rust, "/flash?category=info&msg=Hi+from+Rust");
    let vary: Vec<_> = resp
        .headers()
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(vary.contains(&"Cookie".to_owned()), "{vary:?}");
    assert_eq!(
        user.json(flask.port, "/flashes"),
        serde_json::json!([["info", "Hi from Rust"]])
    );
    assert_eq!(user.json(flask.port, "/flashes"), serde_json::json!([]));

    // 3. Rust makes the session permanent -> Flask sees it permanent; the cookie has Expires.
    let resp = user.get(rust, "/remember");
    let set_cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("; Expires="), "{set_cookie}");
    assert!(set_cookie.ends_with("; HttpOnly; Path=/"), "{set_cookie}");
    let seen = user.json(flask.port, "/whoami");
    assert_eq!(
        (seen["user"].as_str(), seen["permanent"].as_bool()),
        (Some("42"), Some(true))
    );
    // Flask re-sends a permanent session on every request, and so does Rust.
    let again = user.get(rust, "/whoami");
    assert!(
        again.headers().get("set-cookie").is_some(),
        "permanent sessions are refreshed"
    );

    // 4. Log out on Rust -> Flask sees an empty session; the cookie is deleted.
    let resp = user.get(rust, "/logout");
    let deletion = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert_eq!(
        deletion,
        "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/"
    );
    assert_eq!(user.cookie(flask.port, "session"), None);
    let seen = user.json(flask.port, "/whoami");
    assert_eq!(
        (seen["user"].clone(), seen["session"].as_str()),
        (Json::Null, Some("{}"))
    );
    assert_eq!(user.text(rust, "/whoami"), "anonymous");
    // Flask's own logout sends the same deletion header.
    user.text(flask.port, "/login?user=42");
    let flask_deletion = user.get(flask.port, "/logout").headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(flask_deletion, deletion);

    // 5. A tampered cookie -> both sides see an empty session.
    user.text(flask.port, "/login?user=7");
    let good = user.cookie(flask.port, "session").unwrap();
    let mut bad = good.into_bytes();
    let i = bad.len() / 2;
    bad[i] = if bad[i] == b'A' { b'B' } else { b'A' };
    user.set_cookie(flask.port, "session", &String::from_utf8(bad).unwrap());
    assert_eq!(user.text(rust, "/whoami"), "anonymous");
    assert_eq!(user.json(flask.port, "/whoami")["user"], Json::Null);

    eprintln!(
        "shared login scenarios, {python:?} and {kind:?}: {:?}",
        started.elapsed()
    );
}

fn key_rotation(python: Python, kind: Rust) {
    eprintln!("key rotation: {python:?} beside {kind:?}");
    // Before: the old key. The user logs in.
    let Some(old_flask) = start_python(python, "old-secret", "") else {
        return;
    };
    let user = Browser::new("shared-login-test");
    assert_eq!(user.text(old_flask.port, "/login?user=42"), "logged in");
    let old_cookie = user.cookie(old_flask.port, "session").unwrap();
    drop(old_flask);

    // After: SECRET_KEY = new, SECRET_KEY_FALLBACKS = [old], on both sides.
    let Some(flask) = start_python(python, "new-secret", "old-secret") else {
        return;
    };
    let server = start_rust(
        kind,
        SecretKeys::new("new-secret").with_fallback("old-secret"),
    );
    let rust = server.port();
    assert_eq!(user.text(rust, "/whoami"), "42");
    assert_eq!(user.json(flask.port, "/whoami")["user"], "42");
    // A change on the Rust side re-signs the cookie with the new key...
    user.text(rust, "/flash?category=message&msg=rotated");
    let new_cookie = user.cookie(flask.port, "session").unwrap();
    assert_ne!(new_cookie, old_cookie);
    let codec_new_only = SessionCodec::new("new-secret").unwrap();
    assert!(
        codec_new_only.decode(&new_cookie).is_ok(),
        "re-signed with the new key"
    );
    // ...and Flask still sees the user.
    assert_eq!(user.json(flask.port, "/whoami")["user"], "42");
    assert_eq!(
        user.json(flask.port, "/flashes"),
        serde_json::json!([
            ["message", format!("Logged in on {}.", python.name())],
            ["message", "rotated".to_owned()]
        ])
    );

    // Without the fallback, the old cookie would have been refused on both sides.
    let Some(strict_flask) = start_python(python, "new-secret", "") else {
        return;
    };
    let strict_server = start_rust(kind, SecretKeys::new("new-secret"));
    let strict_rust = strict_server.port();
    let stranger = Browser::new("shared-login-test");
    stranger.set_cookie(strict_flask.port, "session", &old_cookie);
    assert_eq!(stranger.text(strict_rust, "/whoami"), "anonymous");
    assert_eq!(
        stranger.json(strict_flask.port, "/whoami")["user"],
        Json::Null
    );
}
