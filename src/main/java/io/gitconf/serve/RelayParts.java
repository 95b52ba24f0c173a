package io.gitconf.serve;

/**
 * The working parts of one relay, made by {@link Relay#start} and shared by the relay and its
 * endpoints ({@link RelayHandler}): the feed that follows the mirror, the waiting watchers, the
 * token gate, the metrics and the batcher of instance reports.
 *
 * <p>Immutable; each part is thread-safe.
 */
record RelayParts(
    MirrorFeed feed,
    Watchers watchers,
    TokenGate gate,
    RelayMetrics metrics,
    ReportBatcher reports) {

  /**
   * Stops the parts that run threads: the report batcher first (it writes what waits), then the
   * feed, then the watchers. Called by {@link Relay#close} and by a start that fails.
   */
  void close() {
    reports.close();
    feed.close();
    watchers.close();
  }
}
