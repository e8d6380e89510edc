//! Bounded random testing of the parsers that take author or user input: the provision
//! marker, the cite directive, the search query builder, the comment form's decoder, and
//! the request-path and receipt-reference readers.
//!
//! Each target draws inputs from a seeded generator (the same inputs on every run) built
//! from fragments that matter to the parser (braces, quotes, percent signs, separators,
//! non-ASCII and control characters), so that random inputs reach the parsers' edges
//! quickly. `COPBOOK_FUZZ_CASES` sets the cases per target (default 1,000);
//! `COPBOOK_FUZZ_SEED` another seed. Any input that once failed belongs in `REGRESSIONS`.
//!
//! The property everywhere: no panic, and the parser's own contract (an error is a value,
//! a server answer is never 5xx).

use std::path::Path;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Inputs kept because they once broke something (or come close to the parsers' edges).
const REGRESSIONS: &[&str] = &[
    "",
    "{#",
    "{#}",
    "{# aims=}",
    "{#a aims=\"",
    "{{#cite}}",
    "{{#cite ",
    "{{#cite a}",
    "\"",
    "\"\"\"",
    "4.",
    ".4",
    "1.2.3.4.5.6.7.8.9",
    "%",
    "%zz",
    "%c0%ae",
    "=&=&=",
    "body=%F0%9F",
    "\u{202e}\u{200b}",
    "\0",
];

/// Pieces the generator strings together.
const FRAGMENTS: &[&str] = &[
    "{#",
    "}",
    "{{#cite ",
    "}}",
    "aims=",
    " ",
    "\n",
    "\"",
    "'",
    "-",
    ".",
    "/",
    "\\",
    "%",
    "%2e",
    "%2f",
    "%25",
    "%c0%ae",
    "%F0%9F%A6%80",
    "=",
    "&",
    "+",
    "#",
    "a",
    "z",
    "share-lawful-basis",
    "4.3",
    "10",
    "é",
    "中",
    "🦀",
    "\u{202e}",
    "\u{200b}",
    "\u{0}",
    "\t",
    "*",
    "~",
    "(",
    ")",
    "AND",
    "OR",
    "NOT",
    ":",
    "body",
    "on",
    "csrf",
    "name",
    "LEDS",
    "0",
    "O",
    "I",
    "L",
    "U",
];

fn cases() -> usize {
    std::env::var("COPBOOK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000)
}

fn rng() -> StdRng {
    let seed = std::env::var("COPBOOK_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    StdRng::seed_from_u64(seed)
}

/// A random input: fragments, random characters and, now and then, a long run.
fn input(rng: &mut StdRng) -> String {
    let mut s = String::new();
    for _ in 0..rng.gen_range(0..24) {
        match rng.gen_range(0..10) {
            0 => s.push(rng.r#gen::<char>()),
            1 => s.push(char::from(rng.gen_range(0u8..128))),
            2 if rng.gen_bool(0.1) => s.push_str(&"x".repeat(rng.gen_range(200..5_000))),
            _ => s.push_str(FRAGMENTS[rng.gen_range(0..FRAGMENTS.len())]),
        }
    }
    s
}

/// Every regression input, then `cases()` random ones.
fn inputs() -> impl Iterator<Item = String> {
    let mut rng = rng();
    REGRESSIONS
        .iter()
        .map(|s| s.to_string())
        .chain((0..cases()).map(move |_| input(&mut rng)))
}

#[test]
fn provision_marker() {
    for text in inputs() {
        for candidate in [text.clone(), format!("{{#{text}"), format!("{{#{text}}}")] {
            if let Some(Ok(marker)) = copbook::book::marker::parse(&candidate) {
                assert!(!format!("{marker:?}").is_empty());
            }
        }
    }
}

#[test]
fn cite_directive() {
    for text in inputs() {
        let content = format!("Before {{{{#cite {text}}}}} after {text} {{{{#cite {text}");
        let lines = copbook::diagnostic::LineIndex::new(&content);
        for cite in copbook::book::corpus::find_cites(&content, &lines) {
            assert!(!format!("{cite:?}").is_empty());
        }
    }
}

#[test]
fn request_paths_and_references() {
    for text in inputs() {
        for path in [format!("/{text}"), text.clone()] {
            if copbook::server::public::static_files::check_path(&path).is_ok() {
                // What passes has no hidden segment however it is decoded once more.
                let once = percent_encoding::percent_decode_str(&path).decode_utf8_lossy();
                assert!(
                    !once.split('/').any(|s| s.starts_with('.')),
                    "{path:?} passed"
                );
            }
        }
        if let Some(reference) = copbook::comments::reference::normalise(&text) {
            assert_eq!(
                copbook::comments::reference::normalise(&reference).as_deref(),
                Some(reference.as_str()),
                "normalising is idempotent"
            );
        }
    }
}

/// The minimal fixture, built once into a temporary folder.
fn built_minimal(out: &Path) -> copbook::site::Site {
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
    copbook::site::build(&book, out).expect("the minimal fixture builds")
}

#[test]
fn search_query_builder() {
    let out = tempfile::tempdir().expect("tempdir");
    let site = built_minimal(out.path());
    for text in inputs() {
        let query = copbook::search::SearchQuery::new(text.clone());
        if let Err(e) = site.search.search(&query) {
            // An error is allowed only as a value with a message, never a panic.
            assert!(!e.to_string().is_empty(), "{text:?}");
        }
    }
}

#[test]
fn comment_form_decoder() {
    use tower::ServiceExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("book");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("book"), &book);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes"),
        &dir.path().join("themes"),
    );
    let data = dir.path().join("data");
    let site = copbook::site::build_fresh(&book, &copbook::server::builds_dir(&data), false)
        .expect("the book builds");
    let served = copbook::server::ServedSite::new(site);
    let opts = copbook::server::ServeOptions {
        book,
        addr: "127.0.0.1:0".parse().expect("addr"),
        data,
        watch: false,
        rate_limit: 0,
        trusted_proxy: None,
        admin_token: None,
        database: None,
        connections: copbook::server::edge::listener::ConnectionOptions::default(),
        sign_in: Default::default(),
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let state = std::sync::Arc::new(
        runtime
            .block_on(copbook::server::AppState::new(served, &opts))
            .expect("state"),
    );
    let token = "0123456789abcdef0123456789abcdef";
    let mut rng = rng();
    let bodies = REGRESSIONS
        .iter()
        .map(|s| s.to_string())
        .chain((0..cases() / 4).map(|_| {
            let mut fields = vec![format!("csrf={token}")];
            for _ in 0..rng.gen_range(0..6) {
                fields.push(format!("{}={}", input(&mut rng), input(&mut rng)));
            }
            fields.join("&")
        }));
    runtime.block_on(async {
        for body in bodies {
            let mut req = axum::http::Request::post("/comments")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", format!("copbook_csrf={token}"))
                .body(axum::body::Body::from(body.clone()))
                .expect("request");
            // What the listener attaches to every request.
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                    [127, 0, 0, 1],
                    4000,
                ))));
            let res = copbook::server::app(std::sync::Arc::clone(&state))
                .oneshot(req)
                .await
                .expect("infallible");
            assert!(
                !res.status().is_server_error(),
                "{body:?} gave {}",
                res.status()
            );
        }
    });
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
