//! A browser for the live tests: one cookie jar for every server on 127.0.0.1
//! (cookies are per host, not per port) and a fixed User-Agent.

use std::sync::Arc;

use reqwest::blocking::{Client, Response};
use reqwest::cookie::{CookieStore, Jar};
use serde_json::Value as Json;

pub struct Browser {
    client: Client,
    jar: Arc<Jar>,
    agent: &'static str,
}

fn url(port: u16) -> reqwest::Url {
    format!("http://127.0.0.1:{port}/").parse().unwrap()
}

impl Browser {
    pub fn new(agent: &'static str) -> Self {
        let jar = Arc::new(Jar::default());
        let client = Client::builder()
            .cookie_provider(Arc::clone(&jar))
            .build()
            .unwrap();
        Browser { client, jar, agent }
    }

    /// GETs `path`, whatever the status.
    pub fn fetch(&self, port: u16, path: &str) -> Response {
        self.client
            .get(format!("http://127.0.0.1:{port}{path}"))
            .header("User-Agent", self.agent)
            .send()
            .unwrap()
    }

    /// GETs `path`, which must succeed.
    pub fn get(&self, port: u16, path: &str) -> Response {
        let resp = self.fetch(port, path);
        let status = resp.status();
        if !status.is_success() {
            let body = resp.text().unwrap_or_default();
            let tail = body.get(body.len().saturating_sub(800)..).unwrap_or(&body);
            panic!("GET {port}{path}: {status}: {tail}");
        }
        resp
    }

    /// GETs `path` and returns only the status (any status).
    pub fn status(&self, port: u16, path: &str) -> u16 {
        self.fetch(port, path).status().as_u16()
    }

    pub fn text(&self, port: u16, path: &str) -> String {
        self.get(port, path).text().unwrap()
    }

    pub fn json(&self, port: u16, path: &str) -> Json {
        serde_json::from_str(&self.text(port, path)).unwrap()
    }

    /// POSTs a urlencoded form; the status and the body.
    pub fn post_form(&self, port: u16, path: &str, body: &str) -> (u16, String) {
        let resp = self
            .client
            .post(format!("http://127.0.0.1:{port}{path}"))
            .header("User-Agent", self.agent)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
            .send()
            .unwrap();
        (resp.status().as_u16(), resp.text().unwrap())
    }

    /// The value of the cookie `name` the jar sends to `port`.
    pub fn cookie(&self, port: u16, name: &str) -> Option<String> {
        let header = self.jar.cookies(&url(port))?;
        header
            .to_str()
            .unwrap()
            .split("; ")
            .find_map(|c| c.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }

    /// Puts a cookie in the jar, as if a server had set it.
    pub fn set_cookie(&self, port: u16, name: &str, value: &str) {
        self.jar
            .add_cookie_str(&format!("{name}={value}; Path=/"), &url(port));
    }

    /// The browser restarts: its non-permanent session cookie is gone.
    pub fn drop_session_cookie(&self, port: u16) {
        self.jar
            .add_cookie_str("session=; Max-Age=0; Path=/", &url(port));
        assert_eq!(self.cookie(port, "session"), None);
    }
}
