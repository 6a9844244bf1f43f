//! Recognising EC2 instance credentials from a record's `userIdentity`.

/// The parts of `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AssumedRoleArn<'a> {
    pub(crate) partition: &'a str,
    pub(crate) account: &'a str,
    pub(crate) role_name: &'a str,
    pub(crate) session: &'a str,
}

/// Splits an assumed-role session ARN; `None` for any other ARN.
pub(crate) fn parse_assumed_role_arn(arn: &str) -> Option<AssumedRoleArn<'_>> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("sts"), Some(_region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let rest = resource.strip_prefix("assumed-role/")?;
    let (role_name, session) = rest.rsplit_once('/')?;
    if role_name.is_empty() || session.is_empty() {
        return None;
    }
    Some(AssumedRoleArn {
        partition,
        account,
        role_name,
        session,
    })
}

/// The role name of `arn:…:iam::<account>:role/<path/><name>`.
pub(crate) fn role_name_of_arn(arn: &str) -> Option<&str> {
    let (_, resource) = arn.split_once(":role/")?;
    resource.rsplit('/').next().filter(|name| !name.is_empty())
}

/// The account field of any ARN.
pub(crate) fn account_of_arn(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|account| !account.is_empty())
}

/// `i-` followed by 8 or 17 hex digits, in any case: an EC2 instance id.
pub(crate) fn is_instance_id(name: &str) -> bool {
    let Some(hex) = name.strip_prefix("i-").or_else(|| name.strip_prefix("I-")) else {
        return false;
    };
    matches!(hex.len(), 8 | 17) && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The role EC2 uses for instance identity credentials (AWS agents); no AssumeRole is logged
/// for it and no customer role can have this name (IAM names cannot contain `:`).
pub(crate) const INSTANCE_IDENTITY_ROLE: &str = "aws:ec2-instance";

/// True when `eventVersion` is older than 1.08, the version that added `ec2RoleDelivery`.
/// A missing or unreadable version counts as old: such records cannot carry the marker.
pub(crate) fn predates_role_delivery(event_version: Option<&str>) -> bool {
    let Some((major, minor)) = event_version.and_then(|v| v.split_once('.')) else {
        return true;
    };
    match (major.parse::<u32>(), minor.parse::<u32>()) {
        (Ok(major), Ok(minor)) => (major, minor) < (1, 8),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_session_arns() {
        let arn = parse_assumed_role_arn(
            "arn:aws:sts::123456789012:assumed-role/GuardDuty-Example-EC2-Compromised/i-0123456789abcdef0",
        )
        .unwrap();
        assert_eq!(arn.partition, "aws");
        assert_eq!(arn.account, "123456789012");
        assert_eq!(arn.role_name, "GuardDuty-Example-EC2-Compromised");
        assert_eq!(arn.session, "i-0123456789abcdef0");
        let identity =
            parse_assumed_role_arn("arn:aws:sts::1:assumed-role/aws:ec2-instance/i-12345678")
                .unwrap();
        assert_eq!(identity.role_name, INSTANCE_IDENTITY_ROLE);
        assert_eq!(parse_assumed_role_arn("arn:aws:iam::1:user/bob"), None);
        assert_eq!(
            parse_assumed_role_arn("arn:aws:sts::1:assumed-role/only"),
            None
        );
        assert_eq!(parse_assumed_role_arn("garbage"), None);
    }

    #[test]
    fn role_names_drop_the_path() {
        assert_eq!(
            role_name_of_arn("arn:aws:iam::1:role/app/web/WebRole"),
            Some("WebRole")
        );
        assert_eq!(
            role_name_of_arn("arn:aws:iam::1:role/WebRole"),
            Some("WebRole")
        );
        assert_eq!(role_name_of_arn("arn:aws:iam::1:user/bob"), None);
        assert_eq!(
            account_of_arn("arn:aws:iam::123456789012:role/x"),
            Some("123456789012")
        );
    }

    #[test]
    fn instance_ids_are_8_or_17_hex_any_case() {
        assert!(is_instance_id("i-0123456789abcdef0"));
        assert!(is_instance_id("i-786a3A8B5C0d92eF4"));
        assert!(is_instance_id("i-12345678"));
        assert!(!is_instance_id("i-1234567"));
        assert!(!is_instance_id("i-0123456789abcdefg"));
        assert!(!is_instance_id("botocore-session-1"));
        assert!(!is_instance_id("i-"));
    }

    #[test]
    fn role_delivery_arrived_in_1_08() {
        assert!(predates_role_delivery(Some("1.05")));
        assert!(predates_role_delivery(Some("1.07")));
        assert!(!predates_role_delivery(Some("1.08")));
        assert!(!predates_role_delivery(Some("1.11")));
        assert!(!predates_role_delivery(Some("2.0")));
        assert!(predates_role_delivery(None));
    }
}
