//! Journeys as people take them, over HTTP on the shipped book: a reader reaching a
//! consultation question from the Code, the form saying what it cannot do, the language
//! switch, the privacy page, and a crawl that fails on any link to a missing page.

use std::collections::{BTreeSet, VecDeque};

use reqwest::Url;

use crate::app::TestApp;

const TOKEN: &str = "a-drafters-token-for-the-journeys-tests";

/// Every `href="…"` and `src="…"` value of a page, as a browser reads it.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        for rest in html.split(attribute).skip(1) {
            if let Some(end) = rest.find('"') {
                out.push(unescape(&rest[..end]));
            }
        }
    }
    out
}

/// An attribute's value with its character references decoded (`&amp;`, `&#x2f;`, `&#39;`).
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let name = &rest[1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn no_page_of_the_site_links_to_a_missing_page() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    let base = Url::parse(&app.url("/")).expect("base URL");
    let client = reqwest::blocking::Client::new();
    let starts = [
        "/",
        "/cy/",
        "/comment",
        "/cy/comment",
        "/comment?on=q-sharing",
        "/responses",
        "/cy/responses",
        "/privacy",
        "/cy/privacy",
        "/search?q=delete+my+record",
        "/cy/search?q=dileu",
        "/admin/",
        "/admin/groups",
        "/admin/codes",
        "/admin/responses",
        "/admin/searches",
    ];
    let mut queue: VecDeque<Url> = starts
        .iter()
        .map(|p| base.join(p).expect("start URL"))
        .collect();
    let mut seen: BTreeSet<String> = queue.iter().map(|u| u.to_string()).collect();
    let mut broken = Vec::new();
    let mut fetched = 0;
    while let Some(url) = queue.pop_front() {
        assert!(fetched < 2_000, "the crawl does not end: {seen:?}");
        fetched += 1;
        let mut request = client.get(url.clone());
        if url.path().starts_with("/admin/") {
            request = request.bearer_auth(TOKEN);
        }
        let res = request.send().expect("GET");
        let status = res.status().as_u16();
        if status == 404 || status >= 500 {
            broken.push(format!("{status} {url}"));
            continue;
        }
        let is_html = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        // Only pages of ours are read for more links; the open data and the search-result
        // counter are fetched, not followed further.
        if !is_html {
            continue;
        }
        let page = res.url().clone();
        let html = res.text().expect("body");
        for link in links(&html) {
            let Ok(mut next) = page.join(&link) else {
                continue;
            };
            if next.origin() != base.origin() {
                continue; // another site's page: not ours to check here
            }
            next.set_fragment(None);
            // The live-reload stream never ends, and a search result's counter only
            // redirects to a page the crawl reaches anyway.
            if next.path().starts_with("/_live") || next.path() == "/search/go" {
                continue;
            }
            if seen.insert(next.to_string()) {
                queue.push_back(next);
            }
        }
    }
    assert!(
        fetched > 60,
        "the crawl reached only {fetched} pages: {seen:?}"
    );
    assert!(
        broken.is_empty(),
        "links to missing pages:\n{}",
        broken.join("\n")
    );
}

#[test]
fn a_chapter_shows_its_consultation_question_and_the_link_answers_it() {
    let app = TestApp::shipped().start();
    let (status, html) = app.get("/code/sharing.html");
    assert_eq!(status, 200);
    assert!(
        html.contains("Are the safeguards on sharing LEDS data with organisations outside policing strong enough?"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"/comment?on=q%2Dsharing\">Answer this question"),
        "{html}"
    );
    assert!(
        html.contains(
            "<a href=\"/comment?on=code%2Fsharing\">Comment on the chapter “Sharing data”</a>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"/comment\">Comment on the draft as a whole</a>"),
        "{html}"
    );

    // The question's link opens the form on its chapter with the question chosen.
    let (status, form) = app.get("/comment?on=q-sharing");
    assert_eq!(status, 200, "{form}");
    assert!(
        form.contains("<input type=\"hidden\" name=\"on\" value=\"code&#x2f;sharing\">"),
        "{form}"
    );
    assert!(
        form.contains("<option value=\"q-sharing\" selected>"),
        "{form}"
    );

    // A chapter without provisions (the key aims) can still be commented on.
    let (_, aims) = app.get("/code/key-aims.html");
    assert!(
        aims.contains("<a href=\"/comment?on=code%2Fkey%2Daims\">"),
        "{aims}"
    );
    assert!(aims.contains("/comment?on=q%2Daims"), "{aims}");
    let (status, _) = app.get("/comment?on=code/key-aims");
    assert_eq!(status, 200);

    // In Welsh: the question in Welsh, the form under /cy.
    let (status, welsh) = app.get("/cy/guide/why-leds.html");
    assert_eq!(status, 200);
    assert!(
        welsh.contains("Ydy'r canllaw cyhoeddus yn glir?")
            || welsh.contains("Ydy&#39;r canllaw cyhoeddus yn glir?")
            || welsh.contains("Ydy&#x27;r canllaw cyhoeddus yn glir?"),
        "{welsh}"
    );
    assert!(
        welsh.contains("<a href=\"/cy/comment?on=q%2Dguide\">Ateb y cwestiwn hwn"),
        "{welsh}"
    );
    let (status, form) = app.get("/cy/comment?on=q-guide");
    assert_eq!(status, 200);
    assert!(
        form.contains("<option value=\"q-guide\" selected>"),
        "{form}"
    );
}

#[test]
fn the_guide_and_the_form_say_the_consultation_cannot_act_on_your_own_record() {
    let app = TestApp::shipped().start();
    let (_, guide) = app.get("/guide/challenge.html");
    assert!(
        guide.contains("The consultation cannot look into anyone's own police record")
            || guide.contains("The consultation cannot look into anyone&#x27;s own police record")
            || guide.contains("The consultation cannot look into anyone&#39;s own police record"),
        "{guide}"
    );
    for (path, title, textarea) in [
        (
            "/comment?on=share-lawful-basis",
            "This form cannot look into your own record",
            "<textarea",
        ),
        (
            "/cy/comment?on=share-lawful-basis",
            "Ni all y ffurflen hon edrych ar eich cofnod eich hun",
            "<textarea",
        ),
    ] {
        let (status, form) = app.get(path);
        assert_eq!(status, 200, "{form}");
        let notice = form.find(title).unwrap_or_else(|| panic!("{path}: {form}"));
        let text_box = form.find(textarea).expect("the text box");
        assert!(
            notice < text_box,
            "{path}: the notice comes after the text box"
        );
        for route in [
            "https://www.acro.police.uk/",
            "https://www.policeconduct.gov.uk/",
            "https://ico.org.uk/make-a-complaint/",
        ] {
            assert!(
                form.contains(&format!("href=\"{route}\"")),
                "{path}: {route}"
            );
        }
    }
    // "Back to" the whole draft reads as Welsh does ("i'r", never "i y").
    let (_, whole) = app.get("/cy/comment");
    assert!(!whole.contains("Yn ôl i y "), "{whole}");
}

#[test]
fn the_language_switch_goes_to_the_nearest_page_in_the_other_language() {
    let app = TestApp::shipped().start();
    // The Code is English-only in this draft: its Welsh page is the one listing it.
    let (_, page) = app.get("/code/sharing.html");
    assert!(
        page.contains("<p class=\"language-switch\"><a href=\"/cy/cod.html\""),
        "{page}"
    );
    // A page with a counterpart switches to it.
    let (_, page) = app.get("/guide/respond.html");
    assert!(
        page.contains("<p class=\"language-switch\"><a href=\"/cy/guide/respond.html\""),
        "{page}"
    );
    // The Welsh footer's privacy link is Welsh, and so is the page.
    let (_, welsh) = app.get("/cy/guide/respond.html");
    assert!(
        welsh.contains("<li><a href=\"/cy/privacy\">Preifatrwydd</a></li>"),
        "{welsh}"
    );
    let (status, privacy) = app.get("/cy/privacy");
    assert_eq!(status, 200);
    assert!(privacy.contains("<html lang=\"cy\""), "{privacy}");
    assert!(privacy.contains("<h2>Cwcis</h2>"), "{privacy}");
    assert!(!privacy.contains("When you search"), "{privacy}");
}

#[test]
fn the_privacy_page_names_the_cookies_the_consultation_sets() {
    let app = TestApp::shipped().start();
    let (_, privacy) = app.get("/privacy");
    assert!(!privacy.contains("we do not set a cookie"), "{privacy}");
    // The form does set one: the page must say so.
    let res = reqwest::blocking::get(app.url("/comment")).expect("GET /comment");
    assert!(res.headers().get("set-cookie").is_some());
    assert!(
        privacy.contains("when you open the comment form, a cookie"),
        "{privacy}"
    );
}

#[test]
fn server_pages_declare_an_icon_and_favicon_ico_finds_it() {
    let app = TestApp::shipped().start();
    let (_, page) = app.get("/search?q=photo");
    assert!(
        page.contains("<link rel=\"icon\" href=\"/_copbook/favicon.svg\""),
        "{page}"
    );
    let res = reqwest::blocking::get(app.url("/favicon.ico")).expect("GET /favicon.ico");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/svg+xml")
    );
}

#[test]
fn changing_a_status_on_a_guide_sections_page_returns_to_that_page() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    let reply: serde_json::Value = reqwest::blocking::Client::new()
        .post(app.url("/api/comments"))
        .json(&serde_json::json!({
            "on": "guide/challenge", "body": "A comment on the guide.",
            "respondent_type": "individual", "name": "Ann", "publish": "yes",
            "attribution": "name"
        }))
        .send()
        .expect("POST /api/comments")
        .json()
        .expect("json");
    let reference = reply["reference"].as_str().expect("reference");
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = client
        .get(app.url("/admin/target/guide%2Fchallenge"))
        .bearer_auth(TOKEN)
        .send()
        .expect("GET target");
    assert_eq!(page.status().as_u16(), 200);
    let cookie = page
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("the form's cookie")
        .to_string();
    let html = page.text().expect("page");
    let field = |name: &str| {
        let at = html
            .find(&format!("name=\"{name}\" value=\""))
            .unwrap_or_else(|| panic!("no {name} field: {html}"));
        let rest = &html[at + name.len() + 15..];
        unescape(&rest[..rest.find('"').expect("end")])
    };
    let (csrf, back) = (field("csrf"), field("back"));
    let res = client
        .post(app.url(&format!("/admin/comments/{reference}/status")))
        .bearer_auth(TOKEN)
        .header("cookie", cookie)
        .form(&[("status", "hidden"), ("csrf", &csrf), ("back", &back)])
        .send()
        .expect("POST status");
    assert_eq!(res.status().as_u16(), 303);
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_string();
    let back_page = client
        .get(app.url(&location))
        .bearer_auth(TOKEN)
        .send()
        .expect("GET back");
    assert_eq!(back_page.status().as_u16(), 200, "redirected to {location}");
}

/// A drafter's session on the admin pages: the token, the form's cookie and its token.
struct Drafter<'a> {
    app: &'a TestApp,
    client: reqwest::blocking::Client,
    cookies: Vec<String>,
}

impl<'a> Drafter<'a> {
    fn new(app: &'a TestApp) -> Self {
        let client = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Drafter {
            app,
            client,
            cookies: Vec::new(),
        }
    }

    /// GET an admin page: status and body; keeps the cookies it sets.
    fn get(&mut self, path: &str) -> (u16, String) {
        let res = self
            .client
            .get(self.app.url(path))
            .bearer_auth(TOKEN)
            .header("cookie", self.cookies.join("; "))
            .send()
            .expect("GET");
        self.keep_cookies(&res);
        let status = res.status().as_u16();
        (status, res.text().expect("body"))
    }

    /// Keeps the cookies a response sets, as a browser does.
    fn keep_cookies(&mut self, res: &reqwest::blocking::Response) {
        for value in res.headers().get_all("set-cookie") {
            let pair = value
                .to_str()
                .expect("cookie")
                .split(';')
                .next()
                .unwrap_or_default()
                .to_string();
            let name = pair.split('=').next().unwrap_or_default().to_string();
            self.cookies.retain(|c| !c.starts_with(&format!("{name}=")));
            self.cookies.push(pair);
        }
    }

    /// POST a form with the anti-forgery token of `page`: status and `Location`.
    fn post(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let (_, html) = self.get(page);
        let at = html.find("name=\"csrf\" value=\"").expect("a form token") + 19;
        let csrf = html[at..at + html[at..].find('"').expect("end")].to_string();
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf", &csrf));
        let res = self
            .client
            .post(self.app.url(action))
            .bearer_auth(TOKEN)
            .header("cookie", self.cookies.join("; "))
            .form(&form)
            .send()
            .expect("POST");
        self.keep_cookies(&res);
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        (res.status().as_u16(), location)
    }
}

/// "6 December 2026, 19:37 UTC": a day, a month's name, a year, a time, no ISO 8601.
fn in_words(text: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let words: Vec<&str> = text.split(' ').collect();
    matches!(words.as_slice(), [day, month, year, time, "UTC"]
        if day.parse::<u8>().is_ok()
            && MONTHS.contains(month)
            && year.strip_suffix(',').is_some_and(|y| y.parse::<u16>().is_ok())
            && time.len() == 5 && time.as_bytes()[2] == b':')
}

fn respond(app: &TestApp, publish: &str, body: &str) -> String {
    let reply: serde_json::Value = reqwest::blocking::Client::new()
        .post(app.url("/api/comments"))
        .json(&serde_json::json!({
            "on": "share-lawful-basis", "question": "q-sharing", "body": body,
            "respondent_type": "organisation", "organisation": "A Charity",
            "email": "charity@example.org", "publish": publish,
            "attribution": if publish == "yes" { Some("organisation") } else { None }
        }))
        .send()
        .expect("POST /api/comments")
        .json()
        .expect("json");
    reply["reference"].as_str().expect("reference").to_string()
}

#[test]
fn a_drafter_codes_and_publishes_a_response_from_its_own_page() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    let agreed = respond(&app, "yes", "We support this paragraph as drafted.");
    let said_no = respond(&app, "no", "Please keep this response private.");
    let mut drafter = Drafter::new(&app);
    let page = format!("/admin/responses/{agreed}");

    let (status, html) = drafter.get(&page);
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("We support this paragraph as drafted."),
        "{html}"
    );
    // Labels and dates in words, not ids and timestamps.
    assert!(html.contains("Paragraph 5.1: "), "{html}");
    // (The store stamps the time itself, so the test reads its shape, not its value.)
    let received = html
        .split("<dt>Received</dt><dd>")
        .nth(1)
        .and_then(|rest| rest.split("</dd>").next())
        .expect("the time received");
    assert!(in_words(received), "{received}");
    assert!(
        html.contains("Are the safeguards on sharing LEDS data with organisations outside policing strong enough?"),
        "{html}"
    );
    assert!(!html.contains("2026-12-01T12:00"), "{html}");
    assert!(
        html.contains("Yes, with their organisation&#x27;s name")
            || html.contains("Yes, with their organisation's name"),
        "{html}"
    );
    // No analyst name yet: the page asks for it inline rather than hiding coding.
    assert!(html.contains("name=\"name\""), "{html}");
    let (status, _) = drafter.post(&page, "/admin/analyst", &[("name", "ann"), ("back", &page)]);
    assert_eq!(status, 303);
    let (_, html) = drafter.get(&page);
    assert!(
        html.contains("<label for=\"add-code\">Add a code</label>"),
        "{html}"
    );
    let (status, location) = drafter.post(
        &page,
        &format!("/admin/comments/{agreed}/codes"),
        &[("action", "add"), ("code", "supports"), ("back", &page)],
    );
    assert_eq!((status, location.as_str()), (303, page.as_str()));
    let (_, html) = drafter.get(&page);
    let tagged = html
        .split("supports <span class=\"tag-by\">(by ann, ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("the code, by ann");
    assert!(in_words(tagged), "{tagged}");

    // Publishing from the page comes back to it, and the counts agree with the public's.
    let (status, location) = drafter.post(
        &page,
        &format!("/admin/comments/{agreed}/status"),
        &[("status", "published"), ("back", &page)],
    );
    assert_eq!((status, location.as_str()), (303, page.as_str()));
    let (_, index) = drafter.get("/admin/");
    assert!(index.contains("1 shown to the public"), "{index}");
    let (_, public) = app.get("/responses?on=share-lawful-basis");
    assert!(public.contains("1 published response"), "{public}");

    // A response whose sender said no cannot be published, and its page says why.
    let no_page = format!("/admin/responses/{said_no}");
    let (_, html) = drafter.get(&no_page);
    assert!(
        html.contains("asked us not to publish this response"),
        "{html}"
    );
    assert!(!html.contains("<option value=\"published\""), "{html}");
    let (status, _) = drafter.post(
        &no_page,
        &format!("/admin/comments/{said_no}/status"),
        &[("status", "published"), ("back", &no_page)],
    );
    assert_eq!(status, 409);
    let (_, index) = drafter.get("/admin/");
    assert!(index.contains("1 shown to the public"), "{index}");

    let (status, _) = drafter.get("/admin/responses/LEDS-0000-0000");
    assert_eq!(status, 404);
}

#[test]
fn welsh_search_results_number_the_paragraphs_they_cite_in_welsh() {
    let app = TestApp::shipped().start();
    let (status, html) = app.get("/cy/search?q=cywiro");
    assert_eq!(status, 200);
    assert!(!html.contains("paragraph ?"), "{html}");
    assert!(!html.contains("paragraff ?"), "{html}");
    let (_, json) = app.get("/cy/api/search?q=cywiro");
    assert!(json.contains("paragraff "), "{json}");
    assert!(!json.contains("paragraph ?"), "{json}");
}

#[test]
fn search_results_show_no_timing_and_name_each_sections_page() {
    let app = TestApp::shipped().start();
    let (status, html) = app.get("/search?q=how+do+i+get+my+record+corrected");
    assert_eq!(status, 200);
    assert!(!html.contains(" ms."), "{html}");
    // Sections are named with their page, so two "The short answer"s read apart.
    let titles: Vec<&str> = html
        .split("<h2 class=\"search-hit-title\">")
        .skip(1)
        .filter_map(|rest| rest.split("</h2>").next())
        .collect();
    assert!(!titles.is_empty(), "{html}");
    let unique: std::collections::BTreeSet<&&str> = titles.iter().collect();
    assert_eq!(unique.len(), titles.len(), "titles repeat: {titles:#?}");
    assert!(
        titles
            .iter()
            .any(|t| t.contains(" › ") && !t.contains("paragraph")),
        "{titles:#?}"
    );
}

#[test]
fn the_glossary_after_the_rule_belongs_to_no_part() {
    let app = TestApp::shipped().start();
    let (_, json) = app.get("/api/search?q=glossary");
    let found: serde_json::Value = serde_json::from_str(&json).expect("json");
    let glossary = found["hits"]
        .as_array()
        .and_then(|hits| hits.iter().find(|h| h["id"] == "glossary"))
        .unwrap_or_else(|| panic!("no glossary hit: {json}"));
    let trail = glossary["breadcrumb"].as_str().expect("breadcrumb");
    assert!(!trail.contains("After the consultation"), "{trail}");
}

/// Whether `html` holds `text`, its apostrophes as the templates escape them.
fn has(html: &str, text: &str) -> bool {
    ["'", "&#x27;", "&#39;"]
        .iter()
        .any(|a| html.contains(&text.replace('\'', a)))
}

/// Opens the comment form at `path`: its anti-forgery cookie and token.
fn open_form(client: &reqwest::blocking::Client, app: &TestApp, path: &str) -> (String, String) {
    let res = client.get(app.url(path)).send().expect("GET form");
    assert_eq!(res.status().as_u16(), 200);
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("the form's cookie")
        .to_string();
    let html = res.text().expect("form");
    assert!(
        html.contains("name=\"attribution\" value=\"both\""),
        "{html}"
    );
    let at = html.find("name=\"csrf\" value=\"").expect("a form token") + 19;
    let csrf = html[at..at + html[at..].find('"').expect("end")].to_string();
    (cookie, csrf)
}

#[test]
fn a_named_publication_says_how_it_names_them_on_the_receipt_and_the_public_page() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let (cookie, csrf) = open_form(&client, &app, "/comment?on=share-lawful-basis");
    let post = |prefix: &str, cookie: &str, csrf: &str, fields: &[(&str, &str)]| {
        let mut form = vec![
            ("csrf", csrf),
            ("on", "share-lawful-basis"),
            ("body", "We would like to be named as a charity."),
            ("publish", "yes"),
        ];
        form.extend_from_slice(fields);
        client
            .post(app.url(&format!("{prefix}/comments")))
            .header("cookie", cookie)
            .form(&form)
            .send()
            .expect("POST /comments")
    };

    // "Yes" asks how; what it names must be given, and the error names that field.
    let res = post("", &cookie, &csrf, &[("respondent_type", "individual")]);
    assert_eq!(res.status().as_u16(), 422);
    let html = res.text().expect("form");
    assert!(
        html.contains("<a href=\"#field-attribution\">Choose how we should name you if we publish your response</a>"),
        "{html}"
    );
    let res = post(
        "",
        &cookie,
        &csrf,
        &[
            ("respondent_type", "individual"),
            ("name", "Ann Example"),
            ("attribution", "organisation"),
        ],
    );
    assert_eq!(res.status().as_u16(), 422);
    let html = res.text().expect("form");
    assert!(
        has(
            &html,
            "<a href=\"#field-organisation\">Enter your organisation's name, or choose not to be named by it</a>"
        ),
        "{html}"
    );

    // Chosen: the receipt says how; the names themselves only to the sender's browser.
    let res = post(
        "",
        &cookie,
        &csrf,
        &[
            ("respondent_type", "organisation"),
            ("name", "Ann Example"),
            ("organisation", "A Charity"),
            ("attribution", "organisation"),
        ],
    );
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let receipt_cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("copbook_receipt="))
        .and_then(|v| v.split(';').next())
        .expect("receipt cookie")
        .to_string();
    let sender = client
        .get(app.url(&location))
        .header("cookie", &receipt_cookie)
        .send()
        .expect("receipt")
        .text()
        .expect("receipt");
    assert!(
        has(
            &sender,
            "<dt>If published, this will be attributed to</dt><dd>Your organisation's name: <bdi>A Charity</bdi></dd>"
        ),
        "{sender}"
    );
    let (_, anyone) = app.get(&location);
    assert!(
        has(&anyone, "<dd>Your organisation's name</dd>") && !anyone.contains("A Charity"),
        "{anyone}"
    );

    // In Welsh, the receipt in Welsh.
    let (cy_cookie, cy_csrf) = open_form(&client, &app, "/cy/comment?on=share-lawful-basis");
    let res = post(
        "/cy",
        &cy_cookie,
        &cy_csrf,
        &[
            ("respondent_type", "individual"),
            ("name", "Ann Example"),
            ("attribution", "name"),
        ],
    );
    assert_eq!(res.status().as_u16(), 303);
    let cy_location = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(cy_location.starts_with("/cy/"), "{cy_location}");
    let (_, welsh) = app.get(&cy_location);
    assert!(
        welsh.contains("<dt>Os caiff ei gyhoeddi, caiff ei briodoli i</dt><dd>Eich enw</dd>"),
        "{welsh}"
    );

    // Published, the public page names the organisation and not the person.
    let reference = location.rsplit('/').next().expect("reference").to_string();
    let mut drafter = Drafter::new(&app);
    let page = format!("/admin/responses/{reference}");
    let (_, html) = drafter.get(&page);
    assert!(has(&html, "Yes, with their organisation's name"), "{html}");
    let (status, _) = drafter.post(
        &page,
        &format!("/admin/comments/{reference}/status"),
        &[("status", "published"), ("back", &page)],
    );
    assert_eq!(status, 303);
    let (_, public) = app.get("/responses?on=share-lawful-basis");
    assert!(
        public.contains("A Charity") && !public.contains("Ann Example"),
        "{public}"
    );
    let (_, csv) = app.get("/responses.csv");
    assert!(
        csv.contains(",A Charity,") && !csv.contains("Ann Example"),
        "{csv}"
    );
}

/// English words that are not Welsh words too: a Welsh page's visible text holds none of
/// them outside names and quoted English (marked `lang="en"`). ("a", "i", "at", "can",
/// "her", "be" and "data" are Welsh words as well, so they are not here.)
const ENGLISH_WORDS: &[&str] = &[
    "about",
    "and",
    "are",
    "back",
    "been",
    "comment",
    "comments",
    "for",
    "from",
    "has",
    "have",
    "here",
    "how",
    "is",
    "must",
    "next",
    "not",
    "of",
    "our",
    "page",
    "previous",
    "privacy",
    "response",
    "responses",
    "results",
    "search",
    "should",
    "that",
    "the",
    "there",
    "this",
    "to",
    "was",
    "we",
    "what",
    "which",
    "will",
    "with",
    "you",
    "your",
];

/// Elements whose content is not prose read in the page's language. (`title` repeats the
/// page's heading, which is read, with its language, in the body.)
const NOT_PROSE: &[&str] = &[
    "script", "style", "code", "pre", "svg", "noscript", "template", "kbd", "samp", "title",
];

/// Elements that quote a page's text without its markup: a search result's snippet, the
/// Welsh side of the side-by-side view. The page itself is checked, with its `lang` marks.
const QUOTES: &[&str] = &[
    "class=\"search-hit-snippet\"",
    "class=\"parallel-side\" lang=\"cy\"",
];

/// Elements that have no end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// The text a reader of `html` reads (text, and the `aria-label`, `alt` and `placeholder`
/// values), leaving out code, scripts and every element marked `lang="en"`.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    // The element being left out, and how deep in it we are.
    let mut skipping: Option<(String, usize)> = None;
    while let Some(lt) = rest.find('<') {
        if skipping.is_none() {
            out.push_str(&unescape(&rest[..lt]));
            out.push(' ');
        }
        rest = &rest[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some((skipped, depth)) = &mut skipping {
            if *skipped == name {
                if closing {
                    *depth -= 1;
                    if *depth == 0 {
                        skipping = None;
                    }
                } else if !tag.ends_with('/') {
                    *depth += 1;
                }
            }
            continue;
        }
        if closing || name.is_empty() {
            continue;
        }
        let english = [" lang=\"en\"", " lang=\"en-"]
            .iter()
            .chain(QUOTES)
            .any(|a| tag.contains(a));
        if english || NOT_PROSE.contains(&name.as_str()) {
            if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
                skipping = Some((name, 1));
            }
            continue;
        }
        for attribute in [" aria-label=\"", " alt=\"", " placeholder=\""] {
            if let Some(at) = tag.find(attribute) {
                let value = &tag[at + attribute.len()..];
                out.push_str(&unescape(&value[..value.find('"').unwrap_or(value.len())]));
                out.push(' ');
            }
        }
    }
    out
}

/// Each English word of [`ENGLISH_WORDS`] in `text`, with the words around it.
fn english_in(text: &str) -> Vec<String> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if ENGLISH_WORDS.contains(&w.to_lowercase().as_str()) {
            let around = words[i.saturating_sub(4)..(i + 5).min(words.len())].join(" ");
            found.push(format!("“{w}” in “{around}”"));
        }
    }
    found
}

#[test]
fn the_english_word_check_sees_english_and_leaves_marked_and_coded_text_alone() {
    let html = r#"<html lang="cy"><head><title>Chwilio</title><style>.the{}</style></head>
        <body><p>Mae'r heddlu'n cadw cofnod.</p><p>Read <span lang="en">the Code of Practice</span>
        and <code>the</code>.</p><script>var the = 1;</script><button aria-label="Search the site"></button>
        <input placeholder="Chwilio"><!-- the comment --></body></html>"#;
    let found = english_in(&visible_text(html));
    let words: Vec<&str> = found.iter().filter_map(|f| f.split('”').next()).collect();
    assert_eq!(words, ["“and", "“Search", "“the"], "{found:?}");
}

#[test]
fn no_english_words_on_the_welsh_public_pages() {
    let app = TestApp::shipped().start();
    let base = Url::parse(&app.url("/")).expect("base URL");
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    // The server's own pages a Welsh reader reaches: search results (with and without
    // hits, and a suggestion), the forms, a receipt, privacy, a missing page, and a
    // comment too long to take.
    let reply: serde_json::Value = client
        .post(app.url("/cy/api/comments"))
        .json(&serde_json::json!({
            "on": "general", "body": "Sylw yn Gymraeg.", "respondent_type": "individual",
            "name": "Ann", "publish": "yes", "attribution": "name"
        }))
        .send()
        .expect("POST /cy/api/comments")
        .json()
        .expect("json");
    let receipt = format!(
        "/cy/comments/receipt/{}",
        reply["reference"].as_str().expect("reference")
    );
    let mut pages: Vec<(String, u16, String)> = Vec::new();
    for path in [
        "/cy/search?q=dileu+fy+nghofnod",
        "/cy/search?q=ffotograff",
        "/cy/search?q=heddlu",
        "/cy/search?q=zzzzqqq",
        "/cy/search",
        "/cy/comment",
        "/cy/comment?on=q-guide",
        receipt.as_str(),
        "/cy/privacy",
        "/cy/responses",
        "/cy/no-such-page",
        "/cy/guide/no-such-page.html",
    ] {
        let res = client.get(app.url(path)).send().expect("GET");
        let status = res.status().as_u16();
        pages.push((path.to_string(), status, res.text().expect("body")));
    }
    // An invalid form comes back with its errors, in Welsh.
    let (cookie, csrf) = open_form(&client, &app, "/cy/comment");
    let res = client
        .post(app.url("/cy/comments"))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("on", "general"),
            ("publish", "yes"),
        ])
        .send()
        .expect("POST /cy/comments");
    pages.push((
        "/cy/comments (errors)".into(),
        res.status().as_u16(),
        res.text().expect("body"),
    ));
    let too_long = "x".repeat(400_000);
    let res = client
        .post(app.url("/cy/comments"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("body", too_long.as_str())])
        .send()
        .expect("POST /cy/comments");
    assert_eq!(res.status().as_u16(), 413);
    // The server did not read the body, so it closes the connection and says so: the
    // client must not send the crawl's first request down it.
    assert_eq!(
        res.headers()
            .get("connection")
            .and_then(|v| v.to_str().ok()),
        Some("close")
    );
    pages.push((
        "/cy/comments (too long)".into(),
        413,
        res.text().expect("body"),
    ));

    // Every page of the Welsh book, from /cy/ by its links.
    let mut queue: VecDeque<Url> = VecDeque::from([base.join("/cy/").expect("URL")]);
    let mut seen: BTreeSet<String> = queue.iter().map(|u| u.to_string()).collect();
    while let Some(url) = queue.pop_front() {
        assert!(seen.len() < 2_000, "the crawl does not end");
        let res = client.get(url.clone()).send().expect("GET");
        let status = res.status().as_u16();
        let is_html = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if !is_html || status != 200 {
            continue;
        }
        let html = res.text().expect("body");
        for link in links(&html) {
            let Ok(mut next) = url.join(&link) else {
                continue;
            };
            next.set_fragment(None);
            next.set_query(None);
            if next.origin() == base.origin()
                && next.path().starts_with("/cy/")
                && !next.path().starts_with("/cy/api/")
                && seen.insert(next.to_string())
            {
                queue.push_back(next);
            }
        }
        pages.push((url.path().to_string(), status, html));
    }
    assert!(pages.len() > 25, "only {} Welsh pages", pages.len());

    let mut english = Vec::new();
    for (path, status, html) in &pages {
        if !html.contains("<html lang=\"cy\"") {
            english.push(format!("{path} ({status}): not marked as Welsh"));
            continue;
        }
        for found in english_in(&visible_text(html)) {
            english.push(format!("{path} ({status}): {found}"));
        }
    }
    assert!(
        english.is_empty(),
        "{} English words on Welsh pages:\n{}",
        english.len(),
        english.join("\n")
    );
}
