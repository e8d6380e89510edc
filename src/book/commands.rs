//! The external commands book.toml names: preprocessors (`[preprocessor.NAME]`, run as
//! `command`, or `mdbook-NAME` without one) and renderers (`[output.NAME]` other than
//! mdBook's own `html` and `markdown`). mdBook runs them itself during the build; this
//! module finds, before the build starts, any that cannot be run, so the error names the
//! book.toml line and says how to fix it rather than only "No such file or directory".

use std::path::{Path, PathBuf};

use crate::config::BookSettings;
use crate::diagnostic::{Diagnostic, LineIndex};

/// Preprocessors mdBook or copbook provide themselves.
const BUILT_IN_PREPROCESSORS: &[&str] = &["links", "index", crate::config::PREPROCESSOR_NAME];
/// Renderers mdBook provides itself.
const BUILT_IN_RENDERERS: &[&str] = &["html", "markdown"];

/// One finding per external command that is not installed (optional ones excepted).
pub fn missing(settings: &BookSettings) -> Vec<Diagnostic> {
    let config = &settings.mdbook;
    let toml_path = settings.root.join("book.toml");
    let lines = LineIndex::new(&settings.toml_text);
    let mut found = Vec::new();
    let tables = [
        ("preprocessor", BUILT_IN_PREPROCESSORS, "preprocessor"),
        ("output", BUILT_IN_RENDERERS, "renderer"),
    ];
    for (table, built_in, what) in tables {
        let all: std::collections::BTreeMap<String, toml::Value> = match table {
            "preprocessor" => config.preprocessors().unwrap_or_default(),
            _ => config.outputs().unwrap_or_default(),
        };
        for (name, value) in all {
            if built_in.contains(&name.as_str()) {
                continue;
            }
            let optional = value
                .get("optional")
                .and_then(toml::Value::as_bool)
                .unwrap_or(false);
            let command = value.get("command").and_then(toml::Value::as_str);
            // A renderer table without a command is mdBook's `mdbook-NAME` too.
            let command = command.map_or_else(|| format!("mdbook-{name}"), str::to_string);
            if optional || runnable(&command, &settings.root) {
                continue;
            }
            let header = format!("[{table}.{name}]");
            let at = settings.toml_text.find(&header);
            let line = at
                .and_then(|at| {
                    let from = at + header.len();
                    let next_table = settings.toml_text[from..].find("\n[").map(|n| from + n);
                    let end = next_table.unwrap_or(settings.toml_text.len());
                    settings.toml_text[from..end]
                        .find("command")
                        .map(|c| from + c)
                        .or(Some(at))
                })
                .map_or(0, |at| lines.line(at));
            found.push(Diagnostic::error(
                &toml_path,
                line,
                "missing-command",
                format!(
                    "{header}: the {what} command `{command}` was not found. Install it, \
                     correct `command`, or set `optional = true` in {header} to build without it"
                ),
            ));
        }
    }
    found
}

/// Whether the program `command` starts with exists: on `PATH` for a bare name, under the
/// book's folder for a relative path (as mdBook resolves it).
fn runnable(command: &str, root: &Path) -> bool {
    let Some(program) = shlex::Shlex::new(command).next() else {
        return false;
    };
    let program = PathBuf::from(program);
    if program.components().count() > 1 {
        let path = if program.is_absolute() {
            program
        } else {
            root.join(program)
        };
        return path.is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(&program).is_file()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(toml: &str) -> BookSettings {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("book.toml"), toml).expect("write");
        let settings = BookSettings::load(dir.path()).expect("valid book.toml");
        // The folder is only read for relative commands, which these tests do not use.
        drop(dir);
        settings
    }

    #[test]
    fn a_missing_command_is_named_at_its_book_toml_line() {
        let found = missing(&settings(
            "[book]\ntitle = \"x\"\n\n[preprocessor.nonesuch]\ncommand = \"copbook-test-no-such-program --x\"\n\n[output.html]\n\n[output.pdfish]\n",
        ));
        let text: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(found.len(), 2, "{text:#?}");
        assert_eq!(found[0].line, 5, "the command line: {text:#?}");
        assert!(text[0].contains("`copbook-test-no-such-program --x` was not found"));
        assert!(text[0].contains("[preprocessor.nonesuch]"));
        assert_eq!(
            found[1].line, 9,
            "a renderer table without a command: {text:#?}"
        );
        assert!(text[1].contains("`mdbook-pdfish`"));
    }

    #[test]
    fn installed_optional_and_built_in_commands_pass() {
        let found = missing(&settings(
            "[preprocessor.shell]\ncommand = \"sh -c true\"\n\n[preprocessor.maybe]\ncommand = \"copbook-test-no-such-program\"\noptional = true\n\n[preprocessor.links]\n[output.html]\n[output.markdown]\n",
        ));
        assert!(found.is_empty(), "{found:?}");
    }
}
