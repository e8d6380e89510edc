//! Reading a row the same way from either backend: [`Columns`], implemented for a
//! rusqlite row and a tokio-postgres row, and the values built from the rows of the
//! statements in [`super::sql`], each written once.

use super::super::coding::{CodeEntry, DecisionKind, GroupingDecision, Tag};
use super::super::model::{Attribution, Publish, RespondentType, Status, StoredComment};
use super::accounts::{Account, AuditRow, OidcFlow, SessionRow, SetupLink};
use super::counts::{QuestionCount, TargetCount};
use super::interface::StoreError;

/// The columns of one row, by position.
pub(crate) trait Columns {
    /// What a backend's read fails with.
    type Error;

    /// A text column.
    fn text(&self, idx: usize) -> Result<String, Self::Error>;

    /// A nullable text column.
    fn optional_text(&self, idx: usize) -> Result<Option<String>, Self::Error>;

    /// An integer column.
    fn int(&self, idx: usize) -> Result<i64, Self::Error>;

    /// A boolean column (an integer 0 or 1 on SQLite).
    fn boolean(&self, idx: usize) -> Result<bool, Self::Error>;

    /// The error for a text column holding a value this copbook does not know.
    fn unknown(&self, idx: usize, value: &str) -> Self::Error;

    /// A `COUNT(*)`.
    fn count(&self, idx: usize) -> Result<u64, Self::Error> {
        Ok(u64::try_from(self.int(idx)?).unwrap_or(0))
    }

    /// A text column read by `parse`.
    fn parsed<T>(&self, idx: usize, parse: fn(&str) -> Option<T>) -> Result<T, Self::Error> {
        let value = self.text(idx)?;
        parse(&value).ok_or_else(|| self.unknown(idx, &value))
    }
}

impl Columns for rusqlite::Row<'_> {
    type Error = rusqlite::Error;

    fn text(&self, idx: usize) -> rusqlite::Result<String> {
        self.get(idx)
    }

    fn optional_text(&self, idx: usize) -> rusqlite::Result<Option<String>> {
        self.get(idx)
    }

    fn int(&self, idx: usize) -> rusqlite::Result<i64> {
        self.get(idx)
    }

    fn boolean(&self, idx: usize) -> rusqlite::Result<bool> {
        self.get(idx)
    }

    fn unknown(&self, idx: usize, value: &str) -> rusqlite::Error {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("unknown value `{value}`").into(),
        )
    }
}

impl Columns for tokio_postgres::Row {
    type Error = StoreError;

    fn text(&self, idx: usize) -> Result<String, StoreError> {
        self.try_get(idx).map_err(read_err)
    }

    fn optional_text(&self, idx: usize) -> Result<Option<String>, StoreError> {
        self.try_get(idx).map_err(read_err)
    }

    fn int(&self, idx: usize) -> Result<i64, StoreError> {
        self.try_get(idx).map_err(read_err)
    }

    fn boolean(&self, idx: usize) -> Result<bool, StoreError> {
        self.try_get(idx).map_err(read_err)
    }

    fn unknown(&self, idx: usize, value: &str) -> StoreError {
        StoreError::Read(format!("column {idx}: unknown value `{value}`"))
    }
}

fn read_err(e: tokio_postgres::Error) -> StoreError {
    StoreError::Read(e.to_string())
}

/// A comment, from the columns of [`super::sql::COMMENT_COLUMNS`].
pub(crate) fn comment_from<R: Columns>(row: &R) -> Result<StoredComment, R::Error> {
    Ok(StoredComment {
        reference: row.text(0)?,
        received_at: row.text(1)?,
        received_at_ms: row.int(2)?,
        target_id: row.text(3)?,
        target_number: row.optional_text(4)?,
        target_title: row.text(5)?,
        target_text: row.text(6)?,
        question: row.optional_text(7)?,
        draft_version: row.text(8)?,
        body: row.text(9)?,
        respondent_type: row.parsed(10, RespondentType::parse)?,
        name: row.optional_text(11)?,
        organisation: row.optional_text(12)?,
        email: row.optional_text(13)?,
        publish: row.parsed(14, Publish::parse)?,
        status: row.parsed(15, Status::parse)?,
        status_changed_at: row.optional_text(16)?,
        language: row.text(17)?,
        attribution: match row.optional_text(18)? {
            Some(a) => Some(Attribution::parse(&a).ok_or_else(|| row.unknown(18, &a))?),
            None => None,
        },
    })
}

/// An account, from the account columns of [`super::sql`] (starting at column 0).
pub(crate) fn account_from<R: Columns>(row: &R) -> Result<Account, R::Error> {
    Ok(Account {
        name: row.text(0)?,
        role: row.text(1)?,
        password_hash: row.optional_text(2)?,
        email: row.optional_text(3)?,
        disabled: row.boolean(4)?,
        created_at: row.text(5)?,
        known_client: row.optional_text(6)?,
    })
}

/// A session with its account, from [`super::sql::SESSION`].
pub(crate) fn session_from<R: Columns>(row: &R) -> Result<SessionRow, R::Error> {
    Ok(SessionRow {
        account: account_from(row)?,
        created_ms: row.int(7)?,
        last_seen_ms: row.int(8)?,
    })
}

/// A set-up link, from [`super::sql::SETUP_LINK`].
pub(crate) fn setup_link_from<R: Columns>(row: &R) -> Result<SetupLink, R::Error> {
    Ok(SetupLink {
        account: row.text(0)?,
        expires_ms: row.int(1)?,
        used: row.boolean(2)?,
    })
}

/// A sign-in under way, from [`super::sql::TAKE_OIDC_FLOW`].
pub(crate) fn oidc_flow_from<R: Columns>(row: &R) -> Result<OidcFlow, R::Error> {
    Ok(OidcFlow {
        flow_hash: row.text(0)?,
        state: row.text(1)?,
        nonce: row.text(2)?,
        verifier: row.text(3)?,
        back: row.text(4)?,
        expires_ms: row.int(5)?,
    })
}

/// An audit row, from [`super::sql::AUDIT_ENTRIES`].
pub(crate) fn audit_row_from<R: Columns>(row: &R) -> Result<AuditRow, R::Error> {
    Ok(AuditRow {
        id: row.int(0)?,
        at: row.text(1)?,
        actor: row.text(2)?,
        action: row.text(3)?,
        subject: row.optional_text(4)?,
        detail: row.optional_text(5)?,
        client: row.optional_text(6)?,
    })
}

/// A grouping decision, from [`super::sql::DECISIONS`].
pub(crate) fn decision_from<R: Columns>(row: &R) -> Result<GroupingDecision, R::Error> {
    Ok(GroupingDecision {
        kind: row.parsed(0, DecisionKind::parse)?,
        reference: row.text(1)?,
        with: row.optional_text(2)?,
        analyst: row.text(3)?,
        at: row.text(4)?,
    })
}

/// A code of the coding frame, from [`super::sql::CODES`].
pub(crate) fn code_from<R: Columns>(row: &R) -> Result<CodeEntry, R::Error> {
    Ok(CodeEntry {
        code: row.text(0)?,
        added_by: row.text(1)?,
        added_at: row.text(2)?,
    })
}

/// A tag, from [`super::sql::TAGS`].
pub(crate) fn tag_from<R: Columns>(row: &R) -> Result<Tag, R::Error> {
    Ok(Tag {
        reference: row.text(0)?,
        code: row.text(1)?,
        analyst: row.text(2)?,
        at: row.text(3)?,
    })
}

/// A code and how many comments carry it, from [`super::sql::TAG_COUNTS`].
pub(crate) fn tag_count_from<R: Columns>(row: &R) -> Result<(String, u64), R::Error> {
    Ok((row.text(0)?, row.count(1)?))
}

/// A status and how many comments have it, from [`super::sql::COUNT_BY_STATUS`].
pub(crate) fn status_count_from<R: Columns>(row: &R) -> Result<(String, u64), R::Error> {
    Ok((row.text(0)?, row.count(1)?))
}

/// A target's count, from [`super::sql::COUNT_BY_TARGET`].
pub(crate) fn target_count_from<R: Columns>(row: &R) -> Result<TargetCount, R::Error> {
    Ok(TargetCount {
        target_id: row.text(0)?,
        target_number: row.optional_text(1)?,
        count: row.count(2)?,
    })
}

/// A question's count, from [`super::sql::COUNT_BY_QUESTION`].
pub(crate) fn question_count_from<R: Columns>(row: &R) -> Result<QuestionCount, R::Error> {
    Ok(QuestionCount {
        question: row.text(0)?,
        count: row.count(1)?,
    })
}
