//! What an erasure must leave behind nowhere: the drafters' grouping pages (`/admin/groups`
//! and its JSON) after an erasure from the admin page or from `copbook comments erase`
//! in another process, and the receipt of an erased comment.

use serde_json::Value;

use crate::app::TestApp;
use crate::helpers::output_text;

const TOKEN: &str = "a-drafters-token-for-erasure-tests";

const CAMPAIGN: &str = "I object to keeping records of people who were never charged for \
    six years. The Code should require deletion after two years unless a court orders \
    otherwise, and every search of the service should be logged and audited by an \
    independent body.";

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Posts one comment through the JSON API; its reference.
fn comment(app: &TestApp, body: &str) -> String {
    let res = client()
        .post(app.url("/api/comments"))
        .json(&serde_json::json!({
            "on": "share-lawful-basis", "body": body,
            "respondent_type": "individual", "publish": "no"
        }))
        .send()
        .expect("POST /api/comments");
    assert_eq!(res.status().as_u16(), 201, "{body}");
    res.json::<Value>().expect("json")["reference"]
        .as_str()
        .expect("reference")
        .to_string()
}

/// An admin page's status and body.
fn admin(app: &TestApp, path: &str) -> (u16, String) {
    let res = client()
        .get(app.url(path))
        .basic_auth("drafter", Some(TOKEN))
        .send()
        .expect("GET");
    (res.status().as_u16(), res.text().expect("body"))
}

/// Erases `reference` through its admin confirmation page and form.
fn admin_erase(app: &TestApp, reference: &str) {
    let page = format!("/admin/comments/{reference}/erase");
    let confirm = client()
        .get(app.url(&page))
        .basic_auth("drafter", Some(TOKEN))
        .send()
        .expect("confirm");
    let cookie = confirm
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("csrf"))
        .and_then(|v| v.split(';').next())
        .expect("the anti-forgery cookie")
        .to_string();
    let html = confirm.text().expect("html");
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf field")
        .to_string();
    let status = client()
        .post(app.url(&page))
        .basic_auth("drafter", Some(TOKEN))
        .header("cookie", cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .expect("POST erase")
        .status()
        .as_u16();
    assert_eq!(status, 303);
}

/// Whether `/admin/groups` or `/admin/groups.json` shows `words`.
fn groups_show(app: &TestApp, words: &str) -> bool {
    let (status, html) = admin(app, "/admin/groups");
    assert_eq!(status, 200, "{html}");
    let (status, json) = admin(app, "/admin/groups.json");
    assert_eq!(status, 200, "{json}");
    html.contains(words) || json.contains(words)
}

#[test]
fn an_erasure_from_the_admin_page_leaves_nothing_on_the_groups_pages() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    comment(&app, CAMPAIGN);
    comment(&app, &CAMPAIGN.replace("six years", "several years"));
    let signed = comment(&app, &format!("{CAMPAIGN} Signed, Zebedee Quartermaine."));
    assert!(groups_show(&app, "Zebedee Quartermaine"), "shown before");
    admin_erase(&app, &signed);
    assert!(
        !groups_show(&app, "Zebedee Quartermaine"),
        "the erased words are gone at once"
    );
}

#[test]
fn an_erasure_by_another_process_leaves_nothing_on_the_groups_pages() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    comment(&app, CAMPAIGN);
    comment(&app, &CAMPAIGN.replace("six years", "several years"));
    let signed = comment(&app, &format!("{CAMPAIGN} Signed, Ottoline Featherstone."));
    assert!(groups_show(&app, "Ottoline Featherstone"), "shown before");
    // `copbook comments erase` on the same database: this server made no change itself.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_copbook"))
        .args(["comments", "erase", "--data"])
        .arg(app.data())
        .arg(&signed)
        .output()
        .expect("run copbook comments erase");
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(
        !groups_show(&app, "Ottoline Featherstone"),
        "the erased words are gone before the pages are next shown"
    );
}
