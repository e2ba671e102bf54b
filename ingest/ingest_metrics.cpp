#include "ingest/ingest_metrics.hpp"

#include "ingest/http_answer.hpp"

#include <string>

namespace tributary::ingest {

ingest_metrics::ingest_metrics(prometheus::Registry& registry)
    : requests(prometheus::BuildCounter()
                   .Name("tributary_ingest_requests_total")
                   .Help("Webhook requests answered, by event and status class")
                   .Register(registry)),
      signature_failures(prometheus::BuildCounter()
                             .Name("tributary_ingest_signature_failures_total")
                             .Help("Requests refused for a missing (reason=missing) or wrong "
                                   "(reason=mismatch) X-Hub-Signature-256")
                             .Register(registry)),
      signature_missing(signature_failures.Add({{"reason", "missing"}})),
      signature_mismatch(signature_failures.Add({{"reason", "mismatch"}})),
      body_bytes(prometheus::BuildCounter()
                     .Name("tributary_ingest_body_bytes_total")
                     .Help("Bytes of webhook request bodies read")
                     .Register(registry)
                     .Add({})),
      publish_latency(prometheus::BuildHistogram()
                          .Name("tributary_ingest_publish_latency_seconds")
                          .Help("From a request's body read to its Kafka delivery report")
                          .Register(registry)
                          .Add({}, prometheus::Histogram::BucketBoundaries{
                                       0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                       2.5, 5, 10})),
      in_flight(prometheus::BuildGauge()
                    .Name("tributary_ingest_in_flight_requests")
                    .Help("Requests read and not yet answered")
                    .Register(registry)
                    .Add({})),
      producer_queue(prometheus::BuildGauge()
                         .Name("tributary_ingest_producer_queue_messages")
                         .Help("Messages in the producer's queue without a delivery report yet")
                         .Register(registry)
                         .Add({})),
      open_connections(prometheus::BuildGauge()
                           .Name("tributary_ingest_open_connections")
                           .Help("Client connections open")
                           .Register(registry)
                           .Add({})),
      refused_connections(prometheus::BuildCounter()
                              .Name("tributary_ingest_refused_connections_total")
                              .Help("Connections closed at once because INGEST_MAX_CONNECTIONS were open")
                              .Register(registry)
                              .Add({})),
      broker_ready(prometheus::BuildGauge()
                       .Name("tributary_ingest_broker_ready")
                       .Help("1 while the last readiness probe reached a broker")
                       .Register(registry)
                       .Add({})),
      body_bytes_held(prometheus::BuildGauge()
                          .Name("tributary_ingest_body_bytes_held")
                          .Help("Bytes of request bodies reserved under INGEST_MEMORY_BUDGET_BYTES")
                          .Register(registry)
                          .Add({})),
      budget_refusals(prometheus::BuildCounter()
                          .Name("tributary_ingest_budget_refusals_total")
                          .Help("Requests answered 503 because their body did not fit the memory budget")
                          .Register(registry)
                          .Add({})),
      accept_failures(prometheus::BuildCounter()
                          .Name("tributary_ingest_accept_failures_total")
                          .Help("Failed accepts (e.g. out of file descriptors), each followed by a backoff")
                          .Register(registry)
                          .Add({})) {}

void ingest_metrics::count_request(std::string_view event, unsigned status) {
  requests.Add({{"event", std::string(event.empty() ? "none" : event)},
                {"status_class", std::string(status_class(status))}})
      .Increment();
}

}  // namespace tributary::ingest
