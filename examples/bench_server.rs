//! The modify endpoint of the loopback benchmark (`benches/loopback_bench.py`) as a
//! real server: every request increments a counter in the login session and so
//! writes a new cookie. Prints `PORT <n>` once listening.
//!
//! `cargo run --release --example bench_server --features axum,actix -- axum|actix [PORT]`

use flask_session_cookie::SessionCodec;
use flask_session_cookie::session::FlaskSession;

fn modify(session: &FlaskSession) -> String {
    let visits = session.get_as::<u64>("visits").ok().flatten().unwrap_or(0) + 1;
    session.insert("visits", visits);
    visits.to_string()
}

fn codec() -> SessionCodec {
    SessionCodec::new("dev-secret").expect("a valid key")
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let framework = args.next().unwrap_or_else(|| "axum".into());
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    match framework.as_str() {
        "actix" => actix_rt::System::new().block_on(async move {
            use flask_session_cookie::actix::SessionMiddleware;
            let server = actix_web::HttpServer::new(|| {
                actix_web::App::new()
                    .wrap(SessionMiddleware::new(codec()))
                    .route(
                        "/modify",
                        actix_web::web::get().to(|s: FlaskSession| async move { modify(&s) }),
                    )
            })
            .workers(threads)
            .bind(("127.0.0.1", port))?;
            println!("PORT {}", server.addrs()[0].port());
            server.run().await
        }),
        _ => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()?
            .block_on(async move {
                use flask_session_cookie::axum::SessionLayer;
                let app = axum::Router::new()
                    .route(
                        "/modify",
                        axum::routing::get(|s: FlaskSession| async move { modify(&s) }),
                    )
                    .layer(SessionLayer::new(codec()));
                let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
                println!("PORT {}", listener.local_addr()?.port());
                axum::serve(listener, app).await
            }),
    }
}
