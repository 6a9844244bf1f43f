//! Policy documents: parsing and validation (with JSON locations in errors) into a compiled
//! form that evaluation reads without allocating.

mod action;
mod condition;
mod error;
mod parse;
pub(crate) mod principal;

pub use error::PolicyError;
pub use principal::Grant;

use crate::arn::ArnPattern;
use crate::request::Request;
use action::ActionPattern;
use condition::Condition;
use principal::PrincipalMatcher;

/// The policy language version; only 2012-10-17 substitutes policy variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `2008-10-17` (also what a missing `Version` means).
    V2008_10_17,
    /// `2012-10-17`.
    V2012_10_17,
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
}

impl Effect {
    /// `Allow` or `Deny`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "Allow",
            Self::Deny => "Deny",
        }
    }
}

/// A parsed, compiled policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    name: Box<str>,
    id: Option<Box<str>>,
    version: Option<Version>,
    statements: Box<[Statement]>,
}

impl Policy {
    /// Parses a policy document, plain JSON or URL-encoded (as IAM's `GetRolePolicy` and
    /// `get-account-authorization-details` return it). `name` identifies it in explanations.
    ///
    /// # Errors
    /// If the text is not JSON, or not a valid policy.
    pub fn parse(name: &str, text: &str) -> Result<Self, PolicyError> {
        let trimmed = text.trim_start();
        let decoded;
        let json = if trimmed.starts_with('{') {
            text
        } else {
            decoded =
                crate::values::percent::decode(text).ok_or_else(|| PolicyError::Encoding {
                    policy: name.to_owned(),
                })?;
            &decoded
        };
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| PolicyError::Json {
                policy: name.to_owned(),
                message: e.to_string(),
            })?;
        Self::from_json(name, &value)
    }

    /// Compiles a document already read as JSON (a URL-encoded string is decoded first).
    ///
    /// # Errors
    /// If it is not a valid policy.
    pub fn from_json(name: &str, value: &serde_json::Value) -> Result<Self, PolicyError> {
        match value {
            serde_json::Value::String(text) => Self::parse(name, text),
            _ => parse::document(name, value),
        }
    }

    /// The name given at parse time.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The `Id` element.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The `Version` element (`None` if absent, which means 2008-10-17 rules).
    #[must_use]
    pub fn version(&self) -> Option<Version> {
        self.version
    }

    /// The statements, in document order.
    #[must_use]
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// Whether any statement has a `Principal` or `NotPrincipal` element.
    #[must_use]
    pub fn has_principal(&self) -> bool {
        self.statements.iter().any(|s| s.principal.is_some())
    }
}

/// One compiled statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    sid: Option<Box<str>>,
    effect: Effect,
    principal: Option<PrincipalMatcher>,
    actions: Patterns<ActionPattern>,
    resources: Option<Patterns<ArnPattern>>,
    conditions: Box<[Condition]>,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: a list and whether it is negated.
#[derive(Debug, Clone, PartialEq)]
struct Patterns<T> {
    negated: bool,
    items: Box<[T]>,
}

impl Statement {
    /// The `Sid`.
    #[must_use]
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }

    /// The `Effect`.
    #[must_use]
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// Whether action, resource and every condition match (the principal is not checked).
    #[must_use]
    pub fn applies(&self, request: &Request) -> bool {
        let action = request.action_lower();
        let action_hit = self.actions.items.iter().any(|p| p.matches(action));
        if action_hit == self.actions.negated {
            return false;
        }
        if let Some(resources) = &self.resources {
            // An entry whose variable has no value matches nothing (user guide,
            // `reference_policies_variables`), for `Resource` and `NotResource` alike.
            let resource = request.resource();
            let hit = resources.items.iter().any(|p| p.matches(resource, request));
            if hit == resources.negated {
                return false;
            }
        }
        self.conditions.iter().all(|c| c.holds(request))
    }

    /// For resource-based policies: what the `Principal`/`NotPrincipal` element grants the
    /// caller (`None`: it does not name the caller, or the statement has no such element).
    #[must_use]
    pub fn grant(&self, request: &Request) -> Option<Grant> {
        self.principal
            .as_ref()
            .and_then(|p| p.grant(request.principal()))
    }

    /// Whether the statement has a `Principal` or `NotPrincipal` element.
    #[must_use]
    pub fn has_principal(&self) -> bool {
        self.principal.is_some()
    }
}
