//! The Prometheus registry and the HTTP metrics recorded by the metrics middleware.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry, TextEncoder,
};
use std::sync::Arc;

/// The registry every component registers into, and the HTTP request metrics.
#[derive(Clone)]
pub struct HttpMetrics {
    registry: Registry,
    requests: IntCounterVec,
    durations: HistogramVec,
    rejections: IntCounterVec,
    fallbacks: IntCounter,
}

/// Registering a metric failed (a name was registered twice).
#[derive(Debug, thiserror::Error)]
#[error("metrics registration: {0}")]
pub struct MetricsError(#[from] prometheus::Error);

impl HttpMetrics {
    /// Registers `http_requests_total` and `http_request_duration_seconds` in `registry`.
    pub fn register(registry: Registry) -> Result<Self, MetricsError> {
        let labels = ["method", "path", "status"];
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests served"),
            &labels,
        )?;
        let durations = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency in seconds",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                10.0,
            ]),
            &labels,
        )?;
        let rejections = IntCounterVec::new(
            Opts::new("ratelimit_rejections_total", "Requests refused with 429"),
            &["class", "action"],
        )?;
        let fallbacks = IntCounter::new(
            "ratelimit_fallback_total",
            "Rate-limit decisions made by the in-process fallback while Redis was unreachable",
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(durations.clone()))?;
        registry.register(Box::new(rejections.clone()))?;
        registry.register(Box::new(fallbacks.clone()))?;
        Ok(Self {
            registry,
            requests,
            durations,
            rejections,
            fallbacks,
        })
    }

    /// Records one finished request. `path` is the matched route template (bounded cardinality).
    pub fn observe(&self, method: &str, path: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        let labels = [method, path, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.durations.with_label_values(&labels).observe(seconds);
    }

    /// Counts a 429 (`class` is `user` or `ip`).
    pub fn rate_limit_rejected(&self, class: &str, action: &str) {
        self.rejections.with_label_values(&[class, action]).inc();
    }

    /// Counts a decision made by the rate limiter's in-process fallback.
    pub fn rate_limit_fallback(&self) {
        self.fallbacks.inc();
    }

    /// The registry, for other components to register into.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Renders every registered metric in the Prometheus text format.
    pub fn render(&self) -> Arc<str> {
        let mut buf = Vec::new();
        let encoder = TextEncoder::new();
        if let Err(err) = encoder.encode(&self.registry.gather(), &mut buf) {
            tracing::error!(error = %err, "metrics encoding failed");
        }
        Arc::from(String::from_utf8_lossy(&buf).as_ref())
    }
}
