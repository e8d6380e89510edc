//! `copbook check`: one broken fixture per rule, each asserting the exact finding.

use crate::helpers::TestBook;

/// Asserts that `check` fails with exactly `expected` as its findings.
fn assert_findings(book: &TestBook, expected: &[&str]) {
    let (code, lines) = book.check();
    assert_eq!(lines, expected, "findings differ");
    assert_eq!(code, 1, "check must exit 1 on errors");
}

#[test]
fn minimal_book_passes() {
    let (code, lines) = TestBook::minimal().check();
    assert_eq!((code, lines), (0, Vec::<String>::new()));
}

#[test]
fn shipped_book_passes() {
    let book = TestBook::shipped();
    let (code, lines) = book.check();
    let errors: Vec<_> = lines.iter().filter(|l| l.contains(": error: ")).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(code, 0);
}

#[test]
fn theme_chapter_named_in_settings_missing() {
    let book =
        TestBook::minimal().edit("src/SUMMARY.md", "- [Keeping data](code/keeping.md)\n", "");
    let (code, lines) = book.check();
    assert_eq!(code, 1);
    assert!(
        lines.contains(&"book/book.toml:27: error: the theme `keeping` names chapter `code/keeping.md`, which is not a chapter of SUMMARY.md".to_string()),
        "{lines:#?}"
    );
}

#[test]
fn key_aims_chapter_missing() {
    let book = TestBook::minimal().edit("src/SUMMARY.md", "- [Key aims](code/aims.md)\n", "");
    let (code, lines) = book.check();
    assert_eq!(code, 1);
    assert!(
        lines.contains(&"book/book.toml:12: error: the key aims chapter `code/aims.md` named in [preprocessor.copbook] is not a chapter of SUMMARY.md".to_string()),
        "{lines:#?}"
    );
}

#[test]
fn key_aim_not_defined() {
    let book = TestBook::minimal().edit(
        "src/code/aims.md",
        "## Being open {#openness}",
        "## Being open",
    );
    assert_findings(
        &book,
        &[
            "book/src/code/aims.md:1: error: key aim `openness` (Being open) is not defined here: add a heading `## Being open {#openness}`",
        ],
    );
}

#[test]
fn chapter_file_missing() {
    let book = TestBook::minimal().write(
        "src/SUMMARY.md",
        "# Summary\n\n# The Code\n\n- [Key aims](code/aims.md)\n- [Keeping data](code/keeping.md)\n- [Gone](code/gone.md)\n",
    );
    let (code, lines) = book.check();
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        [
            "book/src/SUMMARY.md:7: error: chapter “Gone” points to code/gone.md, which does not exist in book/src"
        ]
    );
}

#[test]
fn duplicate_provision_id() {
    let book =
        TestBook::minimal().edit("src/code/misuse.md", "{#misuse-curiosity", "{#keep-review");
    assert_findings(
        &book,
        &[
            "book/src/code/misuse.md:3: error: duplicate provision id `keep-review`: already used at book/src/code/keeping.md:5",
            // The guide's cite to the renamed provision now dangles too.
            "book/src/guide/your-data.md:3: error: cite to unknown provision id `misuse-curiosity`",
        ],
    );
}

#[test]
fn paragraph_without_id() {
    let book = TestBook::minimal().edit(
        "src/code/misuse.md",
        "curiosity.\n",
        "curiosity.\n\nAn unnumbered paragraph.\n",
    );
    assert_findings(
        &book,
        &[
            "book/src/code/misuse.md:5: error: paragraph of `Misuse` has no provision id: start it with a marker such as `{#some-id aims=…}` (run `copbook ids` to add them)",
        ],
    );
}

#[test]
fn marker_continuing_the_paragraph_above() {
    // No blank line before the second marker: Markdown makes it part of the paragraph
    // above, and the page would show it as text.
    let book = TestBook::minimal().edit(
        "src/code/misuse.md",
        "curiosity.",
        "curiosity.\n{#misuse-browsing aims=safety} Nor browse records.\n   {#misuse-gossip} Nor gossip.",
    );
    assert_findings(
        &book,
        &[
            "book/src/code/misuse.md:4: error: id marker `{#misuse-browsing}` is not at the start of a paragraph, so it would show as text: leave a blank line before it",
            "book/src/code/misuse.md:5: error: id marker `{#misuse-gossip}` is not at the start of a paragraph, so it would show as text: leave a blank line before it",
        ],
    );
}

#[test]
fn unknown_aim() {
    let book = TestBook::minimal().edit("src/code/misuse.md", "aims=safety}", "aims=safety,speed}");
    assert_findings(
        &book,
        &[
            "book/src/code/misuse.md:3: error: provision `misuse-curiosity` names unknown key aim `speed` in aims= (known aims: safety, openness)",
        ],
    );
}

#[test]
fn malformed_marker() {
    let book = TestBook::minimal().edit(
        "src/code/misuse.md",
        "{#misuse-curiosity aims=safety}",
        "{#Misuse aims=safety}",
    );
    assert_findings(
        &book,
        &[
            "book/src/code/misuse.md:3: error: `Misuse` is not a valid provision id (use lowercase letters, digits and hyphens, starting with a letter)",
            "book/src/guide/your-data.md:3: error: cite to unknown provision id `misuse-curiosity`",
        ],
    );
}

#[test]
fn theme_without_provision_for_an_aim() {
    let book =
        TestBook::minimal().edit("src/code/keeping.md", "aims=openness,safety", "aims=safety");
    assert_findings(
        &book,
        &[
            "book/src/code/keeping.md:1: error: theme `keeping` has no provision serving key aim `openness`: add `aims=openness` to a provision's marker",
        ],
    );
}

#[test]
fn cite_to_unknown_id() {
    let book = TestBook::minimal().edit(
        "src/guide/your-data.md",
        "{{#cite keep-review}}",
        "{{#cite keep-reveiw}}",
    );
    assert_findings(
        &book,
        &[
            // The misspelt cite was the guide's only cite of the theme.
            "book/src/code/keeping.md:1: warning: theme `keeping` (Keeping data) is not cited by any guide page",
            "book/src/guide/your-data.md:3: error: cite to unknown provision id `keep-reveiw`",
        ],
    );
}

#[test]
fn link_to_missing_chapter() {
    let book = TestBook::minimal().edit(
        "src/guide/your-data.md",
        "../code/keeping.md#how-long",
        "../code/keep.md",
    );
    assert_findings(
        &book,
        &[
            "book/src/guide/your-data.md:7: error: link to `../code/keep.md`: no chapter `code/keep.md` in the book",
        ],
    );
}

#[test]
fn link_to_missing_anchor() {
    let book = TestBook::minimal().edit("src/guide/your-data.md", "#how-long", "#how-short");
    assert_findings(
        &book,
        &[
            "book/src/guide/your-data.md:7: error: link to `../code/keeping.md#how-short`: no heading or provision with anchor `#how-short` in `code/keeping.md`",
        ],
    );
}

#[test]
fn links_to_provisions_and_same_page_anchors_pass() {
    let book = TestBook::minimal().edit(
        "src/guide/your-data.md",
        "See [how long]",
        "See [the rule](../code/keeping.md#keep-review), [above](#asking-questions) and [how long]",
    );
    let (code, lines) = book.check();
    assert_eq!((code, lines), (0, Vec::<String>::new()));
}

#[test]
fn json_format_lists_findings() {
    let book = TestBook::minimal().edit("src/code/misuse.md", "aims=safety}", "aims=speed}");
    let out = book.run(&["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let first = &json["diagnostics"][0];
    assert_eq!(first["path"], "book/src/code/misuse.md");
    assert_eq!(first["line"], 3);
    assert_eq!(first["severity"], "error");
    assert_eq!(first["rule"], "unknown-aim");
    assert_eq!(out.status.code(), Some(1));
}

/// The drafting fixture: passive duties and a defined term used before its definition.
fn drafting_book() -> TestBook {
    TestBook::from_dir(&crate::helpers::repo_root().join("tests/fixtures/drafting"))
}

/// The drafting fixture with a `[preprocessor.copbook.drafting]` table of `settings` added.
fn drafting_book_with(settings: &str) -> TestBook {
    let book = drafting_book();
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[preprocessor.copbook.drafting]\n{settings}\n"),
    )
}

const PASSIVE_PUBLISHED: &str = "book/src/code/keeping.md:7: warning: duty in the passive voice names no duty-holder: “The rules for keeping records must be published.”: say who must (“The controller must …”), add “by …”, or allow the phrase in [preprocessor.copbook.drafting]";
const PASSIVE_PRESENTED: &str = "book/src/code/keeping.md:7: warning: duty in the passive voice names no duty-holder: “Intelligence must not be presented as fact.”: say who must (“The controller must …”), add “by …”, or allow the phrase in [preprocessor.copbook.drafting]";
const UNDEFINED_CUSTODY_IMAGE: &str = "book/src/code/aims.md:11: warning: “custody image” is defined in the glossary (glossary.md) but used here before the Code defines it: define it in bold (**custody image**) or link this use to the glossary: “People can see what is done with data about a custody image.”";

#[test]
fn drafting_warnings_name_file_line_and_sentence() {
    let (code, lines) = drafting_book().check();
    assert_eq!(
        lines,
        [
            UNDEFINED_CUSTODY_IMAGE,
            PASSIVE_PUBLISHED,
            PASSIVE_PRESENTED
        ],
        "active duties, an agent (“by the controller”), an adjective (“must be accurate”), a linked term and a term defined first are not reported"
    );
    assert_eq!(code, 0, "drafting findings are warnings");
}

#[test]
fn drafting_rules_can_be_switched_off() {
    let book = drafting_book_with("passive-duty = false");
    assert_eq!(book.check(), (0, vec![UNDEFINED_CUSTODY_IMAGE.to_string()]));

    let book = drafting_book_with("undefined-term = false");
    assert_eq!(
        book.check(),
        (
            0,
            vec![PASSIVE_PUBLISHED.to_string(), PASSIVE_PRESENTED.to_string()]
        )
    );
}

#[test]
fn drafting_allows_listed_phrases_and_duty_holders() {
    let book = drafting_book_with(
        "allow = [\"must not be presented as fact\", \"about a custody image\"]\nduty-holders = [\"controller\", \"rules\"]",
    );
    // "rules" is now a duty-holder, so "The rules … must be published" names one.
    assert_eq!(book.check(), (0, Vec::<String>::new()));
}

#[test]
fn drafting_term_used_in_an_earlier_chapter_than_its_definition() {
    // Moving the definition to the first chapter settles the term.
    let book = drafting_book().edit(
        "src/code/aims.md",
        "about a custody image.",
        "about a **custody image**.",
    );
    assert_eq!(
        book.check(),
        (
            0,
            vec![PASSIVE_PUBLISHED.to_string(), PASSIVE_PRESENTED.to_string()]
        )
    );
}

#[test]
fn shipped_book_keeps_the_drafting_rules() {
    let (_, lines) = TestBook::shipped().check();
    let drafting: Vec<_> = lines
        .iter()
        .filter(|l| l.contains("names no duty-holder") || l.contains("before the Code defines it"))
        .collect();
    assert!(drafting.is_empty(), "{drafting:#?}");
}

/// The Welsh guide uses a glossary term (ICO, DBS) that the Welsh glossary lacks: one
/// warning per term, at its first use in the Welsh guide; a translated entry that names the
/// English term in brackets covers it.
#[test]
fn welsh_guide_terms_need_a_welsh_glossary_entry() {
    let (_, lines) = TestBook::shipped().check();
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("untranslated-glossary-term") || l.contains("has no entry for it")),
        "{lines:#?}"
    );
    let book = TestBook::shipped();
    let glossary = book.read("src-cy/glossary.md");
    let without: String = glossary
        .lines()
        .filter(|l| !l.starts_with("- **ICO**") && !l.starts_with("- **DBS**"))
        .map(|l| format!("{l}\n"))
        .collect();
    let book = book.write("src-cy/glossary.md", &without);
    let (code, lines) = book.check();
    assert_eq!(code, 0, "a missing glossary entry is a warning");
    let missing: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("has no entry for it"))
        .collect();
    let ico_line = 1 + book
        .read("src-cy/guide/challenge.md")
        .lines()
        .position(|l| l.contains("(ICO)"))
        .expect("the Welsh guide names the ICO");
    assert_eq!(
        missing,
        vec![
            &format!(
                "book/src-cy/guide/challenge.md:{ico_line}: warning: “ICO” is used in the cy guide but the cy glossary (src-cy/glossary.md) has no entry for it: add “**ICO**: …” there, or for a translated term “**…** (ICO): …”"
            ),
            &format!(
                "book/src-cy/guide/why-on-leds.md:{}: warning: “DBS” is used in the cy guide but the cy glossary (src-cy/glossary.md) has no entry for it: add “**DBS**: …” there, or for a translated term “**…** (DBS): …”",
                1 + book
                    .read("src-cy/guide/why-on-leds.md")
                    .lines()
                    .position(|l| l.contains("DBS"))
                    .expect("the Welsh guide names the DBS")
            ),
        ]
    );
    // A translated entry naming the English term in brackets covers it.
    let book = book.edit(
        "src-cy/glossary.md",
        "- **DDaT**",
        "- **Swyddfa'r Comisiynydd Gwybodaeth** (ICO): y corff sy'n cynnal hawliau gwybodaeth.\n- **DDaT**",
    );
    let (_, lines) = book.check();
    assert!(
        !lines.iter().any(|l| l.contains("“ICO” is used")),
        "{lines:#?}"
    );
}

/// The text of the provision `id` in the shipped book's Code (its marker line).
fn provision(id: &str) -> String {
    let dir = crate::helpers::repo_root().join("book/src/code");
    let marker = format!("{{#{id} ");
    for entry in std::fs::read_dir(&dir).expect("code dir") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
        if let Some(line) = text.lines().find(|l| l.starts_with(&marker)) {
            return line.to_string();
        }
    }
    panic!("no provision {id}");
}

fn shipped(rel: &str) -> String {
    std::fs::read_to_string(crate::helpers::repo_root().join("book").join(rel)).expect(rel)
}

/// The second legal review's key points, pinned in the shipped text.
#[test]
fn shipped_book_states_the_law_as_amended() {
    // Automated decisions: sections 50A to 50D, not the repealed section 49.
    let automated = provision("use-automated-decisions");
    assert!(!automated.contains("section 49"), "{automated}");
    assert!(
        automated.contains("50A") && automated.contains("50C"),
        "{automated}"
    );
    // Logging: section 62 no longer requires the justification; the Code keeps it as policy.
    let logs = provision("protect-audit-logs");
    assert!(!logs.contains("reason recorded, as section 62"), "{logs}");
    assert!(
        logs.contains("no longer requires") && logs.contains("policy choice"),
        "{logs}"
    );
    // Subject access extension and complaints to the controller.
    let access = provision("challenge-subject-access");
    assert!(access.contains("section 54(3A) and (3B)") && access.contains("section 54(3C)"));
    assert!(provision("challenge-complain-to-controller").contains("section 164A"));
    assert!(shipped("src/guide/challenge.md").contains("section 164A"));
    // The existing codes are named and related.
    let intro = shipped("src/code/introduction.md");
    for code in [
        "Code of Practice on Police Information and Records Management",
        "Code of Practice for the Police National Computer (PNC) and the Law Enforcement Data Service (LEDS)",
    ] {
        assert!(intro.contains(code), "{code}");
    }
    let retention = provision("remove-retention-schedule");
    assert!(retention.contains("Code of Practice on Police Information and Records Management"));
    assert!(!retention.contains("records management code applies to LEDS is to be confirmed"));
    // Departures are reasoned and recorded; four words are defined as four.
    assert!(intro.contains("four words") && !intro.contains("three words"));
    assert!(!intro.contains("in every case"));
    // HMICFRS and the PSNI.
    assert!(
        provision("gov-hmicfrs-inspection")
            .contains("section 41 of the Police (Northern Ireland) Act 1998")
    );
    assert!(provision("gov-inspection-response").contains("55(5B)"));
    // Custody images: the cross-reference, the existing route and the citation.
    let erasure = provision("challenge-erasure");
    assert!(
        !erasure.contains("Home Office's custody image arrangements"),
        "{erasure}"
    );
    assert!(provision("remove-custody-images").contains(
        "R (RMC and FJ) v Commissioner of Police of the Metropolis [2012] EWHC 1681 (Admin)"
    ));
}

/// The guide names the real routes, and the Welsh guide uses the corrected terms.
#[test]
fn shipped_guide_names_the_real_routes() {
    let challenge = shipped("src/guide/challenge.md");
    assert!(challenge.contains("ACRO") && challenge.contains("Record Deletion Process"));
    assert!(challenge.contains("section 184"));
    let on_leds = shipped("src/guide/why-on-leds.md");
    assert!(on_leds.contains("Rehabilitation of Offenders Act 1974"));
    assert!(on_leds.contains("Disclosure and Barring Service (DBS)"));
    assert!(!shipped("src/guide/why-leds.md").contains("key facts"));
    let respond = shipped("src/guide/respond.md");
    assert!(
        !respond.contains("We will not pass them to anyone else,"),
        "{respond}"
    );
    assert!(respond.contains("unless the law makes us"));
    let welsh: String = [
        "challenge",
        "why-leds",
        "why-on-leds",
        "governance",
        "question-a-process",
    ]
    .iter()
    .map(|p| shipped(&format!("src-cy/guide/{p}.md")))
    .collect();
    for wrong in [
        "gan y testun",
        "wybodaeth gudd",
        "Gwybodaeth gudd",
        "Rhaid i staff byth",
        "Rhaid iddyn nhw byth",
        "o ran diddordeb",
        "gerbron y Senedd (",
    ] {
        assert!(!welsh.contains(wrong), "{wrong}");
    }
    assert!(welsh.contains("cudd-wybodaeth"));
}
