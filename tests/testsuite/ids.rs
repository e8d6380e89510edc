//! `copbook ids`: adds readable ids, never changes existing ones, and is idempotent.

use crate::helpers::{TestBook, output_text};

#[test]
fn adds_ids_then_changes_nothing() {
    let book = TestBook::minimal().edit(
        "src/code/keeping.md",
        "> Note:",
        "Records about children must be kept apart from other records by the controller.\n\nRecords about children must be reviewed twice a year by the controller.\n\n> Note:",
    );
    let before = book.read("src/code/keeping.md");
    let out = book.run(&["ids"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let after = book.read("src/code/keeping.md");
    assert!(
        after.contains(
            "{#keeping-records-about-children} Records about children must be kept apart"
        ),
        "{after}"
    );
    assert!(
        after.contains(
            "{#keeping-records-about-children-2} Records about children must be reviewed"
        ),
        "{after}"
    );
    // Existing ids are untouched: removing the added markers gives back the original.
    let restored = after
        .replace("{#keeping-records-about-children} ", "")
        .replace("{#keeping-records-about-children-2} ", "");
    assert_eq!(restored, before);
    let (code, lines) = book.check();
    assert_eq!((code, lines), (0, Vec::<String>::new()));

    let out = book.run(&["ids"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 ids added"));
    assert_eq!(
        book.read("src/code/keeping.md"),
        after,
        "second run changed the file"
    );
}

#[test]
fn never_renumbers_existing_ids() {
    let book = TestBook::minimal().edit(
        "src/code/misuse.md",
        "{#misuse-curiosity aims=safety} Nobody",
        "Staff must report misuse.\n\n{#misuse-curiosity aims=safety} Nobody",
    );
    let out = book.run(&["ids"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let text = book.read("src/code/misuse.md");
    assert!(
        text.contains("{#misuse-staff-report-misuse} Staff must report misuse."),
        "{text}"
    );
    assert!(
        text.contains("{#misuse-curiosity aims=safety} Nobody may look up"),
        "{text}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("book/src/code/misuse.md:3: added id `misuse-staff-report-misuse`"),
        "{stdout}"
    );
}
