//! The web console in a real headless Chromium, driven through the WebDriver protocol (plain
//! HTTP+JSON to Debian's chromedriver). Skips when Chromium is missing, except with `CI=true`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "tests"
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Harness, TOKEN, WORKSHOP_ID, WORKSHOP_INSTANCE, WORKSHOP_IP, WORKSHOP_ROLE};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The W3C WebDriver key of an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Kills chromedriver (and with it the browser) when the test ends, passed or not.
struct Driver {
    child: Child,
    base: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Polls `probe` every 100 ms for up to 20 s.
fn wait_for<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Driver {
    fn start() -> Self {
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let driver = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        wait_for("chromedriver to be ready", || {
            let mut response = agent().get(format!("{}/status", driver.base)).call().ok()?;
            let status: Value =
                serde_json::from_str(&response.body_mut().read_to_string().ok()?).ok()?;
            (status["value"]["ready"] == true).then_some(())
        });
        driver
    }

    /// One WebDriver command; returns its `value`, panicking with the driver's error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let agent = agent();
        let response = match method {
            "GET" => agent.get(&url).call(),
            "DELETE" => agent.delete(&url).call(),
            _ => agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.unwrap_or_else(|| json!({})).to_string()),
        };
        let mut response = response.unwrap();
        let status = response.status();
        let text = response.body_mut().read_to_string().unwrap();
        let reply: Value = serde_json::from_str(&text).unwrap();
        assert!(status.is_success(), "{method} {path}: {status} {text}");
        reply["value"].clone()
    }
}

/// A browser session.
struct Browser<'a> {
    driver: &'a Driver,
    session: String,
}

impl<'a> Browser<'a> {
    fn open(driver: &'a Driver, profile: &Path) -> Self {
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            &format!("--user-data-dir={}", profile.display()),
        ];
        let value = driver.call(
            "POST",
            "/session",
            Some(json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
            }}})),
        );
        let session = value["sessionId"].as_str().unwrap().to_owned();
        Self { driver, session }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.driver
            .call(method, &format!("/session/{}{path}", self.session), body)
    }

    fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    /// Runs a script in the page and returns its result.
    fn script(&self, source: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": source, "args": []})),
        )
    }

    /// Waits until the element matching `selector` has exactly the text `expected` (pages
    /// load asynchronously); on time-out, fails showing the last text seen.
    fn expect_text(&self, selector: &str, expected: &str) {
        let probe = format!(
            "const e = document.querySelector({}); return e ? e.textContent : null;",
            json!(selector)
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let seen = self.script(&probe);
            if seen == json!(expected) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{selector}: expected {expected:?}, last saw {seen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn element(&self, selector: &str) -> String {
        let value = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": selector})),
        );
        value[ELEMENT_KEY].as_str().unwrap().to_owned()
    }

    fn click(&self, selector: &str) {
        let id = self.element(selector);
        self.call("POST", &format!("/element/{id}/click"), None);
    }

    fn type_into(&self, selector: &str, text: &str) {
        let id = self.element(selector);
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn screenshot(&self, path: &Path) {
        let encoded = self.call("GET", "/screenshot", None);
        let png = decode_base64(encoded.as_str().unwrap());
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        fs_err::write(path, png).unwrap();
    }
}

impl Drop for Browser<'_> {
    fn drop(&mut self) {
        let _ = agent()
            .delete(format!("{}/session/{}", self.driver.base, self.session))
            .call();
    }
}

/// Standard base64 (RFC 4648 §4), as WebDriver sends screenshots.
fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let digits: Vec<u8> = text.bytes().filter(|c| *c != b'=' && *c != b'\n').collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let bits = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, c)| acc | (value(*c) << (18 - 6 * i)));
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

#[test]
fn base64_decodes_rfc_4648_vectors() {
    assert_eq!(decode_base64("Zm9vYmFy"), b"foobar");
    assert_eq!(decode_base64("Zm9vYg=="), b"foob");
    assert_eq!(decode_base64("Zm9vYmE="), b"fooba");
}

/// Where the screenshots go: the documentation's images when `TRAILGUARD_UPDATE_SCREENSHOTS=1`
/// (to refresh them), else a scratch directory (a test run never changes the tree).
fn images_dir() -> PathBuf {
    if std::env::var("TRAILGUARD_UPDATE_SCREENSHOTS").as_deref() == Ok("1") {
        return Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/images");
    }
    let dir = std::env::temp_dir().join(format!("trailguard-console-{}", std::process::id()));
    fs_err::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn console_lists_shows_and_archives_the_workshop_finding() {
    if !(Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists()) {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {CHROMIUM} or {CHROMEDRIVER} is missing: apt-get install chromium chromium-driver"
        );
        eprintln!(
            "skipping: {CHROMIUM} or {CHROMEDRIVER} is missing (apt-get install chromium chromium-driver)"
        );
        return;
    }

    // The API and console on a loopback port, over the seeded store.
    let (harness, app) = Harness::with_token();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(async move { axum::serve(listener, app).await });

    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    let browser = Browser::open(&driver, profile.path());
    fs_err::create_dir_all(images_dir()).unwrap();

    // The list: the workshop finding, High, with its role and instance.
    browser.resize(1280, 560);
    browser.goto(&format!("{base}/"));
    let row = format!("#findings-table tr[data-id=\"{WORKSHOP_ID}\"]");
    browser.expect_text(&format!("{row} .sev"), "High");
    browser.expect_text(&format!("{row} .resource-role"), WORKSHOP_ROLE);
    browser.expect_text(&format!("{row} .resource-instance"), WORKSHOP_INSTANCE);
    browser.expect_text("#findings-status", "3 findings");
    browser.screenshot(&images_dir().join("console-findings.png"));

    // The detail view: role and remote IP.
    browser.click(&row);
    browser.expect_text("#finding-role", WORKSHOP_ROLE);
    browser.expect_text("#finding-remote-ip", WORKSHOP_IP);
    browser.expect_text("#finding-title", "Credentials for instance role GuardDuty-Example-EC2-Compromised used from external IP address.");
    browser.expect_text(
        "#finding-actions .action-head",
        "revoke-role-sessionsenforceapplied2026-05-12 16:19:36 UTC",
    );
    assert_eq!(
        browser.script("return document.querySelectorAll('#api-calls tbody tr').length;"),
        json!(10),
        "13 calls of 10 distinct APIs"
    );
    browser.resize(1280, 1330);
    browser.screenshot(&images_dir().join("console-finding.png"));

    // Archive with the token: the finding leaves the list; the token is never shown.
    browser.type_into("#token", TOKEN);
    browser.click("#archive-button");
    wait_for("the list without the archived finding", || {
        let gone = browser.script(&format!(
            "return location.hash === '#/findings' && !document.querySelector('{}') \
             && document.getElementById('findings-status').textContent === '2 findings';",
            row.replace('\'', "\\'")
        ));
        (gone == json!(true)).then_some(())
    });
    assert!(harness.is_archived(WORKSHOP_ID));
    // Finding text is shown as text: markup in a title is neither parsed nor run.
    let mut hostile = support::threat_list_finding();
    hostile.title = r#"<img src=x onerror="window.pwned=1">Hostile <b>title</b>"#.to_owned();
    harness
        .store
        .lock()
        .unwrap()
        .commit_run(&[], [&hostile], &[])
        .unwrap();
    browser.goto(&format!("{base}/#/findings/{}", hostile.id));
    browser.expect_text("#finding-title", &hostile.title);
    assert_eq!(
        browser.script(
            "return [document.querySelectorAll('main img, main b').length, window.pwned === undefined];"
        ),
        json!([0, true])
    );

    // An ingested GuardDuty finding of another kind (a port probe: no access key, no API
    // call) is listed and shown like trailguard's own.
    let probe: Value = serde_json::from_str(include_str!(
        "../../../data/fixtures/guardduty-port-probe.json"
    ))
    .unwrap();
    harness
        .store
        .lock()
        .unwrap()
        .ingest_finding(&probe)
        .unwrap();
    let probe = &probe["detail"];
    let probe_row = format!(
        "#findings-table tr[data-id=\"{}\"]",
        probe["id"].as_str().unwrap()
    );
    browser.goto(&format!("{base}/#/findings"));
    browser.expect_text(
        &format!("{probe_row} .type"),
        "Recon:EC2/PortProbeUnprotectedPort",
    );
    browser.expect_text(&format!("{probe_row} .sev"), "Medium");
    browser.expect_text(
        &format!("{probe_row} .resource-instance"),
        "i-0123456789abcdef0",
    );
    browser.click(&probe_row);
    browser.expect_text("#finding-title", probe["title"].as_str().unwrap());

    // The rules and the audit log pages.
    browser.goto(&format!("{base}/#/rules"));
    browser.expect_text(
        "#rules-table tbody td.mono",
        "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration",
    );
    browser.expect_text("#rules-status", "1 rule");
    browser.goto(&format!("{base}/#/actions"));
    browser.expect_text(
        "#actions-table tbody tr:first-child td.col-time",
        "2026-05-12 16:19:36 UTC",
    );
    browser.expect_text("#actions-status", "2 entries");

    let page_text =
        browser.script("return document.documentElement.outerHTML + document.body.innerText;");
    assert!(
        !page_text.as_str().unwrap().contains(TOKEN),
        "the token is never rendered"
    );
}
