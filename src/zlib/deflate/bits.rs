//! Bits out, least significant first (RFC 1951 §3.1.1).

/// Bits out, least significant first (RFC 1951 §3.1.1).
pub(super) struct BitWriter<'a> {
    pub(super) out: &'a mut Vec<u8>,
    pub(super) buf: u64,
    pub(super) n: u32,
}

impl BitWriter<'_> {
    #[inline]
    pub(super) fn put(&mut self, value: u32, len: u32) {
        self.buf |= u64::from(value) << self.n;
        self.n += len;
        if self.n >= 32 {
            self.out.extend_from_slice(&(self.buf as u32).to_le_bytes());
            self.buf >>= 32;
            self.n -= 32;
        }
    }

    /// Pads to a byte boundary.
    pub(super) fn align(&mut self) {
        while self.n > 0 {
            self.out.push(self.buf as u8);
            self.buf >>= 8;
            self.n = self.n.saturating_sub(8);
        }
        self.buf = 0;
    }

    pub(super) fn finish(mut self) {
        self.align();
    }
}
