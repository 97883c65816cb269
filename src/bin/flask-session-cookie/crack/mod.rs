//! `crack` (alias `unsign`): which SECRET_KEY signed this cookie, tried from
//! wordlists at the speed of the hash function.

mod builtin;
pub(crate) mod engine;
mod search;

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clap::Args;
use flask_session_cookie::cookie::{InputForm, find_cookie};
use flask_session_cookie::itsdangerous::{Digest, KeyDerivation, SignerConfig};
use flask_session_cookie::{SecretKey, SessionCodec};

use crate::{Failure, Header, OutputFormat, read_input};
use engine::AnyTarget;
use search::{Search, Source};

#[derive(Args)]
pub(crate) struct CrackArgs {
    /// A wordlist: one candidate key per line, raw bytes ("\n" or "\r\n" ends a
    /// line); `-`: standard input. Repeat for several, tried in order.
    #[arg(long, value_name = "PATH|-")]
    wordlist: Vec<PathBuf>,
    /// Try the built-in list of published default keys first (the only list when no
    /// --wordlist is given).
    #[arg(long)]
    builtin: bool,
    /// Threads [default: all cores].
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Salt.
    #[arg(long, default_value = "cookie-session")]
    salt: String,
    /// HMAC digest [default: the one the signature's length says].
    #[arg(long, value_parser = ["sha1", "sha256", "sha384", "sha512"])]
    digest: Option<String>,
    /// Key derivation.
    #[arg(long, default_value = "hmac", value_parser = ["hmac", "concat", "django-concat", "none"])]
    key_derivation: String,
    /// itsdangerous 0.24's timestamps (epoch 2011-01-01), for --verbose's decoding.
    #[arg(long)]
    legacy: bool,
    /// Show a progress line on stderr even when it is not a terminal.
    #[arg(long, conflicts_with = "no_progress")]
    progress: bool,
    /// No progress line, even on a terminal.
    #[arg(long)]
    no_progress: bool,
    /// Print the line the released hashcat (6.2.6) takes in its Flask mode (29100)
    /// for this cookie, or why it cannot take it, instead of cracking.
    #[arg(long)]
    hashcat: bool,
    /// Print the rate (candidates per second) and each candidate's cost on stderr,
    /// and after a match the cookie decoded with the key.
    #[arg(long, short)]
    verbose: bool,
    /// The cookie's name, when a pair, header or HTTP message is given.
    #[arg(long, default_value = "session")]
    cookie_name: String,
    /// Fetch the cookie from this page (one GET of an http:// URL, as flask-unsign's
    /// --server does).
    #[arg(long, value_name = "URL", conflicts_with = "cookie")]
    server: Option<String>,
    /// The cookie, in any form `decode` reads; `-`: standard input.
    #[arg(allow_hyphen_values = true)]
    cookie: Option<String>,
}

/// The cookie split for cracking: the signed text and the signature.
struct Signed {
    value: String,
    signed_len: usize,
    signature: Vec<u8>,
    digest: Digest,
}

fn digest_for_length(len: usize) -> Option<Digest> {
    match len {
        20 => Some(Digest::Sha1),
        32 => Some(Digest::Sha256),
        48 => Some(Digest::Sha384),
        64 => Some(Digest::Sha512),
        _ => None,
    }
}

fn split(value: &str, digest: Option<&str>) -> Result<Signed, Failure> {
    let malformed = |detail: String| Failure::Rejected("malformed", detail);
    let (signed, sig) = value
        .rsplit_once('.')
        .ok_or_else(|| malformed("no '.' separator found in the cookie".into()))?;
    let signature = URL_SAFE_NO_PAD
        .decode(sig)
        .map_err(|_| malformed("the signature is not canonical unpadded base64url".into()))?;
    let by_length = digest_for_length(signature.len());
    let digest = match digest {
        Some(name) => {
            let digest: Digest = name.parse()?;
            if signature.len() != digest.output_len() {
                return Err(malformed(format!(
                    "the signature has {} bytes; a {digest} signature has {}",
                    signature.len(),
                    digest.output_len()
                )));
            }
            digest
        }
        None => by_length.ok_or_else(|| {
            malformed(format!(
                "the signature has {} bytes, which is no SHA-1, SHA-256, SHA-384 or SHA-512 digest",
                signature.len()
            ))
        })?,
    };
    Ok(Signed {
        value: value.to_owned(),
        signed_len: signed.len(),
        signature,
        digest,
    })
}

/// The hashcat release `--hashcat` writes for. What hashcat 6.2.6 (the current
/// release, Debian's package) takes in mode 29100
/// (`src/modules/module_29100.c` at tag v6.2.6): `payload.timestamp.signature` with
/// Flask's defaults only (HMAC-SHA1, key derived with HMAC and the salt
/// `cookie-session`), a payload of at most 27 characters (so not compressed: a
/// compressed payload starts with '.'), a timestamp of 1 to 6, a signature of 20
/// to 27 that decodes to 20 bytes, all of `[A-Za-z0-9_=-]`. hashcat's development
/// branch takes payloads up to 120 characters; no release does yet.
pub(crate) const HASHCAT_VERSION: &str = "6.2.6";

/// The line for mode 29100, or why hashcat cannot take this cookie.
fn hashcat_line(args: &CrackArgs, cookie: &str, signed: &Signed) -> Result<String, String> {
    if signed.digest != Digest::Sha1
        || args.salt != "cookie-session"
        || args.key_derivation != "hmac"
    {
        return Err(
            "mode 29100 knows Flask's defaults only (HMAC-SHA1, key derivation hmac, salt \
             cookie-session)"
                .into(),
        );
    }
    if cookie.starts_with('.') {
        return Err(
            "the payload is compressed (the cookie starts with '.'); mode 29100 reads only \
             uncompressed payloads"
                .into(),
        );
    }
    let parts: Vec<&str> = cookie.split('.').collect();
    let [payload, timestamp, signature] = parts.as_slice() else {
        return Err(format!(
            "mode 29100 takes payload.timestamp.signature; this cookie has {} parts",
            parts.len()
        ));
    };
    let version = HASHCAT_VERSION;
    if payload.len() > 27 {
        return Err(format!(
            "the payload is {} characters; hashcat {version}'s mode 29100 takes at most 27 \
             (\"Token length exception\")",
            payload.len()
        ));
    }
    if timestamp.is_empty() || timestamp.len() > 6 {
        return Err(format!(
            "the timestamp is {} characters; hashcat {version}'s mode 29100 takes 1 to 6",
            timestamp.len()
        ));
    }
    if !(20..=27).contains(&signature.len()) {
        return Err(format!(
            "the signature is {} characters; hashcat {version}'s mode 29100 takes 20 to 27",
            signature.len()
        ));
    }
    let base64c = |part: &str| {
        part.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'='))
    };
    if ![payload, timestamp, signature].iter().all(|p| base64c(p)) {
        return Err("mode 29100 takes only the characters A-Z a-z 0-9 _ - =".into());
    }
    Ok(format!("{payload}.{timestamp}.{signature}"))
}

fn open_wordlist(path: &PathBuf) -> Result<Source, Failure> {
    if path.as_os_str() == "-" {
        return Ok(Source::Reader(Box::new(std::io::stdin())));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
    Ok(Source::Reader(Box::new(file)))
}

/// A progress line (candidates per second, tried, elapsed) until dropped.
struct Progress {
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(search: &Arc<Search>) -> Self {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {human_pos} tried, {per_sec}, {elapsed_precise}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        let (s, flag) = (Arc::clone(search), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                bar.set_position(s.tried.load(Ordering::Relaxed));
                std::thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        Progress {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub(crate) fn crack(args: CrackArgs) -> Result<(), Failure> {
    let stdin_wordlist = args.wordlist.iter().any(|p| p.as_os_str() == "-");
    let cookie_on_stdin = args.server.is_none() && args.cookie.as_deref().is_none_or(|c| c == "-");
    if stdin_wordlist && cookie_on_stdin {
        return Err(Failure::Usage(
            "standard input can be the wordlist or the cookie, not both: give the cookie as an \
             argument"
                .into(),
        ));
    }
    let input = match &args.server {
        Some(url) => crate::server::fetch(url)?,
        None => read_input(args.cookie.clone())?,
    };
    let found = find_cookie(&input, &args.cookie_name).map_err(|e| {
        if input.trim().is_empty() {
            Failure::from(e)
        } else {
            Failure::Usage(e.detail().to_owned())
        }
    })?;
    let signed = split(&found.value, args.digest.as_deref()).map_err(|failure| match failure {
        Failure::Rejected(kind, detail) if found.form != InputForm::Value => Failure::Rejected(
            kind,
            format!(
                "{detail} (the cookie {:?}, from input read as {})",
                args.cookie_name,
                found.form.describe()
            ),
        ),
        other => other,
    })?;
    if args.hashcat {
        return match hashcat_line(&args, &found.value, &signed) {
            Ok(line) => {
                println!("{line}");
                Ok(())
            }
            Err(why) => Err(Failure::Rejected(
                "hashcat",
                format!("hashcat's Flask mode (29100) cannot take this cookie: {why}"),
            )),
        };
    }
    let derivation: KeyDerivation = args.key_derivation.parse()?;
    let signed_text = signed.value.get(..signed.signed_len).unwrap_or_default();
    let target = AnyTarget::new(
        signed.digest,
        derivation,
        args.salt.as_bytes(),
        signed_text.as_bytes(),
        &signed.signature,
    );
    let mut sources = Vec::new();
    if args.builtin || args.wordlist.is_empty() {
        sources.push(Source::Lines(
            builtin::KEYS.iter().map(|k| k.to_vec()).collect(),
        ));
    }
    for path in &args.wordlist {
        sources.push(open_wordlist(path)?);
    }
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let search = Search::new();
    let show_progress = args.progress || (!args.no_progress && std::io::stderr().is_terminal());
    let started = Instant::now();
    let hit = {
        let _progress = show_progress.then(|| Progress::start(&search));
        search::run(&target, sources, threads, &search)
            .map_err(|e| Failure::Usage(format!("cannot read the wordlist: {e}")))?
    };
    let tried = search.tried.load(Ordering::Relaxed);
    let elapsed = started.elapsed();
    if args.verbose {
        let (block, len_bytes) = match signed.digest {
            Digest::Sha384 | Digest::Sha512 => (128, 16),
            _ => (64, 8),
        };
        let cost = engine::compressions_per_candidate(
            block,
            len_bytes,
            derivation,
            args.salt.len(),
            signed.signed_len,
        );
        eprintln!(
            "tried {tried} candidates in {:.3} s on {threads} threads: {:.0} candidates/s; \
             each costs {cost} {} compressions",
            elapsed.as_secs_f64(),
            tried as f64 / elapsed.as_secs_f64().max(1e-9),
            signed.digest,
        );
    }
    let Some(hit) = hit else {
        return Err(Failure::Rejected(
            "not-found",
            format!("tried {tried} candidates"),
        ));
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(&search::shown(&hit.key));
    let _ = out.write_all(b"\n");
    let _ = out.flush();
    if let Some(note) = equivalent_keys_note(&hit.key, signed.digest, derivation) {
        eprintln!("note: {note}");
    }
    if args.verbose {
        verbose(&args, &signed, &hit.key, tried, elapsed)?;
    }
    Ok(())
}

/// Where HMAC takes another key as this one, say so: a key ending in NUL bytes
/// verifies as well without them (HMAC pads a short key with NULs to its block), and
/// a key longer than the block as well as its digest. With the `hmac` and `none`
/// derivations the secret key is an HMAC key, so such keys verify alike and the one
/// printed is merely the first that did.
fn equivalent_keys_note(key: &[u8], digest: Digest, derivation: KeyDerivation) -> Option<String> {
    if !matches!(derivation, KeyDerivation::Hmac | KeyDerivation::None) {
        return None;
    }
    let block = match digest {
        Digest::Sha384 | Digest::Sha512 => 128,
        _ => 64,
    };
    let first = "the key printed is the first candidate that verified";
    if key.len() > block {
        return Some(format!(
            "HMAC replaces a key longer than its {block}-byte block by the key's {digest} \
             digest, so that digest verifies too; {first}"
        ));
    }
    let bare = key.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    (bare < key.len()).then(|| {
        format!(
            "HMAC pads a key to its {block}-byte block with NUL bytes, so this key without \
             its {} trailing NUL bytes (or with more, up to {block} bytes) verifies too; {first}",
            key.len() - bare
        )
    })
}

/// After a match: the cookie decoded with the key, on stderr.
fn verbose(
    args: &CrackArgs,
    signed: &Signed,
    key: &[u8],
    tried: u64,
    elapsed: Duration,
) -> Result<(), Failure> {
    let config = SignerConfig::flask_session()
        .with_salt(args.salt.as_bytes().to_vec())
        .with_digest(signed.digest)
        .with_key_derivation(args.key_derivation.parse()?);
    eprintln!(
        "found after {tried} candidates in {:.2} s; the key is {}",
        elapsed.as_secs_f64(),
        String::from_utf8_lossy(&search::python_literal(key))
    );
    let codec = SessionCodec::with_signer_config(SecretKey::from(key), config)
        .map(|c| c.with_max_age(None).with_legacy_epoch(args.legacy));
    match codec.and_then(|c| c.open(&signed.value)) {
        Ok(opened) => {
            let header = Header {
                verified: Some(opened.key.to_string()),
                timestamp: opened.timestamp,
                now: crate::now(),
                compressed: opened.compressed,
            };
            eprintln!(
                "{}",
                crate::render_session(opened.value.as_dict(), OutputFormat::Pretty, &header)?
            );
        }
        Err(e) => eprintln!(
            "the signature verifies, but the payload is not a Flask session: {}",
            e.detail()
        ),
    }
    Ok(())
}
