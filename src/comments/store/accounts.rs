//! Accounts, sessions and the audit log as the store keeps them: the traits
//! [`AccountStore`] and [`AuditLog`] (both backends, one contract in
//! `tests/comments_store.rs`) and the rows they read and write.
//!
//! The store knows nothing of what a role may do (that is the `auth` module's job); it keeps a
//! role as one of the words `analyst`, `moderator`, `admin` and enforces two rules of its
//! own, in the transaction that makes the change:
//! - at least one enabled admin remains once there is one ([`StoreError::LastAdmin`]);
//! - an account change (disable, role, password) ends every session of that account.
//!
//! Each write that changes an account or a session takes the [`AuditEntry`] that records
//! it and appends it in the same transaction. The audit table is append-only: no method
//! changes or deletes a row, and both backends refuse `UPDATE` and `DELETE` on it with a
//! trigger. Times are passed in (the server's clock), never read here.

use super::interface::StoreError;

/// An account to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// Short name (sign-in name; shown on codes, tags and in the audit).
    pub name: String,
    /// `analyst`, `moderator` or `admin`.
    pub role: String,
    /// The PHC string of the password's hash; `None`: single sign-on or a set-up link only.
    pub password_hash: Option<String>,
    /// The verified email an OpenID Connect sign-in maps to this account.
    pub email: Option<String>,
    /// When it was created (ms since the epoch).
    pub created_ms: i64,
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Account {
    /// Short name.
    pub name: String,
    /// `analyst`, `moderator` or `admin`.
    pub role: String,
    /// The PHC string of the password's hash.
    #[serde(skip)]
    pub password_hash: Option<String>,
    /// The email an OpenID Connect sign-in maps to this account.
    pub email: Option<String>,
    /// Whether the account may no longer sign in.
    pub disabled: bool,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// A hash of the client address it last signed in from.
    #[serde(skip)]
    pub known_client: Option<String>,
}

/// A change to an account. Every change ends the account's sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountChange {
    /// It may no longer sign in.
    Disable,
    /// It may sign in again.
    Enable,
    /// A new role.
    Role(String),
    /// A new password hash (`None`: no password).
    Password(Option<String>),
}

/// A session to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// The SHA-256 of the session id (the id itself is only in the browser's cookie).
    pub id_hash: String,
    /// The account's name.
    pub account: String,
    /// When it started (ms since the epoch).
    pub created_ms: i64,
    /// The hash of the client address it started from, remembered on the account.
    pub client_hash: String,
}

/// A one-time set-up link to store: only the SHA-256 of its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSetupLink {
    /// What the store keeps of the token.
    pub token_hash: String,
    /// The account it sets a password for.
    pub account: String,
    /// When it was made (ms since the epoch).
    pub created_ms: i64,
    /// When it stops working (ms since the epoch).
    pub expires_ms: i64,
}

/// A set-up link as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupLink {
    /// The account it sets a password for.
    pub account: String,
    /// When it stops working (ms since the epoch).
    pub expires_ms: i64,
    /// Whether it was used already (a link works once).
    pub used: bool,
}

/// An OpenID Connect sign-in under way, between the redirect to the provider and its
/// callback: what the callback checks and needs, kept under the hash of the browser's
/// flow cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcFlow {
    /// The SHA-256 of the flow cookie's value.
    pub flow_hash: String,
    /// The `state` sent to the provider, which the callback must bring back.
    pub state: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub verifier: String,
    /// Where to go once signed in (an `/admin/` path).
    pub back: String,
    /// When it stops working (ms since the epoch).
    pub expires_ms: i64,
}

/// A session as stored, with its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// The account.
    pub account: Account,
    /// When it started (ms since the epoch).
    pub created_ms: i64,
    /// When it was last used (ms since the epoch).
    pub last_seen_ms: i64,
}

/// One action to record: who, when, what, on what, from where. Never personal data: a
/// response is named by its reference, an account by its short name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When (ms since the epoch, from the server's clock).
    pub at_ms: i64,
    /// The account's name (or `token`, `cli`, `unknown`).
    pub actor: String,
    /// What was done (`status`, `erase`, `sign-in`, …).
    pub action: String,
    /// The response reference or account name it was done to.
    pub subject: Option<String>,
    /// A word or two more (the new status, the code), never a respondent's words.
    pub detail: Option<String>,
    /// The client address.
    pub client: Option<String>,
}

/// An audit row as read back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRow {
    /// Position in the log (increasing).
    pub id: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// On which response or account.
    pub subject: Option<String>,
    /// More about it.
    pub detail: Option<String>,
    /// From which client.
    pub client: Option<String>,
}

/// Which audit rows to read, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditQuery {
    /// Only this actor.
    pub actor: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Only at or after this time (ms).
    pub from_ms: Option<i64>,
    /// Only before this time (ms).
    pub until_ms: Option<i64>,
    /// Only rows older than this id (the keyset of the next page).
    pub before_id: Option<i64>,
    /// At most this many; 0 for every row.
    pub limit: usize,
}

/// Accounts and sessions.
#[async_trait::async_trait]
pub trait AccountStore {
    /// Creates an account; [`StoreError::AccountExists`] if the name (or email) is taken.
    async fn add_account(&self, account: NewAccount, audit: AuditEntry) -> Result<(), StoreError>;

    /// The account with this name.
    async fn account(&self, name: &str) -> Result<Option<Account>, StoreError>;

    /// The account an OpenID Connect sign-in with this verified email maps to.
    async fn account_by_email(&self, email: &str) -> Result<Option<Account>, StoreError>;

    /// Every account, by name.
    async fn accounts(&self) -> Result<Vec<Account>, StoreError>;

    /// Changes an account and ends its sessions; [`StoreError::NotFound`] for no such
    /// account, [`StoreError::LastAdmin`] if no enabled admin would remain.
    async fn change_account(
        &self,
        name: &str,
        change: AccountChange,
        audit: AuditEntry,
    ) -> Result<(), StoreError>;

    /// Starts a session and remembers the client on the account.
    async fn start_session(&self, session: NewSession, audit: AuditEntry)
    -> Result<(), StoreError>;

    /// The session with this id hash, with its account.
    async fn session(&self, id_hash: &str) -> Result<Option<SessionRow>, StoreError>;

    /// Records that the session was used at `at_ms`.
    async fn touch_session(&self, id_hash: &str, at_ms: i64) -> Result<(), StoreError>;

    /// Ends a session (sign-out, expiry), recording `audit` if given.
    async fn end_session(&self, id_hash: &str, audit: Option<AuditEntry>)
    -> Result<(), StoreError>;

    /// Stores a one-time set-up link (any earlier unused link of the account stops
    /// working); [`StoreError::NotFound`] for no such account.
    async fn add_setup_link(&self, link: NewSetupLink, audit: AuditEntry)
    -> Result<(), StoreError>;

    /// The set-up link with this token hash.
    async fn setup_link(&self, token_hash: &str) -> Result<Option<SetupLink>, StoreError>;

    /// Uses a set-up link, all in one transaction: marks it used, sets the account's
    /// password hash, ends its other sessions, starts `session` (whose `created_ms` is
    /// now) and appends `audit`. [`StoreError::NotFound`] (and nothing changed) unless the
    /// link is the unused, unexpired link of `session.account`, an enabled account.
    async fn use_setup_link(
        &self,
        token_hash: &str,
        password_hash: String,
        session: NewSession,
        audit: AuditEntry,
    ) -> Result<(), StoreError>;

    /// Keeps an OpenID Connect sign-in under way (and forgets those that expired).
    async fn start_oidc_flow(&self, flow: OidcFlow, now_ms: i64) -> Result<(), StoreError>;

    /// Takes the sign-in under way with this flow hash, once: it is deleted whether or
    /// not it is still good. `None` if there is none or it expired before `now_ms`.
    async fn take_oidc_flow(
        &self,
        flow_hash: &str,
        now_ms: i64,
    ) -> Result<Option<OidcFlow>, StoreError>;
}

/// The append-only audit log.
#[async_trait::async_trait]
pub trait AuditLog {
    /// Appends one row.
    async fn append_audit(&self, entry: AuditEntry) -> Result<(), StoreError>;

    /// Rows matching `query`, newest first.
    async fn audit_entries(&self, query: &AuditQuery) -> Result<Vec<AuditRow>, StoreError>;
}
