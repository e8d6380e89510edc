//! A fresh PostgreSQL database per test on the machine's server (127.0.0.1:5432, trust
//! authentication), dropped when the test ends.
//!
//! When the server cannot be reached the test fails if `CI` is set, and otherwise is
//! skipped with a printed reason.

#![allow(dead_code)]

use rand::Rng;

/// Where test databases are created from; `COPBOOK_TEST_POSTGRES` overrides it.
pub fn admin_url() -> String {
    std::env::var("COPBOOK_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A database named `copbook_test_<random>`, dropped (with its connections) on drop.
#[derive(Debug)]
pub struct TestDatabase {
    /// The database's name.
    pub name: String,
    /// A URL connecting to it.
    pub url: String,
    admin: String,
}

impl TestDatabase {
    /// Creates a database on the local server, or `None` (test skipped) when there is
    /// no server outside CI. Under CI a missing server fails the test.
    pub async fn create(test: &str) -> Option<TestDatabase> {
        Self::create_on(&admin_url(), test).await
    }

    /// Creates a database through the server at `admin` (a URL to an existing database).
    pub async fn create_on(admin: &str, test: &str) -> Option<TestDatabase> {
        let client = match connect(admin).await {
            Ok(client) => client,
            Err(e) => {
                let reason = format!("PostgreSQL at {admin} is unreachable: {e}");
                if std::env::var_os("CI").is_some() {
                    panic!("{test}: {reason} (CI is set, so this fails)");
                }
                eprintln!("skipping {test}: {reason}");
                return None;
            }
        };
        let name = format!("copbook_test_{:016x}", rand::thread_rng().r#gen::<u64>());
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create the test database");
        let url = match admin.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => panic!("admin URL {admin} names no database"),
        };
        Some(TestDatabase {
            name,
            url,
            admin: admin.to_string(),
        })
    }

    /// Runs `sql` on the test database.
    pub async fn execute(&self, sql: &str) {
        connect(&self.url)
            .await
            .expect("connect to the test database")
            .batch_execute(sql)
            .await
            .expect("run SQL on the test database");
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop may run inside a runtime: do the async work on a thread of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                if let Ok(client) = connect(&admin).await {
                    let _ = client.batch_execute(&sql).await;
                }
            });
        })
        .join();
        if dropped.is_err() {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

/// A plain connection, its driver running on the current runtime.
pub async fn connect(url: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}
