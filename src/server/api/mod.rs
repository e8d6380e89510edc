//! The JSON API: the handlers that answer JSON only (search, comments, the change log,
//! health), their wire types ([`wire`]) and the OpenAPI document generated from the
//! handlers' annotations ([`openapi`]). A published draft's record (`/drafts/0.1.json`)
//! is served with the drafts' pages, and described here too.
//!
//! The API imports the edge and the public pages whose logic its handlers share.

pub mod changes;
pub mod comment_api;
pub mod health;
pub mod openapi;
pub mod search_api;
pub mod wire;
