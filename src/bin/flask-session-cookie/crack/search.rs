//! Candidates streamed from the wordlists to the threads in batches, in bounded
//! memory: one reader fills batches of whole lines, the workers check them, the first
//! match stops everyone.

use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

use super::engine::AnyTarget;

/// Bytes read at a time; a batch holds the whole lines among them.
const BATCH: usize = 256 << 10;

/// Where candidates come from, in order.
pub(crate) enum Source {
    /// A list compiled into the tool.
    Lines(Vec<Vec<u8>>),
    /// A file or standard input, one candidate per line.
    Reader(Box<dyn Read + Send>),
}

/// A match: the key, and how to show it (a wordlist line as it appeared; a
/// built-in key that is not printable ASCII as its Python literal).
pub(crate) struct Hit {
    pub(crate) key: Vec<u8>,
    pub(crate) shown: Vec<u8>,
}

/// The shared state of one search.
pub(crate) struct Search {
    pub(crate) tried: AtomicU64,
    found: AtomicBool,
    hit: Mutex<Option<Hit>>,
}

impl Search {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Search {
            tried: AtomicU64::new(0),
            found: AtomicBool::new(false),
            hit: Mutex::new(None),
        })
    }

    fn done(&self) -> bool {
        self.found.load(Ordering::Relaxed)
    }

    fn record(&self, key: &[u8], shown: Vec<u8>) {
        let mut hit = self.hit.lock().unwrap_or_else(PoisonError::into_inner);
        if hit.is_none() {
            *hit = Some(Hit {
                key: key.to_vec(),
                shown,
            });
        }
        self.found.store(true, Ordering::Relaxed);
    }

    pub(crate) fn take_hit(&self) -> Option<Hit> {
        self.hit
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

/// A batch of candidates.
enum Batch {
    /// Text of whole lines, each ended by `\n` except perhaps the last of a source.
    Text(Vec<u8>),
    /// Keys as they are (the built-in list: a key may hold a newline).
    Keys(Vec<Vec<u8>>),
}

/// The candidates of a batch: lines with `\n` and `\r\n` removed.
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let ends_with_newline = text.last() == Some(&b'\n');
    let body = if ends_with_newline {
        text.get(..text.len() - 1).unwrap_or_default()
    } else {
        text
    };
    let count = body.split(|&b| b == b'\n').count();
    body.split(|&b| b == b'\n')
        .enumerate()
        .map(move |(i, line)| {
            // A line that ended with "\n" loses a "\r" before it; the last line of a
            // source without a newline keeps everything.
            let ended = i + 1 < count || ends_with_newline;
            match line.strip_suffix(b"\r") {
                Some(stripped) if ended => stripped,
                _ => line,
            }
        })
        .filter(move |_| !text.is_empty())
}

/// A key as printable ASCII, or else as Python's bytes literal.
fn shown(key: &[u8]) -> Vec<u8> {
    if key.iter().all(|b| (0x20..0x7f).contains(b)) {
        return key.to_vec();
    }
    python_literal(key)
}

/// Python's bytes literal of a key (`b'...'`, single quotes).
pub(crate) fn python_literal(key: &[u8]) -> Vec<u8> {
    let mut out = String::from("b'");
    for &b in key {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('\'');
    out.into_bytes()
}

fn worker(target: &AnyTarget, batches: &Mutex<Receiver<Batch>>, search: &Search) {
    let mut scratch = Vec::with_capacity(256);
    loop {
        let batch = {
            let rx = batches.lock().unwrap_or_else(PoisonError::into_inner);
            rx.recv()
        };
        let Ok(batch) = batch else {
            return;
        };
        let mut n = 0u64;
        match &batch {
            Batch::Text(text) => {
                for line in lines(text) {
                    n += 1;
                    if target.check(line, &mut scratch) {
                        search.record(line, line.to_vec());
                        break;
                    }
                }
            }
            Batch::Keys(keys) => {
                for key in keys {
                    n += 1;
                    if target.check(key, &mut scratch) {
                        search.record(key, shown(key));
                        break;
                    }
                }
            }
        }
        search.tried.fetch_add(n, Ordering::Relaxed);
        if search.done() {
            return;
        }
    }
}

/// Sends the sources' lines in batches; stops early when a worker found the key.
fn feed(sources: Vec<Source>, tx: &SyncSender<Batch>, search: &Search) -> std::io::Result<()> {
    for source in sources {
        match source {
            Source::Lines(list) => {
                if !list.is_empty() && tx.send(Batch::Keys(list)).is_err() {
                    return Ok(());
                }
            }
            Source::Reader(mut reader) => {
                let mut pending: Vec<u8> = Vec::with_capacity(BATCH);
                let mut buf = vec![0u8; BATCH];
                loop {
                    if search.done() {
                        return Ok(());
                    }
                    let n = reader.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    pending.extend_from_slice(buf.get(..n).unwrap_or_default());
                    if pending.len() < BATCH {
                        continue;
                    }
                    // Send everything up to the last newline; keep the rest.
                    if let Some(last) = pending.iter().rposition(|&b| b == b'\n') {
                        let rest = pending.split_off(last + 1);
                        let text = std::mem::replace(&mut pending, rest);
                        if tx.send(Batch::Text(text)).is_err() {
                            return Ok(());
                        }
                    }
                }
                if !pending.is_empty() && tx.send(Batch::Text(pending)).is_err() {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

/// Tries every candidate of `sources` against `target` on `threads` threads.
/// Returns the matching line, if any; `search.tried` counts the candidates tried.
pub(crate) fn run(
    target: &AnyTarget,
    sources: Vec<Source>,
    threads: usize,
    search: &Arc<Search>,
) -> std::io::Result<Option<Hit>> {
    let (tx, rx) = sync_channel::<Batch>(threads * 2);
    let rx = Mutex::new(rx);
    let fed = std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| worker(target, &rx, search));
        }
        let fed = feed(sources, &tx, search);
        drop(tx);
        fed
    });
    fed?;
    Ok(search.take_hit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &[u8]) -> Vec<Vec<u8>> {
        lines(text).map(<[u8]>::to_vec).collect()
    }

    #[test]
    fn lines_lose_only_their_line_break() {
        assert_eq!(all(b"a\nb\r\n\nc"), [&b"a"[..], b"b", b"", b"c"]);
        assert_eq!(all(b"a\r"), [&b"a\r"[..]]);
        assert_eq!(all(b"\n"), [&b""[..]]);
        assert_eq!(all(b""), Vec::<Vec<u8>>::new());
        assert_eq!(all(b"x\r\r\n"), [&b"x\r"[..]]);
        assert_eq!(all(b"\xff\xfe\n"), [&b"\xff\xfe"[..]]);
    }
}
