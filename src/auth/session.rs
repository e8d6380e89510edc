//! Server-side sessions: a random id in the browser's cookie, only its SHA-256 in the
//! store; an idle and an absolute expiry, judged by the server's clock; the anti-forgery
//! token of every admin form derived from the session id, so it is bound to the session.

use sha2::{Digest, Sha256};

use crate::comments::store::accounts::SessionRow;

/// The cookie's name over TLS: `__Host-` makes the browser refuse it unless it is
/// `Secure`, has `Path=/` and no `Domain`, so no other host can plant or read it.
pub const COOKIE_TLS: &str = "__Host-copbook_session";
/// The cookie's name over plain HTTP (local use only: browsers refuse `__Host-` cookies
/// without `Secure`).
pub const COOKIE_PLAIN: &str = "copbook_session";

/// A session unused this long ends (30 minutes).
pub const IDLE_MS: i64 = 30 * 60 * 1000;
/// A session ends this long after sign-in, however busy (12 hours).
pub const ABSOLUTE_MS: i64 = 12 * 60 * 60 * 1000;
/// A session's last use is written at most this often (one write a minute, not one a
/// request).
pub const TOUCH_EVERY_MS: i64 = 60 * 1000;

/// A new session id: 256 random bits as 64 hex digits.
pub fn new_id() -> String {
    let bytes: [u8; 32] = rand::random();
    hex(&bytes)
}

/// Whether `id` looks like one of ours (64 lowercase hex digits).
pub fn is_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// What the store keeps of a session id.
pub fn id_hash(id: &str) -> String {
    digest(b"copbook session v1\0", id)
}

/// The anti-forgery token of every form shown in this session: 128 bits as 32 hex
/// digits, the shape of the server's other anti-forgery tokens.
pub fn csrf_token(id: &str) -> String {
    let mut token = digest(b"copbook session csrf v1\0", id);
    token.truncate(32);
    token
}

/// What the store keeps of a client address (to recognise a person's usual client).
pub fn client_hash(client: &str) -> String {
    digest(b"copbook known client v1\0", client)
}

/// How long a one-time set-up link works (24 hours, by the clock that made it).
pub const SETUP_LINK_MS: i64 = 24 * 60 * 60 * 1000;

/// The path of the set-up page for `token` (a [`new_id`]).
pub fn setup_path(token: &str) -> String {
    format!("/admin/set-up/{token}")
}

/// What the store keeps of a set-up link's token.
pub fn setup_token_hash(token: &str) -> String {
    digest(b"copbook set-up link v1\0", token)
}

/// What the store keeps of an OpenID Connect flow cookie's value.
pub fn flow_hash(flow: &str) -> String {
    digest(b"copbook oidc flow v1\0", flow)
}

/// Whether a session is still good at `now_ms`.
pub fn is_live(session: &SessionRow, now_ms: i64) -> bool {
    !session.account.disabled
        && now_ms < session.created_ms.saturating_add(ABSOLUTE_MS)
        && now_ms < session.last_seen_ms.saturating_add(IDLE_MS)
}

fn digest(domain: &[u8], value: &str) -> String {
    let mut h = Sha256::new();
    h.update(domain);
    h.update(value.as_bytes());
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::store::accounts::Account;

    fn row(created_ms: i64, last_seen_ms: i64, disabled: bool) -> SessionRow {
        SessionRow {
            account: Account {
                name: "a".into(),
                role: "admin".into(),
                password_hash: None,
                email: None,
                disabled,
                created_at: String::new(),
                known_client: None,
            },
            created_ms,
            last_seen_ms,
        }
    }

    #[test]
    fn expiry() {
        let s = row(0, 0, false);
        assert!(is_live(&s, IDLE_MS - 1));
        assert!(!is_live(&s, IDLE_MS));
        let busy = row(0, ABSOLUTE_MS - 1000, false);
        assert!(is_live(&busy, ABSOLUTE_MS - 1));
        assert!(!is_live(&busy, ABSOLUTE_MS));
        assert!(!is_live(&row(0, 0, true), 1));
    }

    #[test]
    fn ids() {
        let id = new_id();
        assert!(is_id(&id));
        assert_ne!(id, new_id());
        assert!(!is_id("abc"));
        assert_ne!(id_hash(&id), csrf_token(&id));
        assert_ne!(id_hash(&id), setup_token_hash(&id));
        assert_ne!(setup_token_hash(&id), flow_hash(&id));
    }
}
