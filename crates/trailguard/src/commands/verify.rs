//! `trailguard verify`: may a principal of an account snapshot (the JSON of
//! `aws iam get-account-authorization-details`) do an action, or would a recorded CloudTrail
//! call be allowed now? Prints the decision first (exit 0 whatever it is, 2 for invalid input).

use std::path::PathBuf;
use std::process::ExitCode;

use ::iam::snapshot::Snapshot;
use ::iam::{Context, Principal, Request};

use super::iam::{fail, print_decision, read_input};

/// Arguments of `trailguard verify`.
#[derive(Debug, clap::Args)]
pub(crate) struct VerifyArgs {
    /// The account snapshot (`aws iam get-account-authorization-details` output).
    #[arg(long, value_name = "GAAD.json")]
    pub(crate) snapshot: PathBuf,
    /// The caller: a role ARN, an assumed-role session ARN or a user ARN.
    #[arg(
        long,
        value_name = "ARN",
        required_unless_present = "cloudtrail",
        conflicts_with = "cloudtrail",
        requires = "action"
    )]
    pub(crate) principal: Option<String>,
    /// The action (`service:Name`).
    #[arg(long, value_name = "ACTION", requires = "principal")]
    pub(crate) action: Option<String>,
    /// The resource ARN (`*` for actions without resource types).
    #[arg(long, value_name = "ARN", default_value = "*", requires = "principal")]
    pub(crate) resource: String,
    /// A CloudTrail record (or an EventBridge "AWS API Call via CloudTrail" event) to replay.
    #[arg(long, value_name = "RECORD.json")]
    pub(crate) cloudtrail: Option<PathBuf>,
    /// A condition key: `key=value`; a key given twice becomes multivalued. With
    /// `--cloudtrail`, overrides what the record implies.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub(crate) context: Vec<String>,
    /// Print a JSON object (`decision`, `explanation`, `matched_statements`).
    #[arg(long)]
    pub(crate) json: bool,
}

/// Runs `verify`; every failure is `error: <reason>`, exit 2.
pub(crate) fn run(args: &VerifyArgs) -> miette::Result<ExitCode> {
    Ok(match run_verify(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => fail(&reason),
    })
}

fn run_verify(args: &VerifyArgs) -> Result<(), String> {
    let pairs = args
        .context
        .iter()
        .map(|kv| {
            kv.split_once('=')
                .filter(|(k, _)| !k.is_empty())
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .ok_or_else(|| format!("`{kv}` is not `key=value`"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let snapshot = Snapshot::parse(&read_input(&args.snapshot)?).map_err(|e| e.to_string())?;
    for missing in snapshot.missing_managed_policies() {
        tracing::warn!(
            policy = missing,
            "Managed policy not in the snapshot; ignored."
        );
    }
    let request = match (&args.cloudtrail, &args.principal, &args.action) {
        (Some(record), _, _) => ::iam::cloudtrail::parse_request(&read_input(record)?, &pairs)
            .map_err(|e| e.to_string())?,
        (None, Some(principal), Some(action)) => {
            let mut context = Context::new();
            for key in pairs.iter().map(|(k, _)| k.as_str()) {
                let values: Vec<&str> = pairs
                    .iter()
                    .filter(|(k, _)| k == key)
                    .map(|(_, v)| v.as_str())
                    .collect();
                match values.as_slice() {
                    [one] => context.insert(key, one),
                    many => context.insert_multi(key, many),
                }
            }
            Request::new(
                Principal::parse(principal),
                action,
                &args.resource,
                None,
                context,
            )
            .map_err(|e| e.to_string())?
        }
        _ => return Err("give --cloudtrail RECORD, or --principal and --action".into()),
    };
    let simulation = snapshot.simulation(request).map_err(|e| e.to_string())?;
    print_decision(&simulation, args.json)
}
