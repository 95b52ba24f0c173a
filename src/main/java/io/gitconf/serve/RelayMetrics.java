package io.gitconf.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The relay's Prometheus metrics ({@code /metrics}): watchers connected, activations fanned out and
 * responses sent for them, the fan-out latency (from the relay's notice of an activation to the
 * last watcher's response written), database connections in use, and how far the relay may be
 * behind the mirror, and the instance reports received and written in batches.
 *
 * <p>Thread-safe.
 */
final class RelayMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicLong longPolls = new AtomicLong();
  private final AtomicLong streams = new AtomicLong();
  private final Counter activations;
  private final Counter deliveries;
  private final Counter refused;
  private final Timer fanOut;
  private final Counter reportsReceived;
  private final Counter reportBatches;
  private final Counter reportsWritten;
  private final Counter reportsDropped;

  RelayMetrics(IntSupplier connectionsInUse, DoubleSupplier lagSeconds, IntSupplier listening) {
    watcherGauge("long-poll", longPolls);
    watcherGauge("events", streams);
    gauge(
        "gitconf_relay_db_connections_in_use",
        "Database connections in use: the pool's busy ones and the LISTEN connection",
        connectionsInUse::getAsInt);
    gauge(
        "gitconf_relay_lag_seconds",
        "Seconds since the relay last knew it held every active version (0 while listening)",
        lagSeconds::getAsDouble);
    gauge(
        "gitconf_relay_listening",
        "1 while activations arrive by LISTEN, 0 while the relay polls",
        listening::getAsInt);
    activations =
        counter(
            "gitconf_relay_activations_fanned_out",
            "Activations sent to the watchers of their environment");
    deliveries =
        counter(
            "gitconf_relay_deliveries", "Responses and events written to watchers for activations");
    refused =
        counter(
            "gitconf_relay_requests_refused",
            "Requests refused for a missing, unknown or out-of-scope token");
    fanOut =
        Timer.builder("gitconf_relay_fanout")
            .description("From the relay's notice of an activation to the last watcher's response")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    reportsReceived =
        counter("gitconf_relay_reports_received", "Instance reports accepted from clients");
    reportBatches =
        counter(
            "gitconf_relay_report_batches",
            "Batches of instance reports written to the mirror (one statement each)");
    reportsWritten =
        counter(
            "gitconf_relay_reports_written",
            "Instance reports written to the mirror (one per instance per batch)");
    reportsDropped =
        counter(
            "gitconf_relay_reports_dropped",
            "Instance reports dropped while the mirror could not be written");
  }

  /** One series of {@code gitconf_relay_watchers}, for one kind of watcher. */
  private void watcherGauge(String kind, AtomicLong count) {
    Gauge.builder("gitconf_relay_watchers", count, AtomicLong::get)
        .description("Clients watching an environment: long polls and event streams")
        .tag("kind", kind)
        .register(registry);
  }

  private void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  void reportsReceived(int reports) {
    reportsReceived.increment(reports);
  }

  void reportBatchWritten(int reports) {
    reportBatches.increment();
    reportsWritten.increment(reports);
  }

  void reportsDropped(int reports) {
    reportsDropped.increment(reports);
  }

  /** Batches of reports written so far. */
  long reportsReceived() {
    return (long) reportsReceived.count();
  }

  long reportBatches() {
    return (long) reportBatches.count();
  }

  void longPolls(int delta) {
    longPolls.addAndGet(delta);
  }

  void streams(int delta) {
    streams.addAndGet(delta);
  }

  long watchers() {
    return longPolls.get() + streams.get();
  }

  void fannedOut(int responses) {
    activations.increment();
    deliveries.increment(responses);
  }

  /** Long polls answered for a change of release state. */
  void releaseFannedOut(int responses) {
    deliveries.increment(responses);
  }

  void fanOutTook(Duration duration) {
    fanOut.record(duration);
  }

  void refused() {
    refused.increment();
  }

  String scrape() {
    return registry.scrape();
  }
}
