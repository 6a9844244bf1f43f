//! `trailguard.toml`: the raw file model and its loading, with errors that name file and line.
//!
//! Sections that other subcommands act on (`[aws]`, `[serve]`, `[email]`) are kept here as
//! tables, read by those subcommands, so one file serves every command; `hunt` reads `[store]` and `[detection]`; the
//! routing sections (`[response]`, `[[suppress]]`, `[[severity]]`, `[[rule]]`) use the
//! `respond` crate's types.

use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use toml::Spanned;

/// The whole configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    #[serde(default)]
    pub(crate) store: StoreSection,
    #[serde(default)]
    pub(crate) detection: DetectionSection,
    #[serde(default)]
    pub(crate) aws: Option<toml::Table>,
    #[serde(default)]
    pub(crate) serve: Option<toml::Table>,
    #[serde(default)]
    pub(crate) email: Option<toml::Table>,
    #[serde(default)]
    pub(crate) response: respond::config::ResponseSection,
    #[serde(default)]
    pub(crate) suppress: Vec<Spanned<respond::config::SuppressConfig>>,
    #[serde(default)]
    pub(crate) severity: Vec<Spanned<respond::config::SeverityConfig>>,
    #[serde(default)]
    pub(crate) rule: Vec<Spanned<respond::config::RuleConfig>>,
}

/// `[store]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoreSection {
    /// `sqlite://PATH`.
    pub(crate) url: Option<String>,
}

/// `[detection]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DetectionSection {
    /// `"builtin"` or a path to `ip-ranges.json`.
    pub(crate) ip_ranges: Option<String>,
    /// CIDRs of the user's own egress.
    #[serde(default)]
    pub(crate) own_networks: Vec<Spanned<String>>,
    /// GuardDuty TXT trusted lists.
    #[serde(default)]
    pub(crate) trusted_ip_lists: Vec<PathBuf>,
    /// GuardDuty TXT threat lists.
    #[serde(default)]
    pub(crate) threat_ip_lists: Vec<PathBuf>,
    /// Accounts of the same organisation.
    #[serde(default)]
    pub(crate) affiliated_accounts: Vec<Spanned<String>>,
    /// `aws ec2 describe-instances` JSON files.
    #[serde(default)]
    pub(crate) inventory: Vec<PathBuf>,
    /// MaxMind City or Country database.
    pub(crate) geoip_city: Option<PathBuf>,
    /// MaxMind ASN database.
    pub(crate) geoip_asn: Option<PathBuf>,
    /// Bind each session to the first AWS address it uses (default true).
    pub(crate) lock_first_address: Option<bool>,
}

/// A configuration error pointing into the file.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
pub(crate) struct ConfigError {
    message: String,
    #[source_code]
    source_code: NamedSource<String>,
    #[label("here")]
    span: Option<SourceSpan>,
}

/// Every error found in one file.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("invalid configuration `{path}` ({count} error(s))")]
pub(crate) struct ConfigErrors {
    path: String,
    count: usize,
    #[related]
    errors: Vec<ConfigError>,
}

/// A loaded file: the raw model plus what is needed to report errors against it.
pub(crate) struct LoadedConfig {
    pub(crate) raw: RawConfig,
    pub(crate) dir: PathBuf,
    path: String,
    text: String,
}

impl LoadedConfig {
    /// Reads and parses a config file; syntax and type errors carry their line.
    pub(crate) fn load(path: &Path) -> miette::Result<Self> {
        let text = fs_err::read_to_string(path).map_err(|e| miette::miette!("{e}"))?;
        let raw: RawConfig = toml::from_str(&text).map_err(|error| ConfigErrors {
            path: path.display().to_string(),
            count: 1,
            errors: vec![ConfigError {
                message: error.message().to_owned(),
                source_code: NamedSource::new(path.display().to_string(), text.clone()),
                span: error.span().map(SourceSpan::from),
            }],
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Self {
            raw,
            dir,
            path: path.display().to_string(),
            text,
        })
    }

    /// A path from the file, relative to the file's directory.
    pub(crate) fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.dir.join(path)
        }
    }

    /// Collects semantic errors to report together.
    pub(crate) fn error_at(
        &self,
        message: String,
        span: Option<std::ops::Range<usize>>,
    ) -> ConfigError {
        ConfigError {
            message,
            source_code: NamedSource::new(self.path.clone(), self.text.clone()),
            span: span.map(SourceSpan::from),
        }
    }

    /// Fails with every collected error, or succeeds when there is none.
    pub(crate) fn check(&self, errors: Vec<ConfigError>) -> miette::Result<()> {
        if errors.is_empty() {
            return Ok(());
        }
        Err(ConfigErrors {
            path: self.path.clone(),
            count: errors.len(),
            errors,
        }
        .into())
    }
}
