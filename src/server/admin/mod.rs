//! `/admin/`: the drafters' pages behind sign-in: the overview and its lists
//! ([`overview`]), one response whole ([`response_page`]), campaign groups ([`groups`]),
//! the coding frame and filtered lists ([`coding_pages`]), erasure ([`erasure`]), and the
//! accounts' pages: signing in and the audit log ([`sign_in`]), one-time set-up links
//! ([`set_up`]) and single sign-on ([`oidc`]).
//!
//! Admin pages import the edge and, for what respondents see, the public pages.

pub mod coding_pages;
pub mod erasure;
pub mod groups;
pub mod oidc;
pub mod overview;
pub mod response_page;
pub mod set_up;
pub mod sign_in;
