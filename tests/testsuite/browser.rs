//! Real-browser tests: the served site in headless Chromium, driven by
//! `tests/browser/run.mjs` (playwright-core; axe-core for WCAG 2.2 AA).
//!
//! Each test serves the shipped book (or a redrafted copy) in-process on `TestApp` and runs
//! one scenario of the script:
//! `axe` (no WCAG A/AA violation on every kind of page), `keyboard` and `keyboard-nojs` (search,
//! open a hit, comment and get a receipt with the keyboard alone), `reflow` (no sideways
//! scrolling at 320 CSS pixels), and the `journey-*` scenarios (issue 30: each journey by
//! keyboard at 1280 and 320 pixels, axe-core on every page reached). They need Chromium (`/usr/bin/chromium`, or `$CHROMIUM`),
//! Node.js and `tests/browser/node_modules`; without them they are skipped, except under CI
//! (`$CI` set), where they must run.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::app::{Served, TestApp};
use crate::helpers::{TestBook, repo_root};

/// How long one scenario may take before it is killed.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(300);

/// What the browser tests need, if it is all there.
pub(crate) struct Browser {
    pub(crate) chromium: PathBuf,
    pub(crate) script: PathBuf,
}

/// Finds Chromium, Node.js and the script's packages; `None` (after saying why) to skip the
/// test. Under CI, a missing piece is a failure: CI must run these tests.
pub(crate) fn browser() -> Option<Browser> {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let browser_dir = repo_root().join("tests/browser");
    let modules = browser_dir.join("node_modules");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let missing: Vec<String> = [
        (!chromium.is_file()).then(|| format!("chromium ({})", chromium.display())),
        (!node).then(|| "node".to_string()),
        (!modules.join("playwright-core").is_dir() || !modules.join("axe-core").is_dir())
            .then(|| format!("{}", modules.display())),
    ]
    .into_iter()
    .flatten()
    .collect();
    if missing.is_empty() {
        return Some(Browser {
            chromium,
            script: browser_dir.join("run.mjs"),
        });
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "browser tests must run in CI, but {} missing: .ci/run installs them \
         (apt-get install chromium && npm ci --prefix tests/browser)",
        missing.join(", ")
    );
    eprintln!(
        "skipping browser test: chromium or tests/browser/node_modules missing \
         (run: apt-get install chromium && npm ci --prefix tests/browser); missing: {}",
        missing.join(", ")
    );
    None
}

/// Runs `node tests/browser/run.mjs SCENARIO ARGS…` from the repository root; panics with
/// the script's output unless it succeeds.
pub(crate) fn run_scenario(browser: &Browser, scenario: &str, args: &[&str]) {
    run_scenario_env(browser, scenario, args, &[]);
}

/// [`run_scenario`] with more environment variables for the script.
pub(crate) fn run_scenario_env(
    browser: &Browser,
    scenario: &str,
    args: &[&str],
    env: &[(&str, &str)],
) {
    let mut child = Command::new("node")
        .arg(&browser.script)
        .arg(scenario)
        .args(args)
        .envs(env.iter().copied())
        .env("CHROMIUM", &browser.chromium)
        .current_dir(repo_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    // Read both pipes while waiting, so a long report cannot block the script.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for node") {
            break Some(status);
        }
        if started.elapsed() > SCENARIO_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (out, err) = (out.join().expect("stdout"), err.join().expect("stderr"));
    match status {
        Some(status) if status.success() => {}
        Some(status) => {
            panic!("browser scenario `{scenario}` failed ({status}):\n{err}\nreport:\n{out}")
        }
        None => panic!(
            "browser scenario `{scenario}` killed after {SCENARIO_TIMEOUT:?}:\n{err}\nreport:\n{out}"
        ),
    }
}

/// The shipped book redrafted as version 0.2 with one provision edited, so that it has a
/// "Changes since draft 0.1" page (`/changes.html`) and a "Changed since" link.
fn shipped_redrafted() -> TestBook {
    TestBook::shipped()
        .edit("book.toml", "version = \"0.1\"", "version = \"0.2\"")
        .edit(
            "src/code/sharing.md",
            "is not, on its own, a sufficient reason",
            "is never, on its own, a sufficient reason",
        )
}

/// The admin token of the servers that publish responses for the scenarios.
const TOKEN: &str = "a-drafters-token-for-the-browser-tests";

/// Sends comments on `share-lawful-basis` (named, anonymous, from an organisation, one
/// long and unbroken) and publishes them as a drafter, so the published responses pages
/// have something to show.
fn publish_responses(server: &impl Served) {
    let http = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let csrf = "0123456789abcdef0123456789abcdef";
    let long = "unbroken".repeat(40);
    for (respondent_type, name, organisation, publish, body) in [
        (
            "individual",
            "Alys Jones",
            "",
            "yes",
            "The safeguards on sharing should name every recipient.\n\nA second paragraph.",
        ),
        (
            "organisation",
            "",
            "Data Rights Trust",
            "yes",
            "We support this paragraph as drafted.",
        ),
        ("individual", "Ceri", "", "anonymous", long.as_str()),
    ] {
        let res = http
            .post(server.url("/api/comments"))
            .json(&serde_json::json!({
                "on": "share-lawful-basis", "question": "q-sharing", "body": body,
                "respondent_type": respondent_type, "name": name,
                "organisation": organisation, "publish": publish,
                "attribution": if organisation.is_empty() { "name" } else { "organisation" }
            }))
            .send()
            .expect("POST /api/comments");
        assert_eq!(res.status().as_u16(), 201);
        let reply: serde_json::Value = res.json().expect("json");
        let reference = reply["reference"].as_str().expect("reference");
        let res = http
            .post(server.url(&format!("/admin/comments/{reference}/status")))
            .bearer_auth(TOKEN)
            .header("cookie", format!("copbook_csrf={csrf}"))
            .form(&[("status", "published"), ("csrf", csrf)])
            .send()
            .expect("POST status");
        assert_eq!(res.status().as_u16(), 303);
    }
}

#[test]
fn axe_finds_no_wcag_violations() {
    let Some(browser) = browser() else { return };
    let book = shipped_redrafted();
    let server = TestApp::for_book(&book.book()).admin_token(TOKEN).start();
    publish_responses(&server);
    // The shipped book after its consultation closed, for the closed form.
    let closed = TestApp::shipped().now("2027-06-01T12:00:00Z").start();
    run_scenario(&browser, "axe", &[&server.base, &closed.base]);
}

#[test]
fn keyboard_only_search_and_comment() {
    let Some(browser) = browser() else { return };
    let server = TestApp::shipped().start();
    run_scenario(&browser, "keyboard", &[&server.base]);
}

#[test]
fn keyboard_only_search_and_comment_without_javascript() {
    let Some(browser) = browser() else { return };
    let server = TestApp::shipped().start();
    run_scenario(&browser, "keyboard-nojs", &[&server.base]);
}

#[test]
fn pages_reflow_at_320_pixels() {
    let Some(browser) = browser() else { return };
    let book = shipped_redrafted();
    let server = TestApp::for_book(&book.book()).admin_token(TOKEN).start();
    publish_responses(&server);
    run_scenario(&browser, "reflow", &[&server.base]);
}

#[test]
fn keyboard_only_search_and_comment_in_welsh() {
    let Some(browser) = browser() else { return };
    let server = TestApp::shipped().start();
    run_scenario(&browser, "keyboard-cy", &[&server.base]);
}

#[test]
fn axe_finds_no_wcag_violations_on_the_welsh_pages() {
    let Some(browser) = browser() else { return };
    let server = TestApp::shipped().admin_token(TOKEN).start();
    publish_responses(&server);
    run_scenario(&browser, "axe-cy", &[&server.base]);
}

#[test]
fn axe_finds_no_wcag_violations_on_the_analysis_pages() {
    let Some(browser) = browser() else { return };
    let token = "a-drafters-token-for-the-browser-run";
    let server = TestApp::shipped().admin_token(token).start();
    let campaign = "I object to keeping records of people who were never charged for six \
        years. The Code should require deletion after two years unless a court orders \
        otherwise, and every search should be logged and audited by an independent body.";
    for body in [
        campaign.to_string(),
        format!("{campaign} Signed, Jo Bloggs of Leeds."),
        campaign.replace("six years", "several years"),
        "Officers need quick access to the data at the roadside.".to_string(),
    ] {
        let res = reqwest::blocking::Client::new()
            .post(server.url("/api/comments"))
            .json(&serde_json::json!({
                "on": "share-lawful-basis", "body": body, "question": "q-sharing",
                "respondent_type": "individual", "publish": "no"
            }))
            .send()
            .expect("POST /api/comments");
        assert_eq!(res.status().as_u16(), 201);
    }
    run_scenario_env(
        &browser,
        "axe-admin",
        &[&server.base],
        &[("ADMIN_TOKEN", token)],
    );
}

#[test]
fn sign_in_audit_and_sign_out_pass_axe_and_work_with_the_keyboard_alone() {
    let Some(browser) = browser() else { return };
    let password = "a long enough browser password";
    let server = TestApp::shipped().start();
    server.add_account("ada", "admin", password);
    run_scenario_env(
        &browser,
        "accounts",
        &[&server.base],
        &[("ADMIN_PASSWORD", password)],
    );
}

#[test]
fn axe_finds_no_wcag_violations_on_the_published_drafts() {
    let Some(browser) = browser() else { return };
    // Version 0.2 with draft 0.1 published: /drafts/0.1/ is an earlier draft.
    let book = shipped_redrafted();
    let server = TestApp::for_book(&book.book()).start();
    run_scenario(&browser, "axe-edition", &[&server.base]);
}

#[test]
fn journey_the_public_reach_the_real_route_from_a_search_by_keyboard() {
    let Some(browser) = browser() else { return };
    let server = TestApp::shipped().start();
    run_scenario(&browser, "journey-route", &[&server.base]);
}

#[test]
fn journey_a_charity_answers_a_question_from_a_chapter_by_keyboard_in_english_and_welsh() {
    let Some(browser) = browser() else { return };
    let server = TestApp::shipped().start();
    run_scenario(&browser, "journey-question", &[&server.base]);
}

#[test]
fn journey_a_drafter_codes_and_publishes_from_a_responses_own_page_by_keyboard() {
    let Some(browser) = browser() else { return };
    let server = TestApp::shipped().admin_token(TOKEN).start();
    // One response per width, each agreeing to be published under its organisation's name.
    let references: Vec<String> = ["We support this paragraph.", "We would go further."]
        .iter()
        .map(|body| {
            let res = reqwest::blocking::Client::new()
                .post(server.url("/api/comments"))
                .json(&serde_json::json!({
                    "on": "share-lawful-basis", "question": "q-sharing", "body": body,
                    "respondent_type": "organisation", "organisation": "A Charity",
                    "publish": "yes", "attribution": "organisation"
                }))
                .send()
                .expect("POST /api/comments");
            assert_eq!(res.status().as_u16(), 201);
            let reply: serde_json::Value = res.json().expect("json");
            reply["reference"].as_str().expect("reference").to_string()
        })
        .collect();
    run_scenario_env(
        &browser,
        "journey-drafter",
        &[&server.base],
        &[("ADMIN_TOKEN", TOKEN), ("RESPONSES", &references.join(" "))],
    );
    // What the drafter published is what the public now sees, named as chosen.
    let public = reqwest::blocking::get(server.url("/responses?on=share-lawful-basis"))
        .expect("GET /responses")
        .text()
        .expect("page");
    assert!(public.contains("2 published responses"), "{public}");
    assert!(public.contains("A Charity"), "{public}");
}
