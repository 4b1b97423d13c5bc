//! Extractors and the framework's rejection handlers. Authorization lives in extractor types
//! (e.g. [`admin::AdminAuth`]) so that a route cannot forget it.

pub mod admin;
pub mod auth;
pub mod optional_json;
pub mod page;
pub mod rejections;

pub use admin::AdminAuth;
pub use auth::{AuthUser, BearerCaller, MaybeUser};
pub use optional_json::{JsonBody, OptionalJson};
pub use page::PageParams;
