//! The coding frame: the codes drafters tag responses with. Codes come from book.toml
//! (`codes` in `[preprocessor.copbook.consultation]`) and from `/admin/codes`, where an
//! analyst may add one; both are checked by the same rule (letters, digits, spaces and
//! `-`, at most 40 characters), and the frame is bounded.

use crate::comments::CodeEntry;
use crate::comments::coding::{MAX_CODES, is_valid_code};

/// One code of the frame.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FrameCode {
    /// The code.
    pub code: String,
    /// Who added it in `/admin/`; `None` for book.toml's.
    pub added_by: Option<String>,
    /// How many responses (spam left out) carry it.
    pub count: u64,
}

/// The frame: book.toml's codes in their order, then the added ones in the order added,
/// each once, with how many responses carry it (`counts` from the store). Invalid codes
/// are skipped and the frame stops at [`MAX_CODES`].
pub fn frame(
    configured: &[String],
    added: &[CodeEntry],
    counts: &[(String, u64)],
) -> Vec<FrameCode> {
    let mut out: Vec<FrameCode> = Vec::new();
    let candidates = configured.iter().map(|c| (c.as_str(), None)).chain(
        added
            .iter()
            .map(|c| (c.code.as_str(), Some(c.added_by.clone()))),
    );
    for (code, added_by) in candidates {
        if out.len() >= MAX_CODES {
            break;
        }
        if !is_valid_code(code) || out.iter().any(|f| f.code == code) {
            continue;
        }
        let count = counts
            .iter()
            .find(|(c, _)| c == code)
            .map_or(0, |(_, n)| *n);
        out.push(FrameCode {
            code: code.to_string(),
            added_by,
            count,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_codes_first_each_once_invalid_skipped() {
        let added = vec![
            CodeEntry {
                code: "oversight".into(),
                added_by: "jo".into(),
                added_at: "2026-12-01T12:00:00.000Z".into(),
            },
            CodeEntry {
                code: "supports".into(),
                added_by: "sam".into(),
                added_at: "2026-12-01T12:00:01.000Z".into(),
            },
        ];
        let configured = vec!["supports".to_string(), "<bad>".to_string()];
        let f = frame(&configured, &added, &[("oversight".into(), 3)]);
        let got: Vec<(&str, Option<&str>, u64)> = f
            .iter()
            .map(|c| (c.code.as_str(), c.added_by.as_deref(), c.count))
            .collect();
        assert_eq!(
            got,
            vec![("supports", None, 0), ("oversight", Some("jo"), 3)]
        );
    }
}
