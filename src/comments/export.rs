//! Getting comments out: CSV and JSON exports for the analysts.
//!
//! Exports format the rows of [`CommentStore::export`](super::store::CommentStore::export),
//! which streams them from one read snapshot: an export taken during the consultation is
//! consistent and does not hold everything in memory. No SQL here; the overview's counts
//! are the store's ([`Stats`](super::store::Stats)).
//!
//! The CSV is opened in spreadsheets, and a spreadsheet runs a cell that starts with
//! `=`, `+`, `-` or `@` as a formula (CSV injection): a respondent could plant
//! `=HYPERLINK(...)` for an analyst to click. Every cell that starts with one of those,
//! or with a tab or carriage return, gets a leading `'`, which spreadsheets read as
//! "this is text" (OWASP's advice). Quoting is the `csv` crate's job. Both exports drop
//! bidirectional controls from the respondent's text, name and organisation (rows stored
//! before bodies lost them on the way in may hold them), since they can make a
//! spreadsheet or a terminal show the text in another order; the JSON is otherwise as stored.

use std::borrow::Cow;
use std::io::Write;

use super::model::StoredComment;
use super::store::StoreError;

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
pub const CSV_HEADER: [&str; 19] = [
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
    "attribution",
    "status",
    "status_changed_at",
    "language",
];

/// Writes every comment, oldest first, as CSV with a header row, formula-like cells
/// neutralised.
pub fn export_csv(
    rows: impl IntoIterator<Item = Result<StoredComment, StoreError>>,
    out: impl Write,
) -> Result<(), ExportError> {
    export_csv_with(rows, out, &[], |_| Vec::new())
}

/// [`export_csv`] with extra columns computed by the caller from each comment (e.g. where
/// its paragraph is now, see `crate::drafts::follow`), after the stored fields.
pub fn export_csv_with(
    rows: impl IntoIterator<Item = Result<StoredComment, StoreError>>,
    out: impl Write,
    extra_header: &[&str],
    mut extra: impl FnMut(&StoredComment) -> Vec<String>,
) -> Result<(), ExportError> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(CSV_HEADER.iter().chain(extra_header))?;
    for c in rows {
        let c = c?.without_bidi_controls();
        let row = csv_row(&c).into_iter().chain(extra(&c));
        csv.write_record(row.map(|cell| neutralise(&cell).into_owned()))?;
    }
    csv.flush()?;
    Ok(())
}

/// Writes every comment, oldest first, as a JSON array of objects with the fields of
/// [`StoredComment`], one object per line.
pub fn export_json(
    rows: impl IntoIterator<Item = Result<StoredComment, StoreError>>,
    out: impl Write,
) -> Result<(), ExportError> {
    export_json_with(rows, out, |_| serde_json::Map::new())
}

/// [`export_json`] with extra fields computed by the caller from each comment.
pub fn export_json_with(
    rows: impl IntoIterator<Item = Result<StoredComment, StoreError>>,
    out: impl Write,
    mut extra: impl FnMut(&StoredComment) -> serde_json::Map<String, serde_json::Value>,
) -> Result<(), ExportError> {
    let mut out = std::io::BufWriter::new(out);
    out.write_all(b"[")?;
    let mut first = true;
    for c in rows {
        let c = c?.without_bidi_controls();
        out.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        let more = extra(&c);
        if more.is_empty() {
            serde_json::to_writer(&mut out, &c)?;
        } else {
            let mut value = serde_json::to_value(&c)?;
            if let Some(fields) = value.as_object_mut() {
                fields.extend(more);
            }
            serde_json::to_writer(&mut out, &value)?;
        }
    }
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

fn csv_row(c: &StoredComment) -> [String; 19] {
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
        c.attribution
            .map(|a| a.as_str().to_string())
            .unwrap_or_default(),
        c.status.as_str().to_string(),
        opt(&c.status_changed_at),
        c.language.clone(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::Status;

    fn stored(body: &str, publish: crate::comments::Publish) -> StoredComment {
        StoredComment {
            reference: "LEDS-7K3M-9QF2-X4TD".into(),
            received_at: "2026-12-01T12:00:00.000Z".into(),
            received_at_ms: 1_796_126_400_000,
            target_id: "share-lawful-basis".into(),
            target_number: Some("4.3".into()),
            target_title: "Sharing".into(),
            target_text: "Share only on a lawful basis.".into(),
            question: None,
            draft_version: "1".into(),
            body: body.into(),
            respondent_type: crate::comments::RespondentType::Individual,
            name: Some("Ann\u{202E}Ex".into()),
            organisation: None,
            email: None,
            publish,
            attribution: None,
            status: Status::Received,
            status_changed_at: None,
            language: "en".into(),
        }
    }

    #[test]
    fn exports_carry_no_bidirectional_controls_even_from_older_rows() {
        // A row stored before bodies lost their controls.
        let row = stored(
            "I agree\u{202E}txet desrever\u{202C} \u{2066}x\u{2069}",
            crate::comments::Publish::Yes,
        );
        let mut csv = Vec::new();
        export_csv([Ok(row.clone())], &mut csv).expect("csv");
        let mut json = Vec::new();
        export_json([Ok(row)], &mut json).expect("json");
        for out in [String::from_utf8(csv), String::from_utf8(json)] {
            let out = out.expect("utf-8");
            assert!(out.contains("I agreetxet desrever x"), "{out}");
            assert!(out.contains("AnnEx"), "{out}");
            assert!(
                !out.chars().any(crate::comments::model::is_bidi_control),
                "{out:?}"
            );
        }
    }

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
