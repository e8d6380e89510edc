//! The comment store against real SQLite files in temporary folders: durability,
//! group commit, failure, migrations, and the exports.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use copbook::comments::schema;
use copbook::comments::store::DB_FILE;
use copbook::comments::{
    ListQuery, NewComment, Publish, RespondentType, Status, Store, StoreError, StoreOptions,
    StoredComment, Target, export_csv, export_json,
};
use rusqlite::Connection;

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
        honeypot: false,
        language: "en".to_string(),
    }
}

fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(dir.path()).expect("open store")
}

fn all(store: &Store) -> Vec<StoredComment> {
    store
        .list(&ListQuery {
            limit: usize::MAX,
            ..ListQuery::default()
        })
        .expect("list")
}

/// Polls `fut` once: far enough for `Store::submit` to queue its job (the queue has
/// room), not far enough for an answer.
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

#[tokio::test]
async fn submit_then_get_returns_identical_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
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

    let got = store.get(&stored.reference).expect("get").expect("found");
    assert_eq!(got, stored);
    // As a person might retype it.
    let typed = stored.reference.to_lowercase().replace('-', " ");
    assert_eq!(store.get(&typed).expect("get"), Some(stored));
    assert_eq!(store.get("LEDS-0000-0000").expect("get"), None);
    assert_eq!(store.get("nonsense").expect("get"), None);
}

#[tokio::test]
async fn xss_payload_is_stored_intact_byte_for_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    let payload = "<script>alert(\"x\")</script><img src=x onerror='alert(1)'>&amp;\u{202e}\n\t«ż»🦀 ' OR 1=1; --";
    let mut c = comment(payload);
    c.name = Some("\"><svg onload=alert(document.cookie)>".to_string());
    c.organisation = None;
    let stored = store.submit(c, target(), "0.1").await.expect("submit");
    let got = store.get(&stored.reference).expect("get").expect("found");
    assert_eq!(got.body.as_bytes(), payload.as_bytes());
    assert_eq!(
        got.name.as_deref().map(str::as_bytes),
        Some("\"><svg onload=alert(document.cookie)>".as_bytes())
    );

    let mut json = Vec::new();
    export_json(&store, &mut json).expect("json");
    let parsed: Vec<StoredComment> = serde_json::from_slice(&json).expect("parse");
    assert_eq!(parsed[0].body.as_bytes(), payload.as_bytes());
}

#[tokio::test]
async fn the_honeypot_stores_the_comment_as_spam() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    let mut c = comment("Buy now");
    c.honeypot = true;
    let stored = store.submit(c, target(), "0.1").await.expect("submit");
    assert_eq!(stored.status, Status::Spam);
    assert_eq!(
        store.get(&stored.reference).expect("get").map(|c| c.status),
        Some(Status::Spam)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn references_are_unique_over_10000_submissions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    let mut tasks = Vec::new();
    for t in 0..100 {
        let store = store.clone();
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
    assert_eq!(store.count().expect("count"), 10_000);
    let stored: HashSet<String> = all(&store).into_iter().map(|c| c.reference).collect();
    assert_eq!(stored, refs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn submissions_from_32_concurrent_tasks_are_all_acknowledged_and_kept_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    let mut tasks = Vec::new();
    for t in 0..32 {
        let store = store.clone();
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
    let stored = all(&store);
    assert_eq!(stored.len(), acked.len(), "no duplicates, nothing missing");
    let bodies: HashSet<&str> = stored.iter().map(|c| c.body.as_str()).collect();
    assert_eq!(bodies.len(), acked.len());
    for a in &acked {
        assert_eq!(store.get(&a.reference).expect("get").as_ref(), Some(a));
    }
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
    assert_eq!(store.count().expect("count"), 320);
}

#[tokio::test]
async fn reopening_the_data_dir_finds_every_comment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("nested/data");
    let mut acked = Vec::new();
    {
        let store = Store::open(&data).expect("open creates the folder");
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
    let store = Store::open(&data).expect("reopen");
    assert_eq!(all(&store), acked);
    // And it still takes comments.
    store
        .submit(comment("after reopening"), target(), "0.2")
        .await
        .expect("submit");
    assert_eq!(store.count().expect("count"), 51);
}

#[tokio::test]
async fn a_new_file_is_migrated_from_version_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        // An existing, empty database: user_version 0, no tables.
        let conn = Connection::open(dir.path().join(DB_FILE)).expect("create");
        assert_eq!(schema::version(&conn).expect("version"), 0);
    }
    let store = open(&dir);
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
    assert_eq!(schema::version(&conn).expect("version"), schema::VERSION);
    let journal: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .expect("journal_mode");
    assert_eq!(journal, "wal");
    store
        .submit(comment("first"), target(), "0.1")
        .await
        .expect("submit");
    assert_eq!(store.count().expect("count"), 1);
}

#[tokio::test]
async fn a_version_1_database_is_migrated_and_keeps_its_comments() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let conn = Connection::open(dir.path().join(DB_FILE)).expect("create");
        conn.execute_batch(schema::MIGRATIONS[0])
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
        assert_eq!(schema::version(&conn).expect("version"), schema::VERSION);
    }
    let old = store.get("LEDS-AAAA-BBBB").expect("get").expect("kept");
    assert_eq!(old.body, "Written under v1");
    assert_eq!(old.organisation.as_deref(), Some("Acme"));
    assert_eq!(old.status_changed_at, None);
    // The column added by migration 2 works.
    store
        .set_status("LEDS-AAAA-BBBB", Status::Published)
        .await
        .expect("set status");
    let old = store.get("LEDS-AAAA-BBBB").expect("get").expect("kept");
    assert_eq!(old.status, Status::Published);
    assert!(old.status_changed_at.is_some());
}

#[test]
fn a_database_from_a_newer_copbook_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let conn = Connection::open(dir.path().join(DB_FILE)).expect("create");
        conn.pragma_update(None, "user_version", schema::VERSION + 1)
            .expect("version");
    }
    match Store::open(dir.path()) {
        Err(StoreError::Migrate {
            source: schema::MigrateError::Unsupported { found },
            ..
        }) => {
            assert_eq!(found, schema::VERSION + 1);
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

#[test]
fn a_bad_reference_prefix_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let options = StoreOptions {
        reference_prefix: "leds".to_string(),
        ..StoreOptions::default()
    };
    assert!(matches!(
        Store::open_with(dir.path(), options),
        Err(StoreError::BadPrefix(_))
    ));
}

#[tokio::test]
async fn a_prefix_from_the_settings_is_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let options = StoreOptions {
        reference_prefix: "COP".to_string(),
        ..StoreOptions::default()
    };
    let store = Store::open_with(dir.path(), options).expect("open");
    let stored = store
        .submit(comment("x"), target(), "0.1")
        .await
        .expect("submit");
    assert!(stored.reference.starts_with("COP-"));
    assert_eq!(stored.reference.len(), "COP-XXXX-XXXX".len());
}

#[tokio::test]
async fn a_reference_collision_draws_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seeded = || StoreOptions {
        insecure_reference_seed: Some(7),
        ..StoreOptions::default()
    };
    let first = {
        let store = Store::open_with(dir.path(), seeded()).expect("open");
        store
            .submit(comment("one"), target(), "0.1")
            .await
            .expect("submit")
    };
    // Same seed: the first reference drawn is the one already stored.
    let store = Store::open_with(dir.path(), seeded()).expect("reopen");
    let second = store
        .submit(comment("two"), target(), "0.1")
        .await
        .expect("submit");
    assert_ne!(first.reference, second.reference);
    assert_eq!(
        store.get(&first.reference).expect("get").map(|c| c.body),
        Some("one".into())
    );
    assert_eq!(
        store.get(&second.reference).expect("get").map(|c| c.body),
        Some("two".into())
    );
}

/// Holds SQLite's write lock from another connection, so the store's writer waits in
/// `BEGIN IMMEDIATE` (for up to its busy timeout) with the batch it has taken.
fn lock_db(dir: &tempfile::TempDir) -> Connection {
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
    conn.execute_batch("BEGIN IMMEDIATE").expect("lock");
    conn
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_batch_refuses_every_job_and_stores_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    // About 30 pages of 4 KiB: room for the schema, a few long comments, not twenty.
    let options = StoreOptions {
        max_page_count: Some(30),
        ..StoreOptions::default()
    };
    let store = Store::open_with(dir.path(), options).expect("open");

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
    let stored = all(&store);
    assert_eq!(stored, vec![small]);

    // The writer carries on: a comment that fits is accepted.
    store
        .submit(comment("after"), target(), "0.1")
        .await
        .expect("submit after failure");
    assert_eq!(store.count().expect("count"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn closing_answers_every_queued_job_then_refuses_new_ones() {
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

    let closer = tokio::task::spawn_blocking({
        let store = store.clone();
        move || store.close()
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!closer.is_finished(), "close waits for the writer");
    lock.execute_batch("COMMIT").expect("unlock");
    closer.await.expect("close");

    first.await.expect("taken before close: acknowledged");
    for task in tasks {
        task.await
            .expect("task")
            .expect("queued before close: acknowledged");
    }
    assert_eq!(store.count().expect("reads still work"), 40);
    assert!(matches!(
        store.submit(comment("late"), target(), "0.1").await,
        Err(StoreError::Closed)
    ));
}

#[tokio::test]
async fn set_status_list_and_stats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
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
        .expect("list");
    assert_eq!(general, vec![g.clone()]);
    let page = store
        .list(&ListQuery {
            offset: 1,
            limit: 2,
            ..ListQuery::default()
        })
        .expect("list");
    assert_eq!(page.len(), 2);
    assert_eq!(page[0].reference, b.reference);

    let stats = store.stats().expect("stats");
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

#[tokio::test]
async fn csv_export_neutralises_formulas_and_round_trips_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
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

    let mut out = Vec::new();
    export_csv(&store, &mut out).expect("csv");
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, copbook::comments::export::CSV_HEADER);
    let col = |name: &str| header.iter().position(|h| h == name).expect("column");
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("records");
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

#[tokio::test]
async fn json_export_has_every_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    let mut empty = Vec::new();
    export_json(&store, &mut empty).expect("json");
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
    let b = store.get(&b.reference).expect("get").expect("found");

    let mut out = Vec::new();
    export_json(&store, &mut out).expect("json");
    let values: Vec<serde_json::Value> = serde_json::from_slice(&out).expect("parse");
    assert_eq!(values.len(), 2);
    for v in &values {
        let keys: HashSet<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        let expected: HashSet<&str> = copbook::comments::export::CSV_HEADER.into_iter().collect();
        assert_eq!(keys, expected);
    }
    assert_eq!(values[0]["body"], "=1+1", "JSON is not neutralised");
    assert_eq!(values[1]["target_number"], serde_json::Value::Null);
    assert_eq!(values[1]["status"], "hidden");
    let parsed: Vec<StoredComment> = serde_json::from_slice(&out).expect("parse");
    assert_eq!(parsed, vec![a, b]);
}
