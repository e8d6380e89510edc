//! Campaign and duplicate grouping over a real server: comments posted through the API,
//! the drafters' `/admin/groups` page read with the admin token.

use crate::app::TestApp;

const TOKEN: &str = "a-drafters-token-for-grouping-tests";

const CAMPAIGN: &str = "I object to keeping records of people who were never charged for \
    six years. The Code should require deletion after two years unless a court orders \
    otherwise, and every search of the service should be logged and audited by an \
    independent body.";

/// Posts one comment through the JSON API.
fn comment(app: &TestApp, body: &str) {
    let res = reqwest::blocking::Client::new()
        .post(app.url("/api/comments"))
        .json(&serde_json::json!({
            "on": "share-lawful-basis", "body": body,
            "respondent_type": "individual", "publish": "no"
        }))
        .send()
        .expect("POST /api/comments");
    assert_eq!(res.status().as_u16(), 201, "{body}");
}

fn admin_get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, String) {
    let mut req = reqwest::blocking::Client::new().get(app.url(path));
    if let Some(token) = token {
        req = req.basic_auth("drafter", Some(token));
    }
    let res = req.send().expect("GET");
    (res.status().as_u16(), res.text().expect("body"))
}

#[test]
fn campaign_variants_are_grouped_with_what_each_adds() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    comment(&app, CAMPAIGN);
    comment(
        &app,
        &format!("{CAMPAIGN} Signed, Jo <b>Bloggs</b> of Leeds."),
    );
    comment(&app, &CAMPAIGN.replace("six years", "several years"));
    comment(&app, &CAMPAIGN.to_uppercase());
    comment(
        &app,
        "Officers need quick access to the data at the roadside; the retention rules \
         are workable and I support them as drafted.",
    );

    let (status, _) = admin_get(&app, "/admin/groups", None);
    assert_eq!(status, 401, "the groups page needs the token");
    let (status, html) = admin_get(&app, "/admin/groups", Some(TOKEN));
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("5 responses, of which 4 in 1 campaign group (2 distinct submissions)"),
        "{html}"
    );
    assert!(
        html.contains("Group 1: 4 responses (near duplicates)"),
        "{html}"
    );
    // What a member adds, escaped.
    assert!(
        html.contains("<ins>Signed, Jo &lt;b&gt;Bloggs&lt;&#x2f;b&gt; of Leeds.</ins>"),
        "{html}"
    );
    assert!(html.contains("<ins>several</ins>"), "{html}");
    // The shouted copy adds nothing.
    assert!(html.contains("<td>nothing</td><td>0</td>"), "{html}");
    assert!(!html.contains("Officers need quick access"), "{html}");

    // The same grouping as JSON, every member with what it adds; no personal data.
    let (status, json) = admin_get(&app, "/admin/groups.json", Some(TOKEN));
    assert_eq!(status, 200, "{json}");
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(json["responses"], 5);
    assert_eq!(json["distinct"], 2);
    assert_eq!(json["groups"][0]["size"], 4);
    assert_eq!(json["groups"][0]["kind"], "near");
    let added: Vec<String> = json["groups"][0]["members"]
        .as_array()
        .expect("members")
        .iter()
        .flat_map(|m| m["added"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect();
    assert_eq!(added, vec!["Signed, Jo <b>Bloggs</b> of Leeds.", "several"]);
    assert_eq!(admin_get(&app, "/admin/groups.json", None).0, 401);

    // The admin index links to it.
    let (_, index) = admin_get(&app, "/admin/", Some(TOKEN));
    assert!(index.contains("href=\"/admin/groups\""), "{index}");
}

#[test]
fn no_groups_says_so() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    comment(&app, "One thought about the Code and its reach.");
    let (status, html) = admin_get(&app, "/admin/groups", Some(TOKEN));
    assert_eq!(status, 200);
    assert!(
        html.contains("1 response, of which 0 in 0 campaign groups (1 distinct submission)"),
        "{html}"
    );
    assert!(
        html.contains("No groups: every response is different."),
        "{html}"
    );
}
