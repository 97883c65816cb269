//! `crack` (alias `unsign`): the key found wherever it sits in the list, for every
//! cookie and token the decoder reads (Flask's sessions of every shape; itsdangerous
//! tokens of every digest, key derivation and salt; the 0.24 epoch), lines as raw
//! bytes, the exit statuses, bounded memory, `--hashcat`; and the key options'
//! frictions.

use std::process::{Command, Output, Stdio};

use crate::common::cli::run;
use crate::common::{fixture, s};
use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
use flask_session_cookie::{SecretKey, Session, SessionCodec};

/// A wordlist file, removed on drop.
struct Wordlist(std::path::PathBuf);

impl Wordlist {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!("fsc-crack-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        Wordlist(path)
    }
    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Wordlist {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Decoy lines, then the key at `position` (0: first; n: last).
fn list_with(key: &[u8], decoys: usize, position: usize, newline: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..=decoys {
        if i == position {
            out.extend_from_slice(key);
        } else {
            out.extend_from_slice(format!("decoy-{i}").as_bytes());
        }
        out.extend_from_slice(newline);
    }
    out
}

/// The key a successful crack printed: printable text as it is, anything else as
/// Python's bytes literal (read back here with the crate's literal reader, which
/// is checked against `ast.literal_eval`).
fn found_key(out: &Output) -> Vec<u8> {
    let printed = found(out);
    let text = String::from_utf8(printed.clone()).expect("the key is printed as UTF-8 text");
    if text.chars().any(char::is_control) {
        panic!("a control character was printed: {text:?}");
    }
    match text
        .strip_prefix('b')
        .filter(|t| t.starts_with(['\'', '"']))
    {
        Some(_) => SecretKey::from_python_literal(&text)
            .unwrap()
            .as_bytes()
            .to_vec(),
        None => printed,
    }
}

fn found(out: &Output) -> Vec<u8> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut stdout = out.stdout.clone();
    assert_eq!(stdout.pop(), Some(b'\n'));
    stdout
}

/// Every itsdangerous token of the fixtures (every digest and key derivation, their
/// salts, timed or not): the key found at the start, the middle and the end.
#[test]
fn crack_finds_itsdangerous_keys_anywhere_in_the_list() {
    let data = fixture("itsdangerous.json");
    let mut checked = 0;
    for (n, v) in data["tokens"].as_array().unwrap().iter().enumerate() {
        let token = s(v, "token");
        if s(v, "sep") != "." || token.contains(['=', '\n']) {
            continue;
        }
        let key: Vec<u8> = match v["secret_key"].as_str() {
            Some(text) => text.as_bytes().to_vec(),
            None => crate::common::unhex(s(v, "secret_key_hex")),
        };
        let key = key.as_slice();
        if key.contains(&b'\n') {
            continue;
        }
        let position = [0, 100, 200][n % 3];
        let list = Wordlist::new(&format!("tok{n}"), &list_with(key, 200, position, b"\n"));
        let salt = v["salt"].as_str().unwrap_or("itsdangerous");
        let mut args = vec![
            "crack",
            "--no-progress",
            "--wordlist",
            list.path(),
            "--salt",
            salt,
            "--key-derivation",
            s(v, "key_derivation"),
        ];
        // Half say the digest; the other half leave it to the signature's length.
        if n % 2 == 0 {
            args.extend(["--digest", s(v, "digest")]);
        }
        args.extend(["--", token]);
        let out = run(&args, b"");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            s(v, "name"),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(found_key(&out), key, "{}", s(v, "name"));
        checked += 1;
    }
    // The tokens with separator "." and no "=" (which would read as a name=value pair).
    assert_eq!(checked, 129);
}

/// Flask's own cookies, compressed or not, of every shape and version: the key found
/// in a list with CRLF line ends, and `unsign` as an alias.
#[test]
fn crack_finds_flask_session_keys_with_crlf_lines() {
    let mut checked = 0;
    for version in ["1.1.4", "2.3.3", "3.1.3"] {
        let data = fixture(&format!("flask/flask-{version}.json"));
        let key = s(&data, "secret_key").as_bytes();
        let list = Wordlist::new(&format!("flask{version}"), &list_with(key, 50, 25, b"\r\n"));
        for vector in data["vectors"].as_array().unwrap() {
            let cookie = s(vector, "cookie");
            let command = if checked % 2 == 0 { "crack" } else { "unsign" };
            let out = run(&[command, "--wordlist", list.path(), cookie], b"");
            assert_eq!(found(&out), key, "flask-{version} {}", s(vector, "name"));
            checked += 1;
        }
    }
    assert!(checked >= 100, "{checked}");
}

#[test]
fn crack_takes_lines_as_raw_bytes_and_an_empty_line_as_a_key() {
    // A key that is not UTF-8 (a bytes SECRET_KEY).
    let key: &[u8] = b"\xff\xfe\x00raw \xc3";
    let codec = SessionCodec::new(SecretKey::from(key)).unwrap();
    let mut session = Session::new();
    session.insert("user_id", 42);
    let cookie = codec.encode_at(&session, 1_700_000_000).unwrap();
    let list = Wordlist::new("bytes", &list_with(key, 10, 7, b"\n"));
    let out = run(&["crack", "--wordlist", list.path(), &cookie], b"");
    // Printed as Python's repr() of the bytes, never raw.
    assert_eq!(found(&out), br"b'\xff\xfe\x00raw \xc3'");
    assert_eq!(found_key(&out), key);
    // A key that would write a terminal escape, and one with a quote.
    for (key, shown) in [
        (&b"\x1b]0;owned\x07"[..], &br"b'\x1b]0;owned\x07'"[..]),
        (b"it's\x01", br#"b"it's\x01""#),
    ] {
        let codec = SessionCodec::new(SecretKey::from(key)).unwrap();
        let cookie = codec.encode_at(&session, 1_700_000_000).unwrap();
        let list = Wordlist::new("escape", &list_with(key, 10, 3, b"\n"));
        let out = run(&["crack", "--wordlist", list.path(), &cookie], b"");
        assert_eq!(found(&out), shown);
        // No HMAC-equivalent key worth naming: no note.
        assert!(!String::from_utf8_lossy(&out.stderr).contains("note:"));
    }
    // HMAC-equivalent keys: trailing NULs, and a key longer than the block.
    let padded = b"dev-secret\x00\x00";
    let codec = SessionCodec::new(SecretKey::from(&padded[..])).unwrap();
    let cookie = codec.encode_at(&session, 1_700_000_000).unwrap();
    let list = Wordlist::new("padded", b"dev-secret\n");
    let out = run(&["crack", "--wordlist", list.path(), &cookie], b"");
    assert_eq!(
        found(&out),
        b"dev-secret",
        "the shorter key verifies the same"
    );
    let list = Wordlist::new("padded2", b"dev-secret\x00\x00\x00\n");
    let out = run(&["crack", "--wordlist", list.path(), &cookie], b"");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("without its 3 trailing NUL bytes"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the first candidate that verified"),
        "{stderr}"
    );
    let long = [b'k'; 100];
    let codec = SessionCodec::new(SecretKey::from(&long[..])).unwrap();
    let cookie = codec.encode_at(&session, 1_700_000_000).unwrap();
    let list = Wordlist::new("long", &[&long[..], b"\n"].concat());
    let out = run(&["crack", "--wordlist", list.path(), &cookie], b"");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("longer than its 64-byte block by the key's"),
        "{stderr}"
    );

    // itsdangerous signs with an empty key; an empty line is that key.
    let signer = TimestampSigner::new("", SignerConfig::itsdangerous_serializer()).unwrap();
    let token = signer.sign_at("payload", 1_700_000_000);
    let list = Wordlist::new("empty", b"a\n\nb\n");
    let out = run(
        &[
            "crack",
            "--wordlist",
            list.path(),
            "--salt",
            "itsdangerous",
            "--key-derivation",
            "django-concat",
            &token,
        ],
        b"",
    );
    assert_eq!(
        out.stdout,
        b"\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A line ending in a lone "\r" at the end of the file keeps it.
    let list = Wordlist::new("cr", b"x\r\ndev-secret\r");
    let data = fixture("flask/flask-3.1.3.json");
    let cookie = s(&data["vectors"][0], "cookie");
    let out = run(&["crack", "--wordlist", list.path(), cookie], b"");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn crack_reads_the_wordlist_from_stdin_and_counts_what_it_tried() {
    let data = fixture("flask/flask-3.1.3.json");
    let cookie = s(&data["vectors"][3], "cookie");
    let out = run(
        &["crack", "--wordlist", "-", cookie],
        &list_with(b"dev-secret", 1000, 999, b"\n"),
    );
    assert_eq!(found(&out), b"dev-secret");
    // Not found: exit 1, and exactly how many were tried.
    let out = run(
        &["crack", "--wordlist", "-", "--threads", "2", cookie],
        &list_with(b"not-it", 1000, 0, b"\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: not-found: tried 1001 candidates\n"
    );
    assert!(out.stdout.is_empty());
    // The cookie and the wordlist cannot both come from stdin.
    let out = run(&["crack", "--wordlist", "-"], b"x");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn crack_handles_the_legacy_epoch_and_verbose_decodes() {
    let data = fixture("itsdangerous.json");
    let legacy = &data["legacy"][0];
    let list = Wordlist::new("legacy", &list_with(b"dev-secret", 5, 3, b"\n"));
    let out = run(
        &[
            "crack",
            "--legacy",
            "--verbose",
            "--wordlist",
            list.path(),
            s(legacy, "token"),
        ],
        b"",
    );
    assert_eq!(found(&out), b"dev-secret");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the key is b'dev-secret'"), "{stderr}");
    // Signed at 1700000000 with the 2011 epoch: the legacy reading shows that date.
    assert!(stderr.contains("(1700000000)"), "{stderr}");
    assert!(stderr.contains("'name': 'alice'"), "{stderr}");
}

/// `crack COOKIE` alone answers "is this a published default key?".
#[test]
fn crack_without_a_wordlist_tries_the_published_defaults() {
    for key in [&b"dev"[..], b"changeme", b"you-will-never-guess"] {
        let codec = SessionCodec::new(SecretKey::from(key)).unwrap();
        let mut session = Session::new();
        session.insert("_user_id", "1");
        let cookie = codec.encode_at(&session, 1_700_000_000).unwrap();
        assert_eq!(found(&run(&["crack", &cookie], b"")), key);
    }
    // Flask's documented example bytes key, shown as the Python literal.
    let key = SecretKey::from(&b"_5#y2L\"F4Q8z\n\xec]/"[..]);
    let cookie = SessionCodec::new(key)
        .unwrap()
        .encode_at(&Session::from(flask_session_cookie::Dict::new()), 1)
        .unwrap();
    assert_eq!(
        found(&run(&["crack", "--builtin", &cookie], b"")),
        br#"b'_5#y2L"F4Q8z\n\xec]/'"#
    );
    let strong = SessionCodec::new("a-random-32-byte-key-nobody-knows").unwrap();
    let cookie = strong.encode_at(&Session::new(), 1).unwrap();
    let out = run(&["crack", &cookie], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: not-found: tried "));
}

/// The wordlist is streamed: a list many times larger than the process's memory
/// bound is read through with the key at its end.
#[cfg(target_os = "linux")]
#[test]
fn crack_streams_a_large_list_in_bounded_memory() {
    let line = vec![b'x'; 999];
    let mut text = Vec::with_capacity(100 << 20);
    for i in 0..100_000u32 {
        text.extend_from_slice(&i.to_be_bytes());
        text.extend_from_slice(&line);
        text.push(b'\n');
    }
    text.extend_from_slice(b"dev-secret\n");
    let list = Wordlist::new("large", &text);
    drop(text);
    let data = fixture("flask/flask-3.1.3.json");
    let cookie = s(&data["vectors"][0], "cookie");
    let child = Command::new(env!("CARGO_BIN_EXE_flask-session-cookie"))
        .args(["crack", "--no-progress", "--wordlist", list.path(), cookie])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    while let Ok(text) = std::fs::read_to_string(&status) {
        if let Some(kb) = text
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if text.contains("State:\tZ") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(found(&out), b"dev-secret");
    assert!(peak_kb > 0, "no measurement");
    // The list is 100 MB; the reader holds a few 256 KiB batches.
    assert!(
        peak_kb < 40 * 1024,
        "peak RSS {peak_kb} kB for a 100 MB list"
    );
}

/// `--hashcat`: the line hashcat's mode 29100 takes, or why it cannot take it.
#[test]
fn crack_hashcat_line_or_the_reason_it_cannot_be() {
    // hashcat's own self-test hash for mode 29100 (key "hashcat").
    let example = "eyJ1c2VybmFtZSI6ImFkbWluIn0.YjdgRQ.1OTlf1PD0H9wXsu_qS0aywAJVD8";
    let out = run(&["crack", "--hashcat", &format!("session={example}")], b"");
    assert_eq!(String::from_utf8(found(&out)).unwrap(), example);
    // And it is cracked here too.
    let list = Wordlist::new("hashcat", b"hash\nhashcat\n");
    assert_eq!(
        found(&run(&["crack", "--wordlist", list.path(), example], b"")),
        b"hashcat"
    );

    let refused = |args: &[&str], why: &str| {
        let out = run(args, b"");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.starts_with("error: hashcat: hashcat's Flask mode (29100) cannot take"),
            "{stderr}"
        );
        assert!(stderr.contains(why), "{why}: {stderr}");
    };
    let data = fixture("flask/flask-3.1.3.json");
    let vectors = data["vectors"].as_array().unwrap();
    let compressed = vectors
        .iter()
        .find(|v| s(v, "cookie").starts_with('.'))
        .unwrap();
    refused(
        &["crack", "--hashcat", s(compressed, "cookie")],
        "compressed",
    );
    let long = vectors
        .iter()
        .map(|v| s(v, "cookie"))
        .find(|c| !c.starts_with('.') && c.split('.').next().unwrap().len() > 27)
        .unwrap();
    refused(&["crack", "--hashcat", long], "takes at most 27");
    refused(
        &[
            "crack",
            "--hashcat",
            "--key-derivation",
            "django-concat",
            example,
        ],
        "Flask's defaults only",
    );
}

/// `--hashcat` against the real hashcat 6.2.6 (Debian's package, a CPU device from
/// pocl; the test command installs both): cookies signed with several keys,
/// payloads of 18 to 34 characters, compressed ones and SHA-256 ones. Every line
/// `--hashcat` prints, hashcat loads and cracks with a wordlist holding the keys;
/// every cookie `--hashcat` refuses, hashcat refuses to load too. Skips without
/// hashcat unless `FSC_REQUIRE_HASHCAT=1`.
#[test]
fn crack_hashcat_lines_are_what_the_released_hashcat_cracks() {
    let required = std::env::var("FSC_REQUIRE_HASHCAT").is_ok_and(|v| v == "1");
    let version = Command::new("hashcat").arg("--version").output().ok();
    let Some(version) = version.filter(|o| o.status.success()) else {
        assert!(!required, "FSC_REQUIRE_HASHCAT=1 but hashcat does not run");
        eprintln!("SKIPPED: no hashcat (the test command installs Debian's hashcat)");
        return;
    };
    assert_eq!(String::from_utf8_lossy(&version.stdout).trim(), "v6.2.6");

    // Cookies: (cookie, key). Payload lengths around hashcat's limit of 27.
    let keys = ["hashcat", "dev-secret", "s3cr3t!", "another key"];
    let mut cookies = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let codec = SessionCodec::new(*key).unwrap();
        for len in [10, 12, 13, 14, 15, 16, 18, 40] {
            let mut session = Session::new();
            session.insert(
                "u",
                "ab1234567890xyz1234567890abcdefghijklmnopqrstuvw"
                    .get(..len)
                    .unwrap(),
            );
            cookies.push((
                codec.encode_at(&session, 1_700_000_000 + i as i64).unwrap(),
                *key,
            ));
        }
        let mut big = Session::new();
        big.insert("cart", "x".repeat(200));
        cookies.push((codec.encode_at(&big, 1_700_000_000).unwrap(), *key));
    }
    let sha256 = SessionCodec::with_signer_config(
        SecretKey::from("hashcat"),
        SignerConfig::flask_session()
            .with_digest(flask_session_cookie::itsdangerous::Digest::Sha256),
    )
    .unwrap();
    let mut small = Session::new();
    small.insert("u", "a");
    cookies.push((sha256.encode_at(&small, 1_700_000_000).unwrap(), "hashcat"));

    let dir = std::env::temp_dir().join(format!("fsc-hashcat-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut accepted = Vec::new();
    let mut refused = Vec::new();
    for (cookie, key) in &cookies {
        let out = run(&["crack", "--hashcat", cookie], b"");
        if out.status.success() {
            let line = String::from_utf8(out.stdout).unwrap().trim().to_owned();
            accepted.push((line, *key));
        } else {
            assert!(
                String::from_utf8_lossy(&out.stderr).starts_with("error: hashcat: "),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            refused.push(cookie.clone());
        }
    }
    assert!(
        accepted.len() >= 8 && refused.len() >= 8,
        "{} / {}",
        accepted.len(),
        refused.len()
    );

    // One hashcat run over every cookie, accepted or not, with all the keys.
    let hashes = dir.join("hashes.txt");
    let all: Vec<&str> = accepted
        .iter()
        .map(|(l, _)| l.as_str())
        .chain(refused.iter().map(String::as_str))
        .collect();
    std::fs::write(&hashes, all.join("\n") + "\n").unwrap();
    let words = dir.join("words.txt");
    std::fs::write(&words, keys.join("\n") + "\n").unwrap();
    let cracked = dir.join("cracked.txt");
    let out = Command::new("hashcat")
        .args([
            "-m",
            "29100",
            "-a",
            "0",
            "--potfile-disable",
            "--outfile-format",
            "1,2",
        ])
        .arg("--outfile")
        .arg(&cracked)
        .arg(&hashes)
        .arg(&words)
        .output()
        .unwrap();
    let report =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let cracked_text = std::fs::read_to_string(&cracked).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    for (line, key) in &accepted {
        assert!(
            cracked_text.lines().any(|l| l == format!("{line}:{key}")),
            "hashcat did not crack {line} (key {key}):\n{cracked_text}\n{report}"
        );
    }
    // hashcat names every line it cannot load ("on line N (...): Token length exception").
    for (i, line) in all.iter().enumerate() {
        let refused_by_hashcat = report.contains(&format!("on line {} (", i + 1));
        assert_eq!(
            refused_by_hashcat,
            i >= accepted.len(),
            "line {}: {line}: --hashcat {} it, hashcat {} it\n{report}",
            i + 1,
            if i >= accepted.len() {
                "refused"
            } else {
                "accepted"
            },
            if refused_by_hashcat {
                "refused"
            } else {
                "loaded"
            },
        );
    }
}

/// The key options a new user reaches for: keys that start with '-', hex keys, a
/// Python bytes literal, and the option to take such text literally.
#[test]
fn key_options_take_hyphens_hex_and_bytes_literals() {
    const COOKIE: &str = "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM";
    let decode = |keys: &[&str], cookie: &str| {
        let mut args = vec!["decode", "--format", "tagged", "--now", "1700000000"];
        args.extend(keys);
        args.extend(["--", cookie]);
        run(&args, b"")
    };
    let ok = |out: Output| {
        assert_eq!(
            String::from_utf8_lossy(&found(&out)),
            "{\"user_id\":42}",
            "{}",
            String::from_utf8_lossy(&out.stderr)
        )
    };
    ok(decode(
        &[
            "--secret",
            "-xYz",
            "--fallback",
            "-1",
            "--fallback",
            "dev-secret",
        ],
        COOKIE,
    ));
    ok(decode(&["--secret-hex", "6465762d736563726574"], COOKIE));
    ok(decode(
        &["--secret", "x", "--fallback-hex", "6465762D736563726574"],
        COOKIE,
    ));
    ok(decode(&["--secret", "b'dev-secret'"], COOKIE));
    ok(decode(&["--secret", r#"b"dev\x2dsecret""#], COOKIE));
    // Taken literally, the literal is not the key.
    let out = decode(&["--no-literal-eval", "--secret", "b'dev-secret'"], COOKIE);
    assert_eq!(out.status.code(), Some(1));
    // A bytes key with bytes Python would show escaped.
    let key: &[u8] = b"_5#y2L\"F4Q8z\n\xec]/";
    let cookie = SessionCodec::new(SecretKey::from(key))
        .unwrap()
        .encode_at(
            &{
                let mut s = Session::new();
                s.insert("user_id", 42);
                s
            },
            1_700_000_000,
        )
        .unwrap();
    ok(decode(&["--secret", r#"b'_5#y2L"F4Q8z\n\xec]/'"#], &cookie));
    ok(decode(
        &["--secret-hex", "5f352379324c22463451387a0aec5d2f"],
        &cookie,
    ));
    // Bad usage: two sources of the key, odd hex.
    assert_eq!(
        decode(&["--secret", "a", "--secret-hex", "00"], COOKIE)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        decode(&["--secret-hex", "abc"], COOKIE).status.code(),
        Some(2)
    );
}
