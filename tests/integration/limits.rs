//! Limits under attack: zlib bombs stop at the cap in bounded time and memory, deep
//! nesting is refused without a stack overflow, huge cookies are refused before any
//! hashing, long integers are refused as Python refuses them. Every limit is
//! configurable and tested at its boundary.
//!
//! Memory is measured as the process's peak resident set (`VmHWM`, reset through
//! `/proc/self/clear_refs`), so the memory checks run in one test, one at a time.

use std::io::Write as _;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flask_session_cookie::error::Limit;
use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
use flask_session_cookie::{ErrorKind, Limits, SessionCodec};

const TS: i64 = 1_700_000_000;

/// The tests here measure the whole process's memory and time: one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A validly signed cookie whose payload inflates to `{"a":"AAAA…"}` of `size` bytes,
/// compressed in 64 KiB steps so that building it never holds the whole text.
fn bomb(size: usize) -> String {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(br#"{"a":""#).unwrap();
    let chunk = vec![b'A'; 64 * 1024];
    let mut left = size - 8;
    while left > 0 {
        let n = left.min(chunk.len());
        z.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    z.write_all(br#""}"#).unwrap();
    let payload = format!(".{}", URL_SAFE_NO_PAD.encode(z.finish().unwrap()));
    TimestampSigner::new("dev-secret", SignerConfig::flask_session())
        .unwrap()
        .sign_at(&payload, TS)
}

fn status_kib(field: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Runs `f`, returning its result, its time, and the peak memory it added (KiB).
fn measure<T>(f: impl FnOnce() -> T) -> (T, Duration, usize) {
    std::fs::write("/proc/self/clear_refs", "5").unwrap(); // reset VmHWM to VmRSS
    let before = status_kib("VmRSS:");
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    let peak = status_kib("VmHWM:");
    (out, took, peak.saturating_sub(before))
}

#[test]
fn zlib_bombs_stop_at_the_cap_fast_and_small() {
    let _serial = serial();
    for (mib, cookie_limit) in [(4, Limits::DEFAULT_MAX_COOKIE_LEN), (64, 1 << 20)] {
        let cookie = bomb(mib << 20);
        // A 64 MiB bomb needs a cookie of ~87 KB: by default it is refused for its
        // length; with the length limit raised it reaches the inflate cap.
        if cookie.len() > Limits::DEFAULT_MAX_COOKIE_LEN {
            let err = SessionCodec::new("dev-secret")
                .unwrap()
                .decode_at(&cookie, TS)
                .unwrap_err();
            assert_eq!(err.kind(), &ErrorKind::LimitExceeded(Limit::CookieLength));
        }
        let codec = SessionCodec::new("dev-secret")
            .unwrap()
            .with_limits(Limits::new().with_max_cookie_len(cookie_limit));
        let _ = codec.decode_at("warm.up.AAAAAAAAAAAAAAAAAAAAAAAAAAA", TS);
        let (result, took, extra_kib) = measure(|| codec.decode_at(&cookie, TS));
        let err = result.unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::LimitExceeded(Limit::InflatedSize),
            "{mib} MiB bomb"
        );
        assert_eq!(
            err.detail(),
            "the payload inflates to more than 262144 bytes"
        );
        eprintln!(
            "{mib} MiB bomb ({} byte cookie): rejected in {took:?}, +{extra_kib} KiB peak",
            cookie.len()
        );
        assert!(extra_kib < 16 * 1024, "{mib} MiB bomb used {extra_kib} KiB");
    }
    // The cap is configurable, and a payload of exactly the cap is accepted.
    let exact = bomb(100_000);
    let at_cap = SessionCodec::new("dev-secret")
        .unwrap()
        .with_limits(Limits::new().with_max_inflated_len(100_000));
    assert!(at_cap.decode_at(&exact, TS).is_ok());
    let below = SessionCodec::new("dev-secret")
        .unwrap()
        .with_limits(Limits::new().with_max_inflated_len(99_999));
    assert_eq!(
        below.decode_at(&exact, TS).unwrap_err().kind(),
        &ErrorKind::LimitExceeded(Limit::InflatedSize)
    );
}

#[test]
fn huge_cookie_is_refused_before_hashing() {
    let _serial = serial();
    let codec = SessionCodec::new("dev-secret").unwrap();
    let huge = format!(
        "{}.ZVPxAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "A".repeat(10_000_000)
    );
    // Hashing 10 MB takes milliseconds; a length check takes nothing.
    let signer = flask_session_cookie::itsdangerous::Signer::new(
        "dev-secret",
        SignerConfig::flask_session(),
    )
    .unwrap();
    let start = Instant::now();
    let _ = signer.signature(huge.as_bytes());
    let hashing = start.elapsed();
    // The best of five: one preemption of this thread must not decide the test.
    let mut rejecting = std::time::Duration::MAX;
    let mut err = None;
    for _ in 0..5 {
        let start = Instant::now();
        err = Some(codec.decode_at(&huge, TS).unwrap_err());
        rejecting = rejecting.min(start.elapsed());
    }
    let err = err.unwrap();
    assert_eq!(err.kind(), &ErrorKind::LimitExceeded(Limit::CookieLength));
    assert_eq!(
        err.detail(),
        "the value is 10000035 bytes long, more than the limit of 16384"
    );
    assert!(err.is_bad_signature(), "Flask would start an empty session");
    eprintln!("10 MB cookie: hashing it takes {hashing:?}, refusing it {rejecting:?}");
    assert!(
        rejecting * 20 < hashing,
        "refusal ({rejecting:?}) is not clearly cheaper than hashing ({hashing:?})"
    );
    // At the limit it is read (and fails on its signature, not its length).
    let at_limit = "A".repeat(16_384 - 35) + ".ZVPxAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA";
    assert_eq!(at_limit.len(), 16_384);
    assert_eq!(
        codec.decode_at(&at_limit, TS).unwrap_err().kind(),
        &ErrorKind::BadSignature
    );
}

#[test]
fn deep_nesting_and_long_integers() {
    let _serial = serial();
    let signer = TimestampSigner::new("dev-secret", SignerConfig::flask_session()).unwrap();
    let sign_json = |json: &str| {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(json.as_bytes()).unwrap();
        signer.sign_at(
            &format!(".{}", URL_SAFE_NO_PAD.encode(z.finish().unwrap())),
            TS,
        )
    };
    let codec = SessionCodec::new("dev-secret").unwrap();
    let limit = Limits::DEFAULT_MAX_DEPTH;
    for depth in [limit + 1, 100_000, 200_000] {
        let cookie = sign_json(&format!("{{\"a\":{}}}", "[".repeat(depth)));
        let err = codec.decode_at(&cookie, TS).unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::LimitExceeded(Limit::Depth),
            "depth {depth}"
        );
    }
    // 127 lists inside the session dict: 128 levels, the default limit, accepted.
    let ok = sign_json(&format!(
        "{{\"a\":{}{}}}",
        "[".repeat(limit - 1),
        "]".repeat(limit - 1)
    ));
    assert!(codec.decode_at(&ok, TS).is_ok());
    let shallow = codec.clone().with_limits(Limits::new().with_max_depth(3));
    assert!(shallow.decode_at(&sign_json(r#"{"a":[[]]}"#), TS).is_ok());
    assert_eq!(
        shallow
            .decode_at(&sign_json(r#"{"a":[[[]]]}"#), TS)
            .unwrap_err()
            .kind(),
        &ErrorKind::LimitExceeded(Limit::Depth)
    );

    for (digits, ok) in [(4_300, true), (4_301, false), (5_000, false)] {
        let cookie = sign_json(&format!("{{\"n\":{}}}", "7".repeat(digits)));
        let got = codec.decode_at(&cookie, TS);
        assert_eq!(got.is_ok(), ok, "{digits} digits: {got:?}");
        if !ok {
            assert_eq!(
                got.unwrap_err().kind(),
                &ErrorKind::LimitExceeded(Limit::IntegerDigits)
            );
        }
    }
    let strict = codec.with_limits(Limits::new().with_max_int_digits(3));
    assert!(strict.decode_at(&sign_json(r#"{"n":-999}"#), TS).is_ok());
    assert!(strict.decode_at(&sign_json(r#"{"n":1000}"#), TS).is_err());
}
