//! Flask sessions in actix-web (feature `actix`): the same request cycle as the
//! `axum` feature's layer — both are glue over [`SessionCycle`] — as an actix-web
//! middleware with extractors.
//!
//! - [`SessionMiddleware`] opens the session cookie as Flask's `open_session` does
//!   (a bad, expired or missing cookie gives an empty session; a verified one that
//!   cannot be decoded answers 500 without calling the handler) and adds `Set-Cookie`
//!   and `Vary: Cookie` exactly when Flask's `save_session` would, with the same
//!   bytes; with [`with_login`](SessionMiddleware::with_login) it runs Flask-Login's
//!   cycle too.
//! - [`CsrfMiddleware`] checks Flask-WTF CSRF tokens as `CSRFProtect` does.
//! - Handlers take [`FlaskSession`], [`FlaskLogin`] and [`Csrf`]; the crate's
//!   [`Error`] is an actix `ResponseError` (400 for a bad token, 500 otherwise).
//!
//! ```
//! use actix_web::{App, web};
//! use flask_session_cookie::SessionCodec;
//! use flask_session_cookie::actix::{FlaskSession, SessionMiddleware};
//!
//! async fn whoami(session: FlaskSession) -> String {
//!     match session.get_as::<String>("_user_id") {
//!         Ok(Some(user)) => format!("user {user}"),
//!         _ => "anonymous".to_owned(),
//!     }
//! }
//!
//! let middleware = SessionMiddleware::new(SessionCodec::new("dev-secret")?);
//! let app = App::new().wrap(middleware).route("/whoami", web::get().to(whoami));
//! # let _ = app;
//! # Ok::<(), flask_session_cookie::Error>(())
//! ```

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpMessage as _, HttpRequest, HttpResponse, ResponseError};

use crate::cookie::CookieConfig;
use crate::error::Error;
use crate::flask_login::{ClientInfo, LoginConfig};
use crate::flask_wtf::CsrfConfig;
use crate::layer::{
    BodyRefusal, FormBody, FormBodyReader, RequestInfo, SessionCycle, csrf_protect,
    vary_needs_cookie,
};
use crate::session::SessionCodec;

/// The session of the current request, for handlers: an extractor (it needs
/// [`SessionMiddleware`]). The same type as
/// [`session::FlaskSession`](crate::session::FlaskSession).
pub use crate::session::FlaskSession;

/// The current request's Flask-Login state, for handlers: an extractor (it needs
/// [`SessionMiddleware::with_login`]).
pub use crate::flask_login::FlaskLogin;

type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// The middleware: opens the session before the handler, saves it after (the
/// [`SessionCycle`] around each request).
///
/// ```
/// use flask_session_cookie::{SecretKeys, SessionCodec, actix::SessionMiddleware, cookie::CookieConfig};
///
/// let codec = SessionCodec::new(SecretKeys::new("new-secret").with_fallback("old-secret"))?;
/// let middleware = SessionMiddleware::new(codec).with_cookie_config(CookieConfig::flask().with_secure(true));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SessionMiddleware {
    cycle: SessionCycle,
}

impl SessionMiddleware {
    /// The middleware with this codec and Flask's cookie settings.
    ///
    /// ```
    /// let m = flask_session_cookie::actix::SessionMiddleware::new(flask_session_cookie::SessionCodec::new("k")?);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(codec: SessionCodec) -> Self {
        SessionMiddleware::from_cycle(SessionCycle::new(codec))
    }

    /// The middleware running this cycle (codec, cookie settings, hook, login).
    ///
    /// ```
    /// use flask_session_cookie::{actix::SessionMiddleware, layer::SessionCycle, SessionCodec};
    /// let m = SessionMiddleware::from_cycle(SessionCycle::new(SessionCodec::new("k")?));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn from_cycle(cycle: SessionCycle) -> Self {
        SessionMiddleware { cycle }
    }

    /// Uses these cookie settings. Default: [`CookieConfig::flask`].
    ///
    /// ```
    /// use flask_session_cookie::{SessionCodec, actix::SessionMiddleware, cookie::CookieConfig};
    /// let m = SessionMiddleware::new(SessionCodec::new("k")?).with_cookie_config(CookieConfig::flask().with_name("s")?);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_cookie_config(self, cookie: CookieConfig) -> Self {
        SessionMiddleware::from_cycle(self.cycle.with_cookie_config(cookie))
    }

    /// Calls `hook` with every rejected cookie and every failure; see
    /// [`SessionCycle::with_rejection_hook`].
    ///
    /// ```
    /// use flask_session_cookie::{SessionCodec, actix::SessionMiddleware};
    /// let m = SessionMiddleware::new(SessionCodec::new("k")?).with_rejection_hook(|e| eprintln!("{}", e.kind()));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_rejection_hook(self, hook: impl Fn(&Error) + Send + Sync + 'static) -> Self {
        SessionMiddleware::from_cycle(self.cycle.with_rejection_hook(hook))
    }

    /// Runs Flask-Login's cycle ([`SessionCycle::with_login`]); handlers can take a
    /// [`FlaskLogin`]. The client's address is actix's peer address.
    ///
    /// ```
    /// use flask_session_cookie::{SessionCodec, actix::SessionMiddleware, flask_login::LoginConfig};
    /// let m = SessionMiddleware::new(SessionCodec::new("dev-secret")?).with_login(LoginConfig::new("dev-secret")?);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_login(self, login: LoginConfig) -> Self {
        SessionMiddleware::from_cycle(self.cycle.with_login(login))
    }
}

impl<S, B> Transform<S, ServiceRequest> for SessionMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = SessionService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(SessionService {
            service: Rc::new(service),
            cycle: self.cycle.clone(),
        }))
    }
}

/// The service [`SessionMiddleware`] wraps around your routes.
#[derive(Debug)]
pub struct SessionService<S> {
    service: Rc<S>,
    cycle: SessionCycle,
}

/// 503 when the session store failed (down or slow: the request may work when
/// retried), 500 for every other failure, as Flask answers them.
fn error_response<B>(req: HttpRequest, error: &crate::Error) -> ServiceResponse<EitherBody<B>> {
    if *error.kind() == crate::ErrorKind::Store {
        return ServiceResponse::new(
            req,
            HttpResponse::ServiceUnavailable().body("Service Unavailable"),
        )
        .map_into_right_body();
    }
    internal_error(req)
}

fn internal_error<B>(req: HttpRequest) -> ServiceResponse<EitherBody<B>> {
    ServiceResponse::new(
        req,
        HttpResponse::InternalServerError().body("Internal Server Error"),
    )
    .map_into_right_body()
}

/// Adds `Cookie` to `Vary` unless it is already there.
fn add_vary_cookie(headers: &mut HeaderMap) {
    if vary_needs_cookie(
        headers
            .get_all(header::VARY)
            .filter_map(|v| v.to_str().ok()),
    ) {
        headers.append(header::VARY, HeaderValue::from_static("Cookie"));
    }
}

impl<S, B> Service<ServiceRequest> for SessionService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = LocalFuture<Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let cycle = self.cycle.clone();
        Box::pin(async move {
            let opened = {
                let headers = req.headers();
                let remote = req.peer_addr().map(|addr| addr.ip().to_string());
                let mut request = RequestInfo::new()
                    .with_client(ClientInfo::new(remote.as_deref()))
                    .with_http2(req.version() >= actix_web::http::Version::HTTP_2);
                for (name, value) in headers {
                    request = request.with_header(name.as_str(), value.as_bytes());
                }
                if let Some(problem) = cycle.client_address_problem(
                    remote.is_some(),
                    headers.contains_key("x-forwarded-for"),
                ) {
                    #[cfg(feature = "tracing")]
                    tracing::error!("{problem}");
                    let res = HttpResponse::InternalServerError().body(problem);
                    return Ok(req.into_response(res).map_into_right_body());
                }
                cycle
                    .open_request_async(&request, cycle.codec().now())
                    .await
            };
            let opened = match opened {
                Ok(opened) => opened,
                Err(e) => return Ok(error_response(req.request().clone(), &e)),
            };
            req.extensions_mut().insert(opened.session.clone());
            if let Some(login) = &opened.login {
                req.extensions_mut().insert(login.clone());
            }
            // Handler errors come back as responses (actix turns them into ones), so the
            // session of an error response is saved too, as Flask saves it.
            let mut res = service.call(req).await?.map_into_left_body();
            let outcome = match cycle
                .finish_request_async(&opened, cycle.codec().now())
                .await
            {
                Ok(outcome) => outcome,
                Err(e) => return Ok(error_response(res.request().clone(), &e)),
            };
            for cookie in outcome.set_cookies {
                match HeaderValue::from_str(&cookie) {
                    Ok(v) => res.headers_mut().append(header::SET_COOKIE, v),
                    Err(_) => return Ok(internal_error(res.request().clone())),
                }
            }
            if outcome.vary_cookie {
                add_vary_cookie(res.headers_mut());
            }
            Ok(res)
        })
    }
}

fn missing(what: &'static str) -> actix_web::Error {
    actix_web::error::ErrorInternalServerError(what)
}

impl FromRequest for FlaskSession {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(req.extensions().get::<FlaskSession>().cloned().ok_or_else(|| {
            missing("FlaskSession needs flask_session_cookie::actix::SessionMiddleware on the app")
        }))
    }
}

impl FromRequest for FlaskLogin {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(req.extensions().get::<FlaskLogin>().cloned().ok_or_else(|| {
            missing(
                "FlaskLogin needs flask_session_cookie::actix::SessionMiddleware::with_login on \
                 the app",
            )
        }))
    }
}

/// An [`Error`] as an actix-web response: a token that could not be shown authentic
/// and current ([`Error::is_bad_signature`]) is 400, anything else 500; the body
/// says only that, the error is logged (`tracing`) without keys or cookie values.
///
/// ```
/// use actix_web::ResponseError;
/// let err = flask_session_cookie::SessionCodec::new("k")?.decode("garbage").unwrap_err();
/// assert_eq!(err.status_code(), 400);
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        if self.is_bad_signature() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }

    fn error_response(&self) -> HttpResponse {
        if self.is_bad_signature() {
            #[cfg(feature = "tracing")]
            tracing::debug!(kind = %self.kind(), "handler error: bad token, answering 400");
            HttpResponse::BadRequest().body("Bad Request")
        } else {
            #[cfg(feature = "tracing")]
            tracing::warn!(kind = %self.kind(), "handler error: answering 500");
            HttpResponse::InternalServerError().body("Internal Server Error")
        }
    }
}

/// Flask-WTF's `CSRFProtect` for actix-web: requests whose method needs a token are
/// checked before the handler and refused with HTTP 400 and Flask's page naming the
/// reason; handlers take a [`Csrf`] to render the token. Register it before
/// [`SessionMiddleware`] (`.wrap(csrf).wrap(session)`: the last one wraps outermost),
/// since it reads the session.
///
/// The method is compared upper-cased, as Flask sees it. Only a form body (the one
/// Flask-WTF reads) is read, with Flask's form limits and the [`FormBodyReader`]'s
/// cap, shared budget and timeout, and handed on; any other body streams to the
/// handler unread.
///
/// ```
/// use actix_web::{App, web};
/// use flask_session_cookie::{SessionCodec, flask_wtf::CsrfConfig};
/// use flask_session_cookie::actix::{CsrfMiddleware, SessionMiddleware};
///
/// let app = App::new()
///     .wrap(CsrfMiddleware::new(CsrfConfig::new("dev-secret")?))
///     .wrap(SessionMiddleware::new(SessionCodec::new("dev-secret")?))
///     .route("/save", web::post().to(|| async { "saved" }));
/// # let _ = app;
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CsrfMiddleware {
    config: Arc<CsrfConfig>,
    https: bool,
    bodies: FormBodyReader,
}

impl CsrfMiddleware {
    /// The middleware with these settings, for plain HTTP, reading form bodies as
    /// [`FormBodyReader::new`] does.
    ///
    /// ```
    /// let m = flask_session_cookie::actix::CsrfMiddleware::new(flask_session_cookie::flask_wtf::CsrfConfig::new("k")?);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(config: CsrfConfig) -> Self {
        CsrfMiddleware {
            config: Arc::new(config),
            https: false,
            bodies: FormBodyReader::new(),
        }
    }

    /// Whether requests arrive over HTTPS (the `Referer` is then checked).
    ///
    /// ```
    /// let m = flask_session_cookie::actix::CsrfMiddleware::new(flask_session_cookie::flask_wtf::CsrfConfig::new("k")?).with_https(true);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_https(mut self, https: bool) -> Self {
        self.https = https;
        self
    }

    /// The largest form body read to find a token (413 beyond). Default: 16 MiB.
    ///
    /// ```
    /// let m = flask_session_cookie::actix::CsrfMiddleware::new(flask_session_cookie::flask_wtf::CsrfConfig::new("k")?).with_max_body(1 << 16);
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
    /// let m = flask_session_cookie::actix::CsrfMiddleware::new(flask_session_cookie::flask_wtf::CsrfConfig::new("k")?)
    ///     .with_body_reader(FormBodyReader::new().with_budget(8 << 20));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_body_reader(mut self, reader: FormBodyReader) -> Self {
        self.bodies = reader;
        self
    }
}

impl<S, B> Transform<S, ServiceRequest> for CsrfMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = CsrfService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CsrfService {
            service: Rc::new(service),
            middleware: self.clone(),
        }))
    }
}

/// The service [`CsrfMiddleware`] wraps around your routes.
#[derive(Debug)]
pub struct CsrfService<S> {
    service: Rc<S>,
    middleware: CsrfMiddleware,
}

/// The answer to a form body that was not read.
fn refused(refusal: BodyRefusal) -> HttpResponse {
    let (status, text) = refusal.answer();
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let content_type = if refusal.is_html() {
        "text/html; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    HttpResponse::build(status)
        .content_type(content_type)
        .body(text)
}

impl<S, B> Service<ServiceRequest> for CsrfService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = LocalFuture<Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let middleware = self.middleware.clone();
        Box::pin(async move {
            req.extensions_mut().insert(Arc::clone(&middleware.config));
            if !middleware.config.needs_token(req.method().as_str()) {
                return service
                    .call(req)
                    .await
                    .map(ServiceResponse::map_into_left_body);
            }
            let Some(session) = req.extensions().get::<FlaskSession>().cloned() else {
                let res = HttpResponse::InternalServerError().body(
                    "CsrfMiddleware needs flask_session_cookie::actix::SessionMiddleware around it",
                );
                return Ok(req.into_response(res).map_into_right_body());
            };
            let content_types = req
                .headers()
                .get_all(header::CONTENT_TYPE)
                .map(HeaderValue::as_bytes);
            let wants =
                FormBodyReader::wants(&middleware.config, req.method().as_str(), content_types);
            let (body, held) = if wants {
                let length = req
                    .headers()
                    .get(header::CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok());
                let mut payload = req.take_payload();
                match middleware
                    .bodies
                    .read(&middleware.config, length, &mut payload)
                    .await
                {
                    FormBody::Read(bytes, held) => (Some(bytes), Some(held)),
                    FormBody::Refused(refusal) => {
                        return Ok(req.into_response(refused(refusal)).map_into_right_body());
                    }
                }
            } else {
                (None, None)
            };
            let headers = req
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_bytes()));
            let verdict = csrf_protect(
                &middleware.config,
                &session,
                req.method().as_str(),
                headers,
                body.as_deref().unwrap_or_default(),
                middleware.https,
            );
            if let Err(e) = verdict {
                let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
                let res = HttpResponse::build(status)
                    .content_type("text/html; charset=utf-8")
                    .body(e.flask_body());
                return Ok(req.into_response(res).map_into_right_body());
            }
            if let Some(body) = body {
                req.set_payload(Payload::from(Bytes::from(body)));
            }
            let response = service
                .call(req)
                .await
                .map(ServiceResponse::map_into_left_body);
            drop(held);
            response
        })
    }
}

/// Flask-WTF's `csrf_token()` for handlers that render a form: an extractor (it needs
/// [`CsrfMiddleware`] inside [`SessionMiddleware`]).
///
/// ```
/// use flask_session_cookie::actix::Csrf;
/// async fn form(csrf: Csrf) -> Result<String, flask_session_cookie::Error> {
///     Ok(format!(r#"<input type="hidden" name="csrf_token" value="{}">"#, csrf.token()?))
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Csrf {
    config: Arc<CsrfConfig>,
    session: FlaskSession,
}

impl Csrf {
    /// The form token (`generate_csrf()`); a raw token is added to the session first
    /// if it has none.
    ///
    /// ```
    /// # let _ = |csrf: flask_session_cookie::actix::Csrf| csrf.token();
    /// ```
    pub fn token(&self) -> crate::error::Result<String> {
        self.config.generate_for(&self.session, self.config.now())
    }

    /// The settings.
    ///
    /// ```
    /// # let _ = |csrf: flask_session_cookie::actix::Csrf| csrf.config().field_name().to_owned();
    /// ```
    pub fn config(&self) -> &CsrfConfig {
        &self.config
    }
}

impl FromRequest for Csrf {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let extensions = req.extensions();
        let found = extensions
            .get::<Arc<CsrfConfig>>()
            .cloned()
            .zip(extensions.get::<FlaskSession>().cloned());
        ready(
            found
                .map(|(config, session)| Csrf { config, session })
                .ok_or_else(|| {
                    missing(
                        "Csrf needs flask_session_cookie::actix::CsrfMiddleware inside \
                         SessionMiddleware on the app",
                    )
                }),
        )
    }
}
