//! `float.__repr__`: shortest round-trip digits, exponent form below 1e-4 and from
//! 1e16 on.

use super::StackText;
use std::fmt::Write as _;

/// Writes a float as Python's `float.__repr__` does (shortest round-trip digits,
/// exponent form below 1e-4 and from 1e16 on), with the given words for NaN and
/// infinity (`NaN`/`Infinity` in JSON, `nan`/`inf` for `str()`).
pub(crate) fn push_float(f: f64, out: &mut String, nan: &str, inf: &str) {
    if f.is_nan() {
        out.push_str(nan);
        return;
    }
    if f.is_infinite() {
        if f < 0.0 {
            out.push('-');
        }
        out.push_str(inf);
        return;
    }
    if f == 0.0 {
        out.push_str(if f.is_sign_negative() { "-0.0" } else { "0.0" });
        return;
    }
    // `{:e}` gives the shortest round-trip digits in the form `-d.ddde-7`, written to
    // the stack (a float's `{:e}` is at most 24 characters).
    let mut sci = StackText::<32>::new();
    let _ = write!(sci, "{f:e}");
    // With 16 or 17 digits two strings of that length can round-trip; Python picks
    // the one nearest the exact value, ties to even (…374.125 -> …374.12), which is
    // the correctly rounded one. Fewer digits cannot tie (10^15 < 2^53).
    let n_digits = mantissa(&sci).iter().filter(|b| b.is_ascii_digit()).count();
    if n_digits >= 16 {
        let mut nearest = StackText::<32>::new();
        let _ = write!(nearest, "{:.*e}", n_digits - 1, f);
        if nearest.as_str().parse::<f64>().is_ok_and(|back| back == f) {
            sci = nearest;
        }
    }
    let exp: i32 = exponent(&sci).parse().unwrap_or(0);
    let mantissa = mantissa(&sci);
    let negative = mantissa.first() == Some(&b'-');
    // At most 17 significant digits.
    let mut digit_buf = [b'0'; 24];
    let mut n = 0;
    for &b in mantissa.iter().filter(|b| b.is_ascii_digit()) {
        if let Some(slot) = digit_buf.get_mut(n) {
            *slot = b;
            n += 1;
        }
    }
    let digits = std::str::from_utf8(digit_buf.get(..n).unwrap_or_default()).unwrap_or("0");
    if negative {
        out.push('-');
    }
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = usize::try_from(exp).unwrap_or(0) + 1;
            if digits.len() <= int_len {
                out.push_str(digits);
                for _ in digits.len()..int_len {
                    out.push('0');
                }
                out.push_str(".0");
            } else {
                let (a, b) = digits.split_at(int_len);
                out.push_str(a);
                out.push('.');
                out.push_str(b);
            }
        } else {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(digits);
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(
            out,
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        );
    }
}

/// The part of a float's `{:e}` text before the `e`.
fn mantissa<const N: usize>(sci: &StackText<N>) -> &[u8] {
    let t = sci.as_str().as_bytes();
    t.split(|b| *b == b'e').next().unwrap_or_default()
}

/// The part of a float's `{:e}` text after the `e`.
fn exponent<const N: usize>(sci: &StackText<N>) -> &str {
    let text = sci.as_str();
    let at = text
        .bytes()
        .position(|b| b == b'e')
        .map_or(text.len(), |i| i + 1);
    text.get(at..).unwrap_or("0")
}
