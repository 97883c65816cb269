//! The command-line tool as the tests run it.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

/// Runs the tool with `args`, `stdin` on its standard input (closed after), and no
/// `FLASK_SECRET_KEY` from the environment.
pub fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flask-session-cookie"))
        .args(args)
        .env_remove("FLASK_SECRET_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    // The tool may answer before reading all of it.
    let _ = pipe.write_all(stdin);
    drop(pipe);
    child.wait_with_output().unwrap()
}
