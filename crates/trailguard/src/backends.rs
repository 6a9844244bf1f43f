//! What a response acts on: the account remediation actions change (a snapshot directory or,
//! with the `aws` feature, live AWS) and the AWS client the `sns` and `lambda` targets use.
//!
//! A snapshot (`--snapshot`, else `[aws] snapshot`) always wins, so nothing reaches AWS by
//! accident; live AWS is connected only when something configured needs it.

use std::path::{Path, PathBuf};

use miette::IntoDiagnostic;
use respond::account::{Account, SnapshotAccount};
use respond::aws::AwsSettings;
#[cfg(feature = "aws")]
use respond::aws::{Aws, AwsAccount};
use respond::config::{Rule, TargetKind, TargetType};
use respond::targets::{Deliverer, EmailSettings};

use crate::config::LoadedConfig;

/// The account and AWS client of one run.
#[derive(Debug, Clone)]
pub(crate) struct Backends {
    snapshot: Option<PathBuf>,
    #[cfg(feature = "aws")]
    aws: Option<Aws>,
}

/// An account opened for one action.
pub(crate) enum OpenAccount {
    /// An account snapshot directory, saved after a change.
    Snapshot(Box<SnapshotAccount>),
    /// Live AWS.
    #[cfg(feature = "aws")]
    Live(AwsAccount),
}

impl Backends {
    /// Actions on the snapshot in `dir`, and no AWS client.
    pub(crate) fn snapshot(dir: PathBuf) -> Self {
        Self {
            snapshot: Some(dir),
            #[cfg(feature = "aws")]
            aws: None,
        }
    }

    /// `--snapshot`, else `[aws] snapshot`, else live AWS when `rules` route to an `sns` or
    /// `lambda` target or a remediation (connected now, so a bad `[aws]` fails before any
    /// finding is routed).
    pub(crate) fn configured(
        snapshot_flag: Option<&Path>,
        config: &LoadedConfig,
        rules: &[Rule],
    ) -> miette::Result<Self> {
        let settings = aws_settings(config)?;
        let snapshot = snapshot_flag
            .map(Path::to_path_buf)
            .or(settings.snapshot.clone());
        let uses = |wanted: &dyn Fn(&TargetKind) -> bool| {
            rules
                .iter()
                .filter(|rule| rule.enabled)
                .flat_map(|rule| &rule.targets)
                .any(|target| wanted(&target.kind))
        };
        let needs_aws = uses(&|kind| {
            matches!(kind.target_type(), TargetType::Sns | TargetType::Lambda)
                || (snapshot.is_none() && matches!(kind, TargetKind::Remediate(_)))
        });
        Self::connect(snapshot, &settings, needs_aws)
    }

    /// For redelivering kept deliveries: live AWS when `rules` have `sns` or `lambda` targets.
    pub(crate) fn for_delivery(config: &LoadedConfig, rules: &[Rule]) -> miette::Result<Self> {
        let settings = aws_settings(config)?;
        let needs_aws = rules.iter().flat_map(|rule| &rule.targets).any(|target| {
            matches!(
                target.kind.target_type(),
                TargetType::Sns | TargetType::Lambda
            )
        });
        Self::connect(None, &settings, needs_aws)
    }

    /// `--snapshot DIR` when given, else `[aws] snapshot`, else live AWS from `[aws]` and
    /// the environment.
    pub(crate) fn for_actions(
        snapshot_flag: Option<&Path>,
        config: Option<&LoadedConfig>,
    ) -> miette::Result<Self> {
        let settings = match config {
            Some(config) => aws_settings(config)?,
            None => AwsSettings::default(),
        };
        let snapshot = snapshot_flag
            .map(Path::to_path_buf)
            .or(settings.snapshot.clone());
        let needs_aws = snapshot.is_none();
        Self::connect(snapshot, &settings, needs_aws)
    }

    #[cfg(feature = "aws")]
    fn connect(
        snapshot: Option<PathBuf>,
        settings: &AwsSettings,
        needs_aws: bool,
    ) -> miette::Result<Self> {
        let aws = if needs_aws {
            Some(Aws::connect(settings).into_diagnostic()?)
        } else {
            None
        };
        Ok(Self { snapshot, aws })
    }

    #[cfg(not(feature = "aws"))]
    #[expect(
        clippy::unnecessary_wraps,
        reason = "the same signature as the `aws` build, which can fail"
    )]
    fn connect(
        snapshot: Option<PathBuf>,
        _settings: &AwsSettings,
        _needs_aws: bool,
    ) -> miette::Result<Self> {
        Ok(Self { snapshot })
    }

    /// Opens the account actions work on; `Err` with the reason when there is none.
    pub(crate) fn open_account(&self) -> Result<OpenAccount, String> {
        if let Some(dir) = &self.snapshot {
            return SnapshotAccount::load(dir)
                .map(|account| OpenAccount::Snapshot(Box::new(account)))
                .map_err(|e| e.to_string());
        }
        #[cfg(feature = "aws")]
        if let Some(aws) = &self.aws {
            return Ok(OpenAccount::Live(AwsAccount::new(aws.clone())));
        }
        Err(if respond::aws::is_built() {
            "no account to act on: configure `[aws]` for live AWS, or give --snapshot DIR"
                .to_owned()
        } else {
            "no account to act on: give --snapshot DIR or `[aws] snapshot` (live AWS needs trailguard built with `--features aws`)".to_owned()
        })
    }

    /// A deliverer sending e-mail as `email` says and, with live AWS, SNS and Lambda too.
    pub(crate) fn deliverer(&self, email: EmailSettings) -> Deliverer {
        let deliverer = Deliverer::new(email);
        #[cfg(feature = "aws")]
        if let Some(aws) = &self.aws {
            return deliverer.with_aws(aws.clone());
        }
        deliverer
    }
}

impl OpenAccount {
    /// The account, to read.
    pub(crate) fn get(&self) -> &dyn Account {
        match self {
            Self::Snapshot(account) => account.as_ref(),
            #[cfg(feature = "aws")]
            Self::Live(account) => account,
        }
    }

    /// The account, to change.
    pub(crate) fn get_mut(&mut self) -> &mut dyn Account {
        match self {
            Self::Snapshot(account) => account.as_mut(),
            #[cfg(feature = "aws")]
            Self::Live(account) => account,
        }
    }

    /// Makes the changes last: a snapshot writes its changed files; AWS already has them.
    pub(crate) fn save(&mut self) -> miette::Result<()> {
        match self {
            Self::Snapshot(account) => account.save().into_diagnostic(),
            #[cfg(feature = "aws")]
            Self::Live(_) => Ok(()),
        }
    }
}

fn aws_settings(config: &LoadedConfig) -> miette::Result<AwsSettings> {
    AwsSettings::from_table(config.raw.aws.as_ref(), &config.dir).into_diagnostic()
}
