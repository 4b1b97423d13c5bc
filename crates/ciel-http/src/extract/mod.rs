//! Extractors and the framework's rejection handlers. Authorization lives in extractor types
//! (e.g. [`admin::AdminAuth`]) so that a route cannot forget it.

pub mod admin;
pub mod rejections;

pub use admin::AdminAuth;
