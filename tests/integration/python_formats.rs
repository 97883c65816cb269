//! Python's own text formats against the crate's readers, on generated text: a
//! ` d` date as Werkzeug's `parse_date` reads it, a ` u` UUID as `uuid.UUID()` reads
//! it. Runs the venv's Python (`FLASK_PYTHON`, set by scripts/test), else skips.

use std::io::Write as _;
use std::process::{Command, Stdio};

use crate::common::Rng;
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{Limits, Value};

fn python() -> Option<String> {
    match std::env::var("FLASK_PYTHON") {
        Ok(p) => Some(p),
        Err(_) if std::env::var("FSC_REQUIRE_FLASK").is_ok_and(|v| v == "1") => {
            panic!("FSC_REQUIRE_FLASK=1 but no FLASK_PYTHON")
        }
        Err(_) => {
            eprintln!("SKIPPED: no FLASK_PYTHON (scripts/test sets it)");
            None
        }
    }
}

/// Runs `script` over `inputs` (one JSON string per line) and returns its lines.
fn run_python(python: &str, script: &str, inputs: &[String]) -> Vec<String> {
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let text: String = inputs
        .iter()
        .map(|s| serde_json::to_string(s).unwrap() + "\n")
        .collect();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.index(items.len())]
}

fn dates(rng: &mut Rng, n: usize) -> Vec<String> {
    let days = ["Mon", "mon,", "TUE,", "Wed", "Sunday,", "", "Xyz"];
    let dds = ["02", "2", "31", "32", "0", "-1", "29", "1,"];
    let months = [
        "Jan", "jan", "JANUARY", "February", "Feb", "Dec", "Foo", "sept",
    ];
    let years = [
        "2024", "24", "68", "69", "99", "0001", "0999", "9999", "10000", "1999,", "2000",
    ];
    let times = [
        "03:04:05",
        "3:4",
        "03.04.05",
        "03.04",
        "25:00:00",
        "23:59:60",
        "12:00:00,",
        "1:2:3:4",
        "x",
    ];
    let zones = [
        "GMT",
        "UT",
        "z",
        "EST",
        "pdt",
        "+0130",
        "-0000",
        "+9999",
        "-2359",
        "+2400",
        "",
        "XYZ",
        "-9223372036854775808",
        "99999999999999999999",
        "+0",
        "-5",
        "0100",
    ];
    let seps = [" ", "  ", "\t", " , ", "\u{1c}"];
    (0..n)
        .map(|_| {
            let mut parts = vec![
                pick(rng, &days),
                pick(rng, &dds),
                pick(rng, &months),
                pick(rng, &years),
                pick(rng, &times),
                pick(rng, &zones),
            ];
            match rng.below(6) {
                0 => parts.swap(1, 2),
                1 => parts.swap(3, 4),
                2 => {
                    let dmy = format!("{}-{}-{}", parts[1], parts[2], parts[3]);
                    return format!("{} {dmy} {} {}", parts[0], parts[4], parts[5]);
                }
                3 => {
                    parts.remove(rng.index(parts.len()));
                }
                _ => {}
            }
            let sep = pick(rng, &seps);
            parts.retain(|p| !p.is_empty() || rng.chance(20));
            parts.join(sep)
        })
        .collect()
}

#[test]
fn dates_read_as_werkzeug_parse_date_reads_them() {
    let Some(python) = python() else { return };
    let mut rng = Rng(0xD47E);
    let mut inputs = dates(&mut rng, 3_000);
    inputs.extend(
        [
            "Tue, 02 Jan 2024 03:04:05 GMT",
            "Tue, 02 Jan 2024 03:04:05 +0130",
            "Mon, 01 Jan 0001 00:00:00 GMT",
            "02-Jan-2024 03:04:05 GMT",
            "2024-01-02T03:04:05Z",
            "",
        ]
        .map(str::to_owned),
    );
    let script = "import json, sys\n\
        from werkzeug.http import parse_date\n\
        for line in sys.stdin:\n    \
            try:\n        r = parse_date(json.loads(line))\n    \
            except Exception:\n        r = None\n    \
            print(r.isoformat() if r is not None else 'none')\n";
    let theirs = run_python(&python, script, &inputs);
    assert_eq!(theirs.len(), inputs.len());
    let limits = Limits::new();
    let mut parsed = 0;
    for (text, want) in inputs.iter().zip(&theirs) {
        let json = serde_json::json!({" d": text}).to_string();
        let ours = match JsonFormat::flask().loads(&json, &limits) {
            Ok(Value::DateTime(dt)) => {
                parsed += 1;
                let off = dt.offset().whole_minutes();
                format!(
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}",
                    dt.year(),
                    u8::from(dt.month()),
                    dt.day(),
                    dt.hour(),
                    dt.minute(),
                    dt.second(),
                    if off < 0 { '-' } else { '+' },
                    off.unsigned_abs() / 60,
                    off.unsigned_abs() % 60
                )
            }
            Ok(other) => panic!("{text:?}: {other:?}"),
            // Werkzeug gives None (Flask then stores None); we refuse: documented.
            Err(_) => "none".to_owned(),
        };
        assert_eq!(&ours, want, "{text:?}");
    }
    assert!(parsed > 250, "only {parsed} of the generated dates parse");
    eprintln!(
        "{} dates, {parsed} of them valid, read as Werkzeug reads them",
        inputs.len()
    );
}

#[test]
fn uuids_read_as_python_reads_them() {
    let Some(python) = python() else { return };
    let mut rng = Rng(0x0_0ABC);
    let hex = "0123456789abcdefABCDEF";
    let mut inputs: Vec<String> = (0..2_000)
        .map(|_| {
            let len = if rng.chance(80) { 32 } else { rng.index(40) };
            let mut s: String = (0..len)
                .map(|_| char::from(hex.as_bytes()[rng.index(hex.len())]))
                .collect();
            for _ in 0..rng.index(5) {
                let at = rng.index(s.len() + 1);
                s.insert(at, '-');
            }
            if rng.chance(30) {
                s = format!("{{{s}}}");
            }
            if rng.chance(20) {
                s = format!(
                    "{}{s}",
                    pick(
                        &mut rng,
                        &["urn:", "uuid:", "urn:uuid:", "uu", "urn:uuid:urn:"]
                    )
                );
            }
            if rng.chance(5) {
                s = format!("{{{{{s}}}");
            }
            s
        })
        .collect();
    inputs.push("12345678-1234-5678-1234-567812345678".to_owned());
    let script = "import json, sys, uuid\n\
        for line in sys.stdin:\n    \
            try:\n        print(uuid.UUID(json.loads(line)).hex)\n    \
            except Exception:\n        print('none')\n";
    let theirs = run_python(&python, script, &inputs);
    let limits = Limits::new();
    let mut valid = 0;
    for (text, want) in inputs.iter().zip(&theirs) {
        let json = serde_json::json!({" u": text}).to_string();
        let ours = match JsonFormat::flask().loads(&json, &limits) {
            Ok(Value::Uuid(u)) => {
                valid += 1;
                u.simple().to_string()
            }
            Ok(other) => panic!("{text:?}: {other:?}"),
            Err(_) => "none".to_owned(),
        };
        assert_eq!(&ours, want, "{text:?}");
    }
    assert!(valid > 500, "{valid}");
}

/// `Display` for `Value` is Python's `repr()`: every session Flask wrote in the
/// fixtures, loaded by Flask's own tagged serializer, prints the same.
#[test]
fn value_display_is_python_repr() {
    let Some(python) = python() else { return };
    let mut texts = Vec::new();
    for file in ["flask/flask-3.1.3.json", "flask_sessions.json"] {
        let data = crate::common::fixture(file);
        for v in data["vectors"].as_array().unwrap() {
            texts.push(v["json"].as_str().unwrap().to_owned());
        }
    }
    let script = "import json, sys\n\
        from flask.json.tag import TaggedJSONSerializer\n\
        s = TaggedJSONSerializer()\n\
        for line in sys.stdin:\n    \
            print(json.dumps(repr(s.loads(json.loads(line)))))\n";
    let theirs = run_python(&python, script, &texts);
    assert_eq!(theirs.len(), texts.len());
    for (text, want) in texts.iter().zip(&theirs) {
        let want: String = serde_json::from_str(want).unwrap();
        let ours = JsonFormat::flask().loads(text, &Limits::new()).unwrap();
        assert_eq!(ours.to_string(), want, "{text}");
    }
    assert!(texts.len() > 50);
}

/// Python bytes literals (how a `bytes` SECRET_KEY is shown) read as Python reads
/// them: `ast.literal_eval` on generated literals with every escape form.
#[test]
fn bytes_literals_read_as_python_reads_them() {
    use flask_session_cookie::SecretKey;
    let Some(python) = python() else { return };
    let mut rng = Rng(0xB17E5);
    let pieces = [
        "a", "Z", "0", " ", "%", "\\n", "\\t", "\\\\", "\\'", "\\\"", "\\x00", "\\xec", "\\xFF",
        "\\x4", "\\0", "\\7", "\\101", "\\377", "\\400", "\\q", "\\a", "\\v", "'", "\"", "é",
        "\\\n",
    ];
    let mut inputs: Vec<String> = (0..1_500)
        .map(|_| {
            let prefix = pick(&mut rng, &["b", "B", "rb", "Rb", "br", "", "u", "bb"]);
            let quote = pick(&mut rng, &["'", "\"", "'''", "\"\"\""]);
            let body: String = (0..rng.index(8)).map(|_| pick(&mut rng, &pieces)).collect();
            format!("{prefix}{quote}{body}{quote}")
        })
        .collect();
    inputs.push(r#"b'_5#y2L"F4Q8z\n\xec]/'"#.to_owned());
    let script = "import ast, json, sys, warnings\n\
        warnings.simplefilter('ignore')\n\
        for line in sys.stdin:\n    \
            try:\n        v = ast.literal_eval(json.loads(line))\n        \
            print(v.hex() if isinstance(v, bytes) else 'none')\n    \
            except Exception:\n        print('none')\n";
    let theirs = run_python(&python, script, &inputs);
    let mut valid = 0;
    for (text, want) in inputs.iter().zip(&theirs) {
        let ours = match SecretKey::from_python_literal(text) {
            Ok(key) => {
                valid += 1;
                key.as_bytes().iter().map(|b| format!("{b:02x}")).collect()
            }
            Err(_) => "none".to_owned(),
        };
        assert_eq!(&ours, want, "{text:?}");
    }
    assert!(valid > 300, "{valid}");
}
