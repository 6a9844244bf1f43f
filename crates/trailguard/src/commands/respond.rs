//! `trailguard respond --finding FILE [--apply]`: one finding (bare, or a real GuardDuty
//! EventBridge envelope) through the configured rules, targets and remediation actions.
//! Without `--apply` nothing is sent and nothing changes: it prints what would happen.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use miette::{Context, IntoDiagnostic};
use respond::actions::{
    self, ActionError, Clock, Execution, FindingView, Params, Plan, SystemClock,
};
use respond::config::{Mode, Remediation, TargetKind};
use respond::router::{Dispatch, Outcome, Router};
use respond::targets::{Deliverer, DeliveryOutcome, EmailSettings, Job};
use serde_json::Value;
use store::Store;

use crate::backends::Backends;
use crate::commands::config::routing_config;
use crate::config::LoadedConfig;
use crate::state_store;

/// Arguments of `respond`.
#[derive(Debug, Args)]
pub(crate) struct RespondArgs {
    /// The finding: a GuardDuty finding or an EventBridge envelope, JSON.
    #[arg(long, value_name = "FILE", required_unless_present = "print_policy")]
    finding: Option<PathBuf>,
    /// Configuration file with the rules.
    #[arg(long, value_name = "FILE", default_value = "trailguard.toml")]
    config: PathBuf,
    /// Send notifications and run `enforce`-mode actions (default: print the plans only).
    #[arg(long)]
    apply: bool,
    /// Account snapshot directory for actions (default: `[aws] snapshot`).
    #[arg(long, value_name = "DIR")]
    snapshot: Option<PathBuf>,
    /// State store for the audit log and failed deliveries (default: `[store] url`, else
    /// `trailguard.db`).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Print the least-privilege IAM policy the configured actions need, and exit.
    #[arg(long)]
    print_policy: bool,
}

pub(crate) fn run(args: &RespondArgs) -> miette::Result<ExitCode> {
    let config = LoadedConfig::load(&args.config)?;
    let router = build_router(&config)?;
    if args.print_policy {
        say(&least_privilege(&router))?;
        return Ok(ExitCode::SUCCESS);
    }
    let path = args.finding.as_deref().unwrap_or(Path::new("-"));
    let finding: Value = serde_json::from_str(&fs_err::read_to_string(path).into_diagnostic()?)
        .into_diagnostic()
        .wrap_err_with(|| format!("`{}` is not JSON", path.display()))?;
    let run = Run {
        config: &config,
        router: &router,
        apply: args.apply,
        backends: Backends::configured(args.snapshot.as_deref(), &config, router.rules())?,
        throttle: false,
        clock: &SystemClock,
    };
    let mut store = open_store(args.state.as_deref(), &config)?;
    let report = run.respond(&finding, &mut store, &mut |text| {
        let _ = say(text);
    })?;
    if !args.apply && report.dispatched {
        say("\nDry run: nothing was sent or changed. Run again with --apply.\n")?;
    }
    Ok(if report.failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// The router of a loaded configuration; rule errors carry their lines.
pub(crate) fn build_router(config: &LoadedConfig) -> miette::Result<Router> {
    Router::from_config(&routing_config(config), &config.dir).map_err(|issues| {
        let errors = issues
            .into_iter()
            .map(|issue| config.error_at(issue.message, issue.span))
            .collect();
        match config.check(errors) {
            Err(report) => report,
            Ok(()) => miette::miette!("invalid rules"),
        }
    })
}

/// `--print-policy`: the responder's own least-privilege policy for the configured actions.
fn least_privilege(router: &Router) -> String {
    let mut names = Vec::new();
    for rule in router.rules() {
        for target in &rule.targets {
            if let TargetKind::Remediate(remediation) = &target.kind
                && !names.contains(&remediation.action)
            {
                names.push(remediation.action);
            }
        }
    }
    actions::least_privilege_text(&names, &router.response().allowed_roles)
}

/// One response run's settings.
pub(crate) struct Run<'a> {
    pub(crate) config: &'a LoadedConfig,
    pub(crate) router: &'a Router,
    /// Send notifications and execute enforce-mode actions.
    pub(crate) apply: bool,
    /// The account actions run against, and the AWS client of `sns` and `lambda` targets.
    pub(crate) backends: Backends,
    /// Route updates of a finding at most once per `update_interval` (the store keeps when
    /// each finding was last routed); a one-shot run is never throttled.
    pub(crate) throttle: bool,
    pub(crate) clock: &'a dyn Clock,
}

/// What a response run did.
#[derive(Debug, Default, serde::Serialize)]
pub(crate) struct Report {
    /// At least one target matched.
    pub(crate) dispatched: bool,
    /// Something was refused or failed.
    pub(crate) failed: bool,
    /// `(rule, target id, input)` of every notification target that matched.
    pub(crate) inputs: Vec<(String, String, String)>,
    /// Remediation plans, with their execution when applied.
    pub(crate) remediations: Vec<(Plan, Option<Execution>)>,
    /// Deliveries that succeeded, and that failed (kept in `deliveries`).
    pub(crate) delivered: u64,
    pub(crate) undelivered: u64,
}

impl Report {
    fn count(&mut self, outcome: &DeliveryOutcome) {
        match outcome {
            DeliveryOutcome::Delivered => self.delivered += 1,
            DeliveryOutcome::Failed(_) => self.undelivered += 1,
        }
    }
}

impl Run<'_> {
    /// Routes one finding and acts on what matches; `say` receives the running commentary.
    pub(crate) fn respond(
        &self,
        finding: &Value,
        store: &mut Store,
        say: &mut dyn FnMut(&str),
    ) -> miette::Result<Report> {
        let mut report = Report::default();
        let outcome = if self.throttle {
            self.router.route(finding, store)
        } else {
            self.router
                .route(finding, &mut HashMap::<String, i64>::new())
        }
        .into_diagnostic()?;
        let routed = match outcome {
            Outcome::Routed(routed) => routed,
            Outcome::Suppressed(suppressed) => {
                say(&format!(
                    "Suppressed by `{}`: the finding is archived and not routed.\n",
                    suppressed.by
                ));
                return Ok(report);
            }
            Outcome::Throttled(throttled) => {
                say(&format!(
                    "Throttled: {} was routed recently.\n",
                    throttled.finding_id
                ));
                return Ok(report);
            }
        };
        if routed.dispatches.is_empty() {
            say(&format!("No rule matches finding {}.\n", routed.finding_id));
            return Ok(report);
        }
        report.dispatched = true;
        for dispatch in &routed.dispatches {
            say(&format!(
                "Rule `{}` → target `{}` ({}):\n",
                dispatch.rule,
                dispatch.target_id,
                dispatch.target.kind.target_type()
            ));
            if let TargetKind::Remediate(remediation) = &dispatch.target.kind {
                match self.remediate(finding, remediation, store, say)? {
                    Some(done) => report.remediations.push(done),
                    None => report.failed = true,
                }
            } else {
                say(&format!("  input: {}\n", dispatch.input));
                report.inputs.push((
                    dispatch.rule.to_owned(),
                    dispatch.target_id.to_owned(),
                    dispatch.input.clone(),
                ));
            }
        }
        if self.apply {
            self.notify(
                &routed.dispatches,
                &routed.finding_id,
                store,
                &mut report,
                say,
            )?;
            let revoked = report.remediations.iter().any(|(plan, execution)| {
                plan.action == "revoke-role-sessions" && execution.is_some()
            });
            if revoked {
                self.remediated(finding, &routed.dispatches, &mut report, say)?;
            }
            report.failed |= report.undelivered > 0;
        }
        Ok(report)
    }

    /// Delivers the notification targets, counting them in `report` (a failed one is kept
    /// in `deliveries`).
    fn notify(
        &self,
        dispatches: &[Dispatch<'_>],
        finding_id: &str,
        store: &mut Store,
        report: &mut Report,
        say: &mut dyn FnMut(&str),
    ) -> miette::Result<()> {
        let deliveries = self
            .deliverer()?
            .deliver_dispatches(dispatches, Some(finding_id), store)
            .into_diagnostic()?;
        for delivery in deliveries {
            report.count(&delivery.outcome);
            say(&delivery_line(
                &delivery.target_id,
                delivery.attempts,
                &delivery.outcome,
            ));
        }
        Ok(())
    }

    /// The workshop Lambda's second message, sent to the rule's notification targets after
    /// the role's sessions were revoked (plain text, exactly the Lambda's wording).
    fn remediated(
        &self,
        finding: &Value,
        dispatches: &[Dispatch<'_>],
        report: &mut Report,
        say: &mut dyn FnMut(&str),
    ) -> miette::Result<()> {
        let view = FindingView::of(finding);
        let detail = finding.get("detail").unwrap_or(finding);
        let role = detail
            .pointer("/resource/accessKeyDetails/userName")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let text = format!(
            "GuardDuty Remediation | ID:{}: GuardDuty discovered EC2 IAM credentials (Role: {role}) being used outside of the EC2 service.  All sessions have been revoked.  Please follow up with any additional remediation actions.",
            view.id().unwrap_or_default()
        );
        let deliverer = self.deliverer()?;
        for dispatch in dispatches {
            if matches!(dispatch.target.kind, TargetKind::Remediate(_)) {
                continue;
            }
            let delivery = deliverer.deliver(&Job {
                rule: dispatch.rule,
                target: dispatch.target,
                input: &text,
            });
            report.count(&delivery.outcome);
            say(&format!(
                "Remediation notice: {}",
                delivery_line(&delivery.target_id, delivery.attempts, &delivery.outcome)
            ));
        }
        Ok(())
    }

    fn deliverer(&self) -> miette::Result<Deliverer> {
        let email = EmailSettings::from_table(self.config.raw.email.as_ref(), &self.config.dir)
            .into_diagnostic()?;
        Ok(self.backends.deliverer(email))
    }

    /// Plans one remediation and, when applying a `mode = "enforce"` target, executes it on
    /// the account (a snapshot or live AWS). `None` when it was refused or cannot run.
    fn remediate(
        &self,
        finding: &Value,
        remediation: &Remediation,
        store: &mut Store,
        say: &mut dyn FnMut(&str),
    ) -> miette::Result<Option<(Plan, Option<Execution>)>> {
        let mut account = match self.backends.open_account() {
            Ok(account) => account,
            Err(reason) => {
                say(&format!("  {reason}\n"));
                return Ok(None);
            }
        };
        let enforce = self.apply && remediation.mode == Mode::Enforce;
        let response = self.router.response();
        let params = Params {
            mode: if enforce { Mode::Enforce } else { Mode::DryRun },
            policy_name: remediation.policy_name.clone(),
            allowed_roles: response.allowed_roles.clone(),
            allowed_accounts: response.allowed_accounts.clone(),
            verify_action: remediation
                .params
                .get("verify_action")
                .and_then(Value::as_str)
                .map(str::to_owned),
            ..Params::default()
        };
        let plan = match actions::plan(
            remediation.action,
            finding,
            &params,
            account.get(),
            self.clock,
        ) {
            Ok(plan) => plan,
            Err(ActionError::Refused { action, reason }) => {
                let id = FindingView::of(finding).id();
                let now = self.clock.now_ms();
                actions::record_refusal(store, &action, params.mode, id, &reason, now)
                    .into_diagnostic()?;
                say(&format!("  refused `{action}`: {reason}\n"));
                return Ok(None);
            }
            Err(error) => return Err(error).into_diagnostic(),
        };
        let audit_id = actions::record_plan(store, &plan).into_diagnostic()?;
        say(&indent(&plan.to_text()));
        if !enforce {
            return Ok(Some((plan, None)));
        }
        let result = actions::execute(&plan, account.get_mut());
        actions::record_execution(store, &audit_id, &result).into_diagnostic()?;
        account.save()?;
        let execution = result.into_diagnostic()?;
        say(&indent(&execution.to_text()));
        Ok(Some((plan, Some(execution))))
    }
}

fn delivery_line(target: &str, attempts: u32, outcome: &DeliveryOutcome) -> String {
    match outcome {
        DeliveryOutcome::Delivered => format!("delivered to `{target}`.\n"),
        DeliveryOutcome::Failed(error) => format!(
            "failed to deliver to `{target}` after {attempts} attempt(s): {error} (kept for `trailguard deliveries retry`).\n"
        ),
    }
}

/// `--state`, else `[store] url`, else `trailguard.db`.
pub(crate) fn open_store(flag: Option<&Path>, config: &LoadedConfig) -> miette::Result<Store> {
    let url = state_store::configured_url(flag, Some(config));
    state_store::open(url.as_deref().unwrap_or(state_store::DEFAULT_STORE))
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("  {line}\n")).collect()
}

fn say(text: &str) -> miette::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).into_diagnostic()
}
