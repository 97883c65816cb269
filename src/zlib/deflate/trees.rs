//! Huffman trees as zlib builds them: the heap with its tie-breaking, the bit-length
//! repair, canonical codes, the fixed codes, and the code-length ("bl") tree that
//! describes the other two.

use crate::zlib::tables::{D_CODES, EXTRA_DBITS, EXTRA_LBITS, L_CODES, LITERALS};

pub(super) const BL_CODES: usize = 19;
pub(super) const HEAP_SIZE: usize = 2 * L_CODES + 1;
pub(super) const MAX_BITS: usize = 15;
const MAX_BL_BITS: usize = 7;
const REP_3_6: usize = 16;
const REPZ_3_10: usize = 17;
const REPZ_11_138: usize = 18;

/// The order in which code-length code lengths are sent (RFC 1951 §3.2.7).
pub(super) const BL_ORDER: [usize; BL_CODES] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];
pub(super) const EXTRA_BLBITS: [u8; BL_CODES] =
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7];

/// Reverses the low `len` bits of `code`.
pub(super) fn reverse_bits(code: u16, len: u16) -> u16 {
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
pub(super) struct StaticCodes {
    pub(super) lcode: [u16; L_CODES + 2],
    pub(super) llen: [u16; L_CODES + 2],
    pub(super) dcode: [u16; D_CODES],
}

thread_local! {
    /// The fixed codes, built once per thread.
    pub(super) static STATIC_CODES: StaticCodes = static_codes();
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

#[inline]
pub(super) fn get<T: Copy + Default>(a: &[T], i: usize) -> T {
    a.get(i).copied().unwrap_or_default()
}

#[inline]
pub(super) fn set<T>(a: &mut [T], i: usize, v: T) {
    if let Some(x) = a.get_mut(i) {
        *x = v;
    }
}

#[inline]
pub(super) fn bump(a: &mut [u32], i: usize) {
    if let Some(x) = a.get_mut(i) {
        *x += 1;
    }
}

/// One Huffman tree under construction: leaves first, then internal nodes.
pub(super) struct Tree<const N: usize> {
    pub(super) freq: [u32; N],
    pub(super) len: [u16; N],
    pub(super) dad: [u16; N],
    pub(super) code: [u16; N],
    /// The largest leaf with a non-zero frequency.
    pub(super) max_code: usize,
}

impl<const N: usize> Tree<N> {
    pub(super) fn new() -> Self {
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
pub(super) struct TreeKind {
    /// Number of leaves.
    pub(super) elems: usize,
    /// The first leaf with extra bits, and their counts.
    pub(super) extra_base: usize,
    pub(super) extra: &'static [u8],
    pub(super) max_length: usize,
    /// Code lengths under the fixed codes, to estimate a fixed-code block.
    pub(super) fixed: Fixed,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Fixed {
    Literals,
    Distances,
    None,
}

pub(super) const LIT_KIND: TreeKind = TreeKind {
    elems: L_CODES,
    extra_base: LITERALS + 1,
    extra: &EXTRA_LBITS,
    max_length: MAX_BITS,
    fixed: Fixed::Literals,
};
pub(super) const DIST_KIND: TreeKind = TreeKind {
    elems: D_CODES,
    extra_base: 0,
    extra: &EXTRA_DBITS,
    max_length: MAX_BITS,
    fixed: Fixed::Distances,
};
pub(super) const BL_KIND: TreeKind = TreeKind {
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
pub(super) struct Builder {
    /// zlib's heap (from 1), each entry `freq << 24 | depth << 16 | node`, so that
    /// zlib's order — by frequency, ties to the shallower — is the order of
    /// `entry >> 16`.
    pub(super) heap: [u64; HEAP_SIZE + 1],
    /// Nodes in the order zlib stores them at the top of its heap array: taken out
    /// two by two, the root last (lowest index).
    pub(super) order: [u16; HEAP_SIZE],
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
#[inline]
pub(super) fn build_tree<const N: usize>(
    t: &mut Tree<N>,
    b: &mut Builder,
    kind: &TreeKind,
) -> (u64, u64) {
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
#[inline]
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

/// How one run of equal code lengths is coded: `(symbol, extra value)` steps (the
/// extra value's width is the symbol's, `EXTRA_BLBITS`).
#[inline]
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
#[inline]
pub(super) fn scan_tree(
    len: &[u16],
    max_code: usize,
    bl_freq: &mut [u32],
    steps: &mut Vec<(u8, u8)>,
) {
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
