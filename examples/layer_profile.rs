//! Profiling aid: one kind of request through the axum layer N times (for callgrind).
//! `cargo run --release --example layer_profile --features axum -- N KIND`, KIND one
//! of `none`, `read-cold` (the verified-cookie cache off), `read-warm`, `refresh` (a
//! permanent session, unmodified), `modify` (the same cookie again: the cache warm),
//! `modify-cold` (the cache off), `modify-miss` (the cache on, every cookie new: as
//! when every request brings the cookie the last one set).
use axum::body::Body;
use axum::http::{Request, header};
use axum::routing::get;
use flask_session_cookie::session::FlaskSession;
use flask_session_cookie::{Session, SessionCodec};
use tower::ServiceExt as _;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let kind = args.next().unwrap_or_else(|| "read".into());
    let mut session = Session::new();
    if kind == "refresh" {
        session.set_permanent(true);
    }
    session.insert("_user_id", "42");
    session.insert("_fresh", true);
    session.insert("_id", "36646aa58fb1704b0c91f63d25a2ea3f646133864435a284f63032429e0e21acd30239c0875c0be3c470d75a3eccd0b19f9cba433db25df33ac7effd1fa6757e");
    let codec = SessionCodec::new("dev-secret").unwrap();
    let cookie = format!("session={}", codec.encode(&session).unwrap());
    use flask_session_cookie::layer::{CookieCache, SessionCycle};
    let cache = if kind == "read-cold" || kind == "modify-cold" {
        CookieCache::off()
    } else {
        CookieCache::new()
    };
    let layer = flask_session_cookie::axum::SessionLayer::from_cycle(
        SessionCycle::new(codec).with_cookie_cache(cache),
    );
    let app = match kind.as_str() {
        "none" => axum::Router::new().route("/", get(|| async { "42" })),
        "read-cold" | "read-warm" | "refresh" => axum::Router::new()
            .route(
                "/",
                get(|s: FlaskSession| async move {
                    s.get_as::<String>("_user_id")
                        .ok()
                        .flatten()
                        .unwrap_or_default()
                }),
            )
            .layer(layer),
        _ => axum::Router::new()
            .route(
                "/",
                get(|s: FlaskSession| async move {
                    let v = s.get_as::<u64>("visits").ok().flatten().unwrap_or(0) + 1;
                    s.insert("visits", v);
                    v.to_string()
                }),
            )
            .layer(layer),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    // `modify-miss`: the cache on, and every request a cookie it has not seen (as when
    // each request brings the cookie the last one set). The cookies are made before
    // the loop, the same 600 whatever `n`, so their cost cancels out.
    let fresh: Vec<String> = if kind == "modify-miss" {
        let codec = SessionCodec::new("dev-secret").unwrap();
        (0..600)
            .map(|i| {
                let mut s = session.clone();
                s.insert("visits", i);
                format!("session={}", codec.encode(&s).unwrap())
            })
            .collect()
    } else {
        Vec::new()
    };
    for i in 0..n {
        let cookie = fresh.get(i).unwrap_or(&cookie);
        let req = Request::builder()
            .uri("/")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        let resp = rt.block_on(app.clone().oneshot(req)).unwrap();
        std::hint::black_box(resp);
    }
}
