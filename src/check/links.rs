//! Internal links: every relative link must reach a chapter (or a file) of the book, and
//! every `#anchor` a heading or provision on that page.

use crate::book::Corpus;
use crate::config::BookSettings;
use crate::diagnostic::Diagnostic;

/// Findings for links to missing chapters, files or anchors.
pub fn check(settings: &BookSettings, corpus: &Corpus) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for chapter in &corpus.chapters {
        for link in &chapter.links {
            let Some(problem) = problem(settings, corpus, &chapter.source, &link.dest) else {
                continue;
            };
            out.push(Diagnostic::error(
                settings.src_dir.join(&chapter.source),
                link.line,
                "broken-link",
                format!("link to `{}`: {problem}", link.dest),
            ));
        }
    }
    out
}

/// What is wrong with a link from `from` to `dest`, if anything.
fn problem(settings: &BookSettings, corpus: &Corpus, from: &str, dest: &str) -> Option<String> {
    if is_external(dest) {
        return None;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    let target_source = if path.is_empty() {
        from.to_string()
    } else {
        let resolved = resolve(from, path)?;
        let as_md = if let Some(stem) = resolved.strip_suffix(".html") {
            if stem == "index" || stem.ends_with("/index") {
                let dir = &stem[..stem.len() - "index".len()];
                corpus
                    .chapters
                    .iter()
                    .find(|c| c.url == resolved && c.source.starts_with(dir))
                    .map(|c| c.source.clone())
                    .unwrap_or(format!("{stem}.md"))
            } else {
                format!("{stem}.md")
            }
        } else {
            resolved.clone()
        };
        if corpus.chapter(&as_md).is_none() {
            if !resolved.ends_with(".md") && !resolved.ends_with(".html") {
                return (!settings.src_dir.join(&resolved).exists())
                    .then(|| format!("no file `{resolved}` in the book's source"));
            }
            return Some(format!("no chapter `{as_md}` in the book"));
        }
        as_md
    };
    let fragment = fragment.filter(|f| !f.is_empty())?;
    let chapter = corpus.chapter(&target_source)?;
    let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
    (!chapter.anchors.contains(decoded.as_ref()))
        .then(|| format!("no heading or provision with anchor `#{decoded}` in `{target_source}`"))
}

/// Links with a scheme, protocol-relative links and site-absolute paths (server routes
/// such as `/search`) are not checked.
fn is_external(dest: &str) -> bool {
    dest.starts_with('/')
        || dest
            .split(['/', '#', '?'])
            .next()
            .is_some_and(|head| head.contains(':'))
}

/// Resolves `path` relative to the folder of chapter `from`; `None` when it leaves `src`.
pub(crate) fn resolve(from: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves() {
        assert_eq!(
            resolve("guide/a.md", "../code/b.md").as_deref(),
            Some("code/b.md")
        );
        assert_eq!(resolve("a.md", "b.md").as_deref(), Some("b.md"));
        assert_eq!(resolve("a.md", "../b.md"), None);
    }

    #[test]
    fn externals() {
        assert!(is_external("https://example.org/x"));
        assert!(is_external("mailto:a@b"));
        assert!(is_external("/search"));
        assert!(!is_external("../code/a.md#x"));
        assert!(!is_external("#x"));
    }
}
