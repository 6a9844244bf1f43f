//! `GET /v1/rules`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde_json::Value;

use crate::state::AppState;

/// `GET /v1/rules`: the configured rules as `serve` gave them.
pub(crate) async fn rules(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(state.rules.clone())
}
