//! A real Flask (tests/live/app.py) on 127.0.0.1, and a small HTTP/1.1 client for it.
//!
//! The Python comes from `FLASK_PYTHON`, else from the venv `scripts/flask-venv`
//! makes (`target/flask-venv`). When `FSC_REQUIRE_FLASK=1` (set by `scripts/test`)
//! a Flask that cannot start fails the test loudly; otherwise the test prints why it
//! skips.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value as Json;

pub struct LiveFlask {
    child: Child,
    pub port: u16,
    pub version: String,
}

impl Drop for LiveFlask {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python() -> Option<String> {
    if let Ok(p) = std::env::var("FLASK_PYTHON") {
        return Some(p);
    }
    let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/target/flask-venv/bin/python");
    std::path::Path::new(venv).exists().then(|| venv.to_owned())
}

/// Starts the live Flask, or explains why not (panicking when it is required).
pub fn start() -> Option<LiveFlask> {
    start_script("tests/live/app.py", &[], true)
}

/// Starts a Flask script of this repository (it prints `PORT <n>` and stops when its
/// stdin closes), with extra environment variables.
pub fn start_script(script: &str, env: &[(&str, &str)], health: bool) -> Option<LiveFlask> {
    let required = std::env::var("FSC_REQUIRE_FLASK").is_ok_and(|v| v == "1");
    match try_start(script, env, health) {
        Ok(live) => Some(live),
        Err(why) if required => {
            panic!("the live Flask is required (FSC_REQUIRE_FLASK=1) but cannot start: {why}")
        }
        Err(why) => {
            eprintln!("SKIPPED: no live Flask ({why}); run scripts/test to have one");
            None
        }
    }
}

/// Starts a script as [`start_script`] does, with another venv's python.
pub fn start_script_with(
    python: &str,
    script: &str,
    env: &[(&str, &str)],
    health: bool,
) -> Option<LiveFlask> {
    let required = std::env::var("FSC_REQUIRE_FLASK").is_ok_and(|v| v == "1");
    if !std::path::Path::new(python).exists() {
        let why = format!("no {python} (scripts/test makes the venvs)");
        if required {
            panic!("the live Python app is required (FSC_REQUIRE_FLASK=1): {why}");
        }
        eprintln!("SKIPPED: {why}");
        return None;
    }
    match try_start_with(python.to_owned(), script, env, health) {
        Ok(live) => Some(live),
        Err(why) if required => {
            panic!("the live Python app is required (FSC_REQUIRE_FLASK=1) but cannot start: {why}")
        }
        Err(why) => {
            eprintln!("SKIPPED: {why}");
            None
        }
    }
}

fn try_start(script: &str, env: &[(&str, &str)], health: bool) -> Result<LiveFlask, String> {
    let python =
        python().ok_or("no FLASK_PYTHON and no target/flask-venv (scripts/flask-venv makes it)")?;
    try_start_with(python, script, env, health)
}

fn try_start_with(
    python: String,
    script: &str,
    env: &[(&str, &str)],
    health: bool,
) -> Result<LiveFlask, String> {
    let app = format!("{}/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(&python)
        .args(["-W", "ignore", &app, "--stop-on-stdin-close"])
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("reading the port: {e}"))?;
    let port: u16 = line
        .trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| format!("the app did not print its port (got {line:?})"))?;
    let mut live = LiveFlask {
        child,
        port,
        version: String::new(),
    };
    if health {
        let health = live
            .request("GET", "/health", &[], b"")
            .map_err(|e| format!("health check: {e}"))?;
        let body: Json =
            serde_json::from_slice(&health.body).map_err(|e| format!("health: {e}"))?;
        live.version = body["flask"].as_str().unwrap_or("?").to_owned();
    }
    Ok(live)
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Json {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

impl LiveFlask {
    /// One HTTP/1.1 request with `Connection: close`.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Response, String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .map_err(|e| e.to_string())?;
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.port,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        stream
            .write_all(req.as_bytes())
            .map_err(|e| e.to_string())?;
        stream.write_all(body).map_err(|e| e.to_string())?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).map_err(|e| e.to_string())?;
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or("no end of headers")?;
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.split("\r\n");
        let status: u16 = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .ok_or("bad status line")?;
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        Ok(Response {
            status,
            headers,
            body: raw[split + 4..].to_vec(),
        })
    }

    /// POSTs JSON and returns the JSON answer.
    pub fn post_json(&self, path: &str, body: &Json) -> Json {
        let body = serde_json::to_vec(body).unwrap();
        let resp = self
            .request("POST", path, &[("Content-Type", "application/json")], &body)
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        assert_eq!(
            resp.status,
            200,
            "POST {path}: {}",
            String::from_utf8_lossy(&resp.body)
        );
        resp.json()
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
