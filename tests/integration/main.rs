//! The integration tests, in one binary (one link of tokio, axum and reqwest instead
//! of one per file). Each module is a topic; the live ones start a real Flask on
//! 127.0.0.1 from the venv `scripts/flask-venv` makes.

mod common;

mod accessors;
#[cfg(feature = "axum")]
mod axum_layer;
#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "cli")]
mod cli_crack;
#[cfg(feature = "cli")]
mod cli_extensions;
mod cookie_headers;
#[cfg(all(feature = "axum", feature = "actix"))]
mod csrf_bodies;
#[cfg(all(feature = "axum", feature = "actix"))]
mod csrf_differential;
mod differential;
mod errors;
mod flask_login_fixtures;
mod flask_versions;
mod golden;
mod hardening;
mod hostile_smoke;
mod itsdangerous;
mod json_dialect;
mod limits;
mod live;
#[cfg(all(feature = "axum", feature = "actix"))]
mod live_login;
mod malformed;
#[cfg(feature = "cli")]
mod newcomer;
mod python_formats;
mod quickstart;
/// The quickstart example's code, as the README shows it.
#[path = "../../examples/quickstart.rs"]
#[allow(dead_code)]
mod quickstart_example;
mod refresh_reuse;
mod secrets;
#[cfg(all(feature = "axum", feature = "actix", feature = "redis"))]
mod server_side;
#[cfg(all(feature = "axum", feature = "actix", feature = "redis"))]
mod server_side_rules;
mod server_side_values;
#[cfg(all(feature = "axum", feature = "actix"))]
mod shared_login;
mod typed;
