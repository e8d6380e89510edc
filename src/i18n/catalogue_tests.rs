use super::*;

fn catalogue() -> Catalogue {
    match Catalogue::new() {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

/// The ids of the files that have no Welsh twin ([`ENGLISH_ONLY`]).
fn english_only() -> Vec<&'static str> {
    ENGLISH_ONLY
        .iter()
        .flat_map(|file| Catalogue::ids_in(Language::English, file))
        .collect()
}

#[test]
fn english_and_welsh_have_the_same_messages() {
    let c = catalogue();
    let english_only = english_only();
    let english: Vec<_> = Catalogue::ids(Language::English)
        .into_iter()
        .filter(|id| !english_only.contains(id))
        .collect();
    let welsh = Catalogue::ids(Language::Welsh);
    assert!(english.len() > 100, "{} ids", english.len());
    let missing: Vec<_> = english
        .iter()
        .filter(|id| !c.has(Language::Welsh, id))
        .collect();
    let extra: Vec<_> = welsh
        .iter()
        .filter(|id| !c.has(Language::English, id))
        .collect();
    assert!(missing.is_empty(), "no Welsh for {missing:?}");
    assert!(extra.is_empty(), "Welsh only: {extra:?}");
    for id in &english {
        assert!(c.has(Language::English, id), "{id} is not a message");
    }
}

/// The one exception to the rule above, and only for what it is for: the admin pages,
/// which are served in English only. A file listed there has no Welsh twin, and holds
/// nothing but `admin-` messages, so no public page's words can hide in it.
#[test]
fn only_the_admin_pages_words_are_english_only() {
    let c = catalogue();
    for file in ENGLISH_ONLY {
        let ids = Catalogue::ids_in(Language::English, file);
        assert!(!ids.is_empty(), "{file} has no messages");
        assert!(
            Catalogue::ids_in(Language::Welsh, file).is_empty(),
            "{file} is listed as English only but has a Welsh twin"
        );
        for id in ids {
            assert!(
                id.starts_with("admin-"),
                "{id} in {file} is not an admin page's"
            );
            assert!(!c.has(Language::Welsh, id), "{id} in {file} has Welsh");
        }
    }
    let stray: Vec<_> = Catalogue::ids(Language::English)
        .into_iter()
        .filter(|id| id.starts_with("admin-") && !english_only().contains(id))
        .collect();
    assert!(
        stray.is_empty(),
        "admin messages outside admin.ftl: {stray:?}"
    );
}

#[test]
fn welsh_is_written_not_copied() {
    let c = catalogue();
    let english_only = english_only();
    for id in Catalogue::ids(Language::English) {
        if english_only.contains(&id) {
            continue;
        }
        let args = [
            ("version", Arg::from("0.3")),
            ("q", Arg::from("x")),
            ("total", Arg::Number(2.0)),
        ];
        let en = c.message(Language::English, id, &args);
        let cy = c.message(Language::Welsh, id, &args);
        if en.chars().any(char::is_alphabetic) {
            assert_ne!(en, cy, "{id} is the same in Welsh");
        }
    }
}

#[test]
fn arguments_and_plurals() {
    let c = catalogue();
    let summary = |language, total: f64| {
        c.message(
            language,
            "search-summary",
            &[("total", Arg::Number(total)), ("q", Arg::from("plant"))],
        )
    };
    assert_eq!(summary(Language::English, 1.0), "1 result for “plant”");
    assert_eq!(summary(Language::English, 0.0), "0 results for “plant”");
    assert_eq!(summary(Language::English, 12.0), "12 results for “plant”");
    assert_eq!(
        summary(Language::Welsh, 12.0),
        "12 canlyniad ar gyfer “plant”"
    );
    assert_eq!(
        c.message(
            Language::English,
            "search-none-not-only",
            &[("part", Arg::from("code"))]
        ),
        ", not only the Code"
    );
    assert_eq!(
        c.message(
            Language::Welsh,
            "search-none-not-only",
            &[("part", Arg::from("guide"))]
        ),
        ", nid dim ond y canllaw cyhoeddus"
    );
}

#[test]
fn unknown_ids_show_the_id_and_languages_parse() {
    let c = catalogue();
    assert_eq!(
        c.text(Language::Welsh, "no-such-message"),
        "no-such-message"
    );
    assert_eq!(Language::from_code("CY"), Some(Language::Welsh));
    assert_eq!(Language::from_code("en-GB"), Some(Language::English));
    assert_eq!(Language::from_code("fr"), None);
    assert_eq!(
        Language::of_request("/search", Some("q=a&lang=cy")),
        Language::Welsh
    );
    assert_eq!(
        Language::of_request("/search", Some("lang=xx")),
        Language::English
    );
    assert_eq!(Language::of_request("/cy/", None), Language::Welsh);
}

#[test]
fn dates_in_each_language() {
    let d = jiff::civil::date(2027, 3, 31);
    assert_eq!(date(Language::English, d), "31 March 2027");
    assert_eq!(date(Language::Welsh, d), "31 Mawrth 2027");
    assert_eq!(
        date(Language::Welsh, jiff::civil::date(2026, 2, 1)),
        "1 Chwefror 2026"
    );
}
