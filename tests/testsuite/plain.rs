//! `copbook check` on the public guide: plain language (readability, sentence length,
//! acronyms) and coverage of the Code. One fixture per warning, each asserting the exact
//! finding; warnings alone leave the exit code at 0.

use crate::helpers::{TestBook, output_text};

const PAGE: &str = "src/guide/your-data.md";

/// Asserts that `check` passes with exactly `expected` as its (warning) findings.
fn assert_warnings(book: &TestBook, expected: &[&str]) {
    let (code, lines) = book.check();
    assert_eq!(lines, expected, "findings differ");
    assert_eq!(code, 0, "warnings must not fail the check");
}

#[test]
fn hard_page() {
    let book = TestBook::minimal().write(
        PAGE,
        "# Your data\n\
         \n\
         Organisations processing personal information must demonstrate accountability and proportionality ({{#cite keep-review}}).\n\
         \n\
         Unauthorised interrogation of operational databases constitutes professional misconduct ({{#cite misuse-curiosity}}).\n\
         \n\
         Independent inspectorates evaluate organisational compliance regularly.\n",
    );
    assert_warnings(
        &book,
        &[
            "book/src/guide/your-data.md:1: warning: reading grade 29.0 is above the limit of 9 (reading ease -96.8, limit 60); longest sentences: line 3 (11 words), line 5 (10 words), line 7 (6 words)",
        ],
    );
}

#[test]
fn page_below_reading_ease_only() {
    // With the grade limit raised, only the reading ease is too low.
    let book = TestBook::minimal()
        .edit(
            "book.toml",
            "glossary-chapter = \"glossary.md\"\n",
            "glossary-chapter = \"glossary.md\"\n\n[preprocessor.copbook.plain-language]\nmax-grade = 20\n",
        )
        .write(
            PAGE,
            "# Your data\n\
             \n\
             Information is reviewed annually ({{#cite keep-review}}). Curiosity is unacceptable ({{#cite misuse-curiosity}}).\n",
        );
    assert_warnings(
        &book,
        &[
            "book/src/guide/your-data.md:1: warning: reading ease -29.5 is below the limit of 60 (reading grade 18.7, limit 20); longest sentences: line 3 (6 words), line 3 (5 words)",
        ],
    );
}

#[test]
fn long_sentence_on_its_own_line() {
    let book = TestBook::minimal().edit(
        PAGE,
        "({{#cite keep-review}}). ",
        "({{#cite keep-review}}).\nYou can ask us for a copy of the record we keep on you and we will send it to you by post or by email in a few days. ",
    );
    assert_warnings(
        &book,
        &[
            "book/src/guide/your-data.md:4: warning: sentence of 30 words is longer than the limit of 25: “You can ask us for a copy of…”",
        ],
    );
}

#[test]
fn acronym_used_before_it_is_explained() {
    let book = TestBook::minimal().edit(
        PAGE,
        "Staff may not look you up for fun",
        "LEDS staff may not look you up for fun. The Law Enforcement Data Service (LEDS) is big",
    );
    assert_warnings(
        &book,
        &[
            "book/src/guide/your-data.md:3: warning: acronym LEDS is used before it is explained: write “Law Enforcement Data Service (LEDS)” or link it to the glossary",
        ],
    );
}

#[test]
fn acronym_expanded_or_linked_on_first_use_passes() {
    for first_use in [
        "The Law Enforcement Data Service (LEDS) says staff",
        "The law enforcement data service (LEDS) says staff",
        "LEDS (Law Enforcement Data Service) says staff",
        "[LEDS](../glossary.md#glossary) says staff",
        "[LEDS](../glossary.html) says staff",
    ] {
        let book = TestBook::minimal().edit(
            PAGE,
            "Staff may not look you up for fun",
            &format!("{first_use} may not look you up for fun. So LEDS is not a toy, nor `NASA`"),
        );
        let (code, lines) = book.check();
        assert_eq!((code, lines), (0, Vec::<String>::new()), "{first_use}");
    }
}

#[test]
fn acronym_in_a_heading_is_not_its_first_use() {
    let book = TestBook::minimal()
        .edit(PAGE, "# Your data", "# Your data on LEDS")
        .edit(
            PAGE,
            "Staff may",
            "The Law Enforcement Data Service (LEDS) is big. Staff may",
        );
    let (code, lines) = book.check();
    assert_eq!((code, lines), (0, Vec::<String>::new()));
}

#[test]
fn word_in_capitals_not_in_the_glossary() {
    let book = TestBook::minimal()
        .edit(PAGE, "# Your data", "# Your data and the DVLA")
        .edit(
            PAGE,
            "Staff may not look you up for fun",
            "NASA staff and IDENT1 may not look you up for fun, says NASA",
        );
    assert_warnings(
        &book,
        &[
            "book/src/guide/your-data.md:1: warning: DVLA is in capitals but not in the glossary (glossary.md): add it or write it out",
            "book/src/guide/your-data.md:3: warning: NASA is in capitals but not in the glossary (glossary.md): add it or write it out",
        ],
    );
}

#[test]
fn guide_page_without_a_cite() {
    let book = TestBook::minimal()
        .edit(
            "src/SUMMARY.md",
            "- [Your data](guide/your-data.md)\n",
            "- [Your data](guide/your-data.md)\n- [More](guide/more.md)\n",
        )
        .write(
            "src/guide/more.md",
            "# More\n\nThere is more to say about your data.\n",
        );
    assert_warnings(
        &book,
        &[
            "book/src/guide/more.md:1: warning: guide page cites no Code paragraph: add {{#cite id}} where it explains the Code",
        ],
    );
}

#[test]
fn theme_not_cited_by_any_guide_page() {
    let book = TestBook::minimal().edit(PAGE, " ({{#cite keep-review}})", "");
    assert_warnings(
        &book,
        &[
            "book/src/code/keeping.md:1: warning: theme `keeping` (Keeping data) is not cited by any guide page",
        ],
    );
}

#[test]
fn statement_provision_not_explained_in_the_guide() {
    let book = TestBook::minimal().edit(
        "src/code/misuse.md",
        "out of curiosity.\n",
        "out of curiosity.\n\n{#misuse-selling aims=safety} Nobody may sell what they find.\n",
    );
    assert_warnings(
        &book,
        &[
            "book/src/code/misuse.md:5: warning: provision 3.2 (`misuse-selling`) of “Misuse” is not explained in the guide: cite it from a guide page",
        ],
    );
}

#[test]
fn thresholds_come_from_book_toml() {
    let book = TestBook::minimal().edit(
        "book.toml",
        "glossary-chapter = \"glossary.md\"\n",
        "glossary-chapter = \"glossary.md\"\n\n[preprocessor.copbook.plain-language]\nmax-grade = 2\nmin-reading-ease = 95\nmax-sentence-words = 8\n",
    );
    assert_warnings(
        &book,
        &[
            "book/src/guide/your-data.md:1: warning: reading grade 2.8 is above the limit of 2 (reading ease 88.7, limit 95); longest sentences: line 3 (10 words), line 3 (7 words), line 7 (6 words)",
            "book/src/guide/your-data.md:3: warning: sentence of 10 words is longer than the limit of 8: “Staff may not look you up for fun…”",
        ],
    );
}

#[test]
fn json_format_carries_readability_of_each_guide_page() {
    let out = TestBook::minimal().run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    // "Records are checked every year (paragraph 2.1). Staff may not look you up for fun
    // (paragraph 3.1). See how long records are kept.": 23 words, 30 syllables:
    // 0.39 × 23/3 + 11.8 × 30/23 − 15.59 = 2.79; 206.835 − 1.015 × 23/3 − 84.6 × 30/23 = 88.71.
    assert_eq!(
        json["readability"],
        serde_json::json!([{
            "source": "guide/your-data.md",
            "grade": 2.79,
            "reading_ease": 88.71,
            "words": 23,
            "sentences": 3,
            "syllables": 30,
        }])
    );
}

#[test]
fn shipped_book_has_no_findings() {
    // The shipped public guide passes every plain-language and coverage rule at the
    // default thresholds (the check does not need the theme, so no copy of it is made).
    let book = TestBook::from_dir(&crate::helpers::repo_root().join("book"));
    let (code, lines) = book.check();
    // The Welsh edition's listed gaps (welsh.rs checks exactly which they are).
    let lines: Vec<String> = lines
        .into_iter()
        .filter(|l| !crate::welsh::is_allowed_translation_gap(l))
        .collect();
    assert_eq!((code, lines), (0, Vec::<String>::new()));
}

#[test]
fn prose_leaves_out_headings_link_lists_code_and_tables() {
    let book = TestBook::minimal().write(
        PAGE,
        "# A long heading that is not prose at all\n\
         \n\
         - [A link that is navigation](../code/keeping.md)\n\
         - [Another link that is navigation](../code/misuse.md)\n\
         \n\
         ```text\n\
         code that is not prose at all\n\
         ```\n\
         \n\
         | a table | that is not prose |\n\
         | --- | --- |\n\
         | at | all |\n\
         \n\
         Records are checked every year ({{#cite keep-review}}).\n\
         \n\
         - Staff may not look you up ({{#cite misuse-curiosity}});\n\
         - nor may they sell what they find.\n",
    );
    let out = book.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let page = &json["readability"][0];
    // 7 + 8 + 7 words; each list item is a sentence of its own.
    assert_eq!(
        (&page["words"], &page["sentences"]),
        (&22.into(), &3.into())
    );
}

#[test]
fn blocks_carry_code_spans_links_and_line_starts() {
    let book = TestBook::minimal().write(
        PAGE,
        "# Your data\n\
         \n\
         Records are `checked`\n\
         every [year](../glossary.md)\n\
         ({{#cite keep-review}}).\n",
    );
    let loaded = copbook::book::load(&book.book()).expect("load");
    let chapter = loaded.corpus.chapter("guide/your-data.md").expect("page");
    let block = &chapter.blocks[1];
    assert_eq!(
        block.text,
        "Records are checked every year ({{#cite keep-review}})."
    );
    let spans: Vec<(&str, &copbook::book::corpus::SpanKind)> = block
        .spans
        .iter()
        .map(|s| (&block.text[s.range.clone()], &s.kind))
        .collect();
    assert_eq!(
        spans,
        [
            ("checked", &copbook::book::corpus::SpanKind::Code),
            (
                "year",
                &copbook::book::corpus::SpanKind::Link("../glossary.md".to_string())
            ),
        ]
    );
    let at = |word: &str| block.line_at(block.text.find(word).expect("word"));
    assert_eq!(
        (at("Records"), at("every"), at("year"), at("({{")),
        (3, 4, 4, 5)
    );
}
