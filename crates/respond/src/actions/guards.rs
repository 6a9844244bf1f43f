//! What actions refuse to touch, with the reason that goes to the audit log.

use super::FindingView;
use crate::account::Role;

/// Role names of EC2's own identity roles: credentials EC2 uses for itself, not a customer role.
const EC2_IDENTITY_ROLES: [&str; 2] = ["aws:ec2-instance", "aws:ec2-infrastructure"];

/// Refuses GuardDuty sample findings (`service.additionalInfo.sample`): their names are
/// placeholders (`GeneratedFindingUserName`) and acting on them would hit a random resource.
#[must_use]
pub fn sample(finding: FindingView<'_>) -> Option<String> {
    finding.is_sample().then(|| {
        "the finding is a GuardDuty sample finding (`service.additionalInfo.sample` is true)"
            .to_owned()
    })
}

/// Refuses findings of an account outside `allowed` (empty = every account).
#[must_use]
pub fn account_scope(finding: FindingView<'_>, allowed: &[String]) -> Option<String> {
    if allowed.is_empty() {
        return None;
    }
    match finding.account() {
        Some(account) if allowed.iter().any(|a| a == account) => None,
        Some(account) => Some(format!(
            "account `{account}` is not in the allowed accounts ({})",
            allowed.join(", ")
        )),
        None => Some("the finding has no `accountId` and accounts are restricted".to_owned()),
    }
}

/// Refuses EC2 identity roles by name (before any call to the account).
#[must_use]
pub fn identity_role(name: &str) -> Option<String> {
    EC2_IDENTITY_ROLES
        .contains(&name)
        .then(|| format!("role `{name}` is EC2's own identity role, not a customer role"))
}

/// Refuses service-linked roles and roles outside `allowed` (names or ARNs; empty = any).
#[must_use]
pub fn role(role: &Role, allowed: &[String]) -> Option<String> {
    if role.is_service_linked() {
        return Some(format!(
            "role `{}` is a service-linked role (path `{}`): IAM does not allow changing its policies",
            role.name, role.path
        ));
    }
    if !allowed.is_empty() && !allowed.iter().any(|a| *a == role.name || *a == role.arn) {
        return Some(format!(
            "role `{}` is not in the allowed roles ({})",
            role.name,
            allowed.join(", ")
        ));
    }
    None
}
