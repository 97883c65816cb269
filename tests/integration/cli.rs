//! The command-line contract: arguments, input forms, output formats, exit statuses.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use flask_session_cookie::itsdangerous::{Signer, SignerConfig};

const BIN: &str = env!("CARGO_BIN_EXE_flask-session-cookie");
const FLASHES: &str = ".eJyrVopPy0kszkgtVrKKrlZSKAFSSrmpxcWJ6alKOkoeqTk5-YpKsbU6MLnUoqL8IqCMU2KKQklGZl46UDK2FgA3zxbx.ZVPxAA.EWfjMLKKYfPVy62qUkFKlzvpb08";
const FLASHES_JSON: &str =
    r#"{"_flashes":[{" t":["message","Hello!"]},{" t":["error","Bad thing"]}]}"#;
const USER: &str = "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM";
const USER_OLD_KEY: &str = "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.sMoyEzU2dlrtSHXvXm8qA2jAnjs";

fn run(args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_remove("FLASK_SECRET_KEY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = run(args, None, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs, expects exit 1 and exactly one stderr line `error: <kind>: ...`.
fn rejected(args: &[&str], kind: &str) -> String {
    let out = run(args, None, &[]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!("error: {kind}: ")),
        "{args:?}: {stderr}"
    );
    assert!(out.stdout.is_empty());
    stderr
}

fn usage(args: &[&str]) {
    let out = run(args, None, &[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const KEY: [&str; 4] = ["--secret", "dev-secret", "--now", "1700000000"];

fn decode(extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ["decode"]
        .iter()
        .chain(KEY.iter())
        .map(|s| s.to_string())
        .collect();
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

/// `encode --secret dev-secret --timestamp 1700000000` plus `extra`.
fn encode(extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = [
        "encode",
        "--secret",
        "dev-secret",
        "--timestamp",
        "1700000000",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn decode_tagged_is_flask_json_exactly() {
    assert_eq!(
        ok(&strs(&decode(&["--format", "tagged", FLASHES]))),
        format!("{FLASHES_JSON}\n")
    );
}

#[test]
fn decode_json_is_plain() {
    assert_eq!(
        ok(&strs(&decode(&["--format", "json", FLASHES]))),
        "{\"_flashes\":[[\"message\",\"Hello!\"],[\"error\",\"Bad thing\"]]}\n"
    );
}

#[test]
fn decode_pretty_shows_types_and_signing() {
    let out = ok(&strs(&decode(&[FLASHES])));
    assert!(
        out.contains("verified: yes, signed with the current secret key"),
        "{out}"
    );
    assert!(
        out.contains("signed at: 2023-11-14T22:13:20Z (1700000000), age 0 s"),
        "{out}"
    );
    assert!(out.contains("compressed: yes"), "{out}");
    assert!(
        out.contains("'_flashes': [('message', 'Hello!'), ('error', 'Bad thing')]"),
        "{out}"
    );
}

#[test]
fn decode_accepts_pairs_headers_and_stdin() {
    let want = "{\"user_id\":42}\n";
    for input in [
        USER.to_string(),
        format!("session={USER}"),
        format!("Cookie: theme=dark; session={USER}; other=1"),
        format!("Set-Cookie: session={USER}; HttpOnly; Path=/"),
        format!("session=\"{USER}\""),
    ] {
        assert_eq!(
            ok(&strs(&decode(&["--format", "tagged", &input]))),
            want,
            "{input}"
        );
    }
    for arg in [None, Some("-")] {
        let mut args = decode(&["--format", "tagged"]);
        if let Some(a) = arg {
            args.push(a.into());
        }
        let out = run(&strs(&args), Some(&format!("{USER}\n")), &[]);
        assert_eq!(String::from_utf8(out.stdout).unwrap(), want);
    }
    // The first cookie of that name wins, as in Flask.
    let first = format!("session={USER}; session=garbage");
    assert_eq!(ok(&strs(&decode(&["--format", "tagged", &first]))), want);
    usage(&strs(&decode(&["theme=dark; lang=en"])));

    // A whole response, as `curl -si` prints it: the last Set-Cookie of the name wins.
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\
         Set-Cookie: session=garbage.x.y; Path=/\r\n\
         Set-Cookie: theme=dark; Path=/\r\n\
         Set-Cookie: session={USER}; HttpOnly; Path=/\r\n\r\n<html></html>\n"
    );
    let out = run(
        &strs(&decode(&["--format", "tagged", "-"])),
        Some(&response),
        &[],
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), want);
    // curl -v: request lines with "> ", response lines with "< ".
    let verbose = format!(
        "> GET / HTTP/1.1\n> Cookie: session=old.a.b\n>\n< HTTP/1.1 200 OK\n\
         < set-cookie: session=\"{USER}\"; Path=/\n<\n"
    );
    assert_eq!(ok(&strs(&decode(&["--format", "tagged", &verbose]))), want);
    // A request dump: the Cookie lines.
    let request =
        format!("GET / HTTP/1.1\r\nHost: app\r\nCookie: a=1\r\nCookie: session={USER}\r\n");
    assert_eq!(ok(&strs(&decode(&["--format", "tagged", &request]))), want);
    // A failure says what the input was read as.
    let bad = response.replace(USER, "eyJ4IjoxfQ.ZVPxAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let detail = rejected(&strs(&decode(&[&bad])), "signature");
    assert!(
        detail.contains("(the cookie \"session\", from input read as an HTTP message)"),
        "{detail}"
    );
    // A response that deletes the cookie.
    let deleted = "HTTP/1.1 200 OK\nSet-Cookie: session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/\n";
    let detail = rejected(&strs(&decode(&[deleted])), "malformed");
    assert!(detail.contains("deletes the cookie"), "{detail}");
}

#[test]
fn decode_key_sources() {
    let out = run(
        &["decode", "--now", "1700000000", "--format", "tagged", USER],
        None,
        &[("FLASK_SECRET_KEY", "dev-secret")],
    );
    assert_eq!(out.status.code(), Some(0));
    let dir = std::env::temp_dir().join(format!("fsc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("key");
    std::fs::write(&path, "dev-secret\n").unwrap();
    let p = path.to_str().unwrap();
    assert_eq!(
        ok(&[
            "decode",
            "--secret-file",
            p,
            "--now",
            "1700000000",
            "--format",
            "tagged",
            USER
        ]),
        "{\"user_id\":42}\n"
    );
    // Rotation: the old key as a fallback.
    let out = ok(&strs(&decode(&["--fallback", "old-secret", USER_OLD_KEY])));
    assert!(out.contains("signed with fallback key #0"), "{out}");
    rejected(&strs(&decode(&[USER_OLD_KEY])), "signature");
    usage(&["decode", USER]);
}

#[test]
fn decode_signer_options() {
    let config = SignerConfig::flask_session()
        .with_salt("other-salt")
        .with_digest(flask_session_cookie::itsdangerous::Digest::Sha256)
        .with_key_derivation(flask_session_cookie::itsdangerous::KeyDerivation::Concat);
    let signer =
        flask_session_cookie::itsdangerous::TimestampSigner::new("dev-secret", config).unwrap();
    let cookie = signer.sign_at("eyJ1c2VyX2lkIjo0Mn0", 1_700_000_000);
    let out = ok(&strs(&decode(&[
        "--salt",
        "other-salt",
        "--digest",
        "sha256",
        "--key-derivation",
        "concat",
        "--format",
        "tagged",
        &cookie,
    ])));
    assert_eq!(out, "{\"user_id\":42}\n");
    // A SHA-256 signature is not even shaped like a SHA-1 one.
    let err = rejected(&strs(&decode(&[&cookie])), "malformed");
    assert!(
        err.contains("the signature has 43 characters; a SHA-1 signature has 27"),
        "{err}"
    );
    // Right digest, wrong salt: a well-formed signature that does not match.
    rejected(
        &strs(&decode(&[
            "--digest",
            "sha256",
            "--key-derivation",
            "concat",
            &cookie,
        ])),
        "signature",
    );
    usage(&strs(&decode(&["--digest", "md5", &cookie])));
}

#[test]
fn decode_max_age_and_now() {
    // age == max_age accepted; one more second rejected; the future rejected.
    ok(&[
        "decode",
        "--secret",
        "dev-secret",
        "--now",
        "1700000100",
        "--max-age",
        "100",
        USER,
    ]);
    let err = rejected(
        &[
            "decode",
            "--secret",
            "dev-secret",
            "--now",
            "1700000101",
            "--max-age",
            "100",
            USER,
        ],
        "expired",
    );
    assert!(err.contains("signature age 101 > 100 seconds"), "{err}");
    let err = rejected(
        &[
            "decode",
            "--secret",
            "dev-secret",
            "--now",
            "1699999999",
            USER,
        ],
        "expired",
    );
    assert!(err.contains("signature age -1 < 0 seconds"), "{err}");
    // Today the 2023 cookie is older than 31 days; --no-max-age accepts it.
    rejected(&["decode", "--secret", "dev-secret", USER], "expired");
    ok(&["decode", "--secret", "dev-secret", "--no-max-age", USER]);
    usage(&[
        "decode",
        "--secret",
        "dev-secret",
        "--no-max-age",
        "--max-age",
        "5",
        USER,
    ]);
}

fn flask_signer() -> Signer {
    Signer::new("dev-secret", SignerConfig::flask_session()).unwrap()
}

#[test]
fn every_rejection_kind_has_its_exit_line() {
    // timestamp: a validly signed cookie whose timestamp has 9 bytes
    let bad_ts = flask_signer().sign("eyJ1c2VyX2lkIjo0Mn0.AQAAAAAAAAAA");
    rejected(&strs(&decode(&[&bad_ts])), "timestamp");
    // payload: validly signed, not JSON
    let not_json = flask_signer().sign("bm90IGpzb24.ZVPxAA");
    let err = rejected(&strs(&decode(&[&not_json])), "payload");
    assert!(err.contains("expecting value"), "{err}");
    // malformed
    rejected(&strs(&decode(&["no-dots-at-all"])), "malformed");
    // signature
    rejected(
        &strs(&decode(&[
            "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ])),
        "signature",
    );
    // limit
    let huge = "a".repeat(20_000);
    rejected(&strs(&decode(&[&huge])), "limit");
}

#[test]
fn hostile_inputs_never_panic() {
    for input in [
        "",
        ".",
        "..",
        "...",
        ".....",
        "é.é.é",
        "\u{1}",
        ".eJw.ZVPxAA.x",
        "a.b.c.d.e",
        "=;=;",
        "session=",
        "Cookie:",
        "Set-Cookie:",
    ] {
        let out = run(&strs(&decode(&[input])), None, &[]);
        let code = out.status.code();
        assert!(
            matches!(code, Some(1..=2)),
            "{input:?}: {code:?} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = run(&["decode", "--unverified", input], None, &[]);
        assert!(matches!(out.status.code(), Some(0..=2)), "{input:?}");
    }
    // Bytes that cannot be arguments arrive on stdin.
    for input in ["\u{0}\u{0}.\u{0}", "\u{fffd}\n\n", "a.b\u{0}c.d"] {
        let out = run(&strs(&decode(&[])), Some(input), &[]);
        assert!(matches!(out.status.code(), Some(1..=2)), "{input:?}");
    }
}

#[test]
fn unverified_decodes_without_key_and_says_so() {
    let tampered = format!("{}x", &USER[..USER.len() - 1]);
    let out = run(
        &["decode", "--unverified", "--format", "tagged", &tampered],
        None,
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "{\"user_id\":42}\n");
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("NOT verified")
    );
    let pretty = ok(&["decode", "--unverified", &tampered]);
    assert!(pretty.contains("verified: NO"), "{pretty}");
}

#[test]
fn encode_writes_flasks_cookie() {
    let json = r#"{"name":"alice","role":"admin","user_id":42}"#;
    let want = "eyJuYW1lIjoiYWxpY2UiLCJyb2xlIjoiYWRtaW4iLCJ1c2VyX2lkIjo0Mn0.ZVPxAA.8JoqypNx5eEkQGVNOweyaqpQh_c\n";
    assert_eq!(ok(&strs(&encode(&[json]))), want);
    let out = run(&strs(&encode(&[])), Some(json), &[]);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), want);
    // Tagged input keeps Python types.
    let tagged = r#"{"b":{" b":"AAFiaW5hcnn//g=="}}"#;
    assert_eq!(
        ok(&strs(&encode(&[tagged]))),
        "eyJiIjp7IiBiIjoiQUFGaWFXNWhjbm4vL2c9PSJ9fQ.ZVPxAA.7Ho1F-h6AyG7c5574AnG9VV8m2Q\n"
    );
    // Plain input takes a tag look-alike literally and escapes it as Flask would.
    assert_eq!(
        ok(&strs(&encode(&[
            "--input",
            "plain",
            r#"{"x":{" t":"not a tuple"}}"#
        ]))),
        "eyJ4Ijp7IiBkaSI6eyIgdF9fIjoibm90IGEgdHVwbGUifX19.ZVPxAA.P7qaeg85GwNt4DShYpIiyLEdoNA\n"
    );
    // Without --timestamp: now, and it decodes.
    let cookie = ok(&["encode", "--secret", "k", r#"{"a":1}"#]);
    ok(&["decode", "--secret", "k", cookie.trim()]);
    // The fallback never signs.
    assert_eq!(
        ok(&strs(&encode(&[
            "--fallback",
            "old-secret",
            r#"{"user_id":42}"#
        ]))),
        format!("{USER}\n")
    );
}

#[test]
fn encode_usage_errors() {
    usage(&["encode", "--secret", "k", "{not json"]);
    usage(&["encode", "--secret", "k", "[1,2]"]);
    usage(&["encode", r#"{"a":1}"#]);
    usage(&["encode", "--secret", "k", "--input", "yaml", "{}"]);
    usage(&["bogus-subcommand"]);
    usage(&[]);
}

/// Flask never writes a cookie for an empty session (it deletes the cookie), so
/// `encode '{}'` says so instead of printing one; `--allow-empty` still can.
#[test]
fn encode_refuses_an_empty_session_unless_asked() {
    let out = run(&strs(&encode(&["{}"])), None, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: usage: the session is empty: Flask never writes a cookie"),
        "{stderr}"
    );
    assert!(stderr.contains("--allow-empty"), "{stderr}");
    let cookie = ok(&strs(&encode(&["--allow-empty", "{}"])));
    // What Flask's serializer writes for {} (checked with itsdangerous 2.2.0).
    assert_eq!(cookie, "e30.ZVPxAA.hH2qA2YRrC7f_HpZizfuODqIo0U\n");
}

#[test]
fn sample_runs() {
    let out = ok(&["sample"]);
    assert!(
        out.contains("'_flashes': [('message', 'Hello!'), ('error', 'Bad thing')]"),
        "{out}"
    );
}

/// Regression: `--secret ""` and an empty FLASK_SECRET_KEY verified cookies signed
/// with the empty key. An empty key is now a missing key (exit 2, the usual message).
#[test]
fn empty_secret_is_a_missing_secret() {
    let empty_file = std::env::temp_dir().join(format!("fsc-empty-key-{}", std::process::id()));
    std::fs::write(&empty_file, b"\n").unwrap();
    let file = empty_file.to_str().unwrap();
    for (args, env) in [
        (vec!["decode", "--secret", "", USER], vec![]),
        (vec!["decode", USER], vec![("FLASK_SECRET_KEY", "")]),
        (vec!["decode", "--secret-file", file, USER], vec![]),
        (vec!["encode", "--secret", "", "{}"], vec![]),
        (vec!["encode", "{\"a\":1}"], vec![("FLASK_SECRET_KEY", "")]),
    ] {
        let out = run(&args, None, &env);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?} {env:?}: {stderr}");
        assert!(stderr.contains("a secret key is needed"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
    let out = run(
        &["decode", "--secret", "dev-secret", "--fallback", "", USER],
        None,
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--fallback key is empty"));
    std::fs::remove_file(&empty_file).unwrap();
}

/// Regression: `--format pretty` copied every subtree at every level (a 1,448-byte
/// cookie took a second and 196 MB). Every format now writes each value once: on the
/// costliest cookies `fuzz/worst_case.py` makes, every output stays within a few
/// bytes per byte of the session's JSON.
#[test]
fn every_output_format_is_linear_in_the_input() {
    let python = std::env::var("FLASK_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/worst_case.py");
    let out = match Command::new(&python).arg(script).output() {
        Ok(out) if out.status.success() => out.stdout,
        other => {
            assert!(
                !std::env::var("FSC_REQUIRE_FLASK").is_ok_and(|v| v == "1"),
                "fuzz/worst_case.py: {other:?}"
            );
            eprintln!("SKIPPED: cannot run fuzz/worst_case.py");
            return;
        }
    };
    let shapes: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let mut checked = 0;
    for shape in shapes.as_array().unwrap() {
        let cookie = shape["cookie"].as_str().unwrap();
        let json_len = shape["json_len"].as_u64().unwrap() as usize;
        for format in ["pretty", "json", "tagged"] {
            let args = [
                "decode",
                "--secret",
                "dev-secret",
                "--now",
                "1700000000",
                "--format",
                format,
                cookie,
            ];
            let out = run(&args, None, &[]);
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{format}: {out:?}"
            );
            assert!(
                out.stdout.len() <= 8 * json_len + 512,
                "{} as {format}: {} bytes of output for {json_len} of JSON",
                shape["name"],
                out.stdout.len()
            );
            checked += 1;
        }
    }
    assert!(checked >= 90, "{checked}");
}
