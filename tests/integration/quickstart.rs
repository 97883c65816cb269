//! The README's quickstart, kept as `examples/quickstart.rs`: the same code in both
//! places, and a real Flask with Flask-Login reading back what it writes.

use crate::common::live;
use crate::quickstart_example::{LoginSession, add_to_cart};
use flask_session_cookie::cookie::find_set_cookie;
use flask_session_cookie::{Session, SessionCodec};

const START: &str = "// The quickstart, exactly as in the README:\n";
const END: &str = "// End of the README's quickstart.";

#[test]
fn readme_quickstart_is_the_example() {
    let example = include_str!("../../examples/quickstart.rs");
    let readme = include_str!("../../README.md");
    let from = example.find(START).unwrap() + START.len();
    let to = example.find(END).unwrap();
    let code = &example[from..to];
    assert!(code.contains("fn add_to_cart"), "markers moved");
    assert!(
        readme.contains(&format!("```rust\n{code}")),
        "the README's quickstart block no longer starts with the code of \
         examples/quickstart.rs between its markers"
    );
}

#[test]
fn flask_login_reads_back_the_typed_read_modify_write() {
    let Some(flask) = live::start_script(
        "examples/quickstart_flask.py",
        &[("SECRET_KEY", "dev-secret"), ("PORT", "0")],
        false,
    ) else {
        return;
    };
    let agent = [("User-Agent", "quickstart-test/1.0")];
    let login = flask.request("GET", "/login?user=7", &agent, b"").unwrap();
    assert_eq!(login.status, 200);
    let set_cookie = login.header("Set-Cookie").unwrap();
    let cookie = find_set_cookie([set_cookie.as_bytes()], "session").unwrap();

    let codec = SessionCodec::new("dev-secret").unwrap();
    let typed: LoginSession = codec.decode_as(&cookie).unwrap();
    assert_eq!((typed.user_id.as_str(), typed.fresh), ("7", true));
    assert_eq!(typed.id.len(), 128, "Flask-Login's sha512 identifier");
    assert!(typed.rest.is_empty(), "{:?}", typed.rest.keys());
    let written = add_to_cart(&codec, &cookie, (2, "pear".into(), 1.25)).unwrap();

    let cart = |cookie: &str| {
        let header = format!("session={cookie}");
        flask
            .request("GET", "/cart", &[agent[0], ("Cookie", &header)], b"")
            .unwrap()
            .json()
    };
    let seen = cart(&written);
    assert_eq!(seen["user"], "7", "{seen}");
    assert_eq!(seen["fresh"], true, "{seen}");
    assert_eq!(seen["cart"], "[(1, 'apple', 0.5), (2, 'pear', 1.25)]");
    assert_eq!(seen["tuples"], true);

    // Why the struct keeps `_id`: without it, session protection "strong" logs out.
    let mut session: Session = codec.decode(&written).unwrap();
    session.remove("_id");
    let seen = cart(&codec.encode(&session).unwrap());
    assert_eq!(seen["user"], serde_json::Value::Null, "{seen}");
}
