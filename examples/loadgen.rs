//! The loopback benchmark's load generator: `CONCURRENCY` clients, each with its own
//! cookie jar (it sends back the cookie the server last set), requesting `URL` for
//! `SECONDS`. Prints `requests/s: <n>` (only 2xx answers count; any other status is
//! an error).
//!
//! `cargo run --release --example loadgen -- URL COOKIE CONCURRENCY SECONDS`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let url = args.next().expect("URL");
    let cookie = args.next().expect("COOKIE (name=value)");
    let concurrency: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(32);
    let seconds: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(5.0);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    runtime.block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..concurrency {
            let (url, cookie) = (url.clone(), cookie.clone());
            let (done, failed) = (Arc::clone(&done), Arc::clone(&failed));
            tasks.push(tokio::spawn(async move {
                let jar = Arc::new(reqwest::cookie::Jar::default());
                let parsed: reqwest::Url = url.parse().expect("a URL");
                jar.add_cookie_str(&format!("{cookie}; Path=/"), &parsed);
                let client = reqwest::Client::builder()
                    .cookie_provider(jar)
                    .build()
                    .expect("a client");
                while Instant::now() < deadline {
                    match client.get(parsed.clone()).send().await {
                        Ok(resp) if resp.status().is_success() => {
                            let _ = resp.bytes().await;
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        _ => {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            }));
        }
        for task in tasks {
            let _ = task.await;
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "requests/s: {:.0} ({} ok, {} failed, {concurrency} clients, {elapsed:.1} s)",
        done.load(Ordering::Relaxed) as f64 / elapsed,
        done.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed)
    );
}
