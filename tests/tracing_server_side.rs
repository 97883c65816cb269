//! The `tracing` events of server-side sessions, in a test binary of its own (a
//! subscriber is process-wide state): a legacy pickle read is reported, an unreadable
//! stored value and a store that is down are warnings, a bad signed id is a debug
//! event; none carries a session id, a key or a Redis password. Against a real
//! `redis-server` (skipped, saying so, without one unless `FSC_REQUIRE_REDIS=1`).
#![cfg(all(feature = "redis", feature = "axum"))]

#[path = "support/collect.rs"]
mod collect;
#[path = "integration/common/redis.rs"]
mod redis_server;

use std::sync::Arc;

use collect::{Collect, Events};
use flask_session_cookie::SessionCodec;
use flask_session_cookie::flask_session::{Package, ServerSide};
use flask_session_cookie::layer::{RequestInfo, SessionCycle};
use flask_session_cookie::store::redis::RedisStore;
use tracing::Level;

#[test]
fn server_side_events_report_pickles_and_failures_without_ids() {
    let Some(mut redis) = redis_server::Redis::start() else {
        return;
    };
    let events: Events = Arc::default();
    tracing::subscriber::set_global_default(Collect(Arc::clone(&events))).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = RedisStore::new(&redis.url()).unwrap();
    let server = ServerSide::new(Package::FlaskSession, store)
        .with_signer("dev-secret")
        .unwrap();
    let cycle = SessionCycle::new(SessionCodec::new("dev-secret").unwrap())
        .with_server_side(server.clone())
        .unwrap();
    let id = "Z".repeat(43);
    let signed =
        flask_session_cookie::flask_session::IdSigner::new(Package::FlaskSession, "dev-secret")
            .unwrap()
            .sign(&id);
    let cookie = format!("session={signed}");
    let request = RequestInfo::new().with_cookie_header(cookie.as_bytes());
    let open = || runtime.block_on(cycle.open_request_async(&request, 1_700_000_000));

    // A pickle (Flask-Session 0.6): read, and reported.
    let pickle = b"\x80\x04\x95\x0c\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01n\x94K\x01s.";
    redis.set(&format!("session:{id}"), pickle, 100);
    assert!(open().is_ok());
    // Unreadable: an error, reported.
    redis.set(&format!("session:{id}"), b"\xc1garbage", 100);
    assert!(open().is_err());
    // A forged signature: a new session, reported at debug.
    let forged = format!("session={id}.AAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let request2 = RequestInfo::new().with_cookie_header(forged.as_bytes());
    assert!(
        runtime
            .block_on(cycle.open_request_async(&request2, 1_700_000_000))
            .is_ok()
    );
    // Redis down: a store error, reported.
    redis.stop();
    assert!(open().is_err());

    let events = events.lock().unwrap();
    let text: String = events.iter().map(|(_, f)| f.as_str()).collect();
    let warned = |needle: &str| {
        events
            .iter()
            .any(|(level, fields)| *level == Level::WARN && fields.contains(needle))
    };
    assert!(warned("legacy pickled session"), "{events:#?}");
    assert!(warned("stored session cannot be read"), "{events:#?}");
    assert!(warned("kind=session store failed"), "{events:#?}");
    assert!(
        events
            .iter()
            .any(|(level, fields)| *level == Level::DEBUG && fields.contains("kind=bad signature")),
        "{events:#?}"
    );
    for secret in [id.as_str(), &signed, "dev-secret"] {
        assert!(!text.contains(secret), "{secret:?} leaked: {text}");
    }
}
