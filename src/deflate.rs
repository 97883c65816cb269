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

use std::cell::RefCell;

use crate::cache;

/// The longest input handled here: zlib's farthest match distance (its 32 KiB window
/// less the lookahead), so that the whole input is one window that never slides.
pub(crate) const MAX_INPUT: usize = 32_506;

/// zlib ends a block when its symbol buffer (`1 << (memLevel + 6)` entries) holds
/// one less than its size.
const BLOCK_SYMBOLS: usize = (1 << 14) - 1;

const HASH_BITS: u32 = 15;
const HASH_SIZE: usize = 1 << HASH_BITS;
const HASH_MASK: usize = HASH_SIZE - 1;
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;
/// Level 6: `good_length`, `max_lazy`, `nice_length`, `max_chain`.
const GOOD_LENGTH: usize = 8;
const MAX_LAZY: usize = 16;
const NICE_LENGTH: usize = 128;
const MAX_CHAIN: usize = 128;
/// A 3-byte match farther back than this is not worth a distance code.
const TOO_FAR: usize = 4096;

const LITERALS: usize = 256;
const END_BLOCK: usize = 256;
const LENGTH_CODES: usize = 29;
const L_CODES: usize = LITERALS + 1 + LENGTH_CODES;
const D_CODES: usize = 30;
const BL_CODES: usize = 19;
const HEAP_SIZE: usize = 2 * L_CODES + 1;
const MAX_BITS: usize = 15;
const MAX_BL_BITS: usize = 7;
const REP_3_6: usize = 16;
const REPZ_3_10: usize = 17;
const REPZ_11_138: usize = 18;

/// The order in which code-length code lengths are sent (RFC 1951 §3.2.7).
const BL_ORDER: [usize; BL_CODES] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];
pub(crate) const EXTRA_LBITS: [u8; LENGTH_CODES] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
pub(crate) const EXTRA_DBITS: [u8; D_CODES] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
const EXTRA_BLBITS: [u8; BL_CODES] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7];

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
fn length_code(lc: usize) -> usize {
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
fn dist_code(d: usize) -> usize {
    if d < 4 {
        d
    } else {
        let top = d.ilog2() as usize;
        2 * top + ((d >> (top - 1)) & 1)
    }
}

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

/// Reverses the low `len` bits of `code`.
fn reverse_bits(code: u16, len: u16) -> u16 {
    code.reverse_bits() >> (16 - len.clamp(1, 16))
}

/// The fixed literal/length code lengths (RFC 1951 §3.2.6).
const fn static_ltree_len(n: usize) -> u16 {
    match n {
        0..=143 => 8,
        144..=255 => 9,
        256..=279 => 7,
        _ => 8,
    }
}

/// Canonical codes for the given lengths, bit-reversed for LSB-first output.
fn gen_codes(len: &[u16], max_code: usize, bl_count: &[u16; MAX_BITS + 1], code: &mut [u16]) {
    let mut next = [0u16; MAX_BITS + 1];
    let mut c = 0u16;
    for bits in 1..=MAX_BITS {
        c = (c.wrapping_add(get(bl_count, bits - 1))) << 1;
        set(&mut next, bits, c);
    }
    for (code, &l) in code.iter_mut().zip(len).take(max_code + 1) {
        if l == 0 {
            continue;
        }
        if let Some(slot) = next.get_mut(usize::from(l)) {
            *code = reverse_bits(*slot, l);
            *slot = slot.wrapping_add(1);
        }
    }
}

/// The fixed literal/length and distance codes.
struct StaticCodes {
    lcode: [u16; L_CODES + 2],
    llen: [u16; L_CODES + 2],
    dcode: [u16; D_CODES],
}

fn static_codes() -> StaticCodes {
    let mut llen = [0u16; L_CODES + 2];
    let mut bl_count = [0u16; MAX_BITS + 1];
    for (n, l) in llen.iter_mut().enumerate() {
        *l = static_ltree_len(n);
        if let Some(c) = bl_count.get_mut(usize::from(*l)) {
            *c += 1;
        }
    }
    let mut lcode = [0u16; L_CODES + 2];
    gen_codes(&llen, L_CODES + 1, &bl_count, &mut lcode);
    let mut dcode = [0u16; D_CODES];
    for (n, c) in dcode.iter_mut().enumerate() {
        *c = reverse_bits(n as u16, 5);
    }
    StaticCodes { lcode, llen, dcode }
}

thread_local! {
    static STATIC_CODES: StaticCodes = static_codes();
    static STATE: RefCell<Option<Box<State>>> = const { RefCell::new(None) };
}

#[inline]
fn get<T: Copy + Default>(a: &[T], i: usize) -> T {
    a.get(i).copied().unwrap_or_default()
}

#[inline]
fn set<T>(a: &mut [T], i: usize, v: T) {
    if let Some(x) = a.get_mut(i) {
        *x = v;
    }
}

#[inline]
fn bump(a: &mut [u32], i: usize) {
    if let Some(x) = a.get_mut(i) {
        *x += 1;
    }
}

/// One Huffman tree under construction: leaves first, then internal nodes.
struct Tree<const N: usize> {
    freq: [u32; N],
    len: [u16; N],
    dad: [u16; N],
    code: [u16; N],
    /// The largest leaf with a non-zero frequency.
    max_code: usize,
}

impl<const N: usize> Tree<N> {
    fn new() -> Self {
        Tree {
            freq: [0; N],
            len: [0; N],
            dad: [0; N],
            code: [0; N],
            max_code: 0,
        }
    }
}

/// What describes each of the three trees to the builder.
struct TreeKind {
    /// Number of leaves.
    elems: usize,
    /// The first leaf with extra bits, and their counts.
    extra_base: usize,
    extra: &'static [u8],
    max_length: usize,
    /// Code lengths under the fixed codes, to estimate a fixed-code block.
    fixed: Fixed,
}

#[derive(Clone, Copy, PartialEq)]
enum Fixed {
    Literals,
    Distances,
    None,
}

const LIT_KIND: TreeKind = TreeKind {
    elems: L_CODES,
    extra_base: LITERALS + 1,
    extra: &EXTRA_LBITS,
    max_length: MAX_BITS,
    fixed: Fixed::Literals,
};
const DIST_KIND: TreeKind = TreeKind {
    elems: D_CODES,
    extra_base: 0,
    extra: &EXTRA_DBITS,
    max_length: MAX_BITS,
    fixed: Fixed::Distances,
};
const BL_KIND: TreeKind = TreeKind {
    elems: BL_CODES,
    extra_base: 0,
    extra: &EXTRA_BLBITS,
    max_length: MAX_BL_BITS,
    fixed: Fixed::None,
};

impl Fixed {
    fn len(self, n: usize) -> u64 {
        match self {
            Fixed::Literals => u64::from(static_ltree_len(n)),
            Fixed::Distances => 5,
            Fixed::None => 0,
        }
    }
}

/// The tree builder's working space, shared by the three trees.
struct Builder {
    /// zlib's heap (from 1), each entry `freq << 24 | depth << 16 | node`, so that
    /// zlib's order — by frequency, ties to the shallower — is the order of
    /// `entry >> 16`.
    heap: [u64; HEAP_SIZE + 1],
    /// Nodes in the order zlib stores them at the top of its heap array: taken out
    /// two by two, the root last (lowest index).
    order: [u16; HEAP_SIZE],
}

#[inline]
fn heap_key(entry: u64) -> u64 {
    entry >> 16
}

#[inline]
fn heap_node(entry: u64) -> usize {
    (entry & 0xffff) as usize
}

/// zlib's `pqdownheap`: sifts the entry at `k` down.
/// The entry one past the end of the heap must be [`HEAP_END`], so that a lone left
/// child never has its missing sibling preferred.
#[inline]
fn down_heap(heap: &mut [u64; HEAP_SIZE + 1], heap_len: usize, mut k: usize) {
    let v = get(&heap[..], k);
    let mut j = k << 1;
    while j <= heap_len {
        let left = get(&heap[..], j);
        let right = get(&heap[..], j + 1);
        let take_right = heap_key(right) <= heap_key(left);
        let child = if take_right { right } else { left };
        j += usize::from(take_right);
        if heap_key(v) <= heap_key(child) {
            break;
        }
        set(&mut heap[..], k, child);
        k = j;
        j <<= 1;
    }
    set(&mut heap[..], k, v);
}

/// Past the end of the heap: larger than any entry.
const HEAP_END: u64 = u64::MAX;

/// Builds one tree as zlib's `build_tree` does: a heap of the used leaves, merged
/// two by two, ties broken by depth; then lengths limited (`gen_bitlen`) and codes
/// assigned. Returns what the block costs in bits with this tree and with the fixed
/// codes.
fn build_tree<const N: usize>(t: &mut Tree<N>, b: &mut Builder, kind: &TreeKind) -> (u64, u64) {
    let heap = &mut b.heap;
    let mut heap_len = 0usize;
    let mut max_code: Option<usize> = None;
    for (n, (&f, l)) in t
        .freq
        .iter()
        .zip(t.len.iter_mut())
        .enumerate()
        .take(kind.elems)
    {
        if f != 0 {
            heap_len += 1;
            set(&mut heap[..], heap_len, u64::from(f) << 24 | n as u64);
            max_code = Some(n);
        } else {
            *l = 0;
        }
    }
    let mut opt_len = 0i64;
    let mut static_len = 0i64;
    // At least two codes, so that no code is zero bits long.
    while heap_len < 2 {
        let node = match max_code {
            None => 0,
            Some(m) if m < 2 => m + 1,
            Some(_) => 0,
        };
        if max_code.is_none_or(|m| m < 2) {
            max_code = Some(node);
        }
        heap_len += 1;
        set(&mut heap[..], heap_len, 1 << 24 | node as u64);
        set(&mut t.freq, node, 1);
        opt_len -= 1;
        static_len -= kind.fixed.len(node) as i64;
    }
    set(&mut heap[..], heap_len + 1, HEAP_END);
    let max_code = max_code.unwrap_or(0);
    t.max_code = max_code;

    for k in (1..=heap_len / 2).rev() {
        down_heap(heap, heap_len, k);
    }
    let order = &mut b.order;
    let mut top = HEAP_SIZE;
    let mut node = kind.elems;
    loop {
        // The two least frequent: n off the top, m the new top.
        let n = get(&heap[..], 1);
        let last = get(&heap[..], heap_len);
        set(&mut heap[..], 1, last);
        set(&mut heap[..], heap_len, HEAP_END);
        heap_len -= 1;
        down_heap(heap, heap_len, 1);
        let m = get(&heap[..], 1);
        top -= 2;
        set(&mut order[..], top + 1, heap_node(n) as u16);
        set(&mut order[..], top, heap_node(m) as u16);
        let freq = (n >> 24) + (m >> 24);
        let depth = ((n >> 16) & 0xff).max((m >> 16) & 0xff) + 1;
        set(&mut t.dad, heap_node(n), node as u16);
        set(&mut t.dad, heap_node(m), node as u16);
        set(&mut heap[..], 1, freq << 24 | depth << 16 | node as u64);
        node += 1;
        down_heap(heap, heap_len, 1);
        if heap_len < 2 {
            break;
        }
    }
    top -= 1;
    set(&mut order[..], top, heap_node(get(&heap[..], 1)) as u16);

    let bl_count = gen_bitlen(
        t,
        order.get(top..).unwrap_or_default(),
        kind,
        max_code,
        &mut opt_len,
        &mut static_len,
    );
    gen_codes(&t.len, max_code, &bl_count, &mut t.code);
    (opt_len as u64, static_len as u64)
}

/// Code lengths from the tree (zlib's `gen_bitlen`), limited to `max_length` by
/// zlib's overflow repair; adds the block's cost to `opt_len` and `static_len`.
/// `order` starts with the root. Returns how many codes have each length.
fn gen_bitlen<const N: usize>(
    t: &mut Tree<N>,
    order: &[u16],
    kind: &TreeKind,
    max_code: usize,
    opt_len: &mut i64,
    static_len: &mut i64,
) -> [u16; MAX_BITS + 1] {
    let mut bl_count = [0u16; MAX_BITS + 1];
    let mut overflow = 0i32;
    let Some((&root, rest)) = order.split_first() else {
        return bl_count;
    };
    set(&mut t.len, usize::from(root), 0);
    for &n in rest {
        let n = usize::from(n);
        let mut bits = usize::from(get(&t.len, usize::from(get(&t.dad, n)))) + 1;
        if bits > kind.max_length {
            bits = kind.max_length;
            overflow += 1;
        }
        set(&mut t.len, n, bits as u16);
        if n > max_code {
            continue;
        }
        if let Some(c) = bl_count.get_mut(bits) {
            *c += 1;
        }
        let xbits = if n >= kind.extra_base {
            u64::from(get(kind.extra, n - kind.extra_base))
        } else {
            0
        };
        let f = u64::from(get(&t.freq, n));
        *opt_len += (f * (bits as u64 + xbits)) as i64;
        if kind.fixed != Fixed::None {
            *static_len += (f * (kind.fixed.len(n) + xbits)) as i64;
        }
    }
    if overflow == 0 {
        return bl_count;
    }
    loop {
        let mut bits = kind.max_length - 1;
        while bits > 0 && get(&bl_count, bits) == 0 {
            bits -= 1;
        }
        let c = get(&bl_count, bits);
        set(&mut bl_count, bits, c.wrapping_sub(1));
        let c = get(&bl_count, bits + 1);
        set(&mut bl_count, bits + 1, c + 2);
        let c = get(&bl_count, kind.max_length);
        set(&mut bl_count, kind.max_length, c.wrapping_sub(1));
        overflow -= 2;
        if overflow <= 0 {
            break;
        }
    }
    // Reassign lengths, longest first, to the leaves from the least frequent.
    let mut h = order.len();
    for bits in (1..=kind.max_length).rev() {
        let mut n = get(&bl_count, bits);
        while n != 0 && h > 0 {
            h -= 1;
            let m = usize::from(get(order, h));
            if m > max_code {
                continue;
            }
            let old = get(&t.len, m);
            if usize::from(old) != bits {
                *opt_len += (bits as i64 - i64::from(old)) * i64::from(get(&t.freq, m));
                set(&mut t.len, m, bits as u16);
            }
            n -= 1;
        }
    }
    bl_count
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

/// How one run of equal code lengths is coded: `(symbol, extra value)` steps (the
/// extra value's width is the symbol's, `EXTRA_BLBITS`).
fn run_steps(
    curlen: u16,
    count: usize,
    prevlen: Option<u16>,
    min_literal: bool,
    mut emit: impl FnMut(usize, u32),
) {
    if min_literal {
        for _ in 0..count {
            emit(usize::from(curlen), 0);
        }
    } else if curlen != 0 {
        let mut count = count;
        if prevlen != Some(curlen) {
            emit(usize::from(curlen), 0);
            count -= 1;
        }
        emit(REP_3_6, (count - 3) as u32);
    } else if count <= 10 {
        emit(REPZ_3_10, (count - 3) as u32);
    } else {
        emit(REPZ_11_138, (count - 11) as u32);
    }
}

/// zlib's `scan_tree`: counts the code-length symbols sending `len` will take, and
/// records them (symbol, extra value) for `send_all_trees`, which replays them as
/// zlib's `send_tree` would send them.
fn scan_tree(len: &[u16], max_code: usize, bl_freq: &mut [u32], steps: &mut Vec<(u8, u8)>) {
    let mut emit = |sym: usize, extra: u32| {
        bump(bl_freq, sym);
        steps.push((sym as u8, extra as u8));
    };
    let lens = len.get(..=max_code).unwrap_or_default();
    let mut prevlen: Option<u16> = None;
    let mut count = 0usize;
    let (mut max_count, mut min_count) = if lens.first() == Some(&0) {
        (138, 3)
    } else {
        (7, 4)
    };
    for (n, &curlen) in lens.iter().enumerate() {
        // One past the last code reads as a guard that never equals a length.
        let nextlen = lens.get(n + 1).copied().unwrap_or(u16::MAX);
        count += 1;
        if count < max_count && curlen == nextlen {
            continue;
        }
        run_steps(curlen, count, prevlen, count < min_count, &mut emit);
        count = 0;
        prevlen = Some(curlen);
        (max_count, min_count) = if nextlen == 0 {
            (138, 3)
        } else if curlen == nextlen {
            (6, 3)
        } else {
            (7, 4)
        };
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

/// Bits out, least significant first (RFC 1951 §3.1.1).
struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    buf: u64,
    n: u32,
}

impl BitWriter<'_> {
    #[inline]
    fn put(&mut self, value: u32, len: u32) {
        self.buf |= u64::from(value) << self.n;
        self.n += len;
        if self.n >= 32 {
            self.out.extend_from_slice(&(self.buf as u32).to_le_bytes());
            self.buf >>= 32;
            self.n -= 32;
        }
    }

    /// Pads to a byte boundary.
    fn align(&mut self) {
        while self.n > 0 {
            self.out.push(self.buf as u8);
            self.buf >>= 8;
            self.n = self.n.saturating_sub(8);
        }
        self.buf = 0;
    }

    fn finish(mut self) {
        self.align();
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
            let back = crate::serializer::inflate(&out, MAX_INPUT + 1);
            assert_eq!(back.ok().as_deref(), Some(&input[..]), "input {i}");
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
