//! Load: a real server of each framework on 127.0.0.1 (the axum layer and the
//! actix-web middleware), 64 concurrent clients with a cookie jar each, every request
//! modifying the session (a counter and a flash). Nothing may be lost or cross to
//! another client: no 5xx, every client's counter equals its requests, every flash is
//! seen exactly once, and the process's memory after the run stays within a small
//! bound of before. A binary of its own, so that no other test moves the memory.
#![cfg(all(feature = "axum", feature = "actix"))]

use std::sync::Arc;
use std::time::Instant;

use flask_session_cookie::SessionCodec;
use flask_session_cookie::session::FlaskSession;

/// The integration tests' helpers (their servers' macro names `crate::common`).
#[path = "integration/common/mod.rs"]
mod common;
use common::rust_server;

const CLIENTS: usize = 64;
const REQUESTS: usize = 25;
/// How much the resident memory may grow over a run (allocator caches, connection
/// buffers), in KiB.
const MEMORY_BOUND_KB: i64 = 8 * 1024;

/// The endpoint, written once: bump the counter, take the flashes left by the last
/// request, leave a new one; answer `count flash,flash`.
fn tick(session: &FlaskSession) -> String {
    let count = session.get_as::<u64>("count").ok().flatten().unwrap_or(0) + 1;
    session.insert("count", count);
    let seen: Vec<String> = session.take_flashes().into_iter().map(|(_, m)| m).collect();
    session.flash(format!("tick-{count}"));
    format!("{count} {}", seen.join(","))
}

fn codec() -> SessionCodec {
    SessionCodec::new("load-secret").unwrap()
}

fn resident_kb() -> i64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// 64 clients, each its own jar, `REQUESTS` requests each; panics on any broken
/// check. Returns the number of requests made.
fn drive(port: u16) -> usize {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let mut tasks = Vec::new();
        for client in 0..CLIENTS {
            tasks.push(tokio::spawn(async move {
                let jar = Arc::new(reqwest::cookie::Jar::default());
                let http = reqwest::Client::builder()
                    .cookie_provider(Arc::clone(&jar))
                    .build()
                    .unwrap();
                for i in 1..=REQUESTS + 1 {
                    let resp = http
                        .get(format!("http://127.0.0.1:{port}/tick"))
                        .send()
                        .await
                        .unwrap();
                    assert!(
                        resp.status().is_success(),
                        "client {client}: {}",
                        resp.status()
                    );
                    let body = resp.text().await.unwrap();
                    let (count, flashes) = body.split_once(' ').unwrap();
                    assert_eq!(count, i.to_string(), "client {client}: counter");
                    let expected = if i == 1 {
                        String::new()
                    } else {
                        format!("tick-{}", i - 1)
                    };
                    assert_eq!(flashes, expected, "client {client}: flashes, request {i}");
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    });
    CLIENTS * (REQUESTS + 1)
}

fn run(name: &str, port: u16) {
    // A first run warms the allocator, the runtime and the connection pools.
    drive(port);
    let before = resident_kb();
    let started = Instant::now();
    let requests = drive(port);
    let took = started.elapsed();
    let after = resident_kb();
    eprintln!(
        "{name}: {requests} requests from {CLIENTS} clients in {took:?}; resident {before} -> {after} kB"
    );
    assert!(
        after - before < MEMORY_BOUND_KB,
        "{name}: resident memory grew from {before} to {after} kB"
    );
}

#[test]
fn sessions_hold_under_concurrent_load_in_both_frameworks() {
    let started = Instant::now();
    // axum
    {
        use axum::routing::get;
        use flask_session_cookie::axum::SessionLayer;
        let app = axum::Router::new()
            .route("/tick", get(|s: FlaskSession| async move { tick(&s) }))
            .layer(SessionLayer::new(codec()));
        let server = rust_server::serve(app);
        run("axum", server.port);
    }
    // actix-web
    {
        use flask_session_cookie::actix::SessionMiddleware;
        let server = rust_server::serve_actix!(|| {
            actix_web::App::new()
                .wrap(SessionMiddleware::new(codec()))
                .route(
                    "/tick",
                    actix_web::web::get().to(|s: FlaskSession| async move { tick(&s) }),
                )
        });
        run("actix-web", server.port);
    }
    eprintln!("load test: {:?}", started.elapsed());
}
