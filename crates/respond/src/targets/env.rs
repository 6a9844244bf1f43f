//! Secrets come from environment variables named in the configuration; their values are never
//! logged or put in an error.

use super::TargetError;

/// The value of the environment variable `name`.
pub(crate) fn read_env(name: &str) -> Result<String, TargetError> {
    std::env::var(name).map_err(|_| TargetError::MissingEnv(name.to_owned()))
}
