//! The clock-reading spellings of every operation agree with their `_at` twins under
//! a fixed clock, the system clock is the real time, and the accessors and `Debug`
//! texts say what was configured (mutation testing found these unchecked outside
//! doctests, which it cannot run).

use flask_session_cookie::itsdangerous::{
    FixedClock, Signer, SignerConfig, TimestampSigner, UrlSafeTimedSerializer,
};
use flask_session_cookie::{Clock, SecretKey, SecretKeys, Session, SessionCodec, SystemClock};

const T: i64 = 1_700_000_000;

#[test]
fn clock_spellings_match_their_at_twins() {
    let codec = SessionCodec::new("dev-secret")
        .unwrap()
        .with_clock(FixedClock(T));
    assert_eq!(codec.now(), T);
    let mut session = Session::new();
    session.insert("user_id", 42);
    let cookie = codec.encode(&session).unwrap();
    assert_eq!(cookie, codec.encode_at(&session, T).unwrap());
    assert_eq!(
        cookie,
        "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM"
    );
    #[derive(serde::Serialize)]
    struct Login {
        user_id: u32,
    }
    assert_eq!(codec.encode_as(&Login { user_id: 42 }).unwrap(), cookie);
    assert_eq!(codec.decode(&cookie).unwrap(), session);
    assert_eq!(codec.open(&cookie).unwrap().timestamp, Some(T));
    // One second past max_age by the codec's clock: expired.
    let late = codec.clone().with_clock(FixedClock(T + 2_678_401));
    assert!(late.decode(&cookie).is_err());

    let signer = TimestampSigner::new("k", SignerConfig::new())
        .unwrap()
        .with_clock(FixedClock(T));
    assert_eq!(signer.now(), T);
    assert_eq!(signer.sign("v"), signer.sign_at("v", T));
    assert!(signer.sign("v").starts_with("v.ZVPxAA."));
    assert!(signer.unsign(&signer.sign("v"), Some(0)).is_ok());

    let serializer = UrlSafeTimedSerializer::new("k", SignerConfig::new())
        .unwrap()
        .with_clock(FixedClock(T));
    let token = serializer.dumps(&"x".into()).unwrap();
    assert_eq!(token, serializer.dumps_at(&"x".into(), T).unwrap());
    assert_eq!(
        serializer.loads(&token, Some(0)).unwrap().timestamp,
        Some(T)
    );
}

#[test]
fn system_clock_is_the_real_time() {
    let real = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let ours = SystemClock.now();
    assert!((ours - real).abs() <= 2, "{ours} vs {real}");
    let codec = SessionCodec::new("k").unwrap();
    assert!((codec.now() - real).abs() <= 2);
    assert!(
        (TimestampSigner::new("k", SignerConfig::new())
            .unwrap()
            .now()
            - real)
            .abs()
            <= 2
    );
}

#[test]
fn accessors_say_what_was_configured() {
    assert_eq!(SignerConfig::flask_session().salt(), b"cookie-session");
    assert_eq!(SignerConfig::new().salt(), b"itsdangerous.Signer");
    assert_eq!(SignerConfig::new().with_salt(b"s".to_vec()).salt(), b"s");
    let signer = Signer::new("k", SignerConfig::new().with_salt(b"salt".to_vec())).unwrap();
    assert_eq!(signer.config().salt(), b"salt");
    assert_eq!(SecretKey::from("abc").len(), 3);
    assert!(SecretKey::from("abc").is_text() && SecretKey::from(String::from("a")).is_text());
    assert!(!SecretKey::from(&b"abc"[..]).is_text() && !SecretKey::from(vec![1u8]).is_text());
    assert!(!SecretKey::from_python_literal("b'abc'").unwrap().is_text());
    assert_eq!(SecretKey::from(vec![0u8; 24]).len(), 24);
    assert_eq!(SecretKeys::new("a").with_fallback("b").len(), 2);
    let codec = SessionCodec::new("k").unwrap();
    assert_eq!(codec.max_age(), Some(2_678_400));
    assert_eq!(codec.clone().with_max_age(None).max_age(), None);
    assert_eq!(codec.with_max_age(Some(60)).max_age(), Some(60));
}

#[test]
fn debug_texts_redact_keys() {
    assert_eq!(
        format!("{:?}", SecretKey::from("hunter2")),
        "SecretKey(<redacted>)"
    );
    let signer = Signer::new(
        SecretKeys::new("hunter2").with_fallback("old"),
        SignerConfig::new(),
    )
    .unwrap();
    let text = format!("{signer:?}");
    assert!(text.starts_with("Signer { config: "), "{text}");
    assert!(text.ends_with("keys: <2 redacted> }"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}
