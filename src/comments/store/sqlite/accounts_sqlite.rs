//! [`AccountStore`] and [`AuditLog`] on SQLite: account and session writes take the write
//! lock with `BEGIN IMMEDIATE` on a connection of their own (like the analysis writes),
//! and append their audit row in the same transaction.

use rusqlite::{OptionalExtension, Transaction, params};

use super::super::accounts::{
    Account, AccountChange, AccountStore, AuditEntry, AuditLog, AuditQuery, AuditRow, NewAccount,
    NewSession, NewSetupLink, OidcFlow, SessionRow, SetupLink,
};
use super::super::columns::{
    account_from, audit_row_from, oidc_flow_from, session_from, setup_link_from,
};
use super::super::interface::StoreError;
use super::super::sql::{self, for_sqlite};
use super::{SqliteStore, rfc3339_ms};

/// Appends one audit row inside `tx` (the change it records commits or rolls back with it).
pub(super) fn audit(tx: &Transaction<'_>, e: &AuditEntry) -> rusqlite::Result<()> {
    tx.execute(
        &for_sqlite(sql::AUDIT),
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
    tx.query_row(&for_sqlite(sql::ENABLED_ADMINS), [], |r| r.get(0))
}

#[async_trait::async_trait]
impl AccountStore for SqliteStore {
    async fn add_account(&self, account: NewAccount, entry: AuditEntry) -> Result<(), StoreError> {
        self.write(move |tx| {
            let taken: bool = tx
                .prepare_cached(&for_sqlite(sql::ACCOUNT_TAKEN))?
                .exists(params![account.name, account.email])?;
            if taken {
                return Ok(Err(StoreError::AccountExists(account.name)));
            }
            tx.execute(
                &for_sqlite(sql::ADD_ACCOUNT),
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
            conn.prepare_cached(&for_sqlite(sql::ACCOUNT))?
                .query_row([name], |row| account_from(row))
                .optional()
        })
        .await
    }

    async fn account_by_email(&self, email: &str) -> Result<Option<Account>, StoreError> {
        let email = email.to_ascii_lowercase();
        self.read_sql(move |conn| {
            conn.prepare_cached(&for_sqlite(sql::ACCOUNT_BY_EMAIL))?
                .query_row([email], |row| account_from(row))
                .optional()
        })
        .await
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.read_sql(|conn| {
            let mut stmt = conn.prepare_cached(&for_sqlite(sql::ACCOUNTS))?;
            let rows = stmt.query_map([], |row| account_from(row))?;
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
                AccountChange::Disable => tx.execute(&for_sqlite(sql::DISABLE_ACCOUNT), [&name])?,
                AccountChange::Enable => tx.execute(&for_sqlite(sql::ENABLE_ACCOUNT), [&name])?,
                AccountChange::Role(role) => {
                    tx.execute(&for_sqlite(sql::SET_ROLE), params![name, role])?
                }
                AccountChange::Password(hash) => {
                    tx.execute(&for_sqlite(sql::SET_PASSWORD), params![name, hash])?
                }
            };
            if changed == 0 {
                return Ok(Err(StoreError::NotFound(name)));
            }
            if admins_before > 0 && enabled_admins(tx)? == 0 {
                return Ok(Err(StoreError::LastAdmin));
            }
            tx.execute(&for_sqlite(sql::END_SESSIONS_OF), [&name])?;
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
                &for_sqlite(sql::START_SESSION),
                params![session.id_hash, session.account, session.created_ms],
            )?;
            tx.execute(
                &for_sqlite(sql::SET_KNOWN_CLIENT),
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
            conn.prepare_cached(&for_sqlite(sql::SESSION))?
                .query_row([id_hash], |row| session_from(row))
                .optional()
        })
        .await
    }

    async fn touch_session(&self, id_hash: &str, at_ms: i64) -> Result<(), StoreError> {
        let id_hash = id_hash.to_string();
        self.write(move |tx| {
            tx.execute(&for_sqlite(sql::TOUCH_SESSION), params![id_hash, at_ms])?;
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
            tx.execute(&for_sqlite(sql::END_SESSION), [id_hash])?;
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
                .prepare_cached(&for_sqlite(sql::ACCOUNT_EXISTS))?
                .exists([&link.account])?;
            if !known {
                return Ok(Err(StoreError::NotFound(link.account)));
            }
            tx.execute(
                &for_sqlite(sql::RETIRE_SETUP_LINKS),
                params![link.account, link.created_ms],
            )?;
            tx.execute(
                &for_sqlite(sql::ADD_SETUP_LINK),
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
            conn.prepare_cached(&for_sqlite(sql::SETUP_LINK))?
                .query_row([token_hash], |row| setup_link_from(row))
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
                &for_sqlite(sql::USE_SETUP_LINK),
                params![token_hash, session.account, now],
            )?;
            if used == 0 {
                return Ok(Err(StoreError::NotFound("set-up link".to_string())));
            }
            tx.execute(
                &for_sqlite(sql::SET_PASSWORD_AND_CLIENT),
                params![session.account, password_hash, session.client_hash],
            )?;
            tx.execute(&for_sqlite(sql::END_SESSIONS_OF), [&session.account])?;
            tx.execute(
                &for_sqlite(sql::START_SESSION),
                params![session.id_hash, session.account, now],
            )?;
            audit(tx, &entry)?;
            Ok(Ok(()))
        })
        .await
    }

    async fn start_oidc_flow(&self, flow: OidcFlow, now_ms: i64) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute(&for_sqlite(sql::FORGET_OIDC_FLOWS), [now_ms])?;
            tx.execute(
                &for_sqlite(sql::ADD_OIDC_FLOW),
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
                .prepare_cached(&for_sqlite(sql::TAKE_OIDC_FLOW))?
                .query_row([flow_hash], |row| oidc_flow_from(row))
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
            let mut stmt = conn.prepare_cached(&for_sqlite(sql::AUDIT_ENTRIES))?;
            let rows = stmt.query_map(
                params![
                    query.actor,
                    query.action,
                    query.from_ms,
                    query.until_ms,
                    query.before_id,
                    limit
                ],
                |row| audit_row_from(row),
            )?;
            rows.collect()
        })
        .await
    }
}
