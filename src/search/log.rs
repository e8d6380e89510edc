//! What readers searched for, kept so the drafters can see where the book fails them:
//! per day, each normalised query with how often it was searched, how often it found
//! nothing, and how often a result was opened; and, week by week, the searches that
//! found nothing (the report's first list: where the book fails its readers).
//!
//! Privacy by construction: the log stores only the query text, normalised (NFKC,
//! lowercased, spaces collapsed, cut to [`MAX_LOGGED_CHARS`]) with anything that looks
//! like an email address, a phone number, a UK postcode, a National Insurance number, a
//! receipt reference or a long number replaced by a placeholder (`search::scrub`), and counts per
//! calendar day (UTC). No IP address, cookie, user agent or time finer than the day is
//! ever stored. A query seen only once is dropped after [`KEEP_SINGLETONS_DAYS`] days.
//!
//! The log lives in its own SQLite file (`search-log.sqlite` in the server's data
//! folder), apart from the comments store.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// The log's file name in the data folder.
pub const FILE_NAME: &str = "search-log.sqlite";
/// Longest query kept, in characters.
pub const MAX_LOGGED_CHARS: usize = 200;
/// Days after which a query searched only once is forgotten.
pub const KEEP_SINGLETONS_DAYS: i64 = 30;
/// Rows shown per list of a report.
pub const REPORT_ROWS: usize = 20;
/// Days shown one by one in a report.
pub const REPORT_DAYS: usize = 14;
/// Weeks shown in the report of searches that found nothing.
pub const REPORT_WEEKS: usize = 8;

/// Why the search log could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The file could not be opened or its table created.
    #[error("cannot open the search log {path}: {source} (check the data folder is writable)")]
    Open {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A read or write failed.
    #[error("search log: {0}")]
    Sql(#[from] rusqlite::Error),
    /// Another thread panicked while holding the log.
    #[error("search log: the connection is poisoned")]
    Poisoned,
}

/// The search log. Cheap to clone; one connection shared behind a mutex (writes are
/// one small upsert each).
#[derive(Clone)]
pub struct SearchLog {
    conn: Arc<Mutex<Connection>>,
    /// The last day [`SearchLog::prune_daily`] pruned on.
    pruned_on: Arc<Mutex<String>>,
}

impl std::fmt::Debug for SearchLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchLog")
    }
}

/// One query's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryCount {
    /// The normalised query.
    pub query: String,
    /// Times searched.
    pub searches: i64,
    /// Times it found nothing.
    pub empty: i64,
    /// Times a result was opened.
    pub clicks: i64,
}

/// The lists for one day or for all days.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Period {
    /// `YYYY-MM-DD`, or `None` for all days.
    pub day: Option<String>,
    /// Searches in the period.
    pub searches: i64,
    /// Most searched queries.
    pub frequent: Vec<QueryCount>,
    /// Queries that found nothing, most frequent first.
    pub no_results: Vec<QueryCount>,
    /// Queries with results where nobody opened one, most frequent first.
    pub no_clicks: Vec<QueryCount>,
}

/// The searches that found nothing in one week (Monday to Sunday, UTC).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Week {
    /// The week's Monday, `YYYY-MM-DD`.
    pub week: String,
    /// Searches that found nothing that week.
    pub empty: i64,
    /// The queries that found nothing, most frequent first (at most [`REPORT_ROWS`]).
    pub queries: Vec<QueryCount>,
}

/// What `/admin/searches` shows.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// The latest [`REPORT_WEEKS`] weeks with a search that found nothing, newest first.
    pub weeks: Vec<Week>,
    /// All days kept.
    pub overall: Period,
    /// The latest days with searches, newest first.
    pub days: Vec<Period>,
}

impl SearchLog {
    /// Opens (creating if needed) the log in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<SearchLog, LogError> {
        let path = data_dir.join(FILE_NAME);
        let open_err = |source| LogError::Open {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(data_dir).map_err(|e| LogError::Open {
            path: path.clone(),
            source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
        })?;
        let conn = Connection::open(&path).map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_err)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS searches (
                day TEXT NOT NULL,
                query TEXT NOT NULL,
                searches INTEGER NOT NULL DEFAULT 0,
                empty INTEGER NOT NULL DEFAULT 0,
                clicks INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (day, query)
            ) WITHOUT ROWID;",
        )
        .map_err(open_err)?;
        Ok(SearchLog {
            conn: Arc::new(Mutex::new(conn)),
            pruned_on: Arc::new(Mutex::new(String::new())),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, LogError> {
        let conn = self.conn.lock().map_err(|_| LogError::Poisoned)?;
        Ok(f(&conn)?)
    }

    /// Counts a search for `text` that found `found` entries, on `day` (`YYYY-MM-DD`).
    /// Text with nothing left once normalised is not counted.
    pub fn record_search(&self, text: &str, found: usize, day: &str) -> Result<(), LogError> {
        let query = normalise(text);
        if query.is_empty() {
            return Ok(());
        }
        self.with(|c| {
            c.execute(
                "INSERT INTO searches (day, query, searches, empty) VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT (day, query) DO UPDATE SET
                   searches = searches + 1, empty = empty + excluded.empty",
                params![day, query, i64::from(found == 0)],
            )
            .map(drop)
        })
    }

    /// Counts a result opened from a search for `text` on `day`; only a query searched
    /// that day is counted.
    pub fn record_click(&self, text: &str, day: &str) -> Result<(), LogError> {
        let query = normalise(text);
        if query.is_empty() {
            return Ok(());
        }
        self.with(|c| {
            c.execute(
                "UPDATE searches SET clicks = clicks + 1 WHERE day = ?1 AND query = ?2",
                params![day, query],
            )
            .map(drop)
        })
    }

    /// Forgets queries searched only once in all, on days before `cutoff` (the day
    /// [`KEEP_SINGLETONS_DAYS`] before today). Returns how many rows went.
    pub fn prune(&self, cutoff: &str) -> Result<usize, LogError> {
        self.with(|c| {
            c.execute(
                "DELETE FROM searches WHERE day < ?1 AND query IN
                   (SELECT query FROM searches GROUP BY query HAVING SUM(searches) <= 1)",
                params![cutoff],
            )
        })
    }

    /// Prunes once per day: the first call on a new `today` prunes before `cutoff`.
    pub fn prune_daily(&self, today: &str, cutoff: &str) -> Result<(), LogError> {
        {
            let mut last = self.pruned_on.lock().map_err(|_| LogError::Poisoned)?;
            if *last == today {
                return Ok(());
            }
            *last = today.to_string();
        }
        self.prune(cutoff).map(drop)
    }

    /// The report: overall, then the latest [`REPORT_DAYS`] days.
    pub fn report(&self) -> Result<Report, LogError> {
        self.with(|c| {
            let overall = period(c, None)?;
            let mut stmt =
                c.prepare("SELECT DISTINCT day FROM searches ORDER BY day DESC LIMIT ?1")?;
            let days: Vec<String> = stmt
                .query_map(params![REPORT_DAYS as i64], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let days = days
                .iter()
                .map(|d| period(c, Some(d)))
                .collect::<Result<_, _>>()?;
            let weeks = weeks_without_results(c)?;
            Ok(Report {
                weeks,
                overall,
                days,
            })
        })
    }
}

/// The searches that found nothing, week by week (weeks start on Monday).
fn weeks_without_results(c: &Connection) -> rusqlite::Result<Vec<Week>> {
    let mut stmt = c.prepare_cached(
        "SELECT date(day, '-6 days', 'weekday 1') AS week, query,
                SUM(searches), SUM(empty) AS e, SUM(clicks)
         FROM searches GROUP BY week, query HAVING e > 0
         ORDER BY week DESC, e DESC, query",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?,
            QueryCount {
                query: r.get(1)?,
                searches: r.get(2)?,
                empty: r.get(3)?,
                clicks: r.get(4)?,
            },
        ))
    })?;
    let mut weeks: Vec<Week> = Vec::new();
    for row in rows {
        // A day SQLite cannot read has no week; it is left out.
        let (Some(week), count) = row? else { continue };
        if weeks.last().is_none_or(|w| w.week != week) {
            if weeks.len() == REPORT_WEEKS {
                break;
            }
            weeks.push(Week {
                week,
                ..Week::default()
            });
        }
        if let Some(w) = weeks.last_mut() {
            w.empty += count.empty;
            if w.queries.len() < REPORT_ROWS {
                w.queries.push(count);
            }
        }
    }
    Ok(weeks)
}

/// The lists for one day (or all days with `None`).
fn period(c: &Connection, day: Option<&str>) -> rusqlite::Result<Period> {
    let list = |filter: &str, order: &str| -> rusqlite::Result<Vec<QueryCount>> {
        let sql = format!(
            "SELECT query, SUM(searches) AS s, SUM(empty) AS e, SUM(clicks) AS k
             FROM searches WHERE (?1 IS NULL OR day = ?1)
             GROUP BY query HAVING {filter} ORDER BY {order}, query LIMIT ?2"
        );
        let mut stmt = c.prepare_cached(&sql)?;
        stmt.query_map(params![day, REPORT_ROWS as i64], |r| {
            Ok(QueryCount {
                query: r.get(0)?,
                searches: r.get(1)?,
                empty: r.get(2)?,
                clicks: r.get(3)?,
            })
        })?
        .collect()
    };
    let searches: Option<i64> = c
        .query_row(
            "SELECT SUM(searches) FROM searches WHERE (?1 IS NULL OR day = ?1)",
            params![day],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(Period {
        day: day.map(str::to_string),
        searches: searches.unwrap_or(0),
        frequent: list("s > 0", "s DESC")?,
        no_results: list("e > 0", "e DESC")?,
        no_clicks: list("s > e AND k = 0", "s DESC")?,
    })
}

/// The query as stored: NFKC, lowercased, personal details replaced ([`super::scrub`]
/// says what is replaced and what is kept), spaces collapsed, cut to [`MAX_LOGGED_CHARS`]
/// characters.
pub fn normalise(text: &str) -> String {
    super::scrub::scrub(text)
        .chars()
        .take(MAX_LOGGED_CHARS)
        .collect::<String>()
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_strips_personal_details() {
        assert_eq!(normalise("  Delete   MY Record "), "delete my record");
        assert_eq!(
            normalise("email jo.bloggs@example.com about my file"),
            "email [email] about my file"
        );
        assert_eq!(
            normalise("call me on 07700 900123 please"),
            "call me on [phone] please"
        );
        assert_eq!(normalise("+44 (0)20 7946 0958"), "[phone]");
        assert_eq!(normalise("police near SW1A 1AA"), "police near [postcode]");
        assert_eq!(normalise("m1 1ae station"), "[postcode] station");
        assert_eq!(normalise("ls11ue"), "[postcode]");
        assert_eq!(normalise("paragraph 4.3"), "paragraph 4.3");
        assert_eq!(normalise("what is a dpia"), "what is a dpia");
        assert_eq!(normalise("ref 12345678"), "ref [phone]");
        assert_eq!(normalise("ref ab12345678"), "ref [number]");
        assert_eq!(
            normalise(&"x".repeat(500)).chars().count(),
            MAX_LOGGED_CHARS
        );
        assert_eq!(normalise(" \t "), "");
    }

    #[test]
    fn counts_searches_empties_and_clicks_per_day_and_prunes_singletons() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = SearchLog::open(dir.path()).expect("open");
        log.record_search("Keep my photo", 3, "2026-10-01")
            .expect("record");
        log.record_search("keep  my photo", 3, "2026-10-01")
            .expect("record");
        log.record_click("keep my photo", "2026-10-01")
            .expect("click");
        log.record_search("zzzz", 0, "2026-10-01").expect("record");
        log.record_search("once only", 2, "2026-10-02")
            .expect("record");
        log.record_search("keep my photo", 1, "2026-11-20")
            .expect("record");
        log.record_click("never searched", "2026-11-20")
            .expect("click");

        let report = log.report().expect("report");
        assert_eq!(report.overall.searches, 5);
        assert_eq!(report.overall.frequent[0].query, "keep my photo");
        assert_eq!(report.overall.frequent[0].searches, 3);
        assert_eq!(report.overall.frequent[0].clicks, 1);
        assert_eq!(report.overall.no_results.len(), 1);
        assert_eq!(report.overall.no_results[0].query, "zzzz");
        let no_clicks: Vec<&str> = report
            .overall
            .no_clicks
            .iter()
            .map(|q| q.query.as_str())
            .collect();
        assert_eq!(no_clicks, ["once only"]);
        assert_eq!(report.days.len(), 3);
        assert_eq!(report.days[0].day.as_deref(), Some("2026-11-20"));
        assert_eq!(report.days[0].no_clicks[0].query, "keep my photo");

        // Queries seen once, on days before the cutoff, go; repeated ones stay.
        let gone = log.prune("2026-10-31").expect("prune");
        assert_eq!(gone, 2);
        let report = log.report().expect("report");
        let kept: Vec<&str> = report
            .overall
            .frequent
            .iter()
            .map(|q| q.query.as_str())
            .collect();
        assert_eq!(kept, ["keep my photo"]);

        // Searches that found nothing, week by week (Monday to Sunday): Sunday
        // 2026-11-29 counts with Monday 2026-11-23, Monday 2026-11-30 starts a new week.
        // (October's "zzzz", searched once, was pruned above.)
        log.record_search("zzzz", 0, "2026-11-23").expect("record");
        log.record_search("qqqq", 0, "2026-11-29").expect("record");
        log.record_search("qqqq", 0, "2026-11-29").expect("record");
        log.record_search("zzzz", 0, "2026-11-30").expect("record");
        let weeks = log.report().expect("report").weeks;
        type WeekSummary<'a> = (&'a str, i64, Vec<(&'a str, i64)>);
        let summary: Vec<WeekSummary> = weeks
            .iter()
            .map(|w| {
                let queries = w
                    .queries
                    .iter()
                    .map(|q| (q.query.as_str(), q.empty))
                    .collect();
                (w.week.as_str(), w.empty, queries)
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("2026-11-30", 1, vec![("zzzz", 1)]),
                ("2026-11-23", 3, vec![("qqqq", 2), ("zzzz", 1)]),
            ]
        );

        // Nothing but counts and the day is stored.
        let conn = Connection::open(dir.path().join(FILE_NAME)).expect("open file");
        let columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info('searches')")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(columns, ["day", "query", "searches", "empty", "clicks"]);
    }
}
