//! The save rules, differentially: the same visits, step by step, to a real Python
//! app and to each Rust service, all on one real `redis-server` (each side under its
//! own key prefix). Flask 3.1.3 + Flask-Session 0.8.0 + Flask-Login under every
//! combination of `SESSION_PERMANENT`, `SESSION_REFRESH_EACH_REQUEST` and
//! `SESSION_USE_SIGNER` (and once with `SESSION_ID_LENGTH` and the cookie's name,
//! `SameSite` and `HttpOnly`); Quart + Quart-Session 3.0.0 under `SESSION_PERMANENT` (its
//! signer fails every save under Werkzeug 3: see
//! `server_side_quart_session_signed_ids_are_written_by_rust_only`). After every step the two must agree on what the browser was
//! told (status, body, `Set-Cookie` with the id kept, new or deleted, `Vary`) and on
//! what Redis holds (the stored bytes under the browser's id, whether its TTL was
//! renewed, how many keys the side has).

use serde_json::Value as Json;

use crate::common::browser::Browser;
use crate::common::redis::Redis;
use crate::server_side::{KEY, cycle_over, start_python, start_rust};
use crate::shared_login::RUSTS;
use flask_session_cookie::cookie::{CookieConfig, SameSite};
use flask_session_cookie::flask_session::{Package, ServerSide};
use flask_session_cookie::store::redis::RedisStore;

/// `PERMANENT_SESSION_LIFETIME` on both sides: the TTL a save sets.
const LIFETIME: u64 = 1000;
/// The TTL every stored session is set to before a step: a TTL above it afterwards
/// means the step renewed it.
const MARKER: i64 = 500;

/// What the browser's stored session holds before a step.
#[derive(Clone, Copy)]
enum Before {
    /// Whatever the last step left.
    AsItIs,
    /// A cookie with an id nothing is stored under (unsigned: a forged one when ids
    /// are signed).
    UnknownId(&'static str),
    /// The stored value replaced, TTL kept, by these bytes.
    Stored(&'static [u8]),
}

/// One visit: what the browser asks Python and Rust (for Flask, Rust's `/user` is
/// its `/whoami`: both load the user, so Flask-Login's session protection runs on
/// both), what is changed before it, and whether the bodies must agree.
struct Step {
    name: &'static str,
    python: &'static str,
    rust: &'static str,
    before: Before,
    same_body: bool,
}

const fn step(name: &'static str, path: &'static str) -> Step {
    Step {
        name,
        python: path,
        rust: path,
        before: Before::AsItIs,
        same_body: false,
    }
}

const fn mark(name: &'static str, path: &'static str) -> Step {
    Step {
        same_body: true,
        ..step(name, path)
    }
}

const fn with(step: Step, before: Before) -> Step {
    Step { before, ..step }
}

const FLASK_LOOK: Step = Step {
    rust: "/user",
    ..mark("look", "/whoami")
};
const QUART_LOOK: Step = mark("look", "/whoami");
const NOT_JSON: &[u8] = b"{not json";
const NOT_UTF8: &[u8] = b"\xc1\xff";

const FLASK_STEPS: &[Step] = &[
    FLASK_LOOK,
    mark("mark a (a new session)", "/mark?who=a"),
    FLASK_LOOK,
    mark("mark b", "/mark?who=b"),
    step("login", "/login?user=9"),
    FLASK_LOOK,
    step("regenerate", "/regenerate"),
    FLASK_LOOK,
    step("logout", "/logout"),
    FLASK_LOOK,
    step("clear", "/clear"),
    FLASK_LOOK,
    step("clear with no session", "/clear"),
    step("regenerate with no session", "/regenerate"),
    with(FLASK_LOOK, Before::UnknownId("no-such-id")),
    with(
        mark("mark c on an unknown id", "/mark?who=c"),
        Before::UnknownId("no-such-id"),
    ),
    FLASK_LOOK,
    // Unreadable: an error on both sides, the value left as it was.
    with(
        step("look at a value that is not msgpack", "/whoami"),
        Before::Stored(NOT_UTF8),
    ),
    with(
        mark("mark d on another unknown id", "/mark?who=d"),
        Before::UnknownId("other-id"),
    ),
    FLASK_LOOK,
];

const QUART_STEPS: &[Step] = &[
    QUART_LOOK,
    mark("mark a (a new session)", "/mark?who=a"),
    QUART_LOOK,
    mark("mark b", "/mark?who=b"),
    QUART_LOOK,
    step("clear", "/clear"),
    QUART_LOOK,
    step("clear with no session", "/clear"),
    with(QUART_LOOK, Before::UnknownId("no-such-id")),
    with(
        mark("mark c on an unknown id", "/mark?who=c"),
        Before::UnknownId("no-such-id"),
    ),
    QUART_LOOK,
    // Quart-Session starts a fresh session over a value that is not JSON.
    with(QUART_LOOK, Before::Stored(NOT_JSON)),
    mark("mark d", "/mark?who=d"),
    QUART_LOOK,
    // Not UTF-8: redis-py's decoding fails first, an error.
    with(
        step("look at a value that is not UTF-8", "/whoami"),
        Before::Stored(NOT_UTF8),
    ),
    with(
        mark("mark e on another unknown id", "/mark?who=e"),
        Before::UnknownId("other-id"),
    ),
    QUART_LOOK,
];

/// What one side showed after a step.
#[derive(Debug, PartialEq)]
struct Seen {
    status: u16,
    body: Option<Json>,
    set_cookie: Vec<String>,
    vary: Vec<String>,
    /// The stored value under the browser's id (hex) and its TTL class.
    stored: Option<(Option<String>, String)>,
    keys: usize,
}

/// `session=<value>; attributes` with the value as `<kept>`, `<new, N chars>`,
/// `<new, signed, N chars>` (the id's length) or empty, and an `Expires` date as `<past>` or `<future>`.
fn normalise(header: &str, before: Option<&str>) -> String {
    let mut parts = header.split("; ");
    let first = parts.next().unwrap_or_default();
    let (name, value) = first.split_once('=').unwrap_or((first, ""));
    let value = match value {
        "" => String::new(),
        v if Some(v) == before => "<kept>".into(),
        v if v.contains('.') => format!("<new, signed, {} chars>", id_of(v).len()),
        v => format!("<new, {} chars>", v.len()),
    };
    let mut out = vec![format!("{name}={value}")];
    for attribute in parts {
        out.push(match attribute.split_once('=') {
            Some((a, date)) if a.eq_ignore_ascii_case("expires") => {
                let year: i32 = date
                    .split(' ')
                    .nth(3)
                    .and_then(|y| y.parse().ok())
                    .unwrap_or_else(|| panic!("Expires date {date:?}"));
                format!("{a}=<{}>", if year < 2000 { "past" } else { "future" })
            }
            _ => attribute.to_owned(),
        });
    }
    out.join("; ")
}

fn ttl_class(ttl: i64) -> String {
    match ttl {
        -2 => "missing".into(),
        -1 => "no TTL".into(),
        t if t > MARKER && t <= LIFETIME as i64 => "renewed".into(),
        t if t <= MARKER => "kept".into(),
        t => format!("unexpected {t}"),
    }
}

/// The id in the browser's cookie (the part before a signature).
fn id_of(cookie: &str) -> &str {
    cookie.split('.').next().unwrap_or_default()
}

/// `step` on one side: the cookie `name`, the keys under `prefix`.
fn visit(
    b: &Browser,
    port: u16,
    path: &str,
    step: &Step,
    redis: &Redis,
    (name, prefix): (&str, &str),
) -> Seen {
    let key_of = |cookie: &str| format!("{prefix}{}", id_of(cookie));
    match step.before {
        Before::AsItIs => {}
        Before::UnknownId(id) => b.set_cookie(port, name, id),
        Before::Stored(bytes) => {
            let cookie = b.cookie(port, name).expect("a session to spoil");
            redis.set(&key_of(&cookie), bytes, MARKER as u64);
        }
    }
    let before = b.cookie(port, name);
    if let Some(cookie) = &before {
        redis.cmd(&format!("EXPIRE {} {MARKER}", key_of(cookie)));
    }
    let resp = b.fetch(port, path);
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().unwrap();
    let set_cookie = headers
        .get_all("set-cookie")
        .iter()
        .map(|v| normalise(v.to_str().unwrap(), before.as_deref()))
        .collect();
    let vary = headers
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let stored = b.cookie(port, name).map(|cookie| {
        let key = key_of(&cookie);
        let hex = |v: Vec<u8>| v.iter().map(|b| format!("{b:02x}")).collect();
        (redis.get(&key).map(hex), ttl_class(redis.ttl(&key)))
    });
    Seen {
        status,
        body: step.same_body.then(|| {
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{prefix} {path} {status}: {e}: {text}"))
        }),
        set_cookie,
        vary,
        stored,
        keys: redis.keys(&format!("{prefix}*")).len(),
    }
}

/// The settings that change the save decision or the ids.
#[derive(Debug, Clone, Copy)]
struct Settings {
    permanent: bool,
    /// `SESSION_REFRESH_EACH_REQUEST` (Flask-Session only).
    refresh: bool,
    signed: bool,
    /// `SESSION_ID_LENGTH` (Flask-Session only); `None`: the default.
    id_bytes: Option<usize>,
    /// `SESSION_COOKIE_NAME = "sid"`, `SESSION_COOKIE_SAMESITE = "Strict"`,
    /// `SESSION_COOKIE_HTTPONLY = False` (Flask-Session only); else Flask's defaults.
    own_cookie: bool,
}

/// One setting of one package: the Python app and both Rust services through
/// `steps`; what differed, and how many steps were compared.
fn compare(
    redis: &Redis,
    package: Package,
    settings: Settings,
    steps: &[Step],
    differences: &mut Vec<String>,
) -> usize {
    let Settings {
        permanent,
        refresh,
        signed,
        id_bytes,
        own_cookie,
    } = settings;
    let name = if own_cookie { "sid" } else { "session" };
    let setting = format!("{package:?} {settings:?}");
    let flag = |on: bool| if on { "1" } else { "0" };
    let lifetime = LIFETIME.to_string();
    let url = redis.url();
    let mut env = vec![
        ("SECRET_KEY", KEY),
        ("REDIS_URL", url.as_str()),
        ("SESSION_KEY_PREFIX", "python:"),
        ("SESSION_PERMANENT", flag(permanent)),
        ("SESSION_USE_SIGNER", flag(signed)),
        ("PERMANENT_SESSION_LIFETIME", &lifetime),
    ];
    let id_length = id_bytes.map(|n| n.to_string());
    let (venv, script) = match package {
        Package::FlaskSession => {
            env.push(("SESSION_REFRESH_EACH_REQUEST", flag(refresh)));
            if let Some(n) = &id_length {
                env.push(("SESSION_ID_LENGTH", n));
            }
            if own_cookie {
                env.extend([
                    ("SESSION_COOKIE_NAME", name),
                    ("SESSION_COOKIE_SAMESITE", "Strict"),
                    ("SESSION_COOKIE_HTTPONLY", "0"),
                ]);
            }
            ("venv-flask-session-0.8", "tests/live/server_side_flask.py")
        }
        _ => ("venv-quart-session-3.0", "tests/live/server_side_quart.py"),
    };
    let Some(python) = start_python(venv, script, &env) else {
        return 0;
    };
    let mut compared = 0;
    for rust in RUSTS {
        // Each run starts with no stored session on either side.
        for key in redis.keys("*") {
            redis.cmd(&format!("DEL {key}"));
        }
        let prefix = format!("{rust:?}:").to_lowercase();
        let mut server = ServerSide::new(package, RedisStore::new(&url).unwrap())
            .with_prefix(prefix.clone())
            .with_permanent(permanent)
            .with_lifetime(LIFETIME);
        if package == Package::FlaskSession {
            server = server.with_refresh_each_request(refresh);
        }
        if signed {
            server = server.with_signer(KEY).unwrap();
        }
        if let Some(n) = id_bytes {
            server = server.with_id_length(n).unwrap();
        }
        let mut cycle = cycle_over(server, package);
        if own_cookie {
            let cookie = CookieConfig::flask()
                .with_name(name)
                .unwrap()
                .with_same_site(Some(SameSite::Strict))
                .with_http_only(false);
            cycle = cycle.with_cookie_config(cookie);
        }
        let service = start_rust(rust, cycle);
        let (at_python, at_rust) = (Browser::new("rules/1.0"), Browser::new("rules/1.0"));
        for (n, step) in steps.iter().enumerate() {
            let expected = visit(
                &at_python,
                python.port,
                step.python,
                step,
                redis,
                (name, "python:"),
            );
            let seen = visit(
                &at_rust,
                service.port(),
                step.rust,
                step,
                redis,
                (name, &prefix),
            );
            compared += 1;
            if seen != expected {
                differences.push(format!(
                    "{setting}, {rust:?}, step {n} ({}):\n  Python: {expected:?}\n  Rust:   {seen:?}",
                    step.name
                ));
            }
        }
    }
    compared
}

/// Every step, under every combination of the settings: each Rust service agrees
/// with Flask-Session 0.8 and with Quart-Session 3.0 after each step.
#[test]
fn server_side_save_rules_match_flask_session_and_quart_session_on_every_setting() {
    let Some(redis) = Redis::start() else { return };
    let defaults = Settings {
        permanent: true,
        refresh: true,
        signed: false,
        id_bytes: None,
        own_cookie: false,
    };
    let mut runs = Vec::new();
    for permanent in [true, false] {
        for signed in [false, true] {
            for refresh in [true, false] {
                let settings = Settings {
                    permanent,
                    refresh,
                    signed,
                    ..defaults
                };
                runs.push((Package::FlaskSession, settings, FLASK_STEPS));
            }
        }
        let settings = Settings {
            permanent,
            refresh: false,
            ..defaults
        };
        runs.push((Package::QuartSession, settings, QUART_STEPS));
    }
    // SESSION_ID_LENGTH and the cookie's settings, signed ids, otherwise the defaults.
    let settings = Settings {
        signed: true,
        id_bytes: Some(20),
        own_cookie: true,
        ..defaults
    };
    runs.push((Package::FlaskSession, settings, FLASK_STEPS));
    let mut differences = Vec::new();
    let mut compared = 0;
    for (package, settings, steps) in runs {
        compared += compare(&redis, package, settings, steps, &mut differences);
    }
    assert_eq!(
        compared,
        2 * (9 * FLASK_STEPS.len() + 2 * QUART_STEPS.len()),
        "a Python app did not start"
    );
    assert!(
        differences.is_empty(),
        "{} of {compared} steps differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
}
