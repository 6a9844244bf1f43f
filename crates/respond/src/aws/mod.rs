//! Live AWS: the `[aws]` settings, and with the `aws` cargo feature the SDK clients
//! ([`Aws`]), the SDK-backed [`Account`](crate::account::Account) ([`AwsAccount`]) and the
//! `sns` and `lambda` targets.
//!
//! ```text
//! [aws] table → AwsSettings::from_table → Aws::connect (SDK config, one runtime, 4 clients)
//!     → AwsAccount (iam, ec2: the actions' calls)      → sns Publish / lambda Invoke (targets)
//! ```
//!
//! Without the feature, [`Aws::connect`] fails with [`AwsError::NotBuilt`] and no SDK code is
//! compiled: every other part of trailguard builds and tests in seconds.

#[cfg(feature = "aws")]
mod account;
#[cfg(feature = "aws")]
mod client;
#[cfg(feature = "aws")]
mod send;

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[cfg(feature = "aws")]
pub use account::AwsAccount;
#[cfg(feature = "aws")]
pub use client::Aws;

/// `[aws]`: where live calls go. Credentials come from the standard AWS chain (environment,
/// profile, SSO, container or instance role), never from this file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsSettings {
    /// Region of the SNS, Lambda and EC2 calls; `AWS_REGION` when absent.
    pub region: Option<String>,
    /// Another endpoint for every service (a local emulator); `AWS_ENDPOINT_URL` when absent.
    pub endpoint_url: Option<String>,
    /// A named profile of `~/.aws/config`.
    pub profile: Option<String>,
    /// Attempts per call, the first included (the SDK's default is 3).
    pub max_attempts: Option<u32>,
    /// An account snapshot directory: actions work on it instead of live AWS.
    pub snapshot: Option<PathBuf>,
}

impl AwsSettings {
    /// Reads the `[aws]` table; a relative `snapshot` is resolved against `base_dir`.
    ///
    /// # Errors
    /// An unknown key, a value of the wrong type, `max_attempts = 0`, or an `endpoint_url`
    /// that is not `http://` or `https://`.
    pub fn from_table(table: Option<&toml::Table>, base_dir: &Path) -> Result<Self, AwsError> {
        let mut settings: Self = match table {
            Some(table) => table
                .clone()
                .try_into()
                .map_err(|e: toml::de::Error| AwsError::Setting(e.message().to_owned()))?,
            None => Self::default(),
        };
        if settings.max_attempts == Some(0) {
            return Err(AwsError::Setting(
                "`max_attempts` counts the first attempt: it must be at least 1".to_owned(),
            ));
        }
        if let Some(url) = &settings.endpoint_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(AwsError::Setting(format!(
                "`endpoint_url` must be an http:// or https:// URL, not `{url}`"
            )));
        }
        if let Some(dir) = settings.snapshot.as_mut().filter(|dir| dir.is_relative()) {
            *dir = base_dir.join(&*dir);
        }
        Ok(settings)
    }
}

/// Why live AWS cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AwsError {
    /// This build has no SDK.
    #[error(
        "this trailguard was built without the `aws` feature: rebuild with `cargo build --release --features aws`, or give an account snapshot"
    )]
    NotBuilt,
    /// An `[aws]` setting is wrong.
    #[error("[aws]: {0}")]
    Setting(String),
    /// No region in `[aws] region`, `AWS_REGION` or the profile.
    #[error("no AWS region: set `[aws] region` or AWS_REGION")]
    NoRegion,
    /// The client runtime could not start.
    #[error("cannot start the AWS client runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// Whether this build can call AWS (the `aws` feature).
#[must_use]
pub const fn is_built() -> bool {
    cfg!(feature = "aws")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn settings_read_every_key_and_resolve_the_snapshot() {
        let t = table(
            "region = \"us-west-2\"\nendpoint_url = \"http://127.0.0.1:5000\"\nprofile = \"sec\"\nmax_attempts = 1\nsnapshot = \"account\"",
        );
        assert_eq!(
            AwsSettings::from_table(Some(&t), Path::new("/etc/tg")).unwrap(),
            AwsSettings {
                region: Some("us-west-2".into()),
                endpoint_url: Some("http://127.0.0.1:5000".into()),
                profile: Some("sec".into()),
                max_attempts: Some(1),
                snapshot: Some(PathBuf::from("/etc/tg/account")),
            }
        );
        assert_eq!(
            AwsSettings::from_table(None, Path::new("/")).unwrap(),
            AwsSettings::default()
        );
    }

    #[test]
    fn bad_settings_say_what_is_wrong() {
        for (text, expected) in [
            ("regoin = \"x\"", "unknown field `regoin`"),
            ("max_attempts = 0", "at least 1"),
            ("max_attempts = \"3\"", "invalid type"),
            ("endpoint_url = \"127.0.0.1:5000\"", "http:// or https://"),
        ] {
            let error = AwsSettings::from_table(Some(&table(text)), Path::new("/")).unwrap_err();
            assert!(error.to_string().contains(expected), "{text}: {error}");
        }
    }
}
