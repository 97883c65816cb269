//! The Flask-Login and Flask-WTF subcommands: `remember`, `login-id`, `csrf`.

use std::ffi::OsString;

use clap::{Args, Subcommand};
use flask_session_cookie::flask_login::{ClientInfo, RememberSigner};
use flask_session_cookie::flask_wtf::CsrfConfig;
use flask_session_cookie::itsdangerous::FixedClock;

use crate::{Failure, SecretArgs, now, secret_key};

#[derive(Subcommand)]
pub(crate) enum RememberCommand {
    /// Print Flask-Login's remember-me cookie value for a user id.
    Encode(RememberEncodeArgs),
    /// Verify a remember-me cookie value and print its user id.
    Decode(RememberDecodeArgs),
}

#[derive(Args)]
pub(crate) struct RememberEncodeArgs {
    #[command(flatten)]
    secret: SecretArgs,
    /// The user id (what `get_id()` returns).
    #[arg(allow_hyphen_values = true)]
    user_id: String,
}

#[derive(Args)]
pub(crate) struct RememberDecodeArgs {
    #[command(flatten)]
    secret: SecretArgs,
    /// The cookie's value: `<user_id>|<digest>`.
    #[arg(allow_hyphen_values = true)]
    token: String,
}

#[derive(Args)]
pub(crate) struct LoginIdArgs {
    /// The client's address (WSGI's REMOTE_ADDR); absent: none.
    #[arg(long, value_name = "ADDR", allow_hyphen_values = true)]
    remote_addr: Option<String>,
    /// The X-Forwarded-For header's value; absent: no such header.
    #[arg(long, value_name = "HEADER", allow_hyphen_values = true)]
    forwarded_for: Option<OsString>,
    /// The User-Agent header's bytes as sent; absent: no such header.
    #[arg(long, value_name = "HEADER", allow_hyphen_values = true)]
    user_agent: Option<OsString>,
}

#[derive(Subcommand)]
pub(crate) enum CsrfCommand {
    /// Print the form token Flask-WTF makes of a raw token (`generate_csrf`).
    Encode(CsrfEncodeArgs),
    /// Verify a form token (signature and age) and print its raw token.
    Decode(CsrfDecodeArgs),
}

#[derive(Args)]
pub(crate) struct CsrfEncodeArgs {
    #[command(flatten)]
    secret: SecretArgs,
    /// Sign as if at this time (Unix seconds) [default: now].
    #[arg(long, value_name = "UNIX_SECONDS", allow_negative_numbers = true)]
    timestamp: Option<i64>,
    /// The raw token (the session's `csrf_token`).
    #[arg(allow_hyphen_values = true)]
    raw: String,
}

#[derive(Args)]
pub(crate) struct CsrfDecodeArgs {
    #[command(flatten)]
    secret: SecretArgs,
    /// WTF_CSRF_TIME_LIMIT in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 3600,
        conflicts_with = "no_time_limit"
    )]
    time_limit: u64,
    /// Accept tokens of any age (WTF_CSRF_TIME_LIMIT = None).
    #[arg(long)]
    no_time_limit: bool,
    /// Check the age as if the time were this (Unix seconds).
    #[arg(long, value_name = "UNIX_SECONDS", allow_negative_numbers = true)]
    now: Option<i64>,
    /// The form token.
    #[arg(allow_hyphen_values = true)]
    token: String,
}

fn required_key(args: &SecretArgs) -> Result<flask_session_cookie::SecretKey, Failure> {
    secret_key(args)?.ok_or_else(|| {
        Failure::Usage(
            "a secret key is needed: --secret KEY, --secret-file PATH or FLASK_SECRET_KEY".into(),
        )
    })
}

pub(crate) fn remember(command: RememberCommand) -> Result<(), Failure> {
    match command {
        RememberCommand::Encode(args) => {
            let signer = RememberSigner::new(required_key(&args.secret)?)?;
            println!("{}", signer.encode(&args.user_id));
        }
        RememberCommand::Decode(args) => {
            let signer = RememberSigner::new(required_key(&args.secret)?)?;
            println!("{}", signer.decode(&args.token)?);
        }
    }
    Ok(())
}

/// An argument's bytes: what the shell passed, not necessarily UTF-8.
fn bytes(arg: &OsString) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        arg.as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        arg.to_string_lossy().into_owned().into_bytes()
    }
}

pub(crate) fn login_id(args: LoginIdArgs) -> Result<(), Failure> {
    let forwarded = args.forwarded_for.as_ref().map(bytes);
    let agent = args.user_agent.as_ref().map(bytes);
    let client = ClientInfo::new(args.remote_addr.as_deref())
        .with_forwarded_for(forwarded.as_deref())
        .with_user_agent(agent.as_deref());
    println!("{}", client.session_identifier());
    Ok(())
}

pub(crate) fn csrf(command: CsrfCommand) -> Result<(), Failure> {
    match command {
        CsrfCommand::Encode(args) => {
            let csrf = CsrfConfig::new(required_key(&args.secret)?)?;
            let ts = args.timestamp.unwrap_or_else(now);
            println!("{}", csrf.form_token_at(&args.raw, ts)?);
        }
        CsrfCommand::Decode(args) => {
            let limit = (!args.no_time_limit).then_some(args.time_limit);
            let now = args.now.unwrap_or_else(now);
            let csrf = CsrfConfig::new(required_key(&args.secret)?)?
                .with_time_limit(limit)
                .with_clock(FixedClock(now));
            println!("{}", csrf.raw_token_at(&args.token, now)?);
        }
    }
    Ok(())
}
