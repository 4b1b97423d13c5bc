# ciel-worker: one image per binary (DESIGN §6). Build from the workspace root:
#   docker build -f deploy/docker/ciel-worker.Dockerfile -t ciel-worker .
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p ciel-worker

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 ciel
COPY --from=build /src/target/release/ciel-worker /usr/local/bin/ciel-worker
USER ciel
ENV RUST_LOG=info LOG_FORMAT=json

ENTRYPOINT ["/usr/local/bin/ciel-worker"]
