//! Forgery: cookies assembled from random and mutated parts never verify; freshly
//! signed ones always do, and changing any one byte of them makes them fail.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use flask_session_cookie::{SecretKeys, Session, SessionCodec};
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_700_000_000;

fuzz_target!(|data: &[u8]| {
    // A key no corpus cookie was ever signed with.
    let codec =
        SessionCodec::new(SecretKeys::new("forgery-target-key").with_fallback("forgery-old-key"))
            .unwrap()
            .with_max_age(None);
    let mut u = Unstructured::new(data);

    // 1. Random parts, joined like a cookie: never verifies.
    let parts: Vec<String> = Vec::arbitrary(&mut u).unwrap_or_default();
    let assembled = parts.join(".");
    assert!(
        codec.open_at(&assembled, NOW).is_err(),
        "forged cookie verified: {assembled:?}"
    );

    // 2. A freshly signed session always verifies...
    let entries: Vec<(String, String)> = Vec::arbitrary(&mut u).unwrap_or_default();
    let session: Session = entries.into_iter().collect();
    let ts = u.int_in_range(0i64..=4_000_000_000).unwrap_or(NOW);
    let cookie = codec
        .encode_at(&session, ts)
        .expect("strings always encode");
    let opened = codec
        .open_at(&cookie, NOW)
        .expect("a fresh cookie must verify");
    assert_eq!(opened.value, session);
    // ...and no single-byte change survives.
    if cookie.is_empty() {
        return;
    }
    let at = u.int_in_range(0..=cookie.len() - 1).unwrap_or(0);
    let byte: u8 = u.arbitrary().unwrap_or(b'A');
    let mut mutated = cookie.clone().into_bytes();
    if mutated[at] == byte {
        return;
    }
    mutated[at] = byte;
    let mutated = String::from_utf8_lossy(&mutated).into_owned();
    assert!(
        codec.open_at(&mutated, NOW).is_err(),
        "{cookie:?} changed at {at} to {mutated:?} still verifies"
    );
});
