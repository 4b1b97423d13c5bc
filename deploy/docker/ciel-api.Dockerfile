# syntax=docker/dockerfile:1
# ciel-api: one image per binary (DESIGN §6). Build from the workspace root:
#   docker build -f deploy/docker/ciel-api.Dockerfile -t ciel-api .
# Dependencies are compiled in their own layer (cargo-chef): a change to Ciel's code rebuilds
# only the workspace crates, not the ~400 dependencies.

FROM rust:1.95-bookworm AS chef
# nasm: the SIMD code of libjpeg-turbo, the media pipeline's JPEG decoder (without it the build
# warns and compiles plain C, a slower decode).
RUN apt-get update \
 && apt-get install -y --no-install-recommends nasm \
 && rm -rf /var/lib/apt/lists/*
RUN cargo install cargo-chef --locked --version 0.1.78
WORKDIR /src

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS build
COPY --from=planner /src/recipe.json recipe.json
RUN cargo chef cook --release --locked -p ciel-api --recipe-path recipe.json
COPY . .
RUN cargo build --release --locked -p ciel-api

# Runtime: Debian slim (glibc, CA certificates for TLS to Postgres/Redis/S3/RabbitMQ) and curl
# for the health check; no shell tools beyond that, no compiler, no sources.
FROM debian:bookworm-slim
SHELL ["/bin/sh", "-eu", "-c"]
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 ciel \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin ciel
COPY --from=build /src/target/release/ciel-api /usr/local/bin/ciel-api
USER 10001:10001
ENV RUST_LOG=info LOG_FORMAT=json HTTP_ADDR=0.0.0.0:8080
EXPOSE 8080
# Liveness: /health answers 200 ("ok" or "degraded") while the process serves. It shares the
# per-IP `health` limit (60/min) with /ready: see docs/operations.md before probing more often.
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
  CMD ["/bin/sh", "-c", "curl -fsS \"http://127.0.0.1:${HTTP_ADDR##*:}/health\" >/dev/null"]
ENTRYPOINT ["/usr/local/bin/ciel-api"]
