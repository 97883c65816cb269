//! Facts of RFC 1950 and RFC 1951 that deflate and inflate share: match lengths,
//! the literal/length and distance alphabets with their extra bits and bases, and
//! Adler-32.

/// The shortest and longest match.
pub(crate) const MIN_MATCH: usize = 3;
pub(crate) const MAX_MATCH: usize = 258;

pub(crate) const LITERALS: usize = 256;
pub(crate) const END_BLOCK: usize = 256;
pub(crate) const LENGTH_CODES: usize = 29;
/// Literal/length codes: the literals, the end of block, the length codes.
pub(crate) const L_CODES: usize = LITERALS + 1 + LENGTH_CODES;
pub(crate) const D_CODES: usize = 30;

/// Extra bits of each length code.
pub(crate) const EXTRA_LBITS: [u8; LENGTH_CODES] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Extra bits of each distance code.
pub(crate) const EXTRA_DBITS: [u8; D_CODES] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// First `length - 3` of each length code; the last code is length 258 alone.
// Evaluated at compile time: an index out of range would fail the build.
#[allow(clippy::indexing_slicing)]
pub(crate) const BASE_LENGTH: [u16; LENGTH_CODES] = {
    let mut t = [0u16; LENGTH_CODES];
    let mut code = 0;
    let mut base = 0u16;
    while code < LENGTH_CODES - 1 {
        t[code] = base;
        base += 1 << EXTRA_LBITS[code];
        code += 1;
    }
    t[LENGTH_CODES - 1] = (MAX_MATCH - MIN_MATCH) as u16;
    t
};

/// First `distance - 1` of each distance code.
#[allow(clippy::indexing_slicing)]
pub(crate) const BASE_DIST: [u16; D_CODES] = {
    let mut t = [0u16; D_CODES];
    let mut code = 0;
    let mut base = 0u32;
    while code < D_CODES {
        t[code] = base as u16;
        base += 1 << EXTRA_DBITS[code];
        code += 1;
    }
    t
};

/// The length code (0–28) of `lc = length - 3`.
pub(crate) fn length_code(lc: usize) -> usize {
    if lc >= MAX_MATCH - MIN_MATCH {
        LENGTH_CODES - 1
    } else if lc < 8 {
        lc
    } else {
        let top = lc.ilog2() as usize;
        4 * (top - 1) + ((lc >> (top - 2)) & 3)
    }
}

/// The distance code (0–29) of `d = distance - 1`.
pub(crate) fn dist_code(d: usize) -> usize {
    if d < 4 {
        d
    } else {
        let top = d.ilog2() as usize;
        2 * top + ((d >> (top - 1)) & 1)
    }
}

/// Adler-32 (RFC 1950 §8.2), eight bytes per step: over a group, `a` gains the
/// group's sum and `b` gains `8a` plus the sum weighted 8, 7, …, 1 — the values the
/// byte-by-byte rule reaches at the group's end, without its chain of additions.
pub(crate) fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    // The most bytes summed before `b` could overflow 32 bits (a multiple of 8).
    const CHUNK: usize = 5552;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(CHUNK) {
        let mut groups = chunk.chunks_exact(8);
        for g in &mut groups {
            let mut sum = 0u32;
            let mut weighted = 0u32;
            for (&x, w) in g.iter().zip((1..=8u32).rev()) {
                sum += u32::from(x);
                weighted += w * u32::from(x);
            }
            b += 8 * a + weighted;
            a += sum;
        }
        for &x in groups.remainder() {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}
