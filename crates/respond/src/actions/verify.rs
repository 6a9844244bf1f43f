//! Self-verification of policy actions: read the written policy back and evaluate the stolen
//! session's request with the `iam` evaluator (the workshop's "`aws dynamodb list-tables` now
//! gets an explicit deny"), and a session the action must leave alone.

use iam::{Context, Decision, Effect, PolicySet, Principal, Request, evaluate};
use serde::{Deserialize, Serialize};

use super::{ActionError, Plan, Target};
use crate::account::Account;
use crate::config::ActionName;

/// One evaluated request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// What the request stands for.
    pub label: String,
    /// The caller (`arn:aws:sts::…:assumed-role/…/…`).
    pub principal: String,
    /// The IAM action.
    pub action: String,
    /// `aws:TokenIssueTime` of the session.
    pub token_issue_time: String,
    /// The decision (`Allowed`, `ExplicitlyDenied`, `ImplicitlyDenied`).
    pub decision: String,
    /// The policies whose statements decided it.
    pub matched_policies: Vec<String>,
    /// Whether the action's policy must deny this request.
    pub expect_denied_by_policy: bool,
    /// Whether the expectation holds.
    pub holds: bool,
}

/// The outcome of the self-check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The policy read back.
    pub policy_name: String,
    /// Whether the read-back document is the one written.
    pub policy_read_back: bool,
    /// The evaluated requests.
    pub checks: Vec<Check>,
}

impl Verification {
    /// Whether every expectation holds.
    #[must_use]
    pub fn holds(&self) -> bool {
        self.policy_read_back && self.checks.iter().all(|c| c.holds)
    }

    /// One line per check.
    #[must_use]
    pub fn summary(&self) -> String {
        let mut lines = vec![format!(
            "policy `{}` read back: {}",
            self.policy_name,
            if self.policy_read_back { "yes" } else { "no" }
        )];
        for c in &self.checks {
            let by = if c.matched_policies.is_empty() {
                String::new()
            } else {
                format!(" by {}", c.matched_policies.join(", "))
            };
            lines.push(format!(
                "{}: {} {} → {}{by} ({})",
                c.label,
                c.principal,
                c.action,
                c.decision,
                if c.holds {
                    "as expected"
                } else {
                    "NOT as expected"
                }
            ));
        }
        lines.join("\n")
    }
}

/// Verifies an applied plan; `None` for actions that write no policy.
pub(super) fn verify(
    plan: &Plan,
    account: &dyn Account,
) -> Result<Option<Verification>, ActionError> {
    let action = plan.action_name()?;
    if !matches!(
        action,
        ActionName::RevokeRoleSessions | ActionName::DenyInstanceSession
    ) {
        return Ok(None);
    }
    let (
        Target::Role {
            name: role,
            arn: role_arn,
        },
        Some(session),
        Some(put),
    ) = (&plan.target, &plan.session, plan.calls.first())
    else {
        return Ok(None);
    };
    let policy_name = put
        .parameters
        .get("PolicyName")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    let written = put
        .parameters
        .get("PolicyDocument")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let read_back = account.get_role_policy(role, &policy_name)?;
    let policy_read_back = match (
        &read_back,
        serde_json::from_str::<serde_json::Value>(written),
    ) {
        (Some(doc), Ok(w)) => serde_json::from_str::<serde_json::Value>(doc).is_ok_and(|d| d == w),
        _ => false,
    };
    let policies = PolicySet {
        identity: account.role_identity_policies(role)?,
        ..PolicySet::default()
    };
    let issued = plan.planned_ms;
    let fmt = |ms: i64| iam::values::date::format(i128::from(ms) * 1_000_000);
    let mut checks = vec![check(
        &policies,
        &policy_name,
        role_arn,
        &session.arn,
        &session.user_id,
        &session.action,
        &fmt(issued - 1_000),
        "the stolen session (issued 1 s before the action)",
        true,
    )?];
    checks.push(match action {
        ActionName::RevokeRoleSessions => check(
            &policies,
            &policy_name,
            role_arn,
            &session.arn,
            &session.user_id,
            &session.action,
            &fmt(issued + 1_000),
            "a session issued 1 s after the cutoff",
            false,
        )?,
        _ => {
            let (role_id, _) = session
                .user_id
                .split_once(':')
                .unwrap_or((&session.user_id, ""));
            // Another instance of the blast radius (or, if the role has none, a made-up id):
            // its session shares the role but not the `aws:userid`.
            let own = session.arn.rsplit('/').next().unwrap_or_default();
            let other = plan
                .blast_radius
                .instances
                .iter()
                .map(|i| i.id.as_str())
                .find(|id| *id != own)
                .unwrap_or("i-00000000000000000");
            let arn = format!(
                "{}/{other}",
                session.arn.rsplit_once('/').map_or("", |(a, _)| a)
            );
            check(
                &policies,
                &policy_name,
                role_arn,
                &arn,
                &format!("{role_id}:{other}"),
                &session.action,
                &fmt(issued - 1_000),
                "another instance's session of the same role",
                false,
            )?
        }
    });
    Ok(Some(Verification {
        policy_name,
        policy_read_back,
        checks,
    }))
}

#[expect(clippy::too_many_arguments, reason = "one request's fields")]
fn check(
    policies: &PolicySet,
    policy_name: &str,
    role_arn: &str,
    principal: &str,
    user_id: &str,
    action: &str,
    issued: &str,
    label: &str,
    expect_denied: bool,
) -> Result<Check, ActionError> {
    let mut context = Context::new();
    context.insert("aws:TokenIssueTime", issued);
    context.insert("aws:userid", user_id);
    context.insert("aws:PrincipalArn", role_arn);
    if let Some(account) = role_arn.split(':').nth(4) {
        context.insert("aws:PrincipalAccount", account);
    }
    let request = Request::new(Principal::parse(principal), action, "*", None, context)
        .map_err(|e| ActionError::Invalid(e.to_string()))?;
    let response = evaluate(policies, &request);
    let denied_by_policy = response.decision == Decision::ExplicitlyDenied
        && response
            .matched
            .iter()
            .any(|m| m.policy == policy_name && m.effect == Effect::Deny);
    let mut matched: Vec<String> = response
        .matched
        .iter()
        .map(|m| m.policy.to_owned())
        .collect();
    matched.dedup();
    Ok(Check {
        label: label.to_owned(),
        principal: principal.to_owned(),
        action: action.to_owned(),
        token_issue_time: issued.to_owned(),
        decision: response.decision.as_str().to_owned(),
        matched_policies: matched,
        expect_denied_by_policy: expect_denied,
        holds: denied_by_policy == expect_denied,
    })
}
