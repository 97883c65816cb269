//! The escapes of a JSON string as `json.loads` (and msgspec) read them: the
//! one-character escapes, and a `\uD83D\uDE00` surrogate pair joined into one
//! character (Rust strings cannot hold a lone surrogate).

/// The character a one-character escape stands for (`\n` → newline), or `None` for
/// `u` and anything that is no escape.
pub(crate) fn simple_escape(b: u8) -> Option<char> {
    Some(match b {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        _ => return None,
    })
}

/// Whether a `\uXXXX` code unit is a high surrogate, which a low one must follow.
pub(crate) fn is_high_surrogate(unit: u32) -> bool {
    (0xd800..0xdc00).contains(&unit)
}

/// The character of a `\uXXXX` escape: `unit` alone, or with `low` when `unit` is a
/// high surrogate. `None` for a lone surrogate.
pub(crate) fn escaped_char(unit: u32, low: Option<u32>) -> Option<char> {
    let code = match low {
        Some(low) if is_high_surrogate(unit) && (0xdc00..0xe000).contains(&low) => {
            0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
        }
        Some(_) => return None,
        None => unit,
    };
    char::from_u32(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(simple_escape(b'n'), Some('\n'));
        assert_eq!(simple_escape(b'u'), None);
        assert_eq!(escaped_char(0xd83d, Some(0xde00)), Some('😀'));
        assert_eq!(escaped_char(0xd83d, Some(0x41)), None);
        assert_eq!(escaped_char(0xd800, None), None);
        assert_eq!(escaped_char(0x41, None), Some('A'));
    }
}
