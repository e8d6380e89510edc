//! The admin pages' words all come from the catalogue: an admin template (and the
//! sign-in and set-up pages) has no English outside `t(…)`, and every message it asks
//! for exists, with `t_html` for exactly the `*-html` ones.

use super::*;

/// Quoted text a template may hold inside its tags that is not a message id: values
/// compared with data or handed to a macro, never shown as words (`book.toml` is shown,
/// but it is a file's name). Template names (`*.html`) and paths (`/…`) are allowed too.
const CODES: &[&str] = &[
    "any",
    "book.toml",
    "changed",
    "cy",
    "empty",
    "exact",
    "individual",
    "organisation",
    "published",
    "removed",
    "searches",
];

/// Attributes whose values people read or hear.
const WORDY_ATTRIBUTES: &[&str] = &["aria-label", "title", "alt", "placeholder"];

/// Whether the template `name` is one of the drafters' pages this test holds to the rule.
fn is_admin_page(name: &str) -> bool {
    name.ends_with(".html")
        && (name.starts_with("admin") || name == "sign_in.html" || name == "set_up.html")
}

fn catalogue() -> Catalogue {
    match Catalogue::new() {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn admin_templates_have_no_words_outside_the_catalogue() {
    let c = catalogue();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/copbook/templates");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the templates folder")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| is_admin_page(name))
        .collect();
    names.sort();
    assert!(names.len() >= 13, "only {names:?}");
    let mut problems = Vec::new();
    for name in &names {
        let source = std::fs::read_to_string(dir.join(name)).expect("a template");
        problems.extend(
            findings(&source, &c)
                .into_iter()
                .map(|f| format!("{name}: {f}")),
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_sees_words_wherever_they_hide() {
    let c = catalogue();
    let source = r#"{% extends "layout.html" %}{# a comment with words #}
{% block title %}Coding frame{% endblock %}
<h1>{{ t("admin-codes-title") }}</h1><!-- a note -->
<button aria-label="Split out {{ m.reference }}" class="button">{{ t("admin-groups-split") }}</button>
{% if pages > 1 %}<p>{{ total }} · {{ page }}: &amp; “…”.</p>{% endif %}
{{ table(rows, "Times", "searches") }}
{% for t in tags %}{{ t.code }}{% endfor %}
<p>{{ t("admin-no-such-message") }} {{ t("admin-response-heading-html") }} {{ t_html("admin-codes-title") }}</p>
<a href="/admin/">{{ t("admin-all-responses") }}</a>"#;
    let found = findings(source, &c);
    assert_eq!(
        found,
        [
            "words in a tag: \"Times\"",
            "`t` bound as a variable hides the t function: {% for t in tags %}",
            "no such message: admin-no-such-message",
            "admin-response-heading-html holds markup: call it with t_html",
            "admin-codes-title is plain text: call it with t",
            "words outside t(…): “Coding frame”",
            "words in aria-label: “Split out”",
        ],
        "{found:#?}"
    );
}

/// What is wrong with a template's source: words outside `t(…)`, in markup or in
/// quoted text inside tags, and messages that do not exist or are called the wrong way.
fn findings(source: &str, c: &Catalogue) -> Vec<String> {
    let mut found = Vec::new();
    let mut markup = String::new();
    let mut rest = source;
    while let Some(start) = ["{{", "{%", "{#"]
        .iter()
        .filter_map(|open| rest.find(open))
        .min()
    {
        markup.push_str(&rest[..start]);
        let close = match &rest[start..start + 2] {
            "{{" => "}}",
            "{%" => "%}",
            _ => "#}",
        };
        let Some(len) = rest[start..].find(close) else {
            found.push(format!("an unclosed tag: {}", &rest[start..]));
            return found;
        };
        let tag = &rest[start..start + len + 2];
        if close != "#}" {
            check_tag(tag, c, &mut found);
        }
        rest = &rest[start + len + 2..];
    }
    markup.push_str(rest);
    check_markup(&markup, &mut found);
    found
}

/// Quoted text inside a template tag, and what a tag binds.
fn check_tag(tag: &str, c: &Catalogue, found: &mut Vec<String>) {
    let inner = tag[2..tag.len() - 2].trim().trim_matches('-').trim();
    let bound = if let Some(rest) = inner.strip_prefix("for ") {
        rest.split(" in ").next()
    } else if let Some(rest) = inner.strip_prefix("set ") {
        rest.split('=').next()
    } else {
        inner.strip_prefix("macro ")
    };
    let hides_t = bound
        .into_iter()
        .flat_map(|b| b.split(|c: char| !(c.is_alphanumeric() || c == '_')))
        .any(|n| n == "t" || n == "t_html");
    if hides_t {
        found.push(format!(
            "`t` bound as a variable hides the t function: {tag}"
        ));
    }
    let mut chars = inner.char_indices();
    while let Some((i, ch)) = chars.next() {
        if ch != '"' && ch != '\'' {
            continue;
        }
        let Some((j, _)) = chars.by_ref().find(|&(_, d)| d == ch) else {
            found.push(format!("an unclosed quote in {tag}"));
            return;
        };
        let text = &inner[i + 1..j];
        let before = inner[..i].trim_end();
        let called_with = ["t_html(", "t("]
            .into_iter()
            .find(|f| before.ends_with(f) && !ends_in_name(&before[..before.len() - f.len()]));
        match called_with {
            Some(function) => check_id(text, function, c, found),
            None if !text.chars().any(char::is_alphabetic)
                || CODES.contains(&text)
                || text.ends_with(".html")
                || text.starts_with('/') => {}
            // An id handed on, to a macro that calls t with it.
            None if c.has(Language::English, text) => {}
            None => found.push(format!("words in a tag: \"{text}\"")),
        }
    }
}

/// Whether `text` ends in part of a name (so `at(` is not `t(`).
fn ends_in_name(text: &str) -> bool {
    text.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.')
}

/// A message asked for by `t(` or `t_html(`: it exists, and holds markup exactly when
/// `t_html` asks for it.
fn check_id(id: &str, function: &str, c: &Catalogue, found: &mut Vec<String>) {
    if !c.has(Language::English, id) {
        found.push(format!("no such message: {id}"));
    } else if id.ends_with("-html") && function == "t(" {
        found.push(format!("{id} holds markup: call it with t_html"));
    } else if !id.ends_with("-html") && function == "t_html(" {
        found.push(format!("{id} is plain text: call it with t"));
    }
}

/// The text between HTML tags, and the attributes people read, of a template with its
/// template tags taken out: no letters may remain.
fn check_markup(markup: &str, found: &mut Vec<String>) {
    let mut rest = markup;
    while !rest.is_empty() {
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.split_once("-->").map_or("", |(_, after)| after);
            continue;
        }
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let element = &rest[..end];
            for attribute in WORDY_ATTRIBUTES {
                let opening = format!(" {attribute}=\"");
                for (at, _) in element.match_indices(&opening) {
                    let value = &element[at + opening.len()..];
                    let value = value.split('"').next().unwrap_or_default();
                    if has_words(value) {
                        found.push(format!("words in {attribute}: “{}”", value.trim()));
                    }
                }
            }
            rest = &rest[end..];
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..end];
        if has_words(text) {
            found.push(format!("words outside t(…): “{}”", text.trim()));
        }
        rest = &rest[end..];
    }
}

/// Whether `text` has a letter outside its character references (`&amp;`).
fn has_words(text: &str) -> bool {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        if rest[..amp].chars().any(char::is_alphabetic) {
            return true;
        }
        let reference = rest[amp + 1..].split_once(';').filter(|(name, _)| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '#')
        });
        rest = match reference {
            Some((_, after)) => after,
            None => &rest[amp + 1..],
        };
    }
    rest.chars().any(char::is_alphabetic)
}
