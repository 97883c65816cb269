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
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, SET_COOKIE, VARY};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Request, Response, StatusCode};

use crate::cookie::CookieConfig;
use crate::error::Error;
use crate::flask_login::{ClientInfo, LoginConfig};
use crate::flask_wtf::CsrfConfig;
use crate::layer::{
    BodyRefusal, FormBody, FormBodyReader, RequestInfo, SessionCycle, csrf_protect,
    vary_needs_cookie,
};
use crate::session::SessionCodec;

/// The current request's Flask-Login state, for handlers: an extractor (it needs
/// [`SessionLayer::with_login`]). The same type as
/// [`flask_login::FlaskLogin`](crate::flask_login::FlaskLogin).
pub use crate::flask_login::FlaskLogin;

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

    /// Runs Flask-Login's cycle ([`SessionCycle::with_login`]): handlers can take a
    /// [`FlaskLogin`] (the current user, restored from the remember cookie when the
    /// session has none; session protection; `login_user`, `logout_user`), and the
    /// remember cookie is set or deleted after the handler as Flask-Login does.
    ///
    /// Session protection compares a hash of the client's address and `User-Agent`:
    /// serve the router with
    /// `into_make_service_with_connect_info::<std::net::SocketAddr>()` so that the
    /// layer knows the address. Without it (and without `X-Forwarded-For`) no login
    /// made by Flask would match, so such requests are answered with 500 and a
    /// message naming the fix ([`SessionCycle::client_address_problem`];
    /// [`SessionCycle::with_unknown_client_address`] accepts them anyway).
    ///
    /// ```
    /// use axum::{Router, routing::get};
    /// use flask_session_cookie::{SessionCodec, flask_login::LoginConfig};
    /// use flask_session_cookie::axum::{FlaskLogin, SessionLayer};
    ///
    /// async fn whoami(login: FlaskLogin) -> String {
    ///     login.user_id().unwrap_or_else(|| "anonymous".into())
    /// }
    /// let layer = SessionLayer::new(SessionCodec::new("dev-secret")?)
    ///     .with_login(LoginConfig::new("dev-secret")?);
    /// let app: Router = Router::new().route("/whoami", get(whoami)).layer(layer);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_login(self, login: LoginConfig) -> Self {
        SessionLayer::from_cycle(self.cycle.with_login(login))
    }

    /// Serves requests whose client address is unknown even with session protection
    /// on; see [`SessionCycle::with_unknown_client_address`].
    ///
    /// ```
    /// use flask_session_cookie::{SessionCodec, axum::SessionLayer, flask_login::LoginConfig};
    /// let layer = SessionLayer::new(SessionCodec::new("k")?)
    ///     .with_login(LoginConfig::new("k")?)
    ///     .with_unknown_client_address(true);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_unknown_client_address(self, allowed: bool) -> Self {
        SessionLayer::from_cycle(self.cycle.with_unknown_client_address(allowed))
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

/// The future both services return.
type ResponseFuture<E> =
    Pin<Box<dyn Future<Output = std::result::Result<Response<Body>, E>> + Send>>;

/// The service that was polled ready handles this request; a clone takes its place.
fn take_ready<S: Clone>(slot: &mut S) -> S {
    let clone = slot.clone();
    std::mem::replace(slot, clone)
}

/// 503 when the session store failed (down or slow: the request may work when
/// retried), 500 for every other failure, as Flask answers them.
fn error_response(error: &crate::Error) -> Response<Body> {
    if *error.kind() == crate::ErrorKind::Store {
        let mut resp = Response::new(Body::from("Service Unavailable"));
        *resp.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        return resp;
    }
    internal_error()
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
    type Future = ResponseFuture<S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<std::result::Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let cycle = self.cycle.clone();
        let mut inner = take_ready(&mut self.inner);
        Box::pin(async move {
            let now = cycle.codec().now();
            // The parts only (no body) are borrowed across the store's await.
            let (parts, body) = req.into_parts();
            let opened = {
                let headers = &parts.headers;
                let remote = parts
                    .extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|info| info.0.ip().to_string());
                let mut request = RequestInfo::new()
                    .with_client(ClientInfo::new(remote.as_deref()))
                    .with_http2(parts.version >= axum::http::Version::HTTP_2);
                for (name, value) in headers {
                    request = request.with_header(name.as_str(), value.as_bytes());
                }
                if let Some(problem) = cycle.client_address_problem(
                    remote.is_some(),
                    headers.contains_key("x-forwarded-for"),
                ) {
                    #[cfg(feature = "tracing")]
                    tracing::error!("{problem}");
                    let mut resp = Response::new(Body::from(problem));
                    *resp.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                    return Ok(resp);
                }
                cycle.open_request_async(&request, now).await
            };
            let opened = match opened {
                Ok(opened) => opened,
                Err(e) => return Ok(error_response(&e)),
            };
            let mut req = Request::from_parts(parts, body);
            req.extensions_mut().insert(opened.session.clone());
            if let Some(login) = &opened.login {
                req.extensions_mut().insert(login.clone());
            }
            let mut resp = inner.call(req).await?;
            let outcome = match cycle
                .finish_request_async(&opened, cycle.codec().now())
                .await
            {
                Ok(outcome) => outcome,
                Err(e) => return Ok(error_response(&e)),
            };
            for header in outcome.set_cookies {
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

/// Flask-WTF's `CSRFProtect` for axum: requests whose method needs a token (`POST`,
/// `PUT`, `PATCH`, `DELETE` by default) are checked before the handler and refused
/// with HTTP 400 and Flask's page naming the reason
/// ([`CsrfError::reason`](crate::flask_wtf::CsrfError::reason)); handlers take a
/// [`Csrf`] to render the token. Put it inside [`SessionLayer`] (`.layer(csrf)` first,
/// then `.layer(session)`): it reads and writes the session.
///
/// The method is compared as Flask sees it (upper-cased: `post` is `POST`). Only the
/// body Flask-WTF reads is read: that of a checked request whose `Content-Type` is
/// a form (`application/x-www-form-urlencoded`, `multipart/form-data`), with
/// Flask's form limits ([`CsrfConfig::with_form_limits`]) and the
/// [`FormBodyReader`]'s cap, shared memory budget and timeout; it is handed on
/// unchanged. Any other body streams to the handler unread (a JSON request's token
/// comes in a header). To exempt routes, leave them out of the router the layer
/// wraps.
///
/// ```
/// use axum::{Router, routing::post};
/// use flask_session_cookie::{SessionCodec, flask_wtf::CsrfConfig};
/// use flask_session_cookie::axum::{CsrfLayer, SessionLayer};
///
/// async fn save() -> &'static str { "saved" }
/// let app: Router = Router::new()
///     .route("/save", post(save))
///     .layer(CsrfLayer::new(CsrfConfig::new("dev-secret")?))
///     .layer(SessionLayer::new(SessionCodec::new("dev-secret")?));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CsrfLayer {
    config: Arc<CsrfConfig>,
    https: bool,
    bodies: FormBodyReader,
}

impl CsrfLayer {
    /// The layer with these settings, for plain HTTP, reading form bodies as
    /// [`FormBodyReader::new`] does.
    ///
    /// ```
    /// let layer = flask_session_cookie::axum::CsrfLayer::new(flask_session_cookie::flask_wtf::CsrfConfig::new("k")?);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(config: CsrfConfig) -> Self {
        CsrfLayer {
            config: Arc::new(config),
            https: false,
            bodies: FormBodyReader::new(),
        }
    }

    /// Whether requests arrive over HTTPS (Flask's `request.is_secure`; behind a
    /// TLS-terminating proxy, what the Flask app sees). With `WTF_CSRF_SSL_STRICT`
    /// the `Referer` is then checked.
    ///
    /// ```
    /// let layer = flask_session_cookie::axum::CsrfLayer::new(flask_session_cookie::flask_wtf::CsrfConfig::new("k")?).with_https(true);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_https(mut self, https: bool) -> Self {
        self.https = https;
        self
    }

    /// The largest form body read to find a token; a larger one is answered with
    /// 413. Default: 16 MiB ([`FormBodyReader::with_max_body`]).
    ///
    /// ```
    /// let layer = flask_session_cookie::axum::CsrfLayer::new(flask_session_cookie::flask_wtf::CsrfConfig::new("k")?).with_max_body(64 << 10);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_max_body(mut self, bytes: usize) -> Self {
        self.bodies = self.bodies.with_max_body(bytes);
        self
    }

    /// How form bodies are read: cap, shared memory budget, timeout.
    ///
    /// ```
    /// use flask_session_cookie::layer::FormBodyReader;
    /// let layer = flask_session_cookie::axum::CsrfLayer::new(flask_session_cookie::flask_wtf::CsrfConfig::new("k")?)
    ///     .with_body_reader(FormBodyReader::new().with_budget(8 << 20));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_body_reader(mut self, reader: FormBodyReader) -> Self {
        self.bodies = reader;
        self
    }
}

impl<S> tower_layer::Layer<S> for CsrfLayer {
    type Service = CsrfService<S>;

    fn layer(&self, inner: S) -> CsrfService<S> {
        CsrfService {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service [`CsrfLayer`] wraps around your routes.
#[derive(Debug, Clone)]
pub struct CsrfService<S> {
    inner: S,
    layer: CsrfLayer,
}

/// The answer to a form body that was not read.
fn refused(refusal: BodyRefusal) -> Response<Body> {
    let (status, text) = refusal.answer();
    let mut resp = Response::new(Body::from(text));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let content_type = if refusal.is_html() {
        "text/html; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut resp = Response::new(Body::from(text));
    *resp.status_mut() = status;
    resp
}

impl<S> tower_service::Service<Request<Body>> for CsrfService<S>
where
    S: tower_service::Service<Request<Body>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<std::result::Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<Body>) -> Self::Future {
        let layer = self.layer.clone();
        let mut inner = take_ready(&mut self.inner);
        Box::pin(async move {
            req.extensions_mut().insert(Arc::clone(&layer.config));
            if !layer.config.needs_token(req.method().as_str()) {
                return inner.call(req).await;
            }
            let Some(session) = req.extensions().get::<FlaskSession>().cloned() else {
                return Ok(plain(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "CsrfLayer needs flask_session_cookie::axum::SessionLayer around it",
                ));
            };
            let (parts, body) = req.into_parts();
            let content_types = parts
                .headers
                .get_all(CONTENT_TYPE)
                .iter()
                .map(HeaderValue::as_bytes);
            let (body, bytes, held) =
                if FormBodyReader::wants(&layer.config, parts.method.as_str(), content_types) {
                    let length = parts
                        .headers
                        .get(CONTENT_LENGTH)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse().ok());
                    let mut stream = body.into_data_stream();
                    match layer.bodies.read(&layer.config, length, &mut stream).await {
                        FormBody::Read(bytes, held) => (None, bytes, Some(held)),
                        FormBody::Refused(refusal) => return Ok(refused(refusal)),
                    }
                } else {
                    (Some(body), Vec::new(), None)
                };
            let headers = parts
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_bytes()));
            let verdict = csrf_protect(
                &layer.config,
                &session,
                parts.method.as_str(),
                headers,
                &bytes,
                layer.https,
            );
            if let Err(e) = verdict {
                let mut resp = Response::new(Body::from(e.flask_body()));
                *resp.status_mut() =
                    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
                resp.headers_mut().insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                return Ok(resp);
            }
            let body = body.unwrap_or_else(|| Body::from(bytes));
            let response = inner.call(Request::from_parts(parts, body)).await;
            drop(held);
            response
        })
    }
}

/// Flask-WTF's `csrf_token()` for handlers that render a form: an extractor (it needs
/// [`CsrfLayer`] inside [`SessionLayer`]).
///
/// ```
/// use flask_session_cookie::axum::Csrf;
///
/// async fn form(csrf: Csrf) -> Result<String, flask_session_cookie::Error> {
///     Ok(format!(r#"<form method="post"><input type="hidden" name="csrf_token" value="{}"></form>"#, csrf.token()?))
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Csrf {
    config: Arc<CsrfConfig>,
    session: FlaskSession,
}

impl Csrf {
    /// The form token (`generate_csrf()`): the session's raw token signed now; a raw
    /// token is added to the session first if it has none.
    ///
    /// ```
    /// # let _ = |csrf: flask_session_cookie::axum::Csrf| csrf.token();
    /// ```
    pub fn token(&self) -> crate::error::Result<String> {
        self.config.generate_for(&self.session, self.config.now())
    }

    /// The settings.
    ///
    /// ```
    /// # let _ = |csrf: flask_session_cookie::axum::Csrf| csrf.config().field_name().to_owned();
    /// ```
    pub fn config(&self) -> &CsrfConfig {
        &self.config
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Csrf {
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        let missing = (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Csrf needs flask_session_cookie::axum::CsrfLayer inside SessionLayer on the router",
        );
        let config = parts
            .extensions
            .get::<Arc<CsrfConfig>>()
            .cloned()
            .ok_or(missing)?;
        let session = parts
            .extensions
            .get::<FlaskSession>()
            .cloned()
            .ok_or(missing)?;
        Ok(Csrf { config, session })
    }
}

/// Adds `Cookie` to `Vary` unless it is already there.
fn add_vary_cookie(headers: &mut HeaderMap) {
    if vary_needs_cookie(headers.get_all(VARY).iter().filter_map(|v| v.to_str().ok())) {
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

impl<S: Send + Sync> FromRequestParts<S> for FlaskLogin {
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        parts.extensions.get::<FlaskLogin>().cloned().ok_or((
            StatusCode::INTERNAL_SERVER_ERROR,
            "FlaskLogin needs flask_session_cookie::axum::SessionLayer::with_login on the router",
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
