//! [`Int`]: a Python `int` of any size.

use std::fmt;

/// A Python `int` of any size.
///
/// Values that fit `i64` are stored as such; larger ones keep their canonical
/// decimal text (no leading zeros, `-` for negatives).
///
/// ```
/// use flask_session_cookie::Int;
///
/// let big: Int = "1180591620717411303424".parse()?;
/// assert_eq!(big.as_i64(), None);
/// assert_eq!(big.to_string(), "1180591620717411303424");
/// assert_eq!(Int::from(-5).as_i64(), Some(-5));
/// # Ok::<(), flask_session_cookie::value::ParseIntError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Int(IntRepr);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum IntRepr {
    Small(i64),
    /// Canonical decimal text of a value outside the `i64` range.
    Big(Box<str>),
}

impl Int {
    /// The value as `i64`, if it fits.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Int::from(u64::MAX).as_i64(), None);
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        match &self.0 {
            IntRepr::Small(v) => Some(*v),
            IntRepr::Big(_) => None,
        }
    }

    /// The value as `u64`, if it fits.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Int::from(u64::MAX).as_u64(), Some(u64::MAX));
    /// ```
    pub fn as_u64(&self) -> Option<u64> {
        match &self.0 {
            IntRepr::Small(v) => u64::try_from(*v).ok(),
            IntRepr::Big(s) => s.parse().ok(),
        }
    }

    /// The value as `i128`, if it fits.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Int::from(i128::MIN).as_i128(), Some(i128::MIN));
    /// ```
    pub fn as_i128(&self) -> Option<i128> {
        match &self.0 {
            IntRepr::Small(v) => Some(i128::from(*v)),
            IntRepr::Big(s) => s.parse().ok(),
        }
    }

    /// The value as the nearest `f64` (Python's `float(n)`; huge values become ±inf).
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Int::from(3).as_f64(), 3.0);
    /// ```
    pub fn as_f64(&self) -> f64 {
        match &self.0 {
            #[allow(clippy::cast_precision_loss)]
            IntRepr::Small(v) => *v as f64,
            IntRepr::Big(s) => s.parse().unwrap_or(f64::NAN),
        }
    }

    /// The number of decimal digits, without the sign.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Int::from(-120).digits(), 3);
    /// ```
    pub fn digits(&self) -> usize {
        match &self.0 {
            IntRepr::Small(v) => {
                let mut n = v.unsigned_abs();
                let mut d = 1;
                while n >= 10 {
                    n /= 10;
                    d += 1;
                }
                d
            }
            IntRepr::Big(s) => s.trim_start_matches('-').len(),
        }
    }

    /// Parses decimal digits with an optional leading `-`, as JSON writes an
    /// integer (leading zeros allowed here; they are dropped).
    pub(crate) fn parse_decimal(text: &str) -> Option<Int> {
        if let Ok(v) = text.parse::<i64>() {
            return Some(Int(IntRepr::Small(v)));
        }
        let (neg, digits) = match text.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = digits.trim_start_matches('0');
        if digits.is_empty() {
            return Some(Int(IntRepr::Small(0)));
        }
        let mut s = String::with_capacity(digits.len() + 1);
        if neg {
            s.push('-');
        }
        s.push_str(digits);
        if let Ok(v) = s.parse::<i64>() {
            return Some(Int(IntRepr::Small(v)));
        }
        Some(Int(IntRepr::Big(s.into_boxed_str())))
    }
}

impl std::str::FromStr for Int {
    type Err = ParseIntError;

    /// Parses a decimal integer of any size (optional sign, ASCII digits).
    fn from_str(s: &str) -> Result<Self, ParseIntError> {
        Int::parse_decimal(s).ok_or(ParseIntError(()))
    }
}

/// The error of `"...".parse::<Int>()`: the text is not a decimal integer.
///
/// ```
/// use flask_session_cookie::Int;
///
/// let err = "12a".parse::<Int>().unwrap_err();
/// assert_eq!(err.to_string(), "not a decimal integer (an optional sign, then ASCII digits)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseIntError(());

impl fmt::Display for ParseIntError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a decimal integer (an optional sign, then ASCII digits)")
    }
}

impl std::error::Error for ParseIntError {}

impl fmt::Display for Int {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            IntRepr::Small(v) => write!(f, "{v}"),
            IntRepr::Big(s) => f.write_str(s),
        }
    }
}

macro_rules! int_from_small {
    ($($t:ty),*) => {$(
        impl From<$t> for Int {
            fn from(v: $t) -> Self { Int(IntRepr::Small(i64::from(v))) }
        }
    )*};
}
int_from_small!(i8, i16, i32, i64, u8, u16, u32);

macro_rules! int_from_wide {
    ($($t:ty),*) => {$(
        impl From<$t> for Int {
            fn from(v: $t) -> Self {
                match i64::try_from(v) {
                    Ok(small) => Int(IntRepr::Small(small)),
                    Err(_) => Int(IntRepr::Big(v.to_string().into_boxed_str())),
                }
            }
        }
    )*};
}
int_from_wide!(u64, isize, usize, i128, u128);
