//! The finding types trailguard raises, with GuardDuty's names, severities and wording.

/// A finding type trailguard can raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKind {
    /// Instance credentials used from outside AWS.
    InstanceCredentialExfiltrationOutsideAws,
    /// Instance credentials used from another AWS account (IP or VPC endpoint).
    InstanceCredentialExfiltrationInsideAws,
    /// An API called from an IP on a custom threat list.
    MaliciousIpCallerCustom,
}

impl FindingKind {
    /// The exact GuardDuty type string.
    pub fn type_name(self) -> &'static str {
        match self {
            Self::InstanceCredentialExfiltrationOutsideAws => {
                "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"
            }
            Self::InstanceCredentialExfiltrationInsideAws => {
                "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS"
            }
            Self::MaliciousIpCallerCustom => "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
        }
    }

    /// GuardDuty's default severity for the type.
    pub fn default_severity(self) -> f64 {
        match self {
            Self::InstanceCredentialExfiltrationOutsideAws
            | Self::InstanceCredentialExfiltrationInsideAws => 8.0,
            Self::MaliciousIpCallerCustom => 5.0,
        }
    }

    /// The kind for a GuardDuty type string, if trailguard raises it.
    pub fn from_type_name(name: &str) -> Option<Self> {
        [
            Self::InstanceCredentialExfiltrationOutsideAws,
            Self::InstanceCredentialExfiltrationInsideAws,
            Self::MaliciousIpCallerCustom,
        ]
        .into_iter()
        .find(|kind| kind.type_name() == name)
    }

    /// Title and description in GuardDuty's style for the principal and source.
    ///
    /// `principal` is the role name (instance credentials) or the user name; `source` is the
    /// remote IP, or for InsideAWS a phrase naming the IP or the remote account's VPC endpoint.
    pub fn wording(self, principal: &str, source: &str, api: &str) -> (String, String) {
        match self {
            Self::InstanceCredentialExfiltrationOutsideAws => (
                format!("Credentials for instance role {principal} used from external IP address."),
                format!(
                    "Credentials created exclusively for an EC2 instance using instance role \
                     {principal} have been used from external IP address {source}."
                ),
            ),
            Self::InstanceCredentialExfiltrationInsideAws => (
                format!(
                    "Credentials for instance role {principal} used from a remote AWS account."
                ),
                format!(
                    "Credentials created exclusively for an EC2 instance using instance role \
                     {principal} have been used from {source}, which is owned by a different AWS \
                     account than the one the EC2 instance runs in."
                ),
            ),
            Self::MaliciousIpCallerCustom => (
                format!("API {api} was invoked from an IP address on a custom threat list."),
                format!(
                    "API {api} was invoked by {principal} from IP address {source}, which is on a \
                     custom threat list."
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_round_trip() {
        for kind in [
            FindingKind::InstanceCredentialExfiltrationOutsideAws,
            FindingKind::InstanceCredentialExfiltrationInsideAws,
            FindingKind::MaliciousIpCallerCustom,
        ] {
            assert_eq!(FindingKind::from_type_name(kind.type_name()), Some(kind));
        }
        assert_eq!(
            FindingKind::from_type_name(
                "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"
            ),
            None
        );
    }

    #[test]
    fn outside_wording_names_role_and_ip() {
        let (title, description) = FindingKind::InstanceCredentialExfiltrationOutsideAws.wording(
            "GuardDuty-Example-EC2-Compromised",
            "198.51.100.7",
            "ListTables",
        );
        assert_eq!(
            title,
            "Credentials for instance role GuardDuty-Example-EC2-Compromised used from external IP address."
        );
        assert_eq!(
            description,
            "Credentials created exclusively for an EC2 instance using instance role \
             GuardDuty-Example-EC2-Compromised have been used from external IP address 198.51.100.7."
        );
    }
}
