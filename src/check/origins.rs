//! What book.toml lets pages load from other origins, said where `copbook check` shows it:
//! `copbook serve` allows those origins in its Content-Security-Policy and no others.

use crate::config::BookSettings;
use crate::diagnostic::{Diagnostic, LineIndex};

use crate::csp::MATHJAX_ORIGIN as MATHJAX;

/// A warning for each origin book.toml has pages load scripts from.
pub fn check(settings: &BookSettings) -> Vec<Diagnostic> {
    let mathjax = settings
        .mdbook
        .get::<bool>("output.html.mathjax-support")
        .ok()
        .flatten()
        .unwrap_or(false);
    if !mathjax {
        return Vec::new();
    }
    let line = settings
        .toml_text
        .find("mathjax-support")
        .map_or(0, |at| LineIndex::new(&settings.toml_text).line(at));
    vec![Diagnostic::warning(
        settings.root.join("book.toml"),
        line,
        "script-origin",
        format!(
            "[output.html] mathjax-support: every page loads MathJax from {MATHJAX}; \
             `copbook serve` allows scripts from that origin because book.toml asks for it"
        ),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mathjax_support_is_reported_at_its_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let toml = "[book]\ntitle = \"x\"\n\n[output.html]\nmathjax-support = true\n";
        std::fs::write(dir.path().join("book.toml"), toml).expect("write");
        let settings = BookSettings::load(dir.path()).expect("valid");
        let found = check(&settings);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 5);
        assert!(found[0].to_string().contains(MATHJAX));
        let plain = toml.replace("true", "false");
        std::fs::write(dir.path().join("book.toml"), plain).expect("write");
        assert!(check(&BookSettings::load(dir.path()).expect("valid")).is_empty());
    }
}
