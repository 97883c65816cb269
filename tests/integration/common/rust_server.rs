//! An axum router served on 127.0.0.1 on a runtime of its own, with the client's
//! address (`ConnectInfo`), as a real service runs.

#[cfg(feature = "axum")]
use std::net::SocketAddr;

/// A running Rust service of either framework.
pub enum Server {
    #[cfg(feature = "axum")]
    Axum(RustServer),
    #[cfg(feature = "actix")]
    Actix(ActixServer),
}

impl Server {
    pub fn port(&self) -> u16 {
        match self {
            #[cfg(feature = "axum")]
            Server::Axum(s) => s.port,
            #[cfg(feature = "actix")]
            Server::Actix(s) => s.port,
        }
    }
}

/// The running axum service; stops when dropped.
#[cfg(feature = "axum")]
pub struct RustServer {
    pub port: u16,
    _runtime: tokio::runtime::Runtime,
}

/// Serves `app` on a free port.
#[cfg(feature = "axum")]
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

/// An actix-web server on 127.0.0.1 on a thread and system of its own; stops when
/// dropped. Made by [`serve_actix!`].
#[cfg(feature = "actix")]
pub struct ActixServer {
    pub port: u16,
    pub handle: actix_web::dev::ServerHandle,
    pub thread: Option<std::thread::JoinHandle<()>>,
}

#[cfg(feature = "actix")]
impl Drop for ActixServer {
    fn drop(&mut self) {
        actix_rt::System::new().block_on(self.handle.stop(false));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Serves the actix-web app the closure makes (as `HttpServer::new` takes it) on a
/// free port of 127.0.0.1, one worker.
#[cfg(feature = "actix")]
macro_rules! serve_actix {
    ($factory:expr) => {{
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_rt::System::new().block_on(async move {
                let server = actix_web::HttpServer::new($factory)
                    .workers(1)
                    .disable_signals()
                    .bind(("127.0.0.1", 0))
                    .unwrap();
                let port = server.addrs()[0].port();
                let server = server.run();
                tx.send((port, server.handle())).unwrap();
                let _ = server.await;
            })
        });
        let (port, handle) = rx.recv().unwrap();
        $crate::common::rust_server::ActixServer {
            port,
            handle,
            thread: Some(thread),
        }
    }};
}
#[cfg(feature = "actix")]
pub(crate) use serve_actix;
