//! Which findings a listing shows.

use findings::Finding;

/// Filters for [`crate::Store::findings`]; every set field must hold.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// Minimum numeric severity.
    pub min_severity: Option<f64>,
    /// Type prefixes, any of which must match (`UnauthorizedAccess:IAMUser/Instance…`).
    pub type_prefixes: Vec<String>,
    /// Only archived (`Some(true)`) or only active (`Some(false)`) findings.
    pub archived: Option<bool>,
    /// Last seen at or after this ISO-8601 instant.
    pub since: Option<String>,
    /// Last seen before this ISO-8601 instant.
    pub until: Option<String>,
}

impl FindingFilter {
    /// True when the finding passes every set filter.
    pub fn accepts(&self, finding: &Finding) -> bool {
        self.accepts_fields(&Fields {
            severity: finding.severity,
            finding_type: &finding.finding_type,
            archived: finding.service.archived,
            last_seen: &finding.service.event_last_seen,
        })
    }

    /// [`FindingFilter::accepts`] for a finding known by the fields it filters on.
    pub(crate) fn accepts_fields(&self, finding: &Fields<'_>) -> bool {
        let last_seen = findings::parse_millis(finding.last_seen);
        let bound = |text: &Option<String>| text.as_deref().and_then(findings::parse_millis);
        self.min_severity.is_none_or(|min| finding.severity >= min)
            && (self.type_prefixes.is_empty()
                || self
                    .type_prefixes
                    .iter()
                    .any(|prefix| finding.finding_type.starts_with(prefix.as_str())))
            && self.archived.is_none_or(|a| finding.archived == a)
            && bound(&self.since).is_none_or(|since| last_seen.is_some_and(|t| t >= since))
            && bound(&self.until).is_none_or(|until| last_seen.is_some_and(|t| t < until))
    }
}

/// What [`FindingFilter`] looks at in a finding.
pub(crate) struct Fields<'a> {
    pub(crate) severity: f64,
    pub(crate) finding_type: &'a str,
    pub(crate) archived: bool,
    /// `service.eventLastSeen`.
    pub(crate) last_seen: &'a str,
}
