//! `/api/openapi.json`: the OpenAPI 3.1 description of the JSON API, generated with
//! `utoipa` from the handlers' annotations and the types they read and send, so the
//! description cannot drift from the code. `tests/testsuite/openapi.rs` runs
//! schemathesis against it.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;

/// The description, built from the annotated handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "copbook JSON API",
        description = "Search the draft Code and its guide, comment on it while the consultation is open, read the change log between drafts, read each published draft as open data, and check the server's health. Every path also answers under /cy (Welsh)."
    ),
    paths(
        super::search_api::api,
        super::comment_api::submit_json,
        super::changes::api,
        crate::server::public::point_in_time::file,
        super::health::healthz,
    )
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`
pub async fn document() -> Response {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let json = DOCUMENT.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    });
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json.clone(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_json_endpoint_is_described() {
        let doc = serde_json::to_value(ApiDoc::openapi()).expect("json");
        for path in ["/api/search", "/api/comments", "/api/changes", "/healthz"] {
            assert!(doc["paths"][path].is_object(), "{path} is missing");
        }
        let schemas = &doc["components"]["schemas"];
        for schema in [
            "RawSubmission",
            "Hit",
            "ChangeLog",
            "SearchResponse",
            "Health",
        ] {
            assert!(schemas[schema].is_object(), "{schema} is missing");
        }
    }
}
