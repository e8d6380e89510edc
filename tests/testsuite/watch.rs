//! `copbook serve --watch`: rebuild on save, reload browsers, keep the last good build.

use std::time::Duration;

use crate::helpers::{EventStream, Server, TestBook};

#[test]
fn edit_reload_break_and_recover() {
    let book = TestBook::minimal();
    let server = Server::start(&book, &["--watch"]);
    let mut events = EventStream::connect(&server.url("/_live"));
    let first = events.next_named("status");
    assert!(first.contains("\"ok\":true"), "{first}");

    // An edit is rebuilt and announced; the page and the search show it.
    let book = book.edit(
        "src/guide/your-data.md",
        "## Asking questions",
        "Quokkaberry is a new word.\n\n## Asking questions",
    );
    let reload = events.next_named("reload");
    assert!(reload.contains("\"build\":"), "{reload}");
    let status = events.next_named("status");
    assert!(status.contains("\"ok\":true"), "{status}");
    let (status, page) = server.get("/guide/your-data.html");
    assert_eq!(status, 200);
    assert!(page.contains("Quokkaberry is a new word."));
    assert!(page.contains("<script src=\"/_copbook/live.js\" defer></script></body>"));
    let (_, found) = server.get("/api/search?q=quokkaberry");
    assert!(found.contains("guide/your-data.html"), "{found}");

    // A sentence too long for the guide: a warning, so the build is served.
    let long = "This sentence goes on and on about the records the police keep and the \
                reasons they keep them and the people who may see them and the checks \
                made on them, well past the limit a guide page has.";
    let book = book.edit(
        "src/guide/your-data.md",
        "Quokkaberry is a new word.",
        &format!("Quokkaberry is a new word. {long}"),
    );
    events.next_named("reload");
    let status = events.next_named("status");
    assert!(status.contains("\"ok\":true"), "{status}");
    assert!(status.contains("is longer than the limit"), "{status}");

    // A duplicate id: the error is announced and the last good page is still served.
    let book = book.edit("src/code/misuse.md", "{#misuse-curiosity", "{#keep-review");
    let status = events.next_named("status");
    assert!(status.contains("\"ok\":false"), "{status}");
    assert!(
        status.contains("book/src/code/misuse.md:3: error: duplicate provision id `keep-review`"),
        "{status}"
    );
    let (_, misuse) = server.get("/code/misuse.html");
    assert!(
        misuse.contains("id=\"misuse-curiosity\""),
        "old page must stay served"
    );
    let terminal = server.log.lock().expect("log").join("\n");
    assert!(
        terminal.contains("book/src/code/misuse.md:3: error: duplicate provision id `keep-review`"),
        "the terminal shows the error too:\n{terminal}"
    );
    // The warnings are counted, not listed: a big book has thousands.
    assert!(
        !terminal.contains("is longer than the limit")
            && terminal.contains("warnings: run `copbook check` to see them)"),
        "the terminal counts the warnings:\n{terminal}"
    );

    // Fixing it recovers: a reload, then a clean status.
    let _book = book.edit("src/code/misuse.md", "{#keep-review", "{#misuse-curiosity");
    events.next_named("reload");
    let status = events.next_named("status");
    assert!(status.contains("\"ok\":true"), "{status}");
}

#[test]
fn a_burst_of_saves_is_served_once_it_ends() {
    // The debouncing rule (a burst within the window is one rebuild, saves during a
    // rebuild one more) is unit-tested on a fake clock in `src/watch.rs`; here, end to
    // end, the burst's last save is what is served, after few rebuilds.
    let book = TestBook::minimal();
    let server = Server::start(&book, &["--watch"]);
    let mut events = EventStream::connect(&server.url("/_live"));
    events.next_named("status");
    let path = book.book().join("src/guide/your-data.md");
    let original = std::fs::read_to_string(&path).expect("read");
    for i in 0..20 {
        std::fs::write(&path, format!("{original}\nSave number {i}.\n")).expect("write");
        std::thread::sleep(Duration::from_millis(3));
    }
    events.next_named("reload");
    // The last save may come in a second rebuild: wait for it, not for a set time.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let (_, page) = server.get("/guide/your-data.html");
        if page.contains("Save number 19.") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the last save is served"
        );
        events.next_named("reload");
    }
    let (_, status) = server.get("/_live/status");
    let json: serde_json::Value = serde_json::from_str(&status).expect("json");
    let rebuilds = json["rebuilds"].as_u64().expect("rebuilds");
    assert!(
        (1..=2).contains(&rebuilds),
        "{rebuilds} rebuilds for one burst"
    );
}

#[test]
fn no_live_endpoints_without_watch() {
    let book = TestBook::minimal();
    let server = Server::start(&book, &[]);
    assert_eq!(server.get("/_live/status").0, 404);
    let (_, page) = server.get("/guide/your-data.html");
    assert!(!page.contains("live.js"));
}

#[test]
fn a_chapter_edit_is_built_incrementally_and_nothing_pending_is_missed() {
    // Without the print page (which holds every chapter), a save of chapters' text is
    // built from the site being served.
    let book = TestBook::minimal().edit(
        "book.toml",
        "no-section-label = true",
        "no-section-label = true\n\n[output.html.print]\nenable = false\n",
    );
    let server = Server::start(&book, &["--watch"]);
    let mut events = EventStream::connect(&server.url("/_live"));
    events.next_named("status");
    let book = book.edit(
        "src/guide/your-data.md",
        "## Asking questions",
        "Quokkaberry is a new word.\n\n## Asking questions",
    );
    events.next_named("reload");
    events.next_named("status");
    let (_, page) = server.get("/guide/your-data.html");
    assert!(page.contains("Quokkaberry is a new word."), "{page}");
    let (_, found) = server.get("/api/search?q=quokkaberry");
    assert!(found.contains("guide/your-data.html"), "{found}");
    let terminal = server.log.lock().expect("log").join("\n");
    assert!(
        terminal.contains("(1 page re-rendered)"),
        "built incrementally:\n{terminal}"
    );

    // A build that is not served (an error) leaves its changes pending: a file that is
    // not a chapter, added meanwhile, is in the next served build.
    let book = book.edit("src/code/misuse.md", "{#misuse-curiosity", "{#keep-review");
    let status = events.next_named("status");
    assert!(status.contains("\"ok\":false"), "{status}");
    let book = book.write("src/notes.txt", "Notes beside the chapters.");
    let status = events.next_named("status");
    assert!(status.contains("\"ok\":false"), "{status}");
    let _book = book.edit("src/code/misuse.md", "{#keep-review", "{#misuse-curiosity");
    events.next_named("reload");
    let status = events.next_named("status");
    assert!(status.contains("\"ok\":true"), "{status}");
    let (code, notes) = server.get("/notes.txt");
    assert_eq!(code, 200);
    assert!(notes.contains("Notes beside the chapters."), "{notes}");
}
