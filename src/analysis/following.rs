//! Where commented paragraphs are now: each comment followed from the draft it was made
//! on into the book as it stands ([`crate::drafts::follow`]), and the comments tallied per
//! paragraph, as `copbook comments stats --book` and `comments export --book` show them.

use crate::book::Corpus;
use crate::comments::{CommentStore, Status, StoreError, StoredComment};
use crate::drafts::follow::{self, Followed, FollowedCount};

/// Where the paragraph comment `c` is about is now in `corpus`.
pub fn followed(c: &StoredComment, corpus: &Corpus) -> Followed {
    follow::follow(
        &c.target_id,
        c.target_number.as_deref(),
        &c.target_text,
        &c.draft_version,
        corpus,
    )
}

/// Every comment of `store` but spam, followed into `corpus` and tallied per paragraph
/// (removed paragraphs last). Erased comments count: they still name their paragraph.
pub async fn tally(
    store: &dyn CommentStore,
    corpus: &Corpus,
) -> Result<Vec<FollowedCount>, StoreError> {
    let mut rows = store.export().await?;
    let mut items = Vec::new();
    while let Some(row) = rows.next().await {
        let c = row?;
        if c.status != Status::Spam {
            let f = followed(&c, corpus);
            items.push((c.target_id, f, c.target_text));
        }
    }
    Ok(follow::tally(items))
}
