//! One candidate key against one signature, at the cost of the compression function:
//! everything that does not depend on the candidate (the signed text, its padding
//! and length; the salt's) is laid out in blocks once, and each candidate costs only
//! the blocks that do depend on it.
//!
//! For Flask's defaults (SHA-1, `hmac` derivation, salt `cookie-session`) a candidate
//! costs 4 compressions for the derived key (HMAC(candidate, salt): the key's inner
//! and outer block, the salt's block, the outer digest's block) and 3 + ⌈(n + 9) / 64⌉
//! for the signature over n bytes of signed text.

use sha1::Digest as _;

use flask_session_cookie::itsdangerous::{Digest, KeyDerivation};

/// A hash function by its compression function.
pub(crate) trait Hash: 'static {
    /// Block length in bytes.
    const BLOCK: usize;
    /// Digest length in bytes.
    const OUT: usize;
    /// Length field at the end of the padding, in bytes.
    const LEN_BYTES: usize;
    type State: Copy + Send + Sync;
    type Block: Copy + Send + Sync + AsRef<[u8]> + AsMut<[u8]>;
    fn zero_block() -> Self::Block;
    fn initial() -> Self::State;
    fn compress(state: &mut Self::State, blocks: &[Self::Block]);
    /// Writes the digest (big-endian words, truncated to OUT) into `out`.
    fn output(state: &Self::State, out: &mut [u8]);
    /// The digest of a whole message (for keys longer than a block).
    fn digest(data: &[u8], out: &mut [u8]);
}

pub(crate) struct Sha1;
pub(crate) struct Sha256;
pub(crate) struct Sha384;
pub(crate) struct Sha512;

fn write_words_u32(words: &[u32], out: &mut [u8]) {
    for (chunk, w) in out.chunks_mut(4).zip(words) {
        for (o, b) in chunk.iter_mut().zip(w.to_be_bytes()) {
            *o = b;
        }
    }
}

fn write_words_u64(words: &[u64], out: &mut [u8]) {
    for (chunk, w) in out.chunks_mut(8).zip(words) {
        for (o, b) in chunk.iter_mut().zip(w.to_be_bytes()) {
            *o = b;
        }
    }
}

fn copy_digest(digest: &[u8], out: &mut [u8]) {
    for (o, d) in out.iter_mut().zip(digest) {
        *o = *d;
    }
}

/// Implements [`Hash`] for a SHA function by its block-level API.
macro_rules! hash {
    ($name:ident, $block:literal, $out:literal, $len:literal, $word:ty, $compress:path,
     $write:ident, $digest:ty, $iv:expr) => {
        impl Hash for $name {
            const BLOCK: usize = $block;
            const OUT: usize = $out;
            const LEN_BYTES: usize = $len;
            type State = [$word; 8];
            type Block = [u8; $block];
            fn zero_block() -> [u8; $block] {
                [0; $block]
            }
            fn initial() -> [$word; 8] {
                $iv
            }
            fn compress(state: &mut [$word; 8], blocks: &[[u8; $block]]) {
                $compress(state, blocks);
            }
            fn output(state: &[$word; 8], out: &mut [u8]) {
                $write(state, out);
            }
            fn digest(data: &[u8], out: &mut [u8]) {
                copy_digest(&<$digest>::digest(data), out);
            }
        }
    };
}

impl Hash for Sha1 {
    const BLOCK: usize = 64;
    const OUT: usize = 20;
    const LEN_BYTES: usize = 8;
    type State = [u32; 5];
    type Block = [u8; 64];
    fn zero_block() -> [u8; 64] {
        [0; 64]
    }
    fn initial() -> [u32; 5] {
        [
            0x6745_2301,
            0xEFCD_AB89,
            0x98BA_DCFE,
            0x1032_5476,
            0xC3D2_E1F0,
        ]
    }
    fn compress(state: &mut [u32; 5], blocks: &[[u8; 64]]) {
        sha1::block_api::compress(state, blocks);
    }
    fn output(state: &[u32; 5], out: &mut [u8]) {
        write_words_u32(state, out);
    }
    fn digest(data: &[u8], out: &mut [u8]) {
        copy_digest(&sha1::Sha1::digest(data), out);
    }
}

hash!(
    Sha256,
    64,
    32,
    8,
    u32,
    sha2::block_api::compress256,
    write_words_u32,
    sha2::Sha256,
    [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ]
);
hash!(
    Sha384,
    128,
    48,
    16,
    u64,
    sha2::block_api::compress512,
    write_words_u64,
    sha2::Sha384,
    [
        0xcbbb_9d5d_c105_9ed8,
        0x629a_292a_367c_d507,
        0x9159_015a_3070_dd17,
        0x152f_ecd8_f70e_5939,
        0x6733_2667_ffc0_0b31,
        0x8eb4_4a87_6858_1511,
        0xdb0c_2e0d_64f9_8fa7,
        0x47b5_481d_befa_4fa4,
    ]
);
hash!(
    Sha512,
    128,
    64,
    16,
    u64,
    sha2::block_api::compress512,
    write_words_u64,
    sha2::Sha512,
    [
        0x6a09_e667_f3bc_c908,
        0xbb67_ae85_84ca_a73b,
        0x3c6e_f372_fe94_f82b,
        0xa54f_f53a_5f1d_36f1,
        0x510e_527f_ade6_82d1,
        0x9b05_688c_2b3e_6c1f,
        0x1f83_d9ab_fb41_bd6b,
        0x5be0_cd19_137e_2179,
    ]
);

/// The blocks that follow a one-block prefix when hashing `msg`: the message, the
/// `0x80` byte, zeros, and the bit length of prefix and message.
fn tail_blocks<H: Hash>(msg: &[u8]) -> Vec<H::Block> {
    let total = H::BLOCK + msg.len();
    let mut bytes = msg.to_vec();
    bytes.push(0x80);
    while !(bytes.len() + H::LEN_BYTES).is_multiple_of(H::BLOCK) {
        bytes.push(0);
    }
    let bits = (total as u128) * 8;
    let len = bits.to_be_bytes();
    bytes.extend_from_slice(len.get(16 - H::LEN_BYTES..).unwrap_or_default());
    bytes
        .chunks(H::BLOCK)
        .map(|chunk| {
            let mut block = H::zero_block();
            block.as_mut().copy_from_slice(chunk);
            block
        })
        .collect()
}

/// HMAC over one fixed message, for any key: the message's blocks after the key's
/// inner block, and the outer hash's single block with its padding in place.
struct FixedHmac<H: Hash> {
    inner_tail: Vec<H::Block>,
    outer_tail: H::Block,
}

impl<H: Hash> FixedHmac<H> {
    fn new(msg: &[u8]) -> Self {
        let mut outer = tail_blocks::<H>(&vec![0u8; H::OUT]);
        let outer_tail = outer.pop().unwrap_or_else(H::zero_block);
        FixedHmac {
            inner_tail: tail_blocks::<H>(msg),
            outer_tail,
        }
    }

    /// HMAC(key, message) into `out` (OUT bytes).
    #[inline]
    fn mac(&self, key: &[u8], out: &mut [u8]) {
        let mut padded = H::zero_block();
        if key.len() > H::BLOCK {
            H::digest(key, padded.as_mut());
        } else {
            for (p, k) in padded.as_mut().iter_mut().zip(key) {
                *p = *k;
            }
        }
        let mut ipad = padded;
        for b in ipad.as_mut() {
            *b ^= 0x36;
        }
        let mut opad = padded;
        for b in opad.as_mut() {
            *b ^= 0x5c;
        }
        let mut inner = H::initial();
        H::compress(&mut inner, std::slice::from_ref(&ipad));
        H::compress(&mut inner, &self.inner_tail);
        let mut last = self.outer_tail;
        // Only the digest's bytes: SHA-384's state is longer than its output, and the
        // padding follows the digest in this block.
        if let Some(digest) = last.as_mut().get_mut(..H::OUT) {
            H::output(&inner, digest);
        }
        let mut outer = H::initial();
        H::compress(&mut outer, &[opad, last]);
        H::output(&outer, out);
    }
}

/// The key derivation, with what does not depend on the candidate done once.
enum Derive<H: Hash> {
    /// HMAC(candidate, salt).
    Hmac(FixedHmac<H>),
    /// H(prefix + candidate): `concat` (prefix: salt) and `django-concat` (salt +
    /// "signer").
    Concat(Vec<u8>),
    /// The candidate itself.
    None,
}

/// One signature to attack with one hash function.
pub(crate) struct Target<H: Hash> {
    derive: Derive<H>,
    message: FixedHmac<H>,
    signature: Vec<u8>,
}

impl<H: Hash> Target<H> {
    pub(crate) fn new(
        derivation: KeyDerivation,
        salt: &[u8],
        signed: &[u8],
        signature: &[u8],
    ) -> Self {
        let derive = match derivation {
            KeyDerivation::Hmac => Derive::Hmac(FixedHmac::new(salt)),
            KeyDerivation::Concat => Derive::Concat(salt.to_vec()),
            KeyDerivation::DjangoConcat => {
                let mut prefix = salt.to_vec();
                prefix.extend_from_slice(b"signer");
                Derive::Concat(prefix)
            }
            // KeyDerivation is non_exhaustive: anything else is treated as `none`.
            _ => Derive::None,
        };
        Target {
            derive,
            message: FixedHmac::new(signed),
            signature: signature.to_vec(),
        }
    }

    /// Whether `candidate` signed the message. `scratch` is reused between calls
    /// (at least 2 × 64 bytes; no allocation per candidate unless a `concat` key is
    /// longer than it).
    #[inline]
    pub(crate) fn check(&self, candidate: &[u8], scratch: &mut Vec<u8>) -> bool {
        let mut derived = [0u8; 64];
        let key: &[u8] = match &self.derive {
            Derive::Hmac(salt) => {
                salt.mac(candidate, &mut derived);
                derived.get(..H::OUT).unwrap_or_default()
            }
            Derive::Concat(prefix) => {
                scratch.clear();
                scratch.extend_from_slice(prefix);
                scratch.extend_from_slice(candidate);
                H::digest(scratch, &mut derived);
                derived.get(..H::OUT).unwrap_or_default()
            }
            Derive::None => candidate,
        };
        let mut mac = [0u8; 64];
        self.message.mac(key, &mut mac);
        mac.get(..H::OUT) == Some(self.signature.as_slice())
    }
}

/// A target for whichever digest the signature uses.
pub(crate) enum AnyTarget {
    Sha1(Target<Sha1>),
    Sha256(Target<Sha256>),
    Sha384(Target<Sha384>),
    Sha512(Target<Sha512>),
}

impl AnyTarget {
    pub(crate) fn new(
        digest: Digest,
        derivation: KeyDerivation,
        salt: &[u8],
        signed: &[u8],
        signature: &[u8],
    ) -> Self {
        match digest {
            Digest::Sha256 => AnyTarget::Sha256(Target::new(derivation, salt, signed, signature)),
            Digest::Sha384 => AnyTarget::Sha384(Target::new(derivation, salt, signed, signature)),
            Digest::Sha512 => AnyTarget::Sha512(Target::new(derivation, salt, signed, signature)),
            _ => AnyTarget::Sha1(Target::new(derivation, salt, signed, signature)),
        }
    }

    #[inline]
    pub(crate) fn check(&self, candidate: &[u8], scratch: &mut Vec<u8>) -> bool {
        match self {
            AnyTarget::Sha1(t) => t.check(candidate, scratch),
            AnyTarget::Sha256(t) => t.check(candidate, scratch),
            AnyTarget::Sha384(t) => t.check(candidate, scratch),
            AnyTarget::Sha512(t) => t.check(candidate, scratch),
        }
    }
}

/// Compressions one candidate costs (for the benchmark's SHA-1 limit).
pub(crate) fn compressions_per_candidate(
    block: usize,
    len_bytes: usize,
    derivation: KeyDerivation,
    salt_len: usize,
    signed_len: usize,
) -> usize {
    let tail = |n: usize| (n + 1 + len_bytes).div_ceil(block);
    let derive = match derivation {
        KeyDerivation::Hmac => 3 + tail(salt_len),
        KeyDerivation::Concat => tail(salt_len + 8),
        KeyDerivation::DjangoConcat => tail(salt_len + 6 + 8),
        _ => 0,
    };
    derive + 3 + tail(signed_len)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use flask_session_cookie::itsdangerous::{Signer, SignerConfig};

    /// The engine agrees with the crate's own signer on every digest and derivation,
    /// for keys around the block length and messages around the padding boundaries.
    #[test]
    fn engine_matches_the_signer() {
        let digests = [Digest::Sha1, Digest::Sha256, Digest::Sha384, Digest::Sha512];
        let derivations = [
            KeyDerivation::Hmac,
            KeyDerivation::Concat,
            KeyDerivation::DjangoConcat,
            KeyDerivation::None,
        ];
        let mut scratch = Vec::new();
        for digest in digests {
            for derivation in derivations {
                for key_len in [0usize, 1, 20, 63, 64, 65, 127, 128, 129, 300] {
                    let key: Vec<u8> = (0..key_len).map(|i| (i * 7 + 3) as u8).collect();
                    for msg_len in [0usize, 1, 55, 56, 63, 64, 111, 112, 119, 120, 200, 1000] {
                        let msg: String = (0..msg_len)
                            .map(|i| char::from(b'a' + (i % 26) as u8))
                            .collect();
                        let config = SignerConfig::new()
                            .with_salt(b"cookie-session".to_vec())
                            .with_digest(digest)
                            .with_key_derivation(derivation);
                        let Ok(signer) =
                            Signer::new(flask_session_cookie::SecretKey::from(key.clone()), config)
                        else {
                            continue;
                        };
                        let signature = base64::Engine::decode(
                            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                            signer.signature(msg.as_bytes()),
                        )
                        .unwrap();
                        let target = AnyTarget::new(
                            digest,
                            derivation,
                            b"cookie-session",
                            msg.as_bytes(),
                            &signature,
                        );
                        assert!(
                            target.check(&key, &mut scratch),
                            "{digest:?} {derivation:?} key {key_len} msg {msg_len}"
                        );
                        let mut wrong = key.clone();
                        wrong.push(1);
                        assert!(!target.check(&wrong, &mut scratch));
                    }
                }
            }
        }
    }

    #[test]
    fn flask_default_costs_eleven_compressions_for_a_login_cookie() {
        // A 190-byte signed text: 4 for the derived key, 3 + 4 for the signature.
        assert_eq!(
            compressions_per_candidate(64, 8, KeyDerivation::Hmac, 14, 190),
            11
        );
    }
}
