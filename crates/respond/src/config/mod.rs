//! The response part of `trailguard.toml`: `[response]`, `[[suppress]]`, `[[severity]]` and
//! `[[rule]]` with their `[[rule.target]]`s.
//!
//! The file form ([`RoutingConfig`]) is plain serde with `deny_unknown_fields`, so typos and
//! type errors fail while parsing, with their line. [`RoutingConfig::validate`] then checks the
//! meaning (patterns, input modes, placeholders, target settings, names) and reports every
//! problem at once, each with the span of the table or value it is about.

mod duration;
mod target;

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use pattern::Pattern;
use serde::Deserialize;
pub use toml::Spanned;

pub use duration::{DurationError, parse_duration};
pub use target::{
    ActionName, DEFAULT_RETRIES, DEFAULT_TIMEOUT, MAX_RETRIES, MAX_TIMEOUT, Mode, Remediation,
    Target, TargetConfig, TargetKind, TargetType, TransformerConfig, UnknownAction, WebhookFormat,
};

use target::is_eventbridge_name;

/// The default `[response].source`: rules written for GuardDuty match unchanged.
pub const DEFAULT_SOURCE: &str = findings::DEFAULT_SOURCE;
/// The default `[response].update_interval`, GuardDuty's default publishing frequency.
pub const DEFAULT_UPDATE_INTERVAL: Duration = Duration::from_secs(15 * 60);
/// Lowest severity an override may set.
pub const MIN_SEVERITY: f64 = 1.0;
/// Highest severity an override may set.
pub const MAX_SEVERITY: f64 = 10.0;

/// The sections of `trailguard.toml` that routing reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingConfig {
    /// `[response]`.
    #[serde(default)]
    pub response: ResponseSection,
    /// `[[suppress]]`.
    #[serde(default)]
    pub suppress: Vec<Spanned<SuppressConfig>>,
    /// `[[severity]]`.
    #[serde(default)]
    pub severity: Vec<Spanned<SeverityConfig>>,
    /// `[[rule]]`.
    #[serde(default)]
    pub rule: Vec<Spanned<RuleConfig>>,
}

/// `[response]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseSection {
    /// The envelope `source` of bare findings (default `aws.guardduty`).
    pub source: Option<String>,
    /// How often updates of one finding are routed again (default `15m`).
    pub update_interval: Option<Spanned<String>>,
    /// Role names or ARNs remediation may act on (empty: any).
    #[serde(default)]
    pub allowed_roles: Vec<String>,
    /// Accounts remediation may act in (empty: any).
    #[serde(default)]
    pub allowed_accounts: Vec<Spanned<String>>,
}

/// `[[suppress]]`: findings matching the pattern are archived and never routed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressConfig {
    /// Shown in logs and in `config validate`.
    pub name: String,
    /// Event pattern JSON.
    pub pattern: Option<Spanned<String>>,
    /// File holding the pattern, relative to the config file.
    pub pattern_file: Option<Spanned<PathBuf>>,
}

/// `[[severity]]`: findings matching the pattern get a new severity.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityConfig {
    /// Optional label.
    pub name: Option<String>,
    /// Event pattern JSON.
    pub pattern: Option<Spanned<String>>,
    /// File holding the pattern, relative to the config file.
    pub pattern_file: Option<Spanned<PathBuf>>,
    /// The new severity, 1.0–10.0.
    pub severity: Spanned<f64>,
}

/// `[[rule]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// Rule name (EventBridge rules: 1–64 of `[.\-_A-Za-z0-9]`).
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Disabled rules are validated but never match.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// Event pattern JSON.
    pub pattern: Option<Spanned<String>>,
    /// File holding the pattern, relative to the config file.
    pub pattern_file: Option<Spanned<PathBuf>>,
    /// `[[rule.target]]`.
    #[serde(default)]
    pub target: Vec<Spanned<TargetConfig>>,
}

fn enabled_by_default() -> bool {
    true
}

/// One problem found while validating, with the span (byte range in the file) it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigIssue {
    /// What is wrong, prefixed by the section it is in (e.g. ``rule `x`, target `email-1`: ``).
    pub message: String,
    /// Where in the file.
    pub span: Option<Range<usize>>,
}

/// `[response]`, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// Envelope `source` for bare findings.
    pub source: String,
    /// Minimum time between two routings of one finding.
    pub update_interval: Duration,
    /// Roles remediation may act on (empty: any).
    pub allowed_roles: Vec<String>,
    /// Accounts remediation may act in (empty: any).
    pub allowed_accounts: Vec<String>,
}

impl Default for Response {
    fn default() -> Self {
        Self {
            source: DEFAULT_SOURCE.to_owned(),
            update_interval: DEFAULT_UPDATE_INTERVAL,
            allowed_roles: Vec::new(),
            allowed_accounts: Vec::new(),
        }
    }
}

/// A validated `[[suppress]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    /// Its name.
    pub name: String,
    /// Its pattern.
    pub pattern: Pattern,
}

/// A validated `[[severity]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SeverityOverride {
    /// `name`, or `severity #N` (1-based) when unnamed.
    pub name: String,
    /// Its pattern.
    pub pattern: Pattern,
    /// The severity it sets.
    pub severity: f64,
}

/// A validated `[[rule]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Unique rule name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Whether it matches at all.
    pub enabled: bool,
    /// Its pattern.
    pub pattern: Pattern,
    /// Its targets, in file order.
    pub targets: Vec<Target>,
}

/// Everything routing needs, validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validated {
    /// `[response]`.
    pub response: Response,
    /// `[[suppress]]`, in file order.
    pub suppressions: Vec<Suppression>,
    /// `[[severity]]`, in file order (the first match wins).
    pub severity_overrides: Vec<SeverityOverride>,
    /// `[[rule]]`, in file order.
    pub rules: Vec<Rule>,
}

/// Collects issues while validating.
struct Issues(Vec<ConfigIssue>);

impl Issues {
    fn push(&mut self, message: String, span: Range<usize>) {
        self.0.push(ConfigIssue {
            message,
            span: Some(span),
        });
    }
}

impl RoutingConfig {
    /// Checks everything; `base_dir` is the config file's directory (for `pattern_file`,
    /// and `path` of file targets). `Err` holds every issue, in file order.
    pub fn validate(&self, base_dir: &Path) -> Result<Validated, Vec<ConfigIssue>> {
        let mut issues = Issues(Vec::new());
        let response = self.response.validate(&mut issues);

        let mut suppressions = Vec::new();
        for entry in &self.suppress {
            let label = format!("suppress `{}`", entry.get_ref().name);
            if entry.get_ref().name.trim().is_empty() {
                issues.push(
                    "suppress: `name` must not be empty".to_owned(),
                    entry.span(),
                );
            }
            let source = PatternSource::of_suppress(entry.get_ref());
            if let Some(pattern) = source.load(&label, entry.span(), base_dir, &mut issues) {
                suppressions.push(Suppression {
                    name: entry.get_ref().name.clone(),
                    pattern,
                });
            }
        }

        let mut severity_overrides = Vec::new();
        for (position, entry) in (1..).zip(&self.severity) {
            let config = entry.get_ref();
            let name = config
                .name
                .clone()
                .unwrap_or_else(|| format!("severity #{position}"));
            let label = match &config.name {
                Some(name) => format!("severity `{name}`"),
                None => format!("severity #{position}"),
            };
            let severity = *config.severity.get_ref();
            let in_range = (MIN_SEVERITY..=MAX_SEVERITY).contains(&severity);
            if !in_range {
                issues.push(
                    format!("{label}: severity must be between 1.0 and 10.0, not {severity}"),
                    config.severity.span(),
                );
            }
            let source = PatternSource::of_severity(config);
            if let Some(pattern) = source.load(&label, entry.span(), base_dir, &mut issues)
                && in_range
            {
                severity_overrides.push(SeverityOverride {
                    name,
                    pattern,
                    severity,
                });
            }
        }

        let mut rules = Vec::new();
        let mut names = HashSet::new();
        for entry in &self.rule {
            if let Some(rule) = entry
                .get_ref()
                .validate(entry.span(), base_dir, &mut issues)
            {
                rules.push(rule);
            }
            let name = entry.get_ref().name.as_str();
            if !names.insert(name) {
                issues.push(
                    format!("rule `{name}`: another rule has the same name"),
                    entry.span(),
                );
            }
        }

        let Issues(issues) = issues;
        match response {
            Some(response) if issues.is_empty() => Ok(Validated {
                response,
                suppressions,
                severity_overrides,
                rules,
            }),
            _ => Err(issues),
        }
    }
}

impl ResponseSection {
    fn validate(&self, issues: &mut Issues) -> Option<Response> {
        let mut valid = true;
        let update_interval = match &self.update_interval {
            None => DEFAULT_UPDATE_INTERVAL,
            Some(text) => match parse_duration(text.get_ref()) {
                Ok(interval) => interval,
                Err(e) => {
                    issues.push(format!("response: update_interval: {e}"), text.span());
                    valid = false;
                    DEFAULT_UPDATE_INTERVAL
                }
            },
        };
        let source = self
            .source
            .clone()
            .unwrap_or_else(|| DEFAULT_SOURCE.to_owned());
        let mut allowed_accounts = Vec::new();
        for account in &self.allowed_accounts {
            let text = account.get_ref();
            if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
                allowed_accounts.push(text.clone());
            } else {
                issues.push(
                    format!(
                        "response: allowed_accounts: `{text}` is not a 12-digit AWS account id"
                    ),
                    account.span(),
                );
                valid = false;
            }
        }
        valid.then(|| Response {
            source,
            update_interval,
            allowed_roles: self.allowed_roles.clone(),
            allowed_accounts,
        })
    }
}

impl RuleConfig {
    fn validate(&self, span: Range<usize>, base_dir: &Path, issues: &mut Issues) -> Option<Rule> {
        let label = format!("rule `{}`", self.name);
        let before = issues.0.len();
        if !is_eventbridge_name(&self.name) {
            issues.push(
                format!("{label}: the name must be 1 to 64 letters, digits, `.`, `-` or `_`"),
                span.clone(),
            );
        }
        let source = PatternSource {
            pattern: self.pattern.as_ref(),
            pattern_file: self.pattern_file.as_ref(),
        };
        let pattern = source.load(&label, span, base_dir, issues);
        let mut targets = Vec::new();
        let mut ids = HashSet::new();
        for (position, entry) in (1..).zip(&self.target) {
            let config = entry.get_ref();
            let id = config.effective_id(position);
            match config.build(position, base_dir) {
                Ok(target) => targets.push(target),
                Err(problems) => {
                    for problem in problems {
                        issues.push(format!("{label}, target `{id}`: {problem}"), entry.span());
                    }
                }
            }
            if !ids.insert(id.clone()) {
                issues.push(
                    format!("{label}, target `{id}`: another target of the rule has the same id"),
                    entry.span(),
                );
            }
        }
        let pattern = pattern.filter(|_| issues.0.len() == before)?;
        Some(Rule {
            name: self.name.clone(),
            description: self.description.clone(),
            enabled: self.enabled,
            pattern,
            targets,
        })
    }
}

/// `pattern` or `pattern_file`, exactly one.
struct PatternSource<'a> {
    pattern: Option<&'a Spanned<String>>,
    pattern_file: Option<&'a Spanned<PathBuf>>,
}

impl<'a> PatternSource<'a> {
    fn of_suppress(config: &'a SuppressConfig) -> Self {
        Self {
            pattern: config.pattern.as_ref(),
            pattern_file: config.pattern_file.as_ref(),
        }
    }

    fn of_severity(config: &'a SeverityConfig) -> Self {
        Self {
            pattern: config.pattern.as_ref(),
            pattern_file: config.pattern_file.as_ref(),
        }
    }

    /// Reads and parses the pattern, or records why it cannot.
    fn load(
        &self,
        label: &str,
        table: Range<usize>,
        base_dir: &Path,
        issues: &mut Issues,
    ) -> Option<Pattern> {
        let (text, span) = match (self.pattern, self.pattern_file) {
            (Some(pattern), None) => (pattern.get_ref().clone(), pattern.span()),
            (None, Some(file)) => {
                let path = base_dir.join(file.get_ref());
                match fs_err::read_to_string(&path) {
                    Ok(text) => (text, file.span()),
                    Err(e) => {
                        issues.push(
                            format!("{label}: cannot read pattern_file: {e}"),
                            file.span(),
                        );
                        return None;
                    }
                }
            }
            (None, None) => {
                issues.push(format!("{label}: needs `pattern` or `pattern_file`"), table);
                return None;
            }
            (Some(_), Some(file)) => {
                issues.push(
                    format!("{label}: set `pattern` or `pattern_file`, not both"),
                    file.span(),
                );
                return None;
            }
        };
        match Pattern::parse(text.trim()) {
            Ok(pattern) => Some(pattern),
            Err(e) => {
                issues.push(format!("{label}: invalid pattern: {e}"), span);
                None
            }
        }
    }
}

impl Validated {
    /// Number of targets over all rules.
    pub fn target_count(&self) -> usize {
        self.rules.iter().map(|rule| rule.targets.len()).sum()
    }

    /// Targets still holding a placeholder left by `rules import-cloudformation` (such as
    /// `<Ref GuardDutySNSTopic>`), as ``rule `r`, target `t`: `topic_arn` is …`` lines.
    pub fn unfilled_placeholders(&self) -> Vec<String> {
        let mut found = Vec::new();
        for rule in &self.rules {
            for target in &rule.targets {
                let (field, value) = match &target.kind {
                    TargetKind::Sns { topic_arn } => ("topic_arn", topic_arn),
                    TargetKind::Lambda { function_name } => ("function_name", function_name),
                    _ => continue,
                };
                if is_placeholder(value) {
                    found.push(format!(
                        "rule `{}`, target `{}`: `{field}` is still the placeholder `{value}`",
                        rule.name, target.id
                    ));
                }
            }
        }
        found
    }
}

/// `<Ref X>`, `<GetAtt A.B>`, `<Sub …>`, `<Join …>`: an unresolved CloudFormation intrinsic.
fn is_placeholder(value: &str) -> bool {
    value
        .strip_prefix('<')
        .and_then(|rest| rest.strip_suffix('>'))
        .and_then(|inner| inner.split_once(' '))
        .is_some_and(|(function, _)| {
            !function.is_empty()
                && function
                    .bytes()
                    .all(|b| b.is_ascii_alphabetic() || b == b':')
        })
}

#[cfg(test)]
mod tests;
