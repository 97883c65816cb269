//! Reading the pickles Flask-Session 0.4–0.6 stored (`pickle.dumps(dict(session))`,
//! protocols 0 to 5) without executing anything: the opcodes are interpreted here,
//! nothing is imported or called. The few globals such sessions hold are recognised
//! by name — `datetime.datetime` (naive and aware), `datetime.date`,
//! `datetime.timedelta` and `datetime.timezone` (for aware datetimes), `uuid.UUID`,
//! `markupsafe.Markup`, `set`, and the helpers protocols 0–2 use
//! (`_codecs.encode` and `bytes()` for bytes, `copyreg._reconstructor`, `object`,
//! `str`) — and any
//! other global is an error naming `module.name`.
//!
//! Objects live in an arena while the pickle runs, so that a container memoized
//! before it is filled (as the pickler writes every dict and list) and fetched again
//! later is the filled one, as in Python. The result is then built as a [`Value`](crate::Value)
//! under the limits: every value built counts (a memo fetched a million times costs
//! a million), nesting is bounded, a structure that contains itself is refused.
//!
//! ```
//! use flask_session_cookie::{Limits, Value, pickle};
//! // pickle.dumps({"_user_id": "7", "t": (1, "a")}, 4)
//! let data = b"\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x08_user_id\x94\x8c\x017\x94\x8c\x01t\x94K\x01\x8c\x01a\x94\x86\x94u.";
//! let v = pickle::loads(data, &Limits::server_side())?;
//! assert_eq!(v.to_string(), "{'_user_id': '7', 't': (1, 'a')}");
//! // Anything else is refused by name, never imported.
//! let evil = b"cos\nsystem\n(S'true'\ntR.";
//! assert!(pickle::loads(evil, &Limits::server_side()).unwrap_err().to_string().contains("os.system"));
//! # Ok::<(), flask_session_cookie::Error>(())
//! ```

mod read;

pub use read::loads;
