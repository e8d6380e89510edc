//! The two secrets a submission may carry, kept only as SHA-256 hashes.
//!
//! - An **idempotency key** (a hidden field of the form, the `Idempotency-Key` header of
//!   the API): a retry of the same submission with the same key returns the first
//!   receipt instead of storing the comment twice. The stored hash covers the key *and*
//!   the submission, so the same key sent with different text is a new comment, and a
//!   key guessed by someone else reveals nothing they did not send themselves.
//! - A **receipt secret**: the browser that sent a comment holds it in a short-lived
//!   cookie, and only that browser is shown the comment's text on the receipt page.
//!
//! Both hashes are deleted with the personal data (a purge or an erasure).

use sha2::{Digest, Sha256};

use super::model::NewComment;

/// The longest idempotency key accepted, in bytes.
pub const MAX_KEY_BYTES: usize = 255;

/// The hashes stored beside a new comment; both optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmissionKeys {
    /// Hex SHA-256 of the idempotency key and the submission (see [`idempotency_hash`]).
    pub idempotency: Option<String>,
    /// Hex SHA-256 of the receipt secret (see [`receipt_hash`]).
    pub receipt: Option<String>,
}

/// Why an idempotency key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Empty, or longer than [`MAX_KEY_BYTES`].
    #[error("an idempotency key must be 1 to {MAX_KEY_BYTES} characters long")]
    Length,
    /// A character outside printable ASCII (spaces and controls included).
    #[error("an idempotency key may contain only printable ASCII characters, without spaces")]
    Characters,
}

/// Checks an idempotency key as sent: 1 to [`MAX_KEY_BYTES`] printable ASCII characters.
pub fn check_key(key: &str) -> Result<&str, KeyError> {
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return Err(KeyError::Length);
    }
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(KeyError::Characters);
    }
    Ok(key)
}

/// The hash under which a keyed submission is remembered: the key and every field of
/// the validated comment, each length-prefixed so no two submissions share an encoding.
pub fn idempotency_hash(key: &str, comment: &NewComment) -> String {
    let mut hasher = Sha256::new();
    let fields: [&str; 10] = [
        key,
        &comment.on,
        comment.question.as_deref().unwrap_or_default(),
        &comment.body,
        comment.respondent_type.as_str(),
        comment.name.as_deref().unwrap_or_default(),
        comment.organisation.as_deref().unwrap_or_default(),
        comment.email.as_deref().unwrap_or_default(),
        comment.publish.as_str(),
        &comment.language,
    ];
    hasher.update(b"copbook idempotency v1");
    // The attribution only when chosen, so a key's hash without one reads as before.
    let attribution = comment.attribution.map(|a| a.as_str());
    for field in fields.into_iter().chain(attribution) {
        hasher.update((field.len() as u64).to_le_bytes());
        hasher.update(field.as_bytes());
    }
    hex(&hasher.finalize())
}

/// The hash of a receipt secret as stored.
pub fn receipt_hash(secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"copbook receipt v1");
    hasher.update(secret.as_bytes());
    hex(&hasher.finalize())
}

/// A new random secret: 128 bits as 32 lowercase hex digits.
pub fn new_secret() -> String {
    let bytes: [u8; 16] = rand::random();
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::model::{Publish, RespondentType};

    fn comment(body: &str) -> NewComment {
        NewComment {
            on: "general".into(),
            question: None,
            body: body.into(),
            respondent_type: RespondentType::Individual,
            name: Some("A".into()),
            organisation: None,
            email: None,
            publish: Publish::No,
            attribution: None,
            honeypot: false,
            language: "en".into(),
        }
    }

    #[test]
    fn the_hash_covers_key_and_submission() {
        let a = idempotency_hash("k1", &comment("text"));
        assert_eq!(a, idempotency_hash("k1", &comment("text")));
        assert_ne!(a, idempotency_hash("k2", &comment("text")));
        assert_ne!(a, idempotency_hash("k1", &comment("text!")));
        // Length prefixes: moving a character between fields changes the hash.
        assert_ne!(
            idempotency_hash("ab", &comment("c")),
            idempotency_hash("a", &comment("bc"))
        );
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn keys_are_bounded_printable_ascii() {
        assert_eq!(check_key("abc-123_XYZ"), Ok("abc-123_XYZ"));
        assert_eq!(check_key(""), Err(KeyError::Length));
        assert_eq!(check_key(&"a".repeat(256)), Err(KeyError::Length));
        assert_eq!(check_key("a b"), Err(KeyError::Characters));
        assert_eq!(check_key("é"), Err(KeyError::Characters));
        assert_ne!(receipt_hash("a"), receipt_hash("b"));
        assert_eq!(new_secret().len(), 32);
    }
}
