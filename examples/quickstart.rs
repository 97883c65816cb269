//! The README's quickstart as a program: a typed read-modify-write of the session of
//! a Flask app with Flask-Login (examples/quickstart_flask.py), whose cart is a list
//! of Python tuples.
//!
//! ```sh
//! python examples/quickstart_flask.py &                  # Flask on 127.0.0.1:5000
//! curl -c jar '127.0.0.1:5000/login?user=7'              # log in on Flask
//! cargo run --example quickstart -- "$(grep session jar | cut -f7)" 2 pear 1.25
//! curl -b "session=<the cookie it printed>" 127.0.0.1:5000/cart
//!                                                        # Flask: user 7, fresh, 2 tuples
//! ```
//! `SECRET_KEY` (default `dev-secret`) is read from the environment; the cookie may be
//! given as its value, a `session=...` pair or a `Set-Cookie` line.

// The quickstart, exactly as in the README:
use std::collections::BTreeMap;

use flask_session_cookie::{SessionCodec, Value};
use serde::{Deserialize, Serialize};

/// The session of a Flask app that uses Flask-Login (0.6).
#[derive(Debug, Serialize, Deserialize)]
pub struct LoginSession {
    /// The logged-in user's id; Flask-Login keeps it as a string.
    #[serde(rename = "_user_id")]
    pub user_id: String,
    /// Whether the login is fresh (not restored from a remember-me cookie).
    #[serde(rename = "_fresh")]
    pub fresh: bool,
    /// Flask-Login's session protection: a hash of the client's address and user
    /// agent. Keep it: without it Flask-Login marks the login not fresh ("basic") or
    /// logs the user out ("strong").
    #[serde(rename = "_id")]
    pub id: String,
    /// The app's own data: a list of Python tuples is a `Vec` of Rust tuples.
    #[serde(default)]
    pub cart: Vec<(u32, String, f64)>,
    /// Everything else in the session, kept exactly as Flask wrote it (tuples stay
    /// tuples, bytes stay bytes).
    #[serde(flatten)]
    pub rest: BTreeMap<String, Value>,
}

/// Reads the cookie Flask wrote, adds an item to the cart, writes the cookie back.
pub fn add_to_cart(
    codec: &SessionCodec,
    cookie: &str,
    item: (u32, String, f64),
) -> Result<String, flask_session_cookie::Error> {
    let mut session: LoginSession = codec.decode_as(cookie)?;
    session.cart.push(item);
    codec.encode_as(&session)
}
// End of the README's quickstart.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usage = "usage: quickstart COOKIE ID NAME PRICE";
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [cookie, id, name, price] = args.as_slice() else {
        return Err(usage.into());
    };
    let secret = std::env::var("SECRET_KEY").unwrap_or_else(|_| "dev-secret".into());
    let codec = SessionCodec::new(secret)?;
    let cookie = flask_session_cookie::cookie::find_cookie(cookie, "session")?.value;
    let item = (id.parse()?, name.clone(), price.parse()?);
    println!("{}", add_to_cart(&codec, &cookie, item)?);
    Ok(())
}
