//! Timestamped signing: the twin of `itsdangerous.TimestampSigner`.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::config::SignerConfig;
use super::keys::SecretKeys;
use super::signer::{Signer, Unsigned, rsplit_sep};
use crate::error::{Error, ErrorKind, Result};

/// A source of the current time in Unix seconds. Inject one to test expiry.
///
/// ```
/// use flask_session_cookie::Clock;
/// use flask_session_cookie::itsdangerous::{TimestampSigner, SignerConfig};
///
/// #[derive(Debug)]
/// struct Fixed(i64);
/// impl Clock for Fixed {
///     fn now(&self) -> i64 { self.0 }
/// }
///
/// let signer = TimestampSigner::new("k", SignerConfig::new())?.with_clock(Fixed(1_700_000_000));
/// assert!(signer.sign("v").starts_with("v.ZVPxAA."));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time in Unix seconds.
    fn now(&self) -> i64;
}

/// A clock stopped at a given Unix time: for tests, examples and replaying a
/// recorded cookie.
///
/// ```
/// use flask_session_cookie::SessionCodec;
/// use flask_session_cookie::itsdangerous::FixedClock;
///
/// let codec = SessionCodec::new("dev-secret")?.with_clock(FixedClock(1_700_000_000));
/// let cookie = "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM";
/// assert!(codec.decode(cookie).is_ok()); // 0 seconds old, whatever the date today
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0
    }
}

/// The system clock (`time.time()` in Python, truncated to whole seconds).
///
/// ```
/// use flask_session_cookie::{Clock, SystemClock};
/// assert!(SystemClock.now() > 1_700_000_000);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
        }
    }
}

/// Signs values with a timestamp: `value + sep + base64url(ts) + sep + signature`,
/// where the signature covers `value + sep + ts`.
///
/// The timestamp is the big-endian integer with leading zero bytes stripped, as
/// itsdangerous writes it.
///
/// ```
/// use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
///
/// let signer = TimestampSigner::new("secret-key", SignerConfig::new())?;
/// let token = signer.sign_at("hello", 1_700_000_000);
/// assert!(token.starts_with("hello.ZVPxAA."));
/// let unsigned = signer.unsign_at(&token, Some(60), 1_700_000_030)?;
/// assert_eq!((unsigned.value, unsigned.timestamp), ("hello", Some(1_700_000_000)));
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TimestampSigner {
    signer: Signer,
    epoch: i64,
    clock: Arc<dyn Clock>,
}

impl TimestampSigner {
    /// The epoch of itsdangerous 0.24 and older: 2011-01-01 00:00:00 UTC, in Unix
    /// seconds.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::TimestampSigner;
    /// assert_eq!(TimestampSigner::LEGACY_EPOCH, 1_293_840_000);
    /// ```
    pub const LEGACY_EPOCH: i64 = 1_293_840_000;

    /// Builds a timestamp signer; see [`Signer::new`]. Uses the system clock and the
    /// Unix epoch.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
    /// let signer = TimestampSigner::new("k", SignerConfig::new().with_salt("activate"))?;
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn new(keys: impl Into<SecretKeys>, config: SignerConfig) -> Result<Self> {
        Ok(TimestampSigner::from_signer(Signer::new(keys, config)?))
    }

    /// Wraps an existing [`Signer`].
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{Signer, SignerConfig, TimestampSigner};
    /// let signer = TimestampSigner::from_signer(Signer::new("k", SignerConfig::new())?);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn from_signer(signer: Signer) -> Self {
        TimestampSigner {
            signer,
            epoch: 0,
            clock: Arc::new(SystemClock),
        }
    }

    /// Uses `clock` instead of the system clock. Default: [`SystemClock`].
    ///
    /// ```
    /// use flask_session_cookie::SystemClock;
    /// use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
    /// let signer = TimestampSigner::new("k", SignerConfig::new())?.with_clock(SystemClock);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Counts timestamps from itsdangerous 0.24's epoch (2011-01-01,
    /// [`LEGACY_EPOCH`](TimestampSigner::LEGACY_EPOCH))
    /// when `legacy` is true. Default: false (Unix time, itsdangerous ≥ 1.0).
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
    ///
    /// let signer = TimestampSigner::new("k", SignerConfig::new())?.with_legacy_epoch(true);
    /// // 1700000000 - 1293840000 = 406160000 = 0x1835_8280
    /// assert!(signer.sign_at("v", 1_700_000_000).starts_with("v.GDWCgA."));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    #[must_use]
    pub fn with_legacy_epoch(mut self, legacy: bool) -> Self {
        self.epoch = if legacy { Self::LEGACY_EPOCH } else { 0 };
        self
    }

    /// The inner signer.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
    /// let signer = TimestampSigner::new("k", SignerConfig::flask_session())?;
    /// assert_eq!(signer.signer().config().salt(), b"cookie-session");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// The current time from the configured clock, in Unix seconds.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
    /// let signer = TimestampSigner::new("k", SignerConfig::new())?;
    /// assert!(signer.now() > 0);
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Signs `value` with the current time.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
    /// let signer = TimestampSigner::new("k", SignerConfig::new())?;
    /// let token = signer.sign("v");
    /// assert_eq!(signer.unsign(&token, Some(10))?.value, "v");
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn sign(&self, value: &str) -> String {
        self.sign_at(value, self.now())
    }

    /// Signs `value` as if at `timestamp` (Unix seconds).
    ///
    /// A time before the epoch cannot be written by itsdangerous; it is written as 0.
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
    /// let signer = TimestampSigner::new("k", SignerConfig::new())?;
    /// assert!(signer.sign_at("v", 255).starts_with("v._w."));
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn sign_at(&self, value: &str, timestamp: i64) -> String {
        let sep = self.signer.separator();
        let mut out = String::with_capacity(value.len() + 2 * sep.len() + 12 + 88);
        out.push_str(value);
        out.push_str(sep);
        push_timestamp(timestamp.saturating_sub(self.epoch), &mut out);
        let mut sig = String::with_capacity(88);
        self.signer.push_signature(out.as_bytes(), &mut sig);
        out.push_str(sep);
        out.push_str(&sig);
        out
    }

    /// Verifies `signed` against the configured clock; see [`TimestampSigner::unsign_at`].
    ///
    /// ```
    /// use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
    /// let signer = TimestampSigner::new("k", SignerConfig::new())?;
    /// assert!(signer.unsign(&signer.sign("v"), None).is_ok());
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn unsign<'a>(&self, signed: &'a str, max_age: Option<u64>) -> Result<Unsigned<'a>> {
        self.unsign_at(signed, max_age, self.now())
    }

    /// Verifies `signed` as if the time were `now` (Unix seconds).
    ///
    /// With `max_age`, a token is [`Expired`](crate::ErrorKind::Expired) when
    /// `now - timestamp > max_age` or when it is dated in the future; an age equal to
    /// `max_age` is accepted (itsdangerous' rule). The signature is checked first; the
    /// timestamp is only read from a token whose signature matches.
    ///
    /// ```
    /// use flask_session_cookie::ErrorKind;
    /// use flask_session_cookie::itsdangerous::{SignerConfig, TimestampSigner};
    ///
    /// let signer = TimestampSigner::new("k", SignerConfig::new())?;
    /// let token = signer.sign_at("v", 1000);
    /// assert!(signer.unsign_at(&token, Some(10), 1010).is_ok());
    /// let err = signer.unsign_at(&token, Some(10), 1011).unwrap_err();
    /// assert_eq!(err.kind(), &ErrorKind::Expired { age: 11, max_age: 10, signed_at: 1000 });
    /// assert_eq!(
    ///     err.to_string(),
    ///     "signature expired: signed 11 seconds ago, at 1970-01-01 00:16:40 UTC, \
    ///      and max_age allows 10 seconds; signature age 11 > 10 seconds"
    /// );
    /// # Ok::<(), flask_session_cookie::Error>(())
    /// ```
    pub fn unsign_at<'a>(
        &self,
        signed: &'a str,
        max_age: Option<u64>,
        now: i64,
    ) -> Result<Unsigned<'a>> {
        let sep = self.signer.separator();
        let unsigned = self.signer.unsign(signed)?;
        let (value, ts) = rsplit_sep(unsigned.value, sep)
            .ok_or_else(|| Error::new(ErrorKind::BadTimeSignature, "timestamp missing"))?;
        let raw = decode_timestamp(ts)?;
        let timestamp = raw.saturating_add(self.epoch);
        if let Some(max_age) = max_age {
            check_age(timestamp, max_age, now)?;
        }
        Ok(Unsigned {
            value,
            timestamp: Some(timestamp),
            key: unsigned.key,
        })
    }
}

/// Applies itsdangerous' `max_age` rule.
pub(crate) fn check_age(timestamp: i64, max_age: u64, now: i64) -> Result<()> {
    let age = now.saturating_sub(timestamp);
    let expired = |detail: String| {
        Error::new(
            ErrorKind::Expired {
                age,
                max_age,
                signed_at: timestamp,
            },
            detail,
        )
    };
    if age < 0 {
        return Err(expired(format!(
            "signed {} in the future, at {} (are the clocks apart?); \
             signature age {age} < 0 seconds",
            human_duration(age.unsigned_abs()),
            utc_text(timestamp)
        )));
    }
    if u64::try_from(age).unwrap_or(0) > max_age {
        return Err(expired(format!(
            "signed {} ago, at {}, and max_age allows {}; signature age {age} > {max_age} seconds",
            human_duration(age.unsigned_abs()),
            utc_text(timestamp),
            human_duration(max_age)
        )));
    }
    Ok(())
}

/// A duration as a person reads it: the largest whole unit (`40 days`, `3 hours`).
fn human_duration(seconds: u64) -> String {
    let (n, unit) = match seconds {
        0..60 => (seconds, "second"),
        60..3_600 => (seconds / 60, "minute"),
        3_600..86_400 => (seconds / 3_600, "hour"),
        _ => (seconds / 86_400, "day"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// A Unix time as `2023-11-14 22:13:20 UTC`.
fn utc_text(timestamp: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(timestamp) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => format!("Unix time {timestamp}"),
    }
}

/// Appends base64url of the big-endian bytes of `ts` with leading zero bytes stripped.
pub(crate) fn push_timestamp(ts: i64, out: &mut String) {
    let ts = u64::try_from(ts).unwrap_or(0);
    let bytes = ts.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    URL_SAFE_NO_PAD.encode_string(bytes.get(skip..).unwrap_or_default(), out);
}

/// Reads a timestamp part: unpadded base64url of at most 8 big-endian bytes.
/// An empty part is 0, as in itsdangerous.
pub(crate) fn decode_timestamp(ts: &str) -> Result<i64> {
    let malformed = || Error::new(ErrorKind::BadTimeSignature, "malformed timestamp");
    // 8 bytes take 11 characters; anything longer cannot fit in 64 bits.
    if ts.len() > 11 {
        return Err(malformed());
    }
    let mut buf = [0u8; 9];
    let n = URL_SAFE_NO_PAD
        .decode_slice(ts, &mut buf)
        .map_err(|e| malformed().with_source(e))?;
    let bytes = buf.get(..n).ok_or_else(malformed)?;
    if bytes.len() > 8 {
        return Err(malformed());
    }
    let mut value: u64 = 0;
    for b in bytes {
        value = (value << 8) | u64::from(*b);
    }
    i64::try_from(value).map_err(|_| malformed())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(n: i64) -> String {
        let mut s = String::new();
        push_timestamp(n, &mut s);
        s
    }

    #[test]
    fn timestamp_encoding_matches_itsdangerous() {
        assert_eq!(ts(1_700_000_000), "ZVPxAA");
        assert_eq!(ts(0), "");
        assert_eq!(ts(255), "_w");
        assert_eq!(ts(1 << 32), "AQAAAAA");
        for n in [0, 1, 255, 256, 1_700_000_000, 1 << 32, i64::MAX] {
            assert_eq!(decode_timestamp(&ts(n)).ok(), Some(n), "{n}");
        }
    }

    #[test]
    fn timestamp_of_nine_bytes_is_malformed() {
        // 9 bytes = 12 characters
        let err = decode_timestamp("AQAAAAAAAAAA").err();
        assert_eq!(
            err.map(|e| e.kind().clone()),
            Some(ErrorKind::BadTimeSignature)
        );
        // 8 bytes with the top bit set do not fit an i64 second count
        assert!(decode_timestamp("gAAAAAAAAAA").is_err());
    }

    #[test]
    fn expiry_says_how_old_and_when() {
        let err = check_age(1_700_000_000, 2_678_400, 1_700_000_000 + 3_456_004).err();
        assert_eq!(
            err.map(|e| e.detail().to_owned()).as_deref(),
            Some(
                "signed 40 days ago, at 2023-11-14 22:13:20 UTC, and max_age allows 31 days; \
                 signature age 3456004 > 2678400 seconds"
            )
        );
        let err = check_age(1_700_000_300, 60, 1_700_000_000).err();
        assert_eq!(
            err.map(|e| e.detail().to_owned()).as_deref(),
            Some(
                "signed 5 minutes in the future, at 2023-11-14 22:18:20 UTC (are the clocks \
                 apart?); signature age -300 < 0 seconds"
            )
        );
        assert_eq!(human_duration(1), "1 second");
        assert_eq!(human_duration(7_200), "2 hours");
    }

    #[test]
    fn age_edges() {
        assert!(check_age(100, 10, 110).is_ok());
        assert!(check_age(100, 10, 111).is_err());
        assert!(check_age(100, 10, 99).is_err());
        assert!(check_age(100, 0, 100).is_ok());
    }
}
