//! Flask's save decision, once for every place a session lives: whether the
//! response varies on `Cookie`, and whether the session is deleted, written (and
//! its cookie sent) or left alone. `cookie` carries it out for Flask's cookie
//! session (`SecureCookieSessionInterface.save_session`), `flask_session` for
//! Flask-Session's and Quart-Session's stores; each names its [`SaveRules`].

use super::TrackedSession;

/// When an unmodified session is written again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refresh {
    /// Never (`SESSION_REFRESH_EACH_REQUEST = False`; Quart-Session always).
    Never,
    /// When permanent (Flask's cookie session with `SESSION_REFRESH_EACH_REQUEST`).
    Permanent,
    /// Always, the cookie only when permanent (Flask-Session 0.8 with
    /// `SESSION_REFRESH_EACH_REQUEST`: every request with a session renews its TTL).
    StoreAlways,
}

/// The rules of one session interface.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SaveRules {
    /// Whether an accessed session adds `Vary: Cookie` (Quart-Session never does).
    pub(crate) vary: bool,
    /// When an unmodified session is written again.
    pub(crate) refresh: Refresh,
}

/// What to do with the session after the handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SaveAction {
    /// Nothing.
    Nothing,
    /// The session was emptied: delete it (its cookie, and the stored value).
    Delete,
    /// Write it: `modified` says whether it changed (a store renews the TTL of an
    /// unchanged one); `set_cookie` whether the cookie is sent.
    Write { modified: bool, set_cookie: bool },
}

/// The decision: `Vary: Cookie`, and the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SavePlan {
    pub(crate) vary: bool,
    pub(crate) action: SaveAction,
}

/// Flask's `save_session` decision for `session` under `rules`.
pub(crate) fn plan(session: &TrackedSession, rules: SaveRules) -> SavePlan {
    let modified = session.modified();
    let nothing = SavePlan {
        vary: rules.vary && session.accessed(),
        action: SaveAction::Nothing,
    };
    if session.is_empty_in_python() {
        return if modified {
            SavePlan {
                vary: rules.vary,
                action: SaveAction::Delete,
            }
        } else {
            nothing
        };
    }
    let permanent = session.untracked().permanent();
    let write = modified
        || match rules.refresh {
            Refresh::Never => false,
            Refresh::Permanent => permanent,
            Refresh::StoreAlways => true,
        };
    if !write {
        return nothing;
    }
    SavePlan {
        vary: rules.vary,
        action: SaveAction::Write {
            modified,
            // Unmodified, it is written only to refresh, and the cookie only when
            // permanent.
            set_cookie: modified || permanent,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    fn session(keys: &[&str], permanent: bool, server_side: bool) -> TrackedSession {
        let mut s = Session::new();
        if permanent {
            s.set_permanent(true);
        }
        for k in keys {
            s.insert(*k, 1);
        }
        let t = TrackedSession::new(s);
        if server_side {
            t.with_server_side_truth()
        } else {
            t
        }
    }

    const FLASK: SaveRules = SaveRules {
        vary: true,
        refresh: Refresh::Permanent,
    };
    const FLASK_SESSION: SaveRules = SaveRules {
        vary: true,
        refresh: Refresh::StoreAlways,
    };
    const QUART: SaveRules = SaveRules {
        vary: false,
        refresh: Refresh::Never,
    };

    #[test]
    fn each_interface_decides_as_its_python_twin() {
        let write = |modified, set_cookie| SaveAction::Write {
            modified,
            set_cookie,
        };
        // Unmodified, non-permanent, with data.
        let s = session(&["a"], false, true);
        assert_eq!(plan(&s, FLASK).action, SaveAction::Nothing);
        assert_eq!(plan(&s, FLASK_SESSION).action, write(false, false));
        assert_eq!(plan(&s, QUART).action, SaveAction::Nothing);
        // Unmodified, permanent.
        let s = session(&["a"], true, true);
        assert_eq!(plan(&s, FLASK).action, write(false, true));
        assert_eq!(plan(&s, FLASK_SESSION).action, write(false, true));
        // Only `_permanent`: empty for Flask-Session, not for Flask's cookie.
        let mut s = session(&[], true, true);
        assert_eq!(plan(&s, FLASK_SESSION).action, SaveAction::Nothing);
        s.mark_modified();
        assert_eq!(plan(&s, FLASK_SESSION).action, SaveAction::Delete);
        let mut s = session(&[], true, false);
        s.mark_modified();
        assert_eq!(plan(&s, FLASK).action, write(true, true));
        // Vary: on access, and never for Quart-Session.
        let s = session(&["a"], false, false);
        let _ = s.len();
        assert!(plan(&s, FLASK).vary && !plan(&s, QUART).vary);
        let mut s = session(&[], false, false);
        s.mark_modified();
        assert_eq!(
            plan(&s, QUART),
            SavePlan {
                vary: false,
                action: SaveAction::Delete
            }
        );
    }
}
