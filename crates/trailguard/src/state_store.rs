//! Which state store a command uses: `--state FILE`, else the config's `[store] url`, else a
//! default that depends on the command.

use std::path::Path;

use miette::{Context, IntoDiagnostic};
use store::Store;

use crate::config::LoadedConfig;

/// The store `[store] url` defaults to for commands that read stored data.
pub(crate) const DEFAULT_STORE: &str = "trailguard.db";

/// `--state` (as a path), else `[store] url`; `None` when neither is given.
pub(crate) fn configured_url(flag: Option<&Path>, config: Option<&LoadedConfig>) -> Option<String> {
    flag.map(|path| path.display().to_string())
        .or_else(|| config.and_then(|c| c.raw.store.url.clone()))
}

/// Opens (creating if needed) the store at a URL or path.
pub(crate) fn open(url: &str) -> miette::Result<Store> {
    Store::open_url(url)
        .into_diagnostic()
        .wrap_err("cannot open the state store")
}

/// Opens a store that must already exist; `hint` follows the error naming the missing file.
/// (A PostgreSQL database is opened as it is: its tables are created if missing.)
pub(crate) fn open_existing(url: &str, hint: &str) -> miette::Result<Store> {
    let path = url.trim_start_matches("sqlite://");
    if !store::is_postgres_url(url) && !Path::new(path).exists() {
        return Err(miette::miette!("no state store at `{path}`{hint}"));
    }
    open(url)
}
