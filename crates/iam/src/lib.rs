//! IAM policy parser and evaluator with explanations; account snapshots. Pure, no I/O.
//!
//! - [`Policy`]: a policy document parsed (plain or URL-encoded JSON) and compiled.
//! - [`Request`]: principal, action, resource and condition keys, prepared once.
//! - [`evaluate`]: the decision procedure over a [`PolicySet`] → [`Response`].
//! - [`cloudtrail`]: the request a CloudTrail record describes.
//! - [`snapshot`]: `aws iam get-account-authorization-details` output: load, query, edit, save.
//! - [`simulate`]: the JSON request format of `trailguard iam simulate`.

mod arn;
pub mod cloudtrail;
mod evaluate;
mod glob;
mod policy;
mod request;
pub mod simulate;
pub mod snapshot;
pub mod values;

pub use evaluate::{Decision, Matched, PolicyKind, PolicySet, Reason, Response, evaluate};
pub use policy::{Effect, Grant, Policy, PolicyError, Statement, Version};
pub use request::{Context, Principal, PrincipalKind, Request, RequestError};

#[doc(hidden)]
pub mod __fuzz {
    //! Entry points for the property tests and the fuzz target (not a stable API).

    /// Whether `text` matches the `StringLike` pattern `pattern` (no variables).
    #[must_use]
    pub fn string_like(pattern: &str, text: &str) -> bool {
        let syntax = crate::glob::Syntax {
            wildcards: true,
            variables: false,
            fold: false,
        };
        crate::glob::Glob::compile(pattern, syntax).matches(text, &NoVars)
    }

    /// Whether `arn` matches the `Resource` entry `pattern` (no variables).
    #[must_use]
    pub fn resource_matches(pattern: &str, arn: &str) -> bool {
        crate::arn::ArnPattern::compile(pattern, false).matches(arn, &NoVars)
    }

    struct NoVars;

    impl crate::glob::Resolve for NoVars {
        fn resolve(&self, _hash: u64, _key: &str) -> Option<&str> {
            None
        }
    }
}
