//! The audit log: `GET /v1/actions` (entries as `ActionRecord::to_json` writes them).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde_json::Value;
use store::audit::ActionRecord;

use crate::error::ApiError;
use crate::state::AppState;

/// `GET /v1/actions`: the audit log, newest first.
pub(crate) async fn actions(State(state): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    let records = state.with_store(|store| Ok(store.actions()?)).await?;
    Ok(Json(Value::Array(
        records.iter().rev().map(ActionRecord::to_json).collect(),
    )))
}
