//! `[[rule.target]]`: the file form (one flat table) and the validated form (one enum variant
//! per target type, so every consumer handles a closed set).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use pattern::{InputTransformer, TargetInput};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::duration::parse_duration;

/// Delivery attempts after the first failure, unless the target says otherwise.
pub const DEFAULT_RETRIES: u32 = 3;
/// Most retries a target may ask for (backoff stays bounded).
pub const MAX_RETRIES: u32 = 10;
/// Per-attempt timeout, unless the target says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest per-attempt timeout.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// A target as written in the file: every key of every type, checked by [`TargetConfig::build`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetConfig {
    /// `email`, `sns`, `lambda`, `webhook`, `command`, `file` or `remediate`.
    #[serde(rename = "type")]
    pub kind: TargetType,
    /// Target id; `<type>-<position>` (1-based) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Input`: constant JSON text delivered instead of the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// `InputPath`: deliver the part of the event this JSON path selects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_path: Option<String>,
    /// `InputTransformer`: named paths and a template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_transformer: Option<TransformerConfig>,
    /// Retries after a failed delivery (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    /// Per-attempt timeout such as `10s` (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// email: recipients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Vec<String>>,
    /// email: subject line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// sns: the topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_arn: Option<String>,
    /// lambda: name or ARN of the function.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_name: Option<String>,
    /// webhook: `http://` or `https://` URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// webhook: environment variable holding the HMAC-SHA256 key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_env: Option<String>,
    /// webhook: `json` (default) or `slack`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<WebhookFormat>,
    /// command: the program to run (event on stdin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program: Option<String>,
    /// command: its arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    /// file: JSON Lines file, relative to the config file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// remediate: the action name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// remediate: `dry-run` (default) or `enforce`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    /// remediate: name of the policy the action writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    /// remediate: further action parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Map<String, Value>>,
}

/// `input_transformer = { input_paths_map = {…}, input_template = '…' }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransformerConfig {
    /// `InputPathsMap`: variable name → JSON path.
    #[serde(default)]
    pub input_paths_map: BTreeMap<String, String>,
    /// `InputTemplate`: the text with `<variable>` placeholders.
    pub input_template: String,
}

/// The target types.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetType {
    /// E-mail through SMTP, or `.eml` files in an outbox.
    #[default]
    Email,
    /// SNS `Publish`.
    Sns,
    /// Lambda `Invoke`.
    Lambda,
    /// HTTP POST.
    Webhook,
    /// A local program with the input on stdin.
    Command,
    /// JSON Lines appended to a file.
    File,
    /// A built-in remediation action.
    Remediate,
}

impl TargetType {
    /// The name used in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sns => "sns",
            Self::Lambda => "lambda",
            Self::Webhook => "webhook",
            Self::Command => "command",
            Self::File => "file",
            Self::Remediate => "remediate",
        }
    }
}

impl fmt::Display for TargetType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a webhook body is shaped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WebhookFormat {
    /// The input as the JSON body.
    #[default]
    Json,
    /// `{"text": …}`, as Slack incoming webhooks expect.
    Slack,
}

/// Whether a remediation only plans or also acts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Print the plan, change nothing (default).
    #[default]
    DryRun,
    /// Execute the plan.
    Enforce,
}

impl Mode {
    /// The name used in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DryRun => "dry-run",
            Self::Enforce => "enforce",
        }
    }
}

/// The built-in remediation actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionName {
    /// Inline `Deny *` for tokens issued before now (the workshop's remediation).
    RevokeRoleSessions,
    /// Deny only the stolen instance's session.
    DenyInstanceSession,
    /// Deny calls from outside the instance's VPC (`aws:Ec2InstanceSourceVpc`).
    RestrictRoleToVpc,
    /// Move the instance into a forensic security group.
    IsolateInstance,
    /// Snapshot the instance's EBS volumes.
    SnapshotVolumes,
    /// Require IMDSv2 on the instance.
    EnforceImdsv2,
    /// Tag the affected resource.
    TagResource,
    /// Remove the instance profile from the instance.
    DetachInstanceProfile,
}

impl ActionName {
    /// Every action, in documentation order.
    pub const ALL: [Self; 8] = [
        Self::RevokeRoleSessions,
        Self::DenyInstanceSession,
        Self::RestrictRoleToVpc,
        Self::IsolateInstance,
        Self::SnapshotVolumes,
        Self::EnforceImdsv2,
        Self::TagResource,
        Self::DetachInstanceProfile,
    ];

    /// The name used in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RevokeRoleSessions => "revoke-role-sessions",
            Self::DenyInstanceSession => "deny-instance-session",
            Self::RestrictRoleToVpc => "restrict-role-to-vpc",
            Self::IsolateInstance => "isolate-instance",
            Self::SnapshotVolumes => "snapshot-volumes",
            Self::EnforceImdsv2 => "enforce-imdsv2",
            Self::TagResource => "tag-resource",
            Self::DetachInstanceProfile => "detach-instance-profile",
        }
    }
}

impl fmt::Display for ActionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An action name that is not one of [`ActionName::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown action `{0}`: expected one of {list}", list = action_list())]
pub struct UnknownAction(String);

fn action_list() -> String {
    ActionName::ALL.map(ActionName::as_str).join(", ")
}

impl FromStr for ActionName {
    type Err = UnknownAction;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|action| action.as_str() == s)
            .ok_or_else(|| UnknownAction(s.to_owned()))
    }
}

/// A validated target.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Unique within its rule.
    pub id: String,
    /// What the target receives.
    pub input: TargetInput,
    /// Retries after a failed delivery.
    pub retries: u32,
    /// Per-attempt timeout.
    pub timeout: Duration,
    /// The type and its settings.
    pub kind: TargetKind,
}

/// One variant per target type.
#[derive(Debug, Clone, PartialEq)]
pub enum TargetKind {
    /// E-mail.
    Email {
        /// Recipients (at least one).
        to: Vec<String>,
        /// Subject line; `AWS Notification Message` (what SNS e-mails show) when absent.
        subject: Option<String>,
    },
    /// SNS `Publish`.
    Sns {
        /// The topic.
        topic_arn: String,
    },
    /// Lambda `Invoke`.
    Lambda {
        /// Name or ARN.
        function_name: String,
    },
    /// HTTP POST.
    Webhook {
        /// `http://` or `https://` URL.
        url: String,
        /// Environment variable holding the HMAC key.
        secret_env: Option<String>,
        /// Body shape.
        format: WebhookFormat,
    },
    /// A local program.
    Command {
        /// Program path or name.
        program: String,
        /// Arguments.
        args: Vec<String>,
    },
    /// JSON Lines file.
    File {
        /// Resolved against the config file's directory.
        path: PathBuf,
    },
    /// A remediation action.
    Remediate(Remediation),
}

/// A `remediate` target's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Remediation {
    /// Which action.
    pub action: ActionName,
    /// Plan only, or act.
    pub mode: Mode,
    /// Name of the policy the action writes, when it writes one.
    pub policy_name: Option<String>,
    /// Further action parameters.
    pub params: Map<String, Value>,
}

impl TargetKind {
    /// The type of the variant.
    pub fn target_type(&self) -> TargetType {
        match self {
            Self::Email { .. } => TargetType::Email,
            Self::Sns { .. } => TargetType::Sns,
            Self::Lambda { .. } => TargetType::Lambda,
            Self::Webhook { .. } => TargetType::Webhook,
            Self::Command { .. } => TargetType::Command,
            Self::File { .. } => TargetType::File,
            Self::Remediate(_) => TargetType::Remediate,
        }
    }
}

/// Whether an EventBridge id (target id, rule name) is 1–64 of `[.\-_A-Za-z0-9]`.
pub(crate) fn is_eventbridge_name(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// Whether a text is usable as an environment variable name.
fn is_env_name(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with(|c: char| c.is_ascii_digit())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl TargetConfig {
    /// The id, or `<type>-<position>` with `position` 1-based.
    pub fn effective_id(&self, position: usize) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| format!("{}-{position}", self.kind))
    }

    /// Validates the target; `Err` lists every problem found.
    pub fn build(&self, position: usize, base_dir: &Path) -> Result<Target, Vec<String>> {
        let mut problems = Vec::new();
        let id = self.effective_id(position);
        if !is_eventbridge_name(&id) {
            problems.push(format!(
                "id `{id}` must be 1 to 64 letters, digits, `.`, `-` or `_`"
            ));
        }
        let input = self.input_mode().map_err(|e| problems.push(e)).ok();
        let retries = self.retries.unwrap_or(DEFAULT_RETRIES);
        if retries > MAX_RETRIES {
            problems.push(format!(
                "retries must be at most {MAX_RETRIES}, not {retries}"
            ));
        }
        let timeout = match self.timeout.as_deref().map(parse_duration) {
            None => Some(DEFAULT_TIMEOUT),
            Some(Ok(t)) if !t.is_zero() && t <= MAX_TIMEOUT => Some(t),
            Some(Ok(_)) => {
                problems.push("timeout must be more than 0s and at most 15m".to_owned());
                None
            }
            Some(Err(e)) => {
                problems.push(format!("timeout: {e}"));
                None
            }
        };
        for field in self.foreign_fields() {
            problems.push(format!(
                "`{field}` is not a setting of type `{}`",
                self.kind
            ));
        }
        let kind = self
            .kind_settings(base_dir)
            .map_err(|mut more| problems.append(&mut more))
            .ok();
        match (input, timeout, kind) {
            (Some(input), Some(timeout), Some(kind)) if problems.is_empty() => Ok(Target {
                id,
                input,
                retries,
                timeout,
                kind,
            }),
            _ => Err(problems),
        }
    }

    /// `input`, `input_path` or `input_transformer`, validated by the pattern crate.
    fn input_mode(&self) -> Result<TargetInput, String> {
        let transformer = match &self.input_transformer {
            Some(t) => Some(
                InputTransformer::new(&t.input_paths_map, &t.input_template)
                    .map_err(|e| format!("input_transformer: {e}"))?,
            ),
            None => None,
        };
        TargetInput::new(
            self.input.as_deref(),
            self.input_path.as_deref(),
            transformer,
        )
        .map_err(|e| match e {
            pattern::TransformError::SeveralModes => {
                "only one of `input`, `input_path` or `input_transformer` may be set".to_owned()
            }
            other if self.input.is_some() => format!("input: {other}"),
            other => format!("input_path: {other}"),
        })
    }

    /// Type-specific keys set on a target of another type.
    fn foreign_fields(&self) -> Vec<&'static str> {
        let present: [(&'static str, bool, TargetType); 14] = [
            ("to", self.to.is_some(), TargetType::Email),
            ("subject", self.subject.is_some(), TargetType::Email),
            ("topic_arn", self.topic_arn.is_some(), TargetType::Sns),
            (
                "function_name",
                self.function_name.is_some(),
                TargetType::Lambda,
            ),
            ("url", self.url.is_some(), TargetType::Webhook),
            ("secret_env", self.secret_env.is_some(), TargetType::Webhook),
            ("format", self.format.is_some(), TargetType::Webhook),
            ("program", self.program.is_some(), TargetType::Command),
            ("args", self.args.is_some(), TargetType::Command),
            ("path", self.path.is_some(), TargetType::File),
            ("action", self.action.is_some(), TargetType::Remediate),
            ("mode", self.mode.is_some(), TargetType::Remediate),
            (
                "policy_name",
                self.policy_name.is_some(),
                TargetType::Remediate,
            ),
            ("params", self.params.is_some(), TargetType::Remediate),
        ];
        present
            .into_iter()
            .filter(|(_, set, owner)| *set && *owner != self.kind)
            .map(|(field, ..)| field)
            .collect()
    }

    /// The variant for `kind`, with its required keys checked.
    fn kind_settings(&self, base_dir: &Path) -> Result<TargetKind, Vec<String>> {
        let kind = self.kind;
        let required = |value: &Option<String>, field: &str| -> Result<String, Vec<String>> {
            match value.as_deref().map(str::trim) {
                Some(text) if !text.is_empty() => Ok(text.to_owned()),
                _ => Err(vec![format!("a target of type `{kind}` needs `{field}`")]),
            }
        };
        match kind {
            TargetType::Email => {
                let to = self.to.clone().unwrap_or_default();
                let mut problems = Vec::new();
                if to.is_empty() {
                    problems.push(
                        "a target of type `email` needs `to` with at least one address".to_owned(),
                    );
                }
                for address in to.iter().filter(|a| !looks_like_address(a)) {
                    problems.push(format!("`{address}` is not an e-mail address"));
                }
                if problems.is_empty() {
                    Ok(TargetKind::Email {
                        to,
                        subject: self.subject.clone(),
                    })
                } else {
                    Err(problems)
                }
            }
            TargetType::Sns => Ok(TargetKind::Sns {
                topic_arn: required(&self.topic_arn, "topic_arn")?,
            }),
            TargetType::Lambda => Ok(TargetKind::Lambda {
                function_name: required(&self.function_name, "function_name")?,
            }),
            TargetType::Webhook => {
                let url = required(&self.url, "url")?;
                let mut problems = Vec::new();
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    problems.push(format!(
                        "url `{url}` must start with `https://` or `http://`"
                    ));
                }
                if let Some(name) = self.secret_env.as_deref().filter(|n| !is_env_name(n)) {
                    problems.push(format!(
                        "secret_env `{name}` must name an environment variable (letters, digits, `_`)"
                    ));
                }
                if problems.is_empty() {
                    Ok(TargetKind::Webhook {
                        url,
                        secret_env: self.secret_env.clone(),
                        format: self.format.unwrap_or_default(),
                    })
                } else {
                    Err(problems)
                }
            }
            TargetType::Command => Ok(TargetKind::Command {
                program: required(&self.program, "program")?,
                args: self.args.clone().unwrap_or_default(),
            }),
            TargetType::File => match &self.path {
                Some(path) if !path.as_os_str().is_empty() => Ok(TargetKind::File {
                    path: base_dir.join(path),
                }),
                _ => Err(vec!["a target of type `file` needs `path`".to_owned()]),
            },
            TargetType::Remediate => {
                let action = required(&self.action, "action")?;
                let action = action
                    .parse::<ActionName>()
                    .map_err(|e| vec![e.to_string()])?;
                Ok(TargetKind::Remediate(Remediation {
                    action,
                    mode: self.mode.unwrap_or_default(),
                    policy_name: self.policy_name.clone(),
                    params: self.params.clone().unwrap_or_default(),
                }))
            }
        }
    }
}

/// A light check: something before and after one `@`, no spaces.
fn looks_like_address(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(toml_text: &str) -> TargetConfig {
        toml::from_str(toml_text).unwrap()
    }

    fn build(toml_text: &str) -> Result<Target, Vec<String>> {
        target(toml_text).build(2, Path::new("/etc/trailguard"))
    }

    #[test]
    fn builds_each_type_with_defaults() {
        let cases: [(&str, TargetKind); 7] = [
            (
                r#"type = "email"
                   to = ["secops@example.com"]"#,
                TargetKind::Email {
                    to: vec!["secops@example.com".into()],
                    subject: None,
                },
            ),
            (
                r#"type = "sns"
                   topic_arn = "arn:aws:sns:us-west-2:111122223333:GuardDuty-Example""#,
                TargetKind::Sns {
                    topic_arn: "arn:aws:sns:us-west-2:111122223333:GuardDuty-Example".into(),
                },
            ),
            (
                r#"type = "lambda"
                   function_name = "remediate""#,
                TargetKind::Lambda {
                    function_name: "remediate".into(),
                },
            ),
            (
                r#"type = "webhook"
                   url = "https://hooks.example.com/x""#,
                TargetKind::Webhook {
                    url: "https://hooks.example.com/x".into(),
                    secret_env: None,
                    format: WebhookFormat::Json,
                },
            ),
            (
                r#"type = "command"
                   program = "/usr/bin/logger""#,
                TargetKind::Command {
                    program: "/usr/bin/logger".into(),
                    args: vec![],
                },
            ),
            (
                r#"type = "file"
                   path = "out/findings.jsonl""#,
                TargetKind::File {
                    path: PathBuf::from("/etc/trailguard/out/findings.jsonl"),
                },
            ),
            (
                r#"type = "remediate"
                   action = "revoke-role-sessions""#,
                TargetKind::Remediate(Remediation {
                    action: ActionName::RevokeRoleSessions,
                    mode: Mode::DryRun,
                    policy_name: None,
                    params: Map::new(),
                }),
            ),
        ];
        for (text, kind) in cases {
            let built = build(text).unwrap();
            let expected_id = format!("{}-2", kind.target_type());
            assert_eq!(built.kind, kind, "{text}");
            assert_eq!(built.id, expected_id);
            assert_eq!(built.retries, 3);
            assert_eq!(built.timeout, Duration::from_secs(10));
            assert_eq!(built.input, TargetInput::WholeEvent);
        }
    }

    #[test]
    fn reports_every_problem_of_a_target() {
        let cases: [(&str, Vec<&str>); 8] = [
            (
                r#"type = "email"
                   to = []
                   topic_arn = "arn:x"
                   input = '{"a":1}'
                   input_path = "$.detail""#,
                vec![
                    "only one of `input`, `input_path` or `input_transformer` may be set",
                    "`topic_arn` is not a setting of type `email`",
                    "a target of type `email` needs `to` with at least one address",
                ],
            ),
            (
                r#"type = "sns""#,
                vec!["a target of type `sns` needs `topic_arn`"],
            ),
            (
                r#"type = "remediate"
                   action = "reboot-everything""#,
                vec![
                    "unknown action `reboot-everything`: expected one of revoke-role-sessions, deny-instance-session, restrict-role-to-vpc, isolate-instance, snapshot-volumes, enforce-imdsv2, tag-resource, detach-instance-profile",
                ],
            ),
            (
                r#"type = "webhook"
                   url = "ftp://x"
                   secret_env = "my secret""#,
                vec![
                    "url `ftp://x` must start with `https://` or `http://`",
                    "secret_env `my secret` must name an environment variable (letters, digits, `_`)",
                ],
            ),
            (
                r#"type = "lambda"
                   function_name = "f"
                   input_transformer = { input_paths_map = { gdid = "$.detail.id" }, input_template = '"<gdid> <userName>"' }"#,
                vec!["input_transformer: InputTemplate contains invalid placeholder userName."],
            ),
            (
                r#"type = "lambda"
                   function_name = "f"
                   id = "has space"
                   retries = 11
                   timeout = "ten seconds""#,
                vec![
                    "id `has space` must be 1 to 64 letters, digits, `.`, `-` or `_`",
                    "retries must be at most 10, not 11",
                    "timeout: `ten seconds` is not a duration: expected a number and a unit, like `90s`, `15m`, `1h` or `1h30m`",
                ],
            ),
            (
                r#"type = "command"
                   program = "x"
                   input = "not json""#,
                vec!["input: Input is not valid JSON: expected ident at line 1 column 2"],
            ),
            (
                r#"type = "file"
                   path = "a.jsonl"
                   timeout = "0s""#,
                vec!["timeout must be more than 0s and at most 15m"],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(build(text).unwrap_err(), expected, "{text}");
        }
    }

    #[test]
    fn keeps_explicit_settings() {
        let built = build(
            r#"type = "remediate"
               id = "revoke"
               action = "isolate-instance"
               mode = "enforce"
               retries = 0
               timeout = "1m"
               params = { security_group_name = "forensics" }"#,
        )
        .unwrap();
        assert_eq!(built.id, "revoke");
        assert_eq!(built.retries, 0);
        assert_eq!(built.timeout, Duration::from_secs(60));
        let TargetKind::Remediate(remediation) = built.kind else {
            panic!("not a remediation: {:?}", built.kind);
        };
        assert_eq!(remediation.action, ActionName::IsolateInstance);
        assert_eq!(remediation.mode, Mode::Enforce);
        assert_eq!(
            remediation.params.get("security_group_name"),
            Some(&Value::from("forensics"))
        );
    }

    #[test]
    fn action_names_round_trip() {
        for action in ActionName::ALL {
            assert_eq!(action.as_str().parse::<ActionName>(), Ok(action));
        }
    }
}
