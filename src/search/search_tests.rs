//! Unit tests of search on small hand-made corpora.

use std::collections::BTreeMap;

use super::*;
use crate::book::{Entry, EntryKind};

fn entry(id: &str, number: Option<&str>, part: Part, title: &str, text: &str) -> Entry {
    let chapter = if part == Part::Code {
        "code/x.md"
    } else {
        "guide/y.md"
    };
    Entry {
        id: id.to_string(),
        kind: if number.is_some() {
            EntryKind::Provision
        } else {
            EntryKind::Section
        },
        number: number.map(str::to_string),
        part,
        theme: (part == Part::Code).then(|| "removing".to_string()),
        aims: Vec::new(),
        source: chapter.to_string(),
        line: 1,
        url: format!("{}#{id}", chapter.replace(".md", ".html")),
        title: title.to_string(),
        breadcrumb: format!("{} › {title}", part.as_str()),
        text: text.to_string(),
        cites: Vec::new(),
        cited_text: None,
        change: None,
    }
}

fn corpus() -> Corpus {
    let mut c = Corpus::default();
    c.entries = vec![
        entry(
            "remove-images",
            Some("2.1"),
            Part::Code,
            "Removing data",
            "Custody images of people who are not convicted must be deleted unless a review finds a reason to keep them.",
        ),
        entry(
            "remove-schedule",
            Some("2.2"),
            Part::Code,
            "Removing data",
            "Every record must have a retention period. Records are reviewed when the period ends, as paragraph 2.1 explains for images.",
        ),
        entry(
            "pnc",
            Some("1.1"),
            Part::Code,
            "Introduction",
            "LEDS replaces the PNC and the PND, the national systems used by forces.",
        ),
        entry(
            "typo",
            None,
            Part::Guide,
            "Notes",
            "A memo about the custdy suite, written in haste.",
        ),
        entry(
            "exact",
            None,
            Part::Guide,
            "Custody",
            "What happens in custody, and how custody records are kept.",
        ),
        entry(
            "apart",
            None,
            Part::Guide,
            "Images",
            "An image taken in the street is not a custody record.",
        ),
        entry(
            "script",
            None,
            Part::Guide,
            "Markup",
            r#"Never run <script>alert(1)</script> & "quotes" from a page."#,
        ),
        entry(
            "guide-photo",
            None,
            Part::Guide,
            "Your photo",
            "If you are not convicted, ask for your custody image to be deleted.",
        ),
    ];
    c
}

/// The hand-made synonyms only: the shipped vocabulary off, so these tests see exactly
/// what they set.
fn synonyms() -> SearchSynonyms {
    let mut m = BTreeMap::new();
    m.insert("photo".to_string(), vec!["custody image".to_string()]);
    m.insert("police computer".to_string(), vec!["PNC".to_string()]);
    m.insert("delete".to_string(), vec!["remove".to_string()]);
    SearchSynonyms {
        vocabulary: false,
        entries: m,
    }
}

fn index() -> SearchIndex {
    SearchIndex::build(&corpus(), &synonyms(), None).expect("index builds")
}

fn ids(index: &SearchIndex, text: &str) -> Vec<String> {
    index
        .search(&SearchQuery::new(text))
        .expect("search never fails")
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

/// Deterministic junk: every kind of character a hostile or careless reader may send.
fn junk(seed: u64, len: usize) -> String {
    const POOL: &[char] = &[
        '"', '\'', '(', ')', '[', ']', '{', '}', ':', '^', '*', '~', '-', '+', '!', '?', '\\', '/',
        '&', '|', '<', '>', '§', '.', ',', ' ', ' ', '\t', '\n', '\0', '\u{7}', '\u{1b}',
        '\u{200b}', '\u{202e}', '\u{301}', 'a', 'e', 'z', 'Z', '0', '9', 'é', 'ß', 'ø', 'ı', '😀',
        '🔥', '🇬', '🇧', 'م', 'ر', 'ح', '警', '察', 'П', 'о', 'л', '\u{fffd}',
    ];
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            POOL[(state % POOL.len() as u64) as usize]
        })
        .collect()
}

#[test]
fn index_is_send_sync_clone() {
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<SearchIndex>();
}

#[test]
fn hostile_input_never_fails() {
    let index = index();
    let mut inputs: Vec<String> = [
        "",
        " ",
        "\t\n\r",
        "\"",
        "\"\"",
        "\"\"\"",
        "\"custody",
        "custody\"",
        "\"custody image",
        "AND",
        "OR",
        "NOT",
        "custody AND",
        "AND OR NOT",
        "-",
        "+",
        ":",
        "^",
        "*",
        "(",
        ")",
        "~",
        "-custody +image",
        "title:custody",
        "text:",
        "custody^10",
        "custody~2",
        "cust*",
        "(custody OR image",
        "a AND (b OR",
        "[1 TO 5]",
        "{*}",
        "\\",
        "\\\"",
        "\u{0}\u{1}\u{7f}",
        "custody\u{0}image",
        "😀🔥👮‍♀️",
        "مرحبا بالشرطة",
        "警察数据",
        "Полиция данные",
        "e\u{301}",
        "\u{200b}\u{200b}",
        "\u{202e}egami ydotsuc",
        "4.3.",
        "§",
        "§§4..3",
        "999999999999.99999999",
        "1.2.3.4.5.6.7.8",
        "para",
        "paragraph §",
        "share-",
        "--",
        "a-b-c",
        "<script>alert(1)</script>",
        "'; DROP TABLE entries; --",
        "%s%n%x",
        "the the the the",
        "what is it",
        "i",
        "a",
        "x",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    inputs.push("custodyimage".repeat(50));
    inputs.push("custody ".repeat(70));
    inputs.push("\"custody image\" ".repeat(40));
    inputs.push("é".repeat(500));
    inputs.push("a".repeat(500));
    for seed in 0..300 {
        inputs.push(junk(seed, 1 + (seed as usize * 7) % 500));
    }
    for text in &inputs {
        for part in [None, Some(Part::Code), Some(Part::Guide)] {
            for (limit, offset) in [(10, 0), (0, 0), (3, 2), (usize::MAX, usize::MAX)] {
                let q = SearchQuery {
                    text: text.clone(),
                    limit,
                    offset,
                    part,
                };
                let results = index
                    .search(&q)
                    .unwrap_or_else(|e| panic!("{text:?} failed: {e}"));
                assert!(results.hits.len() <= limit);
                for hit in &results.hits {
                    assert_only_mark_markup(&hit.snippet);
                }
            }
        }
    }
}

#[test]
fn an_empty_corpus_is_searchable() {
    let index =
        SearchIndex::build(&Corpus::default(), &SearchSynonyms::default(), None).expect("build");
    assert_eq!(index.num_docs(), 0);
    let results = index.search(&SearchQuery::new("custody")).expect("search");
    assert_eq!(results.total, 0);
}

#[test]
fn nothing_to_search_for_gives_no_hits() {
    let index = index();
    for text in ["", "   ", "\t\n", "\"\"", "?!", "😀", "-+:^*(~"] {
        let results = index.search(&SearchQuery::new(text)).expect("search");
        assert_eq!(results.total, 0, "{text:?}");
        assert!(results.hits.is_empty(), "{text:?}");
    }
}

/// Everything but `<mark>` and `</mark>` is escaped text.
fn assert_only_mark_markup(html: &str) {
    let rest = html.replace("<mark>", "").replace("</mark>", "");
    assert!(
        !rest.contains('<') && !rest.contains('>'),
        "unescaped markup in {html:?}"
    );
    assert!(!rest.contains('"'), "unescaped quote in {html:?}");
}

#[test]
fn snippets_escape_everything_but_mark() {
    let index = index();
    for text in ["script", "<b>script</b>", "\"script\"", "<script>"] {
        let results = index.search(&SearchQuery::new(text)).expect("search");
        let hit = results
            .hits
            .iter()
            .find(|h| h.id == "script")
            .expect("found");
        assert!(
            hit.snippet.contains("&lt;<mark>script</mark>&gt;"),
            "{text}: {}",
            hit.snippet
        );
        assert!(hit.snippet.contains("&amp;"));
        assert!(hit.snippet.contains("&quot;quotes&quot;"));
        assert_only_mark_markup(&hit.snippet);
    }
}

#[test]
fn snippet_falls_back_to_the_start_of_the_text() {
    let index = index();
    // "Notes" matches the heading only: the snippet is the start of the text, escaped.
    let results = index.search(&SearchQuery::new("notes")).expect("search");
    let hit = results.hits.iter().find(|h| h.id == "typo").expect("found");
    assert_eq!(
        hit.snippet,
        "A memo about the custdy suite, written in haste."
    );
}

#[test]
fn hits_carry_the_entry() {
    let index = index();
    let results = index
        .search(&SearchQuery::new("retention period"))
        .expect("search");
    let hit = &results.hits[0];
    assert_eq!(hit.id, "remove-schedule");
    assert_eq!(hit.number.as_deref(), Some("2.2"));
    assert_eq!(hit.url, "/code/x.html#remove-schedule");
    assert_eq!(hit.source, "code/x.md");
    assert_eq!(hit.part, Part::Code);
    assert_eq!(hit.theme.as_deref(), Some("removing"));
    assert_eq!(hit.title, "Removing data");
    assert!(
        hit.snippet
            .contains("<mark>retention</mark> <mark>period</mark>")
    );
    assert!(hit.score > 0.0);
    assert!(results.total >= 1);
}

#[test]
fn part_filter() {
    let index = index();
    for part in [Part::Code, Part::Guide] {
        let results = index
            .search(&SearchQuery {
                text: "custody".to_string(),
                limit: 20,
                offset: 0,
                part: Some(part),
            })
            .expect("search");
        assert!(!results.hits.is_empty());
        assert!(results.hits.iter().all(|h| h.part == part));
    }
    let all = index.search(&SearchQuery::new("custody")).expect("search");
    assert!(all.hits.iter().any(|h| h.part == Part::Code));
    assert!(all.hits.iter().any(|h| h.part == Part::Guide));
}

#[test]
fn a_provision_number_comes_first() {
    let index = index();
    for text in [
        "2.1",
        "para 2.1",
        "paragraph 2.1",
        "§2.1",
        "(2.1)",
        "Para. 2.1",
    ] {
        let found = ids(&index, text);
        assert_eq!(
            found.first().map(String::as_str),
            Some("remove-images"),
            "{text:?}"
        );
        // The paragraph that cites it ("paragraph 2.1") follows.
        assert!(
            found.iter().any(|id| id == "remove-schedule"),
            "{text:?}: {found:?}"
        );
    }
    assert_eq!(ids(&index, "1.1").first().map(String::as_str), Some("pnc"));
    assert_eq!(
        ids(&index, "remove-schedule").first().map(String::as_str),
        Some("remove-schedule")
    );
}

#[test]
fn synonyms_find_the_codes_words() {
    let index = index();
    let photo = ids(&index, "photo");
    assert!(photo.contains(&"remove-images".to_string()), "{photo:?}");
    let computer = ids(&index, "police computer");
    assert_eq!(
        computer.first().map(String::as_str),
        Some("pnc"),
        "{computer:?}"
    );
    // Keys match inflected forms, and synonyms rank below the word itself.
    let photos = ids(&index, "photos");
    assert_eq!(
        photos.first().map(String::as_str),
        Some("guide-photo"),
        "{photos:?}"
    );
    assert!(photos.contains(&"remove-images".to_string()));
    // Quoted words are taken literally: no synonyms.
    assert!(!ids(&index, "\"photo\"").contains(&"remove-images".to_string()));
}

#[test]
fn typos_match_below_exact_words() {
    let index = index();
    // "custdy" is in one entry (a typo in the text): that exact match comes first, the
    // entries with "custody" (one edit away, and commoner) follow.
    let found = ids(&index, "custdy");
    assert_eq!(found.first().map(String::as_str), Some("typo"), "{found:?}");
    assert!(found.contains(&"exact".to_string()), "{found:?}");
    // A word the index does not know finds the words one edit away.
    let found = ids(&index, "custodyy");
    assert_eq!(
        found.first().map(String::as_str),
        Some("exact"),
        "{found:?}"
    );
    // ...two edits from 8 letters, in a suffix the stemmer would not recognise.
    let found = ids(&index, "retensian");
    assert_eq!(
        found.first().map(String::as_str),
        Some("remove-schedule"),
        "{found:?}"
    );
    // A frequent word is meant, not mistyped: it is not "corrected" to a rarer one.
    assert!(!ids(&index, "custody").contains(&"typo".to_string()));
    // A mistyped synonym key still expands: "deleet" → "delete" → "remove".
    let found = ids(&index, "deleet");
    assert!(found.contains(&"remove-images".to_string()), "{found:?}");
    // Short words get no typo tolerance.
    assert!(ids(&index, "pnd").contains(&"pnc".to_string()));
    assert!(!ids(&index, "pnx").contains(&"pnc".to_string()));
}

#[test]
fn quoted_phrase_outranks_the_words_apart() {
    let index = index();
    let found = ids(&index, "\"custody image\"");
    let together = found
        .iter()
        .position(|id| id == "guide-photo")
        .expect("phrase found");
    let apart = found
        .iter()
        .position(|id| id == "apart")
        .expect("words found");
    assert!(together < apart, "{found:?}");
}

#[test]
fn stop_words_neither_sink_nor_drive() {
    let index = index();
    assert_eq!(
        ids(&index, "what is the retention period for my records"),
        {
            let mut v = ids(&index, "retention period records");
            v.truncate(10);
            v
        }
    );
    // A query of stop words only still searches them.
    assert!(index.search(&SearchQuery::new("what is it")).is_ok());
}

#[test]
fn paging() {
    let index = index();
    let all = index
        .search(&SearchQuery {
            text: "custody".into(),
            limit: 100,
            offset: 0,
            part: None,
        })
        .expect("search");
    let page = index
        .search(&SearchQuery {
            text: "custody".into(),
            limit: 2,
            offset: 1,
            part: None,
        })
        .expect("search");
    assert_eq!(page.total, all.total);
    let all_ids: Vec<&str> = all.hits.iter().map(|h| h.id.as_str()).collect();
    let page_ids: Vec<&str> = page.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(page_ids, all_ids[1..3]);
    let none = index
        .search(&SearchQuery {
            text: "custody".into(),
            limit: 0,
            offset: 0,
            part: None,
        })
        .expect("search");
    assert!(none.hits.is_empty());
    assert_eq!(none.total, all.total);
}

#[test]
fn same_corpus_same_results() {
    let a = index();
    let b = index();
    for text in ["custody", "photo", "retention records", "custdy", "2.1"] {
        let ra = a.search(&SearchQuery::new(text)).expect("search");
        let rb = b.search(&SearchQuery::new(text)).expect("search");
        let key = |r: &SearchResults| {
            r.hits
                .iter()
                .map(|h| (h.id.clone(), h.score))
                .collect::<Vec<_>>()
        };
        assert_eq!(key(&ra), key(&rb), "{text}");
    }
}

#[test]
fn build_to_disk_then_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("search-index");
    let built = SearchIndex::build(&corpus(), &synonyms(), Some(&path)).expect("build");
    let opened = SearchIndex::open(&path, &synonyms()).expect("open");
    assert_eq!(built.num_docs(), corpus().entries.len() as u64);
    assert_eq!(opened.num_docs(), built.num_docs());
    for text in ["custody", "photo", "2.1"] {
        let a = built.search(&SearchQuery::new(text)).expect("search");
        let b = opened.search(&SearchQuery::new(text)).expect("search");
        let key = |r: &SearchResults| {
            r.hits
                .iter()
                .map(|h| (h.id.clone(), h.snippet.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(key(&a), key(&b), "{text}");
    }
    // A second build into the same folder is refused, not silently mixed.
    assert!(matches!(
        SearchIndex::build(&corpus(), &synonyms(), Some(&path)),
        Err(SearchError::Create { .. })
    ));
    // A folder without an index says so.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let err = SearchIndex::open(&empty, &synonyms()).expect_err("no index");
    assert!(err.to_string().contains("copbook build"), "{err}");
}

#[test]
fn a_misspelt_query_gets_a_suggestion_from_the_books_words() {
    let index = index();
    let r = index
        .search(&SearchQuery::new("Retensoin perod"))
        .expect("search");
    assert_eq!(r.suggestion.as_deref(), Some("retention period"));
    // A word the book holds, even misspelt there ("custdy"), is taken as meant.
    let r = index
        .search(&SearchQuery::new("custdy imagse"))
        .expect("search");
    assert_eq!(r.suggestion.as_deref(), Some("custdy images"));
    // Words the book knows, or that the synonyms explain, are left alone.
    let r = index
        .search(&SearchQuery::new("custody images"))
        .expect("search");
    assert_eq!(r.suggestion, None);
    let r = index.search(&SearchQuery::new("photo")).expect("search");
    assert_eq!(r.suggestion, None);
    let r = index.search(&SearchQuery::new("zzzzqqq")).expect("search");
    assert_eq!(r.suggestion, None);
}

fn small_index(entries: &[(&str, &str)], synonyms: &[(&str, &str)]) -> SearchIndex {
    let mut c = Corpus::default();
    c.entries = entries
        .iter()
        .map(|(id, text)| entry(id, None, Part::Guide, "Notes", text))
        .collect();
    let entries = synonyms
        .iter()
        .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
        .collect();
    let synonyms = SearchSynonyms {
        vocabulary: false,
        entries,
    };
    SearchIndex::build(&c, &synonyms, None).expect("index builds")
}

#[test]
fn typed_words_found_as_a_phrase_outrank_the_same_words_scattered() {
    let index = small_index(
        &[
            (
                "together",
                "A subject access request reaches the force, which answers it in writing.",
            ),
            (
                "scattered",
                "Request, access, subject: every request names an access route and a subject.",
            ),
            ("other", "Retention and review of records."),
        ],
        &[],
    );
    let found = ids(&index, "subject access request");
    assert_eq!(
        found.first().map(String::as_str),
        Some("together"),
        "{found:?}"
    );
}

#[test]
fn an_expansion_rarer_than_the_word_typed_never_outranks_it() {
    // "breach" is in three entries, its expansion "infringement" in one: the rarer
    // expansion must not lift its entry above the entries holding the reader's word.
    let index = small_index(
        &[
            ("a", "A breach was reported to the office."),
            ("b", "The breach was found by the force."),
            ("c", "Each breach is logged with the date."),
            ("rare", "An infringement was reported to the office."),
            ("d", "Retention of records is reviewed."),
            ("e", "Custody images are kept for a time."),
            ("f", "Officers are trained every year."),
            ("g", "Complaints go to the professional standards team."),
        ],
        &[("breach", "infringement")],
    );
    let found = ids(&index, "breach");
    assert_eq!(found.len(), 4, "{found:?}");
    assert_eq!(found.last().map(String::as_str), Some("rare"), "{found:?}");
}

/// A Welsh index of guide entries (Welsh analyser, the shipped Welsh vocabulary).
fn welsh_index(entries: &[(&str, &str)]) -> SearchIndex {
    let mut c = Corpus::default();
    c.entries = entries
        .iter()
        .map(|(id, text)| entry(id, None, Part::Guide, "Nodiadau", text))
        .collect();
    SearchIndex::build_welsh(&c, None).expect("index builds")
}

fn welsh_pages() -> SearchIndex {
    welsh_index(&[
        (
            "cofnod",
            "Gallwch ofyn i'r heddlu dynnu eich cofnod o'r system os yw'n anghywir.",
        ),
        (
            "lluniau",
            "Rhaid i'r heddlu adolygu lluniau dalfa pobl na chawsant eu cael yn euog.",
        ),
        (
            "cwyn",
            "Os nad ydych chi'n fodlon, gallwch wneud cwyn i'r swyddfa annibynnol.",
        ),
        (
            "arall",
            "Mae'r cod yn berthnasol i Gymru a Lloegr. Bydd yr heddlu'n cadw ei gofnod.",
        ),
    ])
}

#[test]
fn a_welsh_query_is_not_corrected_into_other_words() {
    let index = welsh_pages();
    // A mutated form of a word the pages use, a word the vocabulary knows, and a stop
    // word between them: nothing to correct, nothing dropped.
    for text in [
        "dileu fy nghofnod",
        "fy nghofnod",
        "tynnu cofnod",
        "ffotograff",
    ] {
        let r = index.search(&SearchQuery::new(text)).expect("search");
        assert_eq!(r.suggestion, None, "{text}");
    }
    // A real typo is still corrected, and the stop words stay where they were typed.
    let r = index
        .search(&SearchQuery::new("gwneud cwym yn y swyddfa"))
        .expect("search");
    assert_eq!(r.suggestion.as_deref(), Some("gwneud cwyn yn y swyddfa"));
}

#[test]
fn a_mutated_welsh_word_finds_its_radical_and_the_vocabulary_finds_the_codes_words() {
    let index = welsh_pages();
    // "nghofnod" (after "fy") finds the pages that say "cofnod" and "gofnod", only them.
    let mut found = ids(&index, "fy nghofnod");
    found.sort();
    assert_eq!(found, ["arall", "cofnod"]);
    // Everyday words for the Code's: "ffotograff" → "lluniau", "dileu" → "tynnu",
    // "cwyno" → "cwyn"; a mutated word is looked up by its radical ("gwyno" ← "cwyno").
    for (typed, page) in [
        ("ffotograff", "lluniau"),
        ("dileu", "cofnod"),
        ("cwyno", "cwyn"),
        ("gwyno", "cwyn"),
    ] {
        let found = ids(&index, typed);
        assert_eq!(
            found.first().map(String::as_str),
            Some(page),
            "{typed}: {found:?}"
        );
    }
    // The word itself outranks its radical: a page that says "nghofnod" comes first.
    let index = welsh_index(&[
        ("radical", "Mae cofnod yn cael ei gadw."),
        ("mutated", "Ble mae fy nghofnod i?"),
    ]);
    assert_eq!(
        ids(&index, "nghofnod"),
        ["mutated".to_string(), "radical".to_string()]
    );
}

/// Every hit of a few searches (id, score to the bit, snippet), each search's hits sorted
/// so that entries with equal scores compare whatever their order.
fn answers(index: &SearchIndex) -> Vec<Vec<(String, u32, String)>> {
    ["custody", "photo", "reviewed photographs", "2.1", "custdy"]
        .into_iter()
        .map(|text| {
            let q = SearchQuery {
                limit: 20,
                ..SearchQuery::new(text)
            };
            let mut hits: Vec<(String, u32, String)> = index
                .search(&q)
                .expect("search")
                .hits
                .into_iter()
                .map(|h| (h.id, h.score.to_bits(), h.snippet))
                .collect();
            hits.sort();
            hits
        })
        .collect()
}

#[test]
fn an_unsynced_index_is_the_same_index_and_updates_as_a_synced_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let build = |name: &str, durability| {
        SearchIndex::build_in(
            &corpus(),
            &synonyms(),
            &dir.path().join(name),
            false,
            durability,
        )
    };
    let synced = build("synced", Durability::Synced).expect("build");
    let unsynced = build("unsynced", Durability::Unsynced).expect("build");
    assert_eq!(answers(&unsynced), answers(&synced));
    // Its folder is an ordinary index: tantivy's own directory reads it back.
    let opened = SearchIndex::open(&dir.path().join("unsynced"), &synonyms()).expect("open");
    assert_eq!(answers(&opened), answers(&synced));
    // A second build into the same folder is refused, as for a synced one.
    assert!(matches!(
        build("unsynced", Durability::Unsynced),
        Err(SearchError::Create { .. })
    ));

    // Updated (a guide chapter's entries changed) without syncing: the same as an index
    // of the new corpus built from scratch, and readable from its folder.
    let before = corpus();
    let mut after = corpus();
    for e in after
        .entries
        .iter_mut()
        .filter(|e| e.source == "guide/y.md")
    {
        e.text.push_str(" Photographs are reviewed every year.");
    }
    let removed: Vec<&Entry> = before
        .entries
        .iter()
        .filter(|e| e.source == "guide/y.md")
        .collect();
    let to = dir.path().join("updated");
    let updated = unsynced
        .update(
            &dir.path().join("unsynced"),
            &to,
            &after,
            ChapterEdit {
                removed: &removed,
                changed: &["guide/y.md".to_string()],
            },
            &synonyms(),
            Durability::Unsynced,
        )
        .expect("update");
    let fresh = SearchIndex::build(&after, &synonyms(), None).expect("build");
    assert_eq!(answers(&updated), answers(&fresh));
    assert!(!answers(&updated)[2].is_empty(), "the new words are found");
    assert_eq!(
        SearchIndex::open(&to, &synonyms())
            .expect("open")
            .num_docs(),
        fresh.num_docs()
    );
    // The index it was made from is untouched.
    assert_eq!(answers(&unsynced), answers(&synced));
}
