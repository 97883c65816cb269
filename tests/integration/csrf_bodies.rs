//! Security review round 2, items 1 and 2, for both frameworks on real servers: a
//! method in any case is checked as Flask checks it; only form bodies are read (a
//! large JSON upload with a header token streams through); form bodies are read
//! within a shared memory budget and a time limit.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use flask_session_cookie::flask_wtf::CsrfConfig;
use flask_session_cookie::layer::FormBodyReader;
use flask_session_cookie::{Session, SessionCodec};

use crate::common::rust_server::{Server, serve, serve_actix};

const KEY: &str = "dev-secret";
const RAW: &str = "0123456789abcdef0123456789abcdef01234567";

/// A handler that reads the whole body and says how long it was.
fn axum_app(reader: FormBodyReader) -> axum::Router {
    use flask_session_cookie::axum::{CsrfLayer, SessionLayer};
    axum::Router::new()
        .route(
            "/any",
            axum::routing::any(|body: axum::body::Body| async move {
                let n = axum::body::to_bytes(body, usize::MAX)
                    .await
                    .map_or(0, |b| b.len());
                format!("read {n}")
            }),
        )
        .layer(CsrfLayer::new(CsrfConfig::new(KEY).unwrap()).with_body_reader(reader))
        .layer(SessionLayer::new(SessionCodec::new(KEY).unwrap()))
}

fn actix_server(reader: FormBodyReader) -> Server {
    Server::Actix(serve_actix!(move || {
        use actix_web::{App, web};
        use flask_session_cookie::actix::{CsrfMiddleware, SessionMiddleware};
        App::new()
            .route(
                "/any",
                web::route().to(|body: web::Bytes| async move { format!("read {}", body.len()) }),
            )
            .app_data(web::PayloadConfig::new(usize::MAX))
            .wrap(
                CsrfMiddleware::new(CsrfConfig::new(KEY).unwrap()).with_body_reader(reader.clone()),
            )
            .wrap(SessionMiddleware::new(SessionCodec::new(KEY).unwrap()))
    }))
}

fn servers(reader: &FormBodyReader) -> [(&'static str, Server); 2] {
    [
        ("axum", Server::Axum(serve(axum_app(reader.clone())))),
        ("actix", actix_server(reader.clone())),
    ]
}

fn session_cookie() -> String {
    let mut s = Session::new();
    s.insert("csrf_token", RAW);
    let codec = SessionCodec::new(KEY).unwrap();
    codec.encode(&s).unwrap()
}

fn token() -> String {
    let csrf = CsrfConfig::new(KEY).unwrap();
    csrf.form_token_at(RAW, csrf.now()).unwrap()
}

/// Sends a request (head and body at once) and returns the status and body.
fn send(port: u16, head: &str, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut wire = head.as_bytes().to_vec();
    wire.extend_from_slice(body);
    let sender = std::thread::spawn(move || {
        let _ = writer.write_all(&wire);
    });
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let _ = sender.join();
    parse(&raw)
}

fn parse(raw: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(raw);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

#[test]
fn a_method_in_any_case_needs_a_token() {
    let reader = FormBodyReader::new();
    for (name, server) in servers(&reader) {
        for method in ["post", "Post", "pOST", "patch", "delete", "Put"] {
            let head = format!(
                "{method} /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\nCookie: session={}\r\n\r\n",
                session_cookie()
            );
            let (status, body) = send(server.port(), &head, b"");
            assert_eq!(status, 400, "{name} {method}: {body}");
            assert!(
                body.contains("The CSRF token is missing."),
                "{name} {method}: {body}"
            );
        }
        // The same with a token passes.
        let head = format!(
            "post /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\nCookie: session={}\r\nX-CSRFToken: {}\r\n\r\n",
            session_cookie(),
            token()
        );
        assert_eq!(send(server.port(), &head, b"").0, 200, "{name}");
    }
}

#[test]
fn a_large_json_upload_with_a_header_token_streams_to_the_handler() {
    // Flask-WTF never reads a JSON body: 3 MiB (over the old 2 MiB cap) and 20 MiB
    // (over the form cap) both reach the handler whole.
    let reader = FormBodyReader::new();
    for (name, server) in servers(&reader) {
        for size in [3 << 20, 20 << 20] {
            let body = vec![b' '; size];
            let head = format!(
                "POST /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {size}\r\nCookie: session={}\r\nX-CSRFToken: {}\r\n\r\n",
                session_cookie(),
                token()
            );
            let (status, text) = send(server.port(), &head, &body);
            assert_eq!(
                (status, text.as_str()),
                (200, format!("read {size}").as_str()),
                "{name}"
            );
        }
        // Nothing was held for them.
        assert_eq!(reader.held(), 0, "{name}");
    }
}

#[test]
fn a_form_over_the_cap_gets_flasks_413_before_it_is_read() {
    let reader = FormBodyReader::new().with_max_body(1 << 20);
    for (name, server) in servers(&reader) {
        // By Content-Length: answered at once, no body sent.
        let head = "POST /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n";
        let (status, body) = send(server.port(), head, b"");
        assert_eq!(status, 413, "{name}");
        assert!(
            body.contains("exceeds the capacity limit"),
            "{name}: {body}"
        );
        // Chunked: refused once the cap is passed.
        let mut chunked = Vec::new();
        for _ in 0..20 {
            chunked.extend_from_slice(format!("{:x}\r\n", 100_000).as_bytes());
            chunked.extend(std::iter::repeat_n(b'a', 100_000));
            chunked.extend_from_slice(b"\r\n");
        }
        chunked.extend_from_slice(b"0\r\n\r\n");
        let head = "POST /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert_eq!(send(server.port(), head, &chunked).0, 413, "{name}");
        assert_eq!(reader.held(), 0, "{name}");
    }
}

#[test]
fn a_slow_form_body_times_out() {
    let reader = FormBodyReader::new().with_timeout(Duration::from_millis(500));
    for (name, server) in servers(&reader) {
        let mut stream = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let head = "POST /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nname=";
        stream.write_all(head.as_bytes()).unwrap();
        let started = Instant::now();
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        let (status, _) = parse(&raw);
        assert_eq!(status, 408, "{name}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{name}: {:?}",
            started.elapsed()
        );
        assert_eq!(reader.held(), 0, "{name}");
    }
}

#[test]
fn form_bodies_read_at_once_stay_within_the_shared_budget() {
    // 12 connections each start a 300,000-byte form and stall: with a 1 MiB budget
    // at most 1 MiB is held at any time, the rest are refused with 503, and all of
    // it is given back.
    const LEN: usize = 300_000;
    let reader = FormBodyReader::new()
        .with_budget(1 << 20)
        .with_timeout(Duration::from_secs(3));
    for (name, server) in servers(&reader) {
        let head = format!(
            "POST /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {LEN}\r\n\r\n"
        );
        let mut streams = Vec::new();
        for _ in 0..12 {
            let mut s = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            s.write_all(head.as_bytes()).unwrap();
            // All but the last byte.
            let _ = s.write_all(&vec![b'a'; LEN - 1]);
            streams.push(s);
        }
        let mut peak = 0;
        let until = Instant::now() + Duration::from_secs(1);
        while Instant::now() < until {
            peak = peak.max(reader.held());
            assert!(reader.held() <= 1 << 20, "{name}: {} held", reader.held());
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(peak > 0, "{name}: nothing was read");
        let mut statuses = Vec::new();
        for mut s in streams {
            let mut raw = Vec::new();
            let _ = s.read_to_end(&mut raw);
            statuses.push(parse(&raw).0);
        }
        assert!(statuses.contains(&503), "{name}: {statuses:?}");
        assert!(
            statuses.iter().all(|s| [408, 503].contains(s)),
            "{name}: {statuses:?}"
        );
        assert_eq!(reader.held(), 0, "{name}");
    }
}
