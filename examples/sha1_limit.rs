//! The SHA-1 limit of this machine for `crack`'s benchmark: compressions per second
//! on one core, the compression function alone over a long buffer (no HMAC, no key
//! handling). `crack` is compared with it: candidates/s × compressions per candidate.
//!
//! ```sh
//! cargo run --release --example sha1_limit [SECONDS]
//! ```

use std::time::{Duration, Instant};

fn main() {
    let seconds: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let blocks = vec![[0x5au8; 64]; 1024];
    let mut state = [
        0x6745_2301u32,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let budget = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut done = 0u64;
    while start.elapsed() < budget {
        sha1::block_api::compress(&mut state, std::hint::black_box(&blocks));
        done += blocks.len() as u64;
    }
    let rate = done as f64 / start.elapsed().as_secs_f64();
    std::hint::black_box(state);
    println!("sha1 compressions/s on one core: {rate:.0}");
}
