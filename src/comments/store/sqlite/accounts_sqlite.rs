//! [`AccountStore`] and [`AuditLog`] on SQLite: account and session writes take the write
//! lock with `BEGIN IMMEDIATE` on a connection of their own (like the analysis writes),
//! and append their audit row in the same transaction.

use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::super::StoreError;
use super::super::accounts::{
    Account, AccountChange, AccountStore, AuditEntry, AuditLog, AuditQuery, AuditRow, NewAccount,
    NewSession, NewSetupLink, OidcFlow, SessionRow, SetupLink,
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

/// Appends one audit row inside `tx` (the change it records commits or rolls back with it).
pub(super) fn audit(tx: &Transaction<'_>, e: &AuditEntry) -> rusqlite::Result<()> {
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

    async fn add_setup_link(
        &self,
        link: NewSetupLink,
        entry: AuditEntry,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            let known = tx
                .prepare_cached("SELECT 1 FROM accounts WHERE name = ?1")?
                .exists([&link.account])?;
            if !known {
                return Ok(Err(StoreError::NotFound(link.account)));
            }
            tx.execute(
                "UPDATE setup_links SET used_ms = ?2 WHERE account = ?1 AND used_ms IS NULL",
                params![link.account, link.created_ms],
            )?;
            tx.execute(
                "INSERT INTO setup_links (token_hash, account, created_ms, expires_ms)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    link.token_hash,
                    link.account,
                    link.created_ms,
                    link.expires_ms
                ],
            )?;
            audit(tx, &entry)?;
            Ok(Ok(()))
        })
        .await
    }

    async fn setup_link(&self, token_hash: &str) -> Result<Option<SetupLink>, StoreError> {
        let token_hash = token_hash.to_string();
        self.read_sql(move |conn| {
            conn.prepare_cached(
                "SELECT account, expires_ms, used_ms IS NOT NULL FROM setup_links WHERE token_hash = ?1",
            )?
            .query_row([token_hash], |row| {
                Ok(SetupLink {
                    account: row.get(0)?,
                    expires_ms: row.get(1)?,
                    used: row.get(2)?,
                })
            })
            .optional()
        })
        .await
    }

    async fn use_setup_link(
        &self,
        token_hash: &str,
        password_hash: String,
        session: NewSession,
        entry: AuditEntry,
    ) -> Result<(), StoreError> {
        let token_hash = token_hash.to_string();
        self.write(move |tx| {
            let now = session.created_ms;
            let used = tx.execute(
                "UPDATE setup_links SET used_ms = ?3
                 WHERE token_hash = ?1 AND account = ?2 AND used_ms IS NULL AND expires_ms > ?3
                   AND EXISTS (SELECT 1 FROM accounts WHERE name = ?2 AND disabled = 0)",
                params![token_hash, session.account, now],
            )?;
            if used == 0 {
                return Ok(Err(StoreError::NotFound("set-up link".to_string())));
            }
            tx.execute(
                "UPDATE accounts SET password_hash = ?2, known_client = ?3 WHERE name = ?1",
                params![session.account, password_hash, session.client_hash],
            )?;
            tx.execute(
                "DELETE FROM sessions WHERE account = ?1",
                [&session.account],
            )?;
            tx.execute(
                "INSERT INTO sessions (id_hash, account, created_ms, last_seen_ms)
                 VALUES (?1, ?2, ?3, ?3)",
                params![session.id_hash, session.account, now],
            )?;
            audit(tx, &entry)?;
            Ok(Ok(()))
        })
        .await
    }

    async fn start_oidc_flow(&self, flow: OidcFlow, now_ms: i64) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute("DELETE FROM oidc_flows WHERE expires_ms <= ?1", [now_ms])?;
            tx.execute(
                "INSERT INTO oidc_flows (flow_hash, state, nonce, verifier, back, expires_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    flow.flow_hash,
                    flow.state,
                    flow.nonce,
                    flow.verifier,
                    flow.back,
                    flow.expires_ms
                ],
            )?;
            Ok(Ok(()))
        })
        .await
    }

    async fn take_oidc_flow(
        &self,
        flow_hash: &str,
        now_ms: i64,
    ) -> Result<Option<OidcFlow>, StoreError> {
        let flow_hash = flow_hash.to_string();
        self.write(move |tx| {
            let flow = tx
                .prepare_cached(
                    "DELETE FROM oidc_flows WHERE flow_hash = ?1
                     RETURNING flow_hash, state, nonce, verifier, back, expires_ms",
                )?
                .query_row([flow_hash], |row| {
                    Ok(OidcFlow {
                        flow_hash: row.get(0)?,
                        state: row.get(1)?,
                        nonce: row.get(2)?,
                        verifier: row.get(3)?,
                        back: row.get(4)?,
                        expires_ms: row.get(5)?,
                    })
                })
                .optional()?;
            Ok(Ok(flow.filter(|f| f.expires_ms > now_ms)))
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
