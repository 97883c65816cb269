//! msgpack as msgspec writes and reads it (`msgspec.msgpack.Encoder()`,
//! `Decoder()`): Flask-Session 0.8's default format.

use time::{Duration, OffsetDateTime};

use super::Budget;
use crate::error::{Error, PayloadStage, Result};
use crate::limits::Limits;
use crate::value::{Dict, Int, Key, Value};

/// msgspec's msgpack of a value: what Flask-Session 0.8 stores for
/// `dict(session)`. An integer outside −2⁶³…2⁶⁴−1 and a `Markup` are
/// [`Unencodable`](crate::ErrorKind::Unencodable), as msgspec raises for them (the
/// save fails in Flask-Session).
///
/// ```
/// use flask_session_cookie::{Value, msgspec::msgpack};
/// assert_eq!(msgpack::encode(&Value::from(300))?, [0xcd, 0x01, 0x2c]);
/// assert_eq!(msgpack::encode(&Value::from(-33))?, [0xd0, 0xdf]);
/// assert!(msgpack::encode(&Value::Markup("<b>".into())).is_err());
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn encode(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(64);
    write(value, &mut out)?;
    Ok(out)
}

/// msgspec's msgpack of a dict (a session's, without copying it into a
/// [`Value`]): the same bytes as [`encode`] of `Value::Dict`.
pub(crate) fn encode_dict(dict: &crate::value::Dict) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(64);
    write_dict(dict, &mut out)?;
    Ok(out)
}

fn write_dict(d: &crate::value::Dict, out: &mut Vec<u8>) -> Result<()> {
    write_len(d.len(), [0, 0xde, 0xdf], Some((0x80, 16)), out);
    for (k, v) in d {
        write_str(k, out);
        write(v, out)?;
    }
    Ok(())
}

fn write(value: &Value, out: &mut Vec<u8>) -> Result<()> {
    match value {
        Value::None => out.push(0xc0),
        Value::Bool(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Value::Int(i) => write_int(i, out)?,
        Value::Float(f) => {
            out.push(0xcb);
            out.extend_from_slice(&f.to_be_bytes());
        }
        Value::Str(s) => write_str(s, out),
        Value::Bytes(b) => {
            write_len(b.len(), [0xc4, 0xc5, 0xc6], None, out);
            out.extend_from_slice(b);
        }
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => {
            write_len(items.len(), [0, 0xdc, 0xdd], Some((0x90, 16)), out);
            for item in items {
                write(item, out)?;
            }
        }
        Value::Dict(d) => write_dict(d, out)?,
        Value::Uuid(u) => write_str(&u.hyphenated().to_string(), out),
        Value::DateTime(dt) => write_timestamp(*dt, out),
        Value::NaiveDateTime(_) | Value::Date(_) => {
            write_str(&crate::value::isoformat(value), out);
        }
        Value::Markup(_) => {
            return Err(Error::unencodable(
                "a Markup cannot be written as msgpack (msgspec raises TypeError: \
                 Flask-Session's save fails)",
            ));
        }
    }
    Ok(())
}

/// A length prefix: the fix form (`fix = (base, limit)`) when it fits, else the 8-,
/// 16- or 32-bit form (`codes`; a 0 code means the form does not exist).
fn write_len(len: usize, codes: [u8; 3], fix: Option<(u8, usize)>, out: &mut Vec<u8>) {
    if let Some((base, limit)) = fix
        && len < limit
    {
        out.push(base | (len as u8));
    } else if codes[0] != 0 && len < 0x100 {
        out.push(codes[0]);
        out.push(len as u8);
    } else if len < 0x1_0000 {
        out.push(codes[1]);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(codes[2]);
        out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
    }
}

fn write_str(s: &str, out: &mut Vec<u8>) {
    write_len(s.len(), [0xd9, 0xda, 0xdb], Some((0xa0, 32)), out);
    out.extend_from_slice(s.as_bytes());
}

fn write_int(i: &Int, out: &mut Vec<u8>) -> Result<()> {
    if let Some(v) = i.as_i64() {
        match v {
            0..=0x7f => out.push(v as u8),
            -32..=-1 => out.push(v as u8),
            0x80..=0xff => out.extend_from_slice(&[0xcc, v as u8]),
            0x100..=0xffff => {
                out.push(0xcd);
                out.extend_from_slice(&(v as u16).to_be_bytes());
            }
            0x1_0000..=0xffff_ffff => {
                out.push(0xce);
                out.extend_from_slice(&(v as u32).to_be_bytes());
            }
            0x1_0000_0000.. => {
                out.push(0xcf);
                out.extend_from_slice(&(v as u64).to_be_bytes());
            }
            -128..=-33 => out.extend_from_slice(&[0xd0, v as u8]),
            -32_768..=-129 => {
                out.push(0xd1);
                out.extend_from_slice(&(v as i16).to_be_bytes());
            }
            -2_147_483_648..=-32_769 => {
                out.push(0xd2);
                out.extend_from_slice(&(v as i32).to_be_bytes());
            }
            _ => {
                out.push(0xd3);
                out.extend_from_slice(&v.to_be_bytes());
            }
        }
        return Ok(());
    }
    if let Some(v) = i.as_u64() {
        out.push(0xcf);
        out.extend_from_slice(&v.to_be_bytes());
        return Ok(());
    }
    Err(Error::unencodable(
        "an integer outside -2**63 to 2**64-1 cannot be written as msgpack (msgspec raises \
         OverflowError: Flask-Session's save fails)",
    ))
}

/// The timestamp extension (type −1) in its smallest form, as msgspec writes an
/// aware datetime: 32-bit seconds when there are no nanoseconds and the seconds fit,
/// 64-bit `nanoseconds << 34 | seconds` when the seconds fit in 34 bits, else 96-bit.
fn write_timestamp(dt: OffsetDateTime, out: &mut Vec<u8>) {
    let seconds = dt.unix_timestamp();
    let nanos = dt.nanosecond();
    if nanos == 0
        && let Ok(s) = u32::try_from(seconds)
    {
        out.extend_from_slice(&[0xd6, 0xff]);
        out.extend_from_slice(&s.to_be_bytes());
    } else if (0..1 << 34).contains(&seconds) {
        out.extend_from_slice(&[0xd7, 0xff]);
        let packed = (u64::from(nanos) << 34) | seconds as u64;
        out.extend_from_slice(&packed.to_be_bytes());
    } else {
        out.extend_from_slice(&[0xc7, 12, 0xff]);
        out.extend_from_slice(&nanos.to_be_bytes());
        out.extend_from_slice(&seconds.to_be_bytes());
    }
}

/// Reads msgpack as msgspec's `Decoder()` does: the whole input must be one value
/// (trailing bytes are an error); arrays become lists, the timestamp extension an
/// aware UTC datetime (nanoseconds rounded to microseconds, half up); maps become
/// dicts, whose keys must be strings here. Limits: [`Limits::max_stored_len`]
/// before anything is read, then depth, values and integer size.
///
/// ```
/// use flask_session_cookie::{Limits, Value, msgspec::msgpack};
/// let limits = Limits::server_side();
/// let v = msgpack::decode(&[0x92, 0x01, 0xa1, b'a'], &limits)?;
/// assert_eq!(v, Value::List(vec![1.into(), "a".into()]));
/// assert!(msgpack::decode(&[0x01, 0x02], &limits).is_err()); // trailing bytes
/// # Ok::<(), flask_session_cookie::Error>(())
/// ```
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Value> {
    let mut budget = Budget::new(bytes.len(), limits)?;
    let mut reader = Reader { bytes, pos: 0 };
    let value = reader.value(&mut budget, 0)?;
    if reader.pos != bytes.len() {
        return Err(malformed(format!(
            "trailing bytes after the value (at byte {})",
            reader.pos
        )));
    }
    Ok(value)
}

fn malformed(detail: impl Into<String>) -> Error {
    Error::payload(PayloadStage::Msgpack, detail)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| malformed("the value is truncated"))?;
        let out = self.bytes.get(self.pos..end).unwrap_or_default();
        self.pos = end;
        Ok(out)
    }

    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?.first().copied().unwrap_or(0))
    }

    fn uint(&mut self, n: usize) -> Result<u64> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    fn len(&mut self, n: usize) -> Result<usize> {
        usize::try_from(self.uint(n)?).map_err(|_| malformed("a length does not fit"))
    }

    fn value(&mut self, budget: &mut Budget<'_>, depth: usize) -> Result<Value> {
        budget.take(depth)?;
        self.counted_value(budget, depth)
    }

    /// [`value`](Reader::value) once the budget has counted it.
    fn counted_value(&mut self, budget: &mut Budget<'_>, depth: usize) -> Result<Value> {
        let code = self.byte()?;
        Ok(match code {
            0x00..=0x7f => Value::from(i64::from(code)),
            0xe0..=0xff => Value::from(i64::from(code as i8)),
            0x80..=0x8f => self.map(usize::from(code & 0x0f), budget, depth)?,
            0x90..=0x9f => self.array(usize::from(code & 0x0f), budget, depth)?,
            0xa0..=0xbf => self.str(usize::from(code & 0x1f))?,
            0xc0 => Value::None,
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            0xc4..=0xc6 => {
                let n = self.len(1 << (code - 0xc4))?;
                Value::Bytes(self.take(n)?.to_vec())
            }
            0xc7..=0xc9 => {
                let n = self.len(1 << (code - 0xc7))?;
                self.ext(n)?
            }
            0xca => Value::Float(f64::from(f32::from_bits(self.uint(4)? as u32))),
            0xcb => Value::Float(f64::from_bits(self.uint(8)?)),
            0xcc..=0xcf => Value::Int(Int::from(self.uint(1 << (code - 0xcc))?)),
            0xd0..=0xd3 => {
                let n = 1usize << (code - 0xd0);
                let raw = self.uint(n)?;
                let shift = 64 - 8 * n as u32;
                Value::from(((raw << shift) as i64) >> shift)
            }
            0xd4..=0xd8 => self.ext(1 << (code - 0xd4))?,
            0xd9..=0xdb => {
                let n = self.len(1 << (code - 0xd9))?;
                self.str(n)?
            }
            0xdc | 0xdd => {
                let n = self.len(2 << (code - 0xdc))?;
                self.array(n, budget, depth)?
            }
            0xde | 0xdf => {
                let n = self.len(2 << (code - 0xde))?;
                self.map(n, budget, depth)?
            }
            0xc1 => {
                return Err(malformed(format!(
                    "invalid opcode 0xc1 at byte {}",
                    self.pos - 1
                )));
            }
        })
    }

    fn str(&mut self, n: usize) -> Result<Value> {
        let raw = self.take(n)?;
        std::str::from_utf8(raw)
            .map(|s| Value::Str(s.to_owned()))
            .map_err(|_| malformed("a string is not valid UTF-8"))
    }

    fn array(&mut self, n: usize, budget: &mut Budget<'_>, depth: usize) -> Result<Value> {
        // Each element takes at least a byte: a count beyond the input is truncated.
        if n > self.bytes.len() - self.pos {
            return Err(malformed("the value is truncated"));
        }
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(self.value(budget, depth + 1)?);
        }
        Ok(Value::List(items))
    }

    fn map(&mut self, n: usize, budget: &mut Budget<'_>, depth: usize) -> Result<Value> {
        if n > (self.bytes.len() - self.pos) / 2 {
            return Err(malformed("the value is truncated"));
        }
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let key = self.key(budget, depth + 1)?;
            let value = self.value(budget, depth + 1)?;
            entries.push((key, value));
        }
        Ok(Value::Dict(Dict::from_entries(entries)))
    }

    /// A dict key, counted as a value is: a str, read in place (a key of up to 24
    /// bytes allocates nothing); any other value is refused, as a session's keys are
    /// str.
    fn key(&mut self, budget: &mut Budget<'_>, depth: usize) -> Result<Key> {
        budget.take(depth)?;
        let code = self.bytes.get(self.pos).copied();
        let n = match code {
            Some(code @ 0xa0..=0xbf) => {
                self.pos += 1;
                usize::from(code & 0x1f)
            }
            Some(code @ 0xd9..=0xdb) => {
                self.pos += 1;
                self.len(1 << (code - 0xd9))?
            }
            _ => {
                let other = self.counted_value(budget, depth)?;
                return Err(Error::payload(
                    PayloadStage::Value,
                    format!(
                        "a dict key is a {} ({other}); a session's keys are str",
                        other.type_name()
                    ),
                ));
            }
        };
        std::str::from_utf8(self.take(n)?)
            .map(Key::from)
            .map_err(|_| malformed("a string is not valid UTF-8"))
    }

    /// An extension of `n` data bytes: only the timestamp (type −1) is a value.
    fn ext(&mut self, n: usize) -> Result<Value> {
        let kind = self.byte()? as i8;
        let data = self.take(n)?;
        if kind != -1 {
            return Err(Error::payload(
                PayloadStage::Value,
                format!("a msgpack extension of type {kind}, which is no session value"),
            ));
        }
        let be = |b: &[u8]| b.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x));
        let (seconds, nanos) = match data.len() {
            4 => (be(data) as i64, 0u64),
            8 => {
                let v = be(data);
                ((v & ((1 << 34) - 1)) as i64, v >> 34)
            }
            12 => (
                be(data.get(4..).unwrap_or_default()) as i64,
                be(data.get(..4).unwrap_or_default()),
            ),
            _ => return Err(malformed("invalid msgpack timestamp")),
        };
        if nanos >= 1_000_000_000 {
            return Err(malformed(
                "invalid msgpack timestamp: nanoseconds out of range",
            ));
        }
        // Python keeps microseconds: rounded half up, as msgspec does.
        let micros = (nanos + 500) / 1000;
        OffsetDateTime::from_unix_timestamp(seconds)
            .ok()
            .and_then(|dt| dt.checked_add(Duration::microseconds(micros as i64)))
            .filter(|dt| (1..=9999).contains(&dt.year()))
            .map(Value::DateTime)
            .ok_or_else(|| malformed("a msgpack timestamp outside the years 1 to 9999"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Keys: fixstr and str8 read in place, a long one too; duplicates keep the last
    /// value in the first place (a dict); a key that is not a str, a truncated or
    /// non-UTF-8 key, and a key past the item budget are refused.
    #[test]
    fn dict_keys_are_read_in_place_and_checked() {
        let limits = Limits::server_side();
        let long = "k".repeat(40);
        let mut packed = vec![0x83, 0xa1, b'b', 0x01, 0xd9, 40];
        packed.extend_from_slice(long.as_bytes());
        packed.extend_from_slice(&[0x02, 0xa1, b'b', 0x03]);
        let Value::Dict(d) = decode(&packed, &limits).unwrap() else {
            panic!("not a dict")
        };
        let keys: Vec<&str> = d.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["b", long.as_str()]);
        assert_eq!(d.get("b"), Some(&Value::from(3)));

        let e = decode(&[0x81, 0x01, 0x02], &limits).unwrap_err();
        assert!(e.to_string().contains("a dict key is a int (1)"), "{e}");
        let e = decode(&[0x81, 0xa3, b'a'], &limits).unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
        let e = decode(&[0x81, 0xa1, 0xff, 0x01], &limits).unwrap_err();
        assert!(e.to_string().contains("not valid UTF-8"), "{e}");
        let e = decode(&[0x81], &limits).unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
        let tight = Limits::server_side().with_max_items(3); // the dict, a key, a value
        assert!(decode(&[0x81, 0xa1, b'a', 0x01], &tight).is_ok());
        let e = decode(&[0x82, 0xa1, b'a', 0x01, 0xa1, b'b', 0x02], &tight).unwrap_err();
        assert_eq!(e.kind_name(), "limit", "{e}");
    }

    #[test]
    fn ints_in_their_smallest_form() {
        for (v, want) in [
            (0i64, "00"),
            (127, "7f"),
            (128, "cc80"),
            (256, "cd0100"),
            (65536, "ce00010000"),
            (1 << 32, "cf0000000100000000"),
            (-1, "ff"),
            (-32, "e0"),
            (-33, "d0df"),
            (-129, "d1ff7f"),
            (-32769, "d2ffff7fff"),
            (-(1 << 31) - 1, "d3ffffffff7fffffff"),
        ] {
            let packed = encode(&Value::from(v)).unwrap();
            assert_eq!(hex(&packed), want, "{v}");
            assert_eq!(
                decode(&packed, &Limits::server_side()).unwrap(),
                Value::from(v)
            );
        }
    }

    #[test]
    fn timestamps_round_to_microseconds() {
        let at = |h: &str| {
            let bytes: Vec<u8> = (0..h.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                .collect();
            match decode(&bytes, &Limits::server_side()).unwrap() {
                Value::DateTime(dt) => (dt.unix_timestamp(), dt.microsecond()),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(at("d7ff0000177000000001"), (1, 2)); // 1500 ns
        assert_eq!(at("d7ff00000f9c00000001"), (1, 1)); // 999 ns
        assert_eq!(at("d7ffee6b27fc00000001"), (2, 0)); // 999,999,999 ns
        assert_eq!(at("c70cff00000000ffffffff00000000"), (-(1 << 32), 0));
    }
}
