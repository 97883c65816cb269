//! Reading the body of a request that `CSRFProtect` checks, for the framework
//! layers: only a form body (the one Flask-WTF reads through `request.form`), up to a
//! cap per body, within a memory budget that all requests of a layer share, and
//! within a time limit. Everything else is handed to the handler unread.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_core::Stream;

use crate::flask_wtf::{CsrfConfig, CsrfError, CsrfRequest};
use crate::session::FlaskSession;

/// How a CSRF layer reads form bodies: at most [`max_body`](FormBodyReader::with_max_body)
/// bytes of one body (default 16 MiB), at most
/// [`budget`](FormBodyReader::with_budget) bytes held by all bodies being read and
/// checked at once (default 64 MiB, shared by every clone), and within
/// [`timeout`](FormBodyReader::with_timeout) for the whole body (default 30 s).
///
/// Past the cap the request gets Flask's 413 (Flask itself reads a form of any size
/// unless `MAX_CONTENT_LENGTH` is set: set it to the same value for the same
/// answers); with the budget spent it gets 503, too slow a body 408.
///
/// ```
/// use std::time::Duration;
/// use flask_session_cookie::layer::FormBodyReader;
/// let reader = FormBodyReader::new()
///     .with_max_body(1 << 20)
///     .with_budget(32 << 20)
///     .with_timeout(Duration::from_secs(10));
/// assert_eq!(reader.max_body(), 1 << 20);
/// ```
#[derive(Debug, Clone)]
pub struct FormBodyReader {
    max_body: usize,
    timeout: Duration,
    budget: Arc<Budget>,
}

impl Default for FormBodyReader {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Debug)]
struct Budget {
    limit: usize,
    held: AtomicUsize,
}

impl Budget {
    fn try_take(&self, bytes: usize) -> bool {
        self.held
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |held| {
                held.checked_add(bytes).filter(|&total| total <= self.limit)
            })
            .is_ok()
    }

    fn give_back(&self, bytes: usize) {
        self.held.fetch_sub(bytes, Ordering::AcqRel);
    }
}

/// The budget a body holds until it is dropped (after the handler answered).
#[derive(Debug)]
pub(crate) struct Held {
    budget: Arc<Budget>,
    bytes: usize,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.budget.give_back(self.bytes);
    }
}

/// What reading a body gave.
#[derive(Debug)]
pub(crate) enum FormBody {
    /// The whole body, with the budget it holds.
    Read(Vec<u8>, Held),
    /// Not read: the answer to give instead.
    Refused(BodyRefusal),
}

/// Why a body was not read, and the status to answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyRefusal {
    /// Over the cap or `MAX_CONTENT_LENGTH`: Flask's 413.
    TooLarge,
    /// The shared budget is spent: 503.
    Busy,
    /// The body took longer than the timeout: 408.
    TimedOut,
    /// The connection failed while reading: 400.
    Broken,
}

impl BodyRefusal {
    /// The status and body to answer with.
    pub(crate) fn answer(self) -> (u16, String) {
        match self {
            BodyRefusal::TooLarge => (413, CsrfError::TooLarge.flask_body()),
            BodyRefusal::Busy => (503, "Service Unavailable".to_owned()),
            BodyRefusal::TimedOut => (408, "Request Timeout".to_owned()),
            BodyRefusal::Broken => (400, "Bad Request".to_owned()),
        }
    }

    /// Whether the answer is `text/html` (Flask's page) rather than plain text.
    pub(crate) fn is_html(self) -> bool {
        self == BodyRefusal::TooLarge
    }
}

impl FormBodyReader {
    /// The defaults: 16 MiB per body, 64 MiB for all, 30 seconds.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::layer::FormBodyReader::new().max_body(), 16 << 20);
    /// ```
    pub fn new() -> Self {
        FormBodyReader {
            max_body: 16 << 20,
            timeout: Duration::from_secs(30),
            budget: Arc::new(Budget {
                limit: 64 << 20,
                held: AtomicUsize::new(0),
            }),
        }
    }

    /// The largest form body read (413 beyond).
    ///
    /// ```
    /// let r = flask_session_cookie::layer::FormBodyReader::new().with_max_body(1024);
    /// assert_eq!(r.max_body(), 1024);
    /// ```
    #[must_use]
    pub fn with_max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The bytes all form bodies being read or checked may hold together (503
    /// beyond). A new budget, shared by the clones of the result.
    ///
    /// ```
    /// let r = flask_session_cookie::layer::FormBodyReader::new().with_budget(8 << 20);
    /// assert_eq!(r.budget(), 8 << 20);
    /// ```
    #[must_use]
    pub fn with_budget(mut self, bytes: usize) -> Self {
        self.budget = Arc::new(Budget {
            limit: bytes,
            held: AtomicUsize::new(0),
        });
        self
    }

    /// How long reading one whole body may take (408 beyond).
    ///
    /// ```
    /// use std::time::Duration;
    /// let r = flask_session_cookie::layer::FormBodyReader::new().with_timeout(Duration::from_secs(5));
    /// assert_eq!(r.timeout(), Duration::from_secs(5));
    /// ```
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest form body read.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::layer::FormBodyReader::new().max_body(), 16 << 20);
    /// ```
    pub fn max_body(&self) -> usize {
        self.max_body
    }

    /// The shared budget in bytes.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::layer::FormBodyReader::new().budget(), 64 << 20);
    /// ```
    pub fn budget(&self) -> usize {
        self.budget.limit
    }

    /// The bytes form bodies hold now, across all clones.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::layer::FormBodyReader::new().held(), 0);
    /// ```
    pub fn held(&self) -> usize {
        self.budget.held.load(Ordering::Acquire)
    }

    /// The time allowed for one body.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::layer::FormBodyReader::new().timeout().as_secs(), 30);
    /// ```
    pub fn timeout(&self) -> std::time::Duration {
        self.timeout
    }

    /// Whether the layer must read this request's body before deciding: the method
    /// needs a token and the `Content-Type` (the last one) is a form's.
    pub(crate) fn wants<'h>(
        config: &CsrfConfig,
        method: &str,
        mut content_types: impl DoubleEndedIterator<Item = &'h [u8]>,
    ) -> bool {
        config.needs_token(method)
            && crate::flask_wtf::is_form_content_type(content_types.next_back())
    }

    /// Reads a form body whole, refusing it past the cap, `MAX_CONTENT_LENGTH`
    /// (by `Content-Length` before reading, then as read), the budget or the time.
    pub(crate) async fn read<S, B, E>(
        &self,
        config: &CsrfConfig,
        content_length: Option<u64>,
        body: &mut S,
    ) -> FormBody
    where
        S: Stream<Item = Result<B, E>> + Unpin,
        B: AsRef<[u8]>,
    {
        let limits = config.form_limits();
        let too_long = |len: u64| limits.content_too_long(len) || len > self.max_body as u64;
        if content_length.is_some_and(too_long) {
            return FormBody::Refused(BodyRefusal::TooLarge);
        }
        let mut held = Held {
            budget: Arc::clone(&self.budget),
            bytes: 0,
        };
        let read = async {
            let mut out = Vec::new();
            loop {
                let chunk = poll_fn(|cx| Pin::new(&mut *body).poll_next(cx)).await;
                let chunk = match chunk {
                    None => return Ok(out),
                    Some(Ok(chunk)) => chunk,
                    Some(Err(_)) => return Err(BodyRefusal::Broken),
                };
                let chunk = chunk.as_ref();
                let needed = out.len() + chunk.len();
                if too_long(needed as u64) {
                    return Err(BodyRefusal::TooLarge);
                }
                // The budget counts what the buffer really holds: its capacity.
                if needed > out.capacity() {
                    let capacity = needed.max(out.capacity() * 2).min(self.max_body);
                    let grow = capacity - out.capacity();
                    if !held.budget.try_take(grow) {
                        return Err(BodyRefusal::Busy);
                    }
                    held.bytes += grow;
                    out.reserve_exact(capacity - out.len());
                }
                out.extend_from_slice(chunk);
            }
        };
        match tokio::time::timeout(self.timeout, read).await {
            Ok(Ok(bytes)) => FormBody::Read(bytes, held),
            Ok(Err(refusal)) => FormBody::Refused(refusal),
            Err(_) => FormBody::Refused(BodyRefusal::TimedOut),
        }
    }
}

/// `CSRFProtect.protect()` on a request whose form body (if Flask-WTF reads one) is
/// `body`, against the request's session, at the configuration's clock.
pub(crate) fn protect<'h>(
    config: &CsrfConfig,
    session: &FlaskSession,
    method: &str,
    headers: impl IntoIterator<Item = (&'h str, &'h [u8])>,
    body: &[u8],
    https: bool,
) -> Result<(), CsrfError> {
    let mut request = CsrfRequest::new(method).with_body(body).with_https(https);
    for (name, value) in headers {
        request = request.with_header(name, value);
    }
    let now = config.now();
    let verdict = session.with(|s| config.protect_at(&request, s, now));
    #[cfg(feature = "tracing")]
    if let Err(e) = verdict {
        tracing::debug!(
            reason = e.reason(),
            status = e.status(),
            "CSRF check failed"
        );
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_shared_and_given_back() {
        let reader = FormBodyReader::new().with_budget(10);
        let clone = reader.clone();
        assert!(reader.budget.try_take(6));
        assert!(!clone.budget.try_take(5));
        let held = Held {
            budget: Arc::clone(&clone.budget),
            bytes: 6,
        };
        assert_eq!(reader.held(), 6);
        drop(held);
        assert_eq!(clone.held(), 0);
        assert!(clone.budget.try_take(10));
    }
}
