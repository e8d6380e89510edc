//! Which database holds the comments ([`Database`], from `--database` or
//! `COPBOOK_DATABASE_URL`), and opening it as a [`CommentStore`] of either backend.

use std::path::PathBuf;
use std::sync::Arc;

use super::interface::{StoreError, StoreOptions};
use super::postgres::{self, PostgresStore};
use super::sqlite::{DB_FILE, SqliteStore};
use super::traits::CommentStore;

/// Which database to use, from `--database` / `COPBOOK_DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://…` or `postgresql://…`).
    Postgres(String),
}

impl Database {
    /// Reads `sqlite:PATH` or `postgres://…`.
    pub fn parse(url: &str) -> Result<Database, StoreError> {
        if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(StoreError::BadUrl(url.to_string()));
            }
            return Ok(Database::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Database::Postgres(url.to_string()));
        }
        Err(StoreError::BadUrl(postgres::redact(url)))
    }

    /// The database of a data folder when none is given: its SQLite file.
    pub fn default_in(data_dir: &std::path::Path) -> Database {
        Database::Sqlite(data_dir.join(DB_FILE))
    }

    /// Opens the store: creates the file or schema if needed and brings it up to date.
    pub async fn open(&self, options: StoreOptions) -> Result<Arc<dyn CommentStore>, StoreError> {
        Ok(match self {
            Database::Sqlite(path) => Arc::new(SqliteStore::open_file(path, options)?),
            Database::Postgres(url) => Arc::new(PostgresStore::connect(url, options).await?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls() {
        assert_eq!(
            Database::parse("sqlite:/tmp/c.sqlite3").ok(),
            Some(Database::Sqlite(PathBuf::from("/tmp/c.sqlite3")))
        );
        assert_eq!(
            Database::parse("postgres://u@127.0.0.1:5432/db").ok(),
            Some(Database::Postgres("postgres://u@127.0.0.1:5432/db".into()))
        );
        let bad = Database::parse("mysql://u:secret@h/db").expect_err("refused");
        assert!(!bad.to_string().contains("secret"), "{bad}");
        assert!(Database::parse("sqlite:").is_err());
    }
}
