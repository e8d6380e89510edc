//! `/admin/responses/{reference}`: one response whole, for the drafters. Its text, the
//! paragraph as the respondent saw it and as it reads now, the respondent's choice about
//! publication, its status, codes and campaign group, with every action on it (status,
//! codes, erasure) posting back to this page. Dates and labels are in words: no raw
//! timestamps or ids on screen.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use minijinja::context;

use crate::comments::model::{Attribution, Publish, RespondentType, Status, StoredComment};
use crate::drafts::follow;
use crate::i18n::{Arg, Catalogue, Language};
use crate::server::AppState;
use crate::server::edge::error::AppError;

/// The page's template.
pub const TEMPLATE: (&str, &str) = (
    "admin_response.html",
    include_str!("../../../themes/copbook/templates/admin_response.html"),
);

/// `GET /admin/responses/{reference}`
pub async fn page(
    State(state): State<Arc<AppState>>,
    Path(reference): Path<String>,
    person: crate::server::edge::access::Person,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let store = state.comments("admin response")?;
    let comment = store.get(&reference).await?.ok_or_else(|| {
        AppError::new(
            StatusCode::NOT_FOUND,
            "error-response-not-found",
            "error-no-such-response-message",
        )
    })?;
    let served = state.current.load_full();
    let words = state.pages.catalogue();
    let references = [comment.reference.clone()];
    let tags = store.tags(Some(&references)).await?;
    let codes = crate::server::admin::coding_pages::coding_frame(&state, &served).await?;
    let missing: Vec<&str> = codes
        .iter()
        .map(|f| f.code.as_str())
        .filter(|code| !tags.iter().any(|t| t.code == *code))
        .collect();
    let corpus = &served.site.corpus;
    let followed = follow::follow(
        &comment.target_id,
        comment.target_number.as_deref(),
        &comment.target_text,
        &comment.draft_version,
        corpus,
    );
    let diff = follow::then_and_now(&comment.target_id, &comment.target_text, corpus).map(
        |(_, segments)| {
            minijinja::Value::from_safe_string(crate::drafts::page::segments_html(&segments))
        },
    );
    let now_entry = corpus.get(&comment.target_id);
    let question = comment.question.as_ref().map(|id| {
        served
            .consultation()
            .and_then(|c| c.questions.iter().find(|q| &q.id == id))
            .map_or_else(|| id.clone(), |q| q.question.clone())
    });
    let group = state
        .analysis
        .peek()
        .as_deref()
        .and_then(|s| s.group_of(&comment.reference))
        .map(|(number, g)| context! { number => number, size => g.size() });
    let here = format!("/admin/responses/{}", comment.reference);
    let token = crate::server::edge::csrf::csrf_token_for(&headers);
    let tag_views: Vec<_> = tags
        .iter()
        .map(|t| context! { code => t.code, analyst => t.analyst, at => when(&t.at) })
        .collect();
    let mut res = state.pages.render(
        "admin_response.html",
        StatusCode::OK,
        context! {
            site => served.context,
            c => &comment,
            target => target_label(words, &comment),
            target_now => now_entry.map(|e| context! {
                label => entry_label(words, e.number.as_deref(), &e.title),
                text => e.text,
                url => format!("/{}", e.url),
            }),
            received => when(&comment.received_at),
            question => question,
            respondent => respondent(words, &comment),
            publish => publish_words(words, comment.publish, comment.attribution),
            said_no => comment.publish == Publish::No,
            status => crate::server::admin::overview::status_words(words, comment.status),
            statuses => Status::ALL.iter().map(|s| context! {
                value => s.as_str(),
                label => crate::server::admin::overview::status_words(words, *s),
            }).collect::<Vec<_>>(),
            welsh => comment.language == Language::Welsh.code(),
            followed => context! {
                made_on => followed.made_on,
                number_then => followed.number_then,
                number_now => followed.number_now,
                now => followed.now.as_str(),
            },
            diff => diff,
            tags => tag_views,
            missing => missing,
            group => group,
            analyst => crate::server::admin::groups::analyst(&headers),
            person => person,
            back => here,
            csrf => token,
        },
    );
    crate::server::edge::csrf::set_csrf_cookie(&mut res, &token);
    Ok(res)
}

/// "Paragraph 5.3: Sharing with non-police bodies", or the section's title.
fn entry_label(words: &Catalogue, number: Option<&str>, title: &str) -> String {
    let say = |id, args: &[(&str, Arg)]| words.message(Language::English, id, args);
    match number {
        Some(n) if title.is_empty() => say("admin-label-paragraph", &[("number", n.into())]),
        Some(n) => say(
            "admin-label-paragraph-titled",
            &[("number", n.into()), ("title", title.into())],
        ),
        None if title.is_empty() => say("admin-label-whole-draft", &[]),
        None => say("admin-label-titled", &[("title", title.into())]),
    }
}

/// What the respondent commented on, as it was labelled when they did.
fn target_label(words: &Catalogue, c: &StoredComment) -> String {
    if c.target_id == crate::comments::model::GENERAL {
        return words.text(Language::English, "admin-label-whole-draft");
    }
    entry_label(words, c.target_number.as_deref(), &c.target_title)
}

/// "6 December 2026, 19:37 UTC" from an RFC 3339 instant.
fn when(rfc3339: &str) -> String {
    crate::i18n::date_time(Language::English, rfc3339)
}

/// Who sent it, as the drafters may see it (this page is behind the admin sign-in).
fn respondent(words: &Catalogue, c: &StoredComment) -> String {
    let kind = words.text(
        Language::English,
        match c.respondent_type {
            RespondentType::Individual => "admin-respondent-individual",
            RespondentType::Organisation => "admin-respondent-organisation",
        },
    );
    let names: Vec<&str> = [c.name.as_deref(), c.organisation.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if names.is_empty() {
        kind
    } else {
        words.message(
            Language::English,
            "admin-respondent-named",
            &[("kind", kind.into()), ("names", names.join(", ").into())],
        )
    }
}

/// The respondent's choice about publication (and how to name them), in words.
fn publish_words(words: &Catalogue, p: Publish, attribution: Option<Attribution>) -> String {
    let id = match (p, attribution) {
        (Publish::Yes, Some(Attribution::Name)) => "admin-publish-name",
        (Publish::Yes, Some(Attribution::Organisation)) => "admin-publish-organisation",
        (Publish::Yes, Some(Attribution::Both)) => "admin-publish-both",
        (Publish::Yes, None) => "admin-publish-either",
        (Publish::Anonymous, _) => "admin-publish-anonymous",
        (Publish::No, _) => "admin-publish-no",
    };
    words.text(Language::English, id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_words() {
        assert_eq!(
            when("2026-12-06T19:37:14.333Z"),
            "6 December 2026, 19:37 UTC"
        );
        assert_eq!(when("not a time"), "not a time");
    }

    #[test]
    fn targets_read_as_labels() {
        let words = Catalogue::new().expect("catalogue");
        assert_eq!(
            entry_label(&words, Some("5.3"), "Sharing with non-police bodies"),
            "Paragraph 5.3: Sharing with non-police bodies"
        );
        assert_eq!(entry_label(&words, Some("5.3"), ""), "Paragraph 5.3");
        assert_eq!(
            entry_label(&words, None, "The short answer"),
            "“The short answer”"
        );
        assert_eq!(entry_label(&words, None, ""), "The draft as a whole");
    }
}
