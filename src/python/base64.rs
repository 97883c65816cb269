//! `base64.b64decode`'s leniency and `base64.b64encode`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Python's non-validating `base64.b64decode`: characters outside the standard
/// alphabet are skipped, decoding stops at complete padding, and a missing pad is
/// an error.
pub(crate) fn b64decode(s: &str) -> std::result::Result<Vec<u8>, String> {
    if !s.is_ascii() {
        return Err("string argument should contain only ASCII characters".into());
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 3);
    let mut quad_pos = 0u8;
    let mut left: u32 = 0;
    let mut pads = 0u8;
    for c in s.bytes() {
        if c == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Ok(out);
                }
            }
            continue;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        let v = u32::from(v);
        match quad_pos {
            0 => {
                left = v;
                quad_pos = 1;
            }
            1 => {
                out.push(((left << 2) | (v >> 4)) as u8);
                left = v & 0x0f;
                quad_pos = 2;
            }
            2 => {
                out.push(((left << 4) | (v >> 2)) as u8);
                left = v & 0x03;
                quad_pos = 3;
            }
            _ => {
                out.push(((left << 6) | v) as u8);
                left = 0;
                quad_pos = 0;
            }
        }
    }
    match quad_pos {
        0 => Ok(out),
        1 => Err(
            "invalid base64: the number of data characters is 1 more than a multiple of 4".into(),
        ),
        _ => Err("invalid base64: incorrect padding".into()),
    }
}

/// Python's `base64.b64encode`: the standard alphabet with padding, as Flask's ` b`
/// tag writes bytes.
pub(crate) fn b64encode(bytes: &[u8], out: &mut String) {
    STANDARD.encode_string(bytes, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b64decode_is_as_lenient_as_python() {
        assert_eq!(
            b64decode("AAFiaW5hcnn__g==").ok(),
            Some(b"\x00\x01binary\xe0".to_vec())
        );
        assert_eq!(
            b64decode("AAFiaW5hcnn//g==").ok(),
            Some(b"\x00\x01binary\xff\xfe".to_vec())
        );
        assert!(b64decode("AAFiaW5hcnn//g").is_err());
        assert!(b64decode("A").is_err());
        assert_eq!(b64decode("").ok(), Some(vec![]));
        assert_eq!(b64decode("YQ==junk").ok(), Some(b"a".to_vec()));
        assert!(b64decode("é").is_err());
    }
}
