//! The provision id marker that starts a numbered paragraph of the Code:
//! `{#share-lawful-basis aims=accountability,fairness}`.

/// A parsed marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// The provision's stable id.
    pub id: String,
    /// The key aims named in `aims=`, as written.
    pub aims: Vec<String>,
    /// Length of the marker in bytes, including the closing brace and one following space.
    pub len: usize,
}

/// Why a paragraph that starts like a marker is not a valid one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkerError {
    /// `{#` with no closing `}` on the same line.
    #[error("id marker is not closed with `}}` on the same line")]
    Unclosed,
    /// The id is empty or has characters other than a-z, 0-9 and `-`.
    #[error(
        "`{0}` is not a valid provision id (use lowercase letters, digits and hyphens, starting with a letter)"
    )]
    BadId(String),
    /// An attribute other than `aims=`.
    #[error(
        "unknown attribute `{0}` in id marker (only `aims=` and, in a translation, `en=` are allowed)"
    )]
    UnknownAttribute(String),
}

/// Parses the marker at the start of `text`, if `text` starts with `{#`.
///
/// Returns `None` when the text does not start with a marker at all.
pub fn parse(text: &str) -> Option<Result<Marker, MarkerError>> {
    let rest = text.strip_prefix("{#")?;
    let line = rest.split('\n').next().unwrap_or_default();
    let Some(close) = line.find('}') else {
        return Some(Err(MarkerError::Unclosed));
    };
    let inner = &line[..close];
    let mut parts = inner.split_whitespace();
    let id = parts.next().unwrap_or_default().to_string();
    if !crate::config::is_id(&id) {
        return Some(Err(MarkerError::BadId(id)));
    }
    let mut aims = Vec::new();
    for attr in parts {
        match attr.strip_prefix("aims=") {
            Some(list) => aims.extend(
                list.split(',')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string),
            ),
            // In a translation: which English text it was made from (see the `translations` module).
            None if attr.starts_with("en=") => {}
            None => return Some(Err(MarkerError::UnknownAttribute(attr.to_string()))),
        }
    }
    let mut len = 2 + close + 1;
    if text[len..].starts_with(' ') {
        len += 1;
    }
    Some(Ok(Marker { id, aims, len }))
}

/// The markers inside a paragraph's source that do not start it: a marker on a line
/// that continues the paragraph above (no blank line before it) is, to Markdown, part of
/// that paragraph, and would be shown as text. Each as (line offset from the paragraph's
/// first line, id).
pub fn inner_markers(paragraph: &str) -> Vec<(usize, String)> {
    paragraph
        .split('\n')
        .enumerate()
        .skip(1)
        .filter_map(|(n, line)| match parse(line.trim_start()) {
            Some(Ok(m)) => Some((n, m.id)),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_markers_that_continue_a_paragraph() {
        let text = "{#a-one} First.\n{#a-two aims=x} Second.\n  {#a-three} Third.\nNot {#a-four} here.\n{#Bad}";
        assert_eq!(
            inner_markers(text),
            vec![(1, "a-two".to_string()), (2, "a-three".to_string())]
        );
        assert!(inner_markers("{#a-one} Only one.").is_empty());
    }

    #[test]
    fn parses_id_and_aims() {
        let m = parse("{#share-lawful-basis aims=accountability,fairness} Before")
            .unwrap()
            .unwrap();
        assert_eq!(m.id, "share-lawful-basis");
        assert_eq!(m.aims, vec!["accountability", "fairness"]);
        assert_eq!(
            &"{#share-lawful-basis aims=accountability,fairness} Before"[m.len..],
            "Before"
        );
    }

    #[test]
    fn bare_id() {
        let m = parse("{#a1}text").unwrap().unwrap();
        assert_eq!((m.id.as_str(), m.len), ("a1", 5));
        assert!(m.aims.is_empty());
    }

    #[test]
    fn errors() {
        assert_eq!(parse("{#abc text"), Some(Err(MarkerError::Unclosed)));
        assert_eq!(
            parse("{#Abc} x"),
            Some(Err(MarkerError::BadId("Abc".into())))
        );
        assert_eq!(
            parse("{#abc x=1} y"),
            Some(Err(MarkerError::UnknownAttribute("x=1".into())))
        );
        assert_eq!(parse("plain"), None);
    }
}
