//! A zlib stream writer that produces, byte for byte, what zlib's `compress()` at the
//! default level produces — which is what CPython's `zlib.compress(data)` and so
//! itsdangerous and Flask write — for inputs up to [`MAX_INPUT`] bytes.
//!
//! Flask compresses a session only when that saves two bytes, so the deflated length
//! decides the cookie's very shape; another deflater (zlib-rs, miniz) makes valid but
//! different cookies, and sometimes compresses where Flask does not. This one is
//! written from RFC 1950/1951 and zlib's level-6 algorithm and parameters: lazy
//! matching over a 15-bit hash of three bytes (`((a << 10) ^ (b << 5) ^ c) & 0x7fff`),
//! position 0 never a candidate, hash chains cut after 128 candidates (32 once the
//! previous match reaches 8 bytes), a 128-byte match ending the search, lazy
//! evaluation only below 16 bytes, 3-byte matches farther than 4096 dropped; a block
//! ends every 16,383 symbols, and each is written stored, with the fixed codes, or
//! with Huffman codes from zlib's heap construction (ties to the shallower subtree,
//! lengths over the limit repaired as zlib does), whichever zlib's own size estimate
//! picks. Tests check it against CPython's zlib and, with `c-zlib`, C zlib itself.
//!
//! It is also about twice as fast as a reset zlib stream on a small session: zlib
//! clears its 64 KiB hash table for every stream. Here the table is kept per thread
//! and entries from earlier calls are told apart by an epoch number.
//!
//! Longer inputs return `None` and the caller falls back to flate2's zlib.

mod bits;
mod trees;

use std::cell::RefCell;

use self::bits::BitWriter;
use self::trees::{
    BL_CODES, BL_KIND, BL_ORDER, Builder, DIST_KIND, EXTRA_BLBITS, HEAP_SIZE, LIT_KIND,
    STATIC_CODES, Tree, build_tree, bump, get, scan_tree, set,
};
use crate::cache;
use crate::zlib::tables::{
    BASE_DIST, BASE_LENGTH, D_CODES, END_BLOCK, EXTRA_DBITS, EXTRA_LBITS, LITERALS, MAX_MATCH,
    MIN_MATCH, adler32, dist_code, length_code,
};

/// The longest input handled here: zlib's farthest match distance (its 32 KiB window
/// less the lookahead), so that the whole input is one window that never slides.
pub(crate) const MAX_INPUT: usize = 32_506;

/// zlib ends a block when its symbol buffer (`1 << (memLevel + 6)` entries) holds
/// one less than its size.
const BLOCK_SYMBOLS: usize = (1 << 14) - 1;

const HASH_BITS: u32 = 15;
const HASH_SIZE: usize = 1 << HASH_BITS;
const HASH_MASK: usize = HASH_SIZE - 1;
/// Level 6: `good_length`, `max_lazy`, `nice_length`, `max_chain`.
const GOOD_LENGTH: usize = 8;
const MAX_LAZY: usize = 16;
const NICE_LENGTH: usize = 128;
const MAX_CHAIN: usize = 128;
/// A 3-byte match farther back than this is not worth a distance code.
const TOO_FAR: usize = 4096;

/// zlib's match length at `m` for `scan` (their first three bytes equal): the index
/// of the first differing byte from the fourth on, at most [`MAX_MATCH`]. Bytes past
/// the input read as zero, as in zlib's window.
#[inline]
fn match_len(m: &[u8], scan: &[u8]) -> usize {
    let mut i = MIN_MATCH;
    // Whole 8-byte words while both sides are inside the input.
    while i + 8 <= MAX_MATCH {
        let (Some(a), Some(b)) = (m.get(i..i + 8), scan.get(i..i + 8)) else {
            break;
        };
        let x = u64::from_le_bytes(a.try_into().unwrap_or_default())
            ^ u64::from_le_bytes(b.try_into().unwrap_or_default());
        if x != 0 {
            return i + (x.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < MAX_MATCH && byte(m, i) == byte(scan, i) {
        i += 1;
    }
    i
}

thread_local! {
    static STATE: RefCell<Option<Box<State>>> = const { RefCell::new(None) };
}

/// A match or a literal, as zlib's symbol buffer holds them: `dist == 0` is a literal.
#[derive(Clone, Copy)]
struct Sym {
    dist: u16,
    lc: u8,
}

/// Everything kept between calls on one thread.
struct State {
    /// Most recent position for each hash, as `epoch << 16 | position`: entries of
    /// an earlier call (another epoch) read as none, so the table is never cleared
    /// per call — clearing zlib's 64 KiB table was most of the cost of a small input.
    head: Box<[u32; HASH_SIZE]>,
    epoch: u32,
    /// The input followed by zeros, as zlib's window holds it.
    win: Vec<u8>,
    /// Previous position with the same hash, per position.
    prev: Vec<u16>,
    syms: Vec<Sym>,
    ltree: Tree<HEAP_SIZE>,
    dtree: Tree<{ 2 * D_CODES + 1 }>,
    bltree: Tree<{ 2 * BL_CODES + 1 }>,
    builder: Builder,
    /// The code-length symbols describing the two trees, with their extra values.
    bl_steps: Vec<(u8, u8)>,
    /// Bit lengths of the block with the dynamic and with the fixed codes.
    opt_len: u64,
    static_len: u64,
}

impl State {
    fn new() -> Box<Self> {
        Box::new(State {
            head: Box::new([0; HASH_SIZE]),
            epoch: 0,
            win: Vec::new(),
            prev: Vec::new(),
            syms: Vec::new(),
            ltree: Tree::new(),
            dtree: Tree::new(),
            bltree: Tree::new(),
            bl_steps: Vec::new(),
            builder: Builder {
                heap: [0; HEAP_SIZE + 1],
                order: [0; HEAP_SIZE],
            },
            opt_len: 0,
            static_len: 0,
        })
    }
}

/// Compresses `data` into a zlib stream identical to zlib's `compress()` at level 6,
/// appended to `out`. `None` (and `out` untouched) when `data` is longer than
/// [`MAX_INPUT`].
pub(crate) fn zlib_compress(data: &[u8], out: &mut Vec<u8>) -> Option<()> {
    if data.len() > MAX_INPUT {
        return None;
    }
    let mut state = cache::take(&STATE).unwrap_or_else(State::new);
    state.compress(data, out);
    cache::put(&STATE, Some(state));
    Some(())
}

/// The byte at `i`, or 0 past the end: zlib zeroes the window beyond its input, and
/// match comparisons may run into that zone.
#[inline]
fn byte(data: &[u8], i: usize) -> u8 {
    data.get(i).copied().unwrap_or(0)
}

/// The two bytes at `i` (zeros past the end).
#[inline]
fn u16_at(b: &[u8], i: usize) -> u16 {
    b.get(i..i + 2)
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map_or(0, u16::from_le_bytes)
}

#[inline]
fn hash(data: &[u8], p: usize) -> usize {
    ((usize::from(byte(data, p)) << 10)
        ^ (usize::from(byte(data, p + 1)) << 5)
        ^ usize::from(byte(data, p + 2)))
        & HASH_MASK
}

impl State {
    fn compress(&mut self, data: &[u8], out: &mut Vec<u8>) {
        self.epoch += 1;
        if self.epoch > 0xffff {
            self.head.fill(0);
            self.epoch = 1;
        }
        self.prev.clear();
        self.prev.resize(data.len(), 0);
        let mut win = std::mem::take(&mut self.win);
        win.clear();
        win.extend_from_slice(data);
        win.resize(data.len() + MAX_MATCH + 8, 0);
        self.start_block();

        out.reserve(data.len() / 2 + 64);
        // CMF (deflate, 32 KiB window) and FLG (default level), as zlib writes them.
        out.extend_from_slice(&[0x78, 0x9c]);
        let mut bits = BitWriter { out, buf: 0, n: 0 };
        self.deflate_slow(&win, data.len(), &mut bits);
        bits.finish();
        out.extend_from_slice(&adler32(data).to_be_bytes());
        self.win = win;
    }

    /// zlib's `init_block`.
    fn start_block(&mut self) {
        self.syms.clear();
        self.ltree.freq.fill(0);
        self.dtree.freq.fill(0);
        self.bltree.freq.fill(0);
        set(&mut self.ltree.freq, END_BLOCK, 1);
        self.opt_len = 0;
        self.static_len = 0;
    }

    /// Inserts the three bytes at `p` in the hash table; returns the previous
    /// position with the same hash (0 = none).
    #[inline]
    fn insert(&mut self, win: &[u8], p: usize) -> usize {
        let h = hash(win, p);
        let entry = get(&self.head[..], h);
        let old = if entry >> 16 == self.epoch {
            (entry & 0xffff) as u16
        } else {
            0
        };
        set(&mut self.prev, p, old);
        // p < MAX_INPUT < 2^16
        set(&mut self.head[..], h, self.epoch << 16 | p as u32);
        usize::from(old)
    }

    /// Records a literal; true when the block is full.
    fn tally_lit(&mut self, c: u8) -> bool {
        self.syms.push(Sym { dist: 0, lc: c });
        bump(&mut self.ltree.freq, usize::from(c));
        self.syms.len() == BLOCK_SYMBOLS
    }

    /// Records a match; true when the block is full.
    fn tally_dist(&mut self, dist: usize, lc: usize) -> bool {
        self.syms.push(Sym {
            dist: dist as u16,
            lc: lc as u8,
        });
        bump(&mut self.ltree.freq, length_code(lc) + LITERALS + 1);
        bump(&mut self.dtree.freq, dist_code(dist - 1));
        self.syms.len() == BLOCK_SYMBOLS
    }

    /// Writes the block of `data[*block_start..end]` and starts the next.
    fn end_block(
        &mut self,
        data: &[u8],
        block_start: &mut usize,
        end: usize,
        last: bool,
        bits: &mut BitWriter<'_>,
    ) {
        let block = data.get(*block_start..end).unwrap_or_default();
        self.flush_block(block, last, bits);
        self.start_block();
        *block_start = end;
    }

    /// zlib's lazy-matching loop (`deflate_slow`) over the whole input, writing
    /// each block as it fills and the last at the end.
    /// `data` is the window: the `len` input bytes, then zeros.
    fn deflate_slow(&mut self, data: &[u8], len: usize, bits: &mut BitWriter<'_>) {
        let mut block_start = 0usize;
        let mut strstart = 0usize;
        let mut lookahead = len;
        let mut match_length = MIN_MATCH - 1;
        let mut match_start = 0usize;
        let mut match_available = false;
        while lookahead > 0 {
            let hash_head = if lookahead >= MIN_MATCH {
                self.insert(data, strstart)
            } else {
                0
            };
            let prev_length = match_length;
            let prev_match = match_start;
            match_length = MIN_MATCH - 1;
            if hash_head != 0 && prev_length < MAX_LAZY {
                match_length = self.longest_match(
                    data,
                    strstart,
                    lookahead,
                    prev_length,
                    hash_head,
                    &mut match_start,
                );
                if match_length == MIN_MATCH && strstart - match_start > TOO_FAR {
                    match_length = MIN_MATCH - 1;
                }
            }
            if prev_length >= MIN_MATCH && match_length <= prev_length {
                let max_insert = (strstart + lookahead).saturating_sub(MIN_MATCH);
                let full = self.tally_dist(strstart - 1 - prev_match, prev_length - MIN_MATCH);
                // The match covered strstart - 1 .. strstart - 1 + prev_length; insert
                // the positions after strstart that it covers.
                lookahead -= prev_length - 1;
                for _ in 0..prev_length - 2 {
                    strstart += 1;
                    if strstart <= max_insert {
                        self.insert(data, strstart);
                    }
                }
                match_available = false;
                match_length = MIN_MATCH - 1;
                strstart += 1;
                if full {
                    self.end_block(data, &mut block_start, strstart, false, bits);
                }
            } else {
                if match_available && self.tally_lit(byte(data, strstart - 1)) {
                    self.end_block(data, &mut block_start, strstart, false, bits);
                }
                match_available = true;
                strstart += 1;
                lookahead -= 1;
            }
        }
        if match_available {
            // The block may now be full; zlib writes it as the last one all the same.
            let _ = self.tally_lit(byte(data, strstart.wrapping_sub(1)));
        }
        self.end_block(data, &mut block_start, strstart, true, bits);
    }

    /// The longest match for `strstart` along its hash chain (zlib's `longest_match`),
    /// updating `match_start` when one longer than `prev_length` is found.
    fn longest_match(
        &self,
        data: &[u8],
        strstart: usize,
        lookahead: usize,
        prev_length: usize,
        mut cur: usize,
        match_start: &mut usize,
    ) -> usize {
        let mut chain = if prev_length >= GOOD_LENGTH {
            MAX_CHAIN >> 2
        } else {
            MAX_CHAIN
        };
        let nice = NICE_LENGTH.min(lookahead);
        let mut best = prev_length;
        let scan = data.get(strstart..).unwrap_or_default();
        let scan_start = u16_at(scan, 0);
        let mut scan_end = u16_at(scan, best - 1);
        loop {
            if u16_at(data, cur + best - 1) == scan_end && u16_at(data, cur) == scan_start {
                // The third byte matches too (same hash, same first two bytes); zlib
                // compares from the fourth on, through the zeros past the input.
                let len = match_len(data.get(cur..).unwrap_or_default(), scan);
                if len > best {
                    *match_start = cur;
                    best = len;
                    if len >= nice {
                        break;
                    }
                    scan_end = u16_at(scan, best - 1);
                }
            }
            cur = usize::from(get(&self.prev, cur));
            chain -= 1;
            if cur == 0 || chain == 0 {
                break;
            }
        }
        best.min(lookahead)
    }

    /// zlib's `_tr_flush_block`: writes the block whose input was `data`.
    fn flush_block(&mut self, data: &[u8], last: bool, bits: &mut BitWriter<'_>) {
        let last = u32::from(last);
        let (opt, stat) = build_tree(&mut self.ltree, &mut self.builder, &LIT_KIND);
        self.opt_len += opt;
        self.static_len += stat;
        let (opt, stat) = build_tree(&mut self.dtree, &mut self.builder, &DIST_KIND);
        self.opt_len += opt;
        self.static_len += stat;
        let max_blindex = self.build_bl_tree();

        let stored_len = data.len() as u64;
        let mut opt_lenb = (self.opt_len + 3 + 7) >> 3;
        let static_lenb = (self.static_len + 3 + 7) >> 3;
        if static_lenb <= opt_lenb {
            opt_lenb = static_lenb;
        }
        if stored_len + 4 <= opt_lenb {
            // A stored block: 3 header bits, padding, LEN, NLEN, the bytes.
            bits.put(last, 3);
            bits.align();
            let len = data.len() as u16;
            bits.out.extend_from_slice(&len.to_le_bytes());
            bits.out.extend_from_slice(&(!len).to_le_bytes());
            bits.out.extend_from_slice(data);
        } else if static_lenb == opt_lenb {
            bits.put(2 | last, 3);
            STATIC_CODES.with(|s| {
                compress_syms(
                    &self.syms,
                    bits,
                    (&s.lcode, &s.llen),
                    (&s.dcode, &[5; D_CODES]),
                );
            });
        } else {
            bits.put(4 | last, 3);
            self.send_all_trees(bits, max_blindex);
            let l = (&self.ltree.code[..], &self.ltree.len[..]);
            let d = (&self.dtree.code[..], &self.dtree.len[..]);
            compress_syms(&self.syms, bits, l, d);
        }
    }

    /// Counts the code-length codes of both trees, builds their tree, and returns the
    /// index in [`BL_ORDER`] of the last length to send (at least 3).
    fn build_bl_tree(&mut self) -> usize {
        let lmax = self.ltree.max_code;
        let dmax = self.dtree.max_code;
        self.bl_steps.clear();
        scan_tree(
            &self.ltree.len,
            lmax,
            &mut self.bltree.freq,
            &mut self.bl_steps,
        );
        scan_tree(
            &self.dtree.len,
            dmax,
            &mut self.bltree.freq,
            &mut self.bl_steps,
        );
        let (opt, _) = build_tree(&mut self.bltree, &mut self.builder, &BL_KIND);
        self.opt_len += opt;
        let mut max_blindex = BL_CODES - 1;
        while max_blindex >= 3 {
            if get(&self.bltree.len, get(&BL_ORDER, max_blindex)) != 0 {
                break;
            }
            max_blindex -= 1;
        }
        self.opt_len += 3 * (max_blindex as u64 + 1) + 5 + 5 + 4;
        max_blindex
    }

    fn send_all_trees(&self, bits: &mut BitWriter<'_>, max_blindex: usize) {
        let lcodes = self.ltree.max_code + 1;
        let dcodes = self.dtree.max_code + 1;
        bits.put((lcodes - 257) as u32, 5);
        bits.put((dcodes - 1) as u32, 5);
        bits.put((max_blindex + 1 - 4) as u32, 4);
        for &i in BL_ORDER.iter().take(max_blindex + 1) {
            bits.put(u32::from(get(&self.bltree.len, i)), 3);
        }
        // zlib's `send_tree` for both trees: the steps `scan_tree` recorded.
        for &(sym, extra) in &self.bl_steps {
            let sym = usize::from(sym);
            bits.put(
                u32::from(get(&self.bltree.code, sym)),
                u32::from(get(&self.bltree.len, sym)),
            );
            let nbits = u32::from(get(&EXTRA_BLBITS, sym));
            if nbits > 0 {
                bits.put(u32::from(extra), nbits);
            }
        }
    }
}

/// Sends every symbol with the given (code, length) tables, then the end of block.
fn compress_syms(syms: &[Sym], bits: &mut BitWriter<'_>, l: (&[u16], &[u16]), d: (&[u16], &[u16])) {
    let send = |bits: &mut BitWriter<'_>, t: (&[u16], &[u16]), s: usize| {
        bits.put(u32::from(get(t.0, s)), u32::from(get(t.1, s)));
    };
    for sym in syms {
        if sym.dist == 0 {
            send(bits, l, usize::from(sym.lc));
            continue;
        }
        let lc = usize::from(sym.lc);
        let code = length_code(lc);
        send(bits, l, code + LITERALS + 1);
        let extra = u32::from(get(&EXTRA_LBITS, code));
        if extra > 0 {
            bits.put((lc - usize::from(get(&BASE_LENGTH, code))) as u32, extra);
        }
        let dist = usize::from(sym.dist) - 1;
        let code = dist_code(dist);
        send(bits, d, code);
        let extra = u32::from(get(&EXTRA_DBITS, code));
        if extra > 0 {
            bits.put((dist - usize::from(get(&BASE_DIST, code))) as u32, extra);
        }
    }
    send(bits, l, END_BLOCK);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Inputs that exercise every path: text like sessions, tiny alphabets (long
    /// matches, long chains), runs (the chain limit, lazy cut-offs), random bytes
    /// (stored blocks), hash collisions (bytes differing only in their top bits).
    fn inputs(seed: u64, count: usize) -> Vec<Vec<u8>> {
        let mut rng = Rng(seed);
        let mut all: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"a".to_vec(),
            b"ab".to_vec(),
            b"abc".to_vec(),
            b"aaaa".to_vec(),
            vec![0; 1000],
            vec![b'x'; MAX_INPUT],
            (0..MAX_INPUT).map(|i| (i * 7919 % 251) as u8).collect(),
            br#"{"_flashes":[{" t":["message","Hello!"]},{" t":["error","Bad thing"]}]}"#.to_vec(),
        ];
        let words: [&[u8]; 12] = [
            b"{\"",
            b"\":",
            b"\"_user_id\"",
            b"true",
            b"csrf_token",
            b",\"",
            b"[{\" t\":[",
            b"\"}",
            b"0123456789abcdef",
            b"]",
            b"price\":4.99",
            b" ",
        ];
        // A lone 3-byte match at distances 4096 (kept) and 4097 (dropped as too far).
        for gap in [4093, 4094] {
            let mut v = b"Qabc".to_vec();
            v.extend((0..gap).map(|_| 0x80 | rng.next() as u8));
            v.extend_from_slice(b"abc!");
            all.push(v);
        }
        for i in 0..count {
            let len = match i % 5 {
                0 => rng.below(300),
                1 => rng.below(3000),
                2 => rng.below(MAX_INPUT + 1),
                // Around the end of the first block.
                3 => BLOCK_SYMBOLS - 3 + rng.below(8),
                _ => rng.below(40),
            };
            let mut v = Vec::with_capacity(len);
            match i % 6 {
                0 => {
                    while v.len() < len {
                        v.extend_from_slice(words[rng.below(words.len())]);
                    }
                    v.truncate(len);
                }
                1 => v.extend((0..len).map(|_| b'a' + rng.below(2 + i % 5) as u8)),
                2 => v.extend((0..len).map(|_| rng.next() as u8)),
                3 => {
                    while v.len() < len {
                        let b = rng.next() as u8;
                        let run = 1 + rng.below(300);
                        v.extend(std::iter::repeat_n(b, run));
                    }
                    v.truncate(len);
                }
                4 => v.extend((0..len).map(|_| [0x21u8, 0x41, 0x61, 0x22, 0x42][rng.below(5)])),
                _ => {
                    // Repeats of a random phrase with mutations: distances of every size.
                    let phrase: Vec<u8> =
                        (0..1 + rng.below(60)).map(|_| rng.next() as u8).collect();
                    while v.len() < len {
                        v.extend_from_slice(&phrase);
                        if rng.below(3) == 0 {
                            v.push(rng.next() as u8);
                        }
                        if rng.below(8) == 0 {
                            v.extend((0..rng.below(500)).map(|_| rng.next() as u8));
                        }
                    }
                    v.truncate(len);
                }
            }
            all.push(v);
        }
        all
    }

    #[test]
    fn empty_input_is_zlibs_empty_stream() {
        let mut out = Vec::new();
        assert_eq!(zlib_compress(b"", &mut out), Some(()));
        assert_eq!(out, [0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    }

    #[test]
    fn longer_inputs_are_left_to_the_caller() {
        let mut out = Vec::new();
        assert_eq!(zlib_compress(&vec![0; MAX_INPUT + 1], &mut out), None);
        assert!(out.is_empty());
    }

    #[test]
    fn output_inflates_back_to_the_input() {
        for (i, input) in inputs(7, 600).iter().enumerate() {
            let mut out = Vec::new();
            assert_eq!(zlib_compress(input, &mut out), Some(()));
            let mut back = Vec::new();
            let inflated = crate::zlib::inflate_general(&out, MAX_INPUT + 1, &mut back);
            assert!(inflated.is_ok(), "input {i}");
            assert_eq!(back, input[..], "input {i}");
        }
    }

    /// CPython's `zlib.compress`, which itsdangerous calls, on the same inputs: run
    /// with `FLASK_PYTHON` (set by `scripts/test`), else `python3`.
    #[test]
    fn output_is_cpythons_byte_for_byte() {
        use std::io::Write as _;
        use std::process::{Command, Stdio};
        let python = std::env::var("FLASK_PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let script = "import sys, zlib\n\
            print(zlib.ZLIB_RUNTIME_VERSION)\n\
            for line in sys.stdin:\n    \
            print(zlib.compress(bytes.fromhex(line.strip())).hex())\n";
        let child = Command::new(&python)
            .args(["-c", script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) if std::env::var("FSC_REQUIRE_FLASK").is_ok_and(|v| v == "1") => {
                panic!("cannot run {python}: {e}")
            }
            Err(e) => {
                eprintln!("SKIPPED: cannot run {python}: {e}");
                return;
            }
        };
        let all = inputs(23, 1500);
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        let mut text = String::new();
        for input in &all {
            text.push_str(&hex(input));
            text.push('\n');
        }
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        assert!(output.status.success());
        let stdout = String::from_utf8(output.stdout).unwrap();
        let mut lines = stdout.lines();
        let version = lines.next().unwrap_or_default().to_owned();
        let mut compared = 0;
        for (i, (input, theirs)) in all.iter().zip(lines).enumerate() {
            let mut ours = Vec::new();
            assert_eq!(zlib_compress(input, &mut ours), Some(()));
            assert_eq!(
                hex(&ours),
                theirs,
                "input {i} ({} bytes), zlib {version}",
                input.len()
            );
            compared += 1;
        }
        assert_eq!(compared, all.len());
        eprintln!("{compared} inputs compressed exactly as CPython's zlib {version} does");
    }

    #[test]
    fn adler32_matches_the_byte_by_byte_rule() {
        let slow = |data: &[u8]| {
            let (mut a, mut b) = (1u64, 0u64);
            for &x in data {
                a = (a + u64::from(x)) % 65_521;
                b = (b + a) % 65_521;
            }
            (b << 16 | a) as u32
        };
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
        for input in inputs(5, 200).iter().chain([&vec![0xff; 20_000]]) {
            assert_eq!(adler32(input), slow(input), "{} bytes", input.len());
        }
    }

    /// Past 65,535 calls the epoch wraps and the table is cleared for real: output
    /// stays the same on both sides of the wrap.
    #[test]
    fn hash_table_epochs_wrap() {
        let input = br#"{"_fresh":true,"_user_id":"42","csrf_token":"3f1c7a9e2b4d6f8a"}"#;
        let mut first = Vec::new();
        assert_eq!(zlib_compress(input, &mut first), Some(()));
        let mut state = State::new();
        let mut out = Vec::new();
        for round in 0..70_000u32 {
            out.clear();
            state.compress(input, &mut out);
            assert_eq!(out, first, "call {round}, epoch {}", state.epoch);
        }
        assert!(state.epoch < 70_000 - 0xffff + 2);
    }

    /// With `c-zlib`, flate2 is C zlib itself: every output must be its output.
    #[cfg(feature = "c-zlib")]
    #[test]
    fn output_is_c_zlibs_byte_for_byte() {
        use flate2::{Compress, Compression, FlushCompress};
        let mut mismatches = 0;
        for (i, input) in inputs(11, 2000).iter().enumerate() {
            let mut ours = Vec::new();
            assert_eq!(zlib_compress(input, &mut ours), Some(()));
            let mut c = Compress::new(Compression::new(6), true);
            let mut theirs = Vec::with_capacity(input.len() * 2 + 64);
            let _ = c.compress_vec(input, &mut theirs, FlushCompress::Finish);
            if ours != theirs {
                mismatches += 1;
                eprintln!(
                    "input {i} ({} bytes): ours {} bytes, zlib {}",
                    input.len(),
                    ours.len(),
                    theirs.len()
                );
            }
        }
        assert_eq!(mismatches, 0);
    }
}
