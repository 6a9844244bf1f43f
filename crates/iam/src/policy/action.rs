//! `Action`/`NotAction` entries: case-insensitive, with `*` and `?` in the action name.
//!
//! Wildcards work in the action name only; the service prefix is compared literally (the user
//! guide shows wildcards only after the colon, and `*:GetObject` matches nothing), except that
//! a bare `*` matches every action.

use crate::glob::{Glob, Syntax};

/// A compiled action pattern, matched against the lower-cased action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ActionPattern {
    Any,
    Exact(Box<str>),
    Prefix(Box<str>),
    Glob { service: Box<str>, name: Glob },
}

impl ActionPattern {
    /// Compiles an entry; `Err` if it is neither `*` nor `service:name`.
    pub(crate) fn compile(text: &str) -> Result<Self, String> {
        if text == "*" {
            return Ok(Self::Any);
        }
        let lower = text.to_lowercase();
        let Some((service, name)) = lower.split_once(':') else {
            return Err(format!(
                "action `{text}` is not of the form `service:action`"
            ));
        };
        let wild = |s: &str| s.contains(['*', '?']);
        if !wild(name) || wild(service) {
            return Ok(Self::Exact(lower.into()));
        }
        if let Some(prefix) = name.strip_suffix('*')
            && !wild(prefix)
        {
            return Ok(Self::Prefix(lower[..lower.len() - 1].into()));
        }
        let syntax = Syntax {
            wildcards: true,
            variables: false,
            fold: false,
        };
        Ok(Self::Glob {
            service: format!("{service}:").into(),
            name: Glob::compile(name, syntax),
        })
    }

    /// Whether the lower-cased `action` matches.
    pub(crate) fn matches(&self, action: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Exact(e) => **e == *action,
            Self::Prefix(p) => action.starts_with(&**p),
            Self::Glob { service, name } => action
                .strip_prefix(&**service)
                .is_some_and(|rest| name.matches(rest, &NoVariables)),
        }
    }
}

struct NoVariables;

impl crate::glob::Resolve for NoVariables {
    fn resolve(&self, _hash: u64, _key: &str) -> Option<&str> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, a: &str) -> bool {
        ActionPattern::compile(p)
            .unwrap()
            .matches(&a.to_lowercase())
    }

    #[test]
    fn matching() {
        assert!(m("iam:ListAccessKeys", "IAM:listaccesskeys"));
        assert!(m("s3:Get*", "s3:GetObject"));
        assert!(m("iam:*AccessKey*", "iam:CreateAccessKey"));
        assert!(m("ec2:*", "ec2:RunInstances"));
        assert!(m("s3:Get?bject", "s3:GetObject"));
        assert!(!m("s3:Get*", "s3:PutObject"));
        assert!(!m("s3:Get*", "s3x:GetObject"));
        assert!(!m("*:GetObject", "s3:GetObject"));
        assert!(!m("s3:GetObject,PutObject", "s3:PutObject"));
        assert!(m("*", "anything:Else"));
        assert!(ActionPattern::compile("s3").is_err());
    }
}
