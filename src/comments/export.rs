//! Getting comments out: CSV and JSON exports for the analysts, and [`Stats`] for the
//! drafters' and moderators' overview.
//!
//! Exports stream from one read snapshot, so an export taken during the consultation is
//! consistent and does not hold everything in memory.
//!
//! The CSV is opened in spreadsheets, and a spreadsheet runs a cell that starts with
//! `=`, `+`, `-` or `@` as a formula (CSV injection): a respondent could plant
//! `=HYPERLINK(...)` for an analyst to click. Every cell that starts with one of those,
//! or with a tab or carriage return, gets a leading `'`, which spreadsheets read as
//! "this is text" (OWASP's advice). Quoting is the `csv` crate's job. The JSON export
//! is not altered: it is for programs, and keeps every byte as stored.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

use super::model::{Status, StoredComment};
use super::store::{Store, StoreError};

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing CSV failed.
    #[error("writing CSV failed: {0}")]
    Csv(#[from] csv::Error),
    /// Writing JSON failed.
    #[error("writing JSON failed: {0}")]
    Json(#[from] serde_json::Error),
    /// Writing the output failed.
    #[error("writing the export failed: {0}")]
    Io(#[from] std::io::Error),
}

/// The CSV's header row: the fields of [`StoredComment`], in order.
pub const CSV_HEADER: [&str; 18] = [
    "reference",
    "received_at",
    "received_at_ms",
    "target_id",
    "target_number",
    "target_title",
    "target_text",
    "question",
    "draft_version",
    "body",
    "respondent_type",
    "name",
    "organisation",
    "email",
    "publish",
    "status",
    "status_changed_at",
    "language",
];

/// Writes every comment, oldest first, as CSV with a header row, formula-like cells
/// neutralised.
pub fn export_csv(store: &Store, out: impl Write) -> Result<(), ExportError> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(CSV_HEADER)?;
    store.for_each(|c| {
        csv.write_record(csv_row(&c).iter().map(|cell| neutralise(cell).into_owned()))
            .map_err(ExportError::from)
    })?;
    csv.flush()?;
    Ok(())
}

/// Writes every comment, oldest first, as a JSON array of objects with the fields of
/// [`StoredComment`], one object per line.
pub fn export_json(store: &Store, out: impl Write) -> Result<(), ExportError> {
    let mut out = std::io::BufWriter::new(out);
    out.write_all(b"[")?;
    let mut first = true;
    store.for_each(|c| {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        serde_json::to_writer(&mut out, &c)?;
        Ok::<(), ExportError>(())
    })?;
    out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
    out.flush()?;
    Ok(())
}

/// A cell as a spreadsheet may safely open it: a leading `'` before `=`, `+`, `-`,
/// `@`, tab or carriage return.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

fn csv_row(c: &StoredComment) -> [String; 18] {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    [
        c.reference.clone(),
        c.received_at.clone(),
        c.received_at_ms.to_string(),
        c.target_id.clone(),
        opt(&c.target_number),
        c.target_title.clone(),
        c.target_text.clone(),
        opt(&c.question),
        c.draft_version.clone(),
        c.body.clone(),
        c.respondent_type.as_str().to_string(),
        opt(&c.name),
        opt(&c.organisation),
        opt(&c.email),
        c.publish.as_str().to_string(),
        c.status.as_str().to_string(),
        opt(&c.status_changed_at),
        c.language.clone(),
    ]
}

/// Counts for the overview: how many comments, where, and in which state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Every stored comment, spam included.
    pub total: u64,
    /// Comments per status, every status listed (zeros included), in [`Status::ALL`] order.
    pub by_status: Vec<StatusCount>,
    /// Comments that are not spam, per target id and the number it had then; most
    /// commented first.
    pub by_target: Vec<TargetCount>,
    /// Comments that are not spam, per question answered; most answered first.
    pub by_question: Vec<QuestionCount>,
}

/// How many comments have one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusCount {
    /// The status.
    pub status: Status,
    /// How many.
    pub count: u64,
}

/// How many comments one target drew under one display number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetCount {
    /// The stable id.
    pub target_id: String,
    /// The display number the comments saw (provisions are renumbered between drafts).
    pub target_number: Option<String>,
    /// How many.
    pub count: u64,
}

/// How many comments answered one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionCount {
    /// The question id.
    pub question: String,
    /// How many.
    pub count: u64,
}

/// Counts comments per status, per target and per question, from one snapshot.
pub fn stats(store: &Store) -> Result<Stats, StoreError> {
    store.with_reader(|conn| {
        // One read transaction: the counts add up even while comments arrive.
        let tx = conn.unchecked_transaction()?;
        let mut by_status: Vec<StatusCount> = Status::ALL
            .iter()
            .map(|&status| StatusCount { status, count: 0 })
            .collect();
        let mut total = 0;
        {
            let mut stmt = tx.prepare("SELECT status, COUNT(*) FROM comments GROUP BY status")?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let status: String = row.get(0)?;
                let count: u64 = row.get(1)?;
                total += count;
                if let Some(s) = by_status.iter_mut().find(|s| s.status.as_str() == status) {
                    s.count = count;
                }
            }
        }
        let by_target = tx
            .prepare(
                "SELECT target_id, target_number, COUNT(*) AS n FROM comments
                 WHERE status <> 'spam'
                 GROUP BY target_id, target_number
                 ORDER BY n DESC, target_id, target_number",
            )?
            .query_map([], |row| {
                Ok(TargetCount {
                    target_id: row.get(0)?,
                    target_number: row.get(1)?,
                    count: row.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let by_question = tx
            .prepare(
                "SELECT question, COUNT(*) AS n FROM comments
                 WHERE status <> 'spam' AND question IS NOT NULL
                 GROUP BY question
                 ORDER BY n DESC, question",
            )?
            .query_map([], |row| {
                Ok(QuestionCount {
                    question: row.get(0)?,
                    count: row.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        tx.finish()?;
        Ok(Stats {
            total,
            by_status,
            by_target,
            by_question,
        })
    })
}

impl Store {
    /// Counts comments per status, per target and per question (see [`stats`]).
    pub fn stats(&self) -> Result<Stats, StoreError> {
        stats(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_formula_starts_only() {
        for (cell, safe) in [
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@x", "'@x"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("a=b", "a=b"),
            (" =x", " =x"),
            ("", ""),
            ("5.3", "5.3"),
        ] {
            assert_eq!(neutralise(cell), safe);
        }
    }
}
