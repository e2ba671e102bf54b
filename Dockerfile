# One image for every Tributary executable (tributary-ingest, -worker, -reconciler, -migrate,
# -replay, -people): pick one with the container's command, e.g. `docker run tributary tributary-worker`.
# Built on Debian 12 with the project's own setup script; run on debian:12-slim as a non-root user
# with only the shared libraries the executables link (tests/deploy/dockerfile_test.sh checks the
# list against the executables' own dependencies).

FROM debian:12 AS build
WORKDIR /src
COPY scripts/setup.sh scripts/setup.sh
RUN bash scripts/setup.sh --build-only && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release >/dev/null \
 && cmake --build /build -j"$(nproc)" --target \
      tributary-ingest tributary-worker tributary-reconciler tributary-migrate tributary-replay \
      tributary-people \
 && install -D --strip -t /out/usr/local/bin \
      /build/ingest/tributary-ingest /build/workers/tributary-worker \
      /build/reconciler/tributary-reconciler /build/tools/migrate/tributary-migrate \
      /build/tools/replay/tributary-replay /build/tools/people/tributary-people

FROM debian:12-slim
# Boost (Beast, Asio) is header-only here; ca-certificates for GitHub's TLS; openssl for the
# self-signed certificate docker-compose.yml makes on first start.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libssl3 libpq5 libpqxx-6.4 librdkafka1 librdkafka++1 libprometheus-cpp-core1.0 \
      ca-certificates openssl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin tributary \
 && install -d -o 10001 -g 10001 /var/lib/tributary /var/lib/tributary/tls
COPY --from=build /out/ /
USER 10001:10001
WORKDIR /var/lib/tributary
# 8443: ingest's webhooks; 9464-9466: /metrics, /healthz and /readyz of ingest, worker, reconciler.
EXPOSE 8443 9464 9465 9466
CMD ["tributary-ingest"]
