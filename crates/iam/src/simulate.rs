//! The request format of `trailguard iam simulate` (DESIGN.md contract):
//!
//! ```json
//! {"identity_policies":[…], "resource_policy":{…}|null, "permission_boundary":{…}|null,
//!  "session_policy":{…}|null, "vpc_endpoint_policy":{…}|null,
//!  "scps":[[…level 0…],[…level 1…]], "rcps":[[…]],
//!  "request":{"action":"s3:GetObject","resource":"arn:…","resource_account":"123456789012"|null,
//!             "principal":"arn:…"|null, "context":{"aws:SourceIp":"1.2.3.4","k":["a","b"]}}}
//! ```
//!
//! A policy is a document object, a (URL-encoded) JSON string, or `{"name": …, "document": …}`
//! to name it in explanations; unnamed policies are named after their place
//! (`identity_policies[0]`, `scps[1][0]`). An SCP/RCP level may be a single policy. A `principal`
//! of null is an anonymous request; a context value given as a list is multivalued.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::evaluate::{PolicySet, Response};
use crate::policy::{Policy, PolicyError};
use crate::request::{Context, Principal, Request, RequestError};

/// An invalid simulation request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimulateError {
    /// Not JSON, or not the request format.
    #[error("invalid request: {0}")]
    Format(String),
    /// A policy is invalid.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The request is invalid.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// A policy has (or lacks) a `Principal` element for its kind.
    #[error("policy `{policy}`: {message}")]
    PrincipalElement {
        /// The policy.
        policy: String,
        /// What is wrong.
        message: &'static str,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    #[serde(default)]
    identity_policies: Vec<Value>,
    #[serde(default)]
    resource_policy: Option<Value>,
    #[serde(default)]
    permission_boundary: Option<Value>,
    #[serde(default)]
    session_policy: Option<Value>,
    #[serde(default)]
    vpc_endpoint_policy: Option<Value>,
    #[serde(default)]
    scps: Vec<Value>,
    #[serde(default)]
    rcps: Vec<Value>,
    request: RequestInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestInput {
    action: String,
    #[serde(default = "star")]
    resource: String,
    #[serde(default)]
    resource_account: Option<String>,
    #[serde(default)]
    principal: Option<String>,
    #[serde(default)]
    context: Map<String, Value>,
}

fn star() -> String {
    "*".into()
}

/// A parsed simulation: the policies and the request.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// The policies.
    pub policies: PolicySet,
    /// The request.
    pub request: Request,
}

impl Simulation {
    /// Parses the JSON text of a simulation request.
    ///
    /// # Errors
    /// If the text is not the request format, or a policy or the request is invalid.
    pub fn parse(text: &str) -> Result<Self, SimulateError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| SimulateError::Format(e.to_string()))?;
        Self::from_json(value)
    }

    /// Reads a simulation request already parsed as JSON.
    ///
    /// # Errors
    /// As [`Simulation::parse`].
    pub fn from_json(value: Value) -> Result<Self, SimulateError> {
        let input: Input =
            serde_json::from_value(value).map_err(|e| SimulateError::Format(e.to_string()))?;
        let identity = input
            .identity_policies
            .iter()
            .enumerate()
            .map(|(i, p)| policy(p, &format!("identity_policies[{i}]"), false))
            .collect::<Result<_, _>>()?;
        let optional = |p: &Option<Value>, name: &str, principal: bool| {
            p.as_ref()
                .filter(|v| !v.is_null())
                .map(|v| policy(v, name, principal))
                .transpose()
        };
        // RCPs carry `Principal` (always `*` in practice); SCPs have none.
        let levels = |levels: &[Value],
                      name: &str,
                      principal: bool|
         -> Result<Vec<Vec<Policy>>, SimulateError> {
            levels
                .iter()
                .enumerate()
                .map(|(l, level)| match level {
                    Value::Array(items) => items
                        .iter()
                        .enumerate()
                        .map(|(i, p)| policy(p, &format!("{name}[{l}][{i}]"), principal))
                        .collect(),
                    single => Ok(vec![policy(single, &format!("{name}[{l}]"), principal)?]),
                })
                .collect()
        };
        let policies = PolicySet {
            identity,
            resource: optional(&input.resource_policy, "resource_policy", true)?,
            boundary: optional(&input.permission_boundary, "permission_boundary", false)?,
            session: optional(&input.session_policy, "session_policy", false)?,
            vpc_endpoint: optional(&input.vpc_endpoint_policy, "vpc_endpoint_policy", true)?,
            scps: levels(&input.scps, "scps", false)?,
            rcps: levels(&input.rcps, "rcps", true)?,
        };
        let r = input.request;
        let mut context = Context::new();
        for (key, value) in &r.context {
            if key.is_empty() {
                return Err(RequestError::EmptyKey.into());
            }
            match value {
                Value::Array(items) => {
                    let items = items.iter().map(scalar).collect::<Result<Vec<_>, _>>()?;
                    context.insert_multi(key, &items);
                }
                v => context.insert(key, &scalar(v)?),
            }
        }
        let principal = r
            .principal
            .as_deref()
            .map_or_else(Principal::anonymous, Principal::parse);
        let request = Request::new(
            principal,
            &r.action,
            &r.resource,
            r.resource_account.as_deref(),
            context,
        )?;
        Ok(Self { policies, request })
    }

    /// Evaluates the request.
    #[must_use]
    pub fn run(&self) -> Response<'_> {
        crate::evaluate(&self.policies, &self.request)
    }
}

fn scalar(value: &Value) -> Result<String, SimulateError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(SimulateError::Format(format!(
            "context value {other} is not a string, number, boolean or list"
        ))),
    }
}

fn policy(
    value: &Value,
    default_name: &str,
    needs_principal: bool,
) -> Result<Policy, SimulateError> {
    let (name, document) = match value {
        Value::Object(map) if map.contains_key("document") => {
            let name = map
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(default_name);
            (name, map.get("document").unwrap_or(&Value::Null))
        }
        v => (default_name, v),
    };
    let policy = Policy::from_json(name, document)?;
    check_principal(&policy, needs_principal)?;
    Ok(policy)
}

/// Resource-based and VPC endpoint policies need `Principal` in every statement; the others
/// must not have one (IAM rejects both mistakes).
pub(crate) fn check_principal(policy: &Policy, needs_principal: bool) -> Result<(), SimulateError> {
    let statements = policy.statements();
    let error = |message| {
        Err(SimulateError::PrincipalElement {
            policy: policy.name().to_owned(),
            message,
        })
    };
    if needs_principal && statements.iter().any(|s| !s.has_principal()) {
        return error(
            "every statement of a resource-based policy needs `Principal` or `NotPrincipal`",
        );
    }
    if !needs_principal && policy.has_principal() {
        return error("only resource-based policies may have `Principal` or `NotPrincipal`");
    }
    Ok(())
}

/// The `--json` form of a response: `{"decision", "explanation", "matched_statements": [{"policy_type",
/// "policy", "level", "statement", "sid", "effect"}]}`.
#[must_use]
pub fn response_json(response: &Response<'_>, request: &Request) -> Value {
    let matched: Vec<Value> = response
        .matched
        .iter()
        .map(|m| {
            json!({
                "policy_type": m.kind.as_str(),
                "policy": m.policy,
                "level": m.kind.level(),
                "statement": m.statement,
                "sid": m.sid,
                "effect": m.effect.as_str(),
            })
        })
        .collect();
    json!({
        "decision": response.decision.as_str(),
        "explanation": response.explanation(request),
        "matched_statements": matched,
    })
}

/// The text form of a response: the decision, then one line per matched statement, then the
/// explanation.
#[must_use]
pub fn response_text(response: &Response<'_>, request: &Request) -> String {
    let mut out = format!("{}\n", response.decision);
    for m in &response.matched {
        out.push_str(&format!("  {m}\n"));
    }
    out.push_str(&format!("  {}\n", response.explanation(request)));
    out
}
