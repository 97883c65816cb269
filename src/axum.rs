//! Flask sessions in axum (feature `axum`): a layer that opens the session cookie as
//! Flask's `open_session` does and writes it back as Flask's `save_session` does, and
//! an extractor for handlers.
//!
//! - A cookie that fails verification, has expired, or is missing gives an empty
//!   session (as Flask). One that verifies but cannot be decoded answers HTTP 500
//!   (as Flask), without calling the handler.
//! - On the way out, `Set-Cookie` is added exactly when Flask would add it (modified;
//!   emptied → deleted; permanent with refresh-each-request → re-signed), and
//!   `Vary: Cookie` whenever the session was used.
//!
//! ```
//! use axum::{Router, routing::get};
//! use flask_session_cookie::{SessionCodec, axum::{FlaskSession, SessionLayer}};
//!
//! async fn whoami(session: FlaskSession) -> String {
//!     match session.get("user_id").and_then(|v| v.as_i64()) {
//!         Some(id) => format!("user {id}"),
//!         None => "anonymous".to_owned(),
//!     }
//! }
//!
//! let codec = SessionCodec::new("dev-secret")?;
//! let app: Router = Router::new().route("/whoami", get(whoami)).layer(SessionLayer::new(codec));
//! # Ok::<(), flask_session_cookie::Error>(())
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE, VARY};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Request, Response, StatusCode};

use crate::cookie::{CookieConfig, find_request_cookie};
use crate::session::{Session, SessionCodec, TrackedSession};

/// The session of the current request, for handlers: an extractor (it needs
/// [`SessionLayer`] on the router). The same type as
/// [`session::FlaskSession`](crate::session::FlaskSession).
pub use crate::session::FlaskSession;

#[derive(Debug)]
struct Shared {
    codec: SessionCodec,
    cookie: CookieConfig,
}

/// The layer: opens the session before the handler, saves it after.
///
/// ```
/// use flask_session_cookie::{SecretKeys, SessionCodec, axum::SessionLayer, cookie::CookieConfig};
///
/// // SECRET_KEY and SECRET_KEY_FALLBACKS, SESSION_COOKIE_SECURE = True
/// let codec = SessionCodec::new(SecretKeys::new("new-secret").with_fallback("old-secret"))?;
/// let layer = SessionLayer::new(codec).with_cookie_config(CookieConfig::flask().with_secure(true));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SessionLayer {
    shared: Arc<Shared>,
}

impl SessionLayer {
    /// A layer with this codec and Flask's cookie settings ([`CookieConfig::flask`]).
    ///
    /// ```
    /// let layer = flask_session_cookie::axum::SessionLayer::new(flask_session_cookie::SessionCodec::new("k")?);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(codec: SessionCodec) -> Self {
        SessionLayer {
            shared: Arc::new(Shared {
                codec,
                cookie: CookieConfig::flask(),
            }),
        }
    }

    /// Uses these cookie settings. Default: [`CookieConfig::flask`].
    ///
    /// ```
    /// use flask_session_cookie::{SessionCodec, axum::SessionLayer, cookie::CookieConfig};
    /// let layer = SessionLayer::new(SessionCodec::new("k")?).with_cookie_config(CookieConfig::flask().with_name("s")?);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_cookie_config(self, cookie: CookieConfig) -> Self {
        SessionLayer {
            shared: Arc::new(Shared {
                codec: self.shared.codec.clone(),
                cookie,
            }),
        }
    }
}

impl<S> tower_layer::Layer<S> for SessionLayer {
    type Service = SessionService<S>;

    fn layer(&self, inner: S) -> SessionService<S> {
        SessionService {
            inner,
            shared: Arc::clone(&self.shared),
        }
    }
}

/// The service [`SessionLayer`] wraps around your routes.
#[derive(Debug, Clone)]
pub struct SessionService<S> {
    inner: S,
    shared: Arc<Shared>,
}

fn internal_error() -> Response<Body> {
    let mut resp = Response::new(Body::from("Internal Server Error"));
    *resp.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    resp
}

impl<S, B> tower_service::Service<Request<B>> for SessionService<S>
where
    S: tower_service::Service<Request<B>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future =
        Pin<Box<dyn Future<Output = std::result::Result<Response<Body>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<std::result::Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let shared = Arc::clone(&self.shared);
        // The service that was polled ready handles this request; a clone takes its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let cookies = req.headers().get_all(COOKIE).iter().map(|v| v.as_bytes());
            let value = find_request_cookie(cookies, shared.cookie.name());
            let session = match value.as_deref() {
                None | Some("") => Session::new(),
                Some(value) => match shared.codec.decode(value) {
                    Ok(session) => session,
                    // Flask: `except BadSignature: return self.session_class()`.
                    Err(e) if e.is_bad_signature() => Session::new(),
                    // Flask lets BadPayload propagate: HTTP 500.
                    Err(_) => return Ok(internal_error()),
                },
            };
            let handle = FlaskSession::from_tracked(TrackedSession::new(session));
            req.extensions_mut().insert(handle.clone());
            let mut resp = inner.call(req).await?;
            let now = shared.codec.now();
            let outcome = {
                let tracked = handle.lock();
                shared.cookie.save(&shared.codec, &tracked, now)
            };
            match outcome {
                Ok(outcome) => {
                    if let Some(header) = outcome.set_cookie {
                        match HeaderValue::from_str(&header) {
                            Ok(v) => {
                                resp.headers_mut().append(SET_COOKIE, v);
                            }
                            Err(_) => return Ok(internal_error()),
                        }
                    }
                    if outcome.vary_cookie {
                        add_vary_cookie(resp.headers_mut());
                    }
                    Ok(resp)
                }
                // A session that cannot be written (Flask raises too): HTTP 500.
                Err(_) => Ok(internal_error()),
            }
        })
    }
}

/// Adds `Cookie` to `Vary` unless it is already there.
fn add_vary_cookie(headers: &mut HeaderMap) {
    let present = headers
        .get_all(VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case("cookie") || v.trim() == "*");
    if !present {
        headers.append(VARY, HeaderValue::from_static("Cookie"));
    }
}

impl<S: Send + Sync> FromRequestParts<S> for FlaskSession {
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        parts.extensions.get::<FlaskSession>().cloned().ok_or((
            StatusCode::INTERNAL_SERVER_ERROR,
            "FlaskSession needs flask_session_cookie::axum::SessionLayer on the router",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vary_cookie_is_added_once() {
        let mut h = HeaderMap::new();
        h.append(VARY, HeaderValue::from_static("Accept-Encoding"));
        add_vary_cookie(&mut h);
        add_vary_cookie(&mut h);
        let all: Vec<_> = h.get_all(VARY).iter().collect();
        assert_eq!(all, ["Accept-Encoding", "Cookie"]);
    }
}
