//! Writing plans, refusals and results to the audit log (`store` crate, `actions` table).

use store::Store;
use store::audit::ActionRecord;

use super::{ActionError, Execution, Plan};
use crate::config::Mode;

fn json<T: serde::Serialize>(value: &T) -> Result<String, ActionError> {
    serde_json::to_string(value).map_err(|e| ActionError::Invalid(e.to_string()))
}

fn store_error(e: &store::StoreError) -> ActionError {
    ActionError::Invalid(format!("audit log: {e}"))
}

/// Records a plan (status `planned`); returns the entry's id.
///
/// # Errors
/// If the store refuses.
pub fn record_plan(store: &mut Store, plan: &Plan) -> Result<String, ActionError> {
    let id = uuid::Uuid::new_v4().to_string();
    store
        .record_action(&ActionRecord {
            id: id.clone(),
            finding_id: plan.finding_id.clone(),
            action: plan.action.clone(),
            mode: plan.mode.clone(),
            status: "planned".to_owned(),
            plan: json(plan)?,
            result: None,
            undo: Some(json(&plan.undo)?),
            created_ms: plan.planned_ms,
        })
        .map_err(|e| store_error(&e))?;
    Ok(id)
}

/// Records a refusal (status `refused`, the reason as the plan); returns the entry's id.
///
/// # Errors
/// If the store refuses.
pub fn record_refusal(
    store: &mut Store,
    action: &str,
    mode: Mode,
    finding_id: Option<&str>,
    reason: &str,
    at_ms: i64,
) -> Result<String, ActionError> {
    let id = uuid::Uuid::new_v4().to_string();
    store
        .record_action(&ActionRecord {
            id: id.clone(),
            finding_id: finding_id.map(str::to_owned),
            action: action.to_owned(),
            mode: mode.as_str().to_owned(),
            status: "refused".to_owned(),
            plan: json(&serde_json::json!({"refused": reason}))?,
            result: None,
            undo: None,
            created_ms: at_ms,
        })
        .map_err(|e| store_error(&e))?;
    Ok(id)
}

/// Records the result of executing the entry `id`: `applied`, or `failed` with the error.
///
/// # Errors
/// If the store refuses.
pub fn record_execution(
    store: &mut Store,
    id: &str,
    result: &Result<Execution, ActionError>,
) -> Result<(), ActionError> {
    let (status, text) = match result {
        Ok(execution) => ("applied", json(execution)?),
        Err(e) => (
            "failed",
            json(&serde_json::json!({"error": e.to_string()}))?,
        ),
    };
    store
        .update_action(id, status, Some(&text))
        .map_err(|e| store_error(&e))?;
    Ok(())
}
