//! ARN patterns for the `Resource` element and the `Arn*` condition operators, matched
//! segment by segment (`arn:partition:service:region:account:resource`).
//!
//! `*` and `?` work inside each segment except the service segment, where the IAM user guide
//! says wildcards cannot be used (they are literal characters there). A pattern with fewer
//! than six segments lets its last segment absorb the rest of the ARN, colons included: the
//! user guide says a `*` that ends a segment "can expand to match beyond the colon boundaries".

use crate::glob::{Glob, Resolve, Syntax};

const SEGMENTS: usize = 6;
const SERVICE: usize = 2;

/// A compiled `Resource`/`NotResource` entry or `Arn*` condition value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ArnPattern {
    /// `*`: every resource.
    Any,
    /// No wildcard and no variable: string equality.
    Exact(Box<str>),
    /// Only a trailing `*` and no variable: a prefix test.
    Prefix(Box<str>),
    /// An ARN pattern: one glob per segment; the last absorbs the rest of the ARN.
    Segments(Box<[Glob]>),
    /// Something that is not an ARN: matched as a whole.
    Text(Glob),
}

impl ArnPattern {
    /// Compiles an entry; `variables` is true for policies with `Version` 2012-10-17.
    pub(crate) fn compile(text: &str, variables: bool) -> Self {
        if text == "*" {
            return Self::Any;
        }
        let wild = |s: &str| s.contains(['*', '?']);
        let has_var = variables && text.contains("${");
        if !has_var && !wild(text) {
            return Self::Exact(text.into());
        }
        if !has_var && let Some(prefix) = text.strip_suffix('*') {
            let service_literal = !text.starts_with("arn:")
                || text
                    .splitn(SEGMENTS, ':')
                    .nth(SERVICE)
                    .is_none_or(|s| !wild(s));
            if !wild(prefix) && service_literal && prefix.matches(':').count() > SERVICE {
                return Self::Prefix(prefix.into());
            }
        }
        let syntax = Syntax {
            wildcards: true,
            variables,
            fold: false,
        };
        if !text.starts_with("arn:") {
            return Self::Text(Glob::compile(text, syntax));
        }
        let segments = text
            .splitn(SEGMENTS, ':')
            .enumerate()
            .map(|(i, s)| {
                let wildcards = i != SERVICE;
                Glob::compile(
                    s,
                    Syntax {
                        wildcards,
                        ..syntax
                    },
                )
            })
            .collect();
        Self::Segments(segments)
    }

    /// Whether `arn` matches (an entry whose variable has no value matches nothing).
    pub(crate) fn matches(&self, arn: &str, vars: &dyn Resolve) -> bool {
        match self {
            Self::Any => true,
            Self::Exact(e) => **e == *arn,
            Self::Prefix(p) => arn.starts_with(&**p),
            Self::Text(g) => g.matches(arn, vars),
            Self::Segments(segments) => {
                let mut rest = arn.splitn(segments.len(), ':');
                segments
                    .iter()
                    .all(|glob| rest.next().is_some_and(|value| glob.matches(value, vars)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glob::tests::Vars;
    use std::collections::HashMap;

    fn m(pattern: &str, arn: &str) -> bool {
        ArnPattern::compile(pattern, true).matches(arn, &Vars(HashMap::new()))
    }

    #[test]
    fn fast_paths() {
        assert_eq!(ArnPattern::compile("*", true), ArnPattern::Any);
        assert!(matches!(
            ArnPattern::compile("arn:aws:s3:::b/*", true),
            ArnPattern::Prefix(_)
        ));
        assert!(matches!(
            ArnPattern::compile("arn:aws:s3:::b", true),
            ArnPattern::Exact(_)
        ));
    }

    #[test]
    fn segments() {
        assert!(m(
            "arn:aws:s3:::bucket/*/test/*",
            "arn:aws:s3:::bucket/1/2/test/3/o.jpg"
        ));
        assert!(m(
            "arn:aws:ec2:*:123456789012:instance/*",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-1"
        ));
        assert!(!m(
            "arn:aws:ec2:*:123456789012:instance/*",
            "arn:aws:ec2:us-east-1:210987654321:instance/i-1"
        ));
        assert!(m("arn:aws:s3:*:*:bucket", "arn:aws:s3:::bucket"));
        // A `*` inside the region segment does not cross into the account segment.
        assert!(!m(
            "arn:aws:ec2:us-*1:instance/x",
            "arn:aws:ec2:us-east:1:instance/x"
        ));
        // The resource segment keeps its colons.
        assert!(m(
            "arn:aws:logs:us-east-1:1:log-group:g:*",
            "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s"
        ));
        // A short pattern's last segment absorbs the rest.
        assert!(m("arn:aws:iam::*", "arn:aws:iam::123456789012:role/r"));
        // Case-sensitive.
        assert!(!m("arn:aws:iam::1:user/Bob", "arn:aws:iam::1:user/bob"));
        // No wildcard in the service segment.
        assert!(!m("arn:aws:*:us-east-1:1:x", "arn:aws:s3:us-east-1:1:x"));
        // The wildcard-only resource `*` is matched only by `*`.
        assert!(!m("arn:aws:s3:::*", "*"));
    }
}
