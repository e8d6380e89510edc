//! When respondents' personal data is due for deletion, and the reminder `serve` gives
//! (in its log at start-up and on `/admin/`) until `copbook comments purge` has run.

use jiff::Timestamp;

use super::store::CommentStore;
use super::window::Window;
use crate::config::Consultation;
use crate::i18n::{Arg, Catalogue, Language};

/// Why a purge is due: comments that still hold personal data after the retention
/// period ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeDue {
    /// Comments still holding a name, organisation or email address.
    pub held: u64,
    /// The retention period, in months after the consultation closed.
    pub months: u32,
    /// When the retention period ended.
    pub due: Timestamp,
}

impl PurgeDue {
    /// The reminder in the drafters' words (`admin-purge-reminder`).
    pub fn message(&self, words: &Catalogue) -> String {
        words.message(
            Language::English,
            "admin-purge-reminder",
            &[
                ("held", Arg::from(self.held)),
                ("months", Arg::from(u64::from(self.months))),
                ("due", Arg::from(self.due.strftime("%Y-%m-%d").to_string())),
            ],
        )
    }
}

/// The reminder to purge, when the retention period set in book.toml
/// (`retention-months` after the consultation closes) has passed and comments still
/// hold personal data; `None` otherwise, or when the settings or store cannot say.
pub async fn purge_reminder(
    store: &dyn CommentStore,
    consultation: &Consultation,
    now: Timestamp,
) -> Option<PurgeDue> {
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
    (held > 0).then_some(PurgeDue { held, months, due })
}
