//! The second hardening round's smaller findings. What an erasure must leave behind
//! nowhere: the drafters' grouping pages (`/admin/groups` and its JSON) after an erasure
//! from the admin page or from `copbook comments erase` in another process, and the
//! receipt of an erased comment. The form page that carries the submission's secret is
//! never cached; the anti-forgery cookie is `__Host-` prefixed over HTTPS.

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
    let out = super::helpers::copbook()
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

#[test]
fn the_receipt_of_an_erased_comment_says_it_was_erased() {
    let app = TestApp::shipped().start();
    let reference = comment(&app, "A view I will later ask to have erased.");
    let (status, before) = app.get(&format!("/comments/receipt/{reference}"));
    assert_eq!(status, 200);
    assert!(before.contains("will be read"), "{before}");
    let out = super::helpers::copbook()
        .args(["comments", "erase", "--data"])
        .arg(app.data())
        .arg(&reference)
        .output()
        .expect("run copbook comments erase");
    assert!(out.status.success(), "{}", output_text(&out));
    for (path, erased) in [
        (format!("/comments/receipt/{reference}"), "was erased on"),
        (format!("/cy/comments/receipt/{reference}"), "ei ddileu ar"),
    ] {
        let (status, after) = app.get(&path);
        assert_eq!(status, 200, "{after}");
        assert!(after.contains(erased), "{after}");
        assert!(
            !after.contains("will be read") && !after.contains("a bydd yn cael ei ddarllen"),
            "{after}"
        );
    }
}

#[test]
fn the_form_page_carrying_the_submission_secret_is_never_cached() {
    let app = TestApp::shipped().start();
    for path in [
        "/comment?on=share-lawful-basis",
        "/cy/comment?on=share-lawful-basis",
    ] {
        let res = client().get(app.url(path)).send().expect("GET form");
        assert_eq!(res.status().as_u16(), 200);
        let cache = res
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(res.text().expect("html").contains("submission_key"));
        assert_eq!(cache, "no-store", "{path}");
    }
}

/// Opens the form as a browser behind a TLS-terminating proxy would (or over plain HTTP):
/// the `Set-Cookie` of the anti-forgery token, and the token.
fn open_form(app: &TestApp, https: bool) -> (String, String, String) {
    let mut req = client().get(app.url("/comment?on=share-lawful-basis"));
    if https {
        req = req.header("x-forwarded-proto", "https");
    }
    let res = req.send().expect("GET /comment");
    let set_cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("csrf"))
        .expect("the anti-forgery cookie")
        .to_string();
    let html = res.text().expect("form");
    let field = |name: &str| {
        html.split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("{name} field"))
            .to_string()
    };
    (set_cookie, field("csrf"), field("submission_key"))
}

#[test]
fn the_anti_forgery_cookie_is_host_prefixed_over_https() {
    let app = TestApp::shipped().start();
    let (set_cookie, token, key) = open_form(&app, true);
    let attributes: Vec<&str> = set_cookie.split(';').map(str::trim).collect();
    assert_eq!(attributes[0], format!("__Host-copbook_csrf={token}"));
    for needed in ["Secure", "Path=/", "HttpOnly", "SameSite=Strict"] {
        assert!(attributes.contains(&needed), "{set_cookie}");
    }
    assert!(
        !set_cookie.to_ascii_lowercase().contains("domain"),
        "{set_cookie}"
    );
    let host = app.base.trim_start_matches("http://").to_string();
    let post = |cookie: &str| {
        client()
            .post(app.url("/comments"))
            .header("x-forwarded-proto", "https")
            .header("origin", format!("https://{host}"))
            .header("cookie", cookie)
            .form(&[
                ("csrf", token.as_str()),
                ("submission_key", key.as_str()),
                ("on", "share-lawful-basis"),
                ("body", "Sent over HTTPS through the proxy."),
                ("respondent_type", "individual"),
                ("publish", "no"),
            ])
            .send()
            .expect("POST /comments")
            .status()
            .as_u16()
    };
    // Over HTTPS, a cookie without the prefix (one a sibling host could have set) is not
    // the anti-forgery cookie.
    assert_eq!(post(&format!("copbook_csrf={token}")), 403);
    assert_eq!(post(&format!("__Host-copbook_csrf={token}")), 303);

    // Over plain HTTP (development, tests), browsers would drop a `Secure` cookie: the
    // unprefixed name, without `Secure`.
    let (set_cookie, token, _) = open_form(&app, false);
    assert!(
        set_cookie.starts_with(&format!("copbook_csrf={token};")) && !set_cookie.contains("Secure"),
        "{set_cookie}"
    );
}

#[test]
fn an_open_data_download_holds_its_turn_until_its_body_is_sent() {
    use tower::ServiceExt;
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let data = tempfile::tempdir().expect("data");
    let state = crate::app::shipped_state(&runtime, data.path());
    let free = state.downloads.permits.available_permits();
    let router = copbook::server::app(std::sync::Arc::clone(&state));
    let request = axum::http::Request::get("/responses.csv")
        .body(axum::body::Body::empty())
        .expect("request");
    let res = runtime.block_on(router.oneshot(request)).expect("response");
    assert_eq!(res.status().as_u16(), 200);
    // The answer has started but its body is not sent: its turn is still held.
    assert_eq!(state.downloads.permits.available_permits(), free - 1);
    let body = runtime
        .block_on(axum::body::to_bytes(res.into_body(), usize::MAX))
        .expect("body");
    assert!(!body.is_empty(), "at least the header row");
    assert_eq!(state.downloads.permits.available_permits(), free);
}
