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

/// An admin client: the token, and the cookies (anti-forgery, analyst) a browser keeps.
struct Admin<'a> {
    app: &'a TestApp,
    client: reqwest::blocking::Client,
    cookies: std::cell::RefCell<Vec<(String, String)>>,
}

impl<'a> Admin<'a> {
    fn new(app: &'a TestApp) -> Admin<'a> {
        Admin {
            app,
            client: reqwest::blocking::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: Default::default(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .borrow()
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&self, res: &reqwest::blocking::Response) {
        for v in res.headers().get_all("set-cookie") {
            let Some((name, value)) = v
                .to_str()
                .ok()
                .and_then(|v| v.split(';').next())
                .and_then(|p| p.split_once('='))
            else {
                continue;
            };
            let mut cookies = self.cookies.borrow_mut();
            cookies.retain(|(n, _)| n != name);
            cookies.push((name.to_string(), value.to_string()));
        }
    }

    fn get(&self, path: &str) -> (u16, String) {
        let res = self
            .client
            .get(self.app.url(path))
            .basic_auth("drafter", Some(TOKEN))
            .header("cookie", self.cookie_header())
            .send()
            .expect("GET");
        self.keep_cookies(&res);
        (res.status().as_u16(), res.text().expect("body"))
    }

    fn json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).expect("json")
    }

    /// The anti-forgery token of the last page (and its cookie, kept).
    fn csrf(&self) -> String {
        self.cookies
            .borrow()
            .iter()
            .find(|(n, _)| n == "copbook_csrf")
            .map(|(_, v)| v.clone())
            .expect("an admin page set the anti-forgery cookie")
    }

    /// POSTs a form with the token; the status and the redirect's target.
    fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let res = self
            .client
            .post(self.app.url(path))
            .basic_auth("drafter", Some(TOKEN))
            .header("cookie", self.cookie_header())
            .form(form)
            .send()
            .expect("POST");
        self.keep_cookies(&res);
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        (
            status,
            location.unwrap_or_else(|| res.text().unwrap_or_default()),
        )
    }
}

fn members(json: &serde_json::Value, group: usize) -> Vec<String> {
    json["groups"][group]["members"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|m| m["reference"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn a_member_split_out_stays_split_after_new_comments_arrive() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    let signed = format!("{CAMPAIGN} Signed, Jo Bloggs of Leeds.");
    comment(&app, CAMPAIGN);
    comment(&app, &signed);
    comment(&app, &CAMPAIGN.replace("six years", "several years"));
    comment(&app, &CAMPAIGN.to_uppercase());
    let admin = Admin::new(&app);
    let json = admin.json("/admin/groups.json");
    let group = members(&json, 0);
    assert_eq!(group.len(), 4, "{json}");
    let split = group[1].clone();

    // No name given yet: the page asks for one and offers no decisions.
    let (status, html) = admin.get("/admin/groups");
    assert_eq!(status, 200);
    assert!(html.contains("Your short name"), "{html}");
    assert!(!html.contains("Split out</button>"), "{html}");
    let csrf = admin.csrf();
    let (status, body) = admin.post(
        "/admin/groups/split",
        &[("csrf", &csrf), ("reference", &split)],
    );
    assert_eq!(status, 400, "a change needs the analyst's name: {body}");
    for bad in ["jo bloggs", "", "<b>", &"x".repeat(33)] {
        let (status, _) = admin.post(
            "/admin/analyst",
            &[("csrf", &csrf), ("name", bad), ("back", "/admin/groups")],
        );
        assert_eq!(status, 422, "{bad:?}");
    }
    let (status, location) = admin.post(
        "/admin/analyst",
        &[("csrf", &csrf), ("name", "jo"), ("back", "/admin/groups")],
    );
    assert_eq!((status, location.as_str()), (303, "/admin/groups"));
    let (_, html) = admin.get("/admin/groups");
    assert!(html.contains("made by <strong>jo</strong>"), "{html}");
    assert!(html.contains("Split out</button>"), "{html}");

    // Forged: no token, a wrong token.
    for token in ["", "0123456789abcdef0123456789abcdef"] {
        let (status, _) = admin.post(
            "/admin/groups/split",
            &[("csrf", token), ("reference", &split)],
        );
        assert_eq!(status, 403, "{token:?}");
    }
    let (status, _) = admin.post(
        "/admin/groups/split",
        &[("csrf", &csrf), ("reference", "LEDS-0000-0000")],
    );
    assert_eq!(status, 404);
    assert_eq!(
        admin.json("/admin/groups.json")["decisions"],
        serde_json::json!([])
    );

    let (status, location) = admin.post(
        "/admin/groups/split",
        &[("csrf", &csrf), ("reference", &split)],
    );
    assert_eq!((status, location.as_str()), (303, "/admin/groups"));
    let json = admin.json("/admin/groups.json");
    assert!(!members(&json, 0).contains(&split), "{json}");
    assert_eq!(json["split_out"], serde_json::json!([split]));
    assert_eq!(json["decisions"][0]["analyst"], "jo");
    assert_eq!(json["decisions"][0]["kind"], "split");

    // New comments arrive, one the split member's very words: it stays out, they join.
    comment(&app, &signed);
    comment(&app, CAMPAIGN);
    let json = admin.json("/admin/groups.json");
    assert_eq!(json["groups"][0]["size"], 5, "{json}");
    assert!(!members(&json, 0).contains(&split), "{json}");
    assert_eq!(json["split_out"], serde_json::json!([split]));
    assert_eq!(
        json["summary"],
        "6 responses, of which 5 in 1 campaign group (2 distinct submissions)"
    );
    let (_, html) = admin.get("/admin/groups");
    assert!(html.contains("Split out by a drafter"), "{html}");
    let (_, index) = admin.get("/admin/");
    assert!(
        index.contains("6 responses, of which 5 in 1 campaign group (2 distinct submissions)"),
        "{index}"
    );

    // A second campaign, then the two merged.
    let other = "Please publish the audit of every access to the service each year, with \
        the number of searches by each force and the reasons recorded for them.";
    comment(&app, other);
    comment(&app, &format!("{other} Thank you."));
    let json = admin.json("/admin/groups.json");
    assert_eq!(json["groups"].as_array().map(Vec::len), Some(2), "{json}");
    let (a, b) = (members(&json, 0)[0].clone(), members(&json, 1)[0].clone());
    let (status, _) = admin.post(
        "/admin/groups/merge",
        &[
            ("csrf", &csrf),
            ("reference", &a),
            ("with", &b.to_lowercase()),
        ],
    );
    assert_eq!(status, 303);
    comment(&app, other);
    let json = admin.json("/admin/groups.json");
    assert_eq!(json["groups"].as_array().map(Vec::len), Some(1), "{json}");
    assert_eq!(json["groups"][0]["size"], 8, "{json}");
    assert_eq!(json["groups"][0]["merged"], true);
    assert!(!members(&json, 0).contains(&split), "{json}");
}

#[test]
fn tagging_and_filters_combine_and_export() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    let post = |body: &str, on: &str, question: Option<&str>, organisation: bool| {
        let mut c = serde_json::json!({
            "on": on, "body": body, "respondent_type": "individual", "publish": "no",
            "email": "someone@example.com"
        });
        if let Some(q) = question {
            c["question"] = q.into();
        }
        if organisation {
            c["respondent_type"] = "organisation".into();
            c["organisation"] = "Liberty Watch".into();
        }
        let res = reqwest::blocking::Client::new()
            .post(app.url("/api/comments"))
            .json(&c)
            .send()
            .expect("POST");
        assert_eq!(res.status().as_u16(), 201);
        res.json::<serde_json::Value>().expect("json")["reference"]
            .as_str()
            .expect("reference")
            .to_string()
    };
    let a = post(
        "=HYPERLINK(\"x\") Sharing needs a lawful basis.",
        "share-lawful-basis",
        Some("q-sharing"),
        false,
    );
    let b = post(
        "Sharing should be rarer.",
        "share-lawful-basis",
        Some("q-sharing"),
        true,
    );
    let c = post("General worry about oversight.", "general", None, false);
    let admin = Admin::new(&app);
    admin.get("/admin/codes");
    let csrf = admin.csrf();
    admin.post("/admin/analyst", &[("csrf", &csrf), ("name", "sam")]);

    // The frame: book.toml's codes, and one added here.
    let (_, html) = admin.get("/admin/codes");
    for code in ["supports", "opposes", "retention period", "oversight"] {
        assert!(html.contains(&format!(">{code}</a>")), "{code}: {html}");
    }
    let (status, _) = admin.post("/admin/codes", &[("csrf", &csrf), ("code", "<script>")]);
    assert_eq!(status, 422);
    let (status, _) = admin.post(
        "/admin/codes",
        &[("csrf", "nope"), ("code", "proportionality")],
    );
    assert_eq!(status, 403);
    let (status, _) = admin.post(
        "/admin/codes",
        &[("csrf", &csrf), ("code", "proportionality")],
    );
    assert_eq!(status, 303);
    let (_, html) = admin.get("/admin/codes");
    assert!(
        html.contains(">proportionality</a></td><td>sam</td>"),
        "{html}"
    );

    let tag = |reference: &str, code: &str, action: &str| {
        admin
            .post(
                &format!("/admin/comments/{reference}/codes"),
                &[
                    ("csrf", &csrf),
                    ("code", code),
                    ("action", action),
                    ("back", "/admin/responses?code=supports"),
                ],
            )
            .0
    };
    assert_eq!(tag(&a, "supports", "add"), 303);
    assert_eq!(tag(&a, "proportionality", "add"), 303);
    assert_eq!(tag(&b, "opposes", "add"), 303);
    assert_eq!(tag(&b, "retention period", "add"), 303);
    assert_eq!(tag(&a, "not in the frame", "add"), 422);
    assert_eq!(tag(&a, "supports", "explode"), 422);
    assert_eq!(tag("LEDS-0000-0000", "supports", "add"), 404);
    assert_eq!(tag(&b, "retention period", "remove"), 303);
    let (status, _) = admin.post(
        &format!("/admin/comments/{a}/codes"),
        &[
            ("csrf", "0123456789abcdef0123456789abcdef"),
            ("code", "opposes"),
            ("action", "add"),
        ],
    );
    assert_eq!(status, 403);

    let refs_in = |html: &str| -> Vec<String> {
        [&a, &b, &c]
            .into_iter()
            .filter(|r| html.contains(&format!("<h2>{r} ")))
            .cloned()
            .collect()
    };
    let (status, html) = admin.get("/admin/responses");
    assert_eq!(status, 200, "{html}");
    assert_eq!(refs_in(&html), vec![a.clone(), b.clone(), c.clone()]);
    assert!(html.contains("3 responses match"), "{html}");
    assert!(html.contains("Sharing should be rarer."), "{html}");
    assert!(
        html.contains("supports <span class=\"tag-by\">(by sam, "),
        "{html}"
    );
    assert!(!html.contains("someone@example.com"), "{html}");
    let (_, html) = admin.get("/admin/responses?code=supports");
    assert_eq!(refs_in(&html), vec![a.clone()]);
    assert!(html.contains("1 response matches"), "{html}");
    let (_, html) = admin.get("/admin/responses?uncoded=1");
    assert_eq!(refs_in(&html), vec![c.clone()]);
    let (_, html) = admin.get(
        "/admin/responses?question=q-sharing&respondent=organisation&target=share-lawful-basis",
    );
    assert_eq!(refs_in(&html), vec![b.clone()]);
    let (_, html) = admin.get("/admin/responses?code=opposes&respondent=individual");
    assert_eq!(refs_in(&html), Vec::<String>::new());
    let (_, html) = admin.get("/admin/responses?from=2026-01-01&to=2099-12-31&status=received");
    assert_eq!(refs_in(&html).len(), 3);
    let (_, html) = admin.get("/admin/responses?to=2001-01-01");
    assert_eq!(refs_in(&html), Vec::<String>::new());

    // Full-text, analysed as the site search is: "shared" finds "Sharing".
    let (_, html) = admin.get("/admin/responses?q=shared");
    assert_eq!(refs_in(&html), vec![a.clone(), b.clone()]);
    let (_, html) = admin.get("/admin/responses?q=shared+rarer");
    assert_eq!(refs_in(&html), vec![b.clone()]);
    let (_, html) = admin.get("/admin/responses?q=shared&respondent=individual");
    assert_eq!(refs_in(&html), vec![a.clone()]);
    // Paging by keyset: two pages of two and one.
    let (_, html) = admin.get("/admin/responses?per=2");
    assert_eq!(refs_in(&html), vec![a.clone(), b.clone()]);
    // (minijinja escapes `/` in attributes; a browser reads it back.)
    let next = format!("&#x2f;admin&#x2f;responses?per=2&amp;after={b}");
    assert!(html.contains(&format!("href=\"{next}\"")), "{html}");
    let (_, html) = admin.get(&next.replace("&amp;", "&").replace("&#x2f;", "/"));
    assert_eq!(refs_in(&html), vec![c.clone()]);
    assert!(!html.contains("rel=\"next\""), "{html}");

    // Nothing unchecked reaches the store.
    for bad in [
        "status=bogus",
        "per=100000",
        "per=0",
        "from=2026-13-01",
        "to=tomorrow",
        "target=%3Cscript%3E",
        "question=q-nonexistent",
        "respondent=robot",
        "code=%3Cb%3E",
        "uncoded=maybe",
        "after=nonsense",
        "group=nonsense",
        "q=...",
    ] {
        let (status, body) = admin.get(&format!("/admin/responses?{bad}"));
        assert_eq!(status, 400, "{bad}: {body}");
        let (status, _) = admin.get(&format!("/admin/responses.csv?{bad}"));
        assert_eq!(status, 400, "{bad} (CSV)");
    }

    // The same filters, exported.
    let (status, csv) = admin.get("/admin/responses.csv?code=supports");
    assert_eq!(status, 200);
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap_or_default()
            .ends_with(",language,codes,campaign_group"),
        "{csv}"
    );
    let row = lines.next().unwrap_or_default();
    assert!(row.starts_with(&format!("{a},")), "{csv}");
    assert!(row.contains("\"'=HYPERLINK"), "formulas neutralised: {csv}");
    assert!(row.contains(",proportionality; supports,"), "{csv}");
    assert_eq!(lines.next(), None, "{csv}");
    let json = admin.json("/admin/responses.json?respondent=individual");
    let rows = json.as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 2, "{json}");
    assert_eq!(rows[0]["reference"], a.as_str());
    assert_eq!(
        rows[0]["codes"],
        serde_json::json!(["proportionality", "supports"])
    );
    assert_eq!(rows[1]["codes"], serde_json::json!([]));

    // Exports need the token too.
    let res = reqwest::blocking::get(app.url("/admin/responses.csv")).expect("GET");
    assert_eq!(res.status().as_u16(), 401);
    // A comment that arrives later is found too.
    let d = post(
        "Oversight of sharing by an inspectorate.",
        "general",
        None,
        false,
    );
    let (_, html) = admin.get("/admin/responses?q=oversight");
    assert_eq!(
        [&a, &b, &c, &d]
            .into_iter()
            .filter(|r| html.contains(&format!("<h2>{r} ")))
            .cloned()
            .collect::<Vec<_>>(),
        vec![c.clone(), d.clone()]
    );
    assert_eq!(tag(&d, "oversight", "add"), 303);
}

#[test]
fn a_campaign_group_is_a_filter() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    comment(&app, CAMPAIGN);
    comment(&app, &format!("{CAMPAIGN} Thank you."));
    comment(&app, "Something else entirely, about roadside checks.");
    let admin = Admin::new(&app);
    let json = admin.json("/admin/groups.json");
    let group = members(&json, 0);
    let (status, html) = admin.get(&format!("/admin/responses?group={}", group[1]));
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("2 responses match (campaign group 1, 2 responses)"),
        "{html}"
    );
    assert!(!html.contains("roadside"), "{html}");
    let (_, html) = admin.get("/admin/responses");
    assert!(
        html.contains("campaign group 1</a> (2 responses)"),
        "{html}"
    );
    let (status, csv) = admin.get(&format!("/admin/responses.csv?group={}", group[0]));
    assert_eq!(status, 200);
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(
        csv.lines().nth(1).unwrap_or_default().ends_with(&format!(
            ",{}",
            json["groups"][0]["representative"]
                .as_str()
                .unwrap_or_default()
        )),
        "{csv}"
    );
}

/// Posts one comment through the JSON API; its reference.
fn comment_ref(app: &TestApp, body: &str) -> String {
    let res = reqwest::blocking::Client::new()
        .post(app.url("/api/comments"))
        .json(&serde_json::json!({
            "on": "share-lawful-basis", "body": body,
            "respondent_type": "individual", "publish": "no"
        }))
        .send()
        .expect("POST /api/comments");
    assert_eq!(res.status().as_u16(), 201, "{body}");
    let json: serde_json::Value = res.json().expect("json");
    json["reference"].as_str().expect("reference").to_string()
}

#[test]
fn the_summary_the_groups_page_and_stats_agree_once_comments_are_erased() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    comment(&app, CAMPAIGN);
    comment(&app, CAMPAIGN);
    let erased = [
        comment_ref(&app, "The retention rules are workable as drafted."),
        comment_ref(
            &app,
            "Roadside checks need quicker access than this allows.",
        ),
    ];
    let store = app.state.store.clone().expect("a store");
    for reference in &erased {
        app.block_on(store.erase(reference)).expect("erase");
    }

    // The library's readings for the summary and for the grouping count the same.
    let summary = app
        .block_on(copbook::analysis::summary::read(&*store))
        .expect("summary");
    let grouped = app
        .block_on(copbook::analysis::Snapshot::read(&*store))
        .expect("snapshot")
        .totals(&copbook::i18n::Catalogue::new().expect("catalogue"));
    let t = &summary.totals;
    assert_eq!(
        (t.responses, t.grouped, t.campaign_groups, t.distinct),
        (2, 2, 1, 1)
    );
    assert_eq!(
        (
            grouped.responses,
            grouped.grouped,
            grouped.groups,
            grouped.distinct
        ),
        (2, 2, 1, 1)
    );

    // Two erased comments have no text left: they are no "campaign" of empty texts.
    let (status, json) = admin_get(&app, "/admin/groups.json", Some(TOKEN));
    assert_eq!(status, 200, "{json}");
    let groups: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(groups["responses"], 2, "{groups}");
    assert_eq!(
        groups["groups"].as_array().map(Vec::len),
        Some(1),
        "{groups}"
    );

    let data = app.data().to_string_lossy().into_owned();
    let out = super::helpers::copbook()
        .args(["comments", "stats", "--data", &data, "--format", "json"])
        .output()
        .expect("run copbook");
    assert!(
        out.status.success(),
        "{}",
        super::helpers::output_text(&out)
    );
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stats json");
    assert_eq!(stats["grouping"]["responses"], 2, "{stats}");
    assert_eq!(stats["grouping"]["groups"], 1, "{stats}");

    let summary = app.data().join("summary.json");
    let out = super::helpers::copbook()
        .args(["comments", "summary", "--data", &data, "--out"])
        .arg(&summary)
        .output()
        .expect("run copbook");
    let said = super::helpers::output_text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("2 responses, of which 2 in 1 campaign groups"),
        "{said}"
    );
}

/// Where commented paragraphs are now (`comments stats --book`): every comment but spam
/// is tallied, an erased one too, as it still names its paragraph.
#[test]
fn following_tallies_erased_comments_but_not_spam() {
    let app = TestApp::shipped().start();
    let references = [
        "The retention rules are workable as drafted.",
        "Roadside checks need quicker access than this allows.",
        "Sharing with partners needs a written agreement every time.",
    ]
    .map(|body| comment_ref(&app, body));
    let store = app.state.store.clone().expect("a store");
    app.block_on(store.set_status(&references[0], copbook::comments::Status::Spam))
        .expect("spam");
    app.block_on(store.erase(&references[1])).expect("erase");
    let corpus = copbook::book::load(&super::helpers::repo_root().join("book"))
        .expect("the shipped book loads")
        .corpus;
    let tally = app
        .block_on(copbook::analysis::following::tally(&*store, &corpus))
        .expect("tally");
    assert_eq!(tally.len(), 1, "{tally:?}");
    assert_eq!(tally[0].target_id, "share-lawful-basis");
    assert_eq!(tally[0].count, 2, "{tally:?}");
}
