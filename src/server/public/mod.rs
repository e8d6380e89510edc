//! The pages everyone reads: the book's files ([`static_files`]), search
//! ([`search_pages`], [`search_log`]), the comment form and receipts ([`comment_form`]),
//! published responses ([`published_responses`]), published drafts ([`point_in_time`])
//! and watch mode's reload events ([`reload_events`]).
//!
//! Public pages import the edge only; the admin pages and the API may import them.

pub mod comment_form;
pub mod point_in_time;
pub mod published_responses;
pub mod reload_events;
pub mod search_log;
pub mod search_pages;
pub mod static_files;
