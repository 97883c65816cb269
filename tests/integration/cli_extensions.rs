//! The CLI's Flask-Login and Flask-WTF commands (`remember`, `login-id`, `csrf`)
//! against every vector the packages made (fixtures/flask_login.json,
//! fixtures/flask_wtf.json): stdout is the bare value and a newline; a rejected
//! value exits 1 with `error: <kind>: ...`; bad usage exits 2.

use std::ffi::OsString;
use std::process::{Command, Output};

use crate::common::{fixture, i, s, unhex};
use serde_json::Value as Json;

const BIN: &str = env!("CARGO_BIN_EXE_flask-session-cookie");

fn run(args: &[OsString]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("FLASK_SECRET_KEY")
        .output()
        .unwrap()
}

fn os(s: &str) -> OsString {
    OsString::from(s)
}

#[cfg(unix)]
fn os_bytes(b: &[u8]) -> OsString {
    use std::os::unix::ffi::OsStringExt as _;
    OsString::from_vec(b.to_vec())
}

/// The key options for a fixture key: `--secret` for text, `--secret-file` for bytes.
struct KeyOptions {
    args: Vec<OsString>,
    _file: Option<tempfile_path::TempPath>,
}

mod tempfile_path {
    /// A file removed on drop.
    pub struct TempPath(pub std::path::PathBuf);
    impl Drop for TempPath {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

fn key_options(key: &Json, n: usize) -> KeyOptions {
    if let Some(text) = key["text"].as_str() {
        return KeyOptions {
            args: vec![os("--secret"), os(text)],
            _file: None,
        };
    }
    let bytes = unhex(key["bytes_hex"].as_str().unwrap());
    let path = std::env::temp_dir().join(format!("fsc-cli-key-{}-{n}", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    KeyOptions {
        args: vec![os("--secret-file"), path.clone().into_os_string()],
        _file: Some(tempfile_path::TempPath(path)),
    }
}

fn stdout_line(out: &Output, context: &str) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{context}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    text.strip_suffix('\n')
        .unwrap_or_else(|| panic!("{context}: no newline: {text:?}"))
        .to_owned()
}

fn rejected(out: &Output, kind: &str, context: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{context}: {stderr}");
    assert!(
        stderr.starts_with(&format!("error: {kind}: ")),
        "{context}: {stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{context}: {stderr}");
    assert!(out.stdout.is_empty(), "{context}");
}

#[test]
fn cli_remember_encode_and_decode_reproduce_flask_login() {
    let data = fixture("flask_login.json");
    let mut checked = 0;
    for (n, v) in data["remember"].as_array().unwrap().iter().enumerate() {
        // A text key with a NUL cannot be an argument or an environment variable.
        if v["key"]["text"].as_str().is_some_and(|k| k.contains('\0')) {
            continue;
        }
        let key = key_options(&v["key"], n);
        let context = v.to_string();
        let mut args = vec![os("remember"), os("encode")];
        args.extend(key.args.iter().cloned());
        args.extend([os("--"), os(s(v, "user_id"))]);
        let out = run(&args);
        if v["error"].is_string() || key.args[1].is_empty() {
            // Non-Latin-1 str key (Python: UnicodeEncodeError) or empty key: usage.
            assert_eq!(out.status.code(), Some(2), "{context}");
            continue;
        }
        if v["key"]["bytes_hex"].as_str() == Some("") {
            assert_eq!(out.status.code(), Some(2), "{context}");
            continue;
        }
        assert_eq!(stdout_line(&out, &context), s(v, "token"));
        let mut args = vec![os("remember"), os("decode")];
        args.extend(key.args.iter().cloned());
        args.extend([os("--"), os(s(v, "token"))]);
        assert_eq!(stdout_line(&run(&args), &context), s(v, "user_id"));
        checked += 1;
    }
    // 5 keys x 10 user ids, less the empty key and the key with a NUL.
    assert_eq!(checked, 30);
    for v in data["decode"].as_array().unwrap() {
        let args = [
            os("remember"),
            os("decode"),
            os("--secret"),
            os("dev-secret"),
            os("--"),
            os(s(v, "token")),
        ];
        let out = run(&args);
        match v["user_id"].as_str() {
            Some(user) => assert_eq!(stdout_line(&out, s(v, "token")), user),
            None => {
                let kind = if s(v, "token").contains('|') {
                    "signature"
                } else {
                    "malformed"
                };
                rejected(&out, kind, s(v, "token"));
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn cli_login_id_reproduces_flask_login() {
    let data = fixture("flask_login.json");
    let mut checked = 0;
    for v in data["identifiers"].as_array().unwrap() {
        let mut args = vec![os("login-id")];
        if let Some(addr) = v["remote_addr"].as_str() {
            args.extend([os("--remote-addr"), os(addr)]);
        }
        if let Some(hex) = v["forwarded_for_hex"].as_str() {
            args.extend([os("--forwarded-for"), os_bytes(&unhex(hex))]);
        }
        if let Some(hex) = v["user_agent_hex"].as_str() {
            args.extend([os("--user-agent"), os_bytes(&unhex(hex))]);
        }
        assert_eq!(stdout_line(&run(&args), &v.to_string()), s(v, "id"));
        checked += 1;
    }
    assert_eq!(checked, 68);
}

#[test]
fn cli_csrf_encode_and_decode_reproduce_flask_wtf() {
    let data = fixture("flask_wtf.json");
    for (n, v) in data["tokens"].as_array().unwrap().iter().enumerate() {
        let key = key_options(&v["key"], 1000 + n);
        let ts = i(v, "timestamp").to_string();
        let mut args = vec![os("csrf"), os("encode")];
        args.extend(key.args.iter().cloned());
        args.extend([os("--timestamp"), os(&ts), os("--"), os(s(v, "raw"))]);
        assert_eq!(stdout_line(&run(&args), &v.to_string()), s(v, "token"));
        let mut args = vec![os("csrf"), os("decode")];
        args.extend(key.args.iter().cloned());
        args.extend([os("--now"), os(&ts), os("--"), os(s(v, "token"))]);
        assert_eq!(stdout_line(&run(&args), &v.to_string()), s(v, "raw"));
    }
    // validate_csrf's loads: what decodes, what is expired, what is refused.
    for v in data["validate"].as_array().unwrap() {
        let Some(token) = v["token"].as_str().filter(|t| !t.is_empty()) else {
            continue;
        };
        let name = s(v, "name");
        let mut args = vec![
            os("csrf"),
            os("decode"),
            os("--secret"),
            os("dev-secret"),
            os("--now"),
            os(&i(v, "now").to_string()),
        ];
        match v["time_limit"].as_u64() {
            Some(limit) => args.extend([os("--time-limit"), os(&limit.to_string())]),
            None => args.push(os("--no-time-limit")),
        }
        args.extend([os("--"), os(token)]);
        let out = run(&args);
        match (name, v["reason"].as_str()) {
            ("noncanonical_signature", _) => rejected(&out, "malformed", name),
            (_, None) | (_, Some("The CSRF tokens do not match.")) => {
                // Authentic and current: the raw token inside.
                assert_eq!(stdout_line(&out, name).len(), 40, "{name}");
            }
            (_, Some("The CSRF token has expired.")) => rejected(&out, "expired", name),
            (_, Some("The CSRF token is invalid.")) => {
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
                assert!(
                    stderr.starts_with("error: signature: ")
                        || stderr.starts_with("error: malformed: "),
                    "{name}: {stderr}"
                );
            }
            (_, Some(_)) => {}
        }
    }
}

#[test]
fn cli_remember_and_csrf_usage_errors() {
    for args in [
        vec!["remember", "encode", "42"],
        vec!["remember", "encode", "--secret", "", "42"],
        vec!["remember", "decode", "--secret", "k"],
        vec![
            "csrf",
            "decode",
            "--secret",
            "k",
            "--time-limit",
            "5",
            "--no-time-limit",
            "x",
        ],
        vec!["csrf", "encode", "x"],
        vec!["login-id", "--bogus"],
    ] {
        let args: Vec<OsString> = args.into_iter().map(os).collect();
        assert_eq!(run(&args).status.code(), Some(2), "{args:?}");
    }
    // A user id that starts with '-' needs no `--`.
    let out = run(&[
        os("remember"),
        os("encode"),
        os("--secret"),
        os("k"),
        os("-1"),
    ]);
    assert!(stdout_line(&out, "-1").starts_with("-1|"));
}
