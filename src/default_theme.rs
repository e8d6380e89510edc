//! What copbook adds to pages rendered with mdBook's default theme: a search button in
//! the menu bar and the script that opens copbook's search from it.
//!
//! mdBook's own search is compiled out of copbook (copbook searches on the server), so the
//! default theme renders no search button. After rendering, [`add_search`] puts one into
//! every default-theme page: a link to `/search` (which works without JavaScript) that
//! [`SEARCH_SCRIPT`], served from `/_copbook/`, turns into a search bar with results from
//! `/api/search`, opened also by the theme's `s` and `/` keys. The script is a file of our
//! own origin, so the strict Content-Security-Policy allows it without a hash.

use std::path::Path;

/// The script, compiled in and served at [`SEARCH_SCRIPT_PATH`].
pub const SEARCH_SCRIPT: &str = include_str!("../themes/copbook/default-theme-search.js");

/// Where the server serves [`SEARCH_SCRIPT`].
pub const SEARCH_SCRIPT_PATH: &str = "/_copbook/default-theme-search.js";

/// The menu bar's search button: a plain link to the search page, with a magnifier icon.
const SEARCH_BUTTON: &str = r#"<a id="mdbook-search-toggle" class="icon-button" href="/search" title="Search (`/`)" aria-label="Search this book" aria-keyshortcuts="/ s"><span class="fa-svg"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true"><circle cx="10" cy="10" r="6.5" fill="none" stroke="currentColor" stroke-width="3"/><path d="M15 15l6.5 6.5" stroke="currentColor" stroke-width="3" stroke-linecap="round"/></svg></span></a>
"#;

/// Why a page could not be changed.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct ThemeError {
    /// The page.
    pub path: std::path::PathBuf,
    /// What went wrong.
    pub source: std::io::Error,
}

/// Adds the search button and script to every page under `html_dir` rendered with mdBook's
/// default theme (a menu bar without a search button); other pages are left as they are.
/// Returns how many pages were changed.
pub fn add_search(html_dir: &Path) -> Result<usize, ThemeError> {
    let mut changed = 0;
    let mut folders = vec![html_dir.to_path_buf()];
    let fail = |path: &Path, source| ThemeError {
        path: path.to_path_buf(),
        source,
    };
    while let Some(dir) = folders.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| fail(&dir, e))? {
            let path = entry.map_err(|e| fail(&dir, e))?.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let html = std::fs::read_to_string(&path).map_err(|e| fail(&path, e))?;
                if let Some(page) = with_search(&html) {
                    std::fs::write(&path, page).map_err(|e| fail(&path, e))?;
                    changed += 1;
                }
            }
        }
    }
    Ok(changed)
}

/// The page with the search button and script, or `None` if it is not a default-theme
/// page that lacks them.
pub fn with_search(html: &str) -> Option<String> {
    if !html.contains(r#"id="mdbook-menu-bar""#) || html.contains(r#"id="mdbook-search-toggle""#) {
        return None;
    }
    let title = html.find(r#"<h1 class="menu-title">"#)?;
    // The button goes at the end of the left-hand buttons, after the theme picker.
    let left_end = html[..title].rfind("</div>")?;
    let body_end = html.rfind("</body>")?;
    let script = format!("<script src=\"{SEARCH_SCRIPT_PATH}\"></script>\n");
    Some(format!(
        "{}{SEARCH_BUTTON}{}{script}{}",
        &html[..left_end],
        &html[left_end..body_end],
        &html[body_end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<body><div id="mdbook-menu-bar"><div class="left-buttons"><button id="mdbook-theme-toggle"></button>
</div>
<h1 class="menu-title">Book</h1></div><main>text</main></body>"#;

    #[test]
    fn adds_the_button_after_the_theme_picker_and_the_script_at_the_end() {
        let page = with_search(PAGE).expect("a default-theme page");
        let toggle = page.find("mdbook-theme-toggle").expect("theme");
        let search = page.find(r#"id="mdbook-search-toggle""#).expect("button");
        let title = page.find("menu-title").expect("title");
        assert!(toggle < search && search < title);
        assert!(page.ends_with(&format!(
            "<script src=\"{SEARCH_SCRIPT_PATH}\"></script>\n</body>"
        )));
        assert_eq!(with_search(&page), None, "added once");
    }

    #[test]
    fn leaves_other_pages_alone() {
        assert_eq!(with_search("<body><main>our theme</main></body>"), None);
    }
}
