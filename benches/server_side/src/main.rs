//! One service of the server-side benchmark on 127.0.0.1 (a free port, printed as
//! `PORT <n>`), its sessions in Redis at `URL`, serving `/modify` (a counter in the
//! session, plus one) and `/read` (the counter, nothing changed):
//!
//! - `axum`, `actix`: this crate's layer and middleware, Flask-Session 0.8's rules
//!   (msgpack, `SET … EX` on modify, `EXPIRE` and the cookie on a read);
//! - `actix-session`: actix-session 0.11's `RedisSessionStore` (JSON state, `SET`
//!   with a TTL on change);
//! - `tower-sessions`: tower-sessions 0.14 with tower-sessions-redis-store 0.16
//!   (fred, MessagePack records).
//!
//! `fsc-server-side-bench FRAMEWORK URL`

use std::net::SocketAddr;

fn main() {
    let mut args = std::env::args().skip(1);
    let framework = args.next().expect("FRAMEWORK");
    let url = args.next().expect("URL");
    match framework.as_str() {
        "axum" => axum_ours(&url),
        "actix" => actix_ours(&url),
        "actix-session" => actix_session(&url),
        "tower-sessions" => tower_sessions(&url),
        other => panic!("unknown framework {other}"),
    }
}

fn cycle(url: &str) -> flask_session_cookie::layer::SessionCycle {
    use flask_session_cookie::flask_session::{Package, ServerSide};
    use flask_session_cookie::store::redis::RedisStore;
    use flask_session_cookie::{SessionCodec, layer::SessionCycle};
    let store = RedisStore::new(url).expect("a Redis URL");
    SessionCycle::new(SessionCodec::new("dev-secret").expect("a key"))
        .with_server_side(ServerSide::new(Package::FlaskSession, store))
        .expect("a server-side cycle")
}

fn announce(port: u16) {
    println!("PORT {port}");
}

/// `/modify` and `/read` over this crate's session, for both frameworks.
fn modify_ours(s: flask_session_cookie::session::FlaskSession) -> String {
    let n = s.get_as::<i64>("counter").ok().flatten().unwrap_or(0) + 1;
    s.insert("counter", n);
    n.to_string()
}

fn read_ours(s: flask_session_cookie::session::FlaskSession) -> String {
    s.get_as::<i64>("counter")
        .ok()
        .flatten()
        .unwrap_or(0)
        .to_string()
}

/// Serves an actix-web app factory on a free port with two workers, inside the
/// running actix system.
macro_rules! serve_actix {
    ($factory:expr) => {{
        let server = actix_web::HttpServer::new($factory)
            .workers(2)
            .bind("127.0.0.1:0")
            .expect("a port");
        announce(server.addrs()[0].port());
        server.run().await.expect("serving");
    }};
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

fn axum_ours(url: &str) {
    use axum::routing::get;
    use flask_session_cookie::axum::SessionLayer;
    let app = axum::Router::new()
        .route("/modify", get(|s| async move { modify_ours(s) }))
        .route("/read", get(|s| async move { read_ours(s) }))
        .layer(SessionLayer::from_cycle(cycle(url)));
    serve_axum(async move { app });
}

/// Serves the app `app` makes (inside the runtime, for clients that need one) on a
/// free port.
fn serve_axum(app: impl std::future::Future<Output = axum::Router>) {
    runtime().block_on(async move {
        let app = app.await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        announce(listener.local_addr().expect("an address").port());
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serving");
    });
}

fn actix_ours(url: &str) {
    use actix_web::{App, web};
    use flask_session_cookie::actix::SessionMiddleware;
    let cycle = cycle(url);
    actix_web::rt::System::new().block_on(async move {
        serve_actix!(move || {
            App::new()
                .wrap(SessionMiddleware::from_cycle(cycle.clone()))
                .route("/modify", web::get().to(|s| async move { modify_ours(s) }))
                .route("/read", web::get().to(|s| async move { read_ours(s) }))
        });
    });
}

fn actix_session(url: &str) {
    use actix_session::storage::RedisSessionStore;
    use actix_session::{Session, SessionMiddleware, config::PersistentSession};
    use actix_web::cookie::Key;
    use actix_web::{App, web};
    let url = url.to_owned();
    actix_web::rt::System::new().block_on(async move {
        let store = RedisSessionStore::new(url).await.expect("a Redis");
        let key = Key::from(&[7u8; 64]);
        serve_actix!(move || {
            App::new()
                .wrap(
                    SessionMiddleware::builder(store.clone(), key.clone())
                        .cookie_secure(false)
                        .session_lifecycle(PersistentSession::default())
                        .build(),
                )
                .route(
                    "/modify",
                    web::get().to(|s: Session| async move {
                        let n = s.get::<i64>("counter").ok().flatten().unwrap_or(0) + 1;
                        let _ = s.insert("counter", n);
                        n.to_string()
                    }),
                )
                .route(
                    "/read",
                    web::get().to(|s: Session| async move {
                        let n = s.get::<i64>("counter").ok().flatten().unwrap_or(0);
                        n.to_string()
                    }),
                )
        });
    });
}

fn tower_sessions(url: &str) {
    use axum::routing::get;
    use tower_sessions::{Session, SessionManagerLayer};
    use tower_sessions_redis_store::{RedisStore, fred::prelude::*};
    let url = url.to_owned();
    serve_axum(async move {
        let config = Config::from_url(&url).expect("a Redis URL");
        let pool = Pool::new(config, None, None, None, 2).expect("a pool");
        let _connection = pool.connect();
        pool.wait_for_connect().await.expect("connected");
        let layer = SessionManagerLayer::new(RedisStore::new(pool)).with_secure(false);
        axum::Router::new()
            .route(
                "/modify",
                get(|s: Session| async move {
                    let n = s.get::<i64>("counter").await.ok().flatten().unwrap_or(0) + 1;
                    let _ = s.insert("counter", n).await;
                    n.to_string()
                }),
            )
            .route(
                "/read",
                get(|s: Session| async move {
                    let n = s.get::<i64>("counter").await.ok().flatten().unwrap_or(0);
                    n.to_string()
                }),
            )
            .layer(layer)
    });
}
