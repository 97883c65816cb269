//! Errors name the likely cause: input that is not a bare cookie value (whitespace, a
//! `name=` prefix, a whole header), a key given as Python's repr of a bytes key, and
//! how old an expired cookie is against which limit.

use flask_session_cookie::cookie::find_cookie;
use flask_session_cookie::{ErrorKind, SecretKey, Session, SessionCodec};

const NOW: i64 = 1_700_000_000;

fn cookie(codec: &SessionCodec) -> String {
    let mut session = Session::new();
    session.insert("user", "alice");
    codec.encode_at(&session, NOW).unwrap()
}

#[test]
fn whitespace_around_the_value_is_named() {
    let codec = SessionCodec::new("dev-secret").unwrap();
    for text in [
        format!("{}\n", cookie(&codec)),
        format!(" {}", cookie(&codec)),
    ] {
        let err = codec.decode_at(&text, NOW).unwrap_err();
        assert!(
            err.detail().contains("starts or ends with whitespace"),
            "{text:?}: {err}"
        );
        // The input finder trims it, as the CLI does.
        let found = find_cookie(&text, "session").unwrap();
        assert!(codec.decode_at(&found.value, NOW).is_ok());
    }
}

#[test]
fn a_name_prefix_is_named_and_checked() {
    let codec = SessionCodec::new("dev-secret").unwrap();
    let value = cookie(&codec);
    let err = codec
        .decode_at(&format!("session={value}"), NOW)
        .unwrap_err();
    assert!(err.is_bad_signature());
    assert_eq!(
        err.to_string(),
        "bad signature: the signature does not match any secret key; the value starts with \
         \"session=\", and what follows verifies: pass only the cookie's value \
         (cookie::find_request_cookie takes it out of a Cookie header)"
    );
    // With a key that does not verify what follows either, it is only a guess.
    let other = SessionCodec::new("other").unwrap();
    let err = other
        .decode_at(&format!("session={value}"), NOW)
        .unwrap_err();
    assert!(
        err.detail().contains("which looks like a cookie's name"),
        "{err}"
    );
}

#[test]
fn a_whole_header_is_named() {
    let codec = SessionCodec::new("dev-secret").unwrap();
    let value = cookie(&codec);
    for header in [
        format!("Cookie: session={value}"),
        format!("set-cookie: session={value}; HttpOnly; Path=/"),
    ] {
        let err = codec.decode_at(&header, NOW).unwrap_err();
        assert!(err.detail().contains("this is a whole header"), "{err}");
        assert!(err.detail().contains("cookie::find_set_cookie"), "{err}");
        let found = find_cookie(&header, "session").unwrap();
        assert_eq!(found.value, value);
    }
}

#[test]
fn a_python_bytes_literal_key_is_named() {
    // Flask's old docs: SECRET_KEY = b'_5#y2L"F4Q8z\n\xec]/'
    let real = SecretKey::from(&b"_5#y2L\"F4Q8z\n\xec]/"[..]);
    let literal = r#"b'_5#y2L"F4Q8z\n\xec]/'"#;
    let value = cookie(&SessionCodec::new(real).unwrap());
    let wrong = SessionCodec::new(literal).unwrap();
    let err = wrong.decode_at(&value, NOW).unwrap_err();
    assert!(err.is_bad_signature());
    assert!(
        err.detail()
            .contains("written as a Python bytes literal (b'...')"),
        "{err}"
    );
    assert!(
        err.detail().contains("SecretKey::from_python_literal"),
        "{err}"
    );
    // As a fallback too.
    let keys = flask_session_cookie::SecretKeys::new("current").with_fallback(literal);
    let err = SessionCodec::new(keys)
        .unwrap()
        .decode_at(&value, NOW)
        .unwrap_err();
    assert!(
        err.detail().contains("SecretKey::from_python_literal"),
        "{err}"
    );
    // The suggested spelling works.
    let right = SessionCodec::new(SecretKey::from_python_literal(literal).unwrap()).unwrap();
    assert!(right.decode_at(&value, NOW).is_ok());
    // An ordinary key gets no such hint.
    let plain = SessionCodec::new("not-it").unwrap();
    let err = plain.decode_at(&value, NOW).unwrap_err();
    assert_eq!(err.detail(), "the signature does not match any secret key");
}

#[test]
fn expiry_says_how_old_which_limit_and_when_signed() {
    let codec = SessionCodec::new("dev-secret").unwrap();
    let value = cookie(&codec);
    let later = NOW + 40 * 86_400 + 4;
    let err = codec.decode_at(&value, later).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Expired {
            age: 40 * 86_400 + 4,
            max_age: 31 * 86_400,
            signed_at: NOW
        }
    );
    assert_eq!(
        err.to_string(),
        "signature expired: signed 40 days ago, at 2023-11-14 22:13:20 UTC, and max_age \
         allows 31 days; signature age 3456004 > 2678400 seconds"
    );
}
