//! When respondents' personal data is due for deletion, and the reminder `serve` gives
//! (in its log at start-up and on `/admin/`) until `copbook comments purge` has run.

use jiff::Timestamp;

use super::store::CommentStore;
use super::window::Window;
use crate::config::Consultation;

/// The reminder to purge, when the retention period set in book.toml
/// (`retention-months` after the consultation closes) has passed and comments still
/// hold personal data; `None` otherwise, or when the settings or store cannot say.
pub async fn purge_reminder(
    store: &dyn CommentStore,
    consultation: &Consultation,
    now: Timestamp,
) -> Option<String> {
    let months = consultation.retention_months;
    let due = Window::from_settings(consultation)
        .ok()?
        .purge_due(months)?;
    if now < due {
        return None;
    }
    let held = match store.personal_data_held(now.as_millisecond()).await {
        Ok(held) => held,
        Err(e) => {
            tracing::warn!("cannot tell whether personal data is due for deletion: {e}");
            return None;
        }
    };
    (held > 0).then(|| {
        format!(
            "{held} comments still hold names or email addresses although the retention period \
             ({months} months after the consultation closed) ended on {}: run `copbook comments purge`",
            due.strftime("%Y-%m-%d")
        )
    })
}
