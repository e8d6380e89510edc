//! The Content-Security-Policy each page of a build needs, worked out when it is built.
//!
//! Every response carries a strict policy ([`BASE_POLICY`]: scripts and styles only from
//! our own origin, no inline code). mdBook's default theme puts small inline `<script>`
//! blocks and `style="…"` attributes in every page; rather than loosen the policy for all
//! pages with `'unsafe-inline'`, the build hashes each page's inline scripts and styles
//! ([`PagePolicies::collect`]) and the server sends that page its own policy listing
//! exactly those hashes ([`PagePolicies::policy_for`]). A changed or injected script has
//! another hash and does not run.
//!
//! Scripts from other origins (MathJax from a CDN) are allowed only when book.toml asks
//! for them: `[output.html] mathjax-support = true` allows the CDN mdBook loads MathJax
//! from. The hashes are written to `OUT/.copbook/csp.json` beside the pages.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The policy of every response that has no page-specific one.
pub const BASE_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'; object-src 'none'";

/// Where a build keeps its pages' hashes, relative to its output folder.
pub const CSP_FILE: &str = ".copbook/csp.json";

/// The origin mdBook loads MathJax from when `output.html.mathjax-support` is on.
pub const MATHJAX_ORIGIN: &str = "https://cdnjs.cloudflare.com";

/// The Rust playground mdBook's runnable code blocks send code to (and ask for its list
/// of crates), unless `output.html.playground.runnable = false`.
pub const PLAYGROUND_ORIGIN: &str = "https://play.rust-lang.org";

/// The Ace editor mdBook 0.5.4 bundles for editable playground blocks (`ace.js`, by the
/// sha256 of its content, hex), and the `<style>` blocks it inserts into every page that
/// loads it. Ace builds those styles in script, so the build cannot read them from the
/// page; these hashes are the ones Chromium reports for that file, and the browser test
/// over `tests/fixtures/plain-mdbook` (editable playground on) fails if they change. A book
/// whose theme ships another Ace gets a warning instead.
const BUNDLED_ACE: (&str, [&str; 5]) = (
    "2a3cd908c9619862b52f621ce2a40f76b772eb51c17308b14bd26d1809af8f87",
    [
        "'sha256-YFgOmo7VipSi3oatfh7T6/2jM+vA82qvEQlE67ZoqJo='",
        "'sha256-Dn0vMZLidJplZ4cSlBMg/F5aa7Vol9dBMHzBF4fGEtk='",
        "'sha256-sA0hymKbXmMTpnYi15KmDw4u6uRdLXqHyoYIaORFtjU='",
        "'sha256-Ap3BVC3MoMPdZ8/+W11bRSM8esO2z893MKGaKNqjiek='",
        "'sha256-0U0G1g5NVv9EirSrnNcK2svBrTzHeoUjWt4/Vcf/iuY='",
    ],
);

/// The file name of the Ace editor in `html_dir` and the style hashes it needs, if the
/// book loads Ace (an editable playground).
fn ace_editor(html_dir: &Path) -> Result<Option<(String, Vec<String>)>, CspError> {
    let entries = std::fs::read_dir(html_dir).map_err(|e| error(html_dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| error(html_dir, e))?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if (name == "ace.js" || name.starts_with("ace-")) && name.ends_with(".js") {
            let bytes = std::fs::read(&path).map_err(|e| error(&path, e))?;
            let digest = Sha256::digest(&bytes);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            if hex == BUNDLED_ACE.0 {
                let styles = BUNDLED_ACE.1.iter().map(|h| (*h).to_string()).collect();
                return Ok(Some((name, styles)));
            }
            tracing::warn!(
                "{}: this Ace editor is not the one mdBook bundles; the strict                  Content-Security-Policy will block the styles it adds to editable code blocks",
                path.display()
            );
            return Ok(None);
        }
    }
    Ok(None)
}

/// Why the hashes could not be collected, written or read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct CspError {
    /// The file or folder concerned.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

/// What one page's inline code needs the policy to allow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageHashes {
    /// `'sha256-…'` of each inline `<script>` block.
    pub scripts: BTreeSet<String>,
    /// `'sha256-…'` of each `<style>` block and `style="…"` attribute.
    pub styles: BTreeSet<String>,
    /// Whether some of `styles` are attributes (they need `'unsafe-hashes'`, which allows
    /// only the listed hashes, not inline styles in general).
    pub style_attributes: bool,
    /// Whether the page has a Rust playground block.
    #[serde(default)]
    pub playground: bool,
}

/// Every page's needs, and the script origins book.toml allows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PagePolicies {
    /// By page path relative to the HTML folder, `/`-separated (`track/curves.html`).
    pub pages: BTreeMap<String, PageHashes>,
    /// Origins scripts may also be loaded from (`https://host`).
    pub script_origins: Vec<String>,
    /// The playground pages with a playground block may connect to, if runnable.
    #[serde(default)]
    pub playground_origin: Option<String>,
}

impl PagePolicies {
    /// Hashes the inline scripts and styles of every `.html` file under `html_dir`.
    pub fn collect(
        html_dir: &Path,
        script_origins: Vec<String>,
        playground_origin: Option<String>,
    ) -> Result<PagePolicies, CspError> {
        let mut pages = BTreeMap::new();
        let ace = ace_editor(html_dir)?;
        let mut folders = vec![html_dir.to_path_buf()];
        while let Some(dir) = folders.pop() {
            let entries = std::fs::read_dir(&dir).map_err(|e| error(&dir, e))?;
            for entry in entries {
                let path = entry.map_err(|e| error(&dir, e))?.path();
                let hidden = path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'));
                if hidden {
                    continue;
                }
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "html") {
                    let html = std::fs::read_to_string(&path).map_err(|e| error(&path, e))?;
                    let mut hashes = PageHashes::of(&html);
                    if let Some((file, styles)) = &ace
                        && html.contains(&format!("{file}\""))
                    {
                        hashes.styles.extend(styles.iter().cloned());
                    }
                    if hashes != PageHashes::default() {
                        let rel = path.strip_prefix(html_dir).unwrap_or(&path);
                        let key = rel
                            .components()
                            .map(|c| c.as_os_str().to_string_lossy())
                            .collect::<Vec<_>>()
                            .join("/");
                        pages.insert(key, hashes);
                    }
                }
            }
        }
        Ok(PagePolicies {
            pages,
            script_origins,
            playground_origin,
        })
    }

    /// Writes the policies to [`CSP_FILE`] under `out_dir`.
    pub fn write(&self, out_dir: &Path) -> Result<(), CspError> {
        let path = out_dir.join(CSP_FILE);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| error(dir, e))?;
        }
        let json = serde_json::to_vec_pretty(self).map_err(|e| error(&path, e))?;
        std::fs::write(&path, json).map_err(|e| error(&path, e))
    }

    /// Reads the policies a build wrote to `out_dir`.
    pub fn read(out_dir: &Path) -> Result<PagePolicies, CspError> {
        let path = out_dir.join(CSP_FILE);
        let json = std::fs::read(&path).map_err(|e| error(&path, e))?;
        serde_json::from_slice(&json).map_err(|e| error(&path, e))
    }

    /// The policy for the page at `page` (a path relative to the HTML folder, as in
    /// [`PagePolicies::pages`]); `None` when the base policy is enough.
    pub fn policy_for(&self, page: &str) -> Option<String> {
        let hashes = self.pages.get(page);
        if hashes.is_none() && self.script_origins.is_empty() {
            return None;
        }
        let hashes = hashes.cloned().unwrap_or_default();
        let mut script_src = vec!["'self'".to_string()];
        script_src.extend(self.script_origins.iter().cloned());
        script_src.extend(hashes.scripts);
        let mut style_src = vec!["'self'".to_string()];
        if hashes.style_attributes {
            style_src.push("'unsafe-hashes'".to_string());
        }
        style_src.extend(hashes.styles);
        let mut connect_src = vec!["'self'".to_string()];
        if hashes.playground {
            connect_src.extend(self.playground_origin.iter().cloned());
        }
        Some(format!(
            "default-src 'self'; script-src {}; style-src {}; img-src 'self' data:; \
             connect-src {}; form-action 'self'; frame-ancestors 'none'; \
             base-uri 'none'; object-src 'none'",
            script_src.join(" "),
            style_src.join(" "),
            connect_src.join(" ")
        ))
    }
}

impl PageHashes {
    /// The hashes of one page's inline `<script>` and `<style>` blocks and its `style`
    /// attributes.
    pub fn of(html: &str) -> PageHashes {
        let mut out = PageHashes {
            playground: html.contains("class=\"playground\""),
            ..PageHashes::default()
        };
        let lower = html.to_ascii_lowercase();
        let mut at = 0;
        while let Some(found) = lower[at..].find('<') {
            let start = at + found;
            at = start + 1;
            if lower[start..].starts_with("<!--") {
                match lower[start..].find("-->") {
                    Some(len) => at = start + len + 3,
                    None => break,
                }
                continue;
            }
            let Some(tag_end) = tag_end(html, start) else {
                break;
            };
            let tag = &html[start..tag_end];
            let name = tag_name(&lower[start..tag_end]);
            for value in attribute_values(tag, "style") {
                out.styles.insert(hash(&value));
                out.style_attributes = true;
            }
            if name == "script" || name == "style" {
                let close = format!("</{name}");
                let Some(len) = lower[tag_end..].find(&close) else {
                    break;
                };
                let body = &html[tag_end..tag_end + len];
                if name == "style" {
                    out.styles.insert(hash(body));
                } else if attribute_values(tag, "src").is_empty() {
                    out.scripts.insert(hash(body));
                }
                at = tag_end + len;
            }
        }
        out
    }
}

/// `'sha256-…'` of a text, as a CSP source.
pub fn hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The index just past the `>` that closes the tag starting at `start` (quotes respected).
fn tag_end(html: &str, start: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in html[start..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(start + i + 1),
            _ => {}
        }
    }
    None
}

/// The lower-case element name of a tag (`<script src=…>` → `script`; `</p>` → `/p`).
fn tag_name(tag: &str) -> &str {
    let inner = &tag[1..];
    let end = inner
        .char_indices()
        .find(|&(i, c)| c.is_ascii_whitespace() || c == '>' || (c == '/' && i > 0))
        .map_or(inner.len(), |(i, _)| i);
    &inner[..end]
}

/// The values of attribute `name` in a tag, entities decoded as a browser would for the
/// few mdBook writes.
fn attribute_values(tag: &str, name: &str) -> Vec<String> {
    let mut values = Vec::new();
    let bytes = tag.as_bytes();
    let mut i = 1;
    // Skip the element name.
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
        i += 1;
    }
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let key_start = i;
        while i < bytes.len()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
            && !bytes[i].is_ascii_whitespace()
        {
            i += 1;
        }
        let key = &tag[key_start..i];
        if key.is_empty() {
            break;
        }
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = None;
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let q = bytes[i];
                let v_start = i + 1;
                i = v_start;
                while i < bytes.len() && bytes[i] != q {
                    i += 1;
                }
                value = Some(&tag[v_start..i.min(tag.len())]);
                i += 1;
            } else {
                let v_start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                value = Some(&tag[v_start..i]);
            }
        }
        if key.eq_ignore_ascii_case(name) {
            values.push(decode_entities(value.unwrap_or("")));
        }
    }
    values
}

fn decode_entities(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn error(path: &Path, e: impl std::fmt::Display) -> CspError {
    CspError {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_inline_scripts_and_styles_only() {
        let page = "<html><head><script src=\"book.js\"></script>\
            <script>\n  var x = 1;\n</script><STYLE>p{}</STYLE></head>\
            <body><div style=\"clear: both\"></div><p title='a > b'>x</p></body></html>";
        let h = PageHashes::of(page);
        assert_eq!(
            h.scripts,
            BTreeSet::from([hash("\n  var x = 1;\n")]),
            "the external script is not hashed"
        );
        assert_eq!(h.styles, BTreeSet::from([hash("p{}"), hash("clear: both")]));
        assert!(h.style_attributes);
    }

    #[test]
    fn hash_is_the_csp_form_of_sha256() {
        // sha256("") in base64, as CSP writes it.
        assert_eq!(
            hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }

    #[test]
    fn a_page_gets_only_its_own_hashes() {
        let mut policies = PagePolicies::default();
        policies
            .pages
            .insert("intro.html".into(), PageHashes::of("<script>go()</script>"));
        let policy = policies.policy_for("intro.html").expect("own policy");
        assert!(policy.contains(&format!("script-src 'self' {}", hash("go()"))));
        assert!(!policy.contains("unsafe-inline"));
        assert!(!policy.contains("unsafe-hashes"));
        assert_eq!(policies.policy_for("other.html"), None);
        policies.script_origins.push(MATHJAX_ORIGIN.into());
        let other = policies.policy_for("other.html").expect("origin allowed");
        assert!(other.contains(&format!("script-src 'self' {MATHJAX_ORIGIN};")));
    }
}
