//! An axum router served on 127.0.0.1 on a runtime of its own, with the client's
//! address (`ConnectInfo`), as a real service runs.

use std::net::SocketAddr;

/// The running service; stops when dropped.
pub struct RustServer {
    pub port: u16,
    _runtime: tokio::runtime::Runtime,
}

/// Serves `app` on a free port.
pub fn serve(app: axum::Router) -> RustServer {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    runtime.spawn(async move { axum::serve(listener, app).await });
    RustServer {
        port,
        _runtime: runtime,
    }
}
