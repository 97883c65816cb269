//! What a session layer costs per request, in-process (no sockets), on the login
//! session (Flask-Login's `_user_id`, `_fresh`, `_id`): no layer; this crate's layer
//! reading the cookie (no write); reading and modifying it (write); and the same data
//! through the session middleware Rust services use today: tower-sessions with its
//! MemoryStore, axum-extra's `SignedCookieJar` with serde_json, actix-session's
//! `CookieSessionStore`. axum requests go through tower's `oneshot`, actix ones
//! through `actix_web::test::call_service`.
//!
//! `cargo bench --features axum,actix --bench layers`; `scripts/bench` runs it and
//! `benches/layers_report.py` prints the table.

#![allow(missing_docs)] // criterion_group! makes undocumented functions.

use std::hint::black_box;

use axum::body::Body;
use axum::http::{Request, header};
use criterion::{Criterion, criterion_group, criterion_main};
use serde::{Deserialize, Serialize};
use tower::ServiceExt as _;

use flask_session_cookie::session::FlaskSession;
use flask_session_cookie::{Session, SessionCodec};

const KEY: &str = "dev-secret";
const ID: &str = "36646aa58fb1704b0c91f63d25a2ea3f646133864435a284f63032429e0e21acd30239c0875c0be3c470d75a3eccd0b19f9cba433db25df33ac7effd1fa6757e";

/// The login session, for the peers as a serde type.
#[derive(Serialize, Deserialize, Clone)]
struct Login {
    _user_id: String,
    _fresh: bool,
    _id: String,
    #[serde(default)]
    visits: u64,
}

fn login() -> Login {
    Login {
        _user_id: "42".into(),
        _fresh: true,
        _id: ID.into(),
        visits: 0,
    }
}

/// Our cookie for the login session.
fn our_cookie() -> String {
    cookie_with(false)
}

/// The login session's cookie, permanent (refreshed on every request) or not.
fn cookie_with(permanent: bool) -> String {
    let mut session = Session::new();
    if permanent {
        session.set_permanent(true);
    }
    session.insert("_user_id", "42");
    session.insert("_fresh", true);
    session.insert("_id", ID);
    let value = SessionCodec::new(KEY).unwrap().encode(&session).unwrap();
    format!("session={value}")
}

/// Our layer's cycle, with or without the verified-cookie cache.
fn cycle(cached: bool) -> flask_session_cookie::layer::SessionCycle {
    use flask_session_cookie::layer::{CookieCache, SessionCycle};
    let cache = if cached {
        CookieCache::new()
    } else {
        CookieCache::off()
    };
    SessionCycle::new(SessionCodec::new(KEY).unwrap()).with_cookie_cache(cache)
}

fn set_cookie_pair(resp_cookie: &str) -> String {
    resp_cookie.split(';').next().unwrap().to_owned()
}

fn axum_benches(c: &mut Criterion) {
    use axum::Router;
    use axum::routing::get;
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let run = |app: &Router, cookie: &str| {
        let req = Request::builder()
            .uri("/")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        let resp = rt.block_on(app.clone().oneshot(req)).unwrap();
        assert!(resp.status().is_success());
        resp
    };
    let mut group = c.benchmark_group("layers-axum");

    // No session layer: the handler does the same work on nothing.
    let bare = Router::new().route("/", get(|| async { "42" }));
    group.bench_function("none", |b| b.iter(|| black_box(run(&bare, "x=1"))));

    // This crate: read the login (Flask-Login's user id), no write: cold (the cache
    // off: verify, inflate, parse every time) and warm (the cookie seen before).
    use flask_session_cookie::axum::SessionLayer;
    let cookie = our_cookie();
    let layer = SessionLayer::from_cycle(cycle(true));
    let reader = |layer: SessionLayer| {
        Router::new()
            .route(
                "/",
                get(|s: FlaskSession| async move {
                    s.get_as::<String>("_user_id")
                        .ok()
                        .flatten()
                        .unwrap_or_default()
                }),
            )
            .layer(layer)
    };
    let cold = reader(SessionLayer::from_cycle(cycle(false)));
    let read = reader(layer.clone());
    assert!(
        run(&read, &cookie)
            .headers()
            .get(header::SET_COOKIE)
            .is_none()
    );
    group.bench_function("ours/read-cold", |b| {
        b.iter(|| black_box(run(&cold, &cookie)))
    });
    group.bench_function("ours/read-warm", |b| {
        b.iter(|| black_box(run(&read, &cookie)))
    });

    // A permanent session, unmodified: Flask refreshes it on every request (the
    // payload re-signed with a new timestamp).
    let permanent = cookie_with(true);
    let refresh = reader(layer.clone());
    assert!(
        run(&refresh, &permanent)
            .headers()
            .get(header::SET_COOKIE)
            .is_some()
    );
    group.bench_function("ours/refresh", |b| {
        b.iter(|| black_box(run(&refresh, &permanent)))
    });

    // This crate: read and modify (a new Set-Cookie each request).
    let modifier = |layer: SessionLayer| {
        Router::new()
            .route(
                "/",
                get(|s: FlaskSession| async move {
                    let visits = s.get_as::<u64>("visits").ok().flatten().unwrap_or(0) + 1;
                    s.insert("visits", visits);
                    visits.to_string()
                }),
            )
            .layer(layer)
    };
    let modify = modifier(layer);
    assert!(
        run(&modify, &cookie)
            .headers()
            .get(header::SET_COOKIE)
            .is_some()
    );
    group.bench_function("ours/modify", |b| {
        b.iter(|| black_box(run(&modify, &cookie)))
    });
    // Every request brings the cookie the last one set: never a cache hit.
    let modify_cold = modifier(SessionLayer::from_cycle(cycle(false)));
    group.bench_function("ours/modify-cold", |b| {
        b.iter(|| black_box(run(&modify_cold, &cookie)))
    });

    // tower-sessions, MemoryStore: server-side state, a random id in the cookie.
    {
        use tower_sessions::{MemoryStore, Session as TsSession, SessionManagerLayer};
        let layer = SessionManagerLayer::new(MemoryStore::default()).with_secure(false);
        let setup = Router::new()
            .route(
                "/",
                get(|s: TsSession| async move {
                    s.insert("login", login()).await.unwrap();
                    "ok"
                }),
            )
            .layer(layer.clone());
        let resp = run(&setup, "x=1");
        let id = set_cookie_pair(resp.headers()[header::SET_COOKIE].to_str().unwrap());
        let read = Router::new()
            .route(
                "/",
                get(|s: TsSession| async move {
                    s.get::<Login>("login").await.unwrap().unwrap()._user_id
                }),
            )
            .layer(layer.clone());
        group.bench_function("tower-sessions/read", |b| {
            b.iter(|| black_box(run(&read, &id)))
        });
        let modify = Router::new()
            .route(
                "/",
                get(|s: TsSession| async move {
                    let mut l = s.get::<Login>("login").await.unwrap().unwrap();
                    l.visits += 1;
                    s.insert("login", l.clone()).await.unwrap();
                    l.visits.to_string()
                }),
            )
            .layer(layer);
        group.bench_function("tower-sessions/modify", |b| {
            b.iter(|| black_box(run(&modify, &id)))
        });
    }

    // axum-extra SignedCookieJar + serde_json: the login as a signed JSON cookie.
    {
        use axum_extra::extract::cookie::{Cookie, Key, SignedCookieJar};
        #[derive(Clone)]
        struct State(Key);
        impl axum::extract::FromRef<State> for Key {
            fn from_ref(s: &State) -> Key {
                s.0.clone()
            }
        }
        let state = State(Key::from(&[7u8; 64]));
        let setup = Router::new()
            .route(
                "/",
                get(|jar: SignedCookieJar| async move {
                    jar.add(Cookie::new(
                        "login",
                        serde_json::to_string(&login()).unwrap(),
                    ))
                }),
            )
            .with_state(state.clone());
        let resp = run(&setup, "x=1");
        let cookie = set_cookie_pair(resp.headers()[header::SET_COOKIE].to_str().unwrap());
        let read = Router::new()
            .route(
                "/",
                get(|jar: SignedCookieJar| async move {
                    let l: Login = serde_json::from_str(jar.get("login").unwrap().value()).unwrap();
                    l._user_id
                }),
            )
            .with_state(state.clone());
        group.bench_function("axum-extra/read", |b| {
            b.iter(|| black_box(run(&read, &cookie)))
        });
        let modify = Router::new()
            .route(
                "/",
                get(|jar: SignedCookieJar| async move {
                    let mut l: Login =
                        serde_json::from_str(jar.get("login").unwrap().value()).unwrap();
                    l.visits += 1;
                    jar.add(Cookie::new("login", serde_json::to_string(&l).unwrap()))
                }),
            )
            .with_state(state);
        group.bench_function("axum-extra/modify", |b| {
            b.iter(|| black_box(run(&modify, &cookie)))
        });
    }
    group.finish();
}

fn actix_benches(c: &mut Criterion) {
    use actix_web::{App, test, web};
    let rt = actix_rt::System::new();
    let mut group = c.benchmark_group("layers-actix");
    macro_rules! bench {
        ($name:expr, $app:expr, $cookie:expr) => {{
            let app = rt.block_on(test::init_service($app));
            let cookie: String = $cookie;
            let (name, value) = cookie.split_once('=').unwrap();
            let cookie = actix_web::cookie::Cookie::new(name.to_owned(), value.to_owned());
            group.bench_function($name, |b| {
                b.iter(|| {
                    let req = test::TestRequest::get()
                        .uri("/")
                        .cookie(cookie.clone())
                        .to_request();
                    let resp = rt.block_on(test::call_service(&app, req));
                    assert!(resp.status().is_success());
                    black_box(resp)
                })
            });
        }};
    }
    bench!(
        "none",
        App::new().route("/", web::get().to(|| async { "42" })),
        "x=1".into()
    );

    use flask_session_cookie::actix::SessionMiddleware as Ours;
    let middleware = Ours::from_cycle(cycle(true));
    let read = |s: FlaskSession| async move {
        s.get_as::<String>("_user_id")
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    bench!(
        "ours/read-cold",
        App::new()
            .wrap(Ours::from_cycle(cycle(false)))
            .route("/", web::get().to(read)),
        our_cookie()
    );
    bench!(
        "ours/read-warm",
        App::new()
            .wrap(middleware.clone())
            .route("/", web::get().to(read)),
        our_cookie()
    );
    bench!(
        "ours/refresh",
        App::new()
            .wrap(middleware.clone())
            .route("/", web::get().to(read)),
        cookie_with(true)
    );
    bench!(
        "ours/modify",
        App::new().wrap(middleware).route(
            "/",
            web::get().to(|s: FlaskSession| async move {
                let visits = s.get_as::<u64>("visits").ok().flatten().unwrap_or(0) + 1;
                s.insert("visits", visits);
                visits.to_string()
            })
        ),
        our_cookie()
    );
    bench!(
        "ours/modify-cold",
        App::new().wrap(Ours::from_cycle(cycle(false))).route(
            "/",
            web::get().to(|s: FlaskSession| async move {
                let visits = s.get_as::<u64>("visits").ok().flatten().unwrap_or(0) + 1;
                s.insert("visits", visits);
                visits.to_string()
            })
        ),
        our_cookie()
    );

    // actix-session with CookieSessionStore: the login as a signed (by default
    // private) cookie. Its cookie comes from a first request.
    {
        use actix_session::storage::CookieSessionStore;
        use actix_session::{Session as AxSession, SessionMiddleware};
        use actix_web::cookie::Key;
        let key = Key::from(&[9u8; 64]);
        let mw = || {
            SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
                .cookie_secure(false)
                .build()
        };
        let setup = rt.block_on(test::init_service(App::new().wrap(mw()).route(
            "/",
            web::get().to(|s: AxSession| async move {
                s.insert("login", login()).unwrap();
                "ok"
            }),
        )));
        let resp = rt.block_on(test::call_service(
            &setup,
            test::TestRequest::get().uri("/").to_request(),
        ));
        let cookie = resp.response().cookies().next().unwrap().to_string();
        let cookie = cookie.split(';').next().unwrap().to_owned();
        bench!(
            "actix-session/read",
            App::new().wrap(mw()).route(
                "/",
                web::get().to(|s: AxSession| async move {
                    s.get::<Login>("login").unwrap().unwrap()._user_id
                })
            ),
            cookie.clone()
        );
        bench!(
            "actix-session/modify",
            App::new().wrap(mw()).route(
                "/",
                web::get().to(|s: AxSession| async move {
                    let mut l = s.get::<Login>("login").unwrap().unwrap();
                    l.visits += 1;
                    s.insert("login", l.clone()).unwrap();
                    l.visits.to_string()
                })
            ),
            cookie
        );
    }
    group.finish();
}

criterion_group!(benches, axum_benches, actix_benches);
criterion_main!(benches);
