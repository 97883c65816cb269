//! A real `redis-server` on a free loopback port, without persistence (no RDB, no
//! AOF), and a real 3-master Redis Cluster made with `redis-cli --cluster create`;
//! each stopped when dropped. `scripts/test` installs the Debian package when
//! missing and sets `FSC_REQUIRE_REDIS=1`: then a Redis that cannot start fails the
//! test loudly; otherwise the test prints why it skips.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub struct Redis {
    child: Option<Child>,
    pub port: u16,
    dir: PathBuf,
    /// The `redis-server` arguments beyond the usual ones, kept for a restart.
    extra: Vec<String>,
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn required() -> bool {
    std::env::var("FSC_REQUIRE_REDIS").is_ok_and(|v| v == "1")
}

fn skip_or_panic<T>(why: String) -> Option<T> {
    if required() {
        panic!("redis-server is required (FSC_REQUIRE_REDIS=1) but cannot start: {why}");
    }
    eprintln!("SKIPPED: no redis-server ({why}); run scripts/test to have one");
    None
}

/// A port free now on 127.0.0.1 whose cluster bus port (+10000) is free too, both
/// below the kernel's ephemeral range, so no client socket of another test takes
/// one by chance between this choice and `redis-server` binding it (a CI run once
/// lost a cluster node that way), and never the same port twice in one process.
pub fn free_port() -> u16 {
    static GIVEN: Mutex<Vec<u16>> = Mutex::new(Vec::new());
    let ephemeral_low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|r| r.split_whitespace().next()?.parse::<u32>().ok())
        .unwrap_or(32_768);
    let (low, high) = (12_000u32, ephemeral_low.saturating_sub(10_000));
    let mut given = GIVEN.lock().unwrap_or_else(|p| p.into_inner());
    let usable = |given: &[u16], port: u16| {
        !given.contains(&port)
            && TcpListener::bind(("127.0.0.1", port)).is_ok()
            && TcpListener::bind(("127.0.0.1", port + 10_000)).is_ok()
    };
    if high > low + 1_000 {
        // Each test process starts somewhere else in the range.
        let mut next = low + (std::process::id() * 7_919 + given.len() as u32 * 13) % (high - low);
        for _ in 0..(high - low) {
            let port = next as u16;
            next = if next + 1 >= high { low } else { next + 1 };
            if usable(&given, port) {
                given.push(port);
                return port;
            }
        }
    }
    // No room below the ephemeral range: any port the kernel offers.
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        if port < 55_000 && usable(&given, port) {
            given.push(port);
            return port;
        }
    }
}

/// Sends one inline command and returns the raw answer.
pub fn command(port: u16, line: &str) -> Result<String, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(format!("{line}\r\n").as_bytes())
        .map_err(|e| e.to_string())?;
    let mut buf = vec![0; 1 << 16];
    let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&buf[..n]).into_owned())
}

impl Redis {
    /// A standalone Redis.
    pub fn start() -> Option<Redis> {
        Redis::start_with(&[] as &[&str])
    }

    /// A standalone Redis with more `redis-server` arguments.
    pub fn start_with(extra: &[impl AsRef<str>]) -> Option<Redis> {
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let n = STARTED.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("fsc-redis-{}-{n}", std::process::id()));
        let mut redis = Redis {
            child: None,
            port: 0,
            dir,
            extra: extra.iter().map(|s| s.as_ref().to_owned()).collect(),
        };
        // A port can still be taken by another program in the moment between the
        // choice and the bind: then redis-server exits, and another port is tried.
        let mut why = String::new();
        for _ in 0..5 {
            // Empty each time: no nodes.conf of an earlier try (or of a killed run
            // with the same pid) may follow the new port.
            let _ = std::fs::remove_dir_all(&redis.dir);
            if let Err(e) = std::fs::create_dir_all(&redis.dir) {
                return skip_or_panic(format!("{}: {e}", redis.dir.display()));
            }
            redis.port = free_port();
            match redis.spawn() {
                Ok(()) => return Some(redis),
                Err(e) => why = e,
            }
        }
        skip_or_panic(why)
    }

    fn spawn(&mut self) -> Result<(), String> {
        let mut args = vec![
            "--port".to_owned(),
            self.port.to_string(),
            "--bind".to_owned(),
            "127.0.0.1".to_owned(),
            "--save".to_owned(),
            String::new(),
            "--appendonly".to_owned(),
            "no".to_owned(),
            "--dir".to_owned(),
            self.dir.display().to_string(),
            "--loglevel".to_owned(),
            "warning".to_owned(),
        ];
        args.extend(self.extra.iter().cloned());
        let child = Command::new("redis-server")
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot run redis-server: {e}"))?;
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                self.child = None;
                return Err(format!(
                    "redis-server on port {} exited at start ({status}; port taken?)",
                    self.port
                ));
            }
            if command(self.port, "PING").is_ok_and(|a| a.starts_with("+PONG")) {
                // The one answering must be ours, not a server that had the port.
                let pid = self.child.as_ref().map_or(0, Child::id);
                let info = command(self.port, "INFO server").unwrap_or_default();
                if info.contains(&format!("process_id:{pid}\r\n")) {
                    return Ok(());
                }
                self.stop();
                return Err(format!(
                    "port {} answers, but not the redis-server just started",
                    self.port
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.stop();
        Err(format!(
            "redis-server on port {} did not answer PING",
            self.port
        ))
    }

    /// The directory the server runs in (for certificates and such).
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// `redis://127.0.0.1:<port>/0`
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// Kills the server (its data is gone: there is no persistence).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port and settings, empty (a cluster node keeps
    /// its `nodes.conf`, so it rejoins with its slots).
    pub fn restart(&mut self) {
        self.stop();
        let mut tries = 0;
        while let Err(why) = self.spawn() {
            tries += 1;
            assert!(tries < 3, "restarting redis-server: {why}");
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    /// The raw answer to one inline command (`GET key`, `TTL key`, `KEYS *`).
    pub fn cmd(&self, line: &str) -> String {
        command(self.port, line).unwrap_or_else(|e| panic!("{line}: {e}"))
    }

    /// The keys matching `pattern`.
    pub fn keys(&self, pattern: &str) -> Vec<String> {
        let answer = self.cmd(&format!("KEYS {pattern}"));
        answer
            .split("\r\n")
            .skip(1)
            .filter(|l| !l.is_empty() && !l.starts_with('$'))
            .map(str::to_owned)
            .collect()
    }

    /// The TTL of `key` in seconds (-2: no such key).
    pub fn ttl(&self, key: &str) -> i64 {
        let answer = self.cmd(&format!("TTL {key}"));
        answer
            .trim()
            .trim_start_matches(':')
            .parse()
            .unwrap_or_else(|_| panic!("TTL {key}: {answer}"))
    }

    /// The bytes under `key`, if any (through the real client, binary-safe).
    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.get_in(0, key)
    }

    /// The bytes under `key` in DB `db`, if any.
    pub fn get_in(&self, db: u8, key: &str) -> Option<Vec<u8>> {
        let url = format!("redis://127.0.0.1:{}/{db}", self.port);
        let client = ::redis::Client::open(url).unwrap();
        let mut connection = client.get_connection().unwrap();
        ::redis::cmd("GET")
            .arg(key)
            .query::<Option<Vec<u8>>>(&mut connection)
            .unwrap()
    }

    /// Stores raw bytes under `key` with a TTL.
    pub fn set(&self, key: &str, value: &[u8], ttl: u64) {
        let client = ::redis::Client::open(self.url()).unwrap();
        let mut connection = client.get_connection().unwrap();
        ::redis::cmd("SET")
            .arg(key)
            .arg(value)
            .arg("EX")
            .arg(ttl)
            .query::<()>(&mut connection)
            .unwrap();
    }
}

/// Three masters (and their replicas, if asked), slots spread by `redis-cli --cluster
/// create`.
pub struct Cluster {
    pub nodes: Vec<Redis>,
    /// The nodes' TLS ports (a TLS cluster), else empty.
    pub tls_ports: Vec<u16>,
}

impl Cluster {
    pub fn start() -> Option<Cluster> {
        Cluster::start_with_replicas(0)
    }

    /// Three masters with `replicas` replicas each (node timeout 2 s, so a
    /// replica takes over a failed master within seconds).
    pub fn start_with_replicas(replicas: usize) -> Option<Cluster> {
        Cluster::start_inner(replicas, None)
    }

    /// Three masters speaking only TLS to clients that ask for it and to each
    /// other (`tls-cluster yes`: the bus too), with `tls`'s certificate; each keeps
    /// a plain port for the test's own inspection. TLS clients are told the TLS
    /// ports (`tls_urls`), plain ones the plain ports.
    pub fn start_tls(tls: &Tls) -> Option<Cluster> {
        Cluster::start_inner(0, Some(tls))
    }

    fn start_inner(replicas: usize, tls: Option<&Tls>) -> Option<Cluster> {
        let mut nodes = Vec::new();
        let mut tls_ports = Vec::new();
        for _ in 0..3 * (1 + replicas) {
            let mut args = ["--cluster-enabled", "yes", "--cluster-node-timeout", "2000"]
                .map(str::to_owned)
                .to_vec();
            if let Some(tls) = tls {
                // The bus listens on the TLS port + 10000, which free_port keeps free.
                let port = free_port();
                tls_ports.push(port);
                args.extend(tls.server_args(port));
                args.extend(["--tls-cluster".to_owned(), "yes".to_owned()]);
            }
            nodes.push(Redis::start_with(&args)?);
        }
        let create_ports: Vec<u16> = match tls {
            Some(_) => tls_ports.clone(),
            None => nodes.iter().map(|n| n.port).collect(),
        };
        let mut create = Command::new("redis-cli");
        if let Some(tls) = tls {
            create.args(["--tls", "--cacert", &tls.ca_path()]);
        }
        let out = create
            .args(["--cluster", "create"])
            .args(create_ports.iter().map(|p| format!("127.0.0.1:{p}")))
            .args(["--cluster-replicas", &replicas.to_string(), "--cluster-yes"])
            .stdin(Stdio::null())
            .output();
        match out {
            Ok(o) if o.status.success() => {}
            Ok(o) => {
                skip_or_panic(format!(
                    "redis-cli --cluster create failed: {}{}",
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                ))?;
            }
            Err(e) => {
                skip_or_panic(format!("cannot run redis-cli: {e}"))?;
            }
        }
        let cluster = Cluster { nodes, tls_ports };
        if cluster.wait_ok(Duration::from_secs(20)) {
            Some(cluster)
        } else {
            skip_or_panic("the cluster did not reach cluster_state:ok".to_owned())
        }
    }

    /// Whether every running node says `cluster_state:ok` within `timeout`.
    pub fn wait_ok(&self, timeout: Duration) -> bool {
        self.wait_all(timeout, |_| true)
    }

    /// Whether, within `timeout`, every running node says `cluster_state:ok` and
    /// `holds` (given the node's port) at the same time.
    fn wait_all(&self, timeout: Duration, holds: impl Fn(u16) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            let all = self.nodes.iter().filter(|n| n.child.is_some()).all(|n| {
                holds(n.port)
                    && command(n.port, "CLUSTER INFO").is_ok_and(|i| i.contains("cluster_state:ok"))
            });
            if all {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    /// The node id of node `i` (`CLUSTER MYID`).
    pub fn node_id(&self, i: usize) -> String {
        let answer = self.nodes[i].cmd("CLUSTER MYID");
        answer.lines().nth(1).unwrap_or_default().trim().to_owned()
    }

    /// Whether, within `timeout`, the failover of the stopped master `dead` is over
    /// in every running node's view: each marks it failed (`fail`, not the
    /// suspicion `fail?`), sees it hold no slots (its replica took them) and says
    /// `cluster_state:ok`. (`wait_ok` alone is no proof: the nodes say `ok` in the
    /// seconds before they notice a master is gone.)
    pub fn wait_failed_over(&self, dead: &str, timeout: Duration) -> bool {
        self.wait_all(timeout, |port| {
            let nodes = command(port, "CLUSTER NODES").unwrap_or_default();
            nodes.lines().any(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                fields.first() == Some(&dead)
                    && fields
                        .get(2)
                        .is_some_and(|flags| flags.split(',').any(|f| f == "fail"))
                    && fields.len() <= 8
            })
        })
    }

    /// The node URLs.
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(Redis::url).collect()
    }

    /// `rediss://` URLs of the nodes' TLS ports (a TLS cluster).
    pub fn tls_urls(&self) -> Vec<String> {
        self.tls_ports
            .iter()
            .map(|p| format!("rediss://127.0.0.1:{p}/0"))
            .collect()
    }

    /// `host:port,…` of the nodes' TLS ports, for the Flask app (a TLS cluster).
    pub fn tls_addresses(&self) -> String {
        joined(self.tls_ports.iter().copied())
    }

    /// `host:port,host:port,…` for the Flask app.
    pub fn addresses(&self) -> String {
        joined(self.nodes.iter().map(|n| n.port))
    }

    /// Which node holds `key` (its index), asking each node directly (`EXISTS`
    /// without following redirections).
    pub fn holder(&self, key: &str) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| n.cmd(&format!("EXISTS {key}")).starts_with(":1"))
    }
}

/// A certificate for 127.0.0.1 signed by a CA made here with `openssl`, the files
/// kept (a Python client reads the CA from its path) until dropped.
pub struct Tls {
    dir: PathBuf,
}

impl Drop for Tls {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Tls {
    pub fn make() -> Tls {
        static MADE: AtomicUsize = AtomicUsize::new(0);
        let n = MADE.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("fsc-tls-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(&dir)
                .output()
                .unwrap_or_else(|e| panic!("openssl: {e}"));
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "2",
            "-subj",
            "/CN=fsc-test-ca",
        ]);
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ]);
        std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "san.ext",
        ]);
        Tls { dir }
    }

    fn file(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }

    /// The CA certificate's path.
    pub fn ca_path(&self) -> String {
        self.file("ca.crt")
    }

    /// The CA certificate (PEM).
    pub fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(self.ca_path()).unwrap()
    }

    /// `redis-server` arguments for a TLS port `port` with this certificate
    /// (clients are not asked for one).
    pub fn server_args(&self, port: u16) -> Vec<String> {
        [
            "--tls-port".to_owned(),
            port.to_string(),
            "--tls-cert-file".to_owned(),
            self.file("server.crt"),
            "--tls-key-file".to_owned(),
            self.file("server.key"),
            "--tls-ca-cert-file".to_owned(),
            self.ca_path(),
            "--tls-auth-clients".to_owned(),
            "no".to_owned(),
        ]
        .into()
    }
}

/// `127.0.0.1:<port>,…`
fn joined(ports: impl IntoIterator<Item = u16>) -> String {
    ports
        .into_iter()
        .map(|p| format!("127.0.0.1:{p}"))
        .collect::<Vec<_>>()
        .join(",")
}
