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
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE, VARY};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Request, Response, StatusCode};

use crate::cookie::CookieConfig;
use crate::error::Error;
use crate::layer::SessionCycle;
use crate::session::SessionCodec;

/// The session of the current request, for handlers: an extractor (it needs
/// [`SessionLayer`] on the router). The same type as
/// [`session::FlaskSession`](crate::session::FlaskSession).
pub use crate::session::FlaskSession;

/// The layer: opens the session before the handler, saves it after (the
/// [`SessionCycle`] around each request).
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
    cycle: SessionCycle,
}

impl SessionLayer {
    /// A layer with this codec and Flask's cookie settings ([`CookieConfig::flask`]).
    ///
    /// ```
    /// let layer = flask_session_cookie::axum::SessionLayer::new(flask_session_cookie::SessionCodec::new("k")?);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(codec: SessionCodec) -> Self {
        SessionLayer::from_cycle(SessionCycle::new(codec))
    }

    /// A layer running this cycle (its codec, cookie settings and rejection hook).
    ///
    /// ```
    /// use flask_session_cookie::{axum::SessionLayer, layer::SessionCycle, SessionCodec};
    /// let cycle = SessionCycle::new(SessionCodec::new("k")?).with_rejection_hook(|e| eprintln!("{}", e.kind()));
    /// let layer = SessionLayer::from_cycle(cycle);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn from_cycle(cycle: SessionCycle) -> Self {
        SessionLayer { cycle }
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
        SessionLayer::from_cycle(self.cycle.with_cookie_config(cookie))
    }

    /// Calls `hook` with every rejected cookie and every failure; see
    /// [`SessionCycle::with_rejection_hook`].
    ///
    /// ```
    /// use flask_session_cookie::{SessionCodec, axum::SessionLayer};
    /// let layer = SessionLayer::new(SessionCodec::new("k")?)
    ///     .with_rejection_hook(|e| eprintln!("session cookie rejected: {}", e.kind()));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_rejection_hook(self, hook: impl Fn(&Error) + Send + Sync + 'static) -> Self {
        SessionLayer::from_cycle(self.cycle.with_rejection_hook(hook))
    }
}

impl<S> tower_layer::Layer<S> for SessionLayer {
    type Service = SessionService<S>;

    fn layer(&self, inner: S) -> SessionService<S> {
        SessionService {
            inner,
            cycle: self.cycle.clone(),
        }
    }
}

/// The service [`SessionLayer`] wraps around your routes.
#[derive(Debug, Clone)]
pub struct SessionService<S> {
    inner: S,
    cycle: SessionCycle,
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
        let cycle = self.cycle.clone();
        // The service that was polled ready handles this request; a clone takes its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let cookies = req.headers().get_all(COOKIE).iter().map(|v| v.as_bytes());
            let Ok(handle) = cycle.open(cookies) else {
                return Ok(internal_error());
            };
            req.extensions_mut().insert(handle.clone());
            let mut resp = inner.call(req).await?;
            let Ok(outcome) = cycle.finish(&handle) else {
                return Ok(internal_error());
            };
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

/// An [`Error`] as a response, so that `?` works in handlers: a token that could not be
/// shown authentic and current ([`Error::is_bad_signature`]: bad, expired, malformed,
/// too long) is the client's doing, 400 Bad Request; anything else (a verified payload
/// that cannot be read into your type, a value that cannot be written) is 500. The
/// body says only that; the error is logged (`tracing`, at warn for a 500, debug
/// otherwise) without keys or cookie values.
///
/// ```
/// use axum::response::IntoResponse;
/// use flask_session_cookie::SessionCodec;
///
/// let codec = SessionCodec::new("dev-secret")?;
/// let err = codec.decode("garbage").unwrap_err();
/// assert_eq!(err.into_response().status(), 400);
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
impl axum::response::IntoResponse for Error {
    fn into_response(self) -> axum::response::Response {
        if self.is_bad_signature() {
            tracing::debug!(kind = %self.kind(), "handler error: bad token, answering 400");
            (StatusCode::BAD_REQUEST, "Bad Request").into_response()
        } else {
            tracing::warn!(kind = %self.kind(), "handler error: answering 500");
            (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response()
        }
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
