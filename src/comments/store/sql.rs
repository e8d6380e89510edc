//! The SQL both backends share, written once, and the one place where their dialects
//! differ.
//!
//! Every statement here is written as PostgreSQL takes it: `$N` placeholders, a cast
//! where PostgreSQL cannot infer a parameter's type (`$1::TEXT IS NULL`), and a list
//! bound as one array (`= ANY($1::TEXT[])`). [`for_sqlite`] gives SQLite its form:
//! `?N` placeholders, no casts, and the list as a JSON array read by `json_each`.
//!
//! SQLite would take `$1` itself, but as a *named* parameter: names are numbered in the
//! order they first appear, so in `SET role = $2 WHERE name = $1` the value bound first
//! would go to `$2` (a test below shows it). `?N` is numbered as written.
//!
//! What is not here belongs to one backend alone: the migrations ([`super::migrations`]),
//! PostgreSQL's shared rate limit, its import and its table lock, SQLite's pragmas, and
//! how each binds values and runs transactions.

/// The text a PostgreSQL list condition starts with; SQLite reads the list from JSON.
const ANY_OPEN: &str = "= ANY($";

/// The array cast of a list condition's parameter.
const ANY_CLOSE: &str = "::TEXT[])";

/// `statement` with `= ANY($N::TEXT[])` as `IN (SELECT value FROM json_each(?N))`,
/// every other `$N` as `?N`, and casts (`::NAME`, `::NAME[]`) after a placeholder dropped.
pub(crate) fn for_sqlite(statement: &str) -> String {
    let mut out = String::with_capacity(statement.len() + 16);
    let mut rest = statement;
    while let Some(at) = rest.find(['$', '=']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix(ANY_OPEN) {
            let digits = leading_digits(after);
            if !digits.is_empty()
                && let Some(tail) = after[digits.len()..].strip_prefix(ANY_CLOSE)
            {
                out.push_str("IN (SELECT value FROM json_each(?");
                out.push_str(digits);
                out.push_str("))");
                rest = tail;
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix('$') {
            let digits = leading_digits(after);
            if !digits.is_empty() {
                out.push('?');
                out.push_str(digits);
                rest = skip_cast(&after[digits.len()..]);
                continue;
            }
        }
        // A `=` or `$` that starts nothing of ours: copy it.
        let width = rest.chars().next().map_or(1, char::len_utf8);
        out.push_str(&rest[..width]);
        rest = &rest[width..];
    }
    out.push_str(rest);
    out
}

/// The ASCII digits `text` starts with.
fn leading_digits(text: &str) -> &str {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    &text[..end]
}

/// `text` after a leading cast (`::TEXT`, `::BIGINT`, `::TEXT[]`), if it has one.
fn skip_cast(text: &str) -> &str {
    let Some(after) = text.strip_prefix("::") else {
        return text;
    };
    let end = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(after.len());
    let after = &after[end..];
    after.strip_prefix("[]").unwrap_or(after)
}

/// The columns of a comment, in the order [`super::columns::comment_from`] reads them.
macro_rules! comment_columns {
    () => {
        "reference, received_at, received_at_ms, target_id, target_number, \
         target_title, target_text, question, draft_version, body, respondent_type, name, \
         organisation, email, publish, status, status_changed_at, language, attribution"
    };
}

/// The columns of an account (table alias `a`), in the order
/// [`super::columns::account_from`] reads them.
macro_rules! account_columns {
    () => {
        "a.name, a.role, a.password_hash, a.email, a.disabled, a.created_at, a.known_client"
    };
}

/// `SELECT` a comment's columns `FROM comments` and the rest of the statement.
macro_rules! select_comments {
    ($($rest:expr),+) => {
        concat!("SELECT ", comment_columns!(), " FROM comments", $($rest),+)
    };
}

/// `SELECT` an account's columns `FROM accounts a` and the rest of the statement.
macro_rules! select_accounts {
    ($rest:expr) => {
        concat!("SELECT ", account_columns!(), " FROM accounts a", $rest)
    };
}

/// A comment's columns, for statements built at run time.
pub(crate) const COMMENT_COLUMNS: &str = comment_columns!();

// ---- comments ----------------------------------------------------------------------

/// Stores a new comment; nothing (0 rows) when its reference is taken.
pub(crate) const INSERT_COMMENT: &str = "INSERT INTO comments (
        reference, received_at, received_at_ms, target_id, target_number, target_title,
        target_text, question, draft_version, body, respondent_type, name, organisation,
        email, publish, status, language, idempotency_hash, receipt_hash, attribution
    ) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
    ON CONFLICT DO NOTHING";

/// `$1` status, `$2` when, `$3` reference.
pub(crate) const SET_STATUS: &str =
    "UPDATE comments SET status = $1, status_changed_at = $2 WHERE reference = $3";

/// The comment with this reference.
pub(crate) const COMMENT: &str = select_comments!(" WHERE reference = $1");

/// The comment stored under this idempotency hash.
pub(crate) const COMMENT_BY_IDEMPOTENCY: &str = select_comments!(" WHERE idempotency_hash = $1");

/// Whether a comment has this reference (a row, or none).
pub(crate) const COMMENT_EXISTS: &str = "SELECT 1 FROM comments WHERE reference = $1";

/// Every comment, oldest first.
pub(crate) const ALL_COMMENTS: &str = select_comments!(" ORDER BY id");

/// How many comments there are.
pub(crate) const COUNT_COMMENTS: &str = "SELECT COUNT(*) FROM comments";

/// A [`ListQuery`](super::ListQuery)'s conditions: `$1` target, `$2` question, `$3` status.
macro_rules! list_conditions {
    () => {
        " WHERE ($1::TEXT IS NULL OR target_id = $1)
           AND ($2::TEXT IS NULL OR question = $2)
           AND ($3::TEXT IS NULL OR status = $3)"
    };
}

/// A page of a [`ListQuery`](super::ListQuery): `$4` limit, `$5` offset.
pub(crate) const LIST: &str =
    select_comments!(list_conditions!(), " ORDER BY id LIMIT $4 OFFSET $5");

/// How many comments match a [`ListQuery`](super::ListQuery).
pub(crate) const COUNT_LIST: &str = concat!("SELECT COUNT(*) FROM comments", list_conditions!());

/// The receipt hash of the comment with this reference.
pub(crate) const RECEIPT_HASH: &str = "SELECT receipt_hash FROM comments WHERE reference = $1";

/// A comment that may appear on a public page: a drafter published it and its
/// respondent agreed; `$1` target, `$2` question.
macro_rules! published_conditions {
    () => {
        " WHERE status = 'published' AND publish <> 'no'
           AND ($1::TEXT IS NULL OR target_id = $1)
           AND ($2::TEXT IS NULL OR question = $2)"
    };
}

/// A page of published responses: `$3` limit, `$4` offset.
pub(crate) const LIST_PUBLISHED: &str =
    select_comments!(published_conditions!(), " ORDER BY id LIMIT $3 OFFSET $4");

/// How many published responses match.
pub(crate) const COUNT_PUBLISHED: &str =
    concat!("SELECT COUNT(*) FROM comments", published_conditions!());

/// Comments per status.
pub(crate) const COUNT_BY_STATUS: &str = "SELECT status, COUNT(*) FROM comments GROUP BY status";

/// Comments that are not spam, per target and the number it had then.
pub(crate) const COUNT_BY_TARGET: &str =
    "SELECT target_id, target_number, COUNT(*) AS n FROM comments
     WHERE status <> 'spam'
     GROUP BY target_id, target_number
     ORDER BY n DESC, target_id, target_number";

/// Comments that are not spam, per question answered.
pub(crate) const COUNT_BY_QUESTION: &str = "SELECT question, COUNT(*) AS n FROM comments
     WHERE status <> 'spam' AND question IS NOT NULL
     GROUP BY question
     ORDER BY n DESC, question";

// ---- privacy -----------------------------------------------------------------------

/// The condition on a comment that still holds personal data.
macro_rules! holds_personal_data {
    () => {
        "(name IS NOT NULL OR email IS NOT NULL \
         OR (respondent_type = 'individual' AND organisation IS NOT NULL))"
    };
}

/// How many comments received before `$1` still hold personal data.
pub(crate) const COUNT_PERSONAL_DATA: &str = concat!(
    "SELECT COUNT(*) FROM comments WHERE received_at_ms < $1 AND ",
    holds_personal_data!()
);

/// Clears the personal data of comments received before `$1`.
pub(crate) const PURGE: &str = concat!(
    "UPDATE comments SET name = NULL, email = NULL,
       idempotency_hash = NULL, receipt_hash = NULL,
       organisation = CASE WHEN respondent_type = 'individual' THEN NULL
                           ELSE organisation END
     WHERE received_at_ms < $1 AND ",
    holds_personal_data!()
);

/// Erases one comment (`$1` the time, `$2` the reference); a published comment is
/// hidden, since nothing of it is left to show.
pub(crate) const ERASE: &str = "UPDATE comments SET name = NULL, email = NULL, organisation = NULL,
        body = '', idempotency_hash = NULL, receipt_hash = NULL, erased_at = $1,
        status = CASE WHEN status = 'published' THEN 'hidden' ELSE status END
     WHERE reference = $2";

/// When the comment with this reference was erased.
pub(crate) const ERASED_AT: &str = "SELECT erased_at FROM comments WHERE reference = $1";

/// Records a purge or an erasure: action, time, how many, reference.
pub(crate) const LOG_PRIVACY: &str =
    "INSERT INTO privacy_log (action, at, comments, reference) VALUES ($1, $2, $3, $4)";

// ---- analysis ----------------------------------------------------------------------

/// Records a grouping decision.
pub(crate) const ADD_DECISION: &str =
    "INSERT INTO grouping_decisions (kind, reference, with_reference, analyst, at)
     VALUES ($1, $2, $3, $4, $5)";

/// Every grouping decision, in the order taken.
pub(crate) const DECISIONS: &str =
    "SELECT kind, reference, with_reference, analyst, at FROM grouping_decisions ORDER BY id";

/// Adds a code to the coding frame; nothing if it is there.
pub(crate) const ADD_CODE: &str = "INSERT INTO codes (code, added_by, added_at) VALUES ($1, $2, $3)
     ON CONFLICT (code) DO NOTHING";

/// The codes added in `/admin/`, in the order added.
pub(crate) const CODES: &str = "SELECT code, added_by, added_at FROM codes ORDER BY added_at, code";

/// Tags a comment; nothing if it has the tag.
pub(crate) const ADD_TAG: &str =
    "INSERT INTO comment_codes (reference, code, analyst, at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (reference, code) DO NOTHING";

/// Takes a tag off a comment.
pub(crate) const REMOVE_TAG: &str = "DELETE FROM comment_codes WHERE reference = $1 AND code = $2";

/// The tags of the comments listed in `$1` (every tag when it is NULL).
pub(crate) const TAGS: &str = "SELECT reference, code, analyst, at FROM comment_codes
     WHERE $1::TEXT[] IS NULL OR reference = ANY($1::TEXT[])
     ORDER BY reference, code";

/// How many comments that are not spam carry each code, most used first.
pub(crate) const TAG_COUNTS: &str = "SELECT t.code, COUNT(*) AS n FROM comment_codes t
     JOIN comments c ON c.reference = t.reference
     WHERE c.status <> 'spam'
     GROUP BY t.code ORDER BY n DESC, t.code";

/// Up to `limit` comments matching a filter's `WHERE` clause, oldest first.
pub(crate) fn filtered(clause: &str, limit: i64) -> String {
    format!("SELECT {COMMENT_COLUMNS} FROM comments {clause} ORDER BY id LIMIT {limit}")
}

/// Every comment matching a filter's `WHERE` clause, oldest first.
pub(crate) fn export_filtered(clause: &str) -> String {
    format!("SELECT {COMMENT_COLUMNS} FROM comments {clause} ORDER BY id")
}

/// How many comments match a filter's `WHERE` clause.
pub(crate) fn count_filtered(clause: &str) -> String {
    format!("SELECT COUNT(*) FROM comments {clause}")
}

// ---- accounts, sessions, audit -----------------------------------------------------

/// Appends an audit row.
pub(crate) const AUDIT: &str =
    "INSERT INTO audit_log (at, at_ms, actor, action, subject, detail, client)
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// Audit rows, newest first: `$1` actor, `$2` action, `$3` from, `$4` until, `$5` before
/// id, `$6` limit.
pub(crate) const AUDIT_ENTRIES: &str =
    "SELECT id, at, actor, action, subject, detail, client FROM audit_log
     WHERE ($1::TEXT IS NULL OR actor = $1) AND ($2::TEXT IS NULL OR action = $2)
       AND ($3::BIGINT IS NULL OR at_ms >= $3) AND ($4::BIGINT IS NULL OR at_ms < $4)
       AND ($5::BIGINT IS NULL OR id < $5)
     ORDER BY id DESC LIMIT $6";

/// How many enabled admin accounts there are.
pub(crate) const ENABLED_ADMINS: &str =
    "SELECT COUNT(*) FROM accounts WHERE role = 'admin' AND NOT disabled";

/// Whether an account has this name (`$1`) or email (`$2`).
pub(crate) const ACCOUNT_TAKEN: &str =
    "SELECT 1 FROM accounts WHERE name = $1 OR (email IS NOT NULL AND email = $2)";

/// Whether an account has this name.
pub(crate) const ACCOUNT_EXISTS: &str = "SELECT 1 FROM accounts WHERE name = $1";

/// Creates an enabled account.
pub(crate) const ADD_ACCOUNT: &str =
    "INSERT INTO accounts (name, role, password_hash, email, disabled, created_at)
     VALUES ($1, $2, $3, $4, FALSE, $5)";

/// The account with this name.
pub(crate) const ACCOUNT: &str = select_accounts!(" WHERE a.name = $1");

/// The account with this (lower-case) email.
pub(crate) const ACCOUNT_BY_EMAIL: &str = select_accounts!(" WHERE lower(a.email) = $1");

/// Every account, by name.
pub(crate) const ACCOUNTS: &str = select_accounts!(" ORDER BY a.name");

/// Disables an account.
pub(crate) const DISABLE_ACCOUNT: &str = "UPDATE accounts SET disabled = TRUE WHERE name = $1";

/// Enables an account.
pub(crate) const ENABLE_ACCOUNT: &str = "UPDATE accounts SET disabled = FALSE WHERE name = $1";

/// Gives an account (`$1`) a role (`$2`).
pub(crate) const SET_ROLE: &str = "UPDATE accounts SET role = $2 WHERE name = $1";

/// Gives an account (`$1`) a password hash (`$2`).
pub(crate) const SET_PASSWORD: &str = "UPDATE accounts SET password_hash = $2 WHERE name = $1";

/// Remembers the client (`$2`) an account (`$1`) signed in from.
pub(crate) const SET_KNOWN_CLIENT: &str = "UPDATE accounts SET known_client = $2 WHERE name = $1";

/// Sets an account's (`$1`) password hash (`$2`) and known client (`$3`).
pub(crate) const SET_PASSWORD_AND_CLIENT: &str =
    "UPDATE accounts SET password_hash = $2, known_client = $3 WHERE name = $1";

/// Ends every session of an account.
pub(crate) const END_SESSIONS_OF: &str = "DELETE FROM sessions WHERE account = $1";

/// Starts a session: id hash, account, when.
pub(crate) const START_SESSION: &str =
    "INSERT INTO sessions (id_hash, account, created_ms, last_seen_ms)
     VALUES ($1, $2, $3, $3)";

/// A session with its account.
pub(crate) const SESSION: &str = concat!(
    "SELECT ",
    account_columns!(),
    ", s.created_ms, s.last_seen_ms
     FROM sessions s JOIN accounts a ON a.name = s.account WHERE s.id_hash = $1"
);

/// Records that a session (`$1`) was used at `$2`, unless it was used later already.
pub(crate) const TOUCH_SESSION: &str =
    "UPDATE sessions SET last_seen_ms = $2 WHERE id_hash = $1 AND last_seen_ms < $2";

/// Ends one session.
pub(crate) const END_SESSION: &str = "DELETE FROM sessions WHERE id_hash = $1";

/// Retires an account's (`$1`) unused set-up links at `$2`.
pub(crate) const RETIRE_SETUP_LINKS: &str =
    "UPDATE setup_links SET used_ms = $2 WHERE account = $1 AND used_ms IS NULL";

/// Stores a set-up link.
pub(crate) const ADD_SETUP_LINK: &str =
    "INSERT INTO setup_links (token_hash, account, created_ms, expires_ms)
     VALUES ($1, $2, $3, $4)";

/// The set-up link with this token hash.
pub(crate) const SETUP_LINK: &str =
    "SELECT account, expires_ms, used_ms IS NOT NULL FROM setup_links WHERE token_hash = $1";

/// Uses a set-up link (`$1` token hash, `$2` account, `$3` now) if it is unused,
/// unexpired, and its account enabled.
pub(crate) const USE_SETUP_LINK: &str = "UPDATE setup_links SET used_ms = $3
     WHERE token_hash = $1 AND account = $2 AND used_ms IS NULL AND expires_ms > $3
       AND EXISTS (SELECT 1 FROM accounts WHERE name = $2 AND NOT disabled)";

/// Forgets the sign-ins under way that expired by `$1`.
pub(crate) const FORGET_OIDC_FLOWS: &str = "DELETE FROM oidc_flows WHERE expires_ms <= $1";

/// Keeps a sign-in under way.
pub(crate) const ADD_OIDC_FLOW: &str =
    "INSERT INTO oidc_flows (flow_hash, state, nonce, verifier, back, expires_ms)
     VALUES ($1, $2, $3, $4, $5, $6)";

/// Takes a sign-in under way, once.
pub(crate) const TAKE_OIDC_FLOW: &str = "DELETE FROM oidc_flows WHERE flow_hash = $1
     RETURNING flow_hash, state, nonce, verifier, back, expires_ms";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_gets_numbered_placeholders_without_casts() {
        assert_eq!(
            for_sqlite("SELECT 1 WHERE ($1::TEXT IS NULL OR a = $1) AND b < $10::BIGINT"),
            "SELECT 1 WHERE (?1 IS NULL OR a = ?1) AND b < ?10"
        );
        assert_eq!(
            for_sqlite(TAGS),
            "SELECT reference, code, analyst, at FROM comment_codes
     WHERE ?1 IS NULL OR reference IN (SELECT value FROM json_each(?1))
     ORDER BY reference, code"
        );
        // What is not a placeholder stays.
        assert_eq!(
            for_sqlite("SELECT '$x' = a, b = ANY(c), $ FROM t"),
            "SELECT '$x' = a, b = ANY(c), $ FROM t"
        );
    }

    #[test]
    fn sqlite_numbers_dollar_names_by_first_use_so_they_are_rewritten() {
        let conn = rusqlite::Connection::open_in_memory().expect("open");
        let as_written = "SELECT $2 || '-' || $1";
        // SQLite reads `$2` as a name, numbered 1 because it comes first: the first value
        // bound goes to it.
        let named: String = conn
            .query_row(as_written, ["first", "second"], |r| r.get(0))
            .expect("named");
        assert_eq!(named, "first-second");
        let numbered: String = conn
            .query_row(&for_sqlite(as_written), ["first", "second"], |r| r.get(0))
            .expect("numbered");
        assert_eq!(numbered, "second-first");
    }

    #[test]
    fn every_shared_statement_prepares_on_a_migrated_sqlite_file() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("open");
        super::super::migrations::migrate(&mut conn).expect("migrate");
        for statement in [
            INSERT_COMMENT,
            SET_STATUS,
            COMMENT,
            COMMENT_BY_IDEMPOTENCY,
            COMMENT_EXISTS,
            ALL_COMMENTS,
            COUNT_COMMENTS,
            LIST,
            COUNT_LIST,
            RECEIPT_HASH,
            LIST_PUBLISHED,
            COUNT_PUBLISHED,
            COUNT_BY_STATUS,
            COUNT_BY_TARGET,
            COUNT_BY_QUESTION,
            COUNT_PERSONAL_DATA,
            PURGE,
            ERASE,
            ERASED_AT,
            LOG_PRIVACY,
            ADD_DECISION,
            DECISIONS,
            ADD_CODE,
            CODES,
            ADD_TAG,
            REMOVE_TAG,
            TAGS,
            TAG_COUNTS,
            AUDIT,
            AUDIT_ENTRIES,
            ENABLED_ADMINS,
            ACCOUNT_TAKEN,
            ACCOUNT_EXISTS,
            ADD_ACCOUNT,
            ACCOUNT,
            ACCOUNT_BY_EMAIL,
            ACCOUNTS,
            DISABLE_ACCOUNT,
            ENABLE_ACCOUNT,
            SET_ROLE,
            SET_PASSWORD,
            SET_KNOWN_CLIENT,
            SET_PASSWORD_AND_CLIENT,
            END_SESSIONS_OF,
            START_SESSION,
            SESSION,
            TOUCH_SESSION,
            END_SESSION,
            RETIRE_SETUP_LINKS,
            ADD_SETUP_LINK,
            SETUP_LINK,
            USE_SETUP_LINK,
            FORGET_OIDC_FLOWS,
            ADD_OIDC_FLOW,
            TAKE_OIDC_FLOW,
        ] {
            let sql = for_sqlite(statement);
            assert!(!sql.contains('$'), "{sql}");
            if let Err(e) = conn.prepare(&sql) {
                panic!("{e}: {sql}");
            }
        }
    }
}
