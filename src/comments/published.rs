//! Published responses: what of a comment may appear on a public page or in the open
//! data, and the open data's CSV and JSON.
//!
//! A comment is published only when a drafter marked it [`Status::Published`] **and**
//! its respondent agreed ([`Publish::Yes`] or [`Publish::Anonymous`]);
//! [`PublicResponse::of`] refuses anything else, so a page or a download built from it
//! cannot show a response its respondent kept private.
//!
//! What is shown of the respondent is what they chose:
//! - `yes`: the names they chose to be attributed by ([`Attribution`]: their name, their
//!   organisation's, or both); a comment stored before the form asked is named as then:
//!   an individual's name (if they gave one); an organisation's name, and the name of the
//!   person who answered for it if they gave one;
//! - `anonymous`: neither (pages then say "An individual" or "An organisation").
//!
//! An email address is never part of a [`PublicResponse`]: the type has no field for it.
//! Nor is the receipt reference, which opens the respondent's receipt page: a response
//! is known by an id derived from it one way ([`public_id`]).

use std::io::Write;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::export::{ExportError, neutralise};
use super::model::{Publish, RespondentType, Status, StoredComment};
use super::store::StoreError;

/// A published response as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicResponse {
    /// A stable id for the response (see [`public_id`]), never its reference.
    pub id: String,
    /// The day it was received, `YYYY-MM-DD` (UTC).
    pub received_on: String,
    /// The id commented on (a provision, section or chapter id, or `general`).
    pub target_id: String,
    /// The target's number when the comment was made, for a provision.
    pub target_number: Option<String>,
    /// The target's heading when the comment was made.
    pub target_title: String,
    /// The consultation question answered, if any.
    pub question: Option<String>,
    /// The draft commented on.
    pub draft_version: String,
    /// Individual or organisation.
    pub respondent_type: RespondentType,
    /// The respondent's name, when they let it be published.
    pub name: Option<String>,
    /// The organisation's name, when an organisation let it be published.
    pub organisation: Option<String>,
    /// The response.
    pub body: String,
    /// The language it was written in: `en` or `cy`.
    pub language: String,
}

impl PublicResponse {
    /// The public view of `c`, or `None` unless a drafter published it and its
    /// respondent agreed to publication.
    pub fn of(c: StoredComment) -> Option<PublicResponse> {
        if c.status != Status::Published || c.publish == Publish::No {
            return None;
        }
        let named = c.publish == Publish::Yes;
        let (name_shown, organisation_shown) = match c.attribution {
            Some(a) => (named && a.names_person(), named && a.names_organisation()),
            // Stored before the form asked: an individual's organisation is personal
            // data, like their name; an organisation is named with whoever answered.
            None => (
                named,
                named && c.respondent_type == RespondentType::Organisation,
            ),
        };
        let organisation = if organisation_shown {
            non_empty(c.organisation)
        } else {
            None
        };
        Some(PublicResponse {
            id: public_id(&c.reference),
            received_on: c.received_at.get(..10).unwrap_or_default().to_string(),
            target_id: c.target_id,
            target_number: c.target_number,
            target_title: c.target_title,
            question: c.question,
            draft_version: c.draft_version,
            respondent_type: c.respondent_type,
            name: if name_shown { non_empty(c.name) } else { None },
            organisation,
            body: c.body,
            language: c.language,
        })
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// The public id of the response with receipt reference `reference`: 12 hex digits of
/// SHA-256 over a copbook-specific prefix and the reference. Stable across exports;
/// the reference cannot be read back from it.
pub fn public_id(reference: &str) -> String {
    let digest = Sha256::digest(format!("copbook published response\0{reference}").as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The open data CSV's header row: the fields of [`PublicResponse`], in order.
pub const CSV_HEADER: [&str; 12] = [
    "id",
    "received_on",
    "target_id",
    "target_number",
    "target_title",
    "question",
    "draft_version",
    "respondent_type",
    "name",
    "organisation",
    "body",
    "language",
];

/// The open data's two formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenDataFormat {
    /// CSV with a header row, formulas neutralised.
    Csv,
    /// A JSON array of [`PublicResponse`] objects, one per line.
    Json,
}

/// The open data written a few responses at a time, so a download never holds more than
/// one page of it: [`OpenDataWriter::push`] each comment, [`OpenDataWriter::take`] the
/// bytes so far, [`OpenDataWriter::finish`] for the last. However the comments are split,
/// the bytes are those of [`write_csv`] or [`write_json`] over all of them.
#[derive(Debug)]
pub struct OpenDataWriter {
    format: OpenDataFormat,
    csv: csv::Writer<Vec<u8>>,
    json: Vec<u8>,
    written: u64,
}

impl OpenDataWriter {
    /// A writer that has written the opening (the CSV header row, or `[`).
    pub fn new(format: OpenDataFormat) -> Result<OpenDataWriter, ExportError> {
        let mut csv = csv::Writer::from_writer(Vec::new());
        let mut json = Vec::new();
        match format {
            OpenDataFormat::Csv => csv.write_record(CSV_HEADER)?,
            OpenDataFormat::Json => json.push(b'['),
        }
        Ok(OpenDataWriter {
            format,
            csv,
            json,
            written: 0,
        })
    }

    /// Writes `c` if it is a published response ([`PublicResponse::of`]); skips it
    /// otherwise. Whether it was written.
    pub fn push(&mut self, c: StoredComment) -> Result<bool, ExportError> {
        let Some(r) = PublicResponse::of(c) else {
            return Ok(false);
        };
        match self.format {
            OpenDataFormat::Csv => {
                let opt = |o: Option<String>| o.unwrap_or_default();
                let row = [
                    r.id,
                    r.received_on,
                    r.target_id,
                    opt(r.target_number),
                    r.target_title,
                    opt(r.question),
                    r.draft_version,
                    r.respondent_type.as_str().to_string(),
                    opt(r.name),
                    opt(r.organisation),
                    r.body,
                    r.language,
                ];
                self.csv
                    .write_record(row.iter().map(|cell| neutralise(cell).into_owned()))?;
            }
            OpenDataFormat::Json => {
                self.json
                    .extend_from_slice(if self.written == 0 { b"\n" } else { b",\n" });
                serde_json::to_writer(&mut self.json, &r)?;
            }
        }
        self.written += 1;
        Ok(true)
    }

    /// The bytes written since the last call.
    pub fn take(&mut self) -> Result<Vec<u8>, ExportError> {
        match self.format {
            OpenDataFormat::Csv => {
                // A fresh writer for the next page: records are written whole, so nothing
                // of one carries over to the next.
                let page = std::mem::replace(&mut self.csv, csv::Writer::from_writer(Vec::new()));
                Ok(page.into_inner().map_err(|e| e.into_error())?)
            }
            OpenDataFormat::Json => Ok(std::mem::take(&mut self.json)),
        }
    }

    /// How many responses were written.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// The closing bytes, after any not yet taken.
    pub fn finish(mut self) -> Result<Vec<u8>, ExportError> {
        if self.format == OpenDataFormat::Json {
            self.json
                .extend_from_slice(if self.written == 0 { b"]\n" } else { b"\n]\n" });
        }
        self.take()
    }
}

/// Writes the published responses among `rows` in `format` (see [`OpenDataWriter`]);
/// every other comment is skipped. How many were written.
fn write_all(
    format: OpenDataFormat,
    rows: impl IntoIterator<Item = Result<StoredComment, StoreError>>,
    mut out: impl Write,
) -> Result<u64, ExportError> {
    let mut writer = OpenDataWriter::new(format)?;
    for c in rows {
        // Passed on every 64 responses, so only that many are held.
        if writer.push(c?)? && writer.written() % 64 == 0 {
            out.write_all(&writer.take()?)?;
        }
    }
    let written = writer.written();
    out.write_all(&writer.finish()?)?;
    out.flush()?;
    Ok(written)
}

/// Writes the published responses among `rows` as CSV with a header row, cells that a
/// spreadsheet would run as a formula neutralised (see the `export` module). Every other
/// comment is skipped.
pub fn write_csv(
    rows: impl IntoIterator<Item = Result<StoredComment, StoreError>>,
    out: impl Write,
) -> Result<u64, ExportError> {
    write_all(OpenDataFormat::Csv, rows, out)
}

/// Writes the published responses among `rows` as a JSON array of [`PublicResponse`]
/// objects, one per line. Every other comment is skipped.
pub fn write_json(
    rows: impl IntoIterator<Item = Result<StoredComment, StoreError>>,
    out: impl Write,
) -> Result<u64, ExportError> {
    write_all(OpenDataFormat::Json, rows, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::model::Attribution;

    fn stored(publish: Publish, status: Status, kind: RespondentType) -> StoredComment {
        StoredComment {
            reference: "LEDS-AAAA-BBBB-CCCC".into(),
            received_at: "2026-12-01T12:00:00.000Z".into(),
            received_at_ms: 1_796_126_400_000,
            target_id: "share-lawful-basis".into(),
            target_number: Some("5.1".into()),
            target_title: "Sharing".into(),
            target_text: "text".into(),
            question: Some("q-sharing".into()),
            draft_version: "0.1".into(),
            body: "=HYPERLINK(\"x\")".into(),
            respondent_type: kind,
            name: Some("Jo Bloggs".into()),
            organisation: Some("Acme Trust".into()),
            email: Some("jo@example.org".into()),
            publish,
            attribution: None,
            status,
            status_changed_at: None,
            language: "en".into(),
        }
    }

    #[test]
    fn a_chosen_attribution_names_only_what_was_chosen() {
        use RespondentType::*;
        let with = |kind, attribution| {
            let c = StoredComment {
                attribution: Some(attribution),
                ..stored(Publish::Yes, Status::Published, kind)
            };
            PublicResponse::of(c).map(|r| (r.name, r.organisation))
        };
        let (jo, acme) = (
            Some("Jo Bloggs".to_string()),
            Some("Acme Trust".to_string()),
        );
        assert_eq!(
            with(Organisation, Attribution::Organisation),
            Some((None, acme.clone()))
        );
        assert_eq!(
            with(Organisation, Attribution::Name),
            Some((jo.clone(), None))
        );
        assert_eq!(
            with(Organisation, Attribution::Both),
            Some((jo.clone(), acme.clone()))
        );
        assert_eq!(with(Individual, Attribution::Both), Some((jo, acme)));
        // Anonymous stays anonymous whatever is stored beside it.
        let c = StoredComment {
            attribution: Some(Attribution::Both),
            ..stored(Publish::Anonymous, Status::Published, Organisation)
        };
        let r = PublicResponse::of(c).expect("public");
        assert_eq!((r.name, r.organisation), (None, None));
    }

    #[test]
    fn only_published_and_agreed_responses_are_public() {
        use RespondentType::*;
        assert!(PublicResponse::of(stored(Publish::No, Status::Published, Individual)).is_none());
        for status in [Status::Received, Status::Hidden, Status::Spam] {
            assert!(PublicResponse::of(stored(Publish::Yes, status, Individual)).is_none());
        }
        let named = PublicResponse::of(stored(Publish::Yes, Status::Published, Individual))
            .expect("public");
        assert_eq!(named.name.as_deref(), Some("Jo Bloggs"));
        assert_eq!(named.organisation, None, "an individual's organisation");
        assert_eq!(named.received_on, "2026-12-01");
        let org = PublicResponse::of(stored(Publish::Yes, Status::Published, Organisation))
            .expect("public");
        assert_eq!(org.organisation.as_deref(), Some("Acme Trust"));
        let anon = PublicResponse::of(stored(Publish::Anonymous, Status::Published, Organisation))
            .expect("public");
        assert_eq!((anon.name, anon.organisation), (None, None));
        assert_ne!(anon.id, "LEDS-AAAA-BBBB-CCCC");
        assert_eq!(anon.id.len(), 12);
    }

    /// The open data as one piece, written as before the writer took pages.
    fn whole(format: OpenDataFormat, rows: &[StoredComment]) -> Vec<u8> {
        let mut out = Vec::new();
        match format {
            OpenDataFormat::Csv => {
                let mut csv = csv::Writer::from_writer(&mut out);
                csv.write_record(CSV_HEADER).expect("header");
                for r in rows.iter().cloned().filter_map(PublicResponse::of) {
                    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
                    let row = [
                        r.id.clone(),
                        r.received_on.clone(),
                        r.target_id.clone(),
                        opt(&r.target_number),
                        r.target_title.clone(),
                        opt(&r.question),
                        r.draft_version.clone(),
                        r.respondent_type.as_str().to_string(),
                        opt(&r.name),
                        opt(&r.organisation),
                        r.body.clone(),
                        r.language.clone(),
                    ];
                    csv.write_record(row.iter().map(|c| neutralise(c).into_owned()))
                        .expect("row");
                }
                csv.flush().expect("flush");
            }
            OpenDataFormat::Json => {
                let public: Vec<_> = rows
                    .iter()
                    .cloned()
                    .filter_map(PublicResponse::of)
                    .collect();
                out.push(b'[');
                for (i, r) in public.iter().enumerate() {
                    out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
                    serde_json::to_writer(&mut out, r).expect("json");
                }
                out.extend_from_slice(if public.is_empty() { b"]\n" } else { b"\n]\n" });
            }
        }
        out
    }

    #[test]
    fn the_open_data_written_page_by_page_is_the_same_bytes() {
        use RespondentType::*;
        let mut rows = Vec::new();
        for i in 0..150 {
            let publish = [Publish::Yes, Publish::Anonymous, Publish::No][i % 3];
            let status = if i % 7 == 0 {
                Status::Hidden
            } else {
                Status::Published
            };
            let kind = if i % 2 == 0 { Individual } else { Organisation };
            let mut c = stored(publish, status, kind);
            c.reference = format!("LEDS-AAAA-BBBB-{i:04}");
            c.body = format!("Response {i}, with \"quotes\", a comma\nand a line break; =1+{i}");
            c.question = (i % 5 != 0).then(|| "q-sharing".to_string());
            rows.push(c);
        }
        for format in [OpenDataFormat::Csv, OpenDataFormat::Json] {
            for count in [0, 1, 150] {
                let expected = whole(format, &rows[..count]);
                let mut one_go = Vec::new();
                let rows_ok = rows[..count].iter().cloned().map(Ok);
                match format {
                    OpenDataFormat::Csv => write_csv(rows_ok, &mut one_go),
                    OpenDataFormat::Json => write_json(rows_ok, &mut one_go),
                }
                .expect("write");
                assert_eq!(one_go, expected, "{format:?}, {count} rows");
                for page in [1, 2, 7, 64, 200] {
                    let mut writer = OpenDataWriter::new(format).expect("writer");
                    let mut paged = Vec::new();
                    for chunk in rows[..count].chunks(page) {
                        for c in chunk {
                            writer.push(c.clone()).expect("push");
                        }
                        paged.extend(writer.take().expect("take"));
                    }
                    paged.extend(writer.finish().expect("finish"));
                    assert_eq!(paged, expected, "{format:?}, {count} rows, pages of {page}");
                }
            }
        }
    }

    #[test]
    fn downloads_hold_no_email_or_reference_and_neutralise_formulas() {
        let rows = || {
            vec![
                Ok(stored(
                    Publish::Yes,
                    Status::Published,
                    RespondentType::Individual,
                )),
                Ok(stored(
                    Publish::No,
                    Status::Published,
                    RespondentType::Individual,
                )),
            ]
        };
        let mut csv = Vec::new();
        assert_eq!(write_csv(rows(), &mut csv).expect("csv"), 1);
        let csv = String::from_utf8(csv).expect("utf-8");
        assert!(
            !csv.contains("jo@example.org") && !csv.contains("LEDS-"),
            "{csv}"
        );
        assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{csv}");
        let mut json = Vec::new();
        assert_eq!(write_json(rows(), &mut json).expect("json"), 1);
        let json: serde_json::Value = serde_json::from_slice(&json).expect("json");
        assert_eq!(json[0]["name"], "Jo Bloggs");
        assert_eq!(json[0]["body"], "=HYPERLINK(\"x\")");
        assert!(json[0].get("email").is_none());
        assert!(!json.to_string().contains("LEDS-"));
    }
}
