//! What a second newcomer tripped over (issue "second newcomer"), each checked by
//! running the command-line tool as they did.

use std::io::Write as _;
use std::process::{Command, Output};

use crate::common::cli::run;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const COOKIE: &str = "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM";

/// `curl -si URL | flask-session-cookie decode -` on a response Flask sent without
/// a cookie: says so, instead of reading the headers as cookie pairs.
#[test]
fn a_response_without_cookies_is_named_as_such() {
    let response = b"HTTP/1.1 200 OK\r\nServer: Werkzeug/3.1.9 Python/3.11.7\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 5\r\nVary: Cookie\r\n\r\nhello";
    let out = run(&["decode", "--secret", "dev-secret", "-"], response);
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains("read as an HTTP message"), "{err}");
    assert!(err.contains("no Cookie or Set-Cookie header"), "{err}");
    assert!(!err.contains("signature has"), "{err}");
}

/// Errors say what to try.
#[test]
fn cli_errors_say_what_to_try() {
    let out = run(
        &[
            "decode",
            "--secret",
            "wrong-key",
            "--now",
            "1700000000",
            COOKIE,
        ],
        b"",
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.starts_with("error: signature: "), "{err}");
    for hint in ["--fallback", "b'", "--secret-hex", "--unverified"] {
        assert!(err.contains(hint), "{hint}: {err}");
    }
    let out = run(
        &[
            "decode",
            "--secret",
            "\\x01\\x02",
            "--now",
            "1700000000",
            COOKIE,
        ],
        b"",
    );
    assert!(
        stderr(&out).contains("the key holds \\x escapes as text"),
        "{}",
        stderr(&out)
    );
    let out = run(&["decode", "--secret", "dev-secret", COOKIE], b"");
    let err = stderr(&out);
    assert!(err.starts_with("error: expired: "), "{err}");
    assert!(
        err.contains("--no-max-age") && err.contains("--now"),
        "{err}"
    );
    let out = run(&["decode", COOKIE], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--secret-hex"), "{}", stderr(&out));
}

/// The README's crack example finds its key, as written.
#[test]
fn the_readme_crack_example_works() {
    let readme = include_str!("../../README.md");
    let line = readme
        .lines()
        .find(|l| l.starts_with("flask-session-cookie crack '"))
        .expect("the README has a crack example");
    let cookie = line.split('\'').nth(1).unwrap();
    let key = line.rsplit(": ").next().unwrap();
    let out = run(&["crack", "--no-progress", cookie], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), key);
}

/// Help texts that misled.
#[test]
fn help_texts_say_what_the_options_do() {
    let help = |args: &[&str]| String::from_utf8_lossy(&run(args, b"").stdout).into_owned();
    let remember = help(&["remember", "encode", "--help"]);
    assert!(!remember.contains("--fallback"), "{remember}");
    let crack = help(&["crack", "--help"]);
    let verbose = crack.split("-v, --verbose").nth(1).unwrap_or_default();
    assert!(verbose.contains("rate"), "{crack}");
    assert!(include_str!("../../README.md").contains("flask_session_cookie::time"));
}

/// axum served without `into_make_service_with_connect_info` under session
/// protection: every request says what to fix (500), instead of silently making
/// Flask's logins stale; `X-Forwarded-For` or an explicit opt-out serve it.
#[cfg(feature = "axum")]
#[test]
fn a_missing_client_address_is_impossible_to_miss() {
    use flask_session_cookie::SessionCodec;
    use flask_session_cookie::axum::{FlaskLogin, SessionLayer};
    use flask_session_cookie::flask_login::LoginConfig;
    use std::io::Read as _;

    let app = |allow: bool| {
        axum::Router::new()
            .route(
                "/whoami",
                axum::routing::get(|l: FlaskLogin| async move { l.user_id().unwrap_or_default() }),
            )
            .layer(
                SessionLayer::new(SessionCodec::new("dev-secret").unwrap())
                    .with_login(LoginConfig::new("dev-secret").unwrap())
                    .with_unknown_client_address(allow),
            )
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let get = |port: u16, extra: &str| {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "GET /whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{extra}\r\n"
        )
        .unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        raw
    };
    for allow in [false, true] {
        // Served the way the README's first axum example once left out.
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        runtime.spawn(async move { axum::serve(listener, app(allow)).await });
        let plain = get(port, "");
        let forwarded = get(port, "X-Forwarded-For: 203.0.113.9\r\n");
        assert!(forwarded.starts_with("HTTP/1.1 200"), "{forwarded}");
        if allow {
            assert!(plain.starts_with("HTTP/1.1 200"), "{plain}");
        } else {
            assert!(plain.starts_with("HTTP/1.1 500"), "{plain}");
            assert!(
                plain.contains("into_make_service_with_connect_info"),
                "{plain}"
            );
        }
    }
}

/// A typed read that fails names where: `cart[2].1`.
#[test]
fn typed_read_errors_name_the_path() {
    use flask_session_cookie::{SessionCodec, Value};
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Shop {
        cart: Vec<(u32, String)>,
        #[serde(rename = "user info")]
        user: std::collections::BTreeMap<String, u32>,
    }
    let codec = SessionCodec::new("dev-secret").unwrap();
    let mut session = flask_session_cookie::Session::new();
    let item = |n: i64, name: Value| Value::Tuple(vec![Value::from(n), name]);
    session.insert(
        "cart",
        Value::List(vec![
            item(1, "a".into()),
            item(2, "b".into()),
            item(3, Value::from(1)),
        ]),
    );
    session.insert("user info", Value::Dict([("age", 3)].into_iter().collect()));
    let cookie = codec.encode(&session).unwrap();
    let err = codec.decode_as::<Shop>(&cookie).unwrap_err();
    assert!(
        err.detail()
            .starts_with("cart[2].1: invalid type: integer `1`"),
        "{err}"
    );
    session.insert("cart", Value::List(vec![]));
    session.insert(
        "user info",
        Value::Dict([("age", "x")].into_iter().collect()),
    );
    let cookie = codec.encode(&session).unwrap();
    let err = codec.decode_as::<Shop>(&cookie).unwrap_err();
    assert!(err.detail().starts_with("[\"user info\"].age: "), "{err}");
}

fn venv_python() -> Option<String> {
    std::env::var("FLASK_PYTHON").ok().or_else(|| {
        let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/target/flask-venv/bin/python");
        std::path::Path::new(venv).exists().then(|| venv.to_owned())
    })
}

/// flask-unsign's habit: `encode --input python` takes a Python dict literal and
/// writes the cookie Flask 3.1.3 writes for `ast.literal_eval` of it (checked by
/// running both).
#[test]
fn encode_takes_a_python_dict_literal_as_flask_unsign_does() {
    let Some(python) = venv_python() else {
        assert!(
            std::env::var("FSC_REQUIRE_FLASK").is_err(),
            "no venv python"
        );
        return;
    };
    let literals = [
        "{'logged_in': True, 'cart': [(1, 'a')], 'b': b'x'}",
        r#"{"user": 'é\u00e9\x41', 'n': -1_000, 'f': 1.5e3, 'h': 0x1F, 'none': None, 't': (1,), 'big': 2**0 if False else 10**30}"#,
        "{'raw': r'\\n', 'joined': 'a' \"b\", 'nested': {'x': [1, 2.5, -0.0]}, 'bytes': b'\\x00\\xff'}",
        "{'_flashes': [('message', 'Hi')], '_fresh': False, '_user_id': '42'}",
    ];
    for literal in literals {
        let flask = Command::new(&python)
            .args([
                "-W",
                "ignore",
                "-c",
                r#"
import ast, sys, unittest.mock as m
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
app = Flask("x"); app.secret_key = "dev-secret"
s = SecureCookieSessionInterface().get_signing_serializer(app)
try:
    value = ast.literal_eval(sys.argv[1])
except Exception as e:
    print("REFUSED"); sys.exit(0)
with app.app_context(), m.patch("itsdangerous.timed.time.time", return_value=1700000000):
    print(s.dumps(value))
"#,
                literal,
            ])
            .output()
            .unwrap();
        let want = String::from_utf8(flask.stdout).unwrap();
        let out = run(
            &[
                "encode",
                "--input",
                "python",
                "--secret",
                "dev-secret",
                "--timestamp",
                "1700000000",
                literal,
            ],
            b"",
        );
        if want.trim() == "REFUSED" {
            assert_eq!(out.status.code(), Some(2), "{literal}");
        } else {
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                want,
                "{literal}: {}",
                stderr(&out)
            );
        }
    }
}

/// flask-unsign's habit: `decode --server URL` and `crack --server URL` take the
/// session cookie from one GET of the page (a real Flask on 127.0.0.1).
#[test]
fn decode_and_crack_fetch_the_cookie_from_a_server() {
    let Some(flask) = crate::common::live::start_script(
        "examples/shared_login_flask.py",
        &[
            ("SECRET_KEY", "dev-secret"),
            ("SECRET_KEY_FALLBACKS", ""),
            ("PORT", "0"),
        ],
        false,
    ) else {
        return;
    };
    let url = format!("http://127.0.0.1:{}/login?user=42", flask.port);
    let out = run(
        &[
            "decode",
            "--secret",
            "dev-secret",
            "--format",
            "repr",
            "--server",
            &url,
        ],
        b"",
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(text.contains("'_user_id': '42'"), "{text}");
    let list = std::env::temp_dir().join(format!("fsc-server-{}.txt", std::process::id()));
    std::fs::write(&list, "secret\ndev-secret\n").unwrap();
    let out = run(
        &[
            "crack",
            "--no-progress",
            "--wordlist",
            list.to_str().unwrap(),
            "--server",
            &url,
        ],
        b"",
    );
    let _ = std::fs::remove_file(&list);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "dev-secret\n",
        "{}",
        stderr(&out)
    );
    // A page that sets no cookie says so; https is named.
    let out = run(
        &[
            "decode",
            "--secret",
            "dev-secret",
            "--server",
            &format!("http://127.0.0.1:{}/whoami", flask.port),
        ],
        b"",
    );
    assert!(
        stderr(&out).contains("no Cookie or Set-Cookie header"),
        "{}",
        stderr(&out)
    );
    let out = run(
        &[
            "decode",
            "--secret",
            "k",
            "--server",
            "https://example.com/",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("curl -si"), "{}", stderr(&out));
}
