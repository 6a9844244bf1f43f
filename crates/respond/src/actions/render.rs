//! Plans and results as readable text.

use std::fmt::Write as _;

use super::{Execution, Plan, Target};

pub(super) fn plan_text(plan: &Plan) -> String {
    let mut out = String::new();
    let target = match &plan.target {
        Target::Role { name, arn } => format!("role {name} ({arn})"),
        Target::Instance { id, name: Some(n) } => format!("instance {id} ({n})"),
        Target::Instance { id, name: None } => format!("instance {id}"),
    };
    let _ = writeln!(out, "Plan: {} ({}) on {target}", plan.action, plan.mode);
    if let Some(id) = &plan.finding_id {
        let _ = writeln!(out, "Finding: {id}");
    }
    let _ = writeln!(out, "\nAPI calls:");
    for (i, call) in plan.calls.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}. {}:{} {}",
            i + 1,
            call.service,
            call.operation,
            call.parameters
        );
    }
    let _ = writeln!(out, "\nBlast radius:");
    if plan.blast_radius.instance_profiles.is_empty() {
        let _ = writeln!(out, "  instance profiles: none");
    }
    for profile in &plan.blast_radius.instance_profiles {
        let _ = writeln!(out, "  instance profile: {profile}");
    }
    for i in &plan.blast_radius.instances {
        let name = i.name.as_deref().unwrap_or("(no Name tag)");
        let _ = writeln!(out, "  instance: {} {name} [{}]", i.id, i.state);
    }
    let _ = writeln!(out, "\nRisks:");
    for risk in &plan.risks {
        let _ = writeln!(out, "  - {risk}");
    }
    let _ = writeln!(out, "\nUndo: {}", plan.undo.hint());
    out
}

pub(super) fn execution_text(execution: &Execution) -> String {
    let mut out = String::from("Applied:\n");
    for (call, response) in execution.calls.iter().zip(&execution.responses) {
        let _ = writeln!(out, "  {}:{} → {response}", call.service, call.operation);
    }
    if let Some(v) = &execution.verification {
        let _ = writeln!(out, "\nVerification:");
        for line in v.summary().lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    let _ = writeln!(out, "\nUndo: {}", execution.undo.hint());
    out
}
