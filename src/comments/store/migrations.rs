//! The comments database schema and its migrations, for both backends.
//!
//! SQLite: the schema version is `PRAGMA user_version`: 0 for a new file, N once the
//! first N entries of [`MIGRATIONS`] have run. Each migration runs in its own
//! transaction together with the version bump, so a crash mid-migration leaves the
//! previous version intact. Migrations are append-only: a released entry is never
//! edited, a change is a new entry.
//!
//! PostgreSQL: [`POSTGRES_MIGRATIONS`], the version in table `copbook_schema`, each
//! migration in its own transaction with the version bump, all under a session advisory
//! lock so instances starting together migrate one after the other (see
//! [`super::postgres`]).

use rusqlite::{Connection, TransactionBehavior};

/// Migration `i` takes a database from version `i` to version `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: comments, with the snapshot of what each was about.
    "CREATE TABLE comments (
        id               INTEGER PRIMARY KEY,
        reference        TEXT    NOT NULL UNIQUE,
        received_at      TEXT    NOT NULL,
        received_at_ms   INTEGER NOT NULL,
        target_id        TEXT    NOT NULL,
        target_number    TEXT,
        target_title     TEXT    NOT NULL,
        target_text      TEXT    NOT NULL,
        question         TEXT,
        draft_version    TEXT    NOT NULL,
        body             TEXT    NOT NULL,
        respondent_type  TEXT    NOT NULL CHECK (respondent_type IN ('individual', 'organisation')),
        name             TEXT,
        organisation     TEXT,
        email            TEXT,
        publish          TEXT    NOT NULL CHECK (publish IN ('yes', 'anonymous', 'no')),
        status           TEXT    NOT NULL CHECK (status IN ('received', 'spam', 'hidden', 'published'))
    ) STRICT;
    CREATE INDEX comments_by_target ON comments (target_id);",
    // 2: moderation: when a status last changed, and the indexes the admin views filter by.
    "ALTER TABLE comments ADD COLUMN status_changed_at TEXT;
    CREATE INDEX comments_by_status ON comments (status);
    CREATE INDEX comments_by_question ON comments (question) WHERE question IS NOT NULL;",
    // 3: the language a comment was made in (every earlier comment was made in English).
    "ALTER TABLE comments ADD COLUMN language TEXT NOT NULL DEFAULT 'en';",
    // 4: personal data deleted on time (issue 16).
    PRIVACY_SQLITE,
    // 5: idempotency keys and receipt secrets, as hashes (issue 16).
    SUBMISSION_KEYS,
    // 6: the drafters' analysis (issue 11): codes, tags, grouping decisions.
    ANALYSIS_SQLITE,
    // 7: accounts, sessions and the append-only audit log (issue 25).
    ACCOUNTS_SQLITE,
    // 8: how a published response names its respondent (issue 30); NULL for older rows.
    ATTRIBUTION,
    // 9: one-time set-up links and OpenID Connect sign-ins under way (issue 25).
    SIGN_IN_LINKS_SQLITE,
];

/// Both backends: the respondent's choice of attribution (`name`, `organisation` or
/// `both`) when they agreed to publication with a name; NULL otherwise and for every
/// comment stored before the form asked (named as they were then).
const ATTRIBUTION: &str = "ALTER TABLE comments ADD COLUMN attribution TEXT
    CHECK (attribution IN ('name', 'organisation', 'both'));";

/// Both backends: the hashes of a submission's idempotency key and receipt secret
/// (see the `keys` module); one comment per idempotency hash. The index is partial:
/// most comments carry no key, and an insert without one writes no index entry.
const SUBMISSION_KEYS: &str = "ALTER TABLE comments ADD COLUMN idempotency_hash TEXT;
    ALTER TABLE comments ADD COLUMN receipt_hash TEXT;
    CREATE UNIQUE INDEX comments_by_idempotency_hash ON comments (idempotency_hash)
        WHERE idempotency_hash IS NOT NULL;";

/// SQLite: when a comment was erased at its respondent's request (a tombstone keeps
/// its reference and dates), and a log of every purge and erasure.
const PRIVACY_SQLITE: &str = "ALTER TABLE comments ADD COLUMN erased_at TEXT;
    CREATE TABLE privacy_log (
        id        INTEGER PRIMARY KEY,
        action    TEXT    NOT NULL CHECK (action IN ('purge', 'erase')),
        at        TEXT    NOT NULL,
        comments  INTEGER NOT NULL,
        reference TEXT
    ) STRICT;";

/// PostgreSQL: the same as [`PRIVACY_SQLITE`].
const PRIVACY_POSTGRES: &str = "ALTER TABLE comments ADD COLUMN erased_at TEXT;
    CREATE TABLE privacy_log (
        id        BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        action    TEXT    NOT NULL CHECK (action IN ('purge', 'erase')),
        at        TEXT    NOT NULL,
        comments  BIGINT  NOT NULL,
        reference TEXT
    );";

/// SQLite: the codes drafters added in `/admin/`, the codes tagged on each comment (by
/// whom, when), their split and merge decisions about campaign groups in the order
/// taken, and the index the analysis view's date range uses.
const ANALYSIS_SQLITE: &str = "CREATE TABLE codes (
        code      TEXT NOT NULL PRIMARY KEY,
        added_by  TEXT NOT NULL,
        added_at  TEXT NOT NULL
    ) STRICT;
    CREATE TABLE comment_codes (
        reference TEXT NOT NULL,
        code      TEXT NOT NULL,
        analyst   TEXT NOT NULL,
        at        TEXT NOT NULL,
        PRIMARY KEY (reference, code)
    ) STRICT;
    CREATE INDEX comment_codes_by_code ON comment_codes (code);
    CREATE TABLE grouping_decisions (
        id             INTEGER PRIMARY KEY,
        kind           TEXT NOT NULL CHECK (kind IN ('split', 'merge')),
        reference      TEXT NOT NULL,
        with_reference TEXT,
        analyst        TEXT NOT NULL,
        at             TEXT NOT NULL
    ) STRICT;
    CREATE INDEX comments_by_received ON comments (received_at_ms);";

/// PostgreSQL: the same as [`ANALYSIS_SQLITE`].
const ANALYSIS_POSTGRES: &str = "CREATE TABLE codes (
        code      TEXT NOT NULL PRIMARY KEY,
        added_by  TEXT NOT NULL,
        added_at  TEXT NOT NULL
    );
    CREATE TABLE comment_codes (
        reference TEXT NOT NULL,
        code      TEXT NOT NULL,
        analyst   TEXT NOT NULL,
        at        TEXT NOT NULL,
        PRIMARY KEY (reference, code)
    );
    CREATE INDEX comment_codes_by_code ON comment_codes (code);
    CREATE TABLE grouping_decisions (
        id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind           TEXT NOT NULL CHECK (kind IN ('split', 'merge')),
        reference      TEXT NOT NULL,
        with_reference TEXT,
        analyst        TEXT NOT NULL,
        at             TEXT NOT NULL
    );
    CREATE INDEX comments_by_received ON comments (received_at_ms);";

/// SQLite: the drafters' accounts (role, argon2id hash, the email an OpenID Connect
/// sign-in maps to, the hash of the client last signed in from), their sessions (by the
/// SHA-256 of the session id, never the id), and the audit log, which triggers keep
/// append-only.
const ACCOUNTS_SQLITE: &str = "CREATE TABLE accounts (
        name          TEXT    NOT NULL PRIMARY KEY,
        role          TEXT    NOT NULL CHECK (role IN ('analyst', 'moderator', 'admin')),
        password_hash TEXT,
        email         TEXT    UNIQUE,
        disabled      INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT    NOT NULL,
        known_client  TEXT
    ) STRICT;
    CREATE TABLE sessions (
        id_hash       TEXT    NOT NULL PRIMARY KEY,
        account       TEXT    NOT NULL REFERENCES accounts (name),
        created_ms    INTEGER NOT NULL,
        last_seen_ms  INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX sessions_by_account ON sessions (account);
    CREATE TABLE audit_log (
        id      INTEGER PRIMARY KEY,
        at      TEXT    NOT NULL,
        at_ms   INTEGER NOT NULL,
        actor   TEXT    NOT NULL,
        action  TEXT    NOT NULL,
        subject TEXT,
        detail  TEXT,
        client  TEXT
    ) STRICT;
    CREATE INDEX audit_log_by_time ON audit_log (at_ms);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

/// PostgreSQL: the same as [`ACCOUNTS_SQLITE`]. The triggers stop copbook's own role;
/// README says how an operator also takes UPDATE and DELETE away from it.
const ACCOUNTS_POSTGRES: &str = "CREATE TABLE accounts (
        name          TEXT    NOT NULL PRIMARY KEY,
        role          TEXT    NOT NULL CHECK (role IN ('analyst', 'moderator', 'admin')),
        password_hash TEXT,
        email         TEXT    UNIQUE,
        disabled      BOOLEAN NOT NULL DEFAULT FALSE,
        created_at    TEXT    NOT NULL,
        known_client  TEXT
    );
    CREATE TABLE sessions (
        id_hash       TEXT    NOT NULL PRIMARY KEY,
        account       TEXT    NOT NULL REFERENCES accounts (name),
        created_ms    BIGINT  NOT NULL,
        last_seen_ms  BIGINT  NOT NULL
    );
    CREATE INDEX sessions_by_account ON sessions (account);
    CREATE TABLE audit_log (
        id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at      TEXT    NOT NULL,
        at_ms   BIGINT  NOT NULL,
        actor   TEXT    NOT NULL,
        action  TEXT    NOT NULL,
        subject TEXT,
        detail  TEXT,
        client  TEXT
    );
    CREATE INDEX audit_log_by_time ON audit_log (at_ms);
    CREATE FUNCTION copbook_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION copbook_audit_log_append_only();";

/// SQLite: one-time set-up links (by the SHA-256 of the token, never the token; used
/// once, then marked) and OpenID Connect sign-ins under way (by the hash of the browser's
/// flow cookie: the `state`, the nonce and the PKCE verifier, taken once by the callback).
const SIGN_IN_LINKS_SQLITE: &str = "CREATE TABLE setup_links (
        token_hash  TEXT    NOT NULL PRIMARY KEY,
        account     TEXT    NOT NULL REFERENCES accounts (name),
        created_ms  INTEGER NOT NULL,
        expires_ms  INTEGER NOT NULL,
        used_ms     INTEGER
    ) STRICT;
    CREATE INDEX setup_links_by_account ON setup_links (account);
    CREATE TABLE oidc_flows (
        flow_hash   TEXT    NOT NULL PRIMARY KEY,
        state       TEXT    NOT NULL,
        nonce       TEXT    NOT NULL,
        verifier    TEXT    NOT NULL,
        back        TEXT    NOT NULL,
        expires_ms  INTEGER NOT NULL
    ) STRICT;";

/// PostgreSQL: the same as [`SIGN_IN_LINKS_SQLITE`].
const SIGN_IN_LINKS_POSTGRES: &str = "CREATE TABLE setup_links (
        token_hash  TEXT    NOT NULL PRIMARY KEY,
        account     TEXT    NOT NULL REFERENCES accounts (name),
        created_ms  BIGINT  NOT NULL,
        expires_ms  BIGINT  NOT NULL,
        used_ms     BIGINT
    );
    CREATE INDEX setup_links_by_account ON setup_links (account);
    CREATE TABLE oidc_flows (
        flow_hash   TEXT    NOT NULL PRIMARY KEY,
        state       TEXT    NOT NULL,
        nonce       TEXT    NOT NULL,
        verifier    TEXT    NOT NULL,
        back        TEXT    NOT NULL,
        expires_ms  BIGINT  NOT NULL
    );";

/// PostgreSQL migration `i` takes a database from version `i` to version `i + 1`; the
/// same tables as [`MIGRATIONS`], plus the shared rate-limit counters.
pub const POSTGRES_MIGRATIONS: &[&str] = &[
    // 1: comments, with the snapshot of what each was about, and moderation.
    "CREATE TABLE comments (
        id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        reference        TEXT    NOT NULL UNIQUE,
        received_at      TEXT    NOT NULL,
        received_at_ms   BIGINT  NOT NULL,
        target_id        TEXT    NOT NULL,
        target_number    TEXT,
        target_title     TEXT    NOT NULL,
        target_text      TEXT    NOT NULL,
        question         TEXT,
        draft_version    TEXT    NOT NULL,
        body             TEXT    NOT NULL,
        respondent_type  TEXT    NOT NULL CHECK (respondent_type IN ('individual', 'organisation')),
        name             TEXT,
        organisation     TEXT,
        email            TEXT,
        publish          TEXT    NOT NULL CHECK (publish IN ('yes', 'anonymous', 'no')),
        status           TEXT    NOT NULL CHECK (status IN ('received', 'spam', 'hidden', 'published')),
        status_changed_at TEXT
    );
    CREATE INDEX comments_by_target ON comments (target_id);
    CREATE INDEX comments_by_status ON comments (status);
    CREATE INDEX comments_by_question ON comments (question) WHERE question IS NOT NULL;",
    // 2: per-client submission counts in fixed one-minute windows, shared by every
    // instance; the key is a hash, never the address, and rows die after two windows.
    "CREATE TABLE submission_counts (
        client_hash  BYTEA   NOT NULL,
        window_start BIGINT  NOT NULL,
        count        INTEGER NOT NULL,
        PRIMARY KEY (client_hash, window_start)
    );",
    // 3: the language a comment was made in (every earlier comment was made in English).
    "ALTER TABLE comments ADD COLUMN language TEXT NOT NULL DEFAULT 'en';",
    // 4: personal data deleted on time (issue 16).
    PRIVACY_POSTGRES,
    // 5: idempotency keys and receipt secrets, as hashes (issue 16).
    SUBMISSION_KEYS,
    // 6: the drafters' analysis (issue 11): codes, tags, grouping decisions.
    ANALYSIS_POSTGRES,
    // 7: accounts, sessions and the append-only audit log (issue 25).
    ACCOUNTS_POSTGRES,
    // 8: how a published response names its respondent (issue 30); NULL for older rows.
    ATTRIBUTION,
    // 9: one-time set-up links and OpenID Connect sign-ins under way (issue 25).
    SIGN_IN_LINKS_POSTGRES,
];

/// The schema version this build of copbook writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Why the schema could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The file's version is not one this build knows: written by a newer copbook.
    #[error(
        "schema version {found} is not one this copbook knows (0 to {VERSION}); was the file written by a newer copbook?"
    )]
    Unsupported {
        /// The version found in the file.
        found: i64,
    },
    /// A migration failed; the database is left at `from`.
    #[error("migration from schema version {from} failed: {reason}")]
    Failed {
        /// The version the failed migration started from.
        from: i64,
        /// What the database said.
        reason: String,
    },
}

/// The schema version of the open database.
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Brings the database up to [`VERSION`], one migration per transaction.
pub fn migrate(conn: &mut Connection) -> Result<(), MigrateError> {
    let failed = |from| {
        move |e: rusqlite::Error| MigrateError::Failed {
            from,
            reason: e.to_string(),
        }
    };
    let found = version(conn).map_err(failed(0))?;
    let Some(pending) = usize::try_from(found)
        .ok()
        .and_then(|i| MIGRATIONS.get(i..))
    else {
        return Err(MigrateError::Unsupported { found });
    };
    for (from, sql) in (found..).zip(pending) {
        // IMMEDIATE: two processes opening the same file migrate one after the other,
        // and the second sees the first's version bump.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed(from))?;
        if version(&tx).map_err(failed(from))? != from {
            continue; // someone else ran it meanwhile
        }
        tx.execute_batch(sql).map_err(failed(from))?;
        tx.pragma_update(None, "user_version", from + 1)
            .map_err(failed(from))?;
        tx.commit().map_err(failed(from))?;
    }
    Ok(())
}
