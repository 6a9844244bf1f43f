//! The router: severity overrides, suppression, update throttling, then every enabled rule's
//! pattern against the event (one compiled [`Matcher`]), then each matching rule's targets
//! with the exact input they receive.
//!
//! A [`Router`] is built once from a validated configuration, is immutable and `Send + Sync`:
//! share it behind an `Arc` and rebuild it whole on reload.

mod event;
mod severity;
mod throttle;

use std::path::Path;

use findings::Finding;
use pattern::{Matcher, TransformContext, TransformError};
use serde_json::Value;

use crate::config::{
    ConfigIssue, Response, RoutingConfig, Rule, SeverityOverride, Suppression, Target, Validated,
};
use event::Event;

pub use severity::ORIGINAL_SEVERITY_KEY;
pub use throttle::RoutingLog;

/// Why a finding could not be routed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RouteError {
    /// The input is neither a finding nor an envelope holding one.
    #[error("not a finding: {0}")]
    NotAFinding(String),
    /// The routing log (the store) failed.
    #[error("cannot read or write the routing log: {0}")]
    Log(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The event could not be written as JSON.
    #[error("cannot write the event as JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Rules, overrides and suppressions compiled for routing.
#[derive(Debug)]
pub struct Router {
    response: Response,
    interval_ms: i64,
    overrides: Vec<SeverityOverride>,
    override_matcher: Matcher<usize>,
    suppressions: Vec<Suppression>,
    suppression_matcher: Matcher<usize>,
    rules: Vec<Rule>,
    contexts: Vec<TransformContext>,
    rule_matcher: Matcher<usize>,
}

/// What happened to one finding.
#[derive(Debug)]
pub enum Outcome<'r> {
    /// It went through the rules (possibly matching none).
    Routed(Routed<'r>),
    /// A `[[suppress]]` matched: archived, not routed.
    Suppressed(Suppressed<'r>),
    /// Routed less than `update_interval` ago: not routed again yet.
    Throttled(Throttled),
}

/// A routed finding: what each matching rule's targets receive.
#[derive(Debug)]
pub struct Routed<'r> {
    /// `detail.id`.
    pub finding_id: String,
    /// The `[[severity]]` that changed the severity, if one did.
    pub severity_override: Option<&'r str>,
    /// The event the rules saw (EventBridge envelope, JSON text).
    pub event: String,
    /// One entry per (matching rule, target), rules and targets in file order.
    pub dispatches: Vec<Dispatch<'r>>,
    /// Targets whose input cannot be produced for this event (EventBridge delivers nothing).
    pub undeliverable: Vec<Undeliverable<'r>>,
}

/// One delivery to make.
#[derive(Debug)]
pub struct Dispatch<'r> {
    /// The rule's name.
    pub rule: &'r str,
    /// The target's id.
    pub target_id: &'r str,
    /// The target's settings.
    pub target: &'r Target,
    /// Exactly what the target receives (the event, `input`, `input_path` or the transformed
    /// template).
    pub input: String,
}

/// A matching target that receives nothing for this event.
#[derive(Debug)]
pub struct Undeliverable<'r> {
    /// The rule's name.
    pub rule: &'r str,
    /// The target's id.
    pub target_id: &'r str,
    /// Why (an `input_path` that selects nothing, a JSON template whose result is not JSON).
    pub error: TransformError,
}

/// A suppressed finding.
#[derive(Debug)]
pub struct Suppressed<'r> {
    /// `detail.id`.
    pub finding_id: String,
    /// The `[[suppress]]` that matched.
    pub by: &'r str,
    /// The `[[severity]]` applied before, if any.
    pub severity_override: Option<&'r str>,
    /// The finding with `service.archived = true`, for the caller to store.
    pub finding: Value,
}

/// A finding routed too recently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Throttled {
    /// `detail.id`.
    pub finding_id: String,
    /// Its last routing (finding time, ms since the epoch).
    pub last_routed_ms: i64,
    /// From when an update is routed again.
    pub due_ms: i64,
}

impl Router {
    /// Compiles a validated configuration.
    pub fn new(config: Validated) -> Self {
        let Validated {
            response,
            suppressions,
            severity_overrides: overrides,
            rules,
        } = config;
        let override_matcher = Matcher::new(
            overrides
                .iter()
                .enumerate()
                .map(|(i, o)| (i, o.pattern.clone())),
        );
        let suppression_matcher = Matcher::new(
            suppressions
                .iter()
                .enumerate()
                .map(|(i, s)| (i, s.pattern.clone())),
        );
        let rule_matcher = Matcher::new(
            rules
                .iter()
                .enumerate()
                .filter(|(_, rule)| rule.enabled)
                .map(|(i, rule)| (i, rule.pattern.clone())),
        );
        let contexts = rules
            .iter()
            .map(|rule| TransformContext {
                rule_name: Some(rule.name.clone()),
                rule_arn: None,
                event_bus_name: Some("default".to_owned()),
                ingestion_time: None,
            })
            .collect();
        let interval_ms = i64::try_from(response.update_interval.as_millis()).unwrap_or(i64::MAX);
        Self {
            response,
            interval_ms,
            overrides,
            override_matcher,
            suppressions,
            suppression_matcher,
            rules,
            contexts,
            rule_matcher,
        }
    }

    /// Validates the configuration and compiles it; `Err` holds every issue.
    pub fn from_config(config: &RoutingConfig, base_dir: &Path) -> Result<Self, Vec<ConfigIssue>> {
        config.validate(base_dir).map(Self::new)
    }

    /// `[response]`: source, update interval, remediation scope.
    pub fn response(&self) -> &Response {
        &self.response
    }

    /// Every rule, enabled or not, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Routes a finding given as JSON: a bare GuardDuty finding or an EventBridge envelope.
    ///
    /// In order: the first matching `[[severity]]` sets the severity; a matching
    /// `[[suppress]]` archives the finding and stops; a finding routed less than
    /// `update_interval` ago (by its `updatedAt`, never the wall clock) stops; otherwise it is
    /// marked routed in `log` and every enabled rule is matched.
    pub fn route<L: RoutingLog>(
        &self,
        input: &Value,
        log: &mut L,
    ) -> Result<Outcome<'_>, RouteError> {
        let mut event = Event::from_input(input, &self.response.source)?;
        let mut text = serde_json::to_string(&event)?;

        let severity_override =
            first_match(&self.override_matcher, &text)?.and_then(|i| self.overrides.get(i));
        if let Some(found) = severity_override {
            severity::apply(&mut event.detail, found.severity);
            text = serde_json::to_string(&event)?;
        }
        let severity_override = severity_override.map(|o| o.name.as_str());
        let finding_id = event.finding_id()?.to_owned();

        if let Some(by) =
            first_match(&self.suppression_matcher, &text)?.and_then(|i| self.suppressions.get(i))
        {
            let service = event
                .detail
                .entry("service")
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
            if let Value::Object(service) = service {
                service.insert("archived".to_owned(), Value::Bool(true));
            }
            return Ok(Outcome::Suppressed(Suppressed {
                finding_id,
                by: &by.name,
                severity_override,
                finding: Value::Object(event.detail),
            }));
        }

        let at_ms = event.updated_at()?;
        let claimed = log
            .claim_routing(&finding_id, at_ms, self.interval_ms)
            .map_err(|e| RouteError::Log(Box::new(e)))?;
        if let Some(last_routed_ms) = claimed {
            return Ok(Outcome::Throttled(Throttled {
                finding_id,
                last_routed_ms,
                due_ms: last_routed_ms.saturating_add(self.interval_ms),
            }));
        }

        let mut dispatches = Vec::new();
        let mut undeliverable = Vec::new();
        let matching = self.rule_matcher.matches_json(&text).map_err(unreadable)?;
        for &index in matching {
            let (Some(rule), Some(context)) = (self.rules.get(index), self.contexts.get(index))
            else {
                continue;
            };
            for target in &rule.targets {
                match target.input.render(&text, context) {
                    Ok(input) => dispatches.push(Dispatch {
                        rule: &rule.name,
                        target_id: &target.id,
                        target,
                        input,
                    }),
                    Err(error) => undeliverable.push(Undeliverable {
                        rule: &rule.name,
                        target_id: &target.id,
                        error,
                    }),
                }
            }
        }
        Ok(Outcome::Routed(Routed {
            finding_id,
            severity_override,
            event: text,
            dispatches,
            undeliverable,
        }))
    }

    /// Routes one of our own findings (wrapped with the configured source).
    pub fn route_finding<L: RoutingLog>(
        &self,
        finding: &Finding,
        log: &mut L,
    ) -> Result<Outcome<'_>, RouteError> {
        self.route(&serde_json::to_value(finding)?, log)
    }
}

/// The first (in file order) pattern of `matcher` that matches the event text.
fn first_match(matcher: &Matcher<usize>, text: &str) -> Result<Option<usize>, RouteError> {
    if matcher.is_empty() {
        return Ok(None);
    }
    Ok(matcher
        .matches_json(text)
        .map_err(unreadable)?
        .first()
        .map(|i| **i))
}

/// The matcher could not read our own event text (it is written by serde_json, so this means
/// a bug, reported rather than hidden).
fn unreadable(error: pattern::EventError) -> RouteError {
    RouteError::NotAFinding(format!("the event cannot be matched: {error}"))
}

#[cfg(test)]
mod tests;
