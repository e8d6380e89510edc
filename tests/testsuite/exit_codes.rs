//! Exit codes and error lines, as drafters' other tools have them: 0 clean, 1 the book has
//! errors, 2 the command could not run; every error line starts `copbook:`, and the same
//! failure reads the same from `build`, `check` and `serve`.

use std::process::Output;

use crate::helpers::{TestBook, output_text};

/// The lines of standard error, each of which must start `copbook: `.
fn error_lines(out: &Output) -> Vec<String> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<String> = stderr
        .lines()
        .filter(|l| !l.starts_with("building "))
        .map(str::to_string)
        .collect();
    assert!(!lines.is_empty(), "{}", output_text(out));
    for line in &lines {
        assert!(
            line.starts_with("copbook: "),
            "{line:?}\n{}",
            output_text(out)
        );
    }
    lines
}

#[test]
fn no_such_book_folder_could_not_run_and_reads_the_same_everywhere() {
    let book = TestBook::minimal();
    let build = book.run_plain(&["build", "--book", "nowhere", "--out", "site"]);
    let check = book.run_plain(&["check", "--book", "nowhere"]);
    let serve = book.run_plain(&[
        "serve",
        "--book",
        "nowhere",
        "--addr",
        "127.0.0.1:0",
        "--data",
        "data",
    ]);
    for out in [&build, &check, &serve] {
        assert_eq!(out.status.code(), Some(2), "{}", output_text(out));
    }
    let expected = vec!["copbook: nowhere: no such book folder".to_string()];
    assert_eq!(error_lines(&build), expected);
    assert_eq!(error_lines(&check), expected);
    assert_eq!(error_lines(&serve), expected);
    assert!(
        !book.root().join("data").exists(),
        "serve created its data folder"
    );
    assert!(
        !book.root().join("site").exists(),
        "build created its output folder"
    );
}

#[test]
fn a_book_with_errors_exits_1_from_every_command() {
    let book = TestBook::minimal().edit(
        "book.toml",
        "status = \"Test draft\"",
        "status = \"Test draft\"\ncolour = \"blue\"",
    );
    let build = book.run(&["build", "--out", "site"]);
    let check = book.run(&["check"]);
    let serve = book.run(&["serve", "--addr", "127.0.0.1:0", "--data", "data"]);
    for out in [&build, &check, &serve] {
        assert_eq!(out.status.code(), Some(1), "{}", output_text(out));
    }
    let lines = error_lines(&build);
    assert!(
        lines[0].starts_with("copbook: book/book.toml: [preprocessor.copbook]")
            && lines[0].contains("unknown field `colour`"),
        "{lines:?}"
    );
    assert_eq!(error_lines(&check), lines);
    assert_eq!(error_lines(&serve), lines);
    assert!(
        !book.root().join("data").exists(),
        "serve created its data folder"
    );
}

#[test]
fn serve_on_a_busy_address_could_not_run_and_creates_nothing() {
    let book = TestBook::minimal();
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = busy.local_addr().expect("address").to_string();
    let out = book.run(&["serve", "--addr", &addr, "--data", "data"]);
    assert_eq!(out.status.code(), Some(2), "{}", output_text(&out));
    let lines = error_lines(&out);
    assert!(
        lines[0].starts_with(&format!("copbook: cannot listen on {addr}: ")),
        "{lines:?}"
    );
    assert!(
        !book.root().join("data").exists(),
        "serve created its data folder"
    );
}

#[test]
fn a_clean_book_exits_0() {
    let book = TestBook::minimal();
    let out = book.run(&["build", "--out", "site"]);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
    let (code, _) = book.check();
    assert_eq!(code, 0);
}

#[test]
fn diff_and_draft_publish_read_a_missing_book_as_build_does() {
    let book = TestBook::minimal();
    for args in [
        &["diff", "--book", "nowhere"][..],
        &["draft", "publish", "--book", "nowhere"][..],
    ] {
        let out = book.run_plain(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            output_text(&out)
        );
        assert_eq!(
            error_lines(&out),
            vec!["copbook: nowhere: no such book folder".to_string()]
        );
    }
}
