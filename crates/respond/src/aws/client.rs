//! [`Aws`]: the SDK configuration, one small runtime, and the four service clients.

use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};

use super::{AwsError, AwsSettings};

/// Connect timeout of every call: an endpoint that does not answer fails fast.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Bound of one attempt of an IAM or EC2 call made by an action.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Live AWS clients; cheap to clone, shared by the account and the targets.
///
/// The calls are blocking: each runs on this handle's own one-worker runtime. Call them from
/// ordinary threads (in an async server, from `spawn_blocking`), never from inside a runtime.
#[derive(Debug, Clone)]
pub struct Aws {
    inner: Arc<Clients>,
}

#[derive(Debug)]
struct Clients {
    runtime: tokio::runtime::Runtime,
    config: aws_config::SdkConfig,
    region: String,
    iam: aws_sdk_iam::Client,
    ec2: aws_sdk_ec2::Client,
    sns: aws_sdk_sns::Client,
    lambda: aws_sdk_lambda::Client,
}

impl Aws {
    /// Loads the SDK configuration (the standard credential chain, `settings` first) and
    /// creates the clients. Credentials are only resolved by the first call.
    ///
    /// # Errors
    /// If no region is configured, or the runtime cannot start.
    pub fn connect(settings: &AwsSettings) -> Result<Self, AwsError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("trailguard-aws")
            .enable_all()
            .build()?;
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .build(),
        );
        if let Some(region) = &settings.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(url) = &settings.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(attempts) = settings.max_attempts {
            loader = loader.retry_config(RetryConfig::standard().with_max_attempts(attempts));
        }
        let config = runtime.block_on(loader.load());
        let region = config.region().ok_or(AwsError::NoRegion)?.to_string();
        Ok(Self {
            inner: Arc::new(Clients {
                iam: aws_sdk_iam::Client::new(&config),
                ec2: aws_sdk_ec2::Client::new(&config),
                sns: aws_sdk_sns::Client::new(&config),
                lambda: aws_sdk_lambda::Client::new(&config),
                region,
                config,
                runtime,
            }),
        })
    }

    /// The loaded SDK configuration, for other clients (the S3/SQS source of `serve`).
    #[must_use]
    pub fn sdk_config(&self) -> &aws_config::SdkConfig {
        &self.inner.config
    }

    /// The region calls go to.
    #[must_use]
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    pub(crate) fn iam(&self) -> &aws_sdk_iam::Client {
        &self.inner.iam
    }

    pub(crate) fn ec2(&self) -> &aws_sdk_ec2::Client {
        &self.inner.ec2
    }

    pub(crate) fn sns(&self) -> &aws_sdk_sns::Client {
        &self.inner.sns
    }

    pub(crate) fn lambda(&self) -> &aws_sdk_lambda::Client {
        &self.inner.lambda
    }

    /// Runs one call to completion.
    pub(crate) fn run<F: Future>(&self, call: F) -> F::Output {
        self.inner.runtime.block_on(call)
    }

    /// Runs one call, abandoning it after `timeout`; `None` when it did not finish.
    pub(crate) fn run_for<F: Future>(&self, timeout: Duration, call: F) -> Option<F::Output> {
        self.inner
            .runtime
            .block_on(async { tokio::time::timeout(timeout, call).await.ok() })
    }
}

/// An SDK error's full message: AWS's error code and text, and the causes.
pub(crate) fn message<E, R>(error: &aws_sdk_iam::error::SdkError<E, R>) -> String
where
    E: std::error::Error + 'static,
    R: Debug,
{
    aws_sdk_iam::error::DisplayErrorContext(error).to_string()
}
