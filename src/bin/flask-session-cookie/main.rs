//! `flask-session-cookie`: verify, decode and write Flask session cookies.
//!
//! Exit status: 0 on success; 1 when a cookie is rejected (one stderr line
//! `error: <kind>: <detail>`); 2 for usage errors.

#![forbid(unsafe_code)]
#![warn(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod crack;
mod extensions;
mod pyliteral;
mod server;
mod store;

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use flask_session_cookie::cookie::{InputForm, find_cookie};
use flask_session_cookie::itsdangerous::{Digest, KeyDerivation, SignerConfig};
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::{
    Dict, Error, ErrorKind, Limits, SecretKey, SecretKeys, Session, SessionCodec, Value, dangerous,
};

/// A sample cookie for trying the tool: spec §6's flashes cookie, key `dev-secret`,
/// signed at 1700000000.
const SAMPLE_COOKIE: &str = ".eJyrVopPy0kszkgtVrKKrlZSKAFSSrmpxcWJ6alKOkoeqTk5-YpKsbU6MLnUoqL8IqCMU2KKQklGZl46UDK2FgA3zxbx.ZVPxAA.EWfjMLKKYfPVy62qUkFKlzvpb08";

#[derive(Parser)]
#[command(
    name = "flask-session-cookie",
    version,
    about = "Verify, decode and write Python Flask session cookies, byte-for-byte as Flask does.",
    after_help = "Exit status: 0 success, 1 cookie rejected (stderr: `error: <kind>: <detail>`), 2 usage error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify and decode a cookie.
    Decode(DecodeArgs),
    /// Write the cookie Flask would write for a session given as JSON.
    Encode(EncodeArgs),
    /// Decode a built-in sample cookie (key `dev-secret`, signed at 1700000000).
    Sample,
    /// Flask-Login's remember-me cookie: make or verify its value.
    #[command(subcommand)]
    Remember(extensions::RememberCommand),
    /// Flask-Login's session identifier `_id` for a client.
    LoginId(extensions::LoginIdArgs),
    /// Flask-WTF's CSRF form tokens: make or verify one.
    #[command(subcommand)]
    Csrf(extensions::CsrfCommand),
    /// Find the SECRET_KEY that signed a cookie, from wordlists (flask-unsign's
    /// "unsign").
    #[command(alias = "unsign")]
    Crack(crack::CrackArgs),
    /// Server-side sessions (Flask-Session, Quart-Session): stored values and
    /// signed ids.
    #[command(subcommand)]
    Store(store::StoreCommand),
}

/// The app's SECRET_KEY.
#[derive(Args)]
pub(crate) struct SecretArgs {
    /// The app's SECRET_KEY: text (a Python `str`), or a Python bytes literal
    /// (`b'_5#y2L"F4Q8z\n\xec]/'`, Python's escapes) for a `bytes` key. Without
    /// --secret, --secret-hex or --secret-file: the FLASK_SECRET_KEY environment
    /// variable.
    #[arg(long, allow_hyphen_values = true, value_name = "KEY")]
    secret: Option<String>,
    /// SECRET_KEY as hex (a `bytes` key such as `os.urandom(24)`).
    #[arg(long, value_name = "HEX")]
    secret_hex: Option<String>,
    /// Read SECRET_KEY from a file (raw bytes, a Python `bytes` key; one trailing
    /// newline is removed).
    #[arg(long, value_name = "PATH")]
    secret_file: Option<std::path::PathBuf>,
    /// Take the keys given as text as they are, even when they look like a Python
    /// bytes literal.
    #[arg(long)]
    pub(crate) no_literal_eval: bool,
}

/// A key given as text: a Python bytes literal stands for its bytes (unless
/// `--no-literal-eval`), anything else is a `str` key.
pub(crate) fn text_key(text: &str, no_literal_eval: bool) -> SecretKey {
    if !no_literal_eval && let Ok(key) = SecretKey::from_python_literal(text) {
        return key;
    }
    SecretKey::from(text)
}

/// Hex digits (either case, an even number) as bytes.
fn hex_key(option: &str, hex: &str) -> Result<SecretKey, Failure> {
    let hex = hex.trim();
    let digits: Option<Vec<u8>> = hex
        .len()
        .is_multiple_of(2)
        .then(|| {
            hex.as_bytes()
                .chunks(2)
                .map(|pair| {
                    std::str::from_utf8(pair)
                        .ok()
                        .and_then(|p| u8::from_str_radix(p, 16).ok())
                })
                .collect()
        })
        .flatten();
    digits.map(SecretKey::from).ok_or_else(|| {
        Failure::Usage(format!(
            "{option} takes hex digits, two per byte (like the output of os.urandom(24).hex())"
        ))
    })
}

#[derive(Args)]
struct KeyArgs {
    #[command(flatten)]
    secret: SecretArgs,
    /// A key from SECRET_KEY_FALLBACKS (text or a Python bytes literal); repeat in
    /// the order of that list.
    #[arg(long, value_name = "KEY", allow_hyphen_values = true)]
    fallback: Vec<String>,
    /// A fallback key as hex; these come after the --fallback ones.
    #[arg(long, value_name = "HEX")]
    fallback_hex: Vec<String>,
    /// Salt.
    #[arg(long, default_value = "cookie-session")]
    salt: String,
    /// HMAC digest.
    #[arg(long, default_value = "sha1", value_parser = ["sha1", "sha256", "sha384", "sha512"])]
    digest: String,
    /// Key derivation.
    #[arg(long, default_value = "hmac", value_parser = ["hmac", "concat", "django-concat", "none"])]
    key_derivation: String,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OutputFormat {
    /// Readable, with Python types and signing details.
    Pretty,
    /// Plain JSON for jq: tuples as arrays, bytes as base64, UUIDs and datetimes as strings.
    Json,
    /// Exactly the tagged JSON Flask's serializer dumps, one line.
    Tagged,
    /// Python's repr() of the session dict Flask loads, one line.
    Repr,
}

#[derive(Args)]
struct DecodeArgs {
    #[command(flatten)]
    keys: KeyArgs,
    /// Max age in seconds (Flask's PERMANENT_SESSION_LIFETIME).
    #[arg(long, default_value_t = SessionCodec::DEFAULT_MAX_AGE, conflicts_with = "no_max_age")]
    max_age: u64,
    /// Accept cookies of any age.
    #[arg(long)]
    no_max_age: bool,
    /// Check the age as if the time were this (Unix seconds).
    #[arg(long, value_name = "UNIX_SECONDS", allow_negative_numbers = true)]
    now: Option<i64>,
    /// Decode WITHOUT checking the signature or age. Nothing is verified.
    #[arg(long)]
    unverified: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Pretty)]
    format: OutputFormat,
    /// The cookie's name, when a `name=value` pair or a header line is given.
    #[arg(long, default_value = "session")]
    cookie_name: String,
    /// Fetch the cookie from this page (one GET of an http:// URL, as flask-unsign's
    /// --server does) instead of the argument or stdin.
    #[arg(long, value_name = "URL", conflicts_with = "cookie")]
    server: Option<String>,
    /// The cookie value, a `session=...` pair, a `Cookie:`/`Set-Cookie:` line or a whole
    /// HTTP request or response (the last Set-Cookie of the name wins); `-` or absent: stdin.
    cookie: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum InputFormat {
    /// Flask's tagged JSON (`{" t": [...]}` for tuples, ...).
    Tagged,
    /// Plain JSON.
    Plain,
    /// A Python dict literal, as flask-unsign takes it (`ast.literal_eval`):
    /// `{'logged_in': True, 'cart': [(1, 'a')], 'b': b'x'}`.
    Python,
}

#[derive(Args)]
struct EncodeArgs {
    #[command(flatten)]
    keys: KeyArgs,
    /// Sign as if at this time (Unix seconds) [default: now].
    #[arg(long, value_name = "UNIX_SECONDS")]
    timestamp: Option<i64>,
    /// How to read the session JSON.
    #[arg(long, value_enum, default_value_t = InputFormat::Tagged)]
    input: InputFormat,
    /// Write a cookie for an empty session too (Flask never does: it deletes the
    /// cookie instead).
    #[arg(long)]
    allow_empty: bool,
    /// The session as JSON; `-` or absent: stdin.
    json: Option<String>,
}

/// A failure with its exit status.
pub(crate) enum Failure {
    /// The cookie was rejected or could not be written: exit 1, with the CLI's kind
    /// name and the detail.
    Rejected(&'static str, String),
    /// Bad usage: exit 2.
    Usage(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e.kind() {
            ErrorKind::Config => Failure::Usage(e.detail().to_owned()),
            _ => Failure::Rejected(cli_kind(&e), e.detail().to_owned()),
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Decode(args) => decode(args),
        Command::Encode(args) => encode(args),
        Command::Sample => sample(),
        Command::Remember(command) => extensions::remember(command),
        Command::LoginId(args) => extensions::login_id(args),
        Command::Csrf(command) => extensions::csrf(command),
        Command::Crack(args) => crack::crack(args),
        Command::Store(command) => store::store(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Rejected(kind, detail)) => {
            eprintln!("error: {kind}: {detail}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(msg)) => {
            eprintln!("error: usage: {msg}");
            ExitCode::from(2)
        }
    }
}

/// The kind names of the CLI contract.
fn cli_kind(e: &Error) -> &'static str {
    match e.kind() {
        ErrorKind::Unencodable => "payload",
        _ => e.kind_name(),
    }
}

pub(crate) fn read_input(arg: Option<String>) -> Result<String, Failure> {
    match arg.as_deref() {
        Some(text) if text != "-" => Ok(text.to_owned()),
        _ => {
            let mut buf = String::new();
            std::io::stdin()
                .read_to_string(&mut buf)
                .map_err(|e| Failure::Usage(format!("cannot read standard input: {e}")))?;
            Ok(buf)
        }
    }
}

/// The key of `--secret`, `--secret-file` or `FLASK_SECRET_KEY`; an empty one is no
/// key (`--secret ""`, an empty FLASK_SECRET_KEY or key file): Flask refuses it, and
/// anybody can sign with it.
pub(crate) fn secret_key(args: &SecretArgs) -> Result<Option<SecretKey>, Failure> {
    let given = [
        args.secret.is_some(),
        args.secret_hex.is_some(),
        args.secret_file.is_some(),
    ];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(Failure::Usage(
            "give the key once: --secret, --secret-hex or --secret-file".into(),
        ));
    }
    let key = if let Some(path) = &args.secret_file {
        let mut bytes = std::fs::read(path)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
        }
        Some(SecretKey::from(bytes))
    } else if let Some(hex) = &args.secret_hex {
        Some(hex_key("--secret-hex", hex)?)
    } else if let Some(text) = &args.secret {
        Some(text_key(text, args.no_literal_eval))
    } else {
        match std::env::var("FLASK_SECRET_KEY") {
            Ok(text) => Some(text_key(&text, args.no_literal_eval)),
            Err(std::env::VarError::NotPresent) => None,
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Failure::Usage(
                    "FLASK_SECRET_KEY is not UTF-8 text: give a bytes key with --secret-hex \
                     or --secret-file"
                        .into(),
                ));
            }
        }
    };
    // An empty key (`--secret ""`, an empty FLASK_SECRET_KEY or key file) is no key:
    // Flask refuses it, and anybody can sign with it.
    Ok(key.filter(|k| !k.is_empty()))
}

fn secret_keys(args: &KeyArgs) -> Result<Option<SecretKeys>, Failure> {
    let Some(current) = secret_key(&args.secret)? else {
        return Ok(None);
    };
    let mut fallbacks: Vec<SecretKey> = args
        .fallback
        .iter()
        .map(|f| text_key(f, args.secret.no_literal_eval))
        .collect();
    for hex in &args.fallback_hex {
        fallbacks.push(hex_key("--fallback-hex", hex)?);
    }
    if fallbacks.iter().any(SecretKey::is_empty) {
        return Err(Failure::Usage(
            "a --fallback key is empty: it would accept cookies anybody can sign".into(),
        ));
    }
    Ok(Some(
        fallbacks
            .into_iter()
            .fold(SecretKeys::new(current), SecretKeys::with_fallback),
    ))
}

fn signer_config(args: &KeyArgs) -> Result<SignerConfig, Failure> {
    let digest: Digest = args.digest.parse()?;
    let derivation: KeyDerivation = args.key_derivation.parse()?;
    Ok(SignerConfig::flask_session()
        .with_salt(args.salt.as_bytes().to_vec())
        .with_digest(digest)
        .with_key_derivation(derivation))
}

/// Finds the cookie in the input (any form `cookie::find_cookie` reads) and says
/// which form it was read as.
fn cookie_value(input: &str, name: &str) -> Result<(String, InputForm), Failure> {
    // No cookie of that name is a usage error (the wrong input or --cookie-name), as
    // before; an empty input is an empty cookie, which is malformed.
    let found = find_cookie(input, name).map_err(|e| {
        if input.trim().is_empty() {
            Failure::from(e)
        } else {
            Failure::Usage(e.detail().to_owned())
        }
    })?;
    if found.value.is_empty() {
        return Err(Failure::Rejected(
            "malformed",
            format!(
                "the cookie {name:?} is empty in the input, read as {}{}: Flask treats that as no session",
                found.form.describe(),
                if matches!(
                    found.form,
                    InputForm::SetCookieHeader | InputForm::HttpMessage
                ) {
                    " (a Set-Cookie with an empty value deletes the cookie)"
                } else {
                    ""
                }
            ),
        ));
    }
    Ok((found.value.into_owned(), found.form))
}

/// Adds the input form to a failure to read the cookie, unless it was a bare value.
fn in_form(form: InputForm, name: &str) -> impl FnOnce(Error) -> Failure + '_ {
    move |e| match Failure::from(e) {
        Failure::Rejected(kind, detail) if form != InputForm::Value => Failure::Rejected(
            kind,
            format!(
                "{detail} (the cookie {name:?}, from input read as {})",
                form.describe()
            ),
        ),
        other => other,
    }
}

/// What to try next, for a rejection's detail: for a bad signature, the other ways a
/// key may be meant; for an expired cookie, how to read it anyway.
fn hint(e: &Error, keys: &KeyArgs) -> String {
    match e.kind() {
        ErrorKind::BadSignature => {
            let escapes = keys
                .secret
                .secret
                .iter()
                .chain(&keys.fallback)
                .any(|k| k.contains("\\x") && !k.starts_with(['b', 'B']));
            let mut hint = String::from(
                "; if the app rotated its key, add the old one with --fallback KEY; a bytes \
                 SECRET_KEY is given as a Python literal (--secret \"b'...'\") or as \
                 --secret-hex HEX; --unverified shows the content without checking",
            );
            if escapes {
                hint.push_str(
                    "; the key holds \\x escapes as text: if SECRET_KEY is bytes, write it \
                     with the b prefix (--secret \"b'\\x01...'\")",
                );
            }
            hint
        }
        ErrorKind::Expired { .. } => {
            "; read it anyway with --no-max-age, or as at another time with --now \
             UNIX_SECONDS"
                .to_owned()
        }
        _ => String::new(),
    }
}

pub(crate) fn now() -> i64 {
    flask_session_cookie::Clock::now(&flask_session_cookie::SystemClock)
}

fn decode(args: DecodeArgs) -> Result<(), Failure> {
    let input = match &args.server {
        Some(url) => server::fetch(url)?,
        None => read_input(args.cookie.clone())?,
    };
    let (cookie, form) = cookie_value(&input, &args.cookie_name)?;
    let in_form = || in_form(form, &args.cookie_name);
    let now = args.now.unwrap_or_else(now);
    let limits = Limits::new();
    if args.unverified {
        eprintln!(
            "WARNING: the signature was NOT verified; anyone could have written this cookie."
        );
        let u = dangerous::decode_session_unverified(&cookie, &limits).map_err(in_form())?;
        let dict = match u.value {
            Value::Dict(d) => d,
            Value::None => Dict::new(),
            other => {
                let mut d = Dict::new();
                d.insert("<top level>", other);
                d
            }
        };
        let header = Header {
            verified: None,
            timestamp: u.timestamp,
            now,
            compressed: u.compressed,
        };
        return print_session(&dict, args.format, &header);
    }
    let keys = secret_keys(&args.keys)?.ok_or_else(|| {
        Failure::Usage(
            "a secret key is needed: --secret KEY, --secret-hex HEX, --secret-file PATH or \
             FLASK_SECRET_KEY (or --unverified to read it without checking)"
                .into(),
        )
    })?;
    let max_age = if args.no_max_age {
        None
    } else {
        Some(args.max_age)
    };
    let codec =
        SessionCodec::with_signer_config(keys, signer_config(&args.keys)?)?.with_max_age(max_age);
    let opened = codec.open_at(&cookie, now).map_err(|e| {
        let hint = hint(&e, &args.keys);
        match in_form()(e) {
            Failure::Rejected(kind, detail) => Failure::Rejected(kind, detail + &hint),
            other => other,
        }
    })?;
    let header = Header {
        verified: Some(opened.key.to_string()),
        timestamp: opened.timestamp,
        now,
        compressed: opened.compressed,
    };
    print_session(opened.value.as_dict(), args.format, &header)
}

fn sample() -> Result<(), Failure> {
    println!("Sample cookie (Flask 3.1.3, SECRET_KEY='dev-secret', signed at 1700000000):");
    println!("  {SAMPLE_COOKIE}");
    println!();
    let codec = SessionCodec::new("dev-secret")?;
    let opened = codec.open_at(SAMPLE_COOKIE, 1_700_000_000)?;
    let header = Header {
        verified: Some(opened.key.to_string()),
        timestamp: opened.timestamp,
        now: 1_700_000_000,
        compressed: opened.compressed,
    };
    print_session(opened.value.as_dict(), OutputFormat::Pretty, &header)
}

fn encode(args: EncodeArgs) -> Result<(), Failure> {
    let input = read_input(args.json.clone())?;
    let value = match args.input {
        InputFormat::Tagged => JsonFormat::flask().loads(input.trim(), &Limits::new()),
        InputFormat::Plain => JsonFormat::plain().loads(input.trim(), &Limits::new()),
        InputFormat::Python => {
            Ok::<Value, Error>(pyliteral::parse(input.trim()).map_err(|why| {
                Failure::Usage(format!(
                    "the session's Python literal cannot be read: {why}"
                ))
            })?)
        }
    }
    .map_err(|e| Failure::Usage(format!("the session JSON cannot be read: {}", e.detail())))?;
    let Value::Dict(dict) = value else {
        return Err(Failure::Usage(format!(
            "the session must be a dict, not a {}",
            value.type_name()
        )));
    };
    let keys = secret_keys(&args.keys)?.ok_or_else(|| {
        Failure::Usage(
            "a secret key is needed: --secret KEY, --secret-hex HEX, --secret-file PATH or \
             FLASK_SECRET_KEY"
                .into(),
        )
    })?;
    if dict.is_empty() && !args.allow_empty {
        return Err(Failure::Usage(
            "the session is empty: Flask never writes a cookie for an empty session (it \
             deletes the session cookie instead); --allow-empty writes one anyway"
                .into(),
        ));
    }
    let codec = SessionCodec::with_signer_config(keys, signer_config(&args.keys)?)?;
    let ts = args.timestamp.unwrap_or_else(now);
    let cookie = codec.encode_at(&Session::from(dict), ts)?;
    println!("{cookie}");
    Ok(())
}

pub(crate) struct Header {
    /// `None` when not verified.
    pub(crate) verified: Option<String>,
    pub(crate) timestamp: Option<i64>,
    pub(crate) now: i64,
    pub(crate) compressed: bool,
}

fn print_session(dict: &Dict, format: OutputFormat, header: &Header) -> Result<(), Failure> {
    let text = render_session(dict, format, header)?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    Ok(())
}

/// A session in an output format.
pub(crate) fn render_session(
    dict: &Dict,
    format: OutputFormat,
    header: &Header,
) -> Result<String, Failure> {
    let limits = Limits::new();
    let value = Value::Dict(dict.clone());
    let text = match format {
        OutputFormat::Tagged => JsonFormat::flask().dumps(&value, &limits)?,
        OutputFormat::Json => JsonFormat::plain()
            .with_ensure_ascii(false)
            .dumps(&to_plain(&value), &limits)?,
        OutputFormat::Pretty => pretty(dict, header),
        OutputFormat::Repr => value.to_string(),
    };
    Ok(text)
}

/// Plain JSON types only, for `--format json`.
pub(crate) fn to_plain(v: &Value) -> Value {
    use base64::Engine as _;
    match v {
        Value::Float(f) if !f.is_finite() => Value::None,
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => {
            Value::List(items.iter().map(to_plain).collect())
        }
        Value::NaiveDateTime(_) | Value::Date(_) => Value::Str(plain_isoformat(v)),
        Value::Dict(d) => Value::Dict(d.iter().map(|(k, v)| (k, to_plain(v))).collect()),
        Value::Bytes(b) => Value::Str(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::Markup(s) => Value::Str(s.clone()),
        Value::Uuid(u) => Value::Str(u.hyphenated().to_string()),
        Value::DateTime(dt) => Value::Str(rfc3339(dt)),
        other => other.clone(),
    }
}

/// Python's `isoformat()` of a naive datetime or a date.
fn plain_isoformat(v: &Value) -> String {
    match v {
        Value::NaiveDateTime(dt) => {
            let mut s = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                dt.year(),
                u8::from(dt.month()),
                dt.day(),
                dt.hour(),
                dt.minute(),
                dt.second()
            );
            if dt.microsecond() != 0 {
                s.push_str(&format!(".{:06}", dt.microsecond()));
            }
            s
        }
        Value::Date(d) => format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()),
        _ => String::new(),
    }
}

fn rfc3339(dt: &time::OffsetDateTime) -> String {
    dt.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| format!("{dt}"))
}

fn pretty(dict: &Dict, h: &Header) -> String {
    let mut s = String::new();
    match &h.verified {
        Some(key) => s.push_str(&format!("verified: yes, signed with {key}\n")),
        None => s.push_str("verified: NO (--unverified: anyone could have written this)\n"),
    }
    match h.timestamp {
        Some(ts) => {
            let when = time::OffsetDateTime::from_unix_timestamp(ts)
                .map(|t| rfc3339(&t))
                .unwrap_or_else(|_| "out of range".into());
            s.push_str(&format!(
                "signed at: {when} ({ts}), age {} s\n",
                h.now.saturating_sub(ts)
            ));
        }
        None => s.push_str("signed at: unknown\n"),
    }
    s.push_str(&format!(
        "compressed: {}\n",
        if h.compressed { "yes (zlib)" } else { "no" }
    ));
    s.push_str("session: {");
    if dict.is_empty() {
        s.push('}');
        return s;
    }
    s.push('\n');
    for (k, v) in dict {
        // One line per key: the key and the value as Python's repr() shows them
        // (written once, at any depth).
        let _ = writeln!(s, "    {}: {v},", Value::from(k));
    }
    s.push('}');
    s
}
