//! The axum layer's rules, request by request (no network): which cookies open,
//! which answer 500, and exactly when `Set-Cookie` and `Vary: Cookie` are sent.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::{Router, routing::get};
use flask_session_cookie::axum::{FlaskSession, SessionLayer};
use flask_session_cookie::cookie::CookieConfig;
use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
use flask_session_cookie::{Session, SessionCodec};
use tower::ServiceExt as _;

fn codec() -> SessionCodec {
    SessionCodec::new("dev-secret").unwrap()
}

/// The session's `n`, or `none`.
async fn read(session: FlaskSession) -> String {
    session
        .get_as::<i64>("n")
        .ok()
        .flatten()
        .map_or("none".into(), |n| n.to_string())
}

fn app(cookie: CookieConfig) -> Router {
    async fn write(session: FlaskSession) -> &'static str {
        session.insert("n", 1);
        "ok"
    }
    async fn nothing() -> &'static str {
        "ok"
    }
    async fn clear(session: FlaskSession) -> &'static str {
        session.clear();
        "ok"
    }
    async fn contains(session: FlaskSession) -> String {
        session.snapshot().contains_key("n").to_string()
    }
    Router::new()
        .route("/read", get(read))
        .route("/write", get(write))
        .route("/nothing", get(nothing))
        .route("/clear", get(clear))
        .route("/contains", get(contains))
        .layer(SessionLayer::new(codec()).with_cookie_config(cookie))
}

struct Reply {
    status: StatusCode,
    set_cookie: Vec<String>,
    vary: Vec<String>,
    body: String,
}

async fn call(cookie: CookieConfig, path: &str, cookie_header: Option<&str>) -> Reply {
    let mut req = Request::builder().uri(path);
    if let Some(c) = cookie_header {
        req = req.header("cookie", c);
    }
    let resp = app(cookie)
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let headers = |name: &str| -> Vec<String> {
        resp.headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };
    let (status, set_cookie, vary) = (resp.status(), headers("set-cookie"), headers("vary"));
    let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    Reply {
        status,
        set_cookie,
        vary,
        body: String::from_utf8(body.to_vec()).unwrap(),
    }
}

fn cookie_with(n: i64, permanent: bool) -> String {
    let mut s: Session = [("n", n)].into_iter().collect();
    if permanent {
        s.set_permanent(true);
    }
    format!("session={}", codec().encode(&s).unwrap())
}

#[tokio::test]
async fn opening_follows_flask() {
    let flask = CookieConfig::flask;
    // Valid: read.
    assert_eq!(
        call(flask(), "/read", Some(&cookie_with(5, false)))
            .await
            .body,
        "5"
    );
    // Bad signature, malformed, missing, empty: an empty session, the handler runs.
    for header in [
        None,
        Some("session="),
        Some("session=garbage"),
        Some("session=e30.ZVPxAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    ] {
        let r = call(flask(), "/read", header).await;
        assert_eq!(
            (r.status, r.body.as_str()),
            (StatusCode::OK, "none"),
            "{header:?}"
        );
    }
    // The first cookie of the name wins, as in Werkzeug.
    let both = format!("{}; session=garbage", cookie_with(6, false));
    assert_eq!(call(flask(), "/read", Some(&both)).await.body, "6");
    // Verified but undecodable: HTTP 500, as Flask.
    let signer = TimestampSigner::new("dev-secret", SignerConfig::flask_session()).unwrap();
    let not_json = format!("session={}", signer.sign("bm90IGpzb24"));
    let r = call(flask(), "/read", Some(&not_json)).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.set_cookie.is_empty());
}

#[tokio::test]
async fn saving_follows_flask() {
    let flask = CookieConfig::flask;
    // Not touched: no cookie, no Vary.
    let r = call(flask(), "/nothing", Some(&cookie_with(1, false))).await;
    assert!(r.set_cookie.is_empty() && r.vary.is_empty());
    // Read only: Vary: Cookie, no cookie.
    let r = call(flask(), "/read", Some(&cookie_with(1, false))).await;
    assert!(r.set_cookie.is_empty());
    assert_eq!(r.vary, ["Cookie"]);
    // Any use counts as access (Flask 3.1.3), even a membership test.
    let r = call(flask(), "/contains", Some(&cookie_with(1, false))).await;
    assert_eq!(r.vary, ["Cookie"]);
    // Modified: a new cookie.
    let r = call(flask(), "/write", None).await;
    assert_eq!(r.set_cookie.len(), 1);
    assert!(
        r.set_cookie[0].starts_with("session=eyJuIjoxfQ."),
        "{:?}",
        r.set_cookie
    );
    assert!(r.set_cookie[0].ends_with("; HttpOnly; Path=/"));
    assert_eq!(r.vary, ["Cookie"]);
    // Emptied: the deletion cookie; an empty session that was not modified: nothing.
    let r = call(flask(), "/clear", Some(&cookie_with(1, false))).await;
    assert_eq!(
        r.set_cookie,
        ["session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/"]
    );
    let r = call(flask(), "/read", None).await;
    assert!(r.set_cookie.is_empty());
    // Permanent: re-sent on every request, with Expires; not with refresh off.
    let r = call(flask(), "/read", Some(&cookie_with(1, true))).await;
    assert_eq!(r.set_cookie.len(), 1);
    assert!(r.set_cookie[0].contains("; Expires="), "{:?}", r.set_cookie);
    let r = call(
        flask().with_refresh_each_request(false),
        "/read",
        Some(&cookie_with(1, true)),
    )
    .await;
    assert!(r.set_cookie.is_empty());
    // Cookie settings apply.
    let r = call(
        flask().with_name("sid").unwrap().with_secure(true),
        "/write",
        None,
    )
    .await;
    assert!(r.set_cookie[0].starts_with("sid=") && r.set_cookie[0].contains("; Secure; HttpOnly"));
}

#[tokio::test]
async fn extractor_without_the_layer_is_a_clear_500() {
    async fn handler(_s: FlaskSession) -> &'static str {
        "unreachable"
    }
    let app: Router = Router::new().route("/", get(handler));
    let resp = app
        .oneshot(Request::builder().uri("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = axum::body::to_bytes(resp.into_body(), 1024).await.unwrap();
    assert!(String::from_utf8_lossy(&body).contains("SessionLayer"));
}

/// Regression: the layer decoded with the codec's clock but saved with the system
/// clock, so a codec with an injected clock read at one time and wrote at another.
#[tokio::test]
async fn layer_saves_with_the_codec_clock() {
    #[derive(Debug)]
    struct Fixed;
    impl flask_session_cookie::Clock for Fixed {
        fn now(&self) -> i64 {
            1_700_000_000
        }
    }
    async fn bump(session: FlaskSession) -> String {
        let n = session.get_as::<i64>("n").ok().flatten().unwrap_or(0);
        session.insert("n", n + 1);
        n.to_string()
    }
    let codec = codec().with_clock(Fixed);
    // Signed at the fixed time: expired by the system clock, current by the codec's.
    let cookie = codec
        .encode_at(&[("n", 41)].into_iter().collect(), 1_700_000_000)
        .unwrap();
    let app: Router = Router::new()
        .route("/", get(bump))
        .layer(SessionLayer::new(codec.clone()));
    let req = Request::builder()
        .uri("/")
        .header("cookie", format!("session={cookie}"))
        .body(Body::empty())
        .unwrap();
    let resp = app.oneshot(req).await.unwrap();
    let set_cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    let body = axum::body::to_bytes(resp.into_body(), 1024).await.unwrap();
    assert_eq!(body, "41", "the cookie was read at the codec's time");
    let value = set_cookie
        .strip_prefix("session=")
        .and_then(|v| v.split(';').next())
        .unwrap();
    assert_eq!(
        value.split('.').nth(1),
        Some("ZVPxAA"),
        "signed at the codec's time: {set_cookie}"
    );
    assert_eq!(
        codec.decode(value).unwrap().get("n"),
        Some(&flask_session_cookie::Value::from(42))
    );
}

/// Regression: the layer read `Cookie` differently from Werkzeug. A header that was
/// not UTF-8 (another app's `tracker=café`) was skipped, logging the user out on the
/// Rust side only; with two headers a later `session` won; a bare `session` was not
/// the empty value it is to Werkzeug.
#[tokio::test]
async fn cookie_header_is_read_as_werkzeug_reads_it() {
    let good = cookie_with(7, false);
    let other = cookie_with(8, false);
    let app = || -> Router {
        Router::new()
            .route("/", get(read))
            .layer(SessionLayer::new(codec()))
    };
    let cases: Vec<(Vec<Vec<u8>>, &str)> = vec![
        (vec![format!("tracker=caf\u{e9}; {good}").into_bytes()], "7"),
        (
            vec![[b"tracker=caf\xe9; ".as_slice(), good.as_bytes()].concat()],
            "7",
        ),
        // Two headers: a WSGI server joins them with ',' before Flask reads them
        // (measured with Werkzeug 3.1.9 and gunicorn 27.0.1), so the first session
        // value runs on into the second header: no session, as in Flask.
        (
            vec![good.clone().into_bytes(), other.clone().into_bytes()],
            "none",
        ),
        // Likewise `a=1`,`session=…`: cookie `a` is "1,session=…" (the case).
        (vec![b"a=1".to_vec(), other.clone().into_bytes()], "none"),
        (vec![format!("session; {good}").into_bytes()], "none"),
        // An unterminated quote is text Werkzeug skips up to the next `;`.
        (
            vec![format!("session=\"{}; {other}", &good["session=".len()..]).into_bytes()],
            "8",
        ),
        (
            vec![format!("session=\"{}\"", &good["session=".len()..]).into_bytes()],
            "7",
        ),
    ];
    for (headers, want) in cases {
        let mut req = Request::builder().uri("/");
        for h in &headers {
            req = req.header("cookie", axum::http::HeaderValue::from_bytes(h).unwrap());
        }
        let resp = app()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let body = axum::body::to_bytes(resp.into_body(), 1024).await.unwrap();
        assert_eq!(
            body,
            want,
            "{:?}",
            headers
                .iter()
                .map(|h| String::from_utf8_lossy(h))
                .collect::<Vec<_>>()
        );
    }
}

/// Regression: the layer was silent. Handlers now see where the session came from,
/// a hook hears of every rejection and failure (never with a key or cookie value),
/// and `?` on the crate's errors works in handlers.
#[tokio::test]
async fn rejections_are_visible_to_handlers_and_hooks() {
    use flask_session_cookie::session::SessionOrigin;
    use std::sync::{Arc, Mutex};

    async fn origin(session: FlaskSession) -> String {
        match session.origin() {
            SessionOrigin::NoCookie => "none".into(),
            SessionOrigin::Opened { .. } => "opened".into(),
            SessionOrigin::Rejected(e) => format!("rejected: {}", e.kind_name()),
            _ => "other".into(),
        }
    }
    async fn typed(session: FlaskSession) -> Result<String, flask_session_cookie::Error> {
        // `?` on the crate's error: a 500 when the stored value is not a number.
        let n: Option<u8> = session.get_as("n")?;
        Ok(format!("{n:?}"))
    }
    async fn too_big(session: FlaskSession) -> &'static str {
        // Text that does not compress: a cookie over Werkzeug's 4093 bytes.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let noise: String = (0..6_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(b'0' + (state % 75) as u8)
            })
            .collect();
        session.insert("big", noise);
        "ok"
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let app = || -> Router {
        let log = Arc::clone(&log);
        Router::new()
            .route("/origin", get(origin))
            .route("/typed", get(typed))
            .route("/too-big", get(too_big))
            .layer(
                SessionLayer::new(codec().with_max_age(Some(60)))
                    .with_rejection_hook(move |e| log.lock().unwrap().push(e.to_string())),
            )
    };
    let expired = {
        let s: Session = [("n", 1)].into_iter().collect();
        format!("session={}", codec().encode_at(&s, 1_000).unwrap())
    };
    let not_a_number = {
        let s: Session = [("n", "many")].into_iter().collect();
        format!("session={}", codec().encode(&s).unwrap())
    };
    let get_body = |path: &'static str, cookie: Option<String>| {
        let app = app();
        async move {
            let mut req = Request::builder().uri(path);
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            let resp = app.oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
            let status = resp.status();
            let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
                .await
                .unwrap();
            (status, String::from_utf8(body.to_vec()).unwrap())
        }
    };
    assert_eq!(get_body("/origin", None).await.1, "none");
    assert_eq!(
        get_body("/origin", Some(cookie_with(3, false))).await.1,
        "opened"
    );
    assert_eq!(
        get_body("/origin", Some("session=garbage".into())).await.1,
        "rejected: malformed"
    );
    assert_eq!(
        get_body("/origin", Some(expired.clone())).await.1,
        "rejected: expired"
    );
    let (status, _) = get_body("/typed", Some(not_a_number)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let (status, _) = get_body("/too-big", None).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen[0].starts_with("malformed token"), "{seen:?}");
    assert!(seen[1].starts_with("signature expired"), "{seen:?}");
    assert!(seen[2].contains("Set-Cookie header would be"), "{seen:?}");
    for line in &seen {
        assert!(
            !line.contains("dev-secret") && !line.contains("garbage"),
            "{line}"
        );
    }
}
