//! Who may do what under `/admin`: accounts' roles and the one permission table
//! ([`Role::may`]), password hashing ([`password`]) and sessions ([`session`]).
//!
//! Storage goes through the comment store's [`AccountStore`](crate::comments::store::accounts::AccountStore)
//! and [`AuditLog`](crate::comments::store::accounts::AuditLog); the HTTP edge
//! (`server::admin`) turns a session cookie into a person and asks [`Role::may`] for the
//! permission each admin route declares. Nothing else decides.
//!
//! | role        | may |
//! | ----------- | --- |
//! | `analyst`   | read responses, code and tag them, split and merge campaign groups, export without personal data |
//! | `moderator` | the analyst's, and change a response's status (publish, hide, spam) |
//! | `admin`     | the moderator's, and erase, export with personal data, the coding frame, accounts, the audit log |

pub mod password;
pub mod session;

use std::fmt;

/// A role, from least to most trusted; each may do what the one below it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads and codes responses.
    Analyst,
    /// Also moderates them.
    Moderator,
    /// Also erases, exports personal data, runs the coding frame and accounts.
    Admin,
}

impl Role {
    /// Every role, least trusted first.
    pub const ALL: [Role; 3] = [Role::Analyst, Role::Moderator, Role::Admin];

    /// The word stored and typed for the role.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Analyst => "analyst",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    /// The role a stored or typed word names.
    pub fn parse(word: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == word)
    }

    /// The least trusted role that may do `permission`: the permission table.
    pub fn least_for(permission: Permission) -> Role {
        match permission {
            Permission::SignedIn
            | Permission::ReadResponses
            | Permission::Code
            | Permission::ExportAnonymous => Role::Analyst,
            Permission::ChangeStatus => Role::Moderator,
            Permission::Erase
            | Permission::ExportPersonal
            | Permission::EditCodingFrame
            | Permission::ManageAccounts
            | Permission::ReadAudit => Role::Admin,
        }
    }

    /// Whether this role may do `permission`.
    pub fn may(self, permission: Permission) -> bool {
        self >= Role::least_for(permission)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an admin route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Permission {
    /// Any signed-in person (signing out).
    SignedIn,
    /// Read responses, the analysis and the search log.
    ReadResponses,
    /// Code and tag responses, split and merge campaign groups.
    Code,
    /// Export responses without personal data.
    ExportAnonymous,
    /// Publish, hide or mark a response as spam.
    ChangeStatus,
    /// Erase a response at its respondent's request.
    Erase,
    /// Export responses with names and email addresses.
    ExportPersonal,
    /// Add codes to the coding frame.
    EditCodingFrame,
    /// Add, disable and change accounts.
    ManageAccounts,
    /// Read the audit log.
    ReadAudit,
}

/// The longest account name.
pub const MAX_NAME_CHARS: usize = 32;

/// Whether `name` can be an account's name: 1 to 32 ASCII letters, digits, `.`, `-`, `_`
/// (the same rule as the analyst's short name codes and tags always recorded).
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_CHARS
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(Role::Analyst < Role::Moderator && Role::Moderator < Role::Admin);
    }

    #[test]
    fn the_table_of_the_issue() {
        use Permission::*;
        let rows: [(Permission, [bool; 3]); 10] = [
            (SignedIn, [true, true, true]),
            (ReadResponses, [true, true, true]),
            (Code, [true, true, true]),
            (ExportAnonymous, [true, true, true]),
            (ChangeStatus, [false, true, true]),
            (Erase, [false, false, true]),
            (ExportPersonal, [false, false, true]),
            (EditCodingFrame, [false, false, true]),
            (ManageAccounts, [false, false, true]),
            (ReadAudit, [false, false, true]),
        ];
        for (permission, allowed) in rows {
            for (role, allowed) in Role::ALL.into_iter().zip(allowed) {
                assert_eq!(role.may(permission), allowed, "{role} {permission:?}");
            }
        }
    }

    #[test]
    fn names() {
        assert!(is_valid_name("a.b-c_9"));
        assert!(!is_valid_name(""));
        assert!(!is_valid_name("has space"));
        assert!(!is_valid_name("é"));
        assert!(!is_valid_name(&"x".repeat(33)));
    }
}
