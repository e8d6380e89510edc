//! The `WHERE` clause of an analysis [`Filter`], written once for both backends (in
//! PostgreSQL's form, which [`for_sqlite`](super::sql::for_sqlite) turns into
//! SQLite's): only the conditions asked for are in the SQL (so each can use its index),
//! every value is a bound parameter, never spliced into the text.

use super::super::coding::Filter;
use super::super::model::Status;

/// A bound value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SqlValue {
    Text(String),
    Int(i64),
    /// A list of texts (an array; SQLite receives it as a JSON array).
    List(Vec<String>),
}

/// `WHERE …` (or an empty string) for `filter`, with `after` (a reference) as the keyset
/// cursor: only comments stored after it. Parameters are numbered from 1.
pub(crate) fn where_clause(filter: &Filter, after: Option<&str>) -> (String, Vec<SqlValue>) {
    let mut conditions: Vec<String> = Vec::new();
    let mut values: Vec<SqlValue> = Vec::new();
    let param = |value: SqlValue, values: &mut Vec<SqlValue>| -> String {
        let cast = match &value {
            SqlValue::Text(_) => "::TEXT",
            SqlValue::Int(_) => "::BIGINT",
            SqlValue::List(_) => "::TEXT[]",
        };
        values.push(value);
        format!("${}{cast}", values.len())
    };
    let text = |s: &String| SqlValue::Text(s.clone());
    if let Some(t) = &filter.target {
        conditions.push(format!("target_id = {}", param(text(t), &mut values)));
    }
    if let Some(q) = &filter.question {
        conditions.push(format!("question = {}", param(text(q), &mut values)));
    }
    match filter.status {
        Some(s) => conditions.push(format!(
            "status = {}",
            param(SqlValue::Text(s.as_str().into()), &mut values)
        )),
        None if filter.no_spam => conditions.push(format!(
            "status <> {}",
            param(SqlValue::Text(Status::Spam.as_str().into()), &mut values)
        )),
        None => {}
    }
    if let Some(r) = filter.respondent_type {
        conditions.push(format!(
            "respondent_type = {}",
            param(SqlValue::Text(r.as_str().into()), &mut values)
        ));
    }
    if let Some(code) = &filter.code {
        conditions.push(format!(
            "reference IN (SELECT t.reference FROM comment_codes t WHERE t.code = {})",
            param(text(code), &mut values)
        ));
    }
    if filter.uncoded {
        conditions.push(
            "NOT EXISTS (SELECT 1 FROM comment_codes t WHERE t.reference = comments.reference)"
                .to_string(),
        );
    }
    if let Some(refs) = &filter.references {
        conditions.push(format!(
            "reference = ANY({})",
            param(SqlValue::List(refs.clone()), &mut values)
        ));
    }
    if filter.not_erased {
        conditions.push("erased_at IS NULL".to_string());
    }
    if let Some(ms) = filter.received_from_ms {
        conditions.push(format!(
            "received_at_ms >= {}",
            param(SqlValue::Int(ms), &mut values)
        ));
    }
    if let Some(ms) = filter.received_before_ms {
        conditions.push(format!(
            "received_at_ms < {}",
            param(SqlValue::Int(ms), &mut values)
        ));
    }
    if let Some(after) = after {
        conditions.push(format!(
            "id > (SELECT c.id FROM comments c WHERE c.reference = {})",
            param(SqlValue::Text(after.to_string()), &mut values)
        ));
    }
    if conditions.is_empty() {
        (String::new(), values)
    } else {
        (format!("WHERE {}", conditions.join(" AND ")), values)
    }
}

#[cfg(test)]
mod tests {
    use super::super::sql::for_sqlite;
    use super::*;

    #[test]
    fn only_the_conditions_asked_for_and_every_value_bound() {
        let (sql, values) = where_clause(&Filter::default(), None);
        assert_eq!(sql, "");
        assert!(values.is_empty());
        let filter = Filter {
            target: Some("x' OR 1=1 --".into()),
            code: Some("supports".into()),
            uncoded: true,
            references: Some(vec!["A".into()]),
            received_from_ms: Some(5),
            ..Filter::default()
        };
        let (sql, values) = where_clause(&filter, Some("LEDS-1"));
        assert!(!sql.contains("OR 1=1"), "{sql}");
        assert!(
            sql.starts_with("WHERE target_id = $1::TEXT AND reference IN (SELECT"),
            "{sql}"
        );
        assert!(sql.contains("reference = ANY($3::TEXT[])"), "{sql}");
        assert!(sql.ends_with("c.reference = $5::TEXT)"), "{sql}");
        assert_eq!(values.len(), 5);
        let sqlite = for_sqlite(&sql);
        assert!(
            sqlite.contains("reference IN (SELECT value FROM json_each(?3))"),
            "{sqlite}"
        );
        assert!(sqlite.ends_with("c.reference = ?5)"), "{sqlite}");
    }
}
