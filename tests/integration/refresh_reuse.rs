//! Refresh without re-encoding, proven on every cookie Flask wrote in the fixtures
//! (seven Flask versions, and Flask 3.1.3's save_session vectors): where the
//! verified payload is the one the crate (and so Flask) writes for the session it
//! holds, re-signing it at a later time gives exactly the cookie encoding would;
//! where it is not, the cycle encodes (tested in the crate's own layer tests).
//! Test names contain `reuse` as the issue asks.

use flask_session_cookie::SessionCodec;

use crate::common::{fixture, s};

#[test]
fn refresh_reuse_is_flasks_cookie_for_every_canonical_fixture() {
    let mut files: Vec<String> = [
        "1.1.4", "2.0.3", "2.2.5", "2.3.3", "3.0.3", "3.1.0", "3.1.3",
    ]
    .iter()
    .map(|v| format!("flask/flask-{v}.json"))
    .collect();
    files.push("flask_sessions.json".to_owned());
    let mut totals = Vec::new();
    for file in files {
        let data = fixture(&file);
        let codec = SessionCodec::new(s(&data, "secret_key"))
            .unwrap()
            .with_max_age(None);
        let (mut canonical, mut other) = (0, 0);
        for v in data["vectors"].as_array().unwrap() {
            let cookie = s(v, "cookie");
            let session = codec.decode(cookie).unwrap();
            let later = 1_800_000_000;
            let encoded = codec.encode_at(&session, later).unwrap();
            let payload = |c: &str| c.rsplitn(3, '.').nth(2).map(str::to_owned);
            if payload(&encoded) == payload(cookie) {
                let reused = codec.resign_at(cookie, later).unwrap();
                assert_eq!(reused, encoded, "{file} {}", s(v, "name"));
                canonical += 1;
            } else {
                other += 1;
            }
        }
        totals.push((file, canonical, other));
    }
    eprintln!("refresh reuse: (fixture, canonical payloads, others) {totals:?}");
    // Every cookie every Flask version wrote is canonical (measured: 299 of 299).
    for (file, canonical, other) in &totals {
        assert!(
            *canonical > 0 && *other == 0,
            "{file}: {canonical} / {other}"
        );
    }
    assert_eq!(totals.iter().map(|t| t.1).sum::<usize>(), 299);
}
