//! Server-side sessions, live: each Rust service (axum layer, actix middleware) and
//! a real Flask 3.1.3 + Flask-Session 0.8.0 + Flask-Login + CSRFProtect app
//! (tests/live/server_side_flask.py) share sessions in a real `redis-server`
//! (no persistence) and in a real 3-master Redis Cluster; legacy sessions are
//! written by Flask-Session 0.6.0 (tests/live/server_side_legacy.py, its own venv)
//! and Quart-Session 3.0.0 sits beside Rust (tests/live/server_side_quart.py).
//! One browser (cookie jar) goes back and forth, as a user would.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::browser::Browser;
use crate::common::live::{self, LiveFlask};
use crate::common::redis::{Cluster, Redis, Tls, free_port};
use crate::common::rust_server::{Server, serve, serve_actix};
use crate::shared_login::{RUSTS, Rust};
use flask_session_cookie::flask_login::{FlaskLogin, LoginConfig, LoginOptions};
use flask_session_cookie::flask_session::{Package, ServerSide};
use flask_session_cookie::flask_wtf::CsrfConfig;
use flask_session_cookie::layer::{RequestInfo, SessionCycle};
use flask_session_cookie::session::FlaskSession;
use flask_session_cookie::store::redis::RedisStore;
use flask_session_cookie::{SessionCodec, Value};
use serde_json::{Value as Json, json};

pub(crate) const KEY: &str = "dev-secret";

// The handlers, written once for both frameworks.
fn reprs(session: &FlaskSession) -> Json {
    let snapshot = session.snapshot();
    let map: serde_json::Map<String, Json> = snapshot
        .iter()
        .map(|(k, v)| (k.to_owned(), Json::String(v.to_string())))
        .collect();
    Json::Object(map)
}
fn whoami(session: &FlaskSession) -> String {
    json!({"session": reprs(session)}).to_string()
}
fn user(login: &FlaskLogin) -> String {
    json!({"user": login.user_id(), "session": reprs(login.session())}).to_string()
}
fn modify(session: &FlaskSession) -> &'static str {
    let n = session.get_as::<i64>("counter").ok().flatten().unwrap_or(0);
    session.insert("counter", n + 1);
    session.insert("pair", Value::Tuple(vec![Value::from(1), Value::from("a")]));
    session.flash_with_category("info", "from rust");
    "modified"
}
fn mark(session: &FlaskSession, who: &str) -> String {
    // Each concurrent client writes its own name and counts; it must only ever
    // see its own.
    let seen = session.get_as::<String>("who").ok().flatten();
    let n = session.get_as::<i64>("n").ok().flatten().unwrap_or(0);
    session.insert("who", who);
    session.insert("n", n + 1);
    json!({"seen": seen, "n": n + 1}).to_string()
}
fn flashes(session: &FlaskSession) -> String {
    let taken = session.lock().take_flashes();
    serde_json::to_string(&taken).unwrap()
}
fn login(login: &FlaskLogin, user: &str) -> &'static str {
    login.login_user(user, LoginOptions::new());
    "logged in"
}
fn logout(login: &FlaskLogin) -> &'static str {
    login.logout_user();
    "logged out"
}
fn clear(session: &FlaskSession) -> &'static str {
    session.clear();
    "cleared"
}
fn regenerate(session: &FlaskSession) -> &'static str {
    if session.regenerate() {
        "regenerated"
    } else {
        "nothing to regenerate"
    }
}

fn axum_app(cycle: SessionCycle) -> axum::Router {
    use axum::extract::Query;
    use axum::routing::{get, post};
    use flask_session_cookie::axum::{Csrf, CsrfLayer, SessionLayer};
    type Q = Query<HashMap<String, String>>;
    axum::Router::new()
        .route("/whoami", get(|s: FlaskSession| async move { whoami(&s) }))
        .route("/user", get(|l: FlaskLogin| async move { user(&l) }))
        .route(
            "/login",
            get(|l: FlaskLogin, Query(q): Q| async move { login(&l, &q["user"]) }),
        )
        .route("/modify", get(|s: FlaskSession| async move { modify(&s) }))
        .route(
            "/mark",
            get(|s: FlaskSession, Query(q): Q| async move { mark(&s, &q["who"]) }),
        )
        .route(
            "/flashes",
            get(|s: FlaskSession| async move { flashes(&s) }),
        )
        .route("/logout", get(|l: FlaskLogin| async move { logout(&l) }))
        .route("/clear", get(|s: FlaskSession| async move { clear(&s) }))
        .route(
            "/regenerate",
            get(|s: FlaskSession| async move { regenerate(&s) }),
        )
        .route("/form", get(|c: Csrf| async move { c.token() }))
        .route("/submit", post(|| async { "accepted" }))
        .layer(CsrfLayer::new(CsrfConfig::new(KEY).unwrap()))
        .layer(SessionLayer::from_cycle(cycle))
}

pub(crate) fn start_rust(rust: Rust, cycle: SessionCycle) -> Server {
    match rust {
        Rust::Axum => Server::Axum(serve(axum_app(cycle))),
        Rust::Actix => Server::Actix(serve_actix!(move || {
            use actix_web::web;
            use flask_session_cookie::actix::{Csrf, CsrfMiddleware, SessionMiddleware};
            type Q = web::Query<HashMap<String, String>>;
            actix_web::App::new()
                .wrap(CsrfMiddleware::new(CsrfConfig::new(KEY).unwrap()))
                .wrap(SessionMiddleware::from_cycle(cycle.clone()))
                .route(
                    "/whoami",
                    web::get().to(|s: FlaskSession| async move { whoami(&s) }),
                )
                .route(
                    "/user",
                    web::get().to(|l: FlaskLogin| async move { user(&l) }),
                )
                .route(
                    "/login",
                    web::get().to(|l: FlaskLogin, q: Q| async move { login(&l, &q["user"]) }),
                )
                .route(
                    "/modify",
                    web::get().to(|s: FlaskSession| async move { modify(&s) }),
                )
                .route(
                    "/mark",
                    web::get().to(|s: FlaskSession, q: Q| async move { mark(&s, &q["who"]) }),
                )
                .route(
                    "/flashes",
                    web::get().to(|s: FlaskSession| async move { flashes(&s) }),
                )
                .route(
                    "/logout",
                    web::get().to(|l: FlaskLogin| async move { logout(&l) }),
                )
                .route(
                    "/clear",
                    web::get().to(|s: FlaskSession| async move { clear(&s) }),
                )
                .route(
                    "/regenerate",
                    web::get().to(|s: FlaskSession| async move { regenerate(&s) }),
                )
                .route("/form", web::get().to(|c: Csrf| async move { c.token() }))
                .route("/submit", web::post().to(|| async { "accepted" }))
        })),
    }
}

/// The Rust side's cycle: Flask-Session's defaults (or `package`'s) over `store`,
/// Flask-Login on top.
fn cycle(store: RedisStore, package: Package, signed: bool) -> SessionCycle {
    let mut server = ServerSide::new(package, store);
    if signed {
        server = server.with_signer(KEY).unwrap();
    }
    cycle_over(server, package)
}

/// A cycle over `server` (of `package`), with Flask-Login on top for Flask-Session.
pub(crate) fn cycle_over(server: ServerSide, package: Package) -> SessionCycle {
    let cycle = SessionCycle::new(SessionCodec::new(KEY).unwrap())
        .with_server_side(server)
        .unwrap();
    if package == Package::FlaskSession {
        cycle.with_login(LoginConfig::new(KEY).unwrap())
    } else {
        cycle
    }
}

/// The Quart-Session 3.0 app on the Redis at `url`, with `env` besides.
pub(crate) fn quart_app(url: &str, env: &[(&str, &str)]) -> Option<LiveFlask> {
    let mut all = vec![("REDIS_URL", url)];
    all.extend_from_slice(env);
    start_python(
        "venv-quart-session-3.0",
        "tests/live/server_side_quart.py",
        &all,
    )
}

fn python(venv: &str) -> String {
    format!("{}/target/{venv}/bin/python", env!("CARGO_MANIFEST_DIR"))
}

/// A live Python app of tests/live from one of the server-side venvs.
pub(crate) fn start_python(venv: &str, script: &str, env: &[(&str, &str)]) -> Option<LiveFlask> {
    live::start_script_with(&python(venv), script, env, false)
}

fn flask_app(redis_url: Option<&str>, cluster: Option<&str>, signed: bool) -> Option<LiveFlask> {
    let mut env = vec![("SESSION_USE_SIGNER", if signed { "1" } else { "0" })];
    if let Some(url) = redis_url {
        env.push(("REDIS_URL", url));
    }
    if let Some(nodes) = cluster {
        env.push(("REDIS_CLUSTER", nodes));
    }
    flask_app_with(&env)
}

/// The Flask-Session 0.8 app with `SECRET_KEY` and the settings `env`.
fn flask_app_with(env: &[(&str, &str)]) -> Option<LiveFlask> {
    let env = [&[("SECRET_KEY", KEY)], env].concat();
    start_python(
        "venv-flask-session-0.8",
        "tests/live/server_side_flask.py",
        &env,
    )
}

/// A Redis and a Flask-Session 0.8 app on it (ids signed or not), or `None` to
/// skip.
fn redis_and_flask(signed: bool) -> Option<(Redis, LiveFlask)> {
    let redis = Redis::start()?;
    let flask = flask_app(Some(&redis.url()), None, signed)?;
    Some((redis, flask))
}

/// `rust` with Flask-Session's defaults on `redis`.
fn rust_beside(rust: Rust, redis: &Redis, signed: bool) -> Server {
    let store = RedisStore::new(&redis.url()).unwrap();
    start_rust(rust, cycle(store, Package::FlaskSession, signed))
}

fn json_of(browser: &Browser, port: u16, path: &str) -> Json {
    browser.json(port, path)
}

fn session_of(browser: &Browser, port: u16) -> Json {
    json_of(browser, port, "/whoami")["session"].clone()
}

fn user_of(browser: &Browser, port: u16, path: &str) -> Json {
    json_of(browser, port, path)["user"].clone()
}

/// The id in the browser's session cookie (unsigned, or the part before the
/// signature).
fn sid(browser: &Browser, port: u16) -> String {
    let cookie = browser.cookie(port, "session").expect("a session cookie");
    cookie.split('.').next().unwrap().to_owned()
}

/// (a) login on Flask → Rust sees the user; (b) Rust modifies (counter, flash,
/// tuple) → Flask sees it, and Flask's change Rust; CSRF tokens cross; (c) logout on
/// Rust → the login keys leave the stored session, Flask sees anonymous, and the
/// key is deleted when nothing remains. Also: a visit that only looks creates no
/// stored session on either side (Flask-Login's `if sess` sees `_permanent` alone as
/// empty), values are msgpack, the TTL is the permanent lifetime.
#[test]
fn server_side_login_modify_logout_are_shared_with_flask_session() {
    let Some((redis, flask)) = redis_and_flask(false) else {
        return;
    };
    for rust in RUSTS {
        eprintln!("server-side sessions: Flask-Session 0.8 beside {rust:?}");
        let server = rust_beside(rust, &redis, false);
        let (f, r) = (flask.port, server.port());
        redis.cmd("FLUSHALL");

        // Looking only: no stored session, no cookie, on either side.
        let b = Browser::new("looker/1.0");
        assert_eq!(user_of(&b, r, "/user"), Json::Null);
        assert_eq!(user_of(&b, f, "/whoami"), Json::Null);
        assert!(redis.keys("session:*").is_empty(), "{rust:?}");
        assert!(b.cookie(r, "session").is_none());

        // (a)
        let b = Browser::new("sharer/1.0");
        b.text(f, "/login?user=7");
        let id = sid(&b, f);
        assert_eq!(id.len(), 43);
        assert_eq!(user_of(&b, r, "/user"), json!("7"), "{rust:?}");
        let stored = redis.get(&format!("session:{id}")).unwrap();
        assert_eq!(stored[0] & 0xf0, 0x80, "msgpack map: {stored:02x?}");
        let ttl = redis.ttl(&format!("session:{id}"));
        assert!((2_678_390..=2_678_400).contains(&ttl), "TTL {ttl}");

        // (b) Rust modifies, Flask sees; then the other way.
        b.text(r, "/modify");
        assert_eq!(sid(&b, r), id, "the id stays");
        let seen = session_of(&b, f);
        assert_eq!(seen["counter"], json!("1"), "{seen}");
        assert_eq!(
            seen["pair"],
            json!("[1, 'a']"),
            "a tuple reads back as a list"
        );
        assert_eq!(seen["_user_id"], json!("'7'"));
        assert_eq!(
            json_of(&b, f, "/flashes"),
            json!([["info", "from rust"]]),
            "Flask shows Rust's flash"
        );
        b.text(f, "/modify");
        let seen = session_of(&b, r);
        assert_eq!(seen["counter"], json!("2"), "{seen}");
        assert_eq!(
            json_of(&b, r, "/flashes"),
            json!([["info", "from flask"]]),
            "Rust shows Flask's flash"
        );
        // Stored keys keep Python's insertion order: _permanent first.
        let stored = redis.get(&format!("session:{id}")).unwrap();
        assert_eq!(&stored[1..12], b"\xaa_permanent");

        // CSRF on top, unchanged, both ways.
        let token = b.text(f, "/form");
        let (status, _) = b.post_form(r, "/submit", &format!("csrf_token={token}"));
        assert_eq!(status, 200, "{rust:?}: Flask's token on Rust");
        let token = b.text(r, "/form");
        let (status, _) = b.post_form(f, "/submit", &format!("csrf_token={token}"));
        assert_eq!(status, 200, "{rust:?}: Rust's token on Flask");

        // (c) logout on Rust: the login keys leave, the rest stays.
        b.text(r, "/logout");
        assert_eq!(user_of(&b, f, "/whoami"), Json::Null);
        let seen = session_of(&b, f);
        // (Flask-Login's basic protection then marks what is left not fresh, as it
        // does for any session without its `_id`.)
        assert!(
            seen.get("_user_id").is_none() && seen.get("_id").is_none(),
            "{seen}"
        );
        assert_eq!(seen["counter"], json!("2"));
        assert!(redis.get(&format!("session:{id}")).is_some());

        // A login and nothing else, logged out on Rust: the key is deleted.
        let b = Browser::new("short-visit/1.0");
        b.text(f, "/login?user=8");
        let id = sid(&b, f);
        assert_eq!(user_of(&b, r, "/user"), json!("8"));
        let resp = b.get(r, "/logout");
        let deletion = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("session="))
            .expect("a deletion cookie");
        assert_eq!(
            deletion,
            "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
        );
        assert!(redis.get(&format!("session:{id}")).is_none(), "{rust:?}");
        assert_eq!(user_of(&b, f, "/whoami"), Json::Null);
    }
}

/// (d) `SESSION_USE_SIGNER` both ways; a tampered id gives an empty session on both
/// sides (and a fresh id).
#[test]
fn server_side_signed_ids_work_both_ways_and_a_tampered_id_is_empty() {
    let Some((redis, flask)) = redis_and_flask(true) else {
        return;
    };
    for rust in RUSTS {
        let server = rust_beside(rust, &redis, true);
        let (f, r) = (flask.port, server.port());
        let b = Browser::new("signed/1.0");
        b.text(f, "/login?user=9");
        let cookie = b.cookie(f, "session").unwrap();
        assert_eq!(cookie.len(), 43 + 1 + 27, "{cookie}");
        assert_eq!(user_of(&b, r, "/user"), json!("9"), "{rust:?}");
        b.text(r, "/modify");
        assert_eq!(session_of(&b, f)["counter"], json!("1"));

        // Rust starts a session, signed; Flask reads it.
        let b2 = Browser::new("signed/2.0");
        b2.text(r, "/modify");
        let cookie = b2.cookie(r, "session").unwrap();
        assert!(cookie.contains('.'), "{cookie}");
        assert_eq!(session_of(&b2, f)["counter"], json!("1"), "{rust:?}");

        // Tampered: one character of the id changed, signature kept.
        let (id, signature) = cookie.split_once('.').unwrap();
        let mut forged = id.as_bytes().to_vec();
        forged[0] = if forged[0] == b'A' { b'B' } else { b'A' };
        let forged = format!("{}.{signature}", String::from_utf8(forged).unwrap());
        for port in [f, r] {
            let b3 = Browser::new("forger/1.0");
            b3.set_cookie(port, "session", &forged);
            assert_eq!(session_of(&b3, port).as_object().map(|m| m.len()), Some(1));
            assert_eq!(session_of(&b3, port)["_permanent"], json!("True"));
        }
    }
}

/// (e) A session pickled by Flask-Session 0.6.0 is read by Rust, saved back as
/// msgpack when modified, and read by Flask-Session 0.8.
#[test]
fn server_side_legacy_pickle_is_read_and_saved_back_as_msgpack() {
    let Some(redis) = Redis::start() else { return };
    let url = redis.url();
    let Some(legacy) = start_python(
        "venv-flask-session-0.6",
        "tests/live/server_side_legacy.py",
        &[("REDIS_URL", &url)],
    ) else {
        return;
    };
    let Some(flask) = flask_app(Some(&url), None, false) else {
        return;
    };
    for rust in RUSTS {
        let server = start_rust(
            rust,
            cycle(RedisStore::new(&url).unwrap(), Package::FlaskSession, false),
        );
        let r = server.port();
        let b = Browser::new("legacy/1.0");
        b.text(legacy.port, "/write");
        let id = sid(&b, legacy.port);
        let stored = redis.get(&format!("session:{id}")).unwrap();
        assert_eq!(&stored[..2], b"\x80\x04", "a protocol-4 pickle");
        let seen = session_of(&b, r);
        assert_eq!(
            seen["when"],
            json!("datetime.datetime(2024, 1, 2, 3, 4, 5)")
        );
        assert_eq!(seen["pair"], json!("(1, 'a')"), "{seen}");
        assert_eq!(user_of(&b, r, "/user"), json!("7"), "{rust:?}");
        b.text(r, "/modify");
        let stored = redis.get(&format!("session:{id}")).unwrap();
        assert_eq!(stored[0] & 0xf0, 0x80, "now msgpack: {stored:02x?}");
        let seen = session_of(&b, flask.port);
        assert_eq!(seen["counter"], json!("42"), "{seen}");
        assert_eq!(
            seen["when"],
            json!("'2024-01-02T03:04:05'"),
            "msgspec's naive datetime"
        );
        assert_eq!(user_of(&b, flask.port, "/whoami"), json!("7"));
    }
}

/// (f) regenerate on Rust: the old key is gone, the session lives on under a new id
/// that Flask reads.
#[test]
fn server_side_regenerate_on_rust_deletes_the_old_key() {
    let Some((redis, flask)) = redis_and_flask(false) else {
        return;
    };
    for rust in RUSTS {
        let server = rust_beside(rust, &redis, false);
        let b = Browser::new("regenerate/1.0");
        b.text(flask.port, "/login?user=5");
        let old = sid(&b, flask.port);
        assert_eq!(b.text(server.port(), "/regenerate"), "regenerated");
        let new = sid(&b, server.port());
        assert_ne!(old, new);
        assert!(redis.get(&format!("session:{old}")).is_none(), "{rust:?}");
        assert!(redis.get(&format!("session:{new}")).is_some());
        assert_eq!(user_of(&b, flask.port, "/whoami"), json!("5"));
        // And Flask's regenerate, seen by Rust.
        b.text(flask.port, "/regenerate");
        let newer = sid(&b, flask.port);
        assert!(redis.get(&format!("session:{new}")).is_none());
        assert_ne!(newer, new);
        assert_eq!(user_of(&b, server.port(), "/user"), json!("5"));
    }
}

/// (g) Quart-Session 3.0.0 beside Rust: tagged JSON values, uuid4 ids, `_addr`,
/// no refresh, a cleared session deleted.
#[test]
fn server_side_quart_session_beside_rust() {
    let Some(redis) = Redis::start() else { return };
    let url = redis.url();
    let Some(quart) = quart_app(&url, &[("SECRET_KEY", KEY)]) else {
        return;
    };
    for rust in RUSTS {
        let store = RedisStore::new(&url).unwrap();
        let server = start_rust(rust, cycle(store, Package::QuartSession, false));
        let (q, r) = (quart.port, server.port());
        let b = Browser::new("quart/1.0");
        b.text(q, "/modify?who=quart");
        let id = sid(&b, q);
        assert_eq!(id.len(), 36, "uuid4: {id}");
        let seen = session_of(&b, r);
        assert_eq!(seen["counter"], json!("1"), "{rust:?}: {seen}");
        assert_eq!(seen["_addr"], json!("'127.0.0.1'"));
        b.text(r, "/modify");
        let stored = redis.get(&format!("session:{id}")).unwrap();
        assert_eq!(stored[0], b'{', "tagged JSON");
        let seen = session_of(&b, q);
        assert_eq!(seen["counter"], json!("2"), "{seen}");
        assert_eq!(
            seen["pair"],
            json!("(1, 'a')"),
            "Quart's tags keep the tuple"
        );
        // A fresh visit to Rust stores the address too, as Quart-Session does.
        let b2 = Browser::new("quart/2.0");
        b2.text(r, "/modify");
        let seen = session_of(&b2, q);
        assert_eq!(seen["_addr"], json!("'127.0.0.1'"), "{seen}");
        assert_eq!(seen["_permanent"], json!("True"));
        // No refresh: an unmodified request sends no cookie.
        let resp = b2.get(r, "/whoami");
        assert!(resp.headers().get("set-cookie").is_none());
        let key = format!("session:{}", sid(&b2, r));
        assert!(redis.get(&key).is_some());
        b2.text(r, "/clear");
        assert!(
            redis.get(&key).is_none(),
            "a cleared Quart session is deleted"
        );
        assert!(b2.cookie(q, "session").is_none(), "and its cookie");
    }
}

/// Quart-Session 3.0.0 with `SESSION_USE_SIGNER` under its pinned Werkzeug 3.1:
/// its own saves fail (500: the signer returns bytes, which Werkzeug 3's
/// `set_cookie` refuses), so such an app only ever reads ids. Rust writes the
/// signed ids (salt `quart-session`) that it reads; a forged one starts afresh.
#[test]
fn server_side_quart_session_signed_ids_are_written_by_rust_only() {
    let Some(redis) = Redis::start() else { return };
    let url = redis.url();
    let Some(quart) = quart_app(&url, &[("SECRET_KEY", KEY), ("SESSION_USE_SIGNER", "1")]) else {
        return;
    };
    for rust in RUSTS {
        let store = RedisStore::new(&url).unwrap();
        let server = start_rust(rust, cycle(store, Package::QuartSession, true));
        let (q, r) = (quart.port, server.port());
        let b = Browser::new("quart-signed/1.0");
        assert_eq!(
            b.status(q, "/modify?who=quart"),
            500,
            "Quart-Session's own signed save"
        );
        assert!(b.cookie(q, "session").is_none());
        b.text(r, "/modify?who=rust");
        let cookie = b.cookie(r, "session").unwrap();
        let (id, _signature) = cookie.split_once('.').expect("a signed id");
        assert!(redis.get(&format!("session:{id}")).is_some());
        let seen = session_of(&b, q);
        assert_eq!(seen["counter"], json!("1"), "{rust:?}: {seen}");
        // Forged: Quart and Rust both start a fresh (empty) session.
        b.set_cookie(q, "session", &format!("{id}.forged"));
        assert_eq!(session_of(&b, q)["counter"], Json::Null);
        assert_eq!(session_of(&b, r)["counter"], Json::Null);
    }
}

/// (h) The same sharing through a 3-master Redis Cluster: Flask-Session through a
/// `redis.Redis` adapter over redis-py's cluster client, Rust through redis-rs's
/// cluster client; the keys really are in the cluster, spread over its masters.
#[test]
fn server_side_sharing_through_a_redis_cluster() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let Some(flask) = flask_app(None, Some(&cluster.addresses()), false) else {
        return;
    };
    let urls = cluster.urls();
    share_through(&cluster, &flask, || {
        RedisStore::cluster(urls.iter().map(String::as_str)).unwrap()
    });
}

/// (h) over TLS, as managed clusters run: the nodes speak TLS to the clients and to
/// each other (`tls-cluster yes`), their certificate from a CA of the test's own.
/// Flask-Session through redis-py's cluster client with `ssl=True` and that CA, Rust
/// through `rediss://` seeds and `with_root_certificates`: the same sharing; a store
/// that does not trust the CA answers 503 in bounded time.
#[test]
fn server_side_sharing_through_a_tls_redis_cluster() {
    let tls = Tls::make();
    let Some(cluster) = Cluster::start_tls(&tls) else {
        return;
    };
    let Some(flask) = flask_app_with(&[
        ("REDIS_CLUSTER", &cluster.tls_addresses()),
        ("REDIS_TLS_CA", &tls.ca_path()),
    ]) else {
        return;
    };
    let urls = cluster.tls_urls();
    let pem = tls.ca_pem();
    share_through(&cluster, &flask, || {
        RedisStore::cluster(urls.iter().map(String::as_str))
            .unwrap()
            .with_root_certificates(&pem)
    });
    // Not trusting the CA: the handshake fails, a 503 in bounded time.
    for rust in RUSTS {
        let store = RedisStore::cluster(urls.iter().map(String::as_str))
            .unwrap()
            .with_connect_timeout(Duration::from_secs(1))
            .with_command_timeout(Duration::from_secs(1));
        let server = start_rust(rust, cycle(store, Package::FlaskSession, false));
        let b = Browser::new("cluster/untrusting");
        b.text(flask.port, "/login?user=1");
        let status = status_within(&b, server.port(), "/user", Duration::from_secs(5));
        assert_eq!(status, 503, "{rust:?}");
    }
}

/// Flask logs in, Rust (on the stores `store` makes) reads and modifies, Flask sees
/// the change; sessions Rust starts land in the cluster and leave it when cleared;
/// the keys spread over at least two masters.
fn share_through(cluster: &Cluster, flask: &LiveFlask, store: impl Fn() -> RedisStore) {
    for rust in RUSTS {
        let server = start_rust(rust, cycle(store(), Package::FlaskSession, false));
        let (f, r) = (flask.port, server.port());
        let mut holders = std::collections::HashSet::new();
        for i in 0..12 {
            let b = Browser::new("cluster/1.0");
            b.text(f, &format!("/login?user={i}"));
            assert_eq!(user_of(&b, r, "/user"), json!(i.to_string()), "{rust:?}");
            b.text(r, "/modify");
            assert_eq!(session_of(&b, f)["counter"], json!("1"));
            let key = format!("session:{}", sid(&b, f));
            holders.insert(cluster.holder(&key).expect("the key is on a master"));
            // A session Rust starts lands in the cluster too.
            let b2 = Browser::new("cluster/2.0");
            b2.text(r, "/modify");
            let key = format!("session:{}", sid(&b2, r));
            holders.insert(cluster.holder(&key).expect("Rust's key is on a master"));
            assert_eq!(session_of(&b2, f)["counter"], json!("1"));
            b2.text(r, "/clear");
            assert!(cluster.holder(&key).is_none(), "cleared and deleted");
        }
        assert!(holders.len() >= 2, "keys on {holders:?} only");
    }
}

/// (h, i) A cluster master stopped mid-run: requests on both services fail with 503
/// in bounded time, no hang; started again (empty, rejoining with its slots), the
/// cluster heals and requests work again on the same cluster clients; a new login
/// on Flask is seen by Rust through the cluster.
#[test]
fn server_side_cluster_master_stopped_then_restarted() {
    let Some(mut cluster) = Cluster::start() else {
        return;
    };
    let Some(flask) = flask_app(None, Some(&cluster.addresses()), false) else {
        return;
    };
    let urls = cluster.urls();
    let cluster_store = || RedisStore::cluster(urls.iter().map(String::as_str)).unwrap();
    let (servers, b) = logged_in_on(cluster_store, &flask, Duration::from_millis(500), "11");
    let holder = cluster
        .holder(&format!("session:{}", sid(&b, flask.port)))
        .expect("the session is on a master");
    cluster.nodes[holder].stop();
    for server in &servers {
        let status = status_within(&b, server.port(), "/user", Duration::from_secs(5));
        assert_eq!(status, 503);
    }
    cluster.nodes[holder].restart();
    assert!(
        cluster.wait_ok(Duration::from_secs(30)),
        "the cluster did not heal"
    );
    for server in &servers {
        let deadline = Instant::now() + Duration::from_secs(15);
        while status_of(&b, server.port(), "/user") != 200 {
            assert!(
                Instant::now() < deadline,
                "no recovery after the node restart"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        // The node came back empty: the session is gone, on both sides alike.
        assert_eq!(user_of(&b, server.port(), "/user"), Json::Null);
    }
    assert_eq!(user_of(&b, flask.port, "/whoami"), Json::Null);
    // New sessions work, on the restarted master too (a third of the ids land
    // there: 60 logins all missing it would be a (2/3)^60 chance).
    let mut on_restarted = false;
    for i in 0..60 {
        let b = Browser::new("cluster-outage/2.0");
        b.text(flask.port, &format!("/login?user={i}"));
        for server in &servers {
            assert_eq!(user_of(&b, server.port(), "/user"), json!(i.to_string()));
        }
        let key = format!("session:{}", sid(&b, flask.port));
        if cluster.holder(&key) == Some(holder) {
            on_restarted = true;
            break;
        }
    }
    assert!(on_restarted, "no session on the restarted master");
}

/// (h) Failover: a Redis Cluster of three masters with a replica each; the master
/// holding a logged-in session is killed, its replica takes over, and both the Flask
/// app and the Rust services (the same cluster clients, following the new topology)
/// carry on with the session, which the replica kept; requests during the failover
/// fail with 503 in bounded time, no hang.
#[test]
fn server_side_cluster_failover_keeps_sessions() {
    let Some(mut cluster) = Cluster::start_with_replicas(1) else {
        return;
    };
    let Some(flask) = flask_app(None, Some(&cluster.addresses()), false) else {
        return;
    };
    let urls = cluster.urls();
    let cluster_store = || RedisStore::cluster(urls.iter().map(String::as_str)).unwrap();
    let (servers, b) = logged_in_on(cluster_store, &flask, Duration::from_millis(500), "12");
    let master = cluster
        .holder(&format!("session:{}", sid(&b, flask.port)))
        .expect("the session is on a master");
    // The replica has everything its master has before the master dies.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let info = cluster.nodes[master].cmd("INFO replication");
        let field = |name: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_owned())
        };
        let offset = field("master_repl_offset:");
        let caught_up = field("slave0:").is_some_and(|replica| {
            replica.contains("state=online")
                && offset
                    .as_ref()
                    .is_some_and(|o| replica.contains(&format!("offset={o},")))
        });
        if caught_up {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the replica did not catch up: {info}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let dead = cluster.node_id(master);
    cluster.nodes[master].stop();
    for server in &servers {
        let status = status_within(&b, server.port(), "/user", Duration::from_secs(5));
        assert!(status == 503 || status == 200, "{status}");
    }
    assert!(
        cluster.wait_failed_over(&dead, Duration::from_secs(30)),
        "no failover"
    );
    for server in &servers {
        let deadline = Instant::now() + Duration::from_secs(20);
        while status_of(&b, server.port(), "/user") != 200 {
            assert!(Instant::now() < deadline, "no recovery after the failover");
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(
            user_of(&b, server.port(), "/user"),
            json!("12"),
            "the replica kept it"
        );
        b.text(server.port(), "/modify");
    }
    let seen = session_of(&b, flask.port);
    assert_eq!(seen["counter"], json!("2"), "{seen}");
    assert_eq!(user_of(&b, flask.port, "/whoami"), json!("12"));
}

/// Both Rust services on `redis` with connect and command timeouts of `timeout`,
/// and a browser logged in as `user` on Flask that both of them see.
fn logged_in_with_timeouts(
    redis: &Redis,
    flask: &LiveFlask,
    timeout: Duration,
    user: &str,
) -> (Vec<Server>, Browser) {
    logged_in_on(
        || RedisStore::new(&redis.url()).unwrap(),
        flask,
        timeout,
        user,
    )
}

/// [`logged_in_with_timeouts`] on the stores `store` makes (one Redis or a cluster).
fn logged_in_on(
    store: impl Fn() -> RedisStore,
    flask: &LiveFlask,
    timeout: Duration,
    user: &str,
) -> (Vec<Server>, Browser) {
    let servers: Vec<Server> = RUSTS
        .iter()
        .map(|rust| {
            let store = store()
                .with_connect_timeout(timeout)
                .with_command_timeout(timeout);
            start_rust(*rust, cycle(store, Package::FlaskSession, false))
        })
        .collect();
    let b = Browser::new("outage/1.0");
    b.text(flask.port, &format!("/login?user={user}"));
    for server in &servers {
        assert_eq!(user_of(&b, server.port(), "/user"), json!(user));
    }
    (servers, b)
}

/// (i) Redis stopped mid-run: bounded 503s and no hang on Rust (Flask answers 500);
/// started again (empty: no persistence, so the sessions are lost on both sides
/// alike), requests work again on the same connection settings.
#[test]
fn server_side_redis_stopped_then_restarted() {
    let Some(mut redis) = Redis::start() else {
        return;
    };
    let Some(flask) = flask_app(Some(&redis.url()), None, false) else {
        return;
    };
    let (servers, b) = logged_in_with_timeouts(&redis, &flask, Duration::from_millis(500), "3");
    redis.stop();
    for server in &servers {
        for path in ["/user", "/modify"] {
            let status = status_within(&b, server.port(), path, Duration::from_secs(5));
            assert_eq!(status, 503, "{path}");
        }
    }
    assert_eq!(status_of(&b, flask.port, "/whoami"), 500, "Flask fails too");
    redis.restart();
    for server in &servers {
        let deadline = Instant::now() + Duration::from_secs(10);
        while status_of(&b, server.port(), "/user") != 200 {
            assert!(Instant::now() < deadline, "no recovery after the restart");
            std::thread::sleep(Duration::from_millis(100));
        }
        // The session is gone on both sides alike; a new login works everywhere.
        assert_eq!(user_of(&b, server.port(), "/user"), Json::Null);
    }
    assert_eq!(user_of(&b, flask.port, "/whoami"), Json::Null);
    b.text(flask.port, "/login?user=4");
    for server in &servers {
        assert_eq!(user_of(&b, server.port(), "/user"), json!("4"));
    }
}

/// (i) Redis slow: a real `redis-server` holding every client (`CLIENT PAUSE … ALL`,
/// then only writers with `WRITE`) makes each request fail with 503 within its
/// command timeout, not hang; once Redis answers again, the same sessions work on
/// both sides (nothing was lost: a slow store is not an empty one).
#[test]
fn server_side_slow_redis_times_out_then_recovers() {
    let Some((redis, flask)) = redis_and_flask(false) else {
        return;
    };
    let (servers, b) = logged_in_with_timeouts(&redis, &flask, Duration::from_millis(300), "5");
    // ALL: the read of the session waits; WRITE: the read answers and the save
    // (EXPIRE on /user, SET on /modify) waits.
    for (mode, paths) in [
        ("ALL", ["/user", "/modify"]),
        ("WRITE", ["/user", "/modify"]),
    ] {
        let paused = Instant::now();
        assert!(
            redis
                .cmd(&format!("CLIENT PAUSE 5000 {mode}"))
                .starts_with("+OK")
        );
        for server in &servers {
            for path in paths {
                let status = status_within(&b, server.port(), path, Duration::from_millis(1500));
                assert_eq!(status, 503, "{mode} {path}");
            }
        }
        assert!(
            paused.elapsed() < Duration::from_secs(5),
            "the pause ended too soon to tell"
        );
        for server in &servers {
            let deadline = Instant::now() + Duration::from_secs(10);
            while status_of(&b, server.port(), "/user") != 200 {
                assert!(Instant::now() < deadline, "no recovery after {mode}");
                std::thread::sleep(Duration::from_millis(100));
            }
            assert_eq!(user_of(&b, server.port(), "/user"), json!("5"), "{mode}");
        }
        assert_eq!(user_of(&b, flask.port, "/whoami"), json!("5"), "{mode}");
    }
}

fn status_of(b: &Browser, port: u16, path: &str) -> u16 {
    b.status(port, path)
}

/// The status of GET `path`, which must come within `limit` (no hang).
fn status_within(b: &Browser, port: u16, path: &str, limit: Duration) -> u16 {
    let started = Instant::now();
    let status = status_of(b, port, path);
    let took = started.elapsed();
    assert!(took < limit, "GET {path} took {took:?} (limit {limit:?})");
    status
}

/// 64 concurrent clients modifying their sessions (each 10 times, on Rust) lose no
/// update and never see another client's session; Flask reads each at the end.
#[test]
fn server_side_64_concurrent_clients_lose_nothing() {
    let Some((redis, flask)) = redis_and_flask(false) else {
        return;
    };
    for rust in RUSTS {
        let server = rust_beside(rust, &redis, false);
        let port = server.port();
        let errors = Arc::new(Mutex::new(Vec::new()));
        let threads: Vec<_> = (0..64)
            .map(|i| {
                let errors = Arc::clone(&errors);
                let flask_port = flask.port;
                std::thread::spawn(move || {
                    let b = Browser::new("crowd/1.0");
                    let who = format!("client-{i}");
                    for n in 1..=10 {
                        let seen = b.json(port, &format!("/mark?who={who}"));
                        let expected_seen = if n == 1 { Json::Null } else { json!(who) };
                        if seen["seen"] != expected_seen || seen["n"] != json!(n) {
                            errors
                                .lock()
                                .unwrap()
                                .push(format!("{who} step {n}: {seen}"));
                        }
                    }
                    let at_flask = session_of(&b, flask_port);
                    if at_flask["n"] != json!("10") || at_flask["who"] != json!(format!("'{who}'"))
                    {
                        errors
                            .lock()
                            .unwrap()
                            .push(format!("{who} at Flask: {at_flask}"));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let errors = errors.lock().unwrap();
        assert!(errors.is_empty(), "{rust:?}: {errors:#?}");
        assert_eq!(redis.keys("session:*").len() % 64, 0);
    }
}

/// Production behaviour, on the library's cycle against a real Redis: an unreadable
/// or oversized stored value is an error (500) and stays as it was; an unmodified
/// session is renewed with EXPIRE (a logout that deleted the key meanwhile is not
/// undone); ids are in no error; pickles can be switched off.
#[test]
fn server_side_stored_values_are_never_overwritten_on_error_and_refresh_uses_expire() {
    let Some(redis) = Redis::start() else { return };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = || RedisStore::new(&redis.url()).unwrap();
    let cycle = cycle(store(), Package::FlaskSession, false);
    let id = "A".repeat(43);
    let key = format!("session:{id}");
    let cookie = format!("session={id}");
    let request = RequestInfo::new().with_cookie_header(cookie.as_bytes());
    let now = 1_700_000_000;

    // Unreadable: 500 (not a store error), value and TTL kept, id not in the error.
    redis.set(&key, b"\xc1 not msgpack, json or a pickle", 100);
    let e = runtime
        .block_on(cycle.open_request_async(&request, now))
        .unwrap_err();
    assert_ne!(e.kind_name(), "store");
    assert!(!e.to_string().contains(&id), "{e}");
    assert_eq!(
        redis.get(&key).unwrap(),
        b"\xc1 not msgpack, json or a pickle"
    );
    assert!(redis.ttl(&key) <= 100);

    // Oversized: refused before it is read whole, left alone.
    let big = vec![b'x'; (1 << 20) + 1];
    redis.set(&key, &big, 100);
    let e = runtime
        .block_on(cycle.open_request_async(&request, now))
        .unwrap_err();
    assert_eq!(e.kind_name(), "limit", "{e}");
    assert_eq!(redis.get(&key).unwrap().len(), big.len());

    // A good session, unmodified: its TTL renewed by EXPIRE, the value untouched.
    let value = b"\x82\xaa_permanent\xc3\xa1n\x01";
    redis.set(&key, value, 100);
    let opened = runtime
        .block_on(cycle.open_request_async(&request, now))
        .unwrap();
    assert_eq!(opened.session.get("n"), Some(Value::from(1)));
    let done = runtime
        .block_on(cycle.finish_request_async(&opened, now))
        .unwrap();
    assert!(redis.ttl(&key) > 2_678_000);
    assert_eq!(redis.get(&key).unwrap(), value);
    assert_eq!(
        done.set_cookies.len(),
        1,
        "permanent: the cookie is re-sent"
    );

    // A concurrent logout (the key deleted between open and finish) is not undone.
    let opened = runtime
        .block_on(cycle.open_request_async(&request, now))
        .unwrap();
    redis.cmd(&format!("DEL {key}"));
    let done = runtime
        .block_on(cycle.finish_request_async(&opened, now))
        .unwrap();
    assert!(redis.get(&key).is_none(), "the deleted session came back");
    assert!(done.set_cookies.is_empty(), "{:?}", done.set_cookies);

    // Pickles switched off: an error, the pickle kept.
    let pickle = b"\x80\x04\x95\x0c\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01n\x94K\x01s.";
    redis.set(&key, pickle, 100);
    let strict = SessionCycle::new(SessionCodec::new(KEY).unwrap())
        .with_server_side(ServerSide::new(Package::FlaskSession, store()).with_pickle(false))
        .unwrap();
    assert!(
        runtime
            .block_on(strict.open_request_async(&request, now))
            .is_err()
    );
    assert_eq!(redis.get(&key).unwrap(), pickle);
    let opened = runtime
        .block_on(cycle.open_request_async(&request, now))
        .unwrap();
    assert_eq!(
        opened.session.get("n"),
        Some(Value::from(1)),
        "read by default"
    );
}

/// A store that cannot be reached: a store error naming the place, bounded in time,
/// holding neither the password nor the id.
#[test]
fn server_side_unreachable_store_error_is_bounded_and_secret_free() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let store = RedisStore::new(&format!("redis://user:hunter2@127.0.0.1:{port}/0"))
        .unwrap()
        .with_connect_timeout(Duration::from_millis(300));
    let cycle = cycle(store, Package::FlaskSession, false);
    let id = "B".repeat(43);
    let cookie = format!("session={id}");
    let started = Instant::now();
    let e = runtime
        .block_on(
            cycle.open_request_async(&RequestInfo::new().with_cookie_header(cookie.as_bytes()), 0),
        )
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(e.kind_name(), "store");
    let text = e.to_string();
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(!text.contains("hunter2") && !text.contains(&id), "{text}");
}

/// `store get`: one live session fetched and decoded, read-only, for sessions made
/// by Flask-Session 0.8 (signed and not), Flask-Session 0.6's pickles and
/// Quart-Session, on one Redis and on a Redis Cluster; its errors as the contract
/// says (`error: <kind>:`, exit 1; usage exit 2).
#[cfg(feature = "cli")]
#[test]
fn server_side_cli_store_get_reads_live_sessions() {
    use crate::common::cli::run;
    let Some(redis) = Redis::start() else { return };
    let url = redis.url();
    let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
    let err = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();
    let check_get = |args: &[&str], expect: &[&str]| {
        let out = run(args, b"");
        assert!(out.status.success(), "{args:?}: {}", err(&out));
        for e in expect {
            assert!(
                text(&out).contains(e),
                "{args:?}: {e} not in {}",
                text(&out)
            );
        }
        text(&out)
    };

    // Flask-Session 0.8, unsigned: the cookie value, the id, the pair.
    let Some(flask) = flask_app(Some(&url), None, false) else {
        return;
    };
    let b = Browser::new("cli/1.0");
    b.text(flask.port, "/login?user=7");
    b.text(flask.port, "/modify");
    let id = sid(&b, flask.port);
    let key = format!("session:{id}");
    let before = (redis.get(&key), redis.ttl(&key));
    let pretty = check_get(
        &["store", "get", "--redis", &url, &id],
        &[
            "format: msgpack",
            "'_user_id': '7'",
            "'counter': 1",
            "'pair': [1, 'a']",
        ],
    );
    assert!(
        pretty.starts_with("format: msgpack\n'_permanent': True\n"),
        "{pretty}"
    );
    let pair = format!("session={id}");
    let repr = check_get(
        &["store", "get", "--redis", &url, "--format", "repr", &pair],
        &["{'_permanent': True"],
    );
    // The same as `store decode` of the same bytes.
    let decoded = run(
        &["store", "decode", "--format", "repr", "-"],
        &before.0.clone().unwrap(),
    );
    assert_eq!(repr, text(&decoded));
    assert_eq!(
        (redis.get(&key), redis.ttl(&key) <= before.1),
        (before.0, true),
        "read-only"
    );

    // Errors: no such id; a signed id without a key; Redis down.
    let out = run(&["store", "get", "--redis", &url, &"x".repeat(43)], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(err(&out).starts_with("error: not-found: "), "{}", err(&out));
    let out = run(
        &[
            "store",
            "get",
            "--redis",
            &url,
            "abc.0fAz-BfUZGSXAD5c7MahM2JtcFw",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "{}", err(&out));
    let out = run(
        &[
            "store",
            "get",
            "--redis",
            &url,
            "--secret",
            "wrong",
            "abc.0fAz-BfUZGSXAD5c7MahM2JtcFw",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(err(&out).starts_with("error: signature: "), "{}", err(&out));
    let dead = format!("redis://:hunter2@127.0.0.1:{}/0", free_port());
    let out = run(&["store", "get", "--redis", &dead, &id], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(err(&out).starts_with("error: store: "), "{}", err(&out));
    assert!(
        !err(&out).contains("hunter2") && !err(&out).contains(&id),
        "{}",
        err(&out)
    );
    drop(flask);

    // Signed ids (SESSION_USE_SIGNER), verified with the key.
    let Some(signed) = flask_app(Some(&url), None, true) else {
        return;
    };
    let b = Browser::new("cli/2.0");
    b.text(signed.port, "/login?user=8");
    let cookie = b.cookie(signed.port, "session").unwrap();
    check_get(
        &["store", "get", "--redis", &url, "--secret", KEY, &cookie],
        &["'_user_id': '8'"],
    );
    drop(signed);

    // A legacy pickle.
    if let Some(legacy) = start_python(
        "venv-flask-session-0.6",
        "tests/live/server_side_legacy.py",
        &[("REDIS_URL", &url)],
    ) {
        let b = Browser::new("cli/3.0");
        b.text(legacy.port, "/write");
        check_get(
            &["store", "get", "--redis", &url, &sid(&b, legacy.port)],
            &[
                "format: pickle",
                "'when': datetime.datetime(2024, 1, 2, 3, 4, 5)",
            ],
        );
    }

    // Quart-Session.
    if let Some(quart) = quart_app(&url, &[]) {
        let b = Browser::new("cli/4.0");
        b.text(quart.port, "/modify?who=cli");
        check_get(
            &[
                "store",
                "get",
                "--redis",
                &url,
                "--package",
                "quart-session",
                &sid(&b, quart.port),
            ],
            &[
                "format: tagged json",
                "'who': 'cli'",
                "'_addr': '127.0.0.1'",
            ],
        );
    }

    // A Redis Cluster.
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let Some(flask) = flask_app(None, Some(&cluster.addresses()), false) else {
        return;
    };
    let b = Browser::new("cli/5.0");
    b.text(flask.port, "/login?user=9");
    let id = sid(&b, flask.port);
    let mut args = vec!["store", "get", "--cluster"];
    let urls = cluster.urls();
    for u in &urls {
        args.extend(["--redis", u.as_str()]);
    }
    args.push(&id);
    check_get(&args, &["'_user_id': '9'"]);
}

/// The connection settings a deployment needs, each against a real `redis-server`:
/// an ACL user and password (in the URL and with `with_credentials`; a wrong password
/// is a store error that does not repeat it), a DB index (the URL's and
/// `with_db`), and `rediss://` (TLS, a certificate from a CA of the test's own, made
/// with `openssl`).
#[test]
fn server_side_store_settings_acl_db_and_tls() {
    use flask_session_cookie::store::SessionStore;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let round_trip = |store: &RedisStore, key: &str| {
        runtime.block_on(async {
            store.set(key, b"\x81\xa1n\x01", 60).await?;
            let back = store.get(key, 1 << 20).await?;
            assert!(store.expire(key, 120).await?);
            store.delete(key).await?;
            assert!(!store.expire(key, 120).await?);
            Ok::<_, flask_session_cookie::Error>(back)
        })
    };

    // ACL: a user limited to session keys; the default user stays for the helper.
    let Some(redis) =
        Redis::start_with(&["--user", "sessions", "on", ">s3cret", "~session:*", "+@all"])
    else {
        return;
    };
    let port = redis.port;
    let by_url = RedisStore::new(&format!("redis://sessions:s3cret@127.0.0.1:{port}/0")).unwrap();
    assert_eq!(
        round_trip(&by_url, "session:a").unwrap(),
        Some(b"\x81\xa1n\x01".to_vec())
    );
    let by_call = RedisStore::new(&redis.url())
        .unwrap()
        .with_credentials("sessions", "s3cret");
    assert!(round_trip(&by_call, "session:b").is_ok());
    let outside = round_trip(&by_call, "other:b").unwrap_err();
    assert_eq!(outside.kind_name(), "store", "{outside}");
    let wrong = RedisStore::new(&format!("redis://sessions:hunter2@127.0.0.1:{port}/0")).unwrap();
    let e = round_trip(&wrong, "session:c").unwrap_err();
    assert_eq!(e.kind_name(), "store");
    assert!(!e.to_string().contains("hunter2"), "{e}");

    // DB index: the URL's, and with_db's.
    let db3 = RedisStore::new(&format!("redis://127.0.0.1:{port}/3")).unwrap();
    runtime.block_on(db3.set("session:d", b"\x80", 60)).unwrap();
    assert_eq!(redis.get_in(3, "session:d"), Some(b"\x80".to_vec()));
    assert_eq!(redis.get_in(0, "session:d"), None);
    let db5 = RedisStore::new(&redis.url()).unwrap().with_db(5).unwrap();
    runtime.block_on(db5.set("session:e", b"\x80", 60)).unwrap();
    assert_eq!(redis.get_in(5, "session:e"), Some(b"\x80".to_vec()));
    drop(redis);

    // TLS.
    let Some(tls) = tls_redis() else { return };
    let (redis, tls_port, ca) = tls;
    let store = RedisStore::new(&format!("rediss://127.0.0.1:{tls_port}/0"))
        .unwrap()
        .with_root_certificates(&ca);
    assert_eq!(
        round_trip(&store, "session:f").unwrap(),
        Some(b"\x81\xa1n\x01".to_vec())
    );
    runtime
        .block_on(store.set("session:g", b"\x80", 60))
        .unwrap();
    assert_eq!(
        redis.get("session:g"),
        Some(b"\x80".to_vec()),
        "the TLS store is this Redis"
    );
    // Without the CA the certificate is not trusted: a store error, no hang.
    let untrusting = RedisStore::new(&format!("rediss://127.0.0.1:{tls_port}/0"))
        .unwrap()
        .with_connect_timeout(Duration::from_secs(1));
    let e = round_trip(&untrusting, "session:h").unwrap_err();
    assert_eq!(e.kind_name(), "store", "{e}");
}

/// A Redis with a TLS port beside its plain one, its certificate signed by a CA
/// made here with `openssl`: the server, the TLS port and the CA's PEM.
fn tls_redis() -> Option<(Redis, u16, Vec<u8>)> {
    let tls = Tls::make();
    let tls_port = free_port();
    let args = tls.server_args(tls_port);
    let redis = Redis::start_with(&args)?;
    Some((redis, tls_port, tls.ca_pem()))
}

/// Quart-Session's `SESSION_PROTECTION`: a stored session whose `_addr` is another
/// client's is deleted and a new one started; the same client keeps it; without the
/// setting nobody is turned away. And one store and prefix cannot serve both
/// packages in one process while both configs live.
#[test]
fn server_side_quart_address_protection_and_one_package_per_prefix() {
    use flask_session_cookie::flask_login::ClientInfo;
    let Some(redis) = Redis::start() else { return };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = || RedisStore::new(&redis.url()).unwrap();
    let quart = |protect: bool| {
        let server = ServerSide::new(Package::QuartSession, store())
            .with_address_protection(protect)
            .unwrap();
        SessionCycle::new(SessionCodec::new(KEY).unwrap())
            .with_server_side(server)
            .unwrap()
    };
    let id = "12345678-1234-4678-9234-567812345678";
    let key = format!("session:{id}");
    let cookie = format!("session={id}");
    let stored = br#"{"_permanent":true,"_addr":"10.0.0.9","n":1}"#;
    let from = |address: &'static str| {
        RequestInfo::new()
            .with_cookie_header(cookie.as_bytes())
            .with_client(ClientInfo::new(Some(address)))
    };
    let n_seen = |cycle: &SessionCycle, address: &'static str| {
        let opened = runtime
            .block_on(cycle.open_request_async(&from(address), 0))
            .unwrap();
        opened.session.get("n")
    };
    redis.set(&key, stored, 100);
    assert_eq!(n_seen(&quart(true), "10.0.0.9"), Some(Value::from(1)));
    assert_eq!(n_seen(&quart(false), "127.0.0.1"), Some(Value::from(1)));
    assert_eq!(n_seen(&quart(true), "127.0.0.1"), None, "another address");
    assert!(redis.get(&key).is_none(), "the stolen session is deleted");

    // One package per store and prefix while both configs live.
    let flask = cycle(store(), Package::FlaskSession, false);
    let e = SessionCycle::new(SessionCodec::new(KEY).unwrap())
        .with_server_side(ServerSide::new(Package::QuartSession, store()))
        .unwrap_err();
    assert!(e.to_string().contains("session:"), "{e}");
    drop(flask);
    assert!(
        SessionCycle::new(SessionCodec::new(KEY).unwrap())
            .with_server_side(ServerSide::new(Package::QuartSession, store()))
            .is_ok()
    );
}
