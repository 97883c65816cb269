//! A fast path for inflating the zlib streams of small sessions.
//!
//! zlib writes a short input (a session up to roughly a hundred bytes of JSON) as one
//! block with the fixed Huffman codes of RFC 1951 §3.2.6. Decoding such a block needs
//! no tables built per stream, so a tight loop over a compile-time table beats
//! resetting and driving a general inflater (about 145 against 190 ns for the
//! 69-byte stream of two flashed messages).
//!
//! The fast path only ever *succeeds*: any stream that is not made of fixed-code
//! blocks under the usual `0x78` header, or that is invalid in any way, truncated,
//! over the size cap or fails its Adler-32 check, returns `None` and is left to the
//! general inflater, which accepts or rejects it exactly as before. When it succeeds,
//! the output is the one zlib produces for the same stream: deflate decoding is
//! deterministic, and every check zlib makes for such a stream is made here too
//! (valid codes, no distance before the start, the checksum).

use crate::zlib::tables::{BASE_DIST, BASE_LENGTH, EXTRA_DBITS, EXTRA_LBITS, adler32};

/// One entry of the fixed literal/length table, indexed by the next 9 input bits:
/// the symbol and how many bits its code takes.
#[derive(Clone, Copy)]
struct Entry {
    symbol: u16,
    bits: u8,
}

/// Fixed literal/length codes (RFC 1951 §3.2.6), indexed by 9 bits as they arrive
/// (least significant first, so each code bit-reversed, and every completion of a
/// shorter code filled in).
// Evaluated at compile time: an index out of range would fail the build.
#[allow(clippy::indexing_slicing)]
const LITLEN: [Entry; 512] = {
    let mut table = [Entry { symbol: 0, bits: 0 }; 512];
    // (first symbol, last symbol, code length, first code)
    let ranges: [(u16, u16, u8, u16); 4] = [
        (0, 143, 8, 0x30),
        (144, 255, 9, 0x190),
        (256, 279, 7, 0x00),
        (280, 287, 8, 0xc0),
    ];
    let mut r = 0;
    while r < ranges.len() {
        let (first, last, bits, first_code) = ranges[r];
        let mut symbol = first;
        while symbol <= last {
            let code = first_code + (symbol - first);
            // Reverse the code's bits.
            let mut reversed = 0u16;
            let mut i = 0;
            while i < bits {
                reversed |= ((code >> i) & 1) << (bits - 1 - i);
                i += 1;
            }
            let mut fill = 0u16;
            while fill < (1 << (9 - bits)) {
                table[(reversed | (fill << bits)) as usize] = Entry { symbol, bits };
                fill += 1;
            }
            symbol += 1;
        }
        r += 1;
    }
    table
};

/// Bits in, least significant first.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    buf: u64,
    n: u32,
}

impl Bits<'_> {
    /// Makes at least 56 bits available, or as many as the input has left. Eight
    /// bytes are loaded at once where there are eight: the bytes beyond the count
    /// land exactly where the next refill puts them again.
    #[inline]
    fn refill(&mut self) {
        if let Some(word) = self
            .data
            .get(self.pos..self.pos + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
        {
            self.buf |= u64::from_le_bytes(word) << self.n;
            self.pos += ((63 - self.n) / 8) as usize;
            self.n |= 56;
            return;
        }
        while self.n <= 56 {
            let Some(&b) = self.data.get(self.pos) else {
                return;
            };
            self.buf |= u64::from(b) << self.n;
            self.pos += 1;
            self.n += 8;
        }
    }

    /// The next `k` bits (k ≤ 32) without taking them; `None` past the end.
    #[inline]
    fn peek(&mut self, k: u32) -> Option<u32> {
        if self.n < k {
            self.refill();
            if self.n < k {
                return None;
            }
        }
        Some((self.buf & ((1u64 << k) - 1)) as u32)
    }

    #[inline]
    fn take(&mut self, k: u32) -> Option<u32> {
        let v = self.peek(k)?;
        self.buf >>= k;
        self.n -= k;
        Some(v)
    }

    /// The next `k` bits of a code, reading zeros past the end (a table lookup may
    /// look further than the code it finds; running out is caught by `consume`).
    #[inline]
    fn peek_padded(&mut self, k: u32) -> u32 {
        if self.n < k {
            self.refill();
        }
        (self.buf & ((1u64 << k) - 1)) as u32
    }

    /// Drops `k` bits that `peek_padded` showed; `None` if they were not all there.
    #[inline]
    fn consume(&mut self, k: u32) -> Option<()> {
        if self.n < k {
            return None;
        }
        self.buf >>= k;
        self.n -= k;
        Some(())
    }

    /// The byte-aligned rest of the input, after the bits still buffered.
    fn rest_after_align(&self) -> &[u8] {
        let whole_bytes_buffered = (self.n / 8) as usize;
        let start = self.pos.saturating_sub(whole_bytes_buffered);
        self.data.get(start..).unwrap_or_default()
    }
}

/// Inflates `data` into `out` (cleared first) when it is a zlib stream of
/// fixed-code blocks that inflates to at most `cap` bytes and passes every check;
/// `None` otherwise, `out` then holding anything.
pub(crate) fn inflate_fixed(data: &[u8], cap: usize, out: &mut Vec<u8>) -> Option<()> {
    out.clear();
    // CMF 0x78: deflate with a 32 KiB window, as zlib and CPython write it; no preset
    // dictionary; the header check.
    let (&cmf, &flg) = (data.first()?, data.get(1)?);
    if cmf != 0x78 || flg & 0x20 != 0 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 {
        return None;
    }
    let mut bits = Bits {
        data: data.get(2..)?,
        pos: 0,
        buf: 0,
        n: 0,
    };
    loop {
        let header = bits.take(3)?;
        // BTYPE 01: fixed codes.
        if header >> 1 != 1 {
            return None;
        }
        loop {
            let entry = *LITLEN.get(bits.peek_padded(9) as usize)?;
            bits.consume(u32::from(entry.bits))?;
            let symbol = usize::from(entry.symbol);
            if symbol < 256 {
                if out.len() >= cap {
                    return None;
                }
                out.push(symbol as u8);
                continue;
            }
            if symbol == 256 {
                break;
            }
            let code = symbol - 257;
            // The tables count lengths from 3 and distances from 1.
            let len = 3
                + usize::from(*BASE_LENGTH.get(code)?)
                + bits.take(u32::from(*EXTRA_LBITS.get(code)?))? as usize;
            // Five bits, most significant first.
            let dcode = (bits.take(5)?.reverse_bits() >> 27) as usize;
            let dist = 1
                + usize::from(*BASE_DIST.get(dcode)?)
                + bits.take(u32::from(*EXTRA_DBITS.get(dcode)?))? as usize;
            if dist > out.len() || out.len() + len > cap {
                return None;
            }
            let from = out.len() - dist;
            if dist >= len {
                out.extend_from_within(from..from + len);
            } else {
                for i in from..from + len {
                    let b = *out.get(i)?;
                    out.push(b);
                }
            }
        }
        if header & 1 == 1 {
            break;
        }
    }
    let trailer: [u8; 4] = bits.rest_after_align().get(..4)?.try_into().ok()?;
    (u32::from_be_bytes(trailer) == adler32(out)).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Decompress, FlushDecompress, Status};

    fn general(data: &[u8], cap: usize) -> Option<Vec<u8>> {
        let mut d = Decompress::new(true);
        let mut out = Vec::with_capacity(cap + 1);
        match d.decompress_vec(data, &mut out, FlushDecompress::Finish) {
            Ok(Status::StreamEnd) if out.len() <= cap => Some(out),
            _ => None,
        }
    }

    fn compress(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        assert_eq!(
            crate::zlib::deflate::zlib_compress(data, &mut out),
            Some(())
        );
        out
    }

    #[test]
    fn small_sessions_take_the_fast_path() {
        let json = br#"{"_flashes":[{" t":["message","Hello!"]},{" t":["error","Bad thing"]}]}"#;
        let z = compress(json);
        let mut out = Vec::new();
        assert_eq!(inflate_fixed(&z, 1000, &mut out), Some(()));
        assert_eq!(out, json);
        // Overlapping copies (distance 1, long runs) and the longest length.
        let runs = [b'a'; 600];
        let z = compress(&runs);
        assert_eq!(inflate_fixed(&z, 1000, &mut out), Some(()));
        assert_eq!(out, runs);
        // Over the cap: left to the general inflater, which reports the limit.
        assert_eq!(inflate_fixed(&z, 599, &mut out), None);
    }

    #[test]
    fn other_streams_are_left_to_the_general_inflater() {
        let mut out = Vec::new();
        // A dynamic-code block (a longer, varied input).
        let text: Vec<u8> = (0..3000u32)
            .map(|i| b"abcdefghij"[(i * i % 7) as usize])
            .collect();
        let z = compress(&text);
        assert_eq!(inflate_fixed(&z, 1 << 20, &mut out), None);
        assert_eq!(general(&z, 1 << 20).as_deref(), Some(&text[..]));
        // A stored block.
        let random: Vec<u8> = (0..200u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(inflate_fixed(&compress(&random), 1 << 20, &mut out), None);
        assert_eq!(inflate_fixed(b"", 100, &mut out), None);
        assert_eq!(inflate_fixed(b"x", 100, &mut out), None);
    }

    /// Every corruption of fixed-code streams: whatever the fast path accepts, the
    /// general inflater accepts with the same output.
    #[test]
    fn never_accepts_what_zlib_rejects() {
        let mut out = Vec::new();
        let mut accepted = 0;
        let mut rejected = 0;
        let inputs: [&[u8]; 4] = [
            br#"{"_flashes":[{" t":["message","Hello!"]}]}"#,
            br#"{"_fresh":false,"_permanent":true}"#,
            b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            br#"{"a":"abcabcabcabcabc","b":[1,2,3,1,2,3]}"#,
        ];
        for input in inputs {
            let z = compress(input);
            assert_eq!(inflate_fixed(&z, 1000, &mut out), Some(()));
            for i in 0..z.len() * 8 {
                let mut bad = z.clone();
                bad[i / 8] ^= 1 << (i % 8);
                for cut in [bad.len(), bad.len() - 1, i / 8 + 1] {
                    let candidate = &bad[..cut];
                    if inflate_fixed(candidate, 1000, &mut out).is_some() {
                        assert_eq!(
                            general(candidate, 1000).as_deref(),
                            Some(&out[..]),
                            "bit {i}, cut {cut}"
                        );
                        accepted += 1;
                    } else {
                        rejected += 1;
                    }
                }
            }
        }
        // Flipping a bit almost always breaks the checksum; a few land in the
        // header's unused bits or in trailing bytes.
        assert!(
            rejected > 10 * accepted,
            "{accepted} accepted, {rejected} rejected"
        );
        assert!(accepted > 0);
    }
}
