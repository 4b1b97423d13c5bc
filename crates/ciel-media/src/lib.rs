//! Ciel's object storage adapters: [`S3Store`] implements the domain's `ObjectStore` port over
//! any S3-compatible store (rust-s3; presigned PUTs bound to content type and length, presigned
//! GETs optionally rewritten to a public endpoint). Every adapter passes the `object_store_suite`
//! in `ciel-testkit`; [`LocalDirStore`] keeps objects in a local directory for development
//! without an S3 server (`S3_ENDPOINT=file:///dir`), its signed URLs served by the API process.
//!
//! [`ImagePipeline`] implements the domain's `ImageProcessor` port with pure functions (see
//! [`pipeline`]): decode with limits, EXIF orientation applied to the pixels, every byte of
//! metadata stripped, thumb and medium derivatives, a BlurHash.

pub mod local;
pub mod pipeline;
pub mod s3;

pub use self::local::LocalDirStore;
pub use self::pipeline::{Derivatives, ImagePipeline};
pub use self::s3::{S3Settings, S3Store, S3StoreError};
