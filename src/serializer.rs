//! URL-safe serializers: the twins of `itsdangerous.URLSafeSerializer` and
//! `URLSafeTimedSerializer`. JSON ─► optional zlib ─► base64url ─► signature.

use std::cell::RefCell;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use crate::cache;
use crate::error::{Error, Limit, PayloadStage, Result};
use crate::limits::Limits;
use crate::signer::{KeyUsed, SecretKeys, Signer, SignerConfig};
use crate::tagged::json::JsonFormat;
use crate::tagged::value::{Dict, Value};
use crate::timed::{Clock, TimestampSigner};

/// zlib's default level (`Z_DEFAULT_COMPRESSION`), which `zlib.compress` uses.
const ZLIB_LEVEL: u32 = 6;

/// What a serializer's `loads` returns besides the value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Loaded {
    /// The decoded value.
    pub value: Value,
    /// When the token was signed (Unix seconds); `None` for untimed tokens.
    pub timestamp: Option<i64>,
    /// Which key verified the signature.
    pub key: KeyUsed,
    /// Whether the payload was zlib-compressed.
    pub compressed: bool,
}

/// Encodes JSON bytes as a payload: `"." + base64url(zlib(json))` when that saves at
/// least 2 bytes before base64 (itsdangerous' rule), else `base64url(json)`.
/// Returns whether it compressed.
pub(crate) fn encode_payload(json: &[u8], out: &mut String) -> bool {
    if let Some(compressed) = zlib_compress(json) {
        if compressed.len() + 1 < json.len() {
            out.push('.');
            URL_SAFE_NO_PAD.encode_string(&compressed, out);
            return true;
        }
    }
    URL_SAFE_NO_PAD.encode_string(json, out);
    false
}

thread_local! {
    /// One deflate and one inflate state per thread, reset for each use: building
    /// them (zlib allocates and clears its window and tables) costs more than
    /// compressing a cookie.
    static DEFLATER: RefCell<Option<Compress>> = const { RefCell::new(None) };
    static INFLATER: RefCell<Option<Decompress>> = const { RefCell::new(None) };
    static PAYLOAD_BUFFERS: RefCell<PayloadBuffers> = const {
        RefCell::new(PayloadBuffers { raw: Vec::new(), json: Vec::new() })
    };
}

/// Runs `f` with this thread's deflate state, reset (see [`cache`](crate::cache)).
fn with_deflater<R>(f: impl FnOnce(&mut Compress) -> R) -> R {
    let mut c = match cache::take(&DEFLATER) {
        Some(mut c) => {
            c.reset();
            c
        }
        None => Compress::new(Compression::new(ZLIB_LEVEL), true),
    };
    let result = f(&mut c);
    cache::put(&DEFLATER, Some(c));
    result
}

/// Runs `f` with this thread's inflate state, reset (see [`cache`](crate::cache)).
fn with_inflater<R>(f: impl FnOnce(&mut Decompress) -> R) -> R {
    let mut d = match cache::take(&INFLATER) {
        Some(mut d) => {
            d.reset(true);
            d
        }
        None => Decompress::new(true),
    };
    let result = f(&mut d);
    cache::put(&INFLATER, Some(d));
    result
}

/// `zlib.compress(data)`: through [`deflate`](crate::deflate), which writes CPython's
/// exact bytes, for any session that fits a cookie; through flate2 beyond that.
fn zlib_compress(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    if crate::deflate::zlib_compress(data, &mut out).is_some() {
        return Some(out);
    }
    with_deflater(|c| deflate_with(c, data))
}

fn deflate_with(c: &mut Compress, data: &[u8]) -> Option<Vec<u8>> {
    // zlib's compressBound plus the header and checksum.
    let mut out = Vec::with_capacity(data.len() + data.len() / 1000 + 64);
    loop {
        let consumed = usize::try_from(c.total_in()).ok()?;
        let status = c
            .compress_vec(data.get(consumed..)?, &mut out, FlushCompress::Finish)
            .ok()?;
        match status {
            Status::StreamEnd => return Some(out),
            Status::Ok | Status::BufError => out.reserve(out.capacity().max(64)),
        }
    }
}

/// Buffers kept per thread for decoding payloads: the base64-decoded bytes and the
/// inflated JSON. Taken out while in use (nested use starts with fresh ones); not
/// kept when a payload made them large.
#[derive(Default)]
struct PayloadBuffers {
    raw: Vec<u8>,
    json: Vec<u8>,
}

const BUFFER_KEEP: usize = 64 * 1024;

impl PayloadBuffers {
    fn take() -> Self {
        PAYLOAD_BUFFERS
            .try_with(|cell| {
                cell.try_borrow_mut()
                    .ok()
                    .map(|mut b| std::mem::take(&mut *b))
            })
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    fn give_back(mut self) {
        if self.raw.capacity() > BUFFER_KEEP || self.json.capacity() > BUFFER_KEEP {
            return;
        }
        self.raw.clear();
        self.json.clear();
        let _ = PAYLOAD_BUFFERS.try_with(|cell| {
            if let Ok(mut slot) = cell.try_borrow_mut() {
                *slot = self;
            }
        });
    }
}

/// Decodes a payload — strict unpadded base64url, then zlib when it starts with `.`,
/// inflating through `limits.max_inflated_len()`, then strict UTF-8 — and hands the
/// JSON text to `f`. Returns what `f` returns and whether the payload was compressed.
pub(crate) fn with_payload_text<R>(
    payload: &str,
    limits: &Limits,
    f: impl FnOnce(&str) -> Result<R>,
) -> Result<(R, bool)> {
    let (compressed, b64) = match payload.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, payload),
    };
    let mut buffers = PayloadBuffers::take();
    let result = decode_into(compressed, b64, limits, &mut buffers).and_then(|()| {
        let text = std::str::from_utf8(&buffers.json).map_err(|e| {
            Error::payload(PayloadStage::Utf8, "the payload is not valid UTF-8").with_source(e)
        })?;
        f(text)
    });
    buffers.give_back();
    result.map(|r| (r, compressed))
}

fn decode_into(
    compressed: bool,
    b64: &str,
    limits: &Limits,
    buffers: &mut PayloadBuffers,
) -> Result<()> {
    let base64_error = |e: base64::DecodeError| {
        Error::payload(
            PayloadStage::Base64,
            "could not base64url-decode the payload",
        )
        .with_source(e)
    };
    if !compressed {
        return URL_SAFE_NO_PAD
            .decode_vec(b64, &mut buffers.json)
            .map_err(base64_error);
    }
    URL_SAFE_NO_PAD
        .decode_vec(b64, &mut buffers.raw)
        .map_err(base64_error)?;
    let cap = limits.max_inflated_len();
    // Small sessions: one fixed-code block, inflated without setting up zlib.
    if crate::inflate::inflate_fixed(&buffers.raw, cap, &mut buffers.json).is_some() {
        return Ok(());
    }
    with_inflater(|d| inflate_with(d, &buffers.raw, cap, &mut buffers.json))
}

/// Inflates a zlib stream, never holding more than `cap + 1` output bytes. Trailing
/// bytes after the end of the stream are ignored, as Python's `zlib.decompress` does.
#[cfg(test)]
pub(crate) fn inflate(data: &[u8], cap: usize) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    with_inflater(|d| inflate_with(d, data, cap, &mut out))?;
    Ok(out)
}

fn inflate_with(d: &mut Decompress, data: &[u8], cap: usize, out: &mut Vec<u8>) -> Result<()> {
    let zlib_error = |detail: &str| {
        Error::payload(
            PayloadStage::Zlib,
            format!("could not zlib-decompress the payload: {detail}"),
        )
    };
    let too_big = || {
        Error::limit(
            Limit::InflatedSize,
            format!("the payload inflates to more than {cap} bytes"),
        )
    };
    let hard_cap = cap.saturating_add(1);
    out.clear();
    let want = data.len().saturating_mul(4).clamp(64, hard_cap);
    if out.capacity() < want {
        out.reserve_exact(want);
    }
    loop {
        if out.len() == out.capacity() {
            if out.len() >= hard_cap {
                return Err(too_big());
            }
            let grow = out.capacity().max(64).min(hard_cap - out.len());
            out.reserve_exact(grow);
        }
        let consumed = usize::try_from(d.total_in()).map_err(|_| zlib_error("too long"))?;
        let input = data.get(consumed..).unwrap_or_default();
        let before = (d.total_in(), d.total_out());
        let status = d
            .decompress_vec(input, out, FlushDecompress::None)
            .map_err(|e| zlib_error(&e.to_string()))?;
        if out.len() > cap {
            return Err(too_big());
        }
        match status {
            Status::StreamEnd => return Ok(()),
            Status::Ok | Status::BufError => {
                let progressed = (d.total_in(), d.total_out()) != before;
                if !progressed && out.len() < out.capacity() {
                    return Err(zlib_error("incomplete or truncated stream"));
                }
            }
        }
    }
}

pub(crate) fn check_cookie_len(token: &str, limits: &Limits) -> Result<()> {
    if token.len() > limits.max_cookie_len() {
        return Err(Error::limit(
            Limit::CookieLength,
            format!(
                "the value is {} bytes long, more than the limit of {}",
                token.len(),
                limits.max_cookie_len()
            ),
        ));
    }
    Ok(())
}

fn payload_of(json: &str) -> String {
    let mut payload = String::with_capacity(json.len() * 4 / 3 + 4);
    encode_payload(json.as_bytes(), &mut payload);
    payload
}

/// Shared settings of both serializers.
#[derive(Debug, Clone, Copy)]
struct Codec {
    format: JsonFormat,
    limits: Limits,
}

impl Codec {
    fn dump(&self, value: &Value) -> Result<String> {
        Ok(payload_of(&self.format.dumps(value, &self.limits)?))
    }

    fn dump_dict(&self, dict: &Dict) -> Result<String> {
        let mut json = String::with_capacity(64);
        self.format.dump_dict_into(dict, &self.limits, &mut json)?;
        Ok(payload_of(&json))
    }

    fn load(&self, payload: &str) -> Result<(Value, bool)> {
        with_payload_text(payload, &self.limits, |text| {
            self.format.loads(text, &self.limits)
        })
    }
}

/// Signs and verifies values as `payload.signature` (itsdangerous `URLSafeSerializer`).
///
/// Uses plain JSON by default (itsdangerous' serializer); [`JsonFormat::flask`] for
/// Flask's tags.
///
/// ```
/// use flask_session_cookie::{SignerConfig, UrlSafeSerializer, Value};
///
/// let s = UrlSafeSerializer::new("secret-key", SignerConfig::new().with_salt("activate"))?;
/// let token = s.dumps(&Value::from(vec![Value::from(1), Value::from(2)]))?;
/// assert_eq!(s.loads(&token)?.value, Value::from(vec![Value::from(1), Value::from(2)]));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct UrlSafeSerializer {
    signer: Signer,
    codec: Codec,
}

impl UrlSafeSerializer {
    /// A serializer with the given keys and signer settings, plain JSON and default
    /// limits.
    ///
    /// ```
    /// use flask_session_cookie::{SignerConfig, UrlSafeSerializer};
    /// let s = UrlSafeSerializer::new("k", SignerConfig::new())?;
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(keys: impl Into<SecretKeys>, config: SignerConfig) -> Result<Self> {
        Ok(UrlSafeSerializer {
            signer: Signer::new(keys, config)?,
            codec: Codec {
                format: JsonFormat::plain(),
                limits: Limits::new(),
            },
        })
    }

    /// Sets the JSON format. Default: [`JsonFormat::plain`].
    ///
    /// ```
    /// use flask_session_cookie::{JsonFormat, SignerConfig, UrlSafeSerializer};
    /// let s = UrlSafeSerializer::new("k", SignerConfig::new())?.with_json_format(JsonFormat::flask());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_json_format(mut self, format: JsonFormat) -> Self {
        self.codec.format = format;
        self
    }

    /// Sets the limits. Default: [`Limits::new`].
    ///
    /// ```
    /// use flask_session_cookie::{Limits, SignerConfig, UrlSafeSerializer};
    /// let s = UrlSafeSerializer::new("k", SignerConfig::new())?.with_limits(Limits::new().with_max_depth(8));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.codec.limits = limits;
        self
    }

    /// Serializes and signs `value`.
    ///
    /// ```
    /// use flask_session_cookie::{SignerConfig, UrlSafeSerializer, Value};
    /// let s = UrlSafeSerializer::new("k", SignerConfig::new())?;
    /// assert!(s.dumps(&Value::from("x"))?.starts_with("Ingi."));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn dumps(&self, value: &Value) -> Result<String> {
        Ok(self.signer.sign(&self.codec.dump(value)?))
    }

    /// Verifies and deserializes a token.
    ///
    /// ```
    /// use flask_session_cookie::{ErrorKind, SignerConfig, UrlSafeSerializer};
    /// let s = UrlSafeSerializer::new("k", SignerConfig::new())?;
    /// assert_eq!(s.loads("Ingi.wh6tMHxLgJqB6oY1uT73iMlyrOA").unwrap_err().kind(), &ErrorKind::BadSignature);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn loads(&self, token: &str) -> Result<Loaded> {
        check_cookie_len(token, &self.codec.limits)?;
        let (payload, key) = self.signer.unsign(token)?;
        let (value, compressed) = self.codec.load(payload)?;
        Ok(Loaded {
            value,
            timestamp: None,
            key,
            compressed,
        })
    }
}

/// Signs and verifies values as `payload.timestamp.signature`
/// (itsdangerous `URLSafeTimedSerializer`, what Flask's session uses).
///
/// ```
/// use flask_session_cookie::{SignerConfig, UrlSafeTimedSerializer, Value};
///
/// let s = UrlSafeTimedSerializer::new("secret-key", SignerConfig::new().with_salt("reset"))?;
/// let token = s.dumps_at(&Value::from(42), 1_700_000_000)?;
/// assert_eq!(token.split('.').nth(1), Some("ZVPxAA"));
/// let loaded = s.loads_at(&token, Some(3600), 1_700_000_100)?;
/// assert_eq!((loaded.value, loaded.timestamp), (Value::from(42), Some(1_700_000_000)));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct UrlSafeTimedSerializer {
    signer: TimestampSigner,
    codec: Codec,
}

impl UrlSafeTimedSerializer {
    /// A serializer with the given keys and signer settings, plain JSON, default
    /// limits, the system clock and the Unix epoch.
    ///
    /// ```
    /// use flask_session_cookie::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(keys: impl Into<SecretKeys>, config: SignerConfig) -> Result<Self> {
        Ok(UrlSafeTimedSerializer::from_signer(TimestampSigner::new(
            keys, config,
        )?))
    }

    /// Wraps a [`TimestampSigner`] (with its clock and epoch).
    ///
    /// ```
    /// use flask_session_cookie::{SignerConfig, TimestampSigner, UrlSafeTimedSerializer};
    /// let signer = TimestampSigner::new("k", SignerConfig::new())?.with_legacy_epoch(true);
    /// let s = UrlSafeTimedSerializer::from_signer(signer);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn from_signer(signer: TimestampSigner) -> Self {
        UrlSafeTimedSerializer {
            signer,
            codec: Codec {
                format: JsonFormat::plain(),
                limits: Limits::new(),
            },
        }
    }

    /// Sets the JSON format. Default: [`JsonFormat::plain`].
    ///
    /// ```
    /// use flask_session_cookie::{JsonFormat, SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?.with_json_format(JsonFormat::flask());
    /// assert!(s.json_format().tagged());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_json_format(mut self, format: JsonFormat) -> Self {
        self.codec.format = format;
        self
    }

    /// Sets the limits. Default: [`Limits::new`].
    ///
    /// ```
    /// use flask_session_cookie::{Limits, SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?.with_limits(Limits::new());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.codec.limits = limits;
        self
    }

    /// Uses `clock` for "now". Default: the system clock.
    ///
    /// ```
    /// use flask_session_cookie::{SignerConfig, SystemClock, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?.with_clock(SystemClock);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.signer = self.signer.with_clock(clock);
        self
    }

    /// Counts timestamps from itsdangerous 0.24's epoch; see
    /// [`TimestampSigner::with_legacy_epoch`]. Default: false.
    ///
    /// ```
    /// use flask_session_cookie::{SignerConfig, UrlSafeTimedSerializer, Value};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?.with_legacy_epoch(true);
    /// assert_eq!(s.dumps_at(&Value::None, 1_700_000_000)?.split('.').nth(1), Some("GDWCgA"));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_legacy_epoch(mut self, legacy: bool) -> Self {
        self.signer = self.signer.with_legacy_epoch(legacy);
        self
    }

    /// The JSON format.
    ///
    /// ```
    /// use flask_session_cookie::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// assert!(!s.json_format().tagged());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn json_format(&self) -> JsonFormat {
        self.codec.format
    }

    /// The limits.
    ///
    /// ```
    /// use flask_session_cookie::{Limits, SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// assert_eq!(s.limits(), &Limits::new());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn limits(&self) -> &Limits {
        &self.codec.limits
    }

    /// The timestamp signer.
    ///
    /// ```
    /// use flask_session_cookie::{SignerConfig, UrlSafeTimedSerializer};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// assert!(s.signer().now() > 0);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn signer(&self) -> &TimestampSigner {
        &self.signer
    }

    /// Serializes and signs `value` at the current time.
    ///
    /// ```
    /// use flask_session_cookie::{SignerConfig, UrlSafeTimedSerializer, Value};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// let token = s.dumps(&Value::None)?;
    /// assert_eq!(s.loads(&token, Some(60))?.value, Value::None);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn dumps(&self, value: &Value) -> Result<String> {
        self.dumps_at(value, self.signer.now())
    }

    /// Serializes and signs `value` as if at `timestamp` (Unix seconds).
    ///
    /// ```
    /// use flask_session_cookie::{SignerConfig, UrlSafeTimedSerializer, Value};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// assert!(s.dumps_at(&Value::None, 1_700_000_000)?.starts_with("bnVsbA.ZVPxAA."));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn dumps_at(&self, value: &Value, timestamp: i64) -> Result<String> {
        Ok(self.signer.sign_at(&self.codec.dump(value)?, timestamp))
    }

    /// Signs a dict (a session) as if at `timestamp`, without copying it into a [`Value`].
    pub(crate) fn dumps_dict_at(&self, dict: &Dict, timestamp: i64) -> Result<String> {
        Ok(self.signer.sign_at(&self.codec.dump_dict(dict)?, timestamp))
    }

    /// Verifies a Flask session cookie and reads it into `T` in one pass when it can
    /// (see `tagged::stream`); the tree path otherwise. Returns `T` and the
    /// verification details.
    pub(crate) fn loads_session_as_at<T: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        max_age: Option<u64>,
        now: i64,
    ) -> Result<T> {
        check_cookie_len(token, &self.codec.limits)?;
        let unsigned = self.signer.unsign_at(token, max_age, now)?;
        let limits = &self.codec.limits;
        with_payload_text(unsigned.value, limits, |text| {
            crate::tagged::stream::session_from_text(text, limits)
        })
        .map(|(value, _)| value)
    }

    /// Verifies and deserializes a token at the current time; see
    /// [`loads_at`](UrlSafeTimedSerializer::loads_at).
    ///
    /// ```
    /// use flask_session_cookie::{SignerConfig, UrlSafeTimedSerializer, Value};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// assert!(s.loads("bnVsbA.ZVPxAA.nope", None).is_err());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn loads(&self, token: &str, max_age: Option<u64>) -> Result<Loaded> {
        self.loads_at(token, max_age, self.signer.now())
    }

    /// Verifies and deserializes a token as if the time were `now`.
    ///
    /// Order, as in itsdangerous: length limit, signature, timestamp and `max_age`,
    /// then the payload. An expired token is never parsed.
    ///
    /// ```
    /// use flask_session_cookie::{ErrorKind, SignerConfig, UrlSafeTimedSerializer, Value};
    /// let s = UrlSafeTimedSerializer::new("k", SignerConfig::new())?;
    /// let token = s.dumps_at(&Value::None, 1000)?;
    /// assert!(s.loads_at(&token, Some(5), 1005).is_ok());
    /// assert!(matches!(s.loads_at(&token, Some(5), 1006).unwrap_err().kind(), ErrorKind::Expired { .. }));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn loads_at(&self, token: &str, max_age: Option<u64>, now: i64) -> Result<Loaded> {
        check_cookie_len(token, &self.codec.limits)?;
        let unsigned = self.signer.unsign_at(token, max_age, now)?;
        let (value, compressed) = self.codec.load(unsigned.value)?;
        Ok(Loaded {
            value,
            timestamp: Some(unsigned.timestamp),
            key: unsigned.key,
            compressed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_boundary_is_itsdangerous_rule() {
        let mut out = String::new();
        assert!(!encode_payload(br#"{"k":"abababababab"}"#, &mut out));
        out.clear();
        assert!(encode_payload(br#"{"k":"AAAAAAAAAAAA"}"#, &mut out));
        assert_eq!(out, ".eJyrVspWslJyRAJKtQA2QwUy");
    }

    #[test]
    fn inflate_stops_at_the_cap() {
        let big = vec![b'a'; 100_000];
        let z = zlib_compress(&big).unwrap_or_default();
        assert_eq!(inflate(&z, 100_000).map(|v| v.len()).ok(), Some(100_000));
        let err = inflate(&z, 99_999).err().map(|e| e.kind().clone());
        assert_eq!(
            err,
            Some(crate::ErrorKind::LimitExceeded(Limit::InflatedSize))
        );
    }

    #[test]
    fn inflate_rejects_truncated_and_ignores_trailing() {
        let z = zlib_compress(b"hello hello hello hello").unwrap_or_default();
        assert!(inflate(z.get(..z.len() - 3).unwrap_or_default(), 1000).is_err());
        let mut trailing = z.clone();
        trailing.extend_from_slice(b"garbage");
        assert_eq!(
            inflate(&trailing, 1000).ok(),
            Some(b"hello hello hello hello".to_vec())
        );
    }
}
