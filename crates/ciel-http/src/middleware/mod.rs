//! Request/response middleware. [`edge::edge`] is the one outer layer every request crosses:
//! request id, logging, metrics, the caller's trace context, client IP and HTTPS enforcement,
//! security headers, and the guarantee that no error leaves without the contract's JSON body.

pub mod client_ip;
pub mod edge;
pub mod headers;
pub mod ratelimit;
pub mod route;
pub mod trace_parent;

pub use client_ip::ClientIp;
pub use edge::RequestId;
pub use route::MatchedRoute;
