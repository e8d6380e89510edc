//! [`AccountStore`] and [`AuditLog`] on PostgreSQL: each change and its audit row in one
//! transaction on a pooled connection.

use super::super::accounts::{
    Account, AccountChange, AccountStore, AuditEntry, AuditLog, AuditQuery, AuditRow, NewAccount,
    NewSession, NewSetupLink, OidcFlow, SessionRow, SetupLink,
};
use super::super::columns::{
    Columns, account_from, audit_row_from, oidc_flow_from, session_from, setup_link_from,
};
use super::super::interface::StoreError;
use super::super::sql;
use super::{PostgresStore, db_err, mapped, rfc3339_ms};

/// Appends one audit row inside `tx` (the change it records commits or rolls back with it).
pub(super) async fn audit(
    tx: &deadpool_postgres::Transaction<'_>,
    e: &AuditEntry,
) -> Result<(), StoreError> {
    tx.execute(
        sql::AUDIT,
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
        .query_one(sql::ENABLED_ADMINS, &[])
        .await
        .map_err(db_err)?;
    row.int(0)
}

#[async_trait::async_trait]
impl AccountStore for PostgresStore {
    async fn add_account(&self, account: NewAccount, entry: AuditEntry) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        let taken = tx
            .query_opt(sql::ACCOUNT_TAKEN, &[&account.name, &account.email])
            .await
            .map_err(db_err)?
            .is_some();
        if taken {
            return Err(StoreError::AccountExists(account.name));
        }
        tx.execute(
            sql::ADD_ACCOUNT,
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
            .query_opt(sql::ACCOUNT, &[&name])
            .await
            .map_err(db_err)?;
        row.as_ref().map(account_from).transpose()
    }

    async fn account_by_email(&self, email: &str) -> Result<Option<Account>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(sql::ACCOUNT_BY_EMAIL, &[&email.to_ascii_lowercase()])
            .await
            .map_err(db_err)?;
        row.as_ref().map(account_from).transpose()
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let client = self.client().await?;
        mapped(client.query(sql::ACCOUNTS, &[]).await, account_from)
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
            AccountChange::Disable => tx.execute(sql::DISABLE_ACCOUNT, &[&name]).await,
            AccountChange::Enable => tx.execute(sql::ENABLE_ACCOUNT, &[&name]).await,
            AccountChange::Role(role) => tx.execute(sql::SET_ROLE, &[&name, role]).await,
            AccountChange::Password(hash) => tx.execute(sql::SET_PASSWORD, &[&name, hash]).await,
        }
        .map_err(db_err)?;
        if changed == 0 {
            return Err(StoreError::NotFound(name.to_string()));
        }
        if admins_before > 0 && enabled_admins(&tx).await? == 0 {
            return Err(StoreError::LastAdmin);
        }
        tx.execute(sql::END_SESSIONS_OF, &[&name])
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
            sql::START_SESSION,
            &[&session.id_hash, &session.account, &session.created_ms],
        )
        .await
        .map_err(db_err)?;
        tx.execute(
            sql::SET_KNOWN_CLIENT,
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
            .query_opt(sql::SESSION, &[&id_hash])
            .await
            .map_err(db_err)?;
        row.as_ref().map(session_from).transpose()
    }

    async fn touch_session(&self, id_hash: &str, at_ms: i64) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(sql::TOUCH_SESSION, &[&id_hash, &at_ms])
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
        tx.execute(sql::END_SESSION, &[&id_hash])
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
            .query_opt(sql::ACCOUNT_EXISTS, &[&link.account])
            .await
            .map_err(db_err)?;
        if known.is_none() {
            return Err(StoreError::NotFound(link.account));
        }
        tx.execute(sql::RETIRE_SETUP_LINKS, &[&link.account, &link.created_ms])
            .await
            .map_err(db_err)?;
        tx.execute(
            sql::ADD_SETUP_LINK,
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
            .query_opt(sql::SETUP_LINK, &[&token_hash])
            .await
            .map_err(db_err)?;
        row.as_ref().map(setup_link_from).transpose()
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
            .execute(sql::USE_SETUP_LINK, &[&token_hash, &session.account, &now])
            .await
            .map_err(db_err)?;
        if used == 0 {
            return Err(StoreError::NotFound("set-up link".to_string()));
        }
        tx.execute(
            sql::SET_PASSWORD_AND_CLIENT,
            &[&session.account, &password_hash, &session.client_hash],
        )
        .await
        .map_err(db_err)?;
        tx.execute(sql::END_SESSIONS_OF, &[&session.account])
            .await
            .map_err(db_err)?;
        tx.execute(
            sql::START_SESSION,
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
        tx.execute(sql::FORGET_OIDC_FLOWS, &[&now_ms])
            .await
            .map_err(db_err)?;
        tx.execute(
            sql::ADD_OIDC_FLOW,
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
            .query_opt(sql::TAKE_OIDC_FLOW, &[&flow_hash])
            .await
            .map_err(db_err)?;
        let flow = row.as_ref().map(oidc_flow_from).transpose()?;
        Ok(flow.filter(|f| f.expires_ms > now_ms))
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
                sql::AUDIT_ENTRIES,
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
        rows.iter().map(audit_row_from).collect()
    }
}
