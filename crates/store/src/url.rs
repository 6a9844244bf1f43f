//! Store URLs: which backend a URL names, and its PostgreSQL connection settings.

use std::time::Duration;

use crate::err::StoreError;

/// How long opening a PostgreSQL connection may take when the URL does not say
/// (`connect_timeout=SECONDS`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// True when the URL names a PostgreSQL database (`postgres://` or `postgresql://`), not a file.
#[must_use]
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The connection settings of a PostgreSQL URL. A password comes from the URL, else from
/// `PGPASSWORD`, as with `psql`.
pub(crate) fn postgres_config(url: &str) -> Result<postgres::Config, StoreError> {
    let mut config: postgres::Config = url.parse().map_err(|error| StoreError::InvalidUrl {
        url: redact(url),
        error,
    })?;
    if config.get_password().is_none()
        && let Ok(password) = std::env::var("PGPASSWORD")
    {
        config.password(password);
    }
    if config.get_application_name().is_none() {
        config.application_name("trailguard");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    Ok(config)
}

/// The URL with any password replaced by `***`, fit for an error message.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***{}", &rest[at..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_both_postgres_schemes_only() {
        assert!(is_postgres_url("postgres://u@h:5432/db"));
        assert!(is_postgres_url("postgresql://h/db"));
        assert!(!is_postgres_url("sqlite://state.db"));
        assert!(!is_postgres_url("postgres.db"));
    }

    #[test]
    fn redacts_the_password_only() {
        assert_eq!(
            redact("postgres://tg:s3cr@t@db:5432/tg?sslmode=disable"),
            "postgres://tg:***@db:5432/tg?sslmode=disable"
        );
        assert_eq!(redact("postgres://tg@db/tg"), "postgres://tg@db/tg");
        assert_eq!(redact("mysql://db/x@y"), "mysql://db/x@y");
        assert_eq!(redact("state.db"), "state.db");
    }

    #[test]
    fn a_malformed_url_is_reported_without_its_password() {
        let error = postgres_config("postgres://tg:hunter2@db:notaport/tg").unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("invalid postgresql url `postgres://tg:***@db:notaport/tg`: "),
            "{message}"
        );
        assert!(!message.contains("hunter2"), "{message}");
    }
}
