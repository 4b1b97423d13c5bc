//! Ciel's object storage adapters: [`S3Store`] implements the domain's `ObjectStore` port over
//! any S3-compatible store (rust-s3; presigned PUTs bound to content type and length, presigned
//! GETs optionally rewritten to a public endpoint). Every adapter passes the `object_store_suite`
//! in `ciel-testkit`.
//!
//! The image pipeline (decode with limits, orientation, metadata stripping, derivatives) will join
//! this crate later.

pub mod s3;

pub use self::s3::{S3Settings, S3Store, S3StoreError};
