//! `float.__repr__`: shortest round-trip digits, exponent form below 1e-4 and from
//! 1e16 on.

use super::StackText;
use std::fmt::Write as _;

/// Writes a float as Python's `float.__repr__` does (shortest round-trip digits,
/// exponent form below 1e-4 and from 1e16 on), with the given words for NaN and
/// infinity (`NaN`/`Infinity` in JSON, `nan`/`inf` for `str()`).
pub(crate) fn push_float(f: f64, out: &mut String, nan: &str, inf: &str) {
    push_float_with(f, out, nan, inf, Style::PYTHON);
}

/// Writes a finite float as msgspec's JSON encoder does: Python's digits, fixed
/// notation for decimal exponents from -5 to 15, else `1e-6` / `1.5e16` (no `+`, no
/// zero padding). NaN and infinities are the caller's (msgspec writes `null`).
pub(crate) fn push_float_msgspec(f: f64, out: &mut String) {
    push_float_with(f, out, "null", "null", Style::MSGSPEC);
}

/// Where a float's text switches to exponent form, and how the exponent is written.
#[derive(Clone, Copy)]
struct Style {
    /// The smallest decimal exponent written in fixed notation (up to 15).
    min_fixed: i32,
    /// Python writes `e+16` and `e-05`; msgspec `e16` and `e-5`.
    python_exponent: bool,
}

impl Style {
    const PYTHON: Style = Style {
        min_fixed: -4,
        python_exponent: true,
    };
    const MSGSPEC: Style = Style {
        min_fixed: -5,
        python_exponent: false,
    };
}

fn push_float_with(f: f64, out: &mut String, nan: &str, inf: &str, style: Style) {
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
    if (style.min_fixed..16).contains(&exp) {
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
        if style.python_exponent {
            let _ = write!(
                out,
                "e{}{:02}",
                if exp < 0 { '-' } else { '+' },
                exp.unsigned_abs()
            );
        } else {
            let _ = write!(out, "e{exp}");
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msgspec_float_text() {
        // Measured with msgspec 0.23's JSON encoder.
        for (f, want) in [
            (0.1, "0.1"),
            (1e300, "1e300"),
            (1e16, "1e16"),
            (1e15, "1000000000000000.0"),
            (1e-7, "1e-7"),
            (1e-6, "1e-6"),
            (1.234e-6, "1.234e-6"),
            (1e-5, "0.00001"),
            (1.5e-5, "0.000015"),
            (0.0001, "0.0001"),
            (-0.0, "-0.0"),
            (5e-324, "5e-324"),
            (1.2345678901234568e17, "1.2345678901234568e17"),
            (100.0, "100.0"),
            (-1e-5, "-0.00001"),
            (2.2250738585072014e-308, "2.2250738585072014e-308"),
        ] {
            let mut out = String::new();
            push_float_msgspec(f, &mut out);
            assert_eq!(out, want, "{f:e}");
        }
    }
}
