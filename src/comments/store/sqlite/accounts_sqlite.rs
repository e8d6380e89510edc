//! [`AccountStore`] and [`AuditLog`] on SQLite: account and session writes take the write
//! lock with `BEGIN IMMEDIATE` on a connection of their own (like the analysis writes),
//! and append their audit row in the same transaction.

use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::super::StoreError;
use super::super::accounts::{
    Account, AccountChange, AccountStore, AuditEntry, AuditLog, AuditQuery, AuditRow, NewAccount,
    NewSession, SessionRow,
};
use super::{SqliteStore, rfc3339_ms};

const ACCOUNT_COLUMNS: &str =
    "a.name, a.role, a.password_hash, a.email, a.disabled, a.created_at, a.known_client";

fn account_from(row: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        name: row.get(0)?,
        role: row.get(1)?,
        password_hash: row.get(2)?,
        email: row.get(3)?,
        disabled: row.get(4)?,
        created_at: row.get(5)?,
        known_client: row.get(6)?,
    })
}

fn audit(tx: &Transaction<'_>, e: &AuditEntry) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, at_ms, actor, action, subject, detail, client)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            rfc3339_ms(e.at_ms),
            e.at_ms,
            e.actor,
            e.action,
            e.subject,
            e.detail,
            e.client
        ],
    )?;
    Ok(())
}

fn enabled_admins(tx: &Transaction<'_>) -> rusqlite::Result<i64> {
    tx.query_row(
        "SELECT COUNT(*) FROM accounts WHERE role = 'admin' AND disabled = 0",
        [],
        |r| r.get(0),
    )
}

#[async_trait::async_trait]
impl AccountStore for SqliteStore {
    async fn add_account(&self, account: NewAccount, entry: AuditEntry) -> Result<(), StoreError> {
        self.write(move |tx| {
            let taken: bool = tx
                .prepare_cached(
                    "SELECT 1 FROM accounts WHERE name = ?1 OR (email IS NOT NULL AND email = ?2)",
                )?
                .exists(params![account.name, account.email])?;
            if taken {
                return Ok(Err(StoreError::AccountExists(account.name)));
            }
            tx.execute(
                "INSERT INTO accounts (name, role, password_hash, email, disabled, created_at)
                 VALUES (?1, ?2, ?3, ?4, 0, ?5)",
                params![
                    account.name,
                    account.role,
                    account.password_hash,
                    account.email,
                    rfc3339_ms(account.created_ms)
                ],
            )?;
            audit(tx, &entry)?;
            Ok(Ok(()))
        })
        .await
    }

    async fn account(&self, name: &str) -> Result<Option<Account>, StoreError> {
        let name = name.to_string();
        self.read_sql(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.name = ?1"
            ))?
            .query_row([name], account_from)
            .optional()
        })
        .await
    }

    async fn account_by_email(&self, email: &str) -> Result<Option<Account>, StoreError> {
        let email = email.to_ascii_lowercase();
        self.read_sql(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE lower(a.email) = ?1"
            ))?
            .query_row([email], account_from)
            .optional()
        })
        .await
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.read_sql(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts a ORDER BY a.name"
            ))?;
            let rows = stmt.query_map([], account_from)?;
            rows.collect()
        })
        .await
    }

    async fn change_account(
        &self,
        name: &str,
        change: AccountChange,
        entry: AuditEntry,
    ) -> Result<(), StoreError> {
        let name = name.to_string();
        self.write(move |tx| {
            let admins_before = enabled_admins(tx)?;
            let changed = match &change {
                AccountChange::Disable => {
                    tx.execute("UPDATE accounts SET disabled = 1 WHERE name = ?1", [&name])?
                }
                AccountChange::Enable => {
                    tx.execute("UPDATE accounts SET disabled = 0 WHERE name = ?1", [&name])?
                }
                AccountChange::Role(role) => tx.execute(
                    "UPDATE accounts SET role = ?2 WHERE name = ?1",
                    params![name, role],
                )?,
                AccountChange::Password(hash) => tx.execute(
                    "UPDATE accounts SET password_hash = ?2 WHERE name = ?1",
                    params![name, hash],
                )?,
            };
            if changed == 0 {
                return Ok(Err(StoreError::NotFound(name)));
            }
            if admins_before > 0 && enabled_admins(tx)? == 0 {
                return Ok(Err(StoreError::LastAdmin));
            }
            tx.execute("DELETE FROM sessions WHERE account = ?1", [&name])?;
            audit(tx, &entry)?;
            Ok(Ok(()))
        })
        .await
    }

    async fn start_session(
        &self,
        session: NewSession,
        entry: AuditEntry,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO sessions (id_hash, account, created_ms, last_seen_ms)
                 VALUES (?1, ?2, ?3, ?3)",
                params![session.id_hash, session.account, session.created_ms],
            )?;
            tx.execute(
                "UPDATE accounts SET known_client = ?2 WHERE name = ?1",
                params![session.account, session.client_hash],
            )?;
            audit(tx, &entry)?;
            Ok(Ok(()))
        })
        .await
    }

    async fn session(&self, id_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        let id_hash = id_hash.to_string();
        self.read_sql(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {ACCOUNT_COLUMNS}, s.created_ms, s.last_seen_ms
                 FROM sessions s JOIN accounts a ON a.name = s.account WHERE s.id_hash = ?1"
            ))?
            .query_row([id_hash], |row| {
                Ok(SessionRow {
                    account: account_from(row)?,
                    created_ms: row.get(7)?,
                    last_seen_ms: row.get(8)?,
                })
            })
            .optional()
        })
        .await
    }

    async fn touch_session(&self, id_hash: &str, at_ms: i64) -> Result<(), StoreError> {
        let id_hash = id_hash.to_string();
        self.write(move |tx| {
            tx.execute(
                "UPDATE sessions SET last_seen_ms = MAX(last_seen_ms, ?2) WHERE id_hash = ?1",
                params![id_hash, at_ms],
            )?;
            Ok(Ok(()))
        })
        .await
    }

    async fn end_session(
        &self,
        id_hash: &str,
        entry: Option<AuditEntry>,
    ) -> Result<(), StoreError> {
        let id_hash = id_hash.to_string();
        self.write(move |tx| {
            tx.execute("DELETE FROM sessions WHERE id_hash = ?1", [id_hash])?;
            if let Some(entry) = &entry {
                audit(tx, entry)?;
            }
            Ok(Ok(()))
        })
        .await
    }
}

#[async_trait::async_trait]
impl AuditLog for SqliteStore {
    async fn append_audit(&self, entry: AuditEntry) -> Result<(), StoreError> {
        self.write(move |tx| {
            audit(tx, &entry)?;
            Ok(Ok(()))
        })
        .await
    }

    async fn audit_entries(&self, query: &AuditQuery) -> Result<Vec<AuditRow>, StoreError> {
        let query = query.clone();
        self.read_sql(move |conn| {
            let limit = if query.limit == 0 {
                -1
            } else {
                i64::try_from(query.limit).unwrap_or(i64::MAX)
            };
            let mut stmt = conn.prepare_cached(
                "SELECT id, at, actor, action, subject, detail, client FROM audit_log
                 WHERE (?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR action = ?2)
                   AND (?3 IS NULL OR at_ms >= ?3) AND (?4 IS NULL OR at_ms < ?4)
                   AND (?5 IS NULL OR id < ?5)
                 ORDER BY id DESC LIMIT ?6",
            )?;
            let rows = stmt.query_map(
                params![
                    query.actor,
                    query.action,
                    query.from_ms,
                    query.until_ms,
                    query.before_id,
                    limit
                ],
                |row| {
                    Ok(AuditRow {
                        id: row.get(0)?,
                        at: row.get(1)?,
                        actor: row.get(2)?,
                        action: row.get(3)?,
                        subject: row.get(4)?,
                        detail: row.get(5)?,
                        client: row.get(6)?,
                    })
                },
            )?;
            rows.collect()
        })
        .await
    }
}
