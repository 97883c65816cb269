//! The `tracing` events of the session cycle, in a test binary of their own: a
//! subscriber is process-wide state, and other tests would run the same callsites
//! on other threads at the same time.
#![cfg(feature = "axum")]

#[path = "support/collect.rs"]
mod collect;

use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
use flask_session_cookie::{Session, SessionCodec};

fn codec() -> SessionCodec {
    SessionCodec::new("dev-secret").unwrap()
}

/// Every rejection and every 500 is a `tracing` event, at debug for a client's bad
/// cookie and at warn for a 500, carrying the error kind and never the key or the
/// cookie's value.
#[test]
fn rejections_and_500s_are_traced_without_secrets() {
    use axum::response::IntoResponse as _;
    use collect::{Collect, Events};
    use flask_session_cookie::layer::SessionCycle;
    use std::sync::Arc;
    use tracing::Level;

    let key = "dev-secret";
    let signer = TimestampSigner::new(key, SignerConfig::flask_session()).unwrap();
    let good: Session = [("n", 1)].into_iter().collect();
    let expired = codec().encode_at(&good, 1_000).unwrap();
    let forged = SessionCodec::new("guessed")
        .unwrap()
        .encode_at(&good, 1_990)
        .unwrap();
    let truncated = expired[..expired.len() - 1].to_owned();
    // Validly signed, but not Flask's JSON: Flask answers 500.
    let not_json = signer.sign_at("bm90IGpzb24", 1_990);
    let events: Events = Arc::default();
    let cycle = SessionCycle::new(codec().with_max_age(Some(60)));
    // The only test of this binary: a global subscriber, no other thread.
    tracing::subscriber::set_global_default(Collect(Arc::clone(&events))).unwrap();
    {
        for cookie in [&expired, &forged, &truncated] {
            let header = format!("session={cookie}");
            assert!(cycle.open_at([header.as_bytes()], 2_000).is_ok());
        }
        let header = format!("session={not_json}");
        let err = cycle.open_at([header.as_bytes()], 2_000).unwrap_err();
        assert_eq!(err.into_response().status(), 500);
        let session = cycle.open_at(std::iter::empty(), 2_000).unwrap();
        session.insert("big", "x".repeat(20_000));
        let noise: Vec<i64> = (0..3_000).map(|i| i * 7919 % 10_007).collect();
        session.insert_as("noise", &noise).unwrap();
        assert!(cycle.finish_at(&session, 2_000).is_err());
        let bad = codec().decode("garbage").unwrap_err();
        assert_eq!(bad.into_response().status(), 400);
    }
    let events = events.lock().unwrap();
    let levels: Vec<Level> = events.iter().map(|(l, _)| *l).collect();
    assert_eq!(
        levels,
        [
            Level::DEBUG, // expired
            Level::DEBUG, // forged
            Level::DEBUG, // truncated
            Level::WARN,  // verified but unreadable: 500
            Level::WARN,  // the handler's error: 500
            Level::WARN,  // too big to save: 500
            Level::DEBUG, // the handler's bad token: 400
        ],
        "{events:?}"
    );
    let text: String = events.iter().map(|(_, f)| f.as_str()).collect();
    for kind in [
        "signature expired",
        "bad signature",
        "malformed token",
        "bad payload (json)",
        "limit exceeded (cookie length)",
    ] {
        assert!(text.contains(&format!("kind={kind}")), "{kind}: {text}");
    }
    for secret in [
        key,
        &expired[..20],
        &forged[..20],
        &not_json[..11],
        "guessed",
    ] {
        assert!(!text.contains(secret), "{secret:?} leaked: {text}");
    }
}
