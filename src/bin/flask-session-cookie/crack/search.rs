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

/// A match: the key.
pub(crate) struct Hit {
    pub(crate) key: Vec<u8>,
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

    fn record(&self, key: &[u8]) {
        let mut hit = self.hit.lock().unwrap_or_else(PoisonError::into_inner);
        if hit.is_none() {
            *hit = Some(Hit { key: key.to_vec() });
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

/// A key as it is when it is printable UTF-8 text, or else as Python's bytes
/// literal, so that no key writes control sequences to a terminal. Not printable:
/// control characters (C0, DEL, C1), and the invisible format characters that
/// reorder or hide text (soft hyphen, zero-width and bidirectional marks, BOM).
pub(crate) fn shown(key: &[u8]) -> Vec<u8> {
    let invisible = |c: char| {
        matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}' | '\u{feff}')
    };
    match std::str::from_utf8(key) {
        Ok(text) if !text.chars().any(|c| c.is_control() || invisible(c)) => key.to_vec(),
        _ => python_literal(key),
    }
}

/// Python's `repr()` of a key as bytes: `b'...'`, or `b"..."` when the key holds a
/// `'` and no `"`.
pub(crate) fn python_literal(key: &[u8]) -> Vec<u8> {
    let quote = if key.contains(&b'\'') && !key.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::from("b");
    out.push(char::from(quote));
    for &b in key {
        match b {
            b'\\' => out.push_str("\\\\"),
            b if b == quote => {
                out.push('\\');
                out.push(char::from(b));
            }
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(char::from(quote));
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
                        search.record(line);
                        break;
                    }
                }
            }
            Batch::Keys(keys) => {
                for key in keys {
                    n += 1;
                    if target.check(key, &mut scratch) {
                        search.record(key);
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
                let mut batcher = Batcher::new(BATCH);
                let mut buf = vec![0u8; BATCH];
                loop {
                    if search.done() {
                        return Ok(());
                    }
                    let n = reader.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    if let Some(text) = batcher.push(buf.get(..n).unwrap_or_default())
                        && tx.send(Batch::Text(text)).is_err()
                    {
                        return Ok(());
                    }
                }
                let rest = batcher.finish();
                if !rest.is_empty() && tx.send(Batch::Text(rest)).is_err() {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

/// Cuts a stream into batches of whole lines of at least `size` bytes. Each byte
/// read is looked at once for a newline, so a line of any length costs time in
/// proportion to its length (it is kept whole until its newline comes).
struct Batcher {
    size: usize,
    pending: Vec<u8>,
    /// Where the last newline in `pending` is, if it has one.
    last_newline: Option<usize>,
    /// Bytes looked at for newlines (for the tests).
    scanned: u64,
}

impl Batcher {
    fn new(size: usize) -> Self {
        Batcher {
            size,
            pending: Vec::with_capacity(size),
            last_newline: None,
            scanned: 0,
        }
    }

    /// Adds bytes read; returns a batch of whole lines once `size` bytes are pending
    /// and a newline is among them.
    fn push(&mut self, data: &[u8]) -> Option<Vec<u8>> {
        self.scanned += data.len() as u64;
        if let Some(i) = data.iter().rposition(|&b| b == b'\n') {
            self.last_newline = Some(self.pending.len() + i);
        }
        self.pending.extend_from_slice(data);
        if self.pending.len() < self.size {
            return None;
        }
        let last = self.last_newline.take()?;
        let rest = self.pending.split_off(last + 1);
        Some(std::mem::replace(&mut self.pending, rest))
    }

    /// What is left at the end of the source.
    fn finish(self) -> Vec<u8> {
        self.pending
    }
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
    fn keys_that_are_not_printable_text_are_shown_as_bytes_literals() {
        assert_eq!(shown(b"secret key"), b"secret key");
        assert_eq!(shown("clé".as_bytes()), "clé".as_bytes());
        assert_eq!(shown(b"\x1b[31mred"), b"b'\\x1b[31mred'");
        assert_eq!(shown(b"a\tb"), b"b'a\\tb'");
        assert_eq!(shown(b"\xff\xfe"), b"b'\\xff\\xfe'");
        assert_eq!(shown("x\u{202e}y".as_bytes()), b"b'x\\xe2\\x80\\xaey'");
        assert_eq!(shown("\u{85}".as_bytes()), b"b'\\xc2\\x85'");
    }

    #[test]
    fn a_long_line_is_scanned_once() {
        // 64 MiB without a newline, read 4 KiB at a time, then a newline: every byte
        // is looked at once (a rescan of what is pending after each read would look
        // at about 512 GiB).
        let mut batcher = Batcher::new(256 << 10);
        let chunk = vec![b'a'; 4096];
        for _ in 0..(64 << 20) / 4096 {
            assert!(batcher.push(&chunk).is_none());
        }
        let batch = batcher.push(b"\nnext");
        assert_eq!(batch.map(|b| b.len()), Some((64 << 20) + 1));
        assert_eq!(batcher.scanned, (64 << 20) + 5);
        assert_eq!(batcher.finish(), b"next");
    }

    #[test]
    fn batches_end_at_the_last_newline() {
        let mut batcher = Batcher::new(8);
        assert_eq!(batcher.push(b"ab\ncd"), None);
        assert_eq!(batcher.push(b"\nef\ngh"), Some(b"ab\ncd\nef\n".to_vec()));
        assert_eq!(batcher.push(b"ijklmnop"), None);
        assert_eq!(batcher.push(b"\n"), Some(b"ghijklmnop\n".to_vec()));
        assert_eq!(batcher.finish(), b"");
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
