//! GuardDuty finding types → ASFF `Types`, as Security Hub names them.
//!
//! Source: the table "Interpreting GuardDuty finding names in Security Hub" of the GuardDuty
//! user guide (`securityhub-integration`): every type trailguard raises, plus the pre-2022
//! name of the exfiltration finding that real GuardDuty findings may still carry.

/// The table rows trailguard needs, GuardDuty type first.
const KNOWN: [(&str, &str); 4] = [
    (
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        "Effects/Data Exfiltration/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.OutsideAWS",
    ),
    (
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS",
        "Effects/Data Exfiltration/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.InsideAWS",
    ),
    (
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration",
        "Effects/Data Exfiltration/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration",
    ),
    (
        "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
        "TTPs/UnauthorizedAccess:IAMUser-MaliciousIPCaller.Custom",
    ),
];

/// The ASFF `Types` entry for a GuardDuty finding type.
///
/// Types outside the table (findings imported from GuardDuty) are not documented here; they
/// get `TTPs/` and the type with its `/` written as `-`, the shape most rows of the table have
/// (for example `TTPs/UnauthorizedAccess:IAMUser-MaliciousIPCaller`).
pub fn asff_types(guardduty_type: &str) -> String {
    KNOWN
        .iter()
        .find(|(gd, _)| *gd == guardduty_type)
        .map(|(_, asff)| (*asff).to_owned())
        .unwrap_or_else(|| format!("TTPs/{}", guardduty_type.replacen('/', "-", 1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FindingKind;

    #[test]
    fn every_kind_trailguard_raises_is_in_the_table() {
        assert_eq!(
            asff_types(FindingKind::InstanceCredentialExfiltrationOutsideAws.type_name()),
            "Effects/Data Exfiltration/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.OutsideAWS"
        );
        assert_eq!(
            asff_types(FindingKind::InstanceCredentialExfiltrationInsideAws.type_name()),
            "Effects/Data Exfiltration/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.InsideAWS"
        );
        assert_eq!(
            asff_types(FindingKind::MaliciousIpCallerCustom.type_name()),
            "TTPs/UnauthorizedAccess:IAMUser-MaliciousIPCaller.Custom"
        );
    }

    #[test]
    fn legacy_exfiltration_name_maps_as_documented() {
        assert_eq!(
            asff_types("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"),
            "Effects/Data Exfiltration/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration"
        );
    }

    #[test]
    fn unknown_types_get_the_common_ttps_shape() {
        assert_eq!(
            asff_types("Recon:IAMUser/TorIPCaller"),
            "TTPs/Recon:IAMUser-TorIPCaller"
        );
    }
}
