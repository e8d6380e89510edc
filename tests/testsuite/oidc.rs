//! Single sign-on against a real OpenID provider on loopback (issue 25): panva's
//! `oidc-provider` (pinned in tests/oidc/package.json, installed by `.ci/run` with
//! `npm ci --prefix tests/oidc`), started by `tests/oidc/provider.mjs` on a free port,
//! its built-in login and consent forms driven by a cookie-keeping client. Skipped
//! outside CI when node or the package is missing; a failure under CI.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use copbook::comments::store::accounts::{AuditEntry, AuditQuery, NewAccount};
use copbook::server::admin::oidc::SignInOptions;
use reqwest::blocking::Client;
use reqwest::redirect::Policy;

use crate::app::TestApp;
use crate::helpers::repo_root;

const SECRET: &str = "a client secret for the loopback provider";

/// The provider process, killed when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether node and the provider package are there; `false` (with the reason printed)
/// outside CI, a panic under CI.
fn provider_available() -> bool {
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let package = repo_root()
        .join("tests/oidc/node_modules/oidc-provider/package.json")
        .is_file();
    if node && package {
        return true;
    }
    let missing = if node {
        "tests/oidc/node_modules (npm ci --prefix tests/oidc)"
    } else {
        "node"
    };
    assert!(
        std::env::var_os("CI").is_none(),
        "the OpenID Connect test must run in CI, but {missing} is missing: .ci/run installs it"
    );
    eprintln!("skipped: the OpenID Connect test needs {missing}");
    false
}

/// Starts the provider with one client whose redirect URI is `redirect`.
fn start_provider(redirect: &str) -> Provider {
    let mut child = Command::new("node")
        .arg(repo_root().join("tests/oidc/provider.mjs"))
        .args([redirect, SECRET])
        .current_dir(repo_root().join("tests/oidc"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        // Its warnings (development keys and forms) only when asked for.
        .stderr(if std::env::var_os("COPBOOK_TEST_PROVIDER_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .spawn()
        .expect("node tests/oidc/provider.mjs");
    let stdout = child.stdout.take().expect("stdout");
    let mut reader = std::io::BufReader::new(stdout);
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .expect("the provider's first line");
    // The provider logs its interactions on standard output: keep the pipe drained.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let ready: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    let issuer = ready["issuer"].as_str().expect("issuer").to_string();
    Provider { child, issuer }
}

/// An app whose sign-in goes through a provider started for it, and that provider.
fn app_with_provider(no_passwords: bool) -> (TestApp, Arc<std::sync::Mutex<Option<Provider>>>) {
    let slot = Arc::new(std::sync::Mutex::new(None));
    let keep = Arc::clone(&slot);
    let app = TestApp::shipped()
        .sign_in(move |base| {
            let redirect = format!("{base}/admin/oidc/callback");
            let provider = start_provider(&redirect);
            let options = SignInOptions {
                oidc_issuer: Some(provider.issuer.clone()),
                oidc_client_id: Some("copbook".to_string()),
                oidc_redirect_url: Some(redirect),
                oidc_name: Some("the test provider".to_string()),
                no_passwords,
                oidc_client_secret: Some(SECRET.to_string()),
            };
            *keep.lock().expect("slot") = Some(provider);
            options
        })
        .start();
    (app, slot)
}

/// Adds an account with this email and no password, as `users add --no-password` does.
fn add_sso_account(app: &TestApp, name: &str, role: &str, email: &str) {
    let store = app.state.store.clone().expect("store");
    let entry = AuditEntry {
        at_ms: app.state.now().as_millisecond(),
        actor: "cli".into(),
        action: "account-add".into(),
        subject: Some(name.into()),
        detail: Some(role.into()),
        client: None,
    };
    app.block_on(store.add_account(
        NewAccount {
            name: name.into(),
            role: role.into(),
            password_hash: None,
            email: Some(email.into()),
            created_ms: entry.at_ms,
        },
        entry,
    ))
    .expect("add account");
}

/// A browser: keeps cookies, follows redirects except back to our callback (so a test
/// can look at, or tamper with, what the provider sends back).
fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::custom(|attempt| {
            if attempt.url().path() == "/admin/oidc/callback" {
                attempt.stop()
            } else if attempt.previous().len() > 10 {
                attempt.error("too many redirects")
            } else {
                attempt.follow()
            }
        }))
        .build()
        .expect("client")
}

/// The `action` of the page's first form, made absolute on the page's origin.
fn form_action(page_url: &reqwest::Url, html: &str) -> reqwest::Url {
    let at = html.find("<form").expect("a form");
    let rest = &html[at..];
    let action = rest
        .split("action=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the form's action");
    page_url.join(action).expect("action URL")
}

/// Starts a sign-in, logs in at the provider as `login` and consents: the callback URL
/// the provider sends the browser back to.
fn sign_in_at_provider(app: &TestApp, browser: &Client, login: &str) -> reqwest::Url {
    let res = browser
        .get(app.url("/admin/oidc/start?back=/admin/codes"))
        .send()
        .expect("start");
    assert_eq!(res.status().as_u16(), 200, "the provider's login form");
    let url = res.url().clone();
    let html = res.text().expect("login form");
    assert!(html.contains("name=\"login\""), "{html}");
    let res = browser
        .post(form_action(&url, &html))
        .form(&[
            ("prompt", "login"),
            ("login", login),
            ("password", "anything"),
        ])
        .send()
        .expect("login");
    let res = if res.status().is_redirection() {
        res
    } else {
        // The consent form.
        assert_eq!(res.status().as_u16(), 200);
        let url = res.url().clone();
        let html = res.text().expect("consent form");
        assert!(html.contains("name=\"prompt\" value=\"consent\""), "{html}");
        browser
            .post(form_action(&url, &html))
            .form(&[("prompt", "consent")])
            .send()
            .expect("consent")
    };
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a redirect to the callback");
    let callback = res.url().join(location).expect("callback URL");
    assert_eq!(callback.path(), "/admin/oidc/callback");
    callback
}

/// Follows the callback (and where it leads) by hand: the final status and body.
fn finish(browser: &Client, callback: reqwest::Url) -> (u16, String, reqwest::Url) {
    let res = browser.get(callback).send().expect("callback");
    let url = res.url().clone();
    (res.status().as_u16(), res.text().expect("body"), url)
}

fn audit(app: &TestApp) -> Vec<copbook::comments::store::accounts::AuditRow> {
    let store = app.state.store.clone().expect("store");
    let mut rows = app
        .block_on(store.audit_entries(&AuditQuery::default()))
        .expect("audit");
    rows.reverse();
    rows
}

#[test]
fn single_sign_on_with_a_real_provider_signs_in_the_mapped_account_only() {
    if !provider_available() {
        return;
    }
    let (app, _provider) = app_with_provider(false);
    add_sso_account(&app, "ada", "admin", "ada@police.example");
    add_sso_account(&app, "dee", "analyst", "dee@police.example");
    let store = app.state.store.clone().expect("store");

    // The sign-in page offers the provider by name.
    let (status, html) = app.get("/admin/sign-in");
    assert_eq!(status, 200);
    assert!(
        html.contains("Sign in with the test provider") && html.contains("/admin/oidc/start"),
        "{html}"
    );
    let (status, html) = app.get("/cy/admin/sign-in");
    assert_eq!(status, 200);
    assert!(
        html.contains("Mewngofnodi gyda the test provider"),
        "{html}"
    );

    // The whole flow: start → login → consent → callback → signed in as ada.
    let ada = browser();
    let callback = sign_in_at_provider(&app, &ada, "ada@police.example");
    let query: Vec<(String, String)> = callback.query_pairs().into_owned().collect();
    assert!(query.iter().any(|(k, _)| k == "code"), "{callback}");
    let (status, html, url) = finish(&ada, callback);
    assert_eq!(status, 200, "{url}: {html}");
    assert_eq!(url.path(), "/admin/codes", "back where the sign-in began");
    assert!(html.contains("Signed in as ada"), "{html}");
    // A session like any other: the audit page is ada's to read.
    let res = ada.get(app.url("/admin/audit")).send().expect("audit");
    assert_eq!(res.status().as_u16(), 200);

    // A tampered `state` is refused, and the sign-in under way is used up.
    let mallory = browser();
    let callback = sign_in_at_provider(&app, &mallory, "dee@police.example");
    let mut tampered = callback.clone();
    let pairs: Vec<(String, String)> = callback
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            if k == "state" {
                (k, format!("{v}x"))
            } else {
                (k, v)
            }
        })
        .collect();
    tampered.query_pairs_mut().clear().extend_pairs(&pairs);
    let (status, html, _) = finish(&mallory, tampered);
    assert_eq!(status, 403, "{html}");
    assert!(html.contains("did not complete"), "{html}");
    let (status, _, _) = finish(&mallory, callback);
    assert_eq!(
        status, 403,
        "the untampered answer cannot be replayed after"
    );
    let res = mallory.get(app.url("/admin/")).send().expect("admin");
    assert_eq!(res.url().path(), "/admin/sign-in", "not signed in");

    // An email no account has is refused with a clear page.
    let stranger = browser();
    let callback = sign_in_at_provider(&app, &stranger, "someone@elsewhere.example");
    let (status, html, _) = finish(&stranger, callback);
    assert_eq!(status, 403);
    assert!(
        html.contains("someone@elsewhere.example") && html.contains("not linked"),
        "{html}"
    );
    // An unverified email too.
    let unverified = browser();
    let callback = sign_in_at_provider(&app, &unverified, "unverified-ada@police.example");
    let (status, html, _) = finish(&unverified, callback);
    assert_eq!(status, 403);
    assert!(html.contains("no verified email"), "{html}");

    // A disabled account is refused, and its session ended.
    let entry = AuditEntry {
        at_ms: app.state.now().as_millisecond(),
        actor: "cli".into(),
        action: "account-disable".into(),
        subject: Some("dee".into()),
        detail: None,
        client: None,
    };
    app.block_on(store.change_account(
        "dee",
        copbook::comments::store::accounts::AccountChange::Disable,
        entry,
    ))
    .expect("disable");
    let dee = browser();
    let callback = sign_in_at_provider(&app, &dee, "dee@police.example");
    let (status, html, _) = finish(&dee, callback);
    assert_eq!(status, 403);
    assert!(html.contains("disabled"), "{html}");

    let rows = audit(&app);
    assert!(
        rows.iter().any(|r| r.actor == "ada"
            && r.action == "sign-in"
            && r.detail.as_deref() == Some("oidc")),
        "{rows:#?}"
    );
    let failed: Vec<_> = rows
        .iter()
        .filter(|r| r.action == "sign-in-failed")
        .collect();
    for detail in [
        "oidc: state does not match",
        "oidc: no sign-in under way in this browser",
        "oidc: no account has this email",
        "oidc: no verified email",
        "oidc: the account is disabled",
    ] {
        assert!(
            failed.iter().any(|r| r.detail.as_deref() == Some(detail)),
            "{detail}: {rows:#?}"
        );
    }
    assert!(
        !format!("{rows:?}").contains("someone@elsewhere"),
        "the audit keeps no email"
    );
}

#[test]
fn with_passwords_switched_off_only_single_sign_on_gets_in() {
    if !provider_available() {
        return;
    }
    let (app, _provider) = app_with_provider(true);
    app.add_account("ada", "admin", "a long enough password");
    let (status, html) = app.get("/admin/sign-in");
    assert_eq!(status, 200);
    assert!(
        !html.contains("type=\"password\"") && html.contains("/admin/oidc/start"),
        "{html}"
    );
    let c = Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("client");
    let csrf = "0123456789abcdef0123456789abcdef";
    let res = c
        .post(app.url("/admin/sign-in"))
        .header("cookie", format!("copbook_csrf={csrf}"))
        .form(&[
            ("name", "ada"),
            ("password", "a long enough password"),
            ("csrf", csrf),
        ])
        .send()
        .expect("POST");
    assert_eq!(res.status().as_u16(), 403, "passwords are off");
}
