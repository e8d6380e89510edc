//! The comment store's contract, written once against [`CommentStore`] and run against
//! both backends (module `sqlite` on a file in a temporary folder, module `postgres` on
//! a fresh database of the local server, skipped outside CI when there is none), then
//! the few promises that belong to one backend's mechanics.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use copbook::comments::keys::{self, SubmissionKeys};
use copbook::comments::store::DB_FILE;
use copbook::comments::store::migrations;
use copbook::comments::store::prelude::*;
use copbook::comments::{
    Admission, CommentStore, Database, DecisionKind, Filter, ListQuery, NewComment, Publish,
    PublishedQuery, RespondentType, SqliteStore, Status, StoreError, StoreOptions, StoredComment,
    Target, export_csv, export_json,
};
use rusqlite::Connection;

#[path = "support/test_database.rs"]
mod test_database;
use test_database::TestDatabase;

fn target() -> Target {
    Target {
        id: "share-lawful-basis".to_string(),
        number: Some("5.3".to_string()),
        title: "Sharing with other organisations".to_string(),
        text: "LEDS data may be shared only where there is a lawful basis.".to_string(),
    }
}

fn comment(body: &str) -> NewComment {
    NewComment {
        on: "share-lawful-basis".to_string(),
        question: Some("q-sharing".to_string()),
        body: body.to_string(),
        respondent_type: RespondentType::Individual,
        name: Some("Ann Example".to_string()),
        organisation: None,
        email: Some("ann@example.com".to_string()),
        publish: Publish::Anonymous,
        attribution: None,
        honeypot: false,
        language: "en".to_string(),
    }
}

/// Where one test's comments live.
enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres(TestDatabase),
}

impl Backend {
    fn sqlite() -> Backend {
        Backend::Sqlite(tempfile::tempdir().expect("tempdir"))
    }

    async fn postgres(test: &str) -> Option<Backend> {
        TestDatabase::create(test).await.map(Backend::Postgres)
    }

    fn database(&self) -> Database {
        match self {
            Backend::Sqlite(dir) => Database::default_in(&dir.path().join("data")),
            Backend::Postgres(db) => Database::parse(&db.url).expect("url"),
        }
    }

    async fn open_with(&self, options: StoreOptions) -> Result<Arc<dyn CommentStore>, StoreError> {
        self.database().open(options).await
    }

    async fn open(&self) -> Arc<dyn CommentStore> {
        self.open_with(StoreOptions::default())
            .await
            .expect("open store")
    }

    /// Marks the schema as written by a copbook `ahead` versions newer.
    async fn mark_schema_as_newer(&self, ahead: i64) -> i64 {
        match self {
            Backend::Sqlite(dir) => {
                let version = migrations::VERSION + ahead;
                std::fs::create_dir_all(dir.path().join("data")).expect("mkdir");
                let conn = Connection::open(dir.path().join("data").join(DB_FILE)).expect("create");
                conn.pragma_update(None, "user_version", version)
                    .expect("version");
                version
            }
            Backend::Postgres(db) => {
                let version = migrations::POSTGRES_MIGRATIONS.len() as i64 + ahead;
                db.execute(&format!(
                    "CREATE TABLE copbook_schema (version BIGINT NOT NULL);
                     INSERT INTO copbook_schema VALUES ({version});"
                ))
                .await;
                version
            }
        }
    }
}

async fn all(store: &dyn CommentStore) -> Vec<StoredComment> {
    store
        .list(&ListQuery {
            limit: usize::MAX >> 1,
            ..ListQuery::default()
        })
        .await
        .expect("list")
}

async fn get(store: &dyn CommentStore, reference: &str) -> Option<StoredComment> {
    store.get(reference).await.expect("get")
}

async fn csv_of(store: &dyn CommentStore) -> Vec<u8> {
    let rows = store.export().await.expect("export");
    tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        export_csv(rows.blocking_iter(), &mut out).expect("csv");
        out
    })
    .await
    .expect("csv thread")
}

async fn json_of(store: &dyn CommentStore) -> Vec<u8> {
    let rows = store.export().await.expect("export");
    tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        export_json(rows.blocking_iter(), &mut out).expect("json");
        out
    })
    .await
    .expect("json thread")
}

/// Every contract test, once per backend.
macro_rules! contract_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::contract::$name(&super::Backend::sqlite()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let Some(backend) = super::Backend::postgres(stringify!($name)).await else {
                        return;
                    };
                    super::contract::$name(&backend).await;
                }
            )*
        }
    };
}

contract_tests!(
    submit_then_get_returns_identical_fields,
    xss_payload_is_stored_intact_byte_for_byte,
    the_honeypot_stores_the_comment_as_spam,
    references_are_unique_over_10000_submissions,
    submissions_from_32_concurrent_tasks_are_all_acknowledged_and_kept_once,
    two_handles_on_one_database_never_share_a_reference,
    reopening_finds_every_comment,
    closing_answers_every_queued_job_then_refuses_new_ones,
    a_database_from_a_newer_copbook_is_refused,
    a_bad_reference_prefix_is_refused,
    a_prefix_from_the_settings_is_used,
    a_reference_collision_draws_again,
    set_status_list_and_stats,
    csv_export_neutralises_formulas_and_round_trips_text,
    json_export_has_every_field,
    purge_removes_personal_data_before_the_cutoff_whatever_the_status,
    erase_leaves_a_tombstone_with_reference_and_dates,
    backup_copies_sqlite_and_points_postgres_to_pg_dump,
    count_matching_ignores_paging_and_applies_filters,
    grouping_decisions_are_kept_in_order_and_name_known_comments,
    codes_and_tags_record_who_and_when,
    filters_combine_and_page_by_keyset,
    a_filtered_export_streams_the_matching_rows,
    a_keyed_retry_returns_the_first_comment_and_stores_nothing,
    concurrent_retries_with_one_key_store_one_comment,
    purge_and_erase_delete_the_submission_keys,
    published_lists_only_published_comments_whose_respondents_agreed,
    accounts_keep_one_admin_and_changes_end_sessions,
    the_audit_log_is_append_only_filtered_and_paged,
    each_comment_change_writes_its_audit_row_in_the_same_transaction,
    every_time_stamp_comes_from_the_clock_the_store_was_given,
);

/// The contract, against any [`CommentStore`].
mod contract {
    pub use super::contract_accounts::*;
    use super::*;

    pub async fn every_time_stamp_comes_from_the_clock_the_store_was_given(backend: &Backend) {
        let at: jiff::Timestamp = "2027-06-01T09:30:00Z".parse().expect("a time");
        let store = backend
            .open_with(StoreOptions {
                clock: Arc::new(move || at),
                ..StoreOptions::default()
            })
            .await
            .expect("open");
        let stamp = "2027-06-01T09:30:00.000Z";
        let stored = store
            .submit(comment("Stamped by the store's clock."), target(), "0.1")
            .await
            .expect("submit");
        assert_eq!(stored.received_at, stamp);
        assert_eq!(stored.received_at_ms, at.as_millisecond());
        let reference = stored.reference;
        store
            .set_status(&reference, Status::Published)
            .await
            .expect("status");
        store.add_code("supports", "ann").await.expect("code");
        store.tag(&reference, "supports", "ann").await.expect("tag");
        store
            .record_decision(DecisionKind::Split, &reference, None, "ann")
            .await
            .expect("decision");
        let kept = get(&*store, &reference).await.expect("kept");
        assert_eq!(kept.received_at, stamp);
        assert_eq!(kept.status_changed_at.as_deref(), Some(stamp));
        assert_eq!(store.codes().await.expect("codes")[0].added_at, stamp);
        assert_eq!(store.tags(None).await.expect("tags")[0].at, stamp);
        assert_eq!(store.decisions().await.expect("decisions")[0].at, stamp);
        store.erase(&reference).await.expect("erase");
        assert_eq!(
            store.erased_at(&reference).await.expect("erased"),
            Some(stamp.to_string())
        );
        store.close().await;
    }

    fn keyed(key: &str, comment: &NewComment, secret: &str) -> SubmissionKeys {
        SubmissionKeys {
            idempotency: Some(keys::idempotency_hash(key, comment)),
            receipt: Some(keys::receipt_hash(secret)),
        }
    }

    pub async fn a_keyed_retry_returns_the_first_comment_and_stores_nothing(backend: &Backend) {
        let store = backend.open().await;
        let c = comment("Sent again after a dropped connection.");
        let first = store
            .submit_keyed(c.clone(), target(), "0.1", keyed("k-1", &c, "secret-1"))
            .await
            .expect("first");
        assert!(!first.replayed);
        let again = store
            .submit_keyed(c.clone(), target(), "0.1", keyed("k-1", &c, "secret-2"))
            .await
            .expect("retry");
        assert!(again.replayed, "the retry is recognised");
        assert_eq!(
            again.comment, first.comment,
            "and answered with the first comment"
        );
        // The same key with another text, or another key, stores a new comment.
        let other = comment("Another text.");
        let new = store
            .submit_keyed(other.clone(), target(), "0.1", keyed("k-1", &other, "s"))
            .await
            .expect("other");
        assert!(!new.replayed);
        assert_ne!(new.comment.reference, first.comment.reference);
        assert_eq!(all(&*store).await.len(), 2);
        // The receipt hash is the first submission's, and unkeyed comments have none.
        assert_eq!(
            store
                .receipt_hash(&first.comment.reference)
                .await
                .expect("hash"),
            Some(keys::receipt_hash("secret-1"))
        );
        let plain = store
            .submit(comment("Unkeyed."), target(), "0.1")
            .await
            .expect("plain");
        assert_eq!(
            store.receipt_hash(&plain.reference).await.expect("hash"),
            None
        );
        assert_eq!(
            store
                .receipt_hash("LEDS-0000-0000-0000")
                .await
                .expect("hash"),
            None
        );
    }

    pub async fn concurrent_retries_with_one_key_store_one_comment(backend: &Backend) {
        let store = backend.open().await;
        let c = comment("Sent by eight impatient retries at once.");
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let (store, c) = (Arc::clone(&store), c.clone());
                tokio::spawn(async move {
                    let keys = keyed("same-key", &c, &format!("s{i}"));
                    store.submit_keyed(c, target(), "0.1", keys).await
                })
            })
            .collect();
        let mut references = HashSet::new();
        let mut fresh = 0;
        for task in tasks {
            let submitted = task.await.expect("task").expect("submitted");
            references.insert(submitted.comment.reference);
            fresh += usize::from(!submitted.replayed);
        }
        assert_eq!(references.len(), 1, "every retry got the same reference");
        assert_eq!(fresh, 1, "exactly one stored it");
        assert_eq!(all(&*store).await.len(), 1);
    }

    pub async fn purge_and_erase_delete_the_submission_keys(backend: &Backend) {
        let store = backend.open().await;
        let a = comment("Purged later.");
        let b = comment("Erased later.");
        let first = store
            .submit_keyed(a.clone(), target(), "0.1", keyed("ka", &a, "sa"))
            .await
            .expect("a");
        let second = store
            .submit_keyed(b.clone(), target(), "0.1", keyed("kb", &b, "sb"))
            .await
            .expect("b");
        store.erase(&second.comment.reference).await.expect("erase");
        assert_eq!(
            store
                .receipt_hash(&second.comment.reference)
                .await
                .expect("hash"),
            None
        );
        let cutoff = jiff::Timestamp::now().as_millisecond() + 1000;
        store.purge_personal_data(cutoff).await.expect("purge");
        assert_eq!(
            store
                .receipt_hash(&first.comment.reference)
                .await
                .expect("hash"),
            None
        );
        // With its key hash gone, a late retry is stored as new: nothing links it back.
        let late = store
            .submit_keyed(a.clone(), target(), "0.1", keyed("ka", &a, "sa"))
            .await
            .expect("late");
        assert!(!late.replayed);
    }

    pub async fn submit_then_get_returns_identical_fields(backend: &Backend) {
        let store = backend.open().await;
        let before = jiff::Timestamp::now().as_millisecond();
        let stored = store
            .submit(comment("Too broad."), target(), "0.1")
            .await
            .expect("submit");
        let after = jiff::Timestamp::now().as_millisecond();

        assert!(
            stored.reference.starts_with("LEDS-"),
            "{}",
            stored.reference
        );
        assert!((before..=after).contains(&stored.received_at_ms));
        assert!(stored.received_at.ends_with('Z') && stored.received_at.contains('T'));
        assert_eq!(stored.target_id, "share-lawful-basis");
        assert_eq!(stored.target_number.as_deref(), Some("5.3"));
        assert_eq!(stored.target_title, target().title);
        assert_eq!(stored.target_text, target().text);
        assert_eq!(stored.question.as_deref(), Some("q-sharing"));
        assert_eq!(stored.draft_version, "0.1");
        assert_eq!(stored.body, "Too broad.");
        assert_eq!(stored.respondent_type, RespondentType::Individual);
        assert_eq!(stored.name.as_deref(), Some("Ann Example"));
        assert_eq!(stored.organisation, None);
        assert_eq!(stored.email.as_deref(), Some("ann@example.com"));
        assert_eq!(stored.publish, Publish::Anonymous);
        assert_eq!(stored.status, Status::Received);
        assert_eq!(stored.status_changed_at, None);

        assert_eq!(
            get(&*store, &stored.reference).await.as_ref(),
            Some(&stored)
        );
        // As a person might retype it.
        let typed = stored.reference.to_lowercase().replace('-', " ");
        assert_eq!(get(&*store, &typed).await, Some(stored));
        assert_eq!(get(&*store, "LEDS-0000-0000").await, None);
        assert_eq!(get(&*store, "nonsense").await, None);
    }

    pub async fn xss_payload_is_stored_intact_byte_for_byte(backend: &Backend) {
        let store = backend.open().await;
        let payload = "<script>alert(\"x\")</script><img src=x onerror='alert(1)'>&amp;\u{202e}\n\t«ż»🦀 ' OR 1=1; --";
        let mut c = comment(payload);
        c.name = Some("\"><svg onload=alert(document.cookie)>".to_string());
        c.organisation = None;
        let stored = store.submit(c, target(), "0.1").await.expect("submit");
        let got = get(&*store, &stored.reference).await.expect("found");
        assert_eq!(got.body.as_bytes(), payload.as_bytes());
        assert_eq!(
            got.name.as_deref().map(str::as_bytes),
            Some("\"><svg onload=alert(document.cookie)>".as_bytes())
        );
        let parsed: Vec<StoredComment> =
            serde_json::from_slice(&json_of(&*store).await).expect("parse");
        // The export drops bidirectional controls (they reorder what a terminal or a
        // spreadsheet shows); every other byte is as stored.
        assert_eq!(parsed[0].body, payload.replace('\u{202e}', ""));
    }

    pub async fn the_honeypot_stores_the_comment_as_spam(backend: &Backend) {
        let store = backend.open().await;
        let mut c = comment("Buy now");
        c.honeypot = true;
        let stored = store.submit(c, target(), "0.1").await.expect("submit");
        assert_eq!(stored.status, Status::Spam);
        assert_eq!(
            get(&*store, &stored.reference).await.map(|c| c.status),
            Some(Status::Spam)
        );
    }

    pub async fn references_are_unique_over_10000_submissions(backend: &Backend) {
        let store = backend.open().await;
        let mut tasks = Vec::new();
        for t in 0..100 {
            let store = Arc::clone(&store);
            tasks.push(tokio::spawn(async move {
                let mut refs = Vec::new();
                for i in 0..100 {
                    let c = comment(&format!("task {t} comment {i}"));
                    refs.push(
                        store
                            .submit(c, target(), "0.1")
                            .await
                            .expect("submit")
                            .reference,
                    );
                }
                refs
            }));
        }
        let mut refs = HashSet::new();
        for task in tasks {
            for r in task.await.expect("task") {
                assert!(refs.insert(r.clone()), "duplicate reference {r}");
            }
        }
        assert_eq!(refs.len(), 10_000);
        assert_eq!(store.count().await.expect("count"), 10_000);
        let stored: HashSet<String> = all(&*store)
            .await
            .into_iter()
            .map(|c| c.reference)
            .collect();
        assert_eq!(stored, refs);
    }

    pub async fn submissions_from_32_concurrent_tasks_are_all_acknowledged_and_kept_once(
        backend: &Backend,
    ) {
        let store = backend.open().await;
        let mut tasks = Vec::new();
        for t in 0..32 {
            let store = Arc::clone(&store);
            tasks.push(tokio::spawn(async move {
                let mut acked = Vec::new();
                for i in 0..25 {
                    let body = format!("client {t} comment {i}");
                    let stored = store
                        .submit(comment(&body), target(), "0.1")
                        .await
                        .expect("acknowledged");
                    assert_eq!(stored.body, body);
                    acked.push(stored);
                }
                acked
            }));
        }
        let mut acked = Vec::new();
        for task in tasks {
            acked.extend(task.await.expect("task"));
        }
        assert_eq!(acked.len(), 32 * 25);
        let stored = all(&*store).await;
        assert_eq!(stored.len(), acked.len(), "no duplicates, nothing missing");
        let bodies: HashSet<&str> = stored.iter().map(|c| c.body.as_str()).collect();
        assert_eq!(bodies.len(), acked.len());
        for a in &acked {
            assert_eq!(get(&*store, &a.reference).await.as_ref(), Some(a));
        }
    }

    /// Two handles are two writers on one database, as two server instances are.
    pub async fn two_handles_on_one_database_never_share_a_reference(backend: &Backend) {
        let a = backend.open().await;
        let b = backend.open().await;
        let mut tasks = Vec::new();
        for t in 0..8 {
            let store = Arc::clone(if t % 2 == 0 { &a } else { &b });
            tasks.push(tokio::spawn(async move {
                let mut refs = Vec::new();
                for i in 0..25 {
                    let c = comment(&format!("{t}/{i}"));
                    refs.push(
                        store
                            .submit(c, target(), "0.1")
                            .await
                            .expect("submit")
                            .reference,
                    );
                }
                refs
            }));
        }
        let mut refs = HashSet::new();
        for task in tasks {
            for r in task.await.expect("task") {
                assert!(refs.insert(r.clone()), "duplicate reference {r}");
            }
        }
        assert_eq!(refs.len(), 200);
        assert_eq!(a.count().await.expect("count"), 200);
        assert_eq!(b.count().await.expect("count"), 200);
    }

    pub async fn reopening_finds_every_comment(backend: &Backend) {
        let mut acked = Vec::new();
        {
            let store = backend.open().await;
            for i in 0..50 {
                acked.push(
                    store
                        .submit(comment(&format!("c{i}")), target(), "0.1")
                        .await
                        .expect("submit"),
                );
            }
            store.close().await;
        }
        let store = backend.open().await;
        assert_eq!(all(&*store).await, acked);
        // And it still takes comments.
        store
            .submit(comment("after reopening"), target(), "0.2")
            .await
            .expect("submit");
        assert_eq!(store.count().await.expect("count"), 51);
    }

    pub async fn closing_answers_every_queued_job_then_refuses_new_ones(backend: &Backend) {
        let store = backend.open().await;
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let store = Arc::clone(&store);
                tokio::spawn(async move {
                    store
                        .submit(comment(&format!("{i}")), target(), "0.1")
                        .await
                })
            })
            .collect();
        // Every task has queued its job (or been refused as closed, if it ran late).
        tokio::task::yield_now().await;
        store.close().await;
        let mut acked = 0;
        for task in tasks {
            match task.await.expect("task") {
                Ok(_) => acked += 1,
                Err(StoreError::Closed) => {}
                Err(e) => panic!("queued before close: acknowledged or closed, got {e}"),
            }
        }
        assert_eq!(store.count().await.expect("reads still work"), acked);
        assert!(matches!(
            store.submit(comment("late"), target(), "0.1").await,
            Err(StoreError::Closed)
        ));
    }

    pub async fn a_database_from_a_newer_copbook_is_refused(backend: &Backend) {
        let version = backend.mark_schema_as_newer(1).await;
        match backend.open_with(StoreOptions::default()).await {
            Err(
                e @ StoreError::Migrate {
                    source: migrations::MigrateError::Unsupported { found },
                    ..
                },
            ) => {
                assert_eq!(found, version);
                assert!(e.to_string().contains("newer copbook"), "{e}");
                // The reason never names the database behind it (the location may).
                let StoreError::Migrate { source, .. } = e else {
                    unreachable!()
                };
                let message = source.to_string();
                assert!(!message.to_lowercase().contains("sqlite"), "{message}");
                assert!(!message.to_lowercase().contains("postgres"), "{message}");
            }
            other => panic!("expected Unsupported, got {other:?}"),
        }
    }

    pub async fn a_bad_reference_prefix_is_refused(backend: &Backend) {
        let options = StoreOptions {
            reference_prefix: "leds".to_string(),
            ..StoreOptions::default()
        };
        assert!(matches!(
            backend.open_with(options).await,
            Err(StoreError::BadPrefix(_))
        ));
    }

    pub async fn a_prefix_from_the_settings_is_used(backend: &Backend) {
        let options = StoreOptions {
            reference_prefix: "COP".to_string(),
            ..StoreOptions::default()
        };
        let store = backend.open_with(options).await.expect("open");
        let stored = store
            .submit(comment("x"), target(), "0.1")
            .await
            .expect("submit");
        assert!(stored.reference.starts_with("COP-"));
        assert_eq!(stored.reference.len(), "COP-XXXX-XXXX-XXXX".len());
    }

    pub async fn a_reference_collision_draws_again(backend: &Backend) {
        let seeded = || StoreOptions {
            insecure_reference_seed: Some(7),
            ..StoreOptions::default()
        };
        let first = {
            let store = backend.open_with(seeded()).await.expect("open");
            let first = store
                .submit(comment("one"), target(), "0.1")
                .await
                .expect("submit");
            store.close().await;
            first
        };
        // Same seed: the first reference drawn is the one already stored.
        let store = backend.open_with(seeded()).await.expect("reopen");
        let second = store
            .submit(comment("two"), target(), "0.1")
            .await
            .expect("submit");
        assert_ne!(first.reference, second.reference);
        assert_eq!(
            get(&*store, &first.reference).await.map(|c| c.body),
            Some("one".into())
        );
        assert_eq!(
            get(&*store, &second.reference).await.map(|c| c.body),
            Some("two".into())
        );
    }

    pub async fn set_status_list_and_stats(backend: &Backend) {
        let store = backend.open().await;
        let a = store
            .submit(comment("a"), target(), "0.1")
            .await
            .expect("submit");
        let mut c = comment("b");
        c.question = None;
        let b = store.submit(c, target(), "0.1").await.expect("submit");
        let mut c = comment("general");
        c.on = "general".to_string();
        c.question = Some("q-aims".to_string());
        let g = store
            .submit(c, Target::general(), "0.1")
            .await
            .expect("submit");
        let mut c = comment("spam");
        c.honeypot = true;
        store.submit(c, target(), "0.1").await.expect("submit");

        store
            .set_status(&a.reference.to_lowercase(), Status::Published)
            .await
            .expect("publish");
        store
            .set_status(&b.reference, Status::Hidden)
            .await
            .expect("hide");
        assert!(matches!(
            store.set_status("LEDS-0000-0000", Status::Hidden).await,
            Err(StoreError::NotFound(r)) if r == "LEDS-0000-0000"
        ));

        let published = store
            .list(&ListQuery {
                status: Some(Status::Published),
                ..ListQuery::default()
            })
            .await
            .expect("list");
        assert_eq!(
            published.iter().map(|c| &c.reference).collect::<Vec<_>>(),
            [&a.reference]
        );
        let general = store
            .list(&ListQuery {
                target: Some("general".into()),
                ..ListQuery::default()
            })
            .await
            .expect("list");
        assert_eq!(general, vec![g.clone()]);
        let page = store
            .list(&ListQuery {
                offset: 1,
                limit: 2,
                ..ListQuery::default()
            })
            .await
            .expect("list");
        assert_eq!(page.len(), 2);
        assert_eq!(page[0].reference, b.reference);

        let stats = store.stats().await.expect("stats");
        assert_eq!(stats.total, 4);
        let by_status: Vec<(Status, u64)> = stats
            .by_status
            .iter()
            .map(|s| (s.status, s.count))
            .collect();
        assert_eq!(
            by_status,
            [
                (Status::Received, 1),
                (Status::Spam, 1),
                (Status::Hidden, 1),
                (Status::Published, 1)
            ]
        );
        let by_target: Vec<(&str, Option<&str>, u64)> = stats
            .by_target
            .iter()
            .map(|t| (t.target_id.as_str(), t.target_number.as_deref(), t.count))
            .collect();
        assert_eq!(
            by_target,
            [("share-lawful-basis", Some("5.3"), 2), ("general", None, 1)]
        );
        let by_question: Vec<(&str, u64)> = stats
            .by_question
            .iter()
            .map(|q| (q.question.as_str(), q.count))
            .collect();
        assert_eq!(by_question, [("q-aims", 1), ("q-sharing", 1)]);
    }

    pub async fn csv_export_neutralises_formulas_and_round_trips_text(backend: &Backend) {
        let store = backend.open().await;
        let cases = [
            "=cmd|' /C calc'!A0",
            "+1",
            "-2",
            "@x",
            "\tTab first",
            "\rCR first",
        ];
        for body in cases {
            let mut c = comment(body);
            c.name = Some(format!("={body}"));
            store.submit(c, target(), "0.1").await.expect("submit");
        }
        let tricky = "Commas, \"quotes\", and\nnewlines\r\nand both, \"at once\"\n";
        let mut c = comment(tricky);
        c.respondent_type = RespondentType::Organisation;
        c.organisation = Some("Smith, Jones & \"Partners\"".to_string());
        let t = store.submit(c, target(), "0.1").await.expect("submit");

        let out = csv_of(&*store).await;
        let mut reader = csv::Reader::from_reader(out.as_slice());
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(str::to_string)
            .collect();
        assert_eq!(header, copbook::comments::export::CSV_HEADER);
        let col = |name: &str| header.iter().position(|h| h == name).expect("column");
        let rows: Vec<csv::StringRecord> =
            reader.records().collect::<Result<_, _>>().expect("records");
        assert_eq!(rows.len(), cases.len() + 1);
        for (row, body) in rows.iter().zip(cases) {
            assert_eq!(&row[col("body")], format!("'{body}"));
            assert_eq!(&row[col("name")], format!("'={body}"));
        }
        let last = &rows[cases.len()];
        assert_eq!(&last[col("body")], tricky);
        assert_eq!(&last[col("organisation")], "Smith, Jones & \"Partners\"");
        assert_eq!(&last[col("reference")], t.reference);
        assert_eq!(&last[col("target_number")], "5.3");
        assert_eq!(&last[col("target_text")], target().text);
        assert_eq!(&last[col("respondent_type")], "organisation");
        assert_eq!(&last[col("received_at_ms")], t.received_at_ms.to_string());
    }

    pub async fn json_export_has_every_field(backend: &Backend) {
        let store = backend.open().await;
        let empty = json_of(&*store).await;
        assert_eq!(
            serde_json::from_slice::<Vec<StoredComment>>(&empty).expect("parse"),
            vec![]
        );

        let a = store
            .submit(comment("=1+1"), target(), "0.1")
            .await
            .expect("submit");
        let b = store
            .submit(comment("second"), Target::general(), "0.2")
            .await
            .expect("submit");
        store
            .set_status(&b.reference, Status::Hidden)
            .await
            .expect("hide");
        let b = get(&*store, &b.reference).await.expect("found");

        let out = json_of(&*store).await;
        let values: Vec<serde_json::Value> = serde_json::from_slice(&out).expect("parse");
        assert_eq!(values.len(), 2);
        for v in &values {
            let keys: HashSet<&str> = v
                .as_object()
                .expect("object")
                .keys()
                .map(String::as_str)
                .collect();
            let expected: HashSet<&str> =
                copbook::comments::export::CSV_HEADER.into_iter().collect();
            assert_eq!(keys, expected);
        }
        assert_eq!(values[0]["body"], "=1+1", "JSON is not neutralised");
        assert_eq!(values[1]["target_number"], serde_json::Value::Null);
        assert_eq!(values[1]["status"], "hidden");
        let parsed: Vec<StoredComment> = serde_json::from_slice(&out).expect("parse");
        assert_eq!(parsed, vec![a, b]);
    }

    pub async fn purge_removes_personal_data_before_the_cutoff_whatever_the_status(
        backend: &Backend,
    ) {
        let store = backend.open().await;
        let individual = NewComment {
            organisation: Some("Ann's Book Club".to_string()),
            ..comment("an individual's view")
        };
        let organisation = NewComment {
            respondent_type: RespondentType::Organisation,
            organisation: Some("Example Constabulary".to_string()),
            ..comment("an organisation's view")
        };
        let spam = NewComment {
            honeypot: true,
            ..comment("buy now")
        };
        let mut kept = Vec::new();
        for c in [individual, organisation, spam] {
            kept.push(store.submit(c, target(), "0.1").await.expect("submit"));
        }
        store
            .set_status(&kept[1].reference, Status::Hidden)
            .await
            .expect("hide");
        let first = kept[0].received_at_ms;
        assert_eq!(store.personal_data_held(i64::MAX).await.expect("held"), 3);
        assert_eq!(store.personal_data_held(first).await.expect("held"), 0);

        // Nothing was received before the first comment: nothing changes.
        assert_eq!(store.purge_personal_data(first).await.expect("purge"), 0);
        assert_eq!(
            get(&*store, &kept[0].reference).await,
            Some(kept[0].clone())
        );

        assert_eq!(store.purge_personal_data(i64::MAX).await.expect("purge"), 3);
        for before in &kept {
            let after = get(&*store, &before.reference).await.expect("kept");
            assert_eq!(after.name, None, "{}", before.reference);
            assert_eq!(after.email, None, "{}", before.reference);
            assert_eq!(after.body, before.body);
            assert_eq!(after.reference, before.reference);
            assert_eq!(after.received_at, before.received_at);
            assert_eq!(after.target_id, before.target_id);
            assert_eq!(after.target_text, before.target_text);
            assert_eq!(after.question, before.question);
        }
        let org = |i: usize| kept[i].reference.clone();
        assert_eq!(
            get(&*store, &org(0)).await.expect("kept").organisation,
            None
        );
        assert_eq!(
            get(&*store, &org(1))
                .await
                .expect("kept")
                .organisation
                .as_deref(),
            Some("Example Constabulary"),
            "an organisation's name is not personal data"
        );
        assert_eq!(
            get(&*store, &org(2)).await.expect("kept").status,
            Status::Spam
        );
        assert_eq!(store.personal_data_held(i64::MAX).await.expect("held"), 0);
        assert_eq!(store.purge_personal_data(i64::MAX).await.expect("again"), 0);
        assert_eq!(store.count().await.expect("count"), 3);
    }

    pub async fn erase_leaves_a_tombstone_with_reference_and_dates(backend: &Backend) {
        let store = backend.open().await;
        let a = store
            .submit(comment("please forget me"), target(), "0.1")
            .await
            .expect("submit");
        let b = store
            .submit(comment("keep me"), target(), "0.1")
            .await
            .expect("submit");
        store
            .set_status(&a.reference, Status::Published)
            .await
            .expect("publish");
        assert_eq!(
            store.erased_at(&a.reference).await.expect("erased_at"),
            None
        );

        // As a person might type it.
        store
            .erase(&a.reference.to_lowercase())
            .await
            .expect("erase");
        let tomb = get(&*store, &a.reference).await.expect("tombstone kept");
        assert_eq!(tomb.body, "");
        assert_eq!(
            (tomb.name, tomb.email, tomb.organisation),
            (None, None, None)
        );
        assert_eq!(tomb.received_at, a.received_at);
        assert_eq!(tomb.target_id, a.target_id);
        assert_eq!(tomb.status, Status::Hidden, "nothing left to publish");
        let erased = store.erased_at(&a.reference).await.expect("erased_at");
        assert!(
            erased
                .as_deref()
                .is_some_and(|t| t >= a.received_at.as_str()),
            "{erased:?}"
        );
        assert_eq!(get(&*store, &b.reference).await, Some(b.clone()));
        assert_eq!(
            store.erased_at(&b.reference).await.expect("erased_at"),
            None
        );

        let missing = store.erase("LEDS-0000-0000-0000").await;
        assert!(
            matches!(missing, Err(StoreError::NotFound(_))),
            "{missing:?}"
        );
        let nonsense = store.erase("not a reference").await;
        assert!(
            matches!(nonsense, Err(StoreError::NotFound(_))),
            "{nonsense:?}"
        );
    }

    pub async fn published_lists_only_published_comments_whose_respondents_agreed(
        backend: &Backend,
    ) {
        let store = backend.open().await;
        let mut expected = Vec::new();
        for (i, (publish, status)) in [
            (Publish::Yes, Some(Status::Published)),
            (Publish::Anonymous, Some(Status::Published)),
            (Publish::No, Some(Status::Published)),
            (Publish::Yes, None),
            (Publish::Yes, Some(Status::Hidden)),
            (Publish::Anonymous, Some(Status::Spam)),
            (Publish::Yes, Some(Status::Published)),
        ]
        .into_iter()
        .enumerate()
        {
            let stored = store
                .submit(
                    NewComment {
                        publish,
                        ..comment(&format!("comment {i}"))
                    },
                    target(),
                    "0.1",
                )
                .await
                .expect("submit");
            if let Some(status) = status {
                store
                    .set_status(&stored.reference, status)
                    .await
                    .expect("status");
            }
            if status == Some(Status::Published) && publish != Publish::No {
                expected.push(stored.reference);
            }
        }
        let general = store
            .submit(
                NewComment {
                    question: Some("q-aims".into()),
                    publish: Publish::Yes,
                    ..comment("general")
                },
                Target::general(),
                "0.1",
            )
            .await
            .expect("submit");
        store
            .set_status(&general.reference, Status::Published)
            .await
            .expect("publish");

        let on_target = PublishedQuery {
            target: Some(target().id),
            ..PublishedQuery::default()
        };
        let listed = store.list_published(&on_target).await.expect("list");
        let references: Vec<&str> = listed.iter().map(|c| c.reference.as_str()).collect();
        assert_eq!(
            references, expected,
            "oldest first, only published and agreed"
        );
        assert!(
            listed
                .iter()
                .all(|c| c.status == Status::Published && c.publish != Publish::No)
        );
        assert_eq!(store.count_published(&on_target).await.expect("count"), 3);
        let paged = PublishedQuery {
            offset: 1,
            limit: 1,
            ..on_target.clone()
        };
        let page = store.list_published(&paged).await.expect("page");
        assert_eq!(page.len(), 1);
        assert_eq!(page[0].reference, expected[1]);
        assert_eq!(
            store.count_published(&paged).await.expect("count"),
            3,
            "paging ignored"
        );
        let question = PublishedQuery {
            question: Some("q-aims".into()),
            ..PublishedQuery::default()
        };
        let answers = store.list_published(&question).await.expect("list");
        assert_eq!(answers.len(), 1);
        assert_eq!(answers[0].reference, general.reference);
        assert_eq!(store.count_published(&question).await.expect("count"), 1);
        assert_eq!(
            store
                .count_published(&PublishedQuery::default())
                .await
                .expect("count"),
            4
        );
        // An erased comment is hidden, so it leaves the published list.
        store.erase(&expected[0]).await.expect("erase");
        assert_eq!(store.count_published(&on_target).await.expect("count"), 2);
    }

    pub async fn count_matching_ignores_paging_and_applies_filters(backend: &Backend) {
        let store = backend.open().await;
        for i in 0..7 {
            store
                .submit(comment(&format!("on the target {i}")), target(), "0.1")
                .await
                .expect("submit");
        }
        let other = store
            .submit(comment("general"), Target::general(), "0.1")
            .await
            .expect("submit");
        store
            .set_status(&other.reference, Status::Hidden)
            .await
            .expect("hide");
        let on_target = ListQuery {
            target: Some(target().id),
            offset: 5,
            limit: 1,
            ..ListQuery::default()
        };
        assert_eq!(store.count_matching(&on_target).await.expect("count"), 7);
        assert_eq!(store.list(&on_target).await.expect("list").len(), 1);
        let hidden = ListQuery {
            status: Some(Status::Hidden),
            ..ListQuery::default()
        };
        assert_eq!(store.count_matching(&hidden).await.expect("count"), 1);
        let all = ListQuery::default();
        assert_eq!(store.count_matching(&all).await.expect("count"), 8);
    }

    pub async fn grouping_decisions_are_kept_in_order_and_name_known_comments(backend: &Backend) {
        let store = backend.open().await;
        assert_eq!(store.decisions().await.expect("decisions"), vec![]);
        let a = store
            .submit(comment("a"), target(), "0.1")
            .await
            .expect("a");
        let b = store
            .submit(comment("b"), target(), "0.1")
            .await
            .expect("b");
        store
            .record_decision(DecisionKind::Split, &a.reference, None, "jo")
            .await
            .expect("split");
        // As a person might type the reference.
        let typed = b.reference.to_lowercase();
        store
            .record_decision(DecisionKind::Merge, &a.reference, Some(&typed), "sam")
            .await
            .expect("merge");
        let unknown = store
            .record_decision(DecisionKind::Split, "LEDS-0000-0000", None, "jo")
            .await;
        assert!(
            matches!(unknown, Err(StoreError::NotFound(_))),
            "{unknown:?}"
        );
        let half = store
            .record_decision(
                DecisionKind::Merge,
                &a.reference,
                Some("LEDS-0000-0000"),
                "jo",
            )
            .await;
        assert!(matches!(half, Err(StoreError::NotFound(_))), "{half:?}");
        let no_with = store
            .record_decision(DecisionKind::Merge, &a.reference, None, "jo")
            .await;
        assert!(no_with.is_err(), "a merge needs two comments");
        let decisions = store.decisions().await.expect("decisions");
        assert_eq!(decisions.len(), 2, "{decisions:?}");
        assert_eq!(decisions[0].kind, DecisionKind::Split);
        assert_eq!(decisions[0].reference, a.reference);
        assert_eq!(decisions[0].with, None);
        assert_eq!(decisions[0].analyst, "jo");
        assert!(decisions[0].at.ends_with('Z'), "{}", decisions[0].at);
        assert_eq!(decisions[1].kind, DecisionKind::Merge);
        assert_eq!(decisions[1].with.as_deref(), Some(b.reference.as_str()));
        assert_eq!(decisions[1].analyst, "sam");
        // Kept across a reopening.
        store.close().await;
        drop(store);
        let store = backend.open().await;
        assert_eq!(store.decisions().await.expect("decisions"), decisions);
    }

    pub async fn codes_and_tags_record_who_and_when(backend: &Backend) {
        let store = backend.open().await;
        assert!(store.add_code("oversight", "jo").await.expect("add"));
        assert!(!store.add_code("oversight", "sam").await.expect("again"));
        assert!(
            store
                .add_code("retention period", "sam")
                .await
                .expect("add")
        );
        let codes = store.codes().await.expect("codes");
        let names: HashSet<&str> = codes.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(names, HashSet::from(["oversight", "retention period"]));
        let oversight = codes.iter().find(|c| c.code == "oversight").expect("kept");
        assert_eq!(oversight.added_by, "jo", "the first adder stays");

        let a = store
            .submit(comment("a"), target(), "0.1")
            .await
            .expect("a");
        let b = store
            .submit(comment("b"), target(), "0.1")
            .await
            .expect("b");
        let spam = store
            .submit(comment("c"), target(), "0.1")
            .await
            .expect("c");
        store
            .set_status(&spam.reference, Status::Spam)
            .await
            .expect("spam");
        assert!(
            store
                .tag(&a.reference, "oversight", "jo")
                .await
                .expect("tag")
        );
        assert!(
            !store
                .tag(&a.reference, "oversight", "sam")
                .await
                .expect("again")
        );
        assert!(
            store
                .tag(&a.reference, "supports", "jo")
                .await
                .expect("tag")
        );
        assert!(
            store
                .tag(&b.reference, "oversight", "sam")
                .await
                .expect("tag")
        );
        assert!(
            store
                .tag(&spam.reference, "oversight", "sam")
                .await
                .expect("tag")
        );
        let missing = store.tag("LEDS-0000-0000", "oversight", "jo").await;
        assert!(
            matches!(missing, Err(StoreError::NotFound(_))),
            "{missing:?}"
        );

        let of_a = store
            .tags(Some(std::slice::from_ref(&a.reference)))
            .await
            .expect("tags");
        assert_eq!(
            of_a.iter()
                .map(|t| (t.code.as_str(), t.analyst.as_str()))
                .collect::<Vec<_>>(),
            vec![("oversight", "jo"), ("supports", "jo")]
        );
        assert!(
            of_a.iter()
                .all(|t| t.reference == a.reference && t.at.ends_with('Z'))
        );
        assert_eq!(store.tags(None).await.expect("every tag").len(), 4);
        assert_eq!(store.tags(Some(&[][..])).await.expect("none").len(), 0);
        // Spam is not counted.
        assert_eq!(
            store.tag_counts().await.expect("counts"),
            vec![("oversight".to_string(), 2), ("supports".to_string(), 1)]
        );
        assert!(store.untag(&a.reference, "supports").await.expect("untag"));
        assert!(!store.untag(&a.reference, "supports").await.expect("again"));
        assert!(!store.untag("nonsense", "supports").await.expect("unknown"));
        assert_eq!(
            store
                .tags(Some(&[a.reference.clone()][..]))
                .await
                .expect("tags")
                .len(),
            1
        );
    }

    pub async fn filters_combine_and_page_by_keyset(backend: &Backend) {
        let store = backend.open().await;
        let mut refs = Vec::new();
        for i in 0..12 {
            let mut c = comment(&format!("comment {i}"));
            if i % 3 == 0 {
                c.respondent_type = RespondentType::Organisation;
                c.organisation = Some("Org".into());
            }
            if i % 2 == 0 {
                c.question = None;
            }
            let t = if i < 8 { target() } else { Target::general() };
            refs.push(store.submit(c, t, "0.1").await.expect("submit").reference);
        }
        store
            .set_status(&refs[1], Status::Spam)
            .await
            .expect("spam");
        store
            .set_status(&refs[3], Status::Published)
            .await
            .expect("publish");
        store.tag(&refs[3], "supports", "jo").await.expect("tag");
        store.tag(&refs[5], "supports", "jo").await.expect("tag");
        store.tag(&refs[6], "opposes", "jo").await.expect("tag");

        let count = |f: Filter| {
            let store = store.clone();
            async move { store.count_filtered(&f).await.expect("count") }
        };
        let page = |f: Filter, after: Option<String>, limit: usize| {
            let store = store.clone();
            async move {
                store
                    .filtered(&f, after.as_deref(), limit)
                    .await
                    .expect("filtered")
                    .into_iter()
                    .map(|c| c.reference)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(count(Filter::default()).await, 12);
        assert_eq!(
            count(Filter {
                no_spam: true,
                ..Filter::default()
            })
            .await,
            11
        );
        let on_target = Filter {
            target: Some(target().id),
            ..Filter::default()
        };
        assert_eq!(count(on_target.clone()).await, 8);
        let q_org = Filter {
            target: Some(target().id),
            question: Some("q-sharing".into()),
            respondent_type: Some(RespondentType::Organisation),
            ..Filter::default()
        };
        // Odd i below 8 answered the question; of those, multiples of 3: 3.
        assert_eq!(page(q_org.clone(), None, 100).await, vec![refs[3].clone()]);
        assert_eq!(count(q_org).await, 1);
        let coded = Filter {
            code: Some("supports".into()),
            ..Filter::default()
        };
        assert_eq!(
            page(coded, None, 100).await,
            vec![refs[3].clone(), refs[5].clone()]
        );
        let uncoded = Filter {
            uncoded: true,
            no_spam: true,
            ..Filter::default()
        };
        assert_eq!(count(uncoded).await, 8);
        let published = Filter {
            status: Some(Status::Published),
            ..Filter::default()
        };
        assert_eq!(page(published, None, 100).await, vec![refs[3].clone()]);
        let chosen = Filter {
            references: Some(vec![
                refs[2].clone(),
                refs[9].clone(),
                "LEDS-0000-0000".into(),
            ]),
            ..Filter::default()
        };
        assert_eq!(
            page(chosen.clone(), None, 100).await,
            vec![refs[2].clone(), refs[9].clone()]
        );
        let none = Filter {
            references: Some(Vec::new()),
            ..Filter::default()
        };
        assert_eq!(count(none).await, 0);
        // A date range: everything was received just now.
        let now = jiff::Timestamp::now().as_millisecond();
        let future = Filter {
            received_from_ms: Some(now + 60_000),
            ..Filter::default()
        };
        assert_eq!(count(future).await, 0);
        let past = Filter {
            received_from_ms: Some(now - 3_600_000),
            received_before_ms: Some(now + 60_000),
            ..Filter::default()
        };
        assert_eq!(count(past).await, 12);

        // Keyset paging: pages of 3 walk the 8 comments on the target in order, once.
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let got = page(on_target.clone(), after.clone(), 3).await;
            if got.is_empty() {
                break;
            }
            assert!(got.len() <= 3);
            after = got.last().cloned();
            seen.extend(got);
        }
        assert_eq!(seen, refs[..8].to_vec());
        // A hostile value is a value, not SQL.
        let hostile = Filter {
            target: Some("x' OR '1'='1".into()),
            ..Filter::default()
        };
        assert_eq!(count(hostile).await, 0);
        // An erased comment is left out when asked (a search of words it no longer has).
        store.erase(&refs[9]).await.expect("erase");
        let unerased = Filter {
            not_erased: true,
            ..chosen.clone()
        };
        assert_eq!(page(unerased, None, 100).await, vec![refs[2].clone()]);
        assert_eq!(
            page(chosen, None, 100).await,
            vec![refs[2].clone(), refs[9].clone()],
            "kept unless asked"
        );
    }

    pub async fn a_filtered_export_streams_the_matching_rows(backend: &Backend) {
        let store = backend.open().await;
        let mut refs = Vec::new();
        for i in 0..600 {
            let t = if i % 2 == 0 {
                target()
            } else {
                Target::general()
            };
            refs.push(
                store
                    .submit(comment(&format!("n {i}")), t, "0.1")
                    .await
                    .expect("submit")
                    .reference,
            );
        }
        let filter = Filter {
            target: Some(target().id),
            ..Filter::default()
        };
        let mut rows = store.export_filtered(&filter).await.expect("export");
        let mut got = Vec::new();
        while let Some(row) = rows.next().await {
            got.push(row.expect("row").reference);
        }
        let expected: Vec<String> = refs.iter().step_by(2).cloned().collect();
        assert_eq!(got, expected);
    }

    pub async fn backup_copies_sqlite_and_points_postgres_to_pg_dump(backend: &Backend) {
        let store = backend.open().await;
        let a = store
            .submit(comment("backed up"), target(), "0.1")
            .await
            .expect("submit");
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("backup.sqlite3");
        match backend {
            Backend::Sqlite(_) => {
                store.backup(&out).await.expect("backup");
                let copy = Database::Sqlite(out.clone())
                    .open(StoreOptions::default())
                    .await
                    .expect("open the copy");
                assert_eq!(get(&*copy, &a.reference).await, Some(a));
                copy.close().await;
                let again = store.backup(&out).await;
                assert!(
                    matches!(&again, Err(StoreError::Maintenance(m)) if m.contains("exists")),
                    "an existing file is never overwritten: {again:?}"
                );
            }
            Backend::Postgres(_) => {
                let refused = store.backup(&out).await;
                assert!(
                    matches!(&refused, Err(StoreError::Maintenance(m)) if m.contains("pg_dump")),
                    "{refused:?}"
                );
                assert!(!out.exists());
            }
        }
    }
}

/// What belongs to the SQLite file: its blocking API, its migrations from old files, its
/// write lock and its size cap.
mod sqlite_only {
    use super::*;

    fn open(dir: &tempfile::TempDir) -> SqliteStore {
        SqliteStore::open(dir.path()).expect("open store")
    }

    /// Polls `fut` once: far enough for `submit` to queue its job (the queue has room),
    /// not far enough for an answer.
    async fn poll_once<F: Future>(fut: std::pin::Pin<&mut F>) {
        let mut fut = Some(fut);
        std::future::poll_fn(|cx| {
            if let Some(f) = fut.take() {
                assert!(
                    f.poll(cx).is_pending(),
                    "answered before the lock was released"
                );
            }
            std::task::Poll::Ready(())
        })
        .await;
    }

    /// Polls `cond` until it holds, failing the test after 10 s.
    async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
        let start = Instant::now();
        while !cond() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting until {what}"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Holds SQLite's write lock from another connection, so the store's writer waits
    /// in `BEGIN IMMEDIATE` (for up to its busy timeout) with the batch it has taken.
    fn lock_db(dir: &tempfile::TempDir) -> Connection {
        let conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
        conn.execute_batch("BEGIN IMMEDIATE").expect("lock");
        conn
    }

    #[tokio::test]
    async fn keeps_no_shared_counts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = open(&dir);
        assert_eq!(
            store.count_submission(b"10.0.0.1", 1).await.expect("count"),
            None,
            "one process: the server's in-process limiter applies"
        );
    }

    #[test]
    fn submissions_from_32_threads_with_the_blocking_api() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = open(&dir);
        let refs: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..32)
                .map(|t| {
                    let store = store.clone();
                    s.spawn(move || {
                        (0..10)
                            .map(|i| {
                                store
                                    .submit_blocking(comment(&format!("{t}/{i}")), target(), "0.1")
                                    .expect("acknowledged")
                                    .reference
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("thread"))
                .collect()
        });
        assert_eq!(refs.iter().collect::<HashSet<_>>().len(), 320);
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        assert_eq!(runtime.block_on(store.count()).expect("count"), 320);
    }

    #[tokio::test]
    async fn reopening_the_data_dir_creates_it_and_finds_every_comment() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("nested/data");
        let mut acked = Vec::new();
        {
            let store = SqliteStore::open(&data).expect("open creates the folder");
            for i in 0..50 {
                acked.push(
                    store
                        .submit(comment(&format!("c{i}")), target(), "0.1")
                        .await
                        .expect("submit"),
                );
            }
        } // last handle dropped: writer exits
        assert!(data.join(DB_FILE).is_file());
        let store = SqliteStore::open(&data).expect("reopen");
        assert_eq!(all(&store).await, acked);
    }

    #[tokio::test]
    async fn a_new_file_is_migrated_from_version_0() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            // An existing, empty database: user_version 0, no tables.
            let conn = Connection::open(dir.path().join(DB_FILE)).expect("create");
            assert_eq!(migrations::version(&conn).expect("version"), 0);
        }
        let store = open(&dir);
        let conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
        assert_eq!(
            migrations::version(&conn).expect("version"),
            migrations::VERSION
        );
        let journal: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .expect("journal_mode");
        assert_eq!(journal, "wal");
        store
            .submit(comment("first"), target(), "0.1")
            .await
            .expect("submit");
        assert_eq!(store.count().await.expect("count"), 1);
    }

    #[tokio::test]
    async fn a_version_1_database_is_migrated_and_keeps_its_comments() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let conn = Connection::open(dir.path().join(DB_FILE)).expect("create");
            conn.execute_batch(migrations::MIGRATIONS[0])
                .expect("v1 schema");
            conn.pragma_update(None, "user_version", 1)
                .expect("version 1");
            conn.execute(
                "INSERT INTO comments (reference, received_at, received_at_ms, target_id,
                    target_number, target_title, target_text, question, draft_version, body,
                    respondent_type, name, organisation, email, publish, status)
                 VALUES ('LEDS-AAAA-BBBB', '2026-11-02T09:00:00.000Z', 1793610000000,
                    'general', NULL, 'General comment', '', NULL, '0.1', 'Written under v1',
                    'organisation', NULL, 'Acme', NULL, 'yes', 'received')",
                [],
            )
            .expect("v1 row");
        }
        let store = open(&dir);
        {
            let conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
            assert_eq!(
                migrations::version(&conn).expect("version"),
                migrations::VERSION
            );
        }
        let old = get(&store, "LEDS-AAAA-BBBB").await.expect("kept");
        assert_eq!(old.body, "Written under v1");
        assert_eq!(old.organisation.as_deref(), Some("Acme"));
        assert_eq!(old.status_changed_at, None);
        // Stored before the form asked how to name them: named as then.
        assert_eq!(old.attribution, None);
        // The column added by migration 2 works.
        store
            .set_status("LEDS-AAAA-BBBB", Status::Published)
            .await
            .expect("set status");
        let old = get(&store, "LEDS-AAAA-BBBB").await.expect("kept");
        assert_eq!(old.status, Status::Published);
        assert!(old.status_changed_at.is_some());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_failing_batch_refuses_every_job_and_stores_none() {
        let dir = tempfile::tempdir().expect("tempdir");
        // About 30 pages of 4 KiB: room for the schema, a few long comments, not twenty.
        let options = StoreOptions {
            max_page_count: Some(30),
            ..StoreOptions::default()
        };
        let store = SqliteStore::open_with(dir.path(), options).expect("open");

        let lock = lock_db(&dir);
        // A small job, taken alone into the first batch while the writer waits for the lock.
        let mut small = std::pin::pin!(store.submit(comment("small"), target(), "0.1"));
        poll_once(small.as_mut()).await;
        wait_until("the writer has taken the small job", || {
            store.queue_depth() == 0
        })
        .await;

        // Twenty long comments queue up behind it and form the second batch.
        let long = "x".repeat(20_000);
        let big: Vec<_> = (0..20)
            .map(|i| {
                let store = store.clone();
                let body = format!("{i} {long}");
                tokio::spawn(async move { store.submit(comment(&body), target(), "0.1").await })
            })
            .collect();
        wait_until("20 jobs are queued", || store.queue_depth() == 20).await;
        lock.execute_batch("COMMIT").expect("unlock");

        let small = small.await.expect("the first batch fits and commits");
        let mut refused = 0;
        for task in big {
            match task.await.expect("task") {
                Err(StoreError::Unavailable(reason)) => {
                    assert!(reason.contains("full"), "{reason}");
                    refused += 1;
                }
                other => panic!("every job of the failed batch must be refused, got {other:?}"),
            }
        }
        assert_eq!(refused, 20);
        // Nothing of the failed batch was written, though the first few would have fitted.
        assert_eq!(all(&store).await, vec![small]);

        // The writer carries on: a comment that fits is accepted.
        store
            .submit(comment("after"), target(), "0.1")
            .await
            .expect("submit after failure");
        assert_eq!(store.count().await.expect("count"), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn closing_waits_for_the_writer_to_answer_every_queued_job() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = open(&dir);
        let lock = lock_db(&dir);
        let spawn = |i: usize| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .submit(comment(&format!("{i}")), target(), "0.1")
                    .await
            })
        };
        // One job in the writer's hands (waiting for the lock), 39 queued behind it.
        let mut first = std::pin::pin!(store.submit(comment("0"), target(), "0.1"));
        poll_once(first.as_mut()).await;
        wait_until("the writer has taken the first job", || {
            store.queue_depth() == 0
        })
        .await;
        let tasks: Vec<_> = (1..40).map(spawn).collect();
        wait_until("39 jobs are queued", || store.queue_depth() == 39).await;

        let closer = tokio::spawn({
            let store = store.clone();
            async move { store.close().await }
        });
        // The closer has dropped the queue's sender once new submissions are refused.
        wait_until("the queue is closed", || store.queue_depth() == 0).await;
        assert!(!closer.is_finished(), "close waits for the writer");
        lock.execute_batch("COMMIT").expect("unlock");
        closer.await.expect("close");

        first.await.expect("taken before close: acknowledged");
        for task in tasks {
            task.await
                .expect("task")
                .expect("queued before close: acknowledged");
        }
        assert_eq!(store.count().await.expect("reads still work"), 40);
    }
}

/// What belongs to PostgreSQL: migrations raced by instances starting together, and the
/// rate limit shared through it.
mod postgres_only {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn instances_starting_together_migrate_once() {
        let Some(db) = TestDatabase::create("instances_starting_together_migrate_once").await
        else {
            return;
        };
        let database = Database::parse(&db.url).expect("url");
        let opens: Vec<_> = (0..6)
            .map(|_| {
                let database = database.clone();
                tokio::spawn(async move { database.open(StoreOptions::default()).await })
            })
            .collect();
        let mut stores = Vec::new();
        for open in opens {
            stores.push(open.await.expect("task").expect("every instance starts"));
        }
        let client = test_database::connect(&db.url).await.expect("connect");
        let version: i64 = client
            .query_one("SELECT version FROM copbook_schema", &[])
            .await
            .expect("version")
            .get(0);
        assert_eq!(version, migrations::POSTGRES_MIGRATIONS.len() as i64);
        let rows: i64 = client
            .query_one("SELECT COUNT(*) FROM copbook_schema", &[])
            .await
            .expect("rows")
            .get(0);
        assert_eq!(rows, 1);
        for store in &stores {
            store
                .submit(comment("x"), target(), "0.1")
                .await
                .expect("submit");
        }
        assert_eq!(stores[0].count().await.expect("count"), 6);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn the_limit_counts_a_client_across_instances() {
        let Some(db) = TestDatabase::create("the_limit_counts_a_client_across_instances").await
        else {
            return;
        };
        let database = Database::parse(&db.url).expect("url");
        let a = database.open(StoreOptions::default()).await.expect("a");
        let b = database.open(StoreOptions::default()).await.expect("b");
        for i in 0..5 {
            let store = if i % 2 == 0 { &a } else { &b };
            assert_eq!(
                store.count_submission(b"10.0.0.1", 5).await.expect("count"),
                Some(Admission::Allowed),
                "submission {i}"
            );
        }
        for store in [&a, &b] {
            assert!(
                matches!(
                    store.count_submission(b"10.0.0.1", 5).await.expect("count"),
                    Some(Admission::Refused { retry_after }) if retry_after <= Duration::from_secs(60)
                ),
                "the sixth is refused by either instance"
            );
        }
        assert_eq!(
            b.count_submission(b"10.0.0.2", 5).await.expect("count"),
            Some(Admission::Allowed),
            "another client has its own count"
        );
        // The database holds hashes, never the address.
        let client = test_database::connect(&db.url).await.expect("connect");
        let keys: Vec<Vec<u8>> = client
            .query("SELECT client_hash FROM submission_counts", &[])
            .await
            .expect("keys")
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert!(!keys.is_empty());
        for key in keys {
            assert_eq!(key.len(), 32);
            assert!(!key.windows(8).any(|w| w == b"10.0.0.1"));
        }
    }
}

/// What the privacy duties need of the SQLite file itself: erased text gone from its
/// bytes, a purge log, and a backup that is consistent while comments arrive.
mod sqlite_privacy {
    use super::*;

    /// The database file and its WAL, as bytes.
    fn file_bytes(dir: &std::path::Path) -> Vec<u8> {
        let mut bytes = std::fs::read(dir.join(DB_FILE)).expect("read database");
        if let Ok(wal) = std::fs::read(dir.join(format!("{DB_FILE}-wal"))) {
            bytes.extend(wal);
        }
        bytes
    }

    fn contains(haystack: &[u8], needle: &str) -> bool {
        haystack
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn erased_text_is_not_left_in_the_database_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(dir.path()).expect("open");
        // Long enough to spill onto overflow pages, which an erasure frees.
        let body = "QZXJ a very particular complaint that must vanish QZXJ ".repeat(120);
        let marker = "QZXJ a very particular complaint that must vanish QZXJ";
        let name = "Wilhelmina Erasable-Quux";
        let secret = NewComment {
            name: Some(name.to_string()),
            ..comment(&body)
        };
        let kept = store.submit(secret, target(), "0.1").await.expect("submit");
        for i in 0..20 {
            store
                .submit(comment(&format!("neighbour {i}")), target(), "0.1")
                .await
                .expect("submit");
        }
        let before = file_bytes(dir.path());
        assert!(
            contains(&before, marker) && contains(&before, name),
            "stored in the files"
        );

        store.erase(&kept.reference).await.expect("erase");
        let after = file_bytes(dir.path());
        assert!(
            !contains(&after, marker),
            "the erased body is still in the files"
        );
        assert!(
            !contains(&after, name),
            "the erased name is still in the files"
        );
        assert!(
            contains(&after, &kept.reference),
            "the tombstone keeps the reference"
        );

        let conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
        let log: (String, i64, Option<String>) = conn
            .query_row(
                "SELECT action, comments, reference FROM privacy_log",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("one log row");
        assert_eq!(log, ("erase".to_string(), 1, Some(kept.reference)));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn purged_names_and_emails_are_not_left_in_the_database_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(dir.path()).expect("open");
        let email = "purge-me-qzxj@example.org";
        let c = NewComment {
            email: Some(email.to_string()),
            ..comment("the body stays")
        };
        store.submit(c, target(), "0.1").await.expect("submit");
        assert!(contains(&file_bytes(dir.path()), email));
        assert_eq!(store.purge_personal_data(i64::MAX).await.expect("purge"), 1);
        let after = file_bytes(dir.path());
        assert!(
            !contains(&after, email),
            "the purged email is still in the files"
        );
        assert!(contains(&after, "the body stays"));
        let conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
        let logged: (String, i64) = conn
            .query_row("SELECT action, comments FROM privacy_log", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("one log row");
        assert_eq!(logged, ("purge".to_string(), 1));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_backup_taken_under_writes_holds_every_comment_acknowledged_before_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store: Arc<dyn CommentStore> = Arc::new(SqliteStore::open(dir.path()).expect("open"));
        let acknowledged = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut writers = Vec::new();
        for w in 0..8 {
            let store = Arc::clone(&store);
            let acknowledged = Arc::clone(&acknowledged);
            writers.push(tokio::spawn(async move {
                for i in 0..150 {
                    let kept = store
                        .submit(comment(&format!("writer {w} comment {i}")), target(), "0.1")
                        .await
                        .expect("submit");
                    acknowledged.lock().expect("lock").push(kept.reference);
                }
            }));
        }
        // Wait until writing is under way, then back up while it goes on.
        let start = Instant::now();
        while acknowledged.lock().expect("lock").len() < 200 {
            assert!(start.elapsed() < Duration::from_secs(30), "writers stalled");
            tokio::task::yield_now().await;
        }
        let before: Vec<String> = acknowledged.lock().expect("lock").clone();
        let out = dir.path().join("backup.sqlite3");
        store.backup(&out).await.expect("backup");
        for w in writers {
            w.await.expect("writer");
        }
        let total = store.count().await.expect("count");
        assert_eq!(total, 1200);

        // Restore: the copy, put where a store expects its file, opens and holds every
        // comment acknowledged before the backup began.
        let restored = tempfile::tempdir().expect("tempdir");
        std::fs::copy(&out, restored.path().join(DB_FILE)).expect("copy back");
        let copy = SqliteStore::open(restored.path()).expect("open the restored file");
        let integrity: String = Connection::open(restored.path().join(DB_FILE))
            .expect("open")
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("integrity");
        assert_eq!(integrity, "ok");
        let in_copy = copy.count().await.expect("count");
        assert!(
            in_copy >= before.len() as u64 && in_copy <= total,
            "{in_copy}"
        );
        for reference in &before {
            assert!(
                copy.get(reference).await.expect("get").is_some(),
                "{reference} was acknowledged before the backup and is missing from it"
            );
        }
    }
}

/// The accounts, sessions and audit part of the contract (issue 25).
mod contract_accounts {
    use super::*;
    use copbook::comments::store::accounts::{
        AccountChange, AuditEntry, AuditQuery, NewAccount, NewSession,
    };

    fn entry(at_ms: i64, actor: &str, action: &str, subject: Option<&str>) -> AuditEntry {
        AuditEntry {
            at_ms,
            actor: actor.to_string(),
            action: action.to_string(),
            subject: subject.map(str::to_string),
            detail: None,
            client: Some("192.0.2.1".to_string()),
        }
    }

    fn account(name: &str, role: &str) -> NewAccount {
        NewAccount {
            name: name.to_string(),
            role: role.to_string(),
            password_hash: Some(format!("$argon2id$fake${name}")),
            email: Some(format!("{name}@example.org")),
            created_ms: 1_000,
        }
    }

    fn session(id: &str, account: &str) -> NewSession {
        NewSession {
            id_hash: id.to_string(),
            account: account.to_string(),
            created_ms: 2_000,
            client_hash: "c".to_string(),
        }
    }

    pub async fn accounts_keep_one_admin_and_changes_end_sessions(backend: &Backend) {
        let store = backend.open().await;
        assert!(store.accounts().await.expect("accounts").is_empty());
        store
            .add_account(
                account("ada", "admin"),
                entry(1_000, "cli", "account-add", Some("ada")),
            )
            .await
            .expect("add ada");
        store
            .add_account(
                account("mo", "moderator"),
                entry(1_001, "cli", "account-add", Some("mo")),
            )
            .await
            .expect("add mo");
        assert!(matches!(
            store
                .add_account(
                    account("ada", "analyst"),
                    entry(1_002, "cli", "account-add", None)
                )
                .await,
            Err(StoreError::AccountExists(_))
        ));
        let names: Vec<_> = store
            .accounts()
            .await
            .expect("accounts")
            .into_iter()
            .map(|a| (a.name, a.role, a.disabled))
            .collect();
        assert_eq!(
            names,
            [
                ("ada".to_string(), "admin".to_string(), false),
                ("mo".to_string(), "moderator".to_string(), false)
            ]
        );
        let by_email = store
            .account_by_email("MO@example.org")
            .await
            .expect("email");
        assert_eq!(by_email.map(|a| a.name).as_deref(), Some("mo"));

        // The last enabled admin cannot be disabled or demoted, and nothing changes.
        for change in [
            AccountChange::Disable,
            AccountChange::Role("analyst".into()),
        ] {
            assert!(matches!(
                store
                    .change_account("ada", change, entry(3_000, "cli", "x", None))
                    .await,
                Err(StoreError::LastAdmin)
            ));
        }
        let ada = store.account("ada").await.expect("read").expect("ada");
        assert!(!ada.disabled);
        assert_eq!(ada.role, "admin");
        assert!(matches!(
            store
                .change_account(
                    "nobody",
                    AccountChange::Disable,
                    entry(3_000, "cli", "x", None)
                )
                .await,
            Err(StoreError::NotFound(_))
        ));

        // Sessions: started, read with their account, touched, ended by any change.
        store
            .start_session(session("s1", "mo"), entry(2_000, "mo", "sign-in", None))
            .await
            .expect("session");
        let row = store.session("s1").await.expect("read").expect("s1");
        assert_eq!(
            (row.account.name.as_str(), row.created_ms, row.last_seen_ms),
            ("mo", 2_000, 2_000)
        );
        assert_eq!(row.account.known_client.as_deref(), Some("c"));
        store.touch_session("s1", 5_000).await.expect("touch");
        store.touch_session("s1", 4_000).await.expect("touch");
        let row = store.session("s1").await.expect("read").expect("s1");
        assert_eq!(row.last_seen_ms, 5_000, "a touch never moves the time back");
        for change in [
            AccountChange::Role("admin".into()),
            AccountChange::Password(Some("$argon2id$new".into())),
            AccountChange::Disable,
        ] {
            store
                .start_session(session("s2", "mo"), entry(6_000, "mo", "sign-in", None))
                .await
                .expect("session");
            store
                .change_account(
                    "mo",
                    change.clone(),
                    entry(7_000, "cli", "account-change", Some("mo")),
                )
                .await
                .unwrap_or_else(|e| panic!("{change:?}: {e}"));
            assert!(
                store.session("s2").await.expect("read").is_none(),
                "{change:?} ends the sessions"
            );
        }
        // With mo now an admin (disabled), ada is still the last enabled admin.
        assert!(matches!(
            store
                .change_account(
                    "ada",
                    AccountChange::Disable,
                    entry(8_000, "cli", "x", None)
                )
                .await,
            Err(StoreError::LastAdmin)
        ));
        store
            .change_account(
                "mo",
                AccountChange::Enable,
                entry(8_000, "cli", "account-enable", Some("mo")),
            )
            .await
            .expect("enable");
        store
            .change_account(
                "ada",
                AccountChange::Disable,
                entry(9_000, "cli", "account-disable", Some("ada")),
            )
            .await
            .expect("another admin remains");
        store
            .start_session(session("s3", "mo"), entry(9_500, "mo", "sign-in", None))
            .await
            .expect("session");
        store
            .end_session("s3", Some(entry(9_600, "mo", "sign-out", None)))
            .await
            .expect("end");
        assert!(store.session("s3").await.expect("read").is_none());

        // Every change above is in the audit, in order; failed changes left nothing.
        let actions: Vec<_> = store
            .audit_entries(&AuditQuery::default())
            .await
            .expect("audit")
            .into_iter()
            .rev()
            .map(|r| r.action)
            .collect();
        assert_eq!(
            actions,
            [
                "account-add",
                "account-add",
                "sign-in",
                "sign-in",
                "account-change",
                "sign-in",
                "account-change",
                "sign-in",
                "account-change",
                "account-enable",
                "account-disable",
                "sign-in",
                "sign-out"
            ]
        );
    }

    pub async fn the_audit_log_is_append_only_filtered_and_paged(backend: &Backend) {
        let store = backend.open().await;
        let day = 86_400_000;
        for i in 0..30i64 {
            let actor = if i % 3 == 0 { "ada" } else { "mo" };
            let action = if i % 2 == 0 { "status" } else { "tag" };
            store
                .append_audit(entry(i * day / 2, actor, action, Some("LEDS-AAAA-BBBB")))
                .await
                .expect("append");
        }
        let all = store
            .audit_entries(&AuditQuery::default())
            .await
            .expect("all");
        assert_eq!(all.len(), 30);
        assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
        assert_eq!(all[29].at, "1970-01-01T00:00:00.000Z");
        let ada = store
            .audit_entries(&AuditQuery {
                actor: Some("ada".into()),
                action: Some("status".into()),
                ..AuditQuery::default()
            })
            .await
            .expect("filter");
        assert_eq!(ada.len(), 5);
        assert!(ada.iter().all(|r| r.actor == "ada" && r.action == "status"));
        let window = store
            .audit_entries(&AuditQuery {
                from_ms: Some(2 * day),
                until_ms: Some(4 * day),
                ..AuditQuery::default()
            })
            .await
            .expect("dates");
        assert_eq!(window.len(), 4, "{window:?}");
        // Keyset pages: every row once.
        let mut seen = Vec::new();
        let mut before = None;
        loop {
            let page = store
                .audit_entries(&AuditQuery {
                    before_id: before,
                    limit: 7,
                    ..AuditQuery::default()
                })
                .await
                .expect("page");
            if page.is_empty() {
                break;
            }
            before = page.last().map(|r| r.id);
            seen.extend(page.into_iter().map(|r| r.id));
        }
        assert_eq!(seen, all.iter().map(|r| r.id).collect::<Vec<_>>());

        // The table refuses UPDATE and DELETE, whoever asks.
        match backend {
            Backend::Sqlite(dir) => {
                let conn = Connection::open(dir.path().join("data").join(DB_FILE)).expect("open");
                assert!(
                    conn.execute("UPDATE audit_log SET actor = 'x'", [])
                        .is_err()
                );
                assert!(conn.execute("DELETE FROM audit_log", []).is_err());
            }
            Backend::Postgres(db) => {
                let client = test_database::connect(&db.url).await.expect("connect");
                for sql in ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"] {
                    assert!(client.batch_execute(sql).await.is_err(), "{sql}");
                }
            }
        }
        assert_eq!(
            store
                .audit_entries(&AuditQuery::default())
                .await
                .expect("all"),
            all
        );
    }

    /// Makes every later insert into the audit log fail, as a full disk or a revoked
    /// privilege would.
    async fn refuse_audit_inserts(backend: &Backend) {
        match backend {
            Backend::Sqlite(dir) => {
                let conn = Connection::open(dir.path().join("data").join(DB_FILE)).expect("open");
                conn.execute_batch(
                    "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log
                     BEGIN SELECT RAISE(ABORT, 'the audit is refused'); END;",
                )
                .expect("trigger");
            }
            Backend::Postgres(db) => {
                db.execute(
                    "CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS
                       $$ BEGIN RAISE EXCEPTION 'the audit is refused'; END $$;
                     CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log
                       FOR EACH ROW EXECUTE FUNCTION test_refuse_audit();",
                )
                .await;
            }
        }
    }

    pub async fn each_comment_change_writes_its_audit_row_in_the_same_transaction(
        backend: &Backend,
    ) {
        let store = backend.open().await;
        let a = store
            .submit(comment("First."), target(), "0.1")
            .await
            .expect("a")
            .reference;
        let b = store
            .submit(comment("Second."), target(), "0.1")
            .await
            .expect("b")
            .reference;
        let by = |action: &str, subject: &str| Some(entry(5_000, "mo", action, Some(subject)));
        // Each change that happened has exactly one row; one that changed nothing has none.
        store
            .set_status_audited(&a, Status::Published, by("status", &a))
            .await
            .expect("status");
        assert!(matches!(
            store
                .set_status_audited("LEDS-0000-0000", Status::Hidden, by("status", "x"))
                .await,
            Err(StoreError::NotFound(_))
        ));
        assert!(
            store
                .add_code_audited("oversight", "mo", by("code-frame", "oversight"))
                .await
                .expect("code")
        );
        assert!(
            !store
                .add_code_audited("oversight", "mo", by("code-frame", "oversight"))
                .await
                .expect("code again")
        );
        assert!(
            store
                .tag_audited(&a, "oversight", "mo", by("tag", &a))
                .await
                .expect("tag")
        );
        assert!(
            !store
                .tag_audited(&a, "oversight", "mo", by("tag", &a))
                .await
                .expect("tag again")
        );
        assert!(
            store
                .untag_audited(&a, "oversight", by("untag", &a))
                .await
                .expect("untag")
        );
        store
            .record_decision_audited(DecisionKind::Merge, &a, Some(&b), "mo", by("merge", &a))
            .await
            .expect("merge");
        store
            .erase_audited(&b, by("erase", &b))
            .await
            .expect("erase");
        let rows = store
            .audit_entries(&AuditQuery::default())
            .await
            .expect("audit");
        let mut actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
        actions.reverse();
        assert_eq!(
            actions,
            ["status", "code-frame", "tag", "untag", "merge", "erase"]
        );

        // When the audit row cannot be written, the change is rolled back with it.
        refuse_audit_inserts(backend).await;
        let c = store
            .submit(comment("Third."), target(), "0.1")
            .await
            .expect("c: submitting writes no audit row")
            .reference;
        assert!(
            store
                .set_status_audited(&c, Status::Hidden, by("status", &c))
                .await
                .is_err()
        );
        assert_eq!(get(&*store, &c).await.expect("c").status, Status::Received);
        assert!(
            store
                .add_code_audited("supports", "mo", by("code-frame", "supports"))
                .await
                .is_err()
        );
        assert!(
            !store
                .codes()
                .await
                .expect("codes")
                .iter()
                .any(|e| e.code == "supports")
        );
        assert!(
            store
                .tag_audited(&c, "oversight", "mo", by("tag", &c))
                .await
                .is_err()
        );
        assert!(store.tags(None).await.expect("tags").is_empty());
        assert!(
            store
                .record_decision_audited(DecisionKind::Split, &c, None, "mo", by("split", &c))
                .await
                .is_err()
        );
        assert_eq!(store.decisions().await.expect("decisions").len(), 1);
        assert!(store.erase_audited(&c, by("erase", &c)).await.is_err());
        assert_eq!(store.erased_at(&c).await.expect("erased_at"), None);
        assert_eq!(get(&*store, &c).await.expect("c").body, "Third.");
        // Without an entry (tests and tools that record nothing) the change goes ahead.
        store
            .set_status(&c, Status::Hidden)
            .await
            .expect("unaudited");
        assert_eq!(
            store
                .audit_entries(&AuditQuery::default())
                .await
                .expect("audit")
                .len(),
            rows.len()
        );
    }
}
