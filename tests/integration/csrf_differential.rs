//! Differential: random requests, as any HTTP client may send them (methods in any
//! case, form, multipart, JSON and other bodies, duplicated fields and headers,
//! chunked bodies, header name case, tokens valid, expired, foreign, non-ASCII or not
//! a string, HTTPS with Referer and Host variants, strict or not, an exempt route,
//! bodies past Flask's form limits), sent to a real Flask + Flask-WTF 1.3.0 app
//! (tests/live/csrf_app.py) and to the axum and actix-web services with the crate's
//! CSRF layers. Every request must get the same status from all three, and the same
//! reason on a refusal. The seed is printed; `FSC_CSRF_SEED` replays a run,
//! `FSC_CSRF_REQUESTS` sets the count (default 600), and `FSC_CSRF_DUMP=DIR` writes
//! each request that differs to `DIR/<n>.http`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use flask_session_cookie::flask_wtf::CsrfConfig;
use flask_session_cookie::itsdangerous::{SignerConfig, UrlSafeTimedSerializer};
use flask_session_cookie::{Session, SessionCodec, Value};

use crate::common::Rng;
use crate::common::live;
use crate::common::rust_server::serve;

const KEY: &str = "dev-secret";

/// One request as bytes on the wire.
struct Case {
    describe: String,
    wire: Vec<u8>,
}

/// What a server answered: the status, and the reason of a refusal (the text of
/// Werkzeug's error page).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Answer {
    status: u16,
    reason: String,
}

fn exchange(port: u16, wire: &[u8]) -> Result<Answer, String> {
    let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    let wire = wire.to_vec();
    // The request is written while the answer is read: a server may answer (and
    // close) before it has read a body it does not need.
    let sender = std::thread::spawn(move || {
        let _ = writer.write_all(&wire);
        let _ = writer.flush();
    });
    let mut raw = Vec::new();
    let mut reader = stream;
    let read = reader.read_to_end(&mut raw);
    let _ = sender.join();
    if raw.is_empty() {
        return Err(format!("no answer ({read:?})"));
    }
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no end of headers")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("bad status line")?;
    let body = String::from_utf8_lossy(&raw[split + 4..]).into_owned();
    let reason = if status == 200 {
        String::new()
    } else {
        body.rsplit_once("<p>")
            .and_then(|(_, r)| r.split_once("</p>"))
            .map_or_else(|| body.trim().to_owned(), |(r, _)| r.to_owned())
    };
    Ok(Answer { status, reason })
}

fn random_case(word: &str, rng: &mut Rng) -> String {
    word.chars()
        .map(|c| match rng.below(3) {
            0 => c.to_ascii_lowercase(),
            _ => c.to_ascii_uppercase(),
        })
        .collect()
}

/// Everything that makes the tokens of a run.
struct Tokens {
    csrf: CsrfConfig,
    foreign: CsrfConfig,
    codec: SessionCodec,
    now: i64,
}

impl Tokens {
    fn new() -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        Tokens {
            csrf: CsrfConfig::new(KEY).unwrap(),
            foreign: CsrfConfig::new("another-secret").unwrap(),
            codec: SessionCodec::new(KEY).unwrap(),
            now,
        }
    }

    fn signed_value(&self, value: &Value) -> String {
        let serializer = UrlSafeTimedSerializer::new(
            KEY,
            SignerConfig::new().with_salt(CsrfConfig::SALT.as_bytes().to_vec()),
        )
        .unwrap();
        serializer.dumps_at(value, self.now).unwrap()
    }
}

fn hex40(rng: &mut Rng) -> String {
    (0..20).map(|_| format!("{:02x}", rng.below(256))).collect()
}

/// A multipart part: name, filename, charset, value.
type Part<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, Vec<u8>);

/// A multipart body with these parts, the boundary, and which line break it uses.
fn multipart(parts: &[Part<'_>], boundary: &str, lf_only: bool, close: bool) -> Vec<u8> {
    let nl: &[u8] = if lf_only { b"\n" } else { b"\r\n" };
    let mut out = Vec::new();
    for (name, filename, charset, value) in parts {
        out.extend_from_slice(format!("--{boundary}").as_bytes());
        out.extend_from_slice(nl);
        let mut disposition = "Content-Disposition: form-data".to_owned();
        if let Some(name) = name {
            disposition.push_str(&format!("; name=\"{name}\""));
        }
        if let Some(filename) = filename {
            disposition.push_str(&format!("; filename=\"{filename}\""));
        }
        out.extend_from_slice(disposition.as_bytes());
        out.extend_from_slice(nl);
        if let Some(charset) = charset {
            out.extend_from_slice(
                format!("Content-Type: text/plain; charset={charset}").as_bytes(),
            );
            out.extend_from_slice(nl);
        }
        out.extend_from_slice(nl);
        out.extend_from_slice(value);
        out.extend_from_slice(nl);
    }
    if close {
        out.extend_from_slice(format!("--{boundary}--").as_bytes());
        out.extend_from_slice(nl);
    }
    out
}

fn make_case(rng: &mut Rng, t: &Tokens) -> Case {
    let mut notes = Vec::new();
    // Where: plain HTTP, HTTPS strict, HTTPS not strict; or the exempt route.
    let mode = match rng.below(10) {
        0..=6 => "",
        7 | 8 => "/s",
        _ => "/n",
    };
    let path = if mode.is_empty() && rng.chance(8) {
        "/exempt".to_owned()
    } else {
        format!("{mode}/any")
    };
    let method = ["POST", "PUT", "PATCH", "DELETE", "GET", "OPTIONS"][rng.index(6)];
    let method = if rng.chance(50) {
        method.to_owned()
    } else {
        random_case(method, rng)
    };

    // The session and its raw token.
    let raw = hex40(rng);
    let mut session = Session::new();
    let session_kind = rng.below(100);
    let session_raw: Option<String> = match session_kind {
        0..=79 => {
            session.insert("csrf_token", raw.as_str());
            Some(raw.clone())
        }
        80..=83 => {
            let odd = match rng.below(3) {
                0 => Value::from(5),
                1 => Value::List(vec![Value::from(raw.as_str())]),
                _ => Value::Bytes(raw.as_bytes().to_vec()),
            };
            session.insert("csrf_token", odd);
            notes.push("session token not a string");
            None
        }
        84..=87 => {
            let odd = format!("é{raw}");
            session.insert("csrf_token", odd.as_str());
            notes.push("non-ASCII session token");
            Some(odd)
        }
        88..=93 => {
            session.insert("other", 1);
            notes.push("no session token");
            None
        }
        _ => {
            notes.push("no session cookie");
            None
        }
    };
    let cookie = (session_kind < 94).then(|| t.codec.encode_at(&session, t.now).unwrap());

    // The token sent.
    let for_raw = session_raw.clone().unwrap_or_else(|| raw.clone());
    let token: Option<String> = match rng.below(100) {
        0..=54 => Some(t.csrf.form_token_at(&for_raw, t.now).unwrap()),
        55..=59 => Some(t.csrf.form_token_at(&for_raw, t.now - 3_700).unwrap()),
        60..=64 => Some(t.foreign.form_token_at(&for_raw, t.now).unwrap()),
        65..=69 => Some(t.csrf.form_token_at(&hex40(rng), t.now).unwrap()),
        70..=73 => Some(t.csrf.form_token_at(&format!("ü{for_raw}"), t.now).unwrap()),
        74..=77 => Some(t.signed_value(&Value::from(12))),
        78..=81 => Some(t.signed_value(&Value::List(vec![Value::from(for_raw.as_str())]))),
        82..=85 => Some("x.y.z".to_owned()),
        86..=88 => Some(String::new()),
        _ => None,
    };

    // Where the token goes, and the body.
    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    let mut body: Vec<u8> = Vec::new();
    let boundary = format!("b{}", rng.below(1_000_000));
    let field = if rng.chance(15) {
        "form-csrf_token"
    } else {
        "csrf_token"
    };
    let token_text = token.clone().unwrap_or_default();
    let content_type: Option<String>;
    match rng.below(100) {
        // urlencoded form
        0..=34 => {
            let mut fields = vec![format!("name={}", rng.below(100))];
            if token.is_some() {
                if rng.chance(15) {
                    fields.push(format!("{field}="));
                    notes.push("empty duplicate field first");
                }
                fields.push(format!("{field}={token_text}"));
            }
            if rng.chance(10) {
                fields.push("x=%FF%zz+%C3%A9".to_owned());
            }
            if rng.chance(5) {
                fields.push("bad=\u{ff}".to_owned());
            }
            body = fields.join("&").into_bytes();
            if rng.chance(5) {
                body.extend_from_slice(b"&z=\xff\xfe");
                notes.push("urlencoded not UTF-8");
            }
            if rng.chance(3) {
                body.extend(std::iter::repeat_n(b'a', 3 << 20).collect::<Vec<u8>>());
                notes.push("3 MiB urlencoded");
            }
            let base = [
                "application/x-www-form-urlencoded",
                "Application/X-WWW-Form-URLEncoded",
            ][rng.index(2)];
            content_type = Some(if rng.chance(20) {
                format!("{base}; charset=UTF-8")
            } else {
                base.to_owned()
            });
        }
        // multipart form
        35..=64 => {
            let mut parts: Vec<Part<'_>> = vec![(Some("name"), None, None, b"x".to_vec())];
            if rng.chance(10) {
                parts.push((Some("upload"), Some("a.txt"), None, b"file data".to_vec()));
            }
            if rng.chance(6) {
                parts.push((None, None, None, b"nameless".to_vec()));
                notes.push("nameless part");
            }
            if token.is_some() {
                if rng.chance(10) {
                    parts.push((Some(field), None, None, Vec::new()));
                    notes.push("empty duplicate field first");
                }
                if rng.chance(8) {
                    parts.push((
                        Some(field),
                        Some("t.txt"),
                        None,
                        token_text.clone().into_bytes(),
                    ));
                    notes.push("token as a file");
                }
                let charset = [
                    None,
                    Some("utf-8"),
                    Some("iso-8859-1"),
                    Some("ascii"),
                    Some("koi8-r"),
                ][rng.index(5)];
                parts.push((Some(field), None, charset, token_text.clone().into_bytes()));
            }
            if rng.chance(3) {
                parts.push((Some("big"), None, None, vec![b'a'; 500_001]));
                notes.push("text field over MAX_FORM_MEMORY_SIZE");
            }
            if rng.chance(2) {
                for _ in 0..1_001 {
                    parts.push((Some("p"), None, None, b"1".to_vec()));
                }
                notes.push("over MAX_FORM_PARTS");
            }
            let lf_only = rng.chance(10);
            let close = !rng.chance(5);
            if !close {
                notes.push("unterminated multipart");
            }
            body = multipart(&parts, &boundary, lf_only, close);
            if rng.chance(5) {
                body.splice(0..0, b"preamble text\r\n".iter().copied());
            }
            content_type = Some(match rng.below(20) {
                0 => "multipart/form-data".to_owned(),
                1 => format!("Multipart/Form-Data; boundary=\"{boundary}\""),
                2 => format!("multipart/form-data; charset=utf-8; boundary={boundary}"),
                _ => format!("multipart/form-data; boundary={boundary}"),
            });
        }
        // JSON with the token in a header, sometimes large
        65..=79 => {
            body = if rng.chance(10) {
                notes.push("3 MiB JSON");
                let mut b = b"{\"data\":\"".to_vec();
                b.extend(std::iter::repeat_n(b'a', 3 << 20));
                b.extend_from_slice(b"\"}");
                b
            } else {
                format!("{{\"csrf_token\":\"{token_text}\"}}").into_bytes()
            };
            content_type = Some("application/json".to_owned());
        }
        // plain text, or no content type
        80..=89 => {
            body = format!("csrf_token={token_text}").into_bytes();
            content_type = (rng.chance(50)).then(|| "text/plain".to_owned());
        }
        _ => {
            content_type = None;
        }
    }
    if let Some(ct) = &content_type {
        if rng.chance(5) {
            headers.push(("Content-Type".into(), b"text/plain".to_vec()));
            notes.push("two Content-Types");
        }
        headers.push((random_case("content-type", rng), ct.clone().into_bytes()));
    }
    // Token headers.
    if let Some(token) = &token
        && rng.chance(45)
    {
        let name = ["X-CSRFToken", "X-CSRF-Token", "x-csrftoken"][rng.index(3)];
        headers.push((name.to_owned(), token.clone().into_bytes()));
        if rng.chance(8) {
            headers.push((name.to_owned(), token.clone().into_bytes()));
            notes.push("token header twice");
        }
    }
    // HTTPS: Host and Referer.
    let host = if mode.is_empty() {
        "127.0.0.1".to_owned()
    } else {
        [
            "localhost",
            "localhost:443",
            "example.com:8443",
            "LOCALHOST",
            "bad_host",
        ][rng.index(5)]
        .to_owned()
    };
    headers.push(("Host".into(), host.clone().into_bytes()));
    if !mode.is_empty() {
        let bare = host.trim_end_matches(":443");
        match rng.below(8) {
            0 => {}
            1 => headers.push(("Referer".into(), b"https://evil.example/".to_vec())),
            2 => headers.push(("Referer".into(), format!("http://{bare}/form").into_bytes())),
            3 => headers.push((
                "Referer".into(),
                format!("https://{bare}:443/form").into_bytes(),
            )),
            4 => headers.push(("Referer".into(), b"https://\xff\xfe/".to_vec())),
            _ => headers.push((
                "Referer".into(),
                format!("https://{bare}/form?x=1").into_bytes(),
            )),
        }
    }
    if let Some(cookie) = &cookie {
        headers.push(("Cookie".into(), format!("session={cookie}").into_bytes()));
    }

    // On the wire: Content-Length or chunked.
    let chunked = !body.is_empty() && rng.chance(20);
    let mut wire = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n").into_bytes();
    for (name, value) in &headers {
        wire.extend_from_slice(name.as_bytes());
        wire.extend_from_slice(b": ");
        wire.extend_from_slice(value);
        wire.extend_from_slice(b"\r\n");
    }
    if chunked {
        wire.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
        let mut rest = &body[..];
        while !rest.is_empty() {
            let n = (1 + rng.below(70_000) as usize).min(rest.len());
            wire.extend_from_slice(format!("{n:x}\r\n").as_bytes());
            wire.extend_from_slice(&rest[..n]);
            wire.extend_from_slice(b"\r\n");
            rest = &rest[n..];
        }
        wire.extend_from_slice(b"0\r\n\r\n");
        notes.push("chunked");
    } else {
        wire.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        wire.extend_from_slice(&body);
    }
    let describe = format!(
        "{method} {path}, Content-Type {content_type:?}, token {}, {} body bytes; {}",
        match &token {
            None => "none".to_owned(),
            Some(t) if t.len() > 20 => format!("{}…", &t[..20]),
            Some(t) => format!("{t:?}"),
        },
        body.len(),
        notes.join(", ")
    );
    Case { describe, wire }
}

fn accepted_axum() -> axum::routing::MethodRouter {
    axum::routing::any(|body: axum::body::Body| async move {
        let _ = axum::body::to_bytes(body, usize::MAX).await;
        "accepted"
    })
}

fn axum_app() -> axum::Router {
    use flask_session_cookie::axum::{CsrfLayer, SessionLayer};
    let checked = |https: bool, strict: bool| {
        axum::Router::new().route("/any", accepted_axum()).layer(
            CsrfLayer::new(CsrfConfig::new(KEY).unwrap().with_ssl_strict(strict)).with_https(https),
        )
    };
    axum::Router::new()
        .merge(checked(false, true))
        .nest("/s", checked(true, true))
        .nest("/n", checked(true, false))
        .route("/exempt", accepted_axum())
        .layer(SessionLayer::new(SessionCodec::new(KEY).unwrap()))
}

async fn accepted_actix(mut payload: actix_web::web::Payload) -> &'static str {
    use futures_core::Stream;
    while let Some(chunk) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut payload).poll_next(cx)).await
    {
        if chunk.is_err() {
            break;
        }
    }
    "accepted"
}

#[test]
fn csrf_decisions_match_flask_wtf_on_random_requests() {
    let Some(flask) = live::start_script("tests/live/csrf_app.py", &[], true) else {
        return;
    };
    let axum = serve(axum_app());
    let actix = crate::common::rust_server::serve_actix!(|| {
        use actix_web::{App, web};
        use flask_session_cookie::actix::{CsrfMiddleware, SessionMiddleware};
        let checked = |https: bool, strict: bool| {
            web::scope("")
                .wrap(
                    CsrfMiddleware::new(CsrfConfig::new(KEY).unwrap().with_ssl_strict(strict))
                        .with_https(https),
                )
                .route("/any", web::route().to(accepted_actix))
        };
        App::new()
            .service(web::resource("/exempt").route(web::route().to(accepted_actix)))
            .service(web::scope("/s").service(checked(true, true)))
            .service(web::scope("/n").service(checked(true, false)))
            .service(checked(false, true))
            .wrap(SessionMiddleware::new(SessionCodec::new(KEY).unwrap()))
    });

    let seed = std::env::var("FSC_CSRF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    let count: usize = std::env::var("FSC_CSRF_REQUESTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    eprintln!("CSRF differential: seed {seed} (FSC_CSRF_SEED replays), {count} requests");
    let mut rng = Rng(seed);
    let tokens = Tokens::new();
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    let mut failures = Vec::new();
    for i in 0..count {
        let case = make_case(&mut rng, &tokens);
        let want = exchange(flask.port, &case.wire)
            .unwrap_or_else(|e| panic!("request {i} to Flask: {e}: {}", case.describe));
        *by_status.entry(want.status).or_default() += 1;
        for (name, port) in [("axum", axum.port), ("actix", actix.port)] {
            let got = exchange(port, &case.wire);
            if got.as_ref() != Ok(&want) {
                if let Ok(dir) = std::env::var("FSC_CSRF_DUMP") {
                    std::fs::write(format!("{dir}/{i}.http"), &case.wire).unwrap();
                }
                failures.push(format!(
                    "request {i} ({}): Flask {want:?}, {name} {got:?}",
                    case.describe
                ));
            }
        }
    }
    eprintln!("CSRF differential: Flask's statuses {by_status:?}");
    assert!(
        failures.is_empty(),
        "seed {seed}: {} of {count} requests differ:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The run must have exercised acceptance and each kind of refusal.
    for status in [200, 400, 500] {
        assert!(
            by_status.contains_key(&status),
            "no {status} in {by_status:?}"
        );
    }
}
