//! `uuid.UUID(text)`'s accepted forms.

use uuid::Uuid;

use std::fmt::Write as _;

use super::StackText;

/// Python's `uuid.UUID(text)`: `urn:` and `uuid:` removed, braces stripped from the
/// ends, hyphens removed, then exactly 32 hex digits.
pub(crate) fn parse_uuid(s: &str) -> Option<Uuid> {
    if !s.contains(':') {
        return parse_uuid_hex(s);
    }
    // `hex.replace('urn:', '').replace('uuid:', '')`, on the stack when it fits.
    let mut urn = StackText::<128>::new();
    let mut both = StackText::<128>::new();
    if replace_into(s, "urn:", &mut urn).is_ok()
        && replace_into(urn.as_str(), "uuid:", &mut both).is_ok()
    {
        return parse_uuid_hex(both.as_str());
    }
    parse_uuid_hex(&s.replace("urn:", "").replace("uuid:", ""))
}

/// `s.replace(pattern, "")` written to `out`.
fn replace_into<const N: usize>(
    s: &str,
    pattern: &str,
    out: &mut StackText<N>,
) -> std::fmt::Result {
    for piece in s.split(pattern) {
        out.write_str(piece)?;
    }
    Ok(())
}

/// `uuid.UUID()` after the `urn:`/`uuid:` removal: braces stripped from the ends,
/// hyphens removed, then exactly 32 hex digits (read without copying).
fn parse_uuid_hex(s: &str) -> Option<Uuid> {
    let s = s.trim_matches(|c| c == '{' || c == '}');
    let mut value: u128 = 0;
    let mut digits = 0;
    for b in s.bytes().filter(|&b| b != b'-') {
        let d = char::from(b).to_digit(16)?;
        digits += 1;
        if digits > 32 {
            return None;
        }
        value = (value << 4) | u128::from(d);
    }
    (digits == 32).then(|| Uuid::from_u128(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_forms() {
        let want = Uuid::from_u128(0x12345678_1234_5678_1234_567812345678);
        for s in [
            "12345678123456781234567812345678",
            "12345678-1234-5678-1234-567812345678",
            "{12345678-1234-5678-1234-567812345678}",
            "urn:uuid:12345678-1234-5678-1234-567812345678",
        ] {
            assert_eq!(parse_uuid(s), Some(want), "{s}");
        }
        assert_eq!(parse_uuid("bad"), None);
    }
}
