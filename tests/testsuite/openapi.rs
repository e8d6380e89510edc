//! The JSON API against its own description: `/api/openapi.json` is fetched from a real
//! server and schemathesis (PyPI; `.ci/run` installs it) generates requests for every
//! operation, a bounded number per operation with a fixed seed: no 5xx, and every
//! response's status, content type and body as described.

use std::process::Command;

use crate::app::TestApp;

/// How many generated examples schemathesis tries per operation and phase.
const EXAMPLES: &str = "40";

fn schemathesis() -> Option<String> {
    let found = ["st", "schemathesis"].into_iter().find(|exe| {
        Command::new(exe)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "schemathesis is missing: .ci/run installs it (pip install schemathesis)"
        );
        eprintln!("skipping: schemathesis is not installed (pip install schemathesis)");
    }
    found.map(str::to_string)
}

#[test]
fn the_json_api_matches_its_openapi_description() {
    let Some(st) = schemathesis() else {
        return;
    };
    let app = TestApp::shipped().rate_limit(0).start();
    let (status, doc) = app.get("/api/openapi.json");
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&doc).expect("OpenAPI JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    let reports = tempfile::tempdir().expect("tempdir");
    let out = Command::new(&st)
        .args([
            "run",
            &app.url("/api/openapi.json"),
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--max-examples",
            EXAMPLES,
            "--seed",
            "16",
            "--workers",
            "1",
            "--no-color",
            "--report-dir",
        ])
        .arg(reports.path())
        .env("SCHEMATHESIS_HOOKS", "")
        .output()
        .expect("run schemathesis");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "schemathesis found failures:\n{text}");
    assert!(
        text.contains("5 selected") && text.contains("passed"),
        "every operation was tested:\n{text}"
    );
}
