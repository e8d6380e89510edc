//! [`AccountStore`] and [`AuditLog`] on PostgreSQL: each change and its audit row in one
//! transaction on a pooled connection.

use tokio_postgres::Row;

use super::super::StoreError;
use super::super::accounts::{
    Account, AccountChange, AccountStore, AuditEntry, AuditLog, AuditQuery, AuditRow, NewAccount,
    NewSession, NewSetupLink, OidcFlow, SessionRow, SetupLink,
};
use super::{PostgresStore, db_err, rfc3339_ms};

const ACCOUNT_COLUMNS: &str =
    "a.name, a.role, a.password_hash, a.email, a.disabled, a.created_at, a.known_client";

fn account_from(row: &Row) -> Account {
    Account {
        name: row.get(0),
        role: row.get(1),
        password_hash: row.get(2),
        email: row.get(3),
        disabled: row.get(4),
        created_at: row.get(5),
        known_client: row.get(6),
    }
}

/// Appends one audit row inside `tx` (the change it records commits or rolls back with it).
pub(super) async fn audit(
    tx: &deadpool_postgres::Transaction<'_>,
    e: &AuditEntry,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit_log (at, at_ms, actor, action, subject, detail, client)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &rfc3339_ms(e.at_ms),
            &e.at_ms,
            &e.actor,
            &e.action,
            &e.subject,
            &e.detail,
            &e.client,
        ],
    )
    .await
    .map_err(db_err)?;
    Ok(())
}

async fn enabled_admins(tx: &deadpool_postgres::Transaction<'_>) -> Result<i64, StoreError> {
    let row = tx
        .query_one(
            "SELECT COUNT(*) FROM accounts WHERE role = 'admin' AND NOT disabled",
            &[],
        )
        .await
        .map_err(db_err)?;
    Ok(row.get(0))
}

#[async_trait::async_trait]
impl AccountStore for PostgresStore {
    async fn add_account(&self, account: NewAccount, entry: AuditEntry) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        let taken = tx
            .query_opt(
                "SELECT 1 FROM accounts WHERE name = $1 OR (email IS NOT NULL AND email = $2)",
                &[&account.name, &account.email],
            )
            .await
            .map_err(db_err)?
            .is_some();
        if taken {
            return Err(StoreError::AccountExists(account.name));
        }
        tx.execute(
            "INSERT INTO accounts (name, role, password_hash, email, disabled, created_at)
             VALUES ($1, $2, $3, $4, FALSE, $5)",
            &[
                &account.name,
                &account.role,
                &account.password_hash,
                &account.email,
                &rfc3339_ms(account.created_ms),
            ],
        )
        .await
        .map_err(db_err)?;
        audit(&tx, &entry).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn account(&self, name: &str) -> Result<Option<Account>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.name = $1"),
                &[&name],
            )
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(account_from))
    }

    async fn account_by_email(&self, email: &str) -> Result<Option<Account>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE lower(a.email) = $1"),
                &[&email.to_ascii_lowercase()],
            )
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(account_from))
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a ORDER BY a.name"),
                &[],
            )
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(account_from).collect())
    }

    async fn change_account(
        &self,
        name: &str,
        change: AccountChange,
        entry: AuditEntry,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        // Serialises account changes, so two instances cannot each disable one of the
        // last two admins.
        tx.execute("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE", &[])
            .await
            .map_err(db_err)?;
        let admins_before = enabled_admins(&tx).await?;
        let changed = match &change {
            AccountChange::Disable => {
                tx.execute(
                    "UPDATE accounts SET disabled = TRUE WHERE name = $1",
                    &[&name],
                )
                .await
            }
            AccountChange::Enable => {
                tx.execute(
                    "UPDATE accounts SET disabled = FALSE WHERE name = $1",
                    &[&name],
                )
                .await
            }
            AccountChange::Role(role) => {
                tx.execute(
                    "UPDATE accounts SET role = $2 WHERE name = $1",
                    &[&name, role],
                )
                .await
            }
            AccountChange::Password(hash) => {
                tx.execute(
                    "UPDATE accounts SET password_hash = $2 WHERE name = $1",
                    &[&name, hash],
                )
                .await
            }
        }
        .map_err(db_err)?;
        if changed == 0 {
            return Err(StoreError::NotFound(name.to_string()));
        }
        if admins_before > 0 && enabled_admins(&tx).await? == 0 {
            return Err(StoreError::LastAdmin);
        }
        tx.execute("DELETE FROM sessions WHERE account = $1", &[&name])
            .await
            .map_err(db_err)?;
        audit(&tx, &entry).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn start_session(
        &self,
        session: NewSession,
        entry: AuditEntry,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        tx.execute(
            "INSERT INTO sessions (id_hash, account, created_ms, last_seen_ms)
             VALUES ($1, $2, $3, $3)",
            &[&session.id_hash, &session.account, &session.created_ms],
        )
        .await
        .map_err(db_err)?;
        tx.execute(
            "UPDATE accounts SET known_client = $2 WHERE name = $1",
            &[&session.account, &session.client_hash],
        )
        .await
        .map_err(db_err)?;
        audit(&tx, &entry).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn session(&self, id_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!(
                    "SELECT {ACCOUNT_COLUMNS}, s.created_ms, s.last_seen_ms
                     FROM sessions s JOIN accounts a ON a.name = s.account WHERE s.id_hash = $1"
                ),
                &[&id_hash],
            )
            .await
            .map_err(db_err)?;
        Ok(row.map(|row| SessionRow {
            account: account_from(&row),
            created_ms: row.get(7),
            last_seen_ms: row.get(8),
        }))
    }

    async fn touch_session(&self, id_hash: &str, at_ms: i64) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "UPDATE sessions SET last_seen_ms = GREATEST(last_seen_ms, $2) WHERE id_hash = $1",
                &[&id_hash, &at_ms],
            )
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn end_session(
        &self,
        id_hash: &str,
        entry: Option<AuditEntry>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        tx.execute("DELETE FROM sessions WHERE id_hash = $1", &[&id_hash])
            .await
            .map_err(db_err)?;
        if let Some(entry) = &entry {
            audit(&tx, entry).await?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn add_setup_link(
        &self,
        link: NewSetupLink,
        entry: AuditEntry,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        let known = tx
            .query_opt("SELECT 1 FROM accounts WHERE name = $1", &[&link.account])
            .await
            .map_err(db_err)?;
        if known.is_none() {
            return Err(StoreError::NotFound(link.account));
        }
        tx.execute(
            "UPDATE setup_links SET used_ms = $2 WHERE account = $1 AND used_ms IS NULL",
            &[&link.account, &link.created_ms],
        )
        .await
        .map_err(db_err)?;
        tx.execute(
            "INSERT INTO setup_links (token_hash, account, created_ms, expires_ms)
             VALUES ($1, $2, $3, $4)",
            &[
                &link.token_hash,
                &link.account,
                &link.created_ms,
                &link.expires_ms,
            ],
        )
        .await
        .map_err(db_err)?;
        audit(&tx, &entry).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn setup_link(&self, token_hash: &str) -> Result<Option<SetupLink>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT account, expires_ms, used_ms IS NOT NULL FROM setup_links WHERE token_hash = $1",
                &[&token_hash],
            )
            .await
            .map_err(db_err)?;
        Ok(row.map(|row| SetupLink {
            account: row.get(0),
            expires_ms: row.get(1),
            used: row.get(2),
        }))
    }

    async fn use_setup_link(
        &self,
        token_hash: &str,
        password_hash: String,
        session: NewSession,
        entry: AuditEntry,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        let now = session.created_ms;
        let used = tx
            .execute(
                "UPDATE setup_links SET used_ms = $3
                 WHERE token_hash = $1 AND account = $2 AND used_ms IS NULL AND expires_ms > $3
                   AND EXISTS (SELECT 1 FROM accounts WHERE name = $2 AND NOT disabled)",
                &[&token_hash, &session.account, &now],
            )
            .await
            .map_err(db_err)?;
        if used == 0 {
            return Err(StoreError::NotFound("set-up link".to_string()));
        }
        tx.execute(
            "UPDATE accounts SET password_hash = $2, known_client = $3 WHERE name = $1",
            &[&session.account, &password_hash, &session.client_hash],
        )
        .await
        .map_err(db_err)?;
        tx.execute(
            "DELETE FROM sessions WHERE account = $1",
            &[&session.account],
        )
        .await
        .map_err(db_err)?;
        tx.execute(
            "INSERT INTO sessions (id_hash, account, created_ms, last_seen_ms)
             VALUES ($1, $2, $3, $3)",
            &[&session.id_hash, &session.account, &now],
        )
        .await
        .map_err(db_err)?;
        audit(&tx, &entry).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn start_oidc_flow(&self, flow: OidcFlow, now_ms: i64) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        tx.execute("DELETE FROM oidc_flows WHERE expires_ms <= $1", &[&now_ms])
            .await
            .map_err(db_err)?;
        tx.execute(
            "INSERT INTO oidc_flows (flow_hash, state, nonce, verifier, back, expires_ms)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &flow.flow_hash,
                &flow.state,
                &flow.nonce,
                &flow.verifier,
                &flow.back,
                &flow.expires_ms,
            ],
        )
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn take_oidc_flow(
        &self,
        flow_hash: &str,
        now_ms: i64,
    ) -> Result<Option<OidcFlow>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "DELETE FROM oidc_flows WHERE flow_hash = $1
                 RETURNING flow_hash, state, nonce, verifier, back, expires_ms",
                &[&flow_hash],
            )
            .await
            .map_err(db_err)?;
        Ok(row
            .map(|row| OidcFlow {
                flow_hash: row.get(0),
                state: row.get(1),
                nonce: row.get(2),
                verifier: row.get(3),
                back: row.get(4),
                expires_ms: row.get(5),
            })
            .filter(|f| f.expires_ms > now_ms))
    }
}

#[async_trait::async_trait]
impl AuditLog for PostgresStore {
    async fn append_audit(&self, entry: AuditEntry) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        audit(&tx, &entry).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn audit_entries(&self, query: &AuditQuery) -> Result<Vec<AuditRow>, StoreError> {
        let client = self.client().await?;
        let limit = (query.limit > 0).then(|| i64::try_from(query.limit).unwrap_or(i64::MAX));
        let rows = client
            .query(
                "SELECT id, at, actor, action, subject, detail, client FROM audit_log
                 WHERE ($1::TEXT IS NULL OR actor = $1) AND ($2::TEXT IS NULL OR action = $2)
                   AND ($3::BIGINT IS NULL OR at_ms >= $3) AND ($4::BIGINT IS NULL OR at_ms < $4)
                   AND ($5::BIGINT IS NULL OR id < $5)
                 ORDER BY id DESC LIMIT $6",
                &[
                    &query.actor,
                    &query.action,
                    &query.from_ms,
                    &query.until_ms,
                    &query.before_id,
                    &limit,
                ],
            )
            .await
            .map_err(db_err)?;
        Ok(rows
            .iter()
            .map(|row| AuditRow {
                id: row.get(0),
                at: row.get(1),
                actor: row.get(2),
                action: row.get(3),
                subject: row.get(4),
                detail: row.get(5),
                client: row.get(6),
            })
            .collect())
    }
}
