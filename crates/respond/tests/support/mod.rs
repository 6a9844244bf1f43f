//! Real servers on loopback for the target tests: an SMTP server (Python's `aiosmtpd`, writing
//! each received message to a Maildir) and a one-request-at-a-time HTTP receiver.

#![allow(
    dead_code,
    clippy::panic,
    reason = "each test file uses part of the support code"
)]

pub mod moto;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// A loopback port nothing listens on (bound, then released).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// `python3 -m aiosmtpd` on 127.0.0.1, stopped on drop.
pub struct SmtpServer {
    child: Child,
    /// Its port.
    pub port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

/// Whether `python3` can import aiosmtpd. When it cannot, the tests that need it fail under
/// `CI=true` (scripts/test.sh installs it) and are skipped with a message elsewhere.
#[expect(clippy::print_stderr, reason = "a skipped test says why")]
pub fn aiosmtpd_available() -> bool {
    let importable = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !importable {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "aiosmtpd is not installed (python3 -m pip install aiosmtpd); CI=true forbids skipping"
        );
        eprintln!("skipped: aiosmtpd is not installed (python3 -m pip install aiosmtpd)");
    }
    importable
}

impl SmtpServer {
    /// Starts the server on `port` and waits until it greets.
    pub fn start(port: u16) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("mail");
        let mut command = Command::new("python3");
        command
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir);
        Self::run(command, port, maildir, dir, true)
    }

    /// Starts a server on `port` with TLS from `cert`/`key`: STARTTLS required (`implicit` false)
    /// or TLS from the first byte (`implicit` true, SMTPS).
    pub fn start_tls(port: u16, implicit: bool, cert: &Path, key: &Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("mail");
        let (cert_flag, key_flag) = if implicit {
            ("--smtpscert", "--smtpskey")
        } else {
            ("--tlscert", "--tlskey")
        };
        let mut command = Command::new("python3");
        command
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .arg(cert_flag)
            .arg(cert)
            .arg(key_flag)
            .arg(key)
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir);
        // An SMTPS server greets only after the TLS handshake.
        Self::run(command, port, maildir, dir, !implicit)
    }

    /// Starts a server on `port` that accepts mail only after `AUTH` as `user`/`password`.
    pub fn start_with_auth(port: u16, user: &str, password: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("mail");
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_auth_server.py");
        let mut command = Command::new("python3");
        command
            .arg(script)
            .arg(port.to_string())
            .arg(&maildir)
            .args([user, password]);
        Self::run(command, port, maildir, dir, true)
    }

    fn run(
        mut command: Command,
        port: u16,
        maildir: PathBuf,
        dir: tempfile::TempDir,
        greets: bool,
    ) -> Self {
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Self {
            child,
            port,
            maildir,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(stream) = TcpStream::connect(("127.0.0.1", port)) {
                if !greets {
                    return server;
                }
                let mut greeting = String::new();
                BufReader::new(stream).read_line(&mut greeting).unwrap();
                assert!(greeting.starts_with("220 "), "{greeting}");
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start on {port}"
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// The messages received so far (as the Maildir stores them: LF line ends), oldest first.
    pub fn messages(&self) -> Vec<String> {
        let new = self.maildir.join("new");
        let Ok(entries) = fs_err::read_dir(&new) else {
            return Vec::new();
        };
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort_by_key(|p| fs_err::metadata(p).unwrap().modified().unwrap());
        paths
            .iter()
            .map(|p| fs_err::read_to_string(p).unwrap())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A header's value in a message as the Maildir stores it.
pub fn header<'m>(message: &'m str, name: &str) -> Option<&'m str> {
    let (headers, _) = message.split_once("\n\n")?;
    headers
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
}

/// The text of a message as the Maildir stores it, its transfer encoding undone (7bit or
/// quoted-printable, the two a `text/plain` e-mail of ours uses).
pub fn body(message: &str) -> String {
    let raw = message.split_once("\n\n").map_or("", |(_, body)| body);
    match header(message, "Content-Transfer-Encoding") {
        Some("quoted-printable") => decode_quoted_printable(raw),
        Some("7bit") => raw.to_owned(),
        other => panic!("unexpected transfer encoding {other:?}"),
    }
}

/// RFC 2045 §6.7: `=` at a line end is a soft break, `=XX` a byte.
fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let mut bytes = Vec::new();
    let mut rest = joined.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'=' && tail.len() >= 2 {
            let hex = std::str::from_utf8(&tail[..2]).unwrap();
            bytes.push(u8::from_str_radix(hex, 16).unwrap());
            rest = &tail[2..];
        } else {
            bytes.push(first);
            rest = tail;
        }
    }
    String::from_utf8(bytes).unwrap()
}

/// One HTTP request as received.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == &name.to_ascii_lowercase())
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP/1.1 receiver on 127.0.0.1 that answers every request with `status` and sends what
/// it received to a channel.
pub struct HttpReceiver {
    pub url: String,
    pub requests: mpsc::Receiver<Request>,
}

impl HttpReceiver {
    pub fn start(status: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        Self::on(listener, status)
    }

    pub fn start_on(port: u16, status: u16) -> Self {
        Self::on(TcpListener::bind(("127.0.0.1", port)).unwrap(), status)
    }

    fn on(listener: TcpListener, status: u16) -> Self {
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let (sender, requests) = mpsc::channel();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let Some(request) = read_request(&stream) else {
                    continue;
                };
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                if sender.send(request).is_err() {
                    return;
                }
            }
        });
        Self { url, requests }
    }
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body: String::from_utf8(body).ok()?,
    })
}

/// Targets built from TOML, as `[[rule.target]]` tables are written.
pub fn target(toml_text: &str) -> respond::config::Target {
    let config: respond::config::TargetConfig = toml::from_str(toml_text).unwrap();
    config.build(1, Path::new("/")).unwrap()
}

/// Whether every `name=value` is set; if not, runs the test `test` again in a child process
/// with them set and asserts the child passed. (`std::env::set_var` is `unsafe` in edition
/// 2024, and the workspace forbids `unsafe`.)
pub fn in_child_with_env(test: &str, vars: &[(&str, &str)]) -> bool {
    if vars
        .iter()
        .all(|(name, value)| std::env::var(name).as_deref() == Ok(*value))
    {
        return true;
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    false
}

/// A self-signed certificate for `127.0.0.1` (not a CA, as webpki wants of a server
/// certificate) and its key, made with the `openssl` command: `None` (skipped with a message)
/// when `openssl` is missing, which `CI=true` forbids.
#[expect(clippy::print_stderr, reason = "a skipped test says why")]
pub fn self_signed_certificate() -> Option<(tempfile::TempDir, PathBuf, PathBuf)> {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .args(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !made {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "`openssl` cannot make a test certificate; CI=true forbids skipping"
        );
        eprintln!("skipped: `openssl` cannot make a test certificate");
        return None;
    }
    Some((dir, cert, key))
}
