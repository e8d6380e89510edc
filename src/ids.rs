//! `copbook ids`: give every Code paragraph without an id marker a readable, unique one.
//!
//! Only inserts: an existing marker is never touched, so ids that comments already point
//! to stay stable, and a second run finds nothing to do.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::book::corpus::BlockKind;
use crate::book::{self, BookError};

/// Words too common to make an id readable.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "any", "are", "as", "at", "be", "by", "each", "every", "for", "from", "if",
    "in", "is", "it", "its", "may", "must", "not", "of", "on", "or", "should", "that", "the",
    "their", "they", "this", "to", "when", "where", "who", "will", "with",
];

/// Why ids could not be added.
#[derive(Debug, thiserror::Error)]
pub enum IdsError {
    /// The book could not be loaded.
    #[error(transparent)]
    Build(#[from] BookError),
    /// A chapter changed on disk while we worked, or could not be written.
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
}

/// One id added to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedId {
    /// The chapter file.
    pub path: PathBuf,
    /// The paragraph's line.
    pub line: usize,
    /// The id given to it.
    pub id: String,
}

/// Adds a marker to every paragraph of a theme or statement chapter that has none.
pub fn add_missing(book_dir: &Path) -> Result<Vec<AddedId>, IdsError> {
    let loaded = book::load(book_dir)?;
    let Some(code) = &loaded.settings.code else {
        return Ok(Vec::new());
    };
    let mut taken: HashSet<String> = loaded.corpus.provisions().map(|p| p.id.clone()).collect();
    let mut added = Vec::new();
    for chapter in &loaded.corpus.chapters {
        let Some((pc, _)) = code.provision_chapter(&chapter.source) else {
            continue;
        };
        let path = loaded.settings.src_dir.join(&chapter.source);
        let content = std::fs::read_to_string(&path).map_err(|e| IdsError::File {
            path: path.clone(),
            message: e.to_string(),
        })?;
        if content.len() != chapter.len {
            return Err(IdsError::File {
                path,
                message: "the file changed while ids were being added; run again".to_string(),
            });
        }
        let mut inserts = Vec::new();
        for block in &chapter.blocks {
            if block.kind != BlockKind::Paragraph || content[block.start..].starts_with("{#") {
                continue;
            }
            let id = unique(&slug(&pc.id, &block.text), &mut taken);
            inserts.push((block.start, id.clone()));
            added.push(AddedId {
                path: path.clone(),
                line: block.line,
                id,
            });
        }
        if inserts.is_empty() {
            continue;
        }
        let mut out = String::with_capacity(content.len() + inserts.len() * 40);
        let mut last = 0;
        for (at, id) in inserts {
            out.push_str(&content[last..at]);
            out.push_str(&format!("{{#{id}}} "));
            last = at;
        }
        out.push_str(&content[last..]);
        write_atomically(&path, &out)?;
    }
    Ok(added)
}

/// A readable id: the chapter's id and the paragraph's first significant words.
pub fn slug(prefix: &str, text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && w.is_ascii() && !STOP_WORDS.contains(&w.as_str()))
        .take(3)
        .collect();
    if words.is_empty() {
        format!("{prefix}-paragraph")
    } else {
        format!("{prefix}-{}", words.join("-"))
    }
}

fn unique(base: &str, taken: &mut HashSet<String>) -> String {
    let id = if taken.contains(base) {
        (2u32..)
            .map(|n| format!("{base}-{n}"))
            .find(|c| !taken.contains(c))
            .unwrap_or_else(|| base.to_string())
    } else {
        base.to_string()
    };
    taken.insert(id.clone());
    id
}

/// Writes `text` to a temporary file beside `path`, then renames it over `path`, so a
/// crash never leaves a half-written chapter.
fn write_atomically(path: &Path, text: &str) -> Result<(), IdsError> {
    let err = |e: std::io::Error| IdsError::File {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slug(
                "sharing",
                "Before sharing data with another body, the controller must"
            ),
            "sharing-before-sharing-data"
        );
        assert_eq!(slug("x", "The of and"), "x-paragraph");
    }

    #[test]
    fn unique_ids() {
        let mut taken = HashSet::from(["a-b".to_string()]);
        assert_eq!(unique("a-b", &mut taken), "a-b-2");
        assert_eq!(unique("a-b", &mut taken), "a-b-3");
        assert_eq!(unique("c", &mut taken), "c");
    }
}
