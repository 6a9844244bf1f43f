//! The facts a finding reports about a call, shared by every call that agrees on all of them
//! (same session, API, key, user agent …): interned per thread, so a run's observations stay
//! small however many records it reads.

use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHasher};

use crate::state::SessionKey;

/// The facts of a call that a finding reports.
#[derive(Debug, PartialEq, Eq)]
pub struct CallFacts {
    /// The session: (account, role, instance).
    pub session: SessionKey,
    /// Full role ARN (with path when CloudTrail gives it).
    pub role_arn: Box<str>,
    /// Partition of the session ARN.
    pub partition: Box<str>,
    /// `awsRegion`.
    pub region: Box<str>,
    /// `eventName`.
    pub api: Box<str>,
    /// `eventSource`.
    pub service: Box<str>,
    /// `userAgent`.
    pub user_agent: Option<Box<str>>,
    /// `errorCode`.
    pub error_code: Option<Box<str>>,
    /// The `ASIA…` key.
    pub access_key_id: Box<str>,
    /// `AROA…:i-…`.
    pub principal_id: Box<str>,
    /// Instance id as written in the record.
    pub instance_id: Box<str>,
    /// `ec2RoleDelivery`: `1.0` (IMDSv1) or `2.0` (IMDSv2).
    pub imds_version: Option<Box<str>>,
}

/// The same facts, borrowed from a record.
#[derive(Debug, Clone, Copy, Hash)]
pub(crate) struct FactsRef<'a> {
    pub(crate) account: &'a str,
    pub(crate) role_name: &'a str,
    pub(crate) role_arn: &'a str,
    pub(crate) partition: &'a str,
    pub(crate) region: &'a str,
    pub(crate) api: &'a str,
    pub(crate) service: &'a str,
    pub(crate) user_agent: Option<&'a str>,
    pub(crate) error_code: Option<&'a str>,
    pub(crate) access_key_id: &'a str,
    pub(crate) principal_id: &'a str,
    pub(crate) instance_id: &'a str,
    pub(crate) imds_version: Option<&'a str>,
}

impl FactsRef<'_> {
    fn matches(&self, facts: &CallFacts) -> bool {
        *facts.session.account == *self.account
            && *facts.session.role_name == *self.role_name
            && *facts.role_arn == *self.role_arn
            && *facts.partition == *self.partition
            && *facts.region == *self.region
            && *facts.api == *self.api
            && *facts.service == *self.service
            && facts.user_agent.as_deref() == self.user_agent
            && facts.error_code.as_deref() == self.error_code
            && *facts.access_key_id == *self.access_key_id
            && *facts.principal_id == *self.principal_id
            && *facts.instance_id == *self.instance_id
            && facts.imds_version.as_deref() == self.imds_version
    }

    fn to_owned(self) -> CallFacts {
        CallFacts {
            session: SessionKey::new(self.account, self.role_name, self.instance_id),
            role_arn: self.role_arn.into(),
            partition: self.partition.into(),
            region: self.region.into(),
            api: self.api.into(),
            service: self.service.into(),
            user_agent: self.user_agent.map(Into::into),
            error_code: self.error_code.map(Into::into),
            access_key_id: self.access_key_id.into(),
            principal_id: self.principal_id.into(),
            instance_id: self.instance_id.into(),
            imds_version: self.imds_version.map(Into::into),
        }
    }
}

/// Past this many distinct facts a thread's table starts again (bounds memory).
const MAX_ENTRIES: usize = 1 << 16;

/// Interned facts by hash, with the number of entries.
type Table = (usize, FxHashMap<u64, Vec<Arc<CallFacts>>>);

thread_local! {
    static TABLE: RefCell<Table> = RefCell::new((0, FxHashMap::default()));
}

/// The shared copy of these facts.
pub(crate) fn intern_facts(facts: FactsRef<'_>) -> Arc<CallFacts> {
    let mut hasher = FxHasher::default();
    facts.hash(&mut hasher);
    let hash = hasher.finish();
    TABLE.with(|table| {
        let (len, table) = &mut *table.borrow_mut();
        if let Some(found) = table
            .get(&hash)
            .and_then(|bucket| bucket.iter().find(|known| facts.matches(known)))
        {
            return Arc::clone(found);
        }
        if *len >= MAX_ENTRIES {
            table.clear();
            *len = 0;
        }
        let shared = Arc::new(facts.to_owned());
        table.entry(hash).or_default().push(Arc::clone(&shared));
        *len += 1;
        shared
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(api: &str) -> FactsRef<'_> {
        FactsRef {
            account: "1",
            role_name: "R",
            role_arn: "arn:aws:iam::1:role/R",
            partition: "aws",
            region: "us-west-2",
            api,
            service: "dynamodb.amazonaws.com",
            user_agent: Some("cli"),
            error_code: None,
            access_key_id: "ASIA1",
            principal_id: "AROA:i-12345678",
            instance_id: "I-12345678",
            imds_version: Some("2.0"),
        }
    }

    #[test]
    fn equal_facts_are_shared_and_different_ones_are_not() {
        let a = intern_facts(facts("ListTables"));
        let b = intern_facts(facts("ListTables"));
        let c = intern_facts(facts("Scan"));
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(&*c.api, "Scan");
        assert_eq!(
            &*a.session.instance, "i-12345678",
            "session keys are lowercased"
        );
        assert_eq!(
            &*a.instance_id, "I-12345678",
            "the record's spelling is kept for display"
        );
    }
}
