//! End to end: a real Flask app (examples/shared_login_flask.py) and a real axum
//! service (the session layer of this crate) on 127.0.0.1, a real HTTP client with a
//! cookie store (cookies are per host, not per port, so both servers see one
//! session), going back and forth as a user would.

use std::time::Instant;

use crate::common::browser::Browser;
use crate::common::live::{self, LiveFlask};
use crate::common::rust_server::{RustServer, serve};
use axum::extract::Query;
use axum::{Router, routing::get};
use flask_session_cookie::axum::{FlaskSession, SessionLayer};
use flask_session_cookie::{SecretKeys, SessionCodec};
use serde_json::Value as Json;

fn rust_app(keys: SecretKeys) -> Router {
    async fn whoami(session: FlaskSession) -> String {
        session
            .get_as::<String>("_user_id")
            .ok()
            .flatten()
            .unwrap_or_else(|| "anonymous".into())
    }
    async fn flash(
        session: FlaskSession,
        Query(q): Query<std::collections::HashMap<String, String>>,
    ) -> &'static str {
        session.flash_with_category(q["category"].clone(), q["msg"].clone());
        "flashed"
    }
    async fn remember(session: FlaskSession) -> &'static str {
        session.set_permanent(true);
        "permanent"
    }
    async fn logout(session: FlaskSession) -> &'static str {
        session.clear();
        "logged out"
    }
    Router::new()
        .route("/whoami", get(whoami))
        .route("/flash", get(flash))
        .route("/remember", get(remember))
        .route("/logout", get(logout))
        .layer(SessionLayer::new(SessionCodec::new(keys).unwrap()))
}

fn start_rust(keys: SecretKeys) -> RustServer {
    serve(rust_app(keys))
}

fn start_flask(secret: &str, fallbacks: &str) -> Option<LiveFlask> {
    live::start_script(
        "examples/shared_login_flask.py",
        &[
            ("SECRET_KEY", secret),
            ("SECRET_KEY_FALLBACKS", fallbacks),
            ("PORT", "0"),
        ],
        false,
    )
}

#[test]
fn a_user_moves_between_flask_and_rust() {
    let started = Instant::now();
    let Some(flask) = start_flask("dev-secret", "") else {
        return;
    };
    let rust = start_rust(SecretKeys::new("dev-secret"));
    let user = Browser::new("shared-login-test");

    // 1. Log in on Flask -> the Rust service sees the user.
    assert_eq!(user.text(rust.port, "/whoami"), "anonymous");
    assert_eq!(user.text(flask.port, "/login?user=42"), "logged in");
    assert_eq!(user.text(rust.port, "/whoami"), "42");
    // Flask's own flash from the login is still there for Flask.
    assert_eq!(
        user.json(flask.port, "/flashes"),
        serde_json::json!([["message", "Logged in on Flask."]])
    );

    // 2. Rust flashes -> Flask's get_flashed_messages() shows it, once.
    let resp = user.get(rust.port, "/flash?category=info&msg=Hi+from+Rust");
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
    let resp = user.get(rust.port, "/remember");
    let set_cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("; Expires="), "{set_cookie}");
    assert!(set_cookie.ends_with("; HttpOnly; Path=/"), "{set_cookie}");
    let seen = user.json(flask.port, "/whoami");
    assert_eq!(
        (seen["user"].as_str(), seen["permanent"].as_bool()),
        (Some("42"), Some(true))
    );
    // Flask re-sends a permanent session on every request, and so does Rust.
    let again = user.get(rust.port, "/whoami");
    assert!(
        again.headers().get("set-cookie").is_some(),
        "permanent sessions are refreshed"
    );

    // 4. Log out on Rust -> Flask sees an empty session; the cookie is deleted.
    let resp = user.get(rust.port, "/logout");
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
    assert_eq!(user.text(rust.port, "/whoami"), "anonymous");
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
    assert_eq!(user.text(rust.port, "/whoami"), "anonymous");
    assert_eq!(user.json(flask.port, "/whoami")["user"], Json::Null);

    eprintln!("shared login scenarios took {:?}", started.elapsed());
}

#[test]
fn key_rotation_keeps_users_logged_in_on_both_sides() {
    // Before: the old key. The user logs in.
    let Some(old_flask) = start_flask("old-secret", "") else {
        return;
    };
    let user = Browser::new("shared-login-test");
    assert_eq!(user.text(old_flask.port, "/login?user=42"), "logged in");
    let old_cookie = user.cookie(old_flask.port, "session").unwrap();
    drop(old_flask);

    // After: SECRET_KEY = new, SECRET_KEY_FALLBACKS = [old], on both sides.
    let Some(flask) = start_flask("new-secret", "old-secret") else {
        return;
    };
    let rust = start_rust(SecretKeys::new("new-secret").with_fallback("old-secret"));
    assert_eq!(user.text(rust.port, "/whoami"), "42");
    assert_eq!(user.json(flask.port, "/whoami")["user"], "42");
    // A change on the Rust side re-signs the cookie with the new key...
    user.text(rust.port, "/flash?category=message&msg=rotated");
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
        serde_json::json!([["message", "Logged in on Flask."], ["message", "rotated"]])
    );

    // Without the fallback, the old cookie would have been refused on both sides.
    let Some(strict_flask) = start_flask("new-secret", "") else {
        return;
    };
    let strict_rust = start_rust(SecretKeys::new("new-secret"));
    let stranger = Browser::new("shared-login-test");
    stranger.set_cookie(strict_flask.port, "session", &old_cookie);
    assert_eq!(stranger.text(strict_rust.port, "/whoami"), "anonymous");
    assert_eq!(
        stranger.json(strict_flask.port, "/whoami")["user"],
        Json::Null
    );
}
