//! The fields of a GuardDuty finding the actions read (a bare finding or an EventBridge
//! envelope's `detail`), straight from the JSON so real GuardDuty findings work unchanged.

use serde_json::Value;

/// A finding, as JSON.
#[derive(Debug, Clone, Copy)]
pub struct FindingView<'a>(pub &'a Value);

impl<'a> FindingView<'a> {
    /// The finding inside `json`: its `detail` if it is an EventBridge envelope.
    #[must_use]
    pub fn of(json: &'a Value) -> Self {
        match json.get("detail") {
            Some(detail) if json.get("detail-type").is_some() => Self(detail),
            _ => Self(json),
        }
    }

    fn str_at(&self, path: &[&str]) -> Option<&'a str> {
        let mut value = self.0;
        for key in path {
            value = value.get(key)?;
        }
        value.as_str().filter(|s| !s.is_empty())
    }

    /// `id`.
    #[must_use]
    pub fn id(&self) -> Option<&'a str> {
        self.str_at(&["id"])
    }

    /// `type`.
    #[must_use]
    pub fn finding_type(&self) -> Option<&'a str> {
        self.str_at(&["type"])
    }

    /// `accountId`.
    #[must_use]
    pub fn account(&self) -> Option<&'a str> {
        self.str_at(&["accountId"])
    }

    /// `partition` (default `aws`).
    #[must_use]
    pub fn partition(&self) -> &'a str {
        self.str_at(&["partition"]).unwrap_or("aws")
    }

    /// `resource.accessKeyDetails.userName`: the role name for instance credentials.
    #[must_use]
    pub fn user_name(&self) -> Option<&'a str> {
        self.str_at(&["resource", "accessKeyDetails", "userName"])
    }

    /// `resource.accessKeyDetails.userType`.
    #[must_use]
    pub fn user_type(&self) -> Option<&'a str> {
        self.str_at(&["resource", "accessKeyDetails", "userType"])
    }

    /// `resource.accessKeyDetails.principalId` (`AROA…:i-…`), which is `aws:userid`.
    #[must_use]
    pub fn principal_id(&self) -> Option<&'a str> {
        self.str_at(&["resource", "accessKeyDetails", "principalId"])
    }

    /// The role session name: the part of `principalId` after `:`.
    #[must_use]
    pub fn session_name(&self) -> Option<&'a str> {
        self.principal_id()?.split_once(':').map(|(_, s)| s)
    }

    /// `resource.instanceDetails.instanceId`.
    #[must_use]
    pub fn instance_id(&self) -> Option<&'a str> {
        self.str_at(&["resource", "instanceDetails", "instanceId"])
    }

    /// The IAM action of `service.action.awsApiCallAction` (`dynamodb:ListTables`).
    #[must_use]
    pub fn api_action(&self) -> Option<String> {
        let call = ["service", "action", "awsApiCallAction"];
        let api = self.str_at(&[call[0], call[1], call[2], "api"])?;
        let service = self.str_at(&[call[0], call[1], call[2], "serviceName"])?;
        let prefix = service.strip_suffix(".amazonaws.com").unwrap_or(service);
        Some(format!("{prefix}:{api}"))
    }

    /// Whether GuardDuty generated it as a sample (`service.additionalInfo.sample`).
    #[must_use]
    pub fn is_sample(&self) -> bool {
        let flag = self
            .0
            .get("service")
            .and_then(|s| s.get("additionalInfo"))
            .and_then(|a| a.get("sample"));
        match flag {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
            _ => false,
        }
    }
}
