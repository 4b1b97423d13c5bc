//! Telemetry: structured logs (one line per event; the request span puts the request id on
//! every line), and OpenTelemetry trace export over OTLP/HTTP when an endpoint is configured.
//! Without `OTEL_EXPORTER_OTLP_ENDPOINT` no OpenTelemetry layer is installed: nothing is
//! exported, nothing is attempted, nothing is logged about it.

use crate::config::{Config, LogFormat};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Keeps trace export alive; flushes pending spans when dropped at shutdown.
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(err) = provider.shutdown()
        {
            tracing::warn!(error = %err, "trace exporter shutdown failed");
        }
    }
}

/// Telemetry could not start.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// `RUST_LOG` does not parse.
    #[error("RUST_LOG: {0}")]
    Filter(String),
    /// The OTLP exporter could not be built.
    #[error("OTEL_EXPORTER_OTLP_ENDPOINT: {0}")]
    Exporter(String),
}

/// Installs the global subscriber for `service_name`, logging to stdout and exporting traces
/// over OTLP when configured. Call once, first thing in `main`.
pub fn init(config: &Config, service_name: &'static str) -> Result<TelemetryGuard, TelemetryError> {
    let provider = match &config.otel_endpoint {
        None => None,
        Some(endpoint) => Some(otlp_provider(endpoint, service_name)?),
    };
    install(
        &config.log_filter,
        config.log_format,
        service_name,
        provider,
        std::io::stdout,
    )
}

/// The OTLP/HTTP trace pipeline (batched export to `{endpoint}/v1/traces`).
fn otlp_provider(
    endpoint: &str,
    service_name: &'static str,
) -> Result<SdkTracerProvider, TelemetryError> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .build()
        .map_err(|e| TelemetryError::Exporter(e.to_string()))?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name(service_name).build())
        .build())
}

/// Installs the global subscriber: the configured log format written to `writer`, and spans
/// exported through `provider` when there is one (tests pass an in-memory exporter's provider
/// and a capturing writer). A second install in one process keeps the first subscriber.
pub fn install<W>(
    log_filter: &str,
    log_format: LogFormat,
    service_name: &'static str,
    provider: Option<SdkTracerProvider>,
    writer: W,
) -> Result<TelemetryGuard, TelemetryError>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_new(log_filter).map_err(|e| TelemetryError::Filter(e.to_string()))?;
    // Every enclosing span is listed on each line, so a line logged anywhere inside a request
    // carries its `request_id` (and inside a job, its `upload_id`).
    let fmt_layer = match log_format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(false)
            .with_span_list(true)
            .with_writer(writer)
            .boxed(),
        LogFormat::Pretty => tracing_subscriber::fmt::layer()
            .compact()
            .with_writer(writer)
            .boxed(),
    }
    .with_filter(filter);
    // `RUST_LOG` filters log lines only: spans are exported at `info` whatever it says.
    let otel_layer = provider.as_ref().map(|provider| {
        opentelemetry::global::set_text_map_propagator(
            opentelemetry_sdk::propagation::TraceContextPropagator::new(),
        );
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer(service_name))
            .with_filter(LevelFilter::INFO)
    });
    let _ = tracing_subscriber::registry()
        .with(fmt_layer)
        .with(otel_layer)
        .try_init();
    Ok(TelemetryGuard { provider })
}
