//! Accounts, roles, sessions and the audit log over a real server (issue 25): every
//! admin route against every role, sessions that expire and are revoked, the
//! anti-forgery token bound to the session, sign-in throttling that never locks a person
//! out from their usual client, the old token's end, and the audit of each action.

use copbook::auth::{Permission, Role, session};
use copbook::comments::store::accounts::{AccountChange, AuditEntry, AuditQuery};
use copbook::server::edge::access::{OPEN_ROUTES, RULES};
use reqwest::blocking::Client;
use reqwest::redirect::Policy;

use crate::app::TestApp;
use crate::helpers::repo_root;

const PASSWORD: &str = "a long enough password";

fn client() -> Client {
    Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("client")
}

/// A signed-in browser: its session cookie and the session's anti-forgery token.
struct Signed {
    id: String,
}

impl Signed {
    fn cookie(&self) -> String {
        format!("{}={}", session::COOKIE_PLAIN, self.id)
    }

    fn csrf(&self) -> String {
        session::csrf_token(&self.id)
    }
}

/// Signs in from `from` (an `X-Forwarded-For` address when the app trusts 127.0.0.1):
/// the status of the form's POST and the session it started.
fn try_sign_in(
    app: &TestApp,
    name: &str,
    password: &str,
    from: Option<&str>,
) -> (u16, Option<Signed>) {
    let c = client();
    let page = c
        .get(app.url("/admin/sign-in"))
        .send()
        .expect("GET sign-in");
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("copbook_csrf="))
        .and_then(|v| v.split(';').next())
        .expect("an anti-forgery cookie")
        .to_string();
    let mut req = c
        .post(app.url("/admin/sign-in"))
        .header("cookie", format!("copbook_csrf={cookie}"))
        .form(&[
            ("name", name),
            ("password", password),
            ("csrf", &cookie),
            ("back", "/admin/"),
        ]);
    if let Some(from) = from {
        req = req.header("x-forwarded-for", from);
    }
    let res = req.send().expect("POST sign-in");
    let status = res.status().as_u16();
    let id = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{}=", session::COOKIE_PLAIN)))
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    (status, id.map(|id| Signed { id }))
}

fn sign_in(app: &TestApp, name: &str) -> Signed {
    let (status, signed) = try_sign_in(app, name, PASSWORD, None);
    assert_eq!(status, 303, "{name} signs in");
    signed.expect("a session cookie")
}

fn get(app: &TestApp, who: &Signed, path: &str) -> (u16, String) {
    let res = client()
        .get(app.url(path))
        .header("cookie", who.cookie())
        .send()
        .expect("GET");
    (res.status().as_u16(), res.text().expect("body"))
}

fn post(app: &TestApp, who: &Signed, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let csrf = who.csrf();
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    form.extend_from_slice(fields);
    let res = client()
        .post(app.url(path))
        .header("cookie", who.cookie())
        .form(&form)
        .send()
        .expect("POST");
    (res.status().as_u16(), res.text().expect("body"))
}

/// Posts a comment with a name and email through the API; its reference.
fn comment(app: &TestApp, body: &str) -> String {
    let res = Client::new()
        .post(app.url("/api/comments"))
        .json(&serde_json::json!({
            "on": "share-lawful-basis", "body": body, "respondent_type": "individual",
            "name": "Rhian Secret-Name", "email": "rhian@example.org", "publish": "yes",
            "attribution": "name"
        }))
        .send()
        .expect("POST /api/comments");
    assert_eq!(res.status().as_u16(), 201);
    let reply: serde_json::Value = res.json().expect("json");
    reply["reference"].as_str().expect("reference").to_string()
}

fn audit(app: &TestApp) -> Vec<copbook::comments::store::accounts::AuditRow> {
    let store = app.state.store.clone().expect("store");
    let mut rows = app
        .block_on(store.audit_entries(&AuditQuery::default()))
        .expect("audit");
    rows.reverse();
    rows
}

fn with_accounts() -> TestApp {
    let app = TestApp::shipped().start();
    app.add_account("ada", "admin", PASSWORD);
    app.add_account("mo", "moderator", PASSWORD);
    app.add_account("ana", "analyst", PASSWORD);
    app
}

/// The admin routes the router registers, read from `src/server/mod.rs`: each
/// `"/admin…"` path with the methods its `.route(…)` gives it.
fn registered_admin_routes() -> Vec<(String, String)> {
    let source = std::fs::read_to_string(repo_root().join("src/server/mod.rs")).expect("mod.rs");
    let mut routes = Vec::new();
    for (at, _) in source.match_indices(".route(") {
        let rest = &source[at + ".route(".len()..];
        let rest = rest.trim_start();
        let Some(path) = rest.strip_prefix('"').and_then(|r| r.split('"').next()) else {
            continue;
        };
        if !path.starts_with("/admin") || OPEN_ROUTES.contains(&path) {
            continue;
        }
        let end = rest.find(".route").unwrap_or(rest.len());
        let handlers = &rest[..end];
        if handlers.contains("get(") {
            routes.push(("GET".to_string(), path.to_string()));
        }
        if handlers.contains("post(") {
            routes.push(("POST".to_string(), path.to_string()));
        }
    }
    routes
}

#[test]
fn every_admin_route_has_a_rule_and_each_role_gets_exactly_its_rows() {
    let registered = registered_admin_routes();
    assert!(registered.len() >= 20, "{registered:?}");
    for (method, path) in &registered {
        assert!(
            RULES.iter().any(|r| r.method == method && r.path == path),
            "{method} {path} has no rule in server::admin::RULES: say which permission it needs"
        );
    }
    for r in RULES {
        assert!(
            registered.iter().any(|(m, p)| m == r.method && p == r.path),
            "the rule for {} {} names no route",
            r.method,
            r.path
        );
    }

    let app = with_accounts();
    let reference = comment(&app, "One response for the route table.");
    let other = comment(&app, "Another response for the route table.");
    for role in Role::ALL {
        let name = match role {
            Role::Analyst => "ana",
            Role::Moderator => "mo",
            Role::Admin => "ada",
        };
        // One session per role; signing out, the last rule, ends it.
        assert_eq!(RULES.last().map(|r| r.path), Some("/admin/sign-out"));
        let who = sign_in(&app, name);
        for rule in RULES {
            let path = rule
                .path
                .replace("{id}", "share-lawful-basis")
                .replace("{*id}", "share-lawful-basis")
                .replace("{reference}", &other);
            let (status, body) = if rule.method == "GET" {
                get(&app, &who, &path)
            } else {
                post(
                    &app,
                    &who,
                    &path,
                    &[
                        ("status", "hidden"),
                        ("code", "supports"),
                        ("action", "add"),
                        ("reference", &reference),
                        ("with", &other),
                        ("name", name),
                        ("back", "/admin/"),
                    ],
                )
            };
            let allowed = role.may(rule.needs);
            if allowed && rule.method == "GET" {
                assert_eq!(status, 200, "{role} may GET {}: {body}", rule.path);
            } else if allowed {
                assert!(
                    ![401, 403].contains(&status),
                    "{role} may POST {}: got {status} {body}",
                    rule.path
                );
            } else {
                assert_eq!(
                    status, 403,
                    "{role} may not {} {}: {body}",
                    rule.method, rule.path
                );
                assert!(body.contains("role does not allow this"), "{body}");
            }
        }
    }
}

#[test]
fn sessions_expire_when_idle_or_old_and_end_on_every_account_change() {
    let app = with_accounts();
    app.set_now("2026-12-01T09:00:00Z");
    let mo = sign_in(&app, "mo");
    assert_eq!(get(&app, &mo, "/admin/").0, 200);
    // Used every 20 minutes, it lives until 12 hours after sign-in.
    for step in 1..=35 {
        let at = jiff::Timestamp::from_second(
            "2026-12-01T09:00:00Z"
                .parse::<jiff::Timestamp>()
                .expect("t")
                .as_second()
                + step * 20 * 60,
        )
        .expect("time");
        app.set_now(&at.to_string());
        assert_eq!(get(&app, &mo, "/admin/").0, 200, "step {step}");
    }
    app.set_now("2026-12-01T21:00:00Z");
    let (status, _) = get(&app, &mo, "/admin/");
    assert_eq!(status, 303, "12 hours after sign-in the session has ended");

    // Idle for 30 minutes: ended.
    let mo = sign_in(&app, "mo");
    app.set_now("2026-12-01T21:29:59Z");
    assert_eq!(get(&app, &mo, "/admin/").0, 200);
    app.set_now("2026-12-01T21:59:59Z");
    assert_eq!(get(&app, &mo, "/admin/").0, 303, "idle for 30 minutes");

    // Every account change ends its sessions.
    let store = app.state.store.clone().expect("store");
    for change in [
        AccountChange::Role("analyst".into()),
        AccountChange::Password(Some(copbook::auth::password::hash(PASSWORD).expect("hash"))),
        AccountChange::Disable,
    ] {
        let mo = sign_in(&app, "mo");
        assert_eq!(get(&app, &mo, "/admin/").0, 200);
        let entry = AuditEntry {
            at_ms: app.state.now().as_millisecond(),
            actor: "cli".into(),
            action: "account-change".into(),
            subject: Some("mo".into()),
            detail: None,
            client: None,
        };
        app.block_on(store.change_account("mo", change.clone(), entry))
            .expect("change");
        let (status, _) = get(&app, &mo, "/admin/");
        assert_eq!(status, 303, "{change:?} ended the session");
    }
    let (status, _) = try_sign_in(&app, "mo", PASSWORD, None);
    assert_eq!(status, 401, "a disabled account cannot sign in");

    // Signing out ends the session, and an unknown cookie is no way in.
    let ada = sign_in(&app, "ada");
    assert_eq!(post(&app, &ada, "/admin/sign-out", &[]).0, 303);
    assert_eq!(get(&app, &ada, "/admin/").0, 303);
    let forged = Signed {
        id: session::new_id(),
    };
    assert_eq!(get(&app, &forged, "/admin/").0, 303);
    let rows = audit(&app);
    assert!(
        rows.iter()
            .any(|r| r.action == "sign-out" && r.actor == "ada")
    );
}

#[test]
fn the_anti_forgery_token_is_bound_to_the_session() {
    let app = with_accounts();
    let reference = comment(&app, "A response to publish.");
    let mo = sign_in(&app, "mo");
    // A planted cookie with a matching form field: the double-submit check alone would
    // pass it; the session's token does not.
    let planted = "0123456789abcdef0123456789abcdef";
    let res = client()
        .post(app.url(&format!("/admin/comments/{reference}/status")))
        .header("cookie", format!("{}; copbook_csrf={planted}", mo.cookie()))
        .form(&[("csrf", planted), ("status", "published")])
        .send()
        .expect("POST");
    assert_eq!(res.status().as_u16(), 403);
    // Another session's token is refused too.
    let ada = sign_in(&app, "ada");
    let res = client()
        .post(app.url(&format!("/admin/comments/{reference}/status")))
        .header("cookie", mo.cookie())
        .form(&[("csrf", ada.csrf().as_str()), ("status", "published")])
        .send()
        .expect("POST");
    assert_eq!(res.status().as_u16(), 403);
    let store = app.state.store.clone().expect("store");
    let stored = app
        .block_on(store.get(&reference))
        .expect("get")
        .expect("comment");
    assert_eq!(stored.status.as_str(), "received", "nothing changed");
    // The session's own token works.
    let (status, _) = post(
        &app,
        &mo,
        &format!("/admin/comments/{reference}/status"),
        &[("status", "published")],
    );
    assert_eq!(status, 303);
}

#[test]
fn an_attack_on_the_sign_in_form_never_locks_a_person_out_of_their_usual_client() {
    let app = TestApp::shipped().trusted_proxy("127.0.0.1").start();
    app.add_account("ada", "admin", PASSWORD);
    // Ada signs in from her usual address once.
    let (status, _) = try_sign_in(&app, "ada", PASSWORD, Some("198.51.100.7"));
    assert_eq!(status, 303);
    // A dozen addresses each try 15 wrong passwords for her account.
    let mut throttled = 0;
    for attacker in 1..=12 {
        let from = format!("203.0.113.{attacker}");
        for _ in 0..15 {
            let (status, signed) = try_sign_in(&app, "ada", "wrong password guess", Some(&from));
            assert!(signed.is_none());
            assert!(matches!(status, 401 | 429), "{status}");
            throttled += usize::from(status == 429);
        }
    }
    assert!(
        throttled > 100,
        "the attack was throttled ({throttled} refusals)"
    );
    // An attacking address is stopped even with the right password.
    let (status, signed) = try_sign_in(&app, "ada", PASSWORD, Some("203.0.113.1"));
    assert_eq!(status, 429);
    assert!(signed.is_none());
    // Ada, from her usual client, still gets in during the attack.
    let (status, signed) = try_sign_in(&app, "ada", PASSWORD, Some("198.51.100.7"));
    assert_eq!(
        status, 303,
        "the right password from the usual client gets in"
    );
    assert!(signed.is_some());
    // Failures that reached the password check are audited, without the password typed:
    // at least the account's allowance (how many more depends on how long the attack took,
    // as the allowance refills).
    let rows = audit(&app);
    let failed = rows.iter().filter(|r| r.action == "sign-in-failed").count();
    let allowance = copbook::server::edge::access::SIGN_IN_FAILURES_PER_ACCOUNT as usize;
    assert!(failed >= allowance, "{failed}");
    assert!(
        rows.iter()
            .all(|r| !format!("{r:?}").contains("wrong password"))
    );
}

#[test]
fn the_admin_token_is_no_way_in_once_an_account_exists() {
    let token = "a-long-admin-token-for-the-accounts-tests";
    let app = TestApp::shipped().admin_token(token).start();
    let with_token = || {
        client()
            .get(app.url("/admin/"))
            .bearer_auth(token)
            .send()
            .expect("GET")
            .status()
            .as_u16()
    };
    assert_eq!(with_token(), 200);
    app.add_account("ada", "admin", PASSWORD);
    assert_eq!(with_token(), 303, "the token now leads to the sign-in page");
    let ada = sign_in(&app, "ada");
    assert_eq!(get(&app, &ada, "/admin/").0, 200);
}

#[test]
fn the_audit_names_who_did_each_action_and_keeps_no_personal_data_of_an_erased_response() {
    let app = with_accounts();
    let body = "Keep records of people never charged for two years at most.";
    let reference = comment(&app, body);
    let ana = sign_in(&app, "ana");
    let mo = sign_in(&app, "mo");
    let ada = sign_in(&app, "ada");
    // The analyst's name comes from the account, whatever cookie the browser sends.
    let res = client()
        .post(app.url(&format!("/admin/comments/{reference}/codes")))
        .header(
            "cookie",
            format!("{}; copbook_analyst=someone-else", ana.cookie()),
        )
        .form(&[
            ("csrf", ana.csrf().as_str()),
            ("code", "supports"),
            ("action", "add"),
        ])
        .send()
        .expect("tag");
    assert_eq!(res.status().as_u16(), 303);
    let store = app.state.store.clone().expect("store");
    let tags = app.block_on(store.tags(None)).expect("tags");
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].analyst, "ana");
    assert_eq!(
        post(
            &app,
            &mo,
            &format!("/admin/comments/{reference}/status"),
            &[("status", "published")]
        )
        .0,
        303
    );
    assert_eq!(get(&app, &ada, "/admin/export.csv").0, 200);
    // An analyst's export leaves the respondent's name and email out; an admin's keeps them.
    let (status, csv) = get(&app, &ana, "/admin/responses.csv");
    assert_eq!(status, 200);
    assert!(
        csv.contains(&reference) && !csv.contains("rhian@example.org") && !csv.contains("Rhian"),
        "{csv}"
    );
    let (_, csv) = get(&app, &ada, "/admin/responses.csv");
    assert!(csv.contains("rhian@example.org"), "{csv}");
    assert_eq!(
        post(
            &app,
            &ada,
            &format!("/admin/comments/{reference}/erase"),
            &[]
        )
        .0,
        303
    );

    let rows = audit(&app);
    let did = |actor: &str, action: &str| {
        rows.iter().any(|r| {
            r.actor == actor && r.action == action && r.client.as_deref() == Some("127.0.0.1")
        })
    };
    assert!(
        did("ana", "tag") && did("mo", "status") && did("ada", "export") && did("ada", "erase"),
        "{rows:#?}"
    );
    let erase = rows
        .iter()
        .find(|r| r.action == "erase")
        .expect("erase row");
    assert_eq!(erase.subject.as_deref(), Some(reference.as_str()));
    let status = rows
        .iter()
        .find(|r| r.action == "status")
        .expect("status row");
    assert_eq!(status.detail.as_deref(), Some("published"));
    let all = format!("{rows:?}");
    for personal in ["Rhian", "rhian@example.org", "never charged"] {
        assert!(!all.contains(personal), "{personal} in the audit");
    }

    // The page: admin only, filterable; no personal data there either.
    assert_eq!(get(&app, &mo, "/admin/audit").0, 403);
    let (status, html) = get(&app, &ada, "/admin/audit?actor=mo");
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("status") && html.contains(&reference),
        "{html}"
    );
    assert!(!html.contains(">erase<"), "filtered to mo: {html}");
    let (status, _) = get(&app, &ada, "/admin/audit?from=yesterday");
    assert_eq!(status, 400);
    let (status, html) = get(
        &app,
        &ada,
        "/admin/audit?action=erase&from=2026-12-01&until=2026-12-01",
    );
    assert_eq!(status, 200);
    assert!(html.contains(">erase<"), "{html}");
    assert!(!html.contains("Rhian") && !html.contains("rhian@"));
}

#[test]
fn the_sign_in_page_is_in_welsh_too_and_a_wrong_password_says_so() {
    let app = with_accounts();
    let (status, html) = app.get("/cy/admin/sign-in");
    assert_eq!(status, 200);
    assert!(
        html.contains("Mewngofnodi") && html.contains("lang=\"cy"),
        "{html}"
    );
    let (status, html) = app.get("/admin/sign-in");
    assert_eq!(status, 200);
    assert!(html.contains("autocomplete=\"current-password\""));
    let (status, signed) = try_sign_in(&app, "ada", "not the password at all", None);
    assert_eq!(status, 401);
    assert!(signed.is_none());
    let _ = Permission::SignedIn;
}

#[test]
fn over_tls_the_session_cookie_is_host_prefixed_and_secure() {
    let app = TestApp::shipped().trusted_proxy("127.0.0.1").start();
    app.add_account("ada", "admin", PASSWORD);
    let c = client();
    let csrf = "0123456789abcdef0123456789abcdef";
    let res = c
        .post(app.url("/admin/sign-in"))
        .header("cookie", format!("__Host-copbook_csrf={csrf}"))
        .header("x-forwarded-for", "198.51.100.9")
        .header("x-forwarded-proto", "https")
        .form(&[("name", "ada"), ("password", PASSWORD), ("csrf", csrf)])
        .send()
        .expect("POST");
    assert_eq!(res.status().as_u16(), 303);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(session::COOKIE_TLS))
        .expect("a __Host- session cookie")
        .to_string();
    for attribute in ["; Path=/", "; Secure", "; HttpOnly", "; SameSite=Strict"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    let id = cookie
        .split(';')
        .next()
        .and_then(|v| v.split_once('='))
        .map(|(_, id)| id.to_string())
        .expect("id");
    // Over TLS only the __Host- cookie counts.
    let status = |name: &str, proto: &str| {
        c.get(app.url("/admin/"))
            .header("cookie", format!("{name}={id}"))
            .header("x-forwarded-proto", proto)
            .send()
            .expect("GET")
            .status()
            .as_u16()
    };
    assert_eq!(status(session::COOKIE_TLS, "https"), 200);
    assert_eq!(status(session::COOKIE_PLAIN, "https"), 303);
}

#[test]
fn signed_in_pages_name_the_account_and_ask_for_no_analyst_name() {
    let app = with_accounts();
    let reference = comment(&app, "A response to code.");
    let ana = sign_in(&app, "ana");
    for page in [
        "/admin/codes".to_string(),
        "/admin/groups".to_string(),
        "/admin/responses".to_string(),
        format!("/admin/responses/{reference}"),
    ] {
        let (status, html) = get(&app, &ana, &page);
        assert_eq!(status, 200, "{page}");
        assert!(
            !html.contains("action=\"/admin/analyst\""),
            "{page} asks for a name: {html}"
        );
        assert!(
            html.contains("Signed in as ana") && html.contains("action=\"/admin/sign-out\""),
            "{page} names the account: {html}"
        );
    }
    let (status, _) = post(&app, &ana, "/admin/analyst", &[("name", "someone-else")]);
    assert_eq!(status, 409, "no other name can be given");

    // Without accounts (the old token), the short-name form is still how changes are named.
    let token = "a-long-admin-token-for-the-accounts-tests";
    let old = TestApp::shipped().admin_token(token).start();
    let res = client()
        .get(old.url("/admin/codes"))
        .bearer_auth(token)
        .send()
        .expect("GET");
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().expect("body");
    assert!(html.contains("action=\"/admin/analyst\""), "{html}");
}

/// Runs `copbook users …` on the app's data folder at the app's time; its standard output.
fn users(app: &TestApp, args: &[&str]) -> String {
    let data = app.data().to_str().expect("utf-8 path").to_string();
    let out = super::helpers::copbook()
        .arg("users")
        .args(args)
        .args(["--data", &data])
        .env("COPBOOK_NOW", app.state.now().to_string())
        .env_remove("COPBOOK_DATABASE_URL")
        .env_remove("COPBOOK_SITE_URL")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("copbook users");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{args:?}: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// The set-up link's path in `users …`'s output.
fn link_in(output: &str) -> String {
    let at = output.find("/admin/set-up/").expect("a set-up link");
    output[at..]
        .split_whitespace()
        .next()
        .expect("path")
        .to_string()
}

/// Opens a set-up link and posts `password` twice: the status and the session started.
fn set_up(app: &TestApp, path: &str, password: &str, confirm: &str) -> (u16, Option<Signed>) {
    let c = client();
    let page = c.get(app.url(path)).send().expect("GET set-up");
    let status = page.status().as_u16();
    if status != 200 {
        return (status, None);
    }
    let csrf = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("copbook_csrf="))
        .and_then(|v| v.split(';').next())
        .expect("an anti-forgery cookie")
        .to_string();
    let res = c
        .post(app.url(path))
        .header("cookie", format!("copbook_csrf={csrf}"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("password", password),
            ("confirm", confirm),
        ])
        .send()
        .expect("POST set-up");
    let status = res.status().as_u16();
    let id = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{}=", session::COOKIE_PLAIN)))
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    (status, id.map(|id| Signed { id }))
}

#[test]
fn a_set_up_link_works_once_within_a_day_and_is_audited() {
    let app = with_accounts();
    let printed = users(&app, &["add", "sam", "--role", "analyst", "--setup-link"]);
    let path = link_in(&printed);
    let token = path.rsplit('/').next().expect("token");
    assert!(session::is_id(token), "{printed}");
    // The store keeps only the token's hash.
    let db = std::fs::read(app.data().join("comments.sqlite3")).expect("db");
    assert!(
        !db.windows(token.len()).any(|w| w == token.as_bytes()),
        "the token itself is stored"
    );
    // No password yet: signing in fails.
    assert_eq!(try_sign_in(&app, "sam", PASSWORD, None).0, 401);

    // A short password, or two that differ, are refused and leave the link usable.
    assert_eq!(set_up(&app, &path, "short", "short").0, 422);
    assert_eq!(
        set_up(&app, &path, PASSWORD, "another long password").0,
        422
    );
    let (status, signed) = set_up(&app, &path, PASSWORD, PASSWORD);
    assert_eq!(status, 303, "the link sets the password");
    let sam = signed.expect("signed in");
    let (status, html) = get(&app, &sam, "/admin/responses");
    assert_eq!(status, 200);
    assert!(html.contains("Signed in as sam"), "{html}");
    assert_eq!(try_sign_in(&app, "sam", PASSWORD, None).0, 303);

    // Used once: the page and a second use are refused.
    assert_eq!(app.get(&path).0, 410);
    let res = client()
        .post(app.url(&path))
        .header("cookie", "copbook_csrf=0123456789abcdef0123456789abcdef")
        .form(&[
            ("csrf", "0123456789abcdef0123456789abcdef"),
            ("password", "yet another long password"),
            ("confirm", "yet another long password"),
        ])
        .send()
        .expect("POST");
    assert_eq!(res.status().as_u16(), 410);
    assert_eq!(try_sign_in(&app, "sam", PASSWORD, None).0, 303, "unchanged");

    // `users reset --setup-link`: works for 24 hours by the clock, not a minute more.
    let later = users(&app, &["reset", "sam", "--setup-link"]);
    let expired = link_in(&later);
    app.set_now("2026-12-02T12:00:00Z");
    assert_eq!(app.get(&expired).0, 410, "expired after 24 hours");
    assert_eq!(
        set_up(&app, &expired, "a new long password", "a new long password").0,
        410
    );
    let fresh = link_in(&users(&app, &["reset", "sam", "--setup-link"]));
    app.set_now("2026-12-03T11:59:00Z");
    let (status, signed) = set_up(&app, &fresh, "a new long password", "a new long password");
    assert_eq!(status, 303, "within 24 hours");
    assert!(signed.is_some());
    // A link for an unknown token is refused too.
    assert_eq!(app.get(&session::setup_path(&session::new_id())).0, 410);

    let rows = audit(&app);
    let count = |action: &str| rows.iter().filter(|r| r.action == action).count();
    assert_eq!(count("setup-link"), 3, "{rows:#?}");
    assert_eq!(count("set-up"), 2, "{rows:#?}");
    assert_eq!(count("set-up-refused"), 1, "{rows:#?}");
    assert!(
        rows.iter()
            .filter(|r| r.action == "set-up")
            .all(|r| r.actor == "sam" && r.client.as_deref() == Some("127.0.0.1"))
    );
    assert!(
        !format!("{rows:?}").contains(token),
        "the audit keeps no token"
    );
}
