//! Live: a real Flask app with Flask-Login 0.6.3 and Flask-WTF 1.3.0
//! (tests/live/login_app.py) and the axum service with `SessionLayer::with_login` and
//! `CsrfLayer`, both on 127.0.0.1, one browser-like client sharing their cookies
//! (cookies are per host, not per port). Remember-me logins, logouts, session
//! protection and CSRF tokens must mean the same on both sides.

use std::collections::HashMap;
use std::time::Duration;

use flask_session_cookie::flask_login::FlaskLogin;
use flask_session_cookie::flask_login::{LoginConfig, LoginOptions, Protection};
use flask_session_cookie::flask_wtf::CsrfConfig;
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{Limits, SessionCodec, Value};
use reqwest::blocking::Response;
use serde_json::Value as Json;

use crate::common::browser::Browser;
use crate::common::live::{self, LiveFlask};
use crate::common::rust_server::{Server, serve, serve_actix};
use crate::shared_login::{RUSTS, Rust};

const KEY: &str = "dev-secret";

#[derive(Clone, Copy)]
struct Settings {
    protection: Protection,
    refresh: bool,
}

impl Settings {
    const BASIC: Settings = Settings {
        protection: Protection::Basic,
        refresh: false,
    };
}

// The handlers, written once for both frameworks.
fn login_handler(login: &FlaskLogin, q: &HashMap<String, String>) -> &'static str {
    let mut options = LoginOptions::new().remember(q.get("remember").is_some_and(|r| r == "1"));
    if let Some(d) = q.get("duration") {
        options = options.duration(Duration::from_secs_f64(d.parse().unwrap()));
    }
    login.login_user(q.get("user").map_or("7", String::as_str), options);
    "logged in"
}
fn whoami_handler(login: &FlaskLogin) -> String {
    let user = login.user_id();
    let fresh = login.is_fresh();
    let session = JsonFormat::flask()
        .dumps(
            &Value::Dict(login.session().snapshot().into_dict()),
            &Limits::new(),
        )
        .unwrap();
    serde_json::json!({"user": user, "fresh": fresh, "session": session}).to_string()
}
fn logout(login: &FlaskLogin) -> &'static str {
    login.logout_user();
    "logged out"
}

fn login_config(settings: Settings) -> LoginConfig {
    LoginConfig::new(KEY)
        .unwrap()
        .with_protection(settings.protection)
        .with_refresh_each_request(settings.refresh)
}

fn axum_app(settings: Settings) -> axum::Router {
    use axum::extract::Query;
    use axum::routing::{get, post};
    use flask_session_cookie::axum::{Csrf, CsrfLayer, SessionLayer};
    type Q = Query<HashMap<String, String>>;
    axum::Router::new()
        .route(
            "/login",
            get(|l: FlaskLogin, Query(q): Q| async move { login_handler(&l, &q) }),
        )
        .route(
            "/whoami",
            get(|l: FlaskLogin| async move { whoami_handler(&l) }),
        )
        .route("/logout", get(|l: FlaskLogin| async move { logout(&l) }))
        .route("/form", get(|c: Csrf| async move { c.token() }))
        .route("/submit", post(|| async { "accepted" }))
        .layer(CsrfLayer::new(CsrfConfig::new(KEY).unwrap()))
        .layer(
            SessionLayer::new(SessionCodec::new(KEY).unwrap()).with_login(login_config(settings)),
        )
}

fn start_rust(rust: Rust, settings: Settings) -> Server {
    match rust {
        Rust::Axum => Server::Axum(serve(axum_app(settings))),
        Rust::Actix => Server::Actix(serve_actix!(move || {
            use actix_web::web;
            use flask_session_cookie::actix::{Csrf, CsrfMiddleware, SessionMiddleware};
            type Q = web::Query<HashMap<String, String>>;
            actix_web::App::new()
                .wrap(CsrfMiddleware::new(CsrfConfig::new(KEY).unwrap()))
                .wrap(
                    SessionMiddleware::new(SessionCodec::new(KEY).unwrap())
                        .with_login(login_config(settings)),
                )
                .route(
                    "/login",
                    web::get().to(|l: FlaskLogin, q: Q| async move { login_handler(&l, &q) }),
                )
                .route(
                    "/whoami",
                    web::get().to(|l: FlaskLogin| async move { whoami_handler(&l) }),
                )
                .route(
                    "/logout",
                    web::get().to(|l: FlaskLogin| async move { logout(&l) }),
                )
                .route("/form", web::get().to(|c: Csrf| async move { c.token() }))
                .route("/submit", web::post().to(|| async { "accepted" }))
        })),
    }
}

fn start_flask(settings: Settings) -> Option<LiveFlask> {
    let protection = match settings.protection {
        Protection::Off => "none",
        Protection::Basic => "basic",
        Protection::Strong => "strong",
    };
    live::start_script(
        "tests/live/login_app.py",
        &[
            ("SECRET_KEY", KEY),
            ("SESSION_PROTECTION", protection),
            (
                "REMEMBER_COOKIE_REFRESH_EACH_REQUEST",
                if settings.refresh { "1" } else { "0" },
            ),
        ],
        false,
    )
}

/// Both servers, or `None` when there is no Flask (and it is not required).
fn start(rust: Rust, settings: Settings) -> Option<(LiveFlask, Server)> {
    eprintln!("Flask-Login and Flask-WTF: Flask beside {rust:?}");
    let flask = start_flask(settings)?;
    Some((flask, start_rust(rust, settings)))
}

fn whoami(browser: &Browser, port: u16) -> Json {
    browser.json(port, "/whoami")
}

fn user(browser: &Browser, port: u16) -> (Option<String>, bool) {
    let seen = whoami(browser, port);
    (
        seen["user"].as_str().map(str::to_owned),
        seen["fresh"].as_bool().unwrap(),
    )
}

/// (a) "Remember me" on Flask, the browser restarts (no session cookie): the Rust
/// side restores the user from the remember cookie, not fresh, and Flask agrees.
#[test]
fn remember_login_on_flask_is_restored_by_rust() {
    for kind in RUSTS {
        remember_login_on_flask_is_restored_by_rust_with(kind);
    }
}

fn remember_login_on_flask_is_restored_by_rust_with(kind: Rust) {
    let Some((flask, rust)) = start(kind, Settings::BASIC) else {
        return;
    };
    let browser = Browser::new("live-test/1.0");
    browser.get(flask.port, "/login?user=7&remember=1");
    assert!(browser.cookie(flask.port, "remember_token").is_some());
    assert_eq!(user(&browser, rust.port()), (Some("7".into()), true));
    browser.drop_session_cookie(rust.port());
    assert_eq!(user(&browser, rust.port()), (Some("7".into()), false));
    assert_eq!(user(&browser, flask.port), (Some("7".into()), false));
    // Flask restoring it itself gives the same session.
    let rust_made = whoami(&browser, rust.port())["session"].clone();
    browser.drop_session_cookie(rust.port());
    assert_eq!(user(&browser, flask.port), (Some("7".into()), false));
    assert_eq!(whoami(&browser, flask.port)["session"], rust_made);
}

/// (b) The same started on the Rust side: Flask restores the user from the Rust
/// side's remember cookie.
#[test]
fn remember_login_on_rust_is_restored_by_flask() {
    for kind in RUSTS {
        remember_login_on_rust_is_restored_by_flask_with(kind);
    }
}

fn remember_login_on_rust_is_restored_by_flask_with(kind: Rust) {
    let Some((flask, rust)) = start(kind, Settings::BASIC) else {
        return;
    };
    let browser = Browser::new("live-test/1.0");
    browser.get(rust.port(), "/login?user=8&remember=1");
    assert_eq!(user(&browser, flask.port), (Some("8".into()), true));
    browser.drop_session_cookie(flask.port);
    assert_eq!(user(&browser, flask.port), (Some("8".into()), false));
    assert_eq!(user(&browser, rust.port()), (Some("8".into()), false));
}

/// (c) Logging out on either side deletes the remember cookie for both.
#[test]
fn remember_cookie_is_cleared_by_logout_on_either_side() {
    for kind in RUSTS {
        remember_cookie_is_cleared_by_logout_on_either_side_with(kind);
    }
}

fn remember_cookie_is_cleared_by_logout_on_either_side_with(kind: Rust) {
    let Some((flask, rust)) = start(kind, Settings::BASIC) else {
        return;
    };
    for (login_port, logout_port) in [(flask.port, rust.port()), (rust.port(), flask.port)] {
        let browser = Browser::new("live-test/1.0");
        browser.get(login_port, "/login?user=9&remember=1");
        assert!(browser.cookie(login_port, "remember_token").is_some());
        let resp = browser.get(logout_port, "/logout");
        let deleted: Vec<String> = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|h| h.to_str().unwrap().to_owned())
            .collect();
        assert!(
            deleted.contains(
                &"remember_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
                    .to_owned()
            ),
            "{deleted:?}"
        );
        assert_eq!(browser.cookie(login_port, "remember_token"), None);
        browser.drop_session_cookie(login_port);
        assert_eq!(user(&browser, rust.port()), (None, false));
        assert_eq!(user(&browser, flask.port), (None, false));
    }
}

/// (d) Session protection: a login moved to another User-Agent. Strong: both sides
/// throw it away (and write the same session); basic: both keep the user, not fresh.
#[test]
fn login_protection_strong_and_basic_agree() {
    for kind in RUSTS {
        login_protection_strong_and_basic_agree_with(kind);
    }
}

fn login_protection_strong_and_basic_agree_with(kind: Rust) {
    for (protection, expect) in [
        (Protection::Strong, (None, false)),
        (Protection::Basic, (Some("10".to_owned()), false)),
    ] {
        let settings = Settings {
            protection,
            refresh: false,
        };
        let Some((flask, rust)) = start(kind, settings) else {
            return;
        };
        let mut sessions = Vec::new();
        for port in [rust.port(), flask.port] {
            let browser = Browser::new("agent-A");
            browser.get(flask.port, "/login?user=10");
            let thief = Browser::new("agent-B");
            let stolen = browser.cookie(flask.port, "session").unwrap();
            thief.set_cookie(port, "session", &stolen);
            let seen = whoami(&thief, port);
            assert_eq!(
                (
                    seen["user"].as_str().map(str::to_owned),
                    seen["fresh"].as_bool().unwrap()
                ),
                expect,
                "{protection:?} on port {port}"
            );
            sessions.push(seen["session"].clone());
        }
        assert_eq!(
            sessions[0], sessions[1],
            "{protection:?}: the same session after it"
        );
    }
}

/// (e) CSRF: a token rendered by either side is accepted by the other; a missing,
/// expired or foreign token is refused by both with the same reason and page.
#[test]
fn csrf_tokens_cross_between_flask_and_rust() {
    for kind in RUSTS {
        csrf_tokens_cross_between_flask_and_rust_with(kind);
    }
}

fn csrf_tokens_cross_between_flask_and_rust_with(kind: Rust) {
    let Some((flask, rust)) = start(kind, Settings::BASIC) else {
        return;
    };
    let browser = Browser::new("live-test/1.0");
    let flask_token = browser.get(flask.port, "/form").text().unwrap();
    assert_eq!(
        browser.post_form(
            rust.port(),
            "/submit",
            &format!("name=x&csrf_token={flask_token}")
        ),
        (200, "accepted".into())
    );
    let rust_token = browser.get(rust.port(), "/form").text().unwrap();
    assert_eq!(
        browser.post_form(flask.port, "/submit", &format!("csrf_token={rust_token}")),
        (200, "accepted".into())
    );
    // The raw token is the same session value on both sides: both tokens hold it.
    let csrf = CsrfConfig::new(KEY).unwrap();
    let now = csrf.now();
    assert_eq!(
        csrf.raw_token_at(&flask_token, now).unwrap(),
        csrf.raw_token_at(&rust_token, now).unwrap()
    );
    let raw = csrf.raw_token_at(&flask_token, now).unwrap();
    let expired = csrf.form_token_at(&raw, now - 4000).unwrap();
    let foreign = CsrfConfig::new("another-key")
        .unwrap()
        .form_token_at(&raw, now)
        .unwrap();
    for (body, reason) in [
        ("name=x".to_owned(), "The CSRF token is missing."),
        (
            format!("csrf_token={expired}"),
            "The CSRF token has expired.",
        ),
        (
            format!("csrf_token={foreign}"),
            "The CSRF token is invalid.",
        ),
    ] {
        let (status_f, page_f) = browser.post_form(flask.port, "/submit", &body);
        let (status_r, page_r) = browser.post_form(rust.port(), "/submit", &body);
        assert_eq!((status_f, status_r), (400, 400), "{reason}");
        assert!(page_f.contains(&format!("<p>{reason}</p>")), "{page_f}");
        assert_eq!(page_r, page_f, "{reason}");
    }
    // Without a session token (a new browser), both say so.
    let stranger = Browser::new("live-test/1.0");
    let body = format!("csrf_token={flask_token}");
    assert_eq!(stranger.post_form(flask.port, "/submit", &body).0, 400);
    let (status, page) = stranger.post_form(rust.port(), "/submit", &body);
    assert_eq!(status, 400);
    assert!(
        page.contains("The CSRF session token is missing."),
        "{page}"
    );
}

fn seconds_between(resp: &Response, name: &str) -> i64 {
    let parse = |text: &str| {
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc2822)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .unix_timestamp()
    };
    let date = parse(resp.headers()["date"].to_str().unwrap());
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|h| h.to_str().unwrap())
        .find(|h| h.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie"));
    let expires = cookie
        .split("; ")
        .find_map(|a| a.strip_prefix("Expires="))
        .unwrap();
    parse(expires) - date
}

/// (f) A login with its own duration (`_remember_seconds`) gives the remember
/// cookie the same lifetime on both sides (refreshed on each request).
#[test]
fn remember_duration_gives_the_same_expires_on_both_sides() {
    for kind in RUSTS {
        remember_duration_gives_the_same_expires_on_both_sides_with(kind);
    }
}

fn remember_duration_gives_the_same_expires_on_both_sides_with(kind: Rust) {
    let settings = Settings {
        protection: Protection::Basic,
        refresh: true,
    };
    let Some((flask, rust)) = start(kind, settings) else {
        return;
    };
    for login_port in [flask.port, rust.port()] {
        let browser = Browser::new("live-test/1.0");
        let resp = browser.get(login_port, "/login?user=11&remember=1&duration=7200");
        let first = seconds_between(&resp, "remember_token");
        let on_rust = seconds_between(&browser.get(rust.port(), "/whoami"), "remember_token");
        let on_flask = seconds_between(&browser.get(flask.port, "/whoami"), "remember_token");
        // The Date header and the cookie's clock may be a second apart.
        for seconds in [first, on_rust, on_flask] {
            assert!(
                (7199..=7201).contains(&seconds),
                "{first} {on_rust} {on_flask}"
            );
        }
    }
}
