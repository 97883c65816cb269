//! Secrets hygiene: no `Debug` output of a type that holds a key shows the key, and
//! error messages never contain key material.

use flask_session_cookie::itsdangerous::{
    Signer, SignerConfig, TimestampSigner, UrlSafeSerializer, UrlSafeTimedSerializer,
};
use flask_session_cookie::{SecretKey, SecretKeys, SessionCodec};

const KEY: &str = "hunter2-very-secret";
const OLD: &str = "old-correct-horse";

fn assert_redacted(what: &str, debug: String) {
    for secret in [KEY, OLD, "hunter2", "correct-horse"] {
        assert!(!debug.contains(secret), "{what} Debug shows a key: {debug}");
    }
    // Byte keys would show as lists of numbers: 104 117 110 116 = "hunt".
    assert!(
        !debug.contains("104, 117, 110, 116"),
        "{what} Debug shows key bytes: {debug}"
    );
}

#[test]
fn debug_of_every_key_holding_type_is_redacted() {
    let keys = || SecretKeys::new(KEY).with_fallback(OLD);
    assert_redacted("SecretKey", format!("{:?}", SecretKey::from(KEY)));
    assert_redacted(
        "SecretKey(bytes)",
        format!("{:?}", SecretKey::from(KEY.as_bytes().to_vec())),
    );
    assert_redacted("SecretKeys", format!("{:?}", keys()));
    assert_redacted(
        "Signer",
        format!("{:?}", Signer::new(keys(), SignerConfig::new()).unwrap()),
    );
    assert_redacted(
        "TimestampSigner",
        format!(
            "{:?}",
            TimestampSigner::new(keys(), SignerConfig::new()).unwrap()
        ),
    );
    assert_redacted(
        "UrlSafeSerializer",
        format!(
            "{:?}",
            UrlSafeSerializer::new(keys(), SignerConfig::new()).unwrap()
        ),
    );
    assert_redacted(
        "UrlSafeTimedSerializer",
        format!(
            "{:?}",
            UrlSafeTimedSerializer::new(keys(), SignerConfig::new()).unwrap()
        ),
    );
    let codec = SessionCodec::new(keys()).unwrap();
    assert_redacted("SessionCodec", format!("{codec:?}"));
    assert_redacted("SessionCodec (pretty)", format!("{codec:#?}"));
}

#[test]
fn errors_never_contain_keys() {
    let codec = SessionCodec::new(SecretKeys::new(KEY).with_fallback(OLD)).unwrap();
    let other = SessionCodec::new("someone-else").unwrap();
    let cookie = other
        .encode_at(&[("a", 1)].into_iter().collect(), 1_700_000_000)
        .unwrap();
    for input in [
        cookie.as_str(),
        "",
        "x",
        "a.b.c",
        "e30.ZVPxAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let err = codec.decode_at(input, 1_700_000_000).unwrap_err();
        assert_redacted("Error Display", err.to_string());
        assert_redacted("Error Debug", format!("{err:?}"));
    }
}

/// Security review round 2: the session's secret-bearing values (Flask-WTF's raw
/// CSRF token, Flask-Login's `_id`) never show in `Debug` of `Session`,
/// `FlaskSession` or `FlaskLogin`, while the other keys and values do.
#[test]
fn debug_of_sessions_and_logins_hides_csrf_tokens_and_identifiers() {
    use flask_session_cookie::Session;
    use flask_session_cookie::flask_login::{ClientInfo, FlaskLogin, LoginConfig, LoginOptions};
    use flask_session_cookie::flask_wtf::CsrfConfig;
    use flask_session_cookie::session::FlaskSession;

    const RAW: &str = "51c0ae4e67ece03d97accfc9c90ac2a0e5868131";
    let mut session = Session::new();
    session.insert("cart", "visible-item");
    session.insert("csrf_token", RAW);
    session.insert("form-csrf_token", RAW);
    let flask = FlaskSession::detached(session.clone());
    // A login puts `_id` (the identifier) in the session; a CSRF token joins it.
    let login = FlaskLogin::new(
        flask.clone(),
        std::sync::Arc::new(LoginConfig::new(KEY).unwrap()),
        &ClientInfo::new(Some("203.0.113.9")).with_user_agent(Some(b"Mozilla/5.0")),
        None,
    );
    login.login_user("42", LoginOptions::new());
    let id = flask.get_as::<String>("_id").unwrap().unwrap();
    let token = CsrfConfig::new(KEY)
        .unwrap()
        .generate_for(&flask, 0)
        .unwrap();
    for (what, debug) in [
        ("Session", format!("{session:?}")),
        ("Session (pretty)", format!("{session:#?}")),
        ("FlaskSession", format!("{flask:?}")),
        ("FlaskLogin", format!("{login:?}")),
        ("FlaskLogin (pretty)", format!("{login:#?}")),
    ] {
        assert!(!debug.contains(RAW), "{what} shows the CSRF token: {debug}");
        assert!(!debug.contains(&id), "{what} shows _id: {debug}");
        assert!(
            !debug.contains(&token),
            "{what} shows the form token: {debug}"
        );
        assert!(debug.contains("visible-item"), "{what}: {debug}");
        assert!(debug.contains("<redacted>"), "{what}: {debug}");
        assert_redacted(what, debug);
    }
}
