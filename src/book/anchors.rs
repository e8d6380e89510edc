//! Heading anchors exactly as mdBook's HTML renderer makes them.
//!
//! `mdbook-html` keeps its rule private, so it is reproduced here and pinned by a test
//! against real rendered output (`tests/build.rs`): a link check that disagrees with the
//! renderer would send readers to anchors that do not exist.

use std::collections::HashSet;

/// The anchor mdBook derives from a heading's text: lowercase, alphanumerics, `_` and `-`
/// kept, whitespace turned into `-`, everything else dropped.
pub fn id_from_content(content: &str) -> String {
    content
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|ch| {
            if ch.is_alphanumeric() || ch == '_' || ch == '-' {
                Some(ch)
            } else if ch.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// Makes `id` unique on the page by appending `-1`, `-2`, … as mdBook does.
pub fn unique_id(id: &str, used: &mut HashSet<String>) -> String {
    if used.insert(id.to_string()) {
        return id.to_string();
    }
    (1u32..)
        .map(|n| format!("{id}-{n}"))
        .find(|candidate| used.insert(candidate.clone()))
        .unwrap_or_else(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(
            id_from_content("Why you might be on LEDS?"),
            "why-you-might-be-on-leds"
        );
        assert_eq!(
            id_from_content("  Data: quality & ethics "),
            "data-quality--ethics"
        );
        let mut used = HashSet::new();
        assert_eq!(unique_id("a", &mut used), "a");
        assert_eq!(unique_id("a", &mut used), "a-1");
        assert_eq!(unique_id("a", &mut used), "a-2");
    }
}
