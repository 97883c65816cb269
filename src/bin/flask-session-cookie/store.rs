//! `store`: server-side session values (Flask-Session, Quart-Session) and their ids.

use std::io::{Read as _, Write as _};

use clap::{Args, Subcommand, ValueEnum};
use flask_session_cookie::flask_session::{
    IdSigner, Package, StoredFormat, decode_stored, encode_stored,
};
use flask_session_cookie::json::JsonFormat;
use flask_session_cookie::store::SessionStore as _;
use flask_session_cookie::store::redis::RedisStore;
use flask_session_cookie::{Dict, Limits, SecretKeys, Value};

use crate::{Failure, SecretArgs, secret_key, text_key, to_plain};

#[derive(Subcommand)]
pub(crate) enum StoreCommand {
    /// Decode one stored session value from standard input (raw bytes, or hex with
    /// --hex), its format detected as the package does (Flask-Session: msgpack,
    /// then JSON, then a legacy pickle, read without executing anything).
    Decode(DecodeArgs),
    /// The bytes Flask-Session 0.8 stores for a session given as tagged JSON on
    /// standard input (key order = insertion order).
    Encode(EncodeArgs),
    /// Sign a session id, or verify a signed one, as SESSION_USE_SIGNER does.
    #[command(subcommand)]
    Sid(SidCommand),
    /// Fetch one live session from Redis (read-only: one GETRANGE, nothing written)
    /// and decode it as `store decode` does.
    Get(GetArgs),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StoreOutput {
    /// Python's repr() of the dict the package reads back, one line.
    Repr,
    /// The format found, then one line per key with Python's repr() of the value.
    Pretty,
    /// Flask's tagged JSON in insertion order; refused for what it cannot say
    /// (naive datetimes, sub-second datetimes, dates, sets).
    Tagged,
    /// Plain JSON for jq: tuples and sets as arrays, bytes as base64, UUIDs and
    /// datetimes as strings.
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PackageArg {
    /// Flask-Session 0.8 (msgpack, JSON, legacy pickles).
    FlaskSession,
    /// Quart-Session 3.0 (Flask's tagged JSON).
    QuartSession,
}

impl From<PackageArg> for Package {
    fn from(p: PackageArg) -> Self {
        match p {
            PackageArg::FlaskSession => Package::FlaskSession,
            PackageArg::QuartSession => Package::QuartSession,
        }
    }
}

#[derive(Args)]
pub(crate) struct DecodeArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "pretty")]
    format: StoreOutput,
    /// The input is hex digits (whitespace ignored), not raw bytes.
    #[arg(long)]
    hex: bool,
    /// Which package stored the value.
    #[arg(long, value_enum, default_value = "flask-session")]
    package: PackageArg,
    /// `-`: standard input (the only source).
    #[arg(value_parser = ["-"])]
    input: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Serialization {
    /// msgspec's msgpack (SESSION_SERIALIZATION_FORMAT="msgpack", the default).
    Msgpack,
    /// msgspec's JSON (SESSION_SERIALIZATION_FORMAT="json").
    Json,
}

#[derive(Args)]
pub(crate) struct EncodeArgs {
    /// SESSION_SERIALIZATION_FORMAT.
    #[arg(long, value_enum, default_value = "msgpack")]
    serialization: Serialization,
    /// Print hex and a newline instead of the raw bytes.
    #[arg(long)]
    hex: bool,
}

#[derive(Subcommand)]
pub(crate) enum SidCommand {
    /// Print `ID.signature`.
    Sign(SidArgs),
    /// Print the id inside a signed id, or fail with `error: signature: …`.
    Unsign(SidArgs),
}

#[derive(Args)]
pub(crate) struct SidArgs {
    /// Which package's salt (flask-session or quart-session).
    #[arg(long, value_enum, default_value = "flask-session")]
    package: PackageArg,
    #[command(flatten)]
    secret: SecretArgs,
    /// An older key, tried when verifying (text or a Python bytes literal); repeat.
    #[arg(long, value_name = "KEY", allow_hyphen_values = true)]
    fallback: Vec<String>,
    /// The id (sign) or the signed id (unsign).
    #[arg(allow_hyphen_values = true)]
    id: String,
}

#[derive(Args)]
pub(crate) struct GetArgs {
    /// The Redis URL: redis://[user[:password]@]host[:port][/db] (rediss:// for TLS).
    /// Repeat with --cluster for nodes of a Redis Cluster. Default: the REDIS_URL
    /// environment variable (keeps a password off the command line).
    #[arg(long, value_name = "URL", env = "REDIS_URL", required = true)]
    redis: Vec<String>,
    /// The URLs are nodes of a Redis Cluster.
    #[arg(long)]
    cluster: bool,
    /// SESSION_KEY_PREFIX.
    #[arg(long, value_name = "P", default_value = "session:")]
    prefix: String,
    /// Which package stored the session.
    #[arg(long, value_enum, default_value = "flask-session")]
    package: PackageArg,
    /// The key that signed the id (SESSION_USE_SIGNER), needed for a signed one.
    #[command(flatten)]
    secret: SecretArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "pretty")]
    format: StoreOutput,
    /// The session cookie's value (`ID` or, signed, `ID.signature`), or the whole
    /// `session=…` pair.
    #[arg(value_name = "COOKIE|ID", allow_hyphen_values = true)]
    cookie: String,
}

pub(crate) fn store(command: StoreCommand) -> Result<(), Failure> {
    match command {
        StoreCommand::Get(args) => get(args),
        StoreCommand::Decode(args) => decode(args),
        StoreCommand::Encode(args) => encode(args),
        StoreCommand::Sid(SidCommand::Sign(args)) => {
            let signer = signer(&args)?;
            println!("{}", signer.sign(&args.id));
            Ok(())
        }
        StoreCommand::Sid(SidCommand::Unsign(args)) => {
            let signer = signer(&args)?;
            let id = signer.unsign(args.id.trim())?;
            println!("{id}");
            Ok(())
        }
    }
}

fn signer(args: &SidArgs) -> Result<IdSigner, Failure> {
    let key = secret_key(&args.secret)?.ok_or_else(|| {
        Failure::Usage(
            "no key: give --secret (or --secret-hex, --secret-file, FLASK_SECRET_KEY)".into(),
        )
    })?;
    let keys = args
        .fallback
        .iter()
        .map(|f| text_key(f, args.secret.no_literal_eval))
        .fold(SecretKeys::new(key), SecretKeys::with_fallback);
    Ok(IdSigner::new(args.package.into(), keys)?)
}

fn read_stdin_bytes() -> Result<Vec<u8>, Failure> {
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .map_err(|e| Failure::Usage(format!("cannot read standard input: {e}")))?;
    Ok(buf)
}

fn unhex(text: &[u8]) -> Result<Vec<u8>, Failure> {
    let digits: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if !digits.len().is_multiple_of(2) {
        return Err(Failure::Rejected(
            "malformed",
            "--hex input has an odd number of hex digits".into(),
        ));
    }
    digits
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| {
                    Failure::Rejected(
                        "malformed",
                        "--hex input has a character that is not a hex digit".into(),
                    )
                })
        })
        .collect()
}

fn decode(args: DecodeArgs) -> Result<(), Failure> {
    let raw = read_stdin_bytes()?;
    let bytes = if args.hex { unhex(&raw)? } else { raw };
    print_stored(args.package.into(), &bytes, args.format)
}

/// Decodes a stored value as `package` does and prints it as `output` says.
fn print_stored(package: Package, bytes: &[u8], output: StoreOutput) -> Result<(), Failure> {
    let (session, format) = decode_stored(package, bytes, &Limits::server_side())?;
    let dict = session.as_dict();
    let text = match output {
        StoreOutput::Repr => Value::Dict(dict.clone()).to_string(),
        StoreOutput::Pretty => pretty(dict, format),
        StoreOutput::Tagged => {
            sayable_in_tagged_json(&Value::Dict(dict.clone()))?;
            JsonFormat::flask()
                .with_sort_keys(false)
                .dumps(&Value::Dict(dict.clone()), &Limits::server_side())?
        }
        StoreOutput::Json => JsonFormat::plain().with_sort_keys(false).dumps(
            &to_plain(&Value::Dict(dict.clone())),
            &Limits::server_side(),
        )?,
    };
    println!("{}", text.trim_end_matches('\n'));
    Ok(())
}

/// `store get`: the id from the cookie (verified when signed), one read, decoded.
fn get(args: GetArgs) -> Result<(), Failure> {
    let package: Package = args.package.into();
    let value = args.cookie.trim();
    // A `name=value` pair: ids and signatures never hold `=`.
    let value = value.split_once('=').map_or(value, |(_, v)| v.trim());
    let value = value.trim_matches('"');
    let id = if value.contains('.') {
        let key = secret_key(&args.secret)?.ok_or_else(|| {
            Failure::Usage(
                "the id is signed (SESSION_USE_SIGNER): give the app's key with --secret \
                 (or --secret-hex, --secret-file, FLASK_SECRET_KEY) to verify it"
                    .into(),
            )
        })?;
        IdSigner::new(package, key)?.unsign(value)?
    } else {
        value.to_owned()
    };
    if id.is_empty() {
        return Err(Failure::Usage("no session id given".into()));
    }
    let store = if args.cluster {
        RedisStore::cluster(args.redis.iter().map(String::as_str))?
    } else {
        match args.redis.as_slice() {
            [one] => RedisStore::new(one)?,
            _ => {
                return Err(Failure::Usage(
                    "several --redis URLs are the nodes of a cluster: add --cluster".into(),
                ));
            }
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Usage(format!("cannot start the async runtime: {e}")))?;
    let key = format!("{}{id}", args.prefix);
    let limit = Limits::server_side().max_stored_len();
    let stored = runtime.block_on(store.get(&key, limit))?;
    let Some(bytes) = stored else {
        return Err(Failure::Rejected(
            "not-found",
            format!(
                "no session under this id with prefix {:?} in {} (expired, deleted, or \
                 another prefix or DB?)",
                args.prefix,
                store.name()
            ),
        ));
    };
    print_stored(package, &bytes, args.format)
}

fn pretty(dict: &Dict, format: StoredFormat) -> String {
    let mut s = format!("format: {format}\n");
    for (k, v) in dict {
        s.push_str(&format!("{}: {v}\n", Value::from(k)));
    }
    s
}

/// Refuses what Flask's tagged JSON cannot say without changing it.
fn sayable_in_tagged_json(value: &Value) -> Result<(), Failure> {
    let refuse = |what: &str| {
        Err(Failure::Rejected(
            "payload",
            format!("{what} cannot be said in Flask's tagged JSON; use --format repr or json"),
        ))
    };
    match value {
        Value::NaiveDateTime(_) => refuse("a naive datetime (no time zone)"),
        Value::DateTime(dt) if dt.nanosecond() != 0 => {
            refuse("a datetime with fractions of a second (the tag keeps whole seconds)")
        }
        Value::Date(_) => refuse("a date"),
        Value::Set(_) => refuse("a set"),
        Value::List(items) | Value::Tuple(items) => {
            items.iter().try_for_each(sayable_in_tagged_json)
        }
        Value::Dict(d) => d.values().try_for_each(sayable_in_tagged_json),
        _ => Ok(()),
    }
}

fn encode(args: EncodeArgs) -> Result<(), Failure> {
    let raw = read_stdin_bytes()?;
    let text = String::from_utf8(raw).map_err(|_| {
        Failure::Rejected(
            "payload",
            "the session JSON on standard input is not UTF-8".into(),
        )
    })?;
    let value = JsonFormat::flask().loads(text.trim(), &Limits::server_side())?;
    let Value::Dict(dict) = value else {
        return Err(Failure::Rejected(
            "payload",
            format!(
                "the session must be a JSON object, got a {}",
                value.type_name()
            ),
        ));
    };
    let format = match args.serialization {
        Serialization::Msgpack => StoredFormat::Msgpack,
        Serialization::Json => StoredFormat::Json,
    };
    let bytes = encode_stored(Package::FlaskSession, format, &dict.into())?;
    let mut out = std::io::stdout().lock();
    if args.hex {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let _ = writeln!(out, "{hex}");
    } else {
        let _ = out.write_all(&bytes);
    }
    let _ = out.flush();
    Ok(())
}
