//! `trailguard serve` as a real process: the workshop's CloudTrail events over HTTP (as an
//! EventBridge API destination sends them) and from a watched directory give the workshop's
//! one finding, its notifications and its remediation; bad requests get 4xx; SIGTERM drains
//! the reorder window before the process exits 0.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "tests; a skipped test says why"
)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TOKEN: &str = "serve-test-token";
const ROLE: &str = "GuardDuty-Example-EC2-Compromised";
const WORKSHOP_FINDING: &str = "8a71215852e2ac88bd0e2aa76cf053fb";

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("trailguard")
}

/// A directory with the workshop's CloudTrail files (`sim/`), a copy of the demo account
/// (`account/`, where remediations act) and a config whose rule notifies into `notes.jsonl`
/// and revokes (enforce); `aws_section` adds to `[aws]`.
fn setup(serve_section: &str, aws_section: &str) -> tempfile::TempDir {
    simulated(&Config {
        store_url: "sqlite://state.db",
        aws: &format!("snapshot = \"account\"\n{aws_section}"),
        serve: serve_section,
        response: "",
    })
}

/// The parts of a test's `trailguard.toml` that vary.
struct Config<'a> {
    store_url: &'a str,
    aws: &'a str,
    serve: &'a str,
    response: &'a str,
}

/// A directory with the workshop's CloudTrail files (`sim/`), a copy of the demo account
/// (`account/`) and `config` with the workshop's rule, notifying into `notes.jsonl`.
fn simulated(config: &Config<'_>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new(bin())
        .args(["simulate", "workshop", "--out"])
        .arg(dir.path().join("sim"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let account = dir.path().join("account");
    fs_err::create_dir_all(&account).unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo-account");
    for file in ["gaad.json", "describe-instances.json"] {
        fs_err::copy(demo.join(file), account.join(file)).unwrap();
    }
    let Config {
        store_url,
        aws,
        serve,
        response,
    } = config;
    let config = format!(
        r#"
[store]
url = "{store_url}"

[aws]
{aws}

[serve]
{serve}

[response]
{response}

[[rule]]
name = "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration"
pattern = '{{"source":["aws.guardduty"],"detail":{{"type":[{{"prefix":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}}]}}}}'
  [[rule.target]]
  id = "notes"
  type = "file"
  path = "notes.jsonl"
  input_transformer = {{ input_paths_map = {{ gdid = "$.detail.id", userName = "$.detail.resource.accessKeyDetails.userName" }}, input_template = '"GuardDuty Finding | ID:<gdid>: An EC2 instance IAM credentials (Role: <userName>) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty"' }}
  [[rule.target]]
  id = "revoke"
  type = "remediate"
  action = "revoke-role-sessions"
  mode = "enforce"
"#
    );
    fs_err::write(dir.path().join("trailguard.toml"), config).unwrap();
    dir
}

/// The workshop's records as "AWS API Call via CloudTrail" EventBridge events.
fn workshop_events(dir: &Path) -> Vec<Value> {
    let inputs = cloudtrail::discover(&[dir.join("sim")]).unwrap();
    let mut events = Vec::new();
    for input in &inputs {
        let file: Value = serde_json::from_slice(&cloudtrail::read_input(input).unwrap()).unwrap();
        for record in file["Records"].as_array().unwrap() {
            let source = record["eventSource"].as_str().unwrap();
            events.push(json!({
                "version": "0", "id": record["eventID"], "detail-type": "AWS API Call via CloudTrail",
                "source": format!("aws.{}", source.split('.').next().unwrap()),
                "account": record["recipientAccountId"], "time": record["eventTime"],
                "region": record["awsRegion"], "resources": [], "detail": record,
            }));
        }
    }
    events
}

/// A running `trailguard serve`, stopped (SIGTERM) when dropped if still running.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(dir: &Path) -> Self {
        let mut command = Command::new(bin());
        command
            .current_dir(dir)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("TRAILGUARD_API_TOKEN", TOKEN)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        // moto's fake credentials: nothing a test starts can reach a real account. (A build
        // without `aws` has no AWS client to reach one.)
        #[cfg(feature = "aws")]
        command.envs(moto::FAKE_CREDENTIALS);
        let mut child = command.spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_owned();
        Self { child, url }
    }

    fn post(&self, body: &str, token: Option<&str>) -> (u16, Value) {
        let mut request = ureq::post(format!("{}/v1/events", self.url))
            .header("Content-Type", "application/json")
            .config()
            .http_status_as_error(false)
            .build();
        if let Some(token) = token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let response = request.send(body).unwrap();
        let status = response.status().as_u16();
        let text = response.into_body().read_to_string().unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    fn get(&self, path: &str) -> String {
        ureq::get(format!("{}{path}", self.url))
            .call()
            .unwrap()
            .into_body()
            .read_to_string()
            .unwrap()
    }

    /// The active findings, polled until `done` holds (10 s at most).
    fn findings_when(&self, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let findings: Vec<Value> = serde_json::from_str(&self.get("/v1/findings")).unwrap();
            if done(&findings) || Instant::now() > deadline {
                return findings;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGTERM, then the exit code (10 s at most).
    fn terminate(mut self) -> i32 {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no metric {name}"))
        .parse()
        .unwrap()
}

/// The workshop's two messages, as the file target writes them: the finding's notice, then
/// the remediation's.
fn workshop_notes() -> String {
    notes(WORKSHOP_FINDING, ROLE)
}

fn notes(finding: &str, role: &str) -> String {
    format!(
        "\"GuardDuty Finding | ID:{finding}: An EC2 instance IAM credentials (Role: {role}) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty\"\n\
         \"GuardDuty Remediation | ID:{finding}: GuardDuty discovered EC2 IAM credentials (Role: {role}) being used outside of the EC2 service.  All sessions have been revoked.  Please follow up with any additional remediation actions.\"\n"
    )
}

fn revoked(dir: &Path) -> bool {
    fs_err::read_to_string(dir.join("account/gaad.json"))
        .unwrap()
        .contains("RevokeOldSessions")
}

#[test]
fn http_ingest_of_the_workshop_raises_one_finding_notifies_once_and_revokes() {
    let dir = setup("reorder_window = \"200ms\"", "");
    let server = Server::start(dir.path());
    let events = workshop_events(dir.path());
    assert_eq!(events.len(), 1497);
    for batch in events.chunks(250) {
        let (status, body) = server.post(&Value::Array(batch.to_vec()).to_string(), Some(TOKEN));
        assert_eq!((status, &body), (202, &json!({"accepted": batch.len()})));
    }
    let findings = server.findings_when(|f| f.first().is_some_and(|f| f["service"]["count"] == 13));
    assert_eq!(findings.len(), 1, "{findings:?}");
    let finding = &findings[0];
    assert_eq!(finding["id"], WORKSHOP_FINDING);
    assert_eq!(
        finding["type"],
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"
    );
    assert_eq!(finding["severity"], 8);
    assert_eq!(finding["resource"]["accessKeyDetails"]["userName"], ROLE);

    let metrics = server.get("/metrics");
    assert_eq!(metric(&metrics, "trailguard_events_received_total"), 1497.0);
    assert_eq!(
        metric(&metrics, "trailguard_records_processed_total"),
        1497.0
    );
    assert_eq!(metric(&metrics, "trailguard_findings_raised_total"), 1.0);
    assert_eq!(metric(&metrics, "trailguard_findings_updated_total"), 12.0);
    assert_eq!(server.terminate(), 0);
    // Routed once (updates within update_interval are not routed again): the finding's
    // notice, then the remediation notice.
    assert_eq!(
        fs_err::read_to_string(dir.path().join("notes.jsonl")).unwrap(),
        workshop_notes()
    );
    assert!(revoked(dir.path()));
}

#[test]
fn sigterm_drains_the_reorder_window_before_exiting() {
    let dir = setup("reorder_window = \"1h\"", "");
    let server = Server::start(dir.path());
    let events = workshop_events(dir.path());
    for batch in events.chunks(250) {
        let (status, _) = server.post(&Value::Array(batch.to_vec()).to_string(), Some(TOKEN));
        assert_eq!(status, 202);
    }
    assert!(
        server.findings_when(|_| false).is_empty(),
        "nothing is detected before the window closes"
    );
    assert_eq!(server.terminate(), 0);
    let listed = Command::new(bin())
        .current_dir(dir.path())
        .args([
            "findings", "list", "--state", "state.db", "--format", "json",
        ])
        .output()
        .unwrap();
    let stored: Vec<Value> = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["service"]["count"], 13);
    assert!(
        revoked(dir.path()),
        "the responder finished before the exit"
    );
}

#[test]
fn a_watched_directory_is_read_once_even_across_restarts() {
    let dir = setup(
        "watch = [\"drop\"]\npoll_interval = \"100ms\"\nreorder_window = \"100ms\"",
        "",
    );
    fs_err::create_dir_all(dir.path().join("drop")).unwrap();
    let server = Server::start(dir.path());
    let status = Command::new("cp")
        .arg("-r")
        .arg(dir.path().join("sim"))
        .arg(dir.path().join("drop/sim"))
        .status()
        .unwrap();
    assert!(status.success());
    let findings = server.findings_when(|f| f.first().is_some_and(|f| f["service"]["count"] == 13));
    assert_eq!(findings.len(), 1);
    assert_eq!(server.terminate(), 0);

    let again = Server::start(dir.path());
    std::thread::sleep(Duration::from_millis(1_500));
    let metrics = again.get("/metrics");
    assert_eq!(metric(&metrics, "trailguard_records_processed_total"), 0.0);
    let findings = again.findings_when(|_| true);
    assert_eq!(
        findings[0]["service"]["count"], 13,
        "no event counted twice"
    );
    assert_eq!(again.terminate(), 0);
    assert_eq!(
        fs_err::read_to_string(dir.path().join("notes.jsonl")).unwrap(),
        workshop_notes()
    );
}

#[test]
fn bad_requests_get_the_right_4xx_and_the_server_keeps_serving() {
    let dir = setup("max_body_bytes = 4096", "");
    let server = Server::start(dir.path());
    let event = workshop_events(dir.path()).swap_remove(0).to_string();
    let cases: Vec<(String, Option<&str>, u16)> = vec![
        (event.clone(), None, 401),
        (event.clone(), Some("wrong"), 401),
        ("{\"detail-type\": ".to_owned(), Some(TOKEN), 400),
        ("[1, 2]".to_owned(), Some(TOKEN), 400),
        (
            r#"{"detail-type":"Scheduled Event","source":"aws.events","detail":{}}"#.to_owned(),
            Some(TOKEN),
            422,
        ),
        (
            format!("[{}]", vec![event.as_str(); 20].join(",")),
            Some(TOKEN),
            413,
        ),
    ];
    for (body, token, expected) in cases {
        let (status, answer) = server.post(&body, token);
        assert_eq!(status, expected, "{body:.80} → {answer}");
        assert!(answer["error"].is_string(), "{answer}");
    }
    assert_eq!(server.get("/healthz").trim(), "ok");
    let (status, _) = server.post(&event, Some(TOKEN));
    assert_eq!(status, 202);
    assert_eq!(server.terminate(), 0);
}

/// A GuardDuty finding sent by EventBridge (GuardDuty's own, not one of ours) is stored as it
/// is (the console lists it) and routed through the rules: its notice is written and its role
/// revoked.
#[test]
fn an_ingested_guardduty_finding_is_routed() {
    let dir = setup("reorder_window = \"50ms\"", "");
    let server = Server::start(dir.path());
    let finding: Value = serde_json::from_str(
        &fs_err::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo-account/finding.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let event = json!({
        "version": "0", "id": "c1f2e3d4-0000-4000-8000-000000000001",
        "detail-type": "GuardDuty Finding", "source": "aws.guardduty",
        "account": finding["accountId"], "time": finding["updatedAt"],
        "region": finding["region"], "resources": [], "detail": finding,
    });
    let (status, body) = server.post(&event.to_string(), Some(TOKEN));
    assert_eq!((status, body), (202, json!({"accepted": 1})));
    let listed = server.findings_when(|f| !f.is_empty());
    assert_eq!(
        listed,
        std::slice::from_ref(&finding),
        "stored whole, for the console"
    );
    assert_eq!(server.terminate(), 0);
    let id = finding["id"].as_str().unwrap();
    assert_eq!(
        fs_err::read_to_string(dir.path().join("notes.jsonl")).unwrap(),
        notes(id, ROLE)
    );
    assert!(revoked(dir.path()));
}

#[path = "../../store/tests/support/scratch_postgres.rs"]
mod scratch_postgres;

use scratch_postgres::ScratchDb;

/// A fresh PostgreSQL database and a workshop directory whose config stores there, with
/// `serve_section`; `None` when there is no PostgreSQL server (see [`ScratchDb::create`]).
fn on_postgres(serve_section: &str) -> Option<(ScratchDb, tempfile::TempDir)> {
    let pg = ScratchDb::create("tg_serve", "")?;
    let dir = simulated(&Config {
        store_url: &pg.url,
        aws: "snapshot = \"account\"",
        serve: serve_section,
        response: "",
    });
    Some((pg, dir))
}

/// Two workers on one PostgreSQL database share the first-address lock: the instance's own
/// calls go to one worker, which binds the session to the instance's address; a later call
/// of the same session from another AWS address goes to the other worker, which has never
/// seen the session itself, and is an InsideAWS finding there.
#[test]
fn workers_on_one_database_share_the_first_address_lock() {
    let Some((_pg, dir)) = on_postgres("reorder_window = \"100ms\"") else {
        return;
    };
    let (first, second) = (Server::start(dir.path()), Server::start(dir.path()));
    let events = workshop_events(dir.path());
    for batch in events.chunks(250) {
        let (status, _) = first.post(&Value::Array(batch.to_vec()).to_string(), Some(TOKEN));
        assert_eq!(status, 202);
    }
    let findings = second.findings_when(|f| f.first().is_some_and(|f| f["service"]["count"] == 13));
    assert_eq!(findings.len(), 1, "{findings:?}");
    let attacker = remote_ip(&findings[0]);

    let own = events
        .iter()
        .rev()
        .find(|e| {
            let detail = &e["detail"];
            detail["userIdentity"]["sessionContext"]["ec2RoleDelivery"].is_string()
                && detail["sourceIPAddress"].as_str() != Some(attacker.as_str())
        })
        .expect("an instance call from its own address");
    let own_ip: std::net::Ipv4Addr = own["detail"]["sourceIPAddress"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let [a, b, c, d] = own_ip.octets();
    let elsewhere = std::net::Ipv4Addr::new(a, b, c, d.wrapping_add(1)).to_string();
    let mut moved = own.clone();
    moved["id"] = json!("00000000-0000-4000-8000-000000000001");
    moved["detail"]["eventID"] = json!("00000000-0000-4000-8000-000000000001");
    moved["detail"]["eventTime"] = json!("2030-01-01T00:00:00Z");
    moved["time"] = json!("2030-01-01T00:00:00Z");
    moved["detail"]["sourceIPAddress"] = json!(elsewhere);
    let (status, _) = second.post(&json!([moved]).to_string(), Some(TOKEN));
    assert_eq!(status, 202);

    let findings = first.findings_when(|f| f.len() == 2);
    let inside: Vec<&Value> = findings
        .iter()
        .filter(|f| f["type"].as_str().unwrap().ends_with(".InsideAWS"))
        .collect();
    assert_eq!(inside.len(), 1, "{findings:?}");
    assert_eq!(remote_ip(inside[0]), elsewhere);
    assert_eq!(inside[0]["service"]["count"], 1);
    assert_eq!(first.terminate(), 0);
    assert_eq!(second.terminate(), 0);
}

/// The database goes away (every connection of the worker ended, new ones refused, as while
/// PostgreSQL restarts) between two halves of the workshop's events: the worker keeps the
/// window it cannot commit and tries again; once the database is back, it connects again and
/// ends with the same single finding of 13 calls, notified once.
#[test]
fn a_worker_keeps_its_window_while_the_database_is_away() {
    let Some((pg, dir)) = on_postgres("reorder_window = \"100ms\"\npoll_interval = \"200ms\"")
    else {
        return;
    };
    let server = Server::start(dir.path());
    let events = workshop_events(dir.path());
    let (first, second) = events.split_at(events.len() / 2);
    let send = |events: &[Value]| {
        for batch in events.chunks(250) {
            let (status, _) = server.post(&Value::Array(batch.to_vec()).to_string(), Some(TOKEN));
            assert_eq!(status, 202);
        }
    };
    let processed = || {
        metric(
            &server.get("/metrics"),
            "trailguard_records_processed_total",
        )
    };
    send(first);
    let deadline = Instant::now() + Duration::from_secs(10);
    while processed() < first.len() as f64 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(processed(), first.len() as f64);

    let (server_url, name) = pg.url.rsplit_once('/').unwrap();
    let mut admin =
        postgres::Client::connect(&format!("{server_url}/postgres"), postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        .unwrap();
    let ended = admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
            &[&name],
        )
        .unwrap();
    assert!(
        ended.len() >= 3,
        "the pipeline's, the responder's and the console's"
    );
    send(second);
    std::thread::sleep(Duration::from_millis(1_500));
    assert_eq!(
        processed(),
        first.len() as f64,
        "nothing committed while away"
    );
    admin
        .batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .unwrap();
    send(second);
    let findings = server.findings_when(|f| f.first().is_some_and(|f| f["service"]["count"] == 13));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["service"]["count"], 13);
    assert_eq!(server.terminate(), 0);
    assert_eq!(
        fs_err::read_to_string(dir.path().join("notes.jsonl")).unwrap(),
        workshop_notes()
    );
}

fn remote_ip(finding: &Value) -> String {
    finding["service"]["action"]["awsApiCallAction"]["remoteIpDetails"]["ipAddressV4"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[cfg(feature = "aws")]
#[path = "../../respond/tests/support/moto.rs"]
mod moto;

/// The SQS/S3 source against moto (`scripts/test.sh` starts it), in builds with `aws`.
#[cfg(feature = "aws")]
mod sqs {
    use super::moto::{self, Moto, Stack, tag, unique};
    use super::*;

    /// A bucket holding the workshop's files and a queue (2 s visibility timeout) with one S3
    /// notification per file: `(queue URL, the notification bodies)`.
    fn deliver(moto: &Moto, dir: &Path) -> (String, Vec<String>) {
        let queue_url = create_queue(moto, 2);
        let bodies = announce(moto, &queue_url, &dir.join("sim"), None);
        (queue_url, bodies)
    }

    fn create_queue(moto: &Moto, visibility_timeout_s: u32) -> String {
        let created = moto.call(
            "sqs",
            "CreateQueue",
            &[
                ("QueueName", &unique("trail-notices")),
                ("Attribute.1.Name", "VisibilityTimeout"),
                ("Attribute.1.Value", &visibility_timeout_s.to_string()),
            ],
        );
        tag(&created, "QueueUrl").unwrap().to_owned()
    }

    /// Puts the CloudTrail files of `sim` in a new bucket and sends one S3 notification per
    /// file to the queue (every other one wrapped in SNS, as an S3 → SNS → SQS fan-out
    /// delivers it); returns the notification bodies. With `role`, the workshop's role is
    /// renamed to it in every record (the files are then stored uncompressed).
    fn announce(moto: &Moto, queue_url: &str, sim: &Path, role: Option<&str>) -> Vec<String> {
        let bucket = unique("trail").to_lowercase();
        moto.put_bucket(&bucket);
        let mut bodies = Vec::new();
        for (i, input) in cloudtrail::discover(&[sim.to_path_buf()])
            .unwrap()
            .iter()
            .enumerate()
        {
            let cloudtrail::Input::File(path) = input else {
                panic!("stdin")
            };
            let key = path.strip_prefix(sim).unwrap().to_str().unwrap().to_owned();
            let bytes = match role {
                None => fs_err::read(path).unwrap(),
                Some(role) => String::from_utf8(cloudtrail::read_input(input).unwrap())
                    .unwrap()
                    .replace(ROLE, role)
                    .into_bytes(),
            };
            moto.put_object(&bucket, &key, &bytes);
            let notice = json!({"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": bucket},
                "object": {"key": key, "size": bytes.len()}}}]})
            .to_string();
            let body = if i % 2 == 0 {
                notice
            } else {
                json!({"Type": "Notification", "Message": notice}).to_string()
            };
            moto.call(
                "sqs",
                "SendMessage",
                &[("QueueUrl", queue_url), ("MessageBody", &body)],
            );
            bodies.push(body);
        }
        bodies
    }

    /// Messages in the queue: waiting, and received but not deleted (in flight).
    fn counts(moto: &Moto, queue_url: &str) -> (u64, u64) {
        let attributes = moto.call(
            "sqs",
            "GetQueueAttributes",
            &[
                ("QueueUrl", queue_url),
                ("AttributeName.1", "ApproximateNumberOfMessages"),
                ("AttributeName.2", "ApproximateNumberOfMessagesNotVisible"),
            ],
        );
        let count = |name: &str| {
            attributes
                .split("<Attribute>")
                .find(|a| a.contains(&format!("<Name>{name}</Name>")))
                .and_then(|a| tag(a, "Value"))
                .map_or(0, |v| v.parse::<u64>().unwrap())
        };
        (
            count("ApproximateNumberOfMessages"),
            count("ApproximateNumberOfMessagesNotVisible"),
        )
    }

    fn waiting(moto: &Moto, queue_url: &str) -> u64 {
        let (visible, in_flight) = counts(moto, queue_url);
        visible + in_flight
    }

    fn config(moto: &Moto, queue_url: &str, window: &str) -> (String, String) {
        (
            format!("sqs_queue_url = \"{queue_url}\"\nreorder_window = \"{window}\""),
            moto_aws(moto),
        )
    }

    /// `[aws]` for moto.
    fn moto_aws(moto: &Moto) -> String {
        format!(
            "region = \"{}\"\nendpoint_url = \"{}\"\nmax_attempts = 1",
            moto::REGION,
            moto.endpoint
        )
    }

    /// Applied remediations in the audit log of the store at `state` (a file or URL).
    fn applied_actions(dir: &Path, state: &str) -> usize {
        let listed = Command::new(bin())
            .current_dir(dir)
            .args(["actions", "list", "--state", state, "--json"])
            .output()
            .unwrap();
        let entries: Vec<Value> = serde_json::from_slice(&listed.stdout).unwrap();
        entries.iter().filter(|e| e["status"] == "applied").count()
    }

    #[test]
    fn s3_notifications_in_sqs_raise_the_finding_once_and_are_deleted_after_the_commit() {
        let Some(moto) = Moto::from_env() else {
            return;
        };
        let scratch = setup("", "");
        let (queue_url, bodies) = deliver(&moto, scratch.path());
        let (serve, aws) = config(&moto, &queue_url, "200ms");
        let dir = setup(&serve, &aws);
        let server = Server::start(dir.path());
        let findings =
            server.findings_when(|f| f.first().is_some_and(|f| f["service"]["count"] == 13));
        assert_eq!(findings.len(), 1, "{findings:?}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while waiting(&moto, &queue_url) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(waiting(&moto, &queue_url), 0, "every message deleted");

        // The same notification again (SQS delivers at least once): nothing changes.
        moto.call(
            "sqs",
            "SendMessage",
            &[("QueueUrl", &queue_url), ("MessageBody", &bodies[7])],
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while waiting(&moto, &queue_url) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(waiting(&moto, &queue_url), 0);
        let metrics = server.get("/metrics");
        assert_eq!(
            metric(&metrics, "trailguard_records_processed_total"),
            1497.0
        );
        let findings = server.findings_when(|_| true);
        assert_eq!(findings[0]["service"]["count"], 13);
        assert_eq!(server.terminate(), 0);
        assert_eq!(
            fs_err::read_to_string(dir.path().join("notes.jsonl")).unwrap(),
            workshop_notes()
        );
        assert_eq!(applied_actions(dir.path(), "state.db"), 1);
    }

    #[test]
    fn a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing_when_restarted() {
        let Some(moto) = Moto::from_env() else {
            return;
        };
        let scratch = setup("", "");
        let (queue_url, _) = deliver(&moto, scratch.path());
        // An hour-long window: the batch is received, then held uncommitted.
        let (serve, aws) = config(&moto, &queue_url, "1h");
        let dir = setup(&serve, &aws);
        let mut server = Server::start(dir.path());
        let deadline = Instant::now() + Duration::from_secs(10);
        while counts(&moto, &queue_url).1 == 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(
            counts(&moto, &queue_url).1 > 0,
            "the worker received messages"
        );
        std::thread::sleep(Duration::from_millis(500));
        server.child.kill().unwrap(); // SIGKILL, mid-batch
        server.child.wait().unwrap();
        drop(server);
        assert!(waiting(&moto, &queue_url) > 0, "nothing was deleted");

        // Restarted with a short window: the messages come back after their visibility
        // timeout and are processed once.
        let config = fs_err::read_to_string(dir.path().join("trailguard.toml")).unwrap();
        fs_err::write(
            dir.path().join("trailguard.toml"),
            config.replace("reorder_window = \"1h\"", "reorder_window = \"200ms\""),
        )
        .unwrap();
        let server = Server::start(dir.path());
        let findings =
            server.findings_when(|f| f.first().is_some_and(|f| f["service"]["count"] == 13));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0]["service"]["count"], 13);
        let deadline = Instant::now() + Duration::from_secs(10);
        while waiting(&moto, &queue_url) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(waiting(&moto, &queue_url), 0);
        assert_eq!(server.terminate(), 0);
        assert_eq!(
            fs_err::read_to_string(dir.path().join("notes.jsonl")).unwrap(),
            workshop_notes(),
            "notified once"
        );
        assert_eq!(
            applied_actions(dir.path(), "state.db"),
            1,
            "remediated once"
        );
    }

    /// Two workers on one PostgreSQL database, with moto's role to remediate: the config of
    /// `serve`, the workshop's files with the role renamed to the moto stack's, both workers
    /// started.
    struct Workers {
        pg: ScratchDb,
        stack: Stack,
        dir: tempfile::TempDir,
        servers: Vec<Server>,
        /// The config's `[serve]` section now.
        serve: String,
    }

    impl Workers {
        /// The database, the moto stack and the directory; no worker started yet.
        fn prepare(moto: &Moto) -> Option<Self> {
            let pg = ScratchDb::create("tg_serve", "")?;
            let stack = Stack::create(moto);
            let serve = "# [serve] of the next worker".to_owned();
            let dir = simulated(&Config {
                store_url: &pg.url,
                aws: &moto_aws(moto),
                serve: &serve,
                response: &format!("allowed_roles = [\"{}\"]", stack.role),
            });
            Some(Self {
                pg,
                stack,
                dir,
                servers: Vec::new(),
                serve,
            })
        }

        /// Two workers with the same `[serve]`.
        fn start(moto: &Moto, serve: &str) -> Option<Self> {
            let mut workers = Self::prepare(moto)?;
            workers.start_worker(serve);
            workers.start_worker(serve);
            Some(workers)
        }

        /// Starts one more worker, with `serve` as its `[serve]`.
        fn start_worker(&mut self, serve: &str) {
            let config = self.dir.path().join("trailguard.toml");
            let text = fs_err::read_to_string(&config).unwrap();
            fs_err::write(&config, text.replace(&self.serve, serve)).unwrap();
            serve.clone_into(&mut self.serve);
            self.servers.push(Server::start(self.dir.path()));
        }

        /// The records each worker processed, once `done` holds for them (10 s at most).
        fn records_when(&self, done: impl Fn(&[f64]) -> bool) -> Vec<f64> {
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                let records: Vec<f64> = self
                    .servers
                    .iter()
                    .map(|server| {
                        metric(
                            &server.get("/metrics"),
                            "trailguard_records_processed_total",
                        )
                    })
                    .collect();
                if done(&records) || Instant::now() > deadline {
                    return records;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }

        /// Waits for the finding with all 13 calls; stops the workers (SIGTERM: each routes
        /// what it holds); checks the finding was notified once and the role's sessions
        /// revoked once, in moto.
        fn finish(self, moto: &Moto) {
            let findings = self.servers[0]
                .findings_when(|f| f.first().is_some_and(|f| f["service"]["count"] == 13));
            assert_eq!(findings.len(), 1, "{findings:?}");
            let id = findings[0]["id"].as_str().unwrap().to_owned();
            assert_eq!(
                findings[0]["resource"]["accessKeyDetails"]["userName"],
                self.stack.role
            );
            for server in self.servers {
                assert_eq!(server.terminate(), 0);
            }
            let listed = Command::new(bin())
                .args([
                    "findings",
                    "list",
                    "--state",
                    &self.pg.url,
                    "--format",
                    "json",
                ])
                .output()
                .unwrap();
            let stored: Vec<Value> = serde_json::from_slice(&listed.stdout).unwrap();
            assert_eq!(stored.len(), 1);
            assert_eq!(stored[0]["service"]["count"], 13, "each call counted once");
            assert_eq!(
                fs_err::read_to_string(self.dir.path().join("notes.jsonl")).unwrap(),
                notes(&id, &self.stack.role),
                "notified once, by one worker"
            );
            assert_eq!(
                applied_actions(self.dir.path(), &self.pg.url),
                1,
                "remediated once"
            );
            let policy = self.stack.role_policy(moto, "RevokeOldSessions");
            assert_eq!(
                policy.unwrap()["Statement"][0]["Effect"],
                "Deny",
                "the moto role's sessions are revoked"
            );
        }
    }

    /// The issue's acceptance: two workers on one PostgreSQL database read one SQS queue of S3
    /// notifications of the workshop's files. Each file is processed by one of them, the
    /// finding is raised once with all its calls, and it is notified and remediated once.
    #[test]
    fn two_workers_on_one_queue_and_database_raise_and_remediate_once() {
        let Some(moto) = Moto::from_env() else {
            return;
        };
        // A visibility timeout longer than the test: a message is only ever given to one.
        let queue_url = create_queue(&moto, 120);
        let serve = format!("sqs_queue_url = \"{queue_url}\"\nreorder_window = \"200ms\"");
        let Some(workers) = Workers::start(&moto, &serve) else {
            return;
        };
        announce(
            &moto,
            &queue_url,
            &workers.dir.path().join("sim"),
            Some(&workers.stack.role),
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        while waiting(&moto, &queue_url) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(waiting(&moto, &queue_url), 0, "every message deleted");
        let records = workers.records_when(|records| records.iter().sum::<f64>() >= 1497.0);
        eprintln!("records processed by each worker: {records:?}");
        assert_eq!(
            records.iter().sum::<f64>(),
            1497.0,
            "each file processed by one worker"
        );
        workers.finish(&moto);
    }

    /// Two workers on one PostgreSQL database are each sent all of the workshop's events over
    /// HTTP at the same time: one finding, each call counted once, one notification, one
    /// remediation.
    #[test]
    fn two_workers_fed_the_same_events_raise_and_remediate_once() {
        let Some(moto) = Moto::from_env() else {
            return;
        };
        let serve = "reorder_window = \"100ms\"";
        let Some(workers) = Workers::start(&moto, serve) else {
            return;
        };
        let renamed = Value::Array(workshop_events(workers.dir.path()))
            .to_string()
            .replace(ROLE, &workers.stack.role);
        let events: Vec<Value> = serde_json::from_str(&renamed).unwrap();
        std::thread::scope(|scope| {
            for server in &workers.servers {
                let events = &events;
                scope.spawn(move || {
                    for batch in events.chunks(100) {
                        let (status, _) =
                            server.post(&Value::Array(batch.to_vec()).to_string(), Some(TOKEN));
                        assert_eq!(status, 202);
                    }
                });
            }
        });
        let processed = workers.records_when(|records| records == [1497.0; 2]);
        assert_eq!(processed, [1497.0; 2]);
        workers.finish(&moto);
    }

    /// Crash safety with two workers: the first worker receives messages and holds them
    /// uncommitted (an hour-long window) when it is SIGKILLed; the second, started meanwhile,
    /// gets them again after their visibility timeout. The finding is raised once with its 13
    /// calls, notified once and remediated once.
    #[test]
    fn a_worker_killed_mid_batch_leaves_its_work_to_the_other() {
        let Some(moto) = Moto::from_env() else {
            return;
        };
        let queue_url = create_queue(&moto, 2);
        let Some(mut workers) = Workers::prepare(&moto) else {
            return;
        };
        workers.start_worker(&format!(
            "sqs_queue_url = \"{queue_url}\"\nreorder_window = \"1h\""
        ));
        announce(
            &moto,
            &queue_url,
            &workers.dir.path().join("sim"),
            Some(&workers.stack.role),
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while counts(&moto, &queue_url).1 == 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            counts(&moto, &queue_url).1 > 0,
            "the first worker received messages"
        );
        workers.start_worker(&format!(
            "sqs_queue_url = \"{queue_url}\"\nreorder_window = \"200ms\""
        ));
        let mut killed = workers.servers.remove(0);
        killed.child.kill().unwrap(); // SIGKILL, mid-batch
        killed.child.wait().unwrap();
        drop(killed);
        let deadline = Instant::now() + Duration::from_secs(30);
        while waiting(&moto, &queue_url) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(waiting(&moto, &queue_url), 0, "every message deleted");
        workers.finish(&moto);
    }
}
