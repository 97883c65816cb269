//! An axum service sharing login with a Flask app (examples/shared_login_flask.py).
//!
//! ```sh
//! python examples/shared_login_flask.py &                      # Flask on 127.0.0.1:5000
//! cargo run --example shared_login --features axum             # axum on 127.0.0.1:3000
//! curl -c jar -b jar 127.0.0.1:5000/login?user=42              # log in on Flask
//! curl -c jar -b jar 127.0.0.1:3000/whoami                     # -> user 42 (seen by Rust)
//! curl -c jar -b jar '127.0.0.1:3000/flash?msg=Hi+from+Rust'   # Rust flashes...
//! curl -c jar -b jar 127.0.0.1:5000/                           # ...Flask shows it once
//! ```
//! Both read `SECRET_KEY` (default `dev-secret`) and, comma-separated,
//! `SECRET_KEY_FALLBACKS`; `PORT` sets the port.

use axum::extract::Query;
use axum::{Router, routing::get};
use flask_session_cookie::axum::{FlaskSession, SessionLayer};
use flask_session_cookie::{SecretKeys, SessionCodec};

async fn whoami(session: FlaskSession) -> String {
    match session.get_as::<String>("_user_id") {
        Ok(Some(user)) => format!("user {user}"),
        _ => "anonymous".to_owned(),
    }
}

async fn flash(
    session: FlaskSession,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> &'static str {
    let msg = q
        .get("msg")
        .cloned()
        .unwrap_or_else(|| "Hello from Rust".into());
    session.flash_with_category(
        q.get("category")
            .cloned()
            .unwrap_or_else(|| "message".into()),
        msg,
    );
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

/// The router, with the session layer: the part to copy into your service.
fn app(keys: SecretKeys) -> Result<Router, flask_session_cookie::Error> {
    let codec = SessionCodec::new(keys)?; // Flask's defaults: salt, SHA-1, 31 days
    Ok(Router::new()
        .route("/whoami", get(whoami))
        .route("/flash", get(flash))
        .route("/remember", get(remember))
        .route("/logout", get(logout))
        .layer(SessionLayer::new(codec)))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("SECRET_KEY").unwrap_or_else(|_| "dev-secret".into());
    let mut keys = SecretKeys::new(secret);
    for old in std::env::var("SECRET_KEY_FALLBACKS")
        .unwrap_or_default()
        .split(',')
        .filter(|k| !k.is_empty())
    {
        keys = keys.with_fallback(old);
    }
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("PORT {}", listener.local_addr()?.port());
    axum::serve(listener, app(keys)?).await?;
    Ok(())
}
