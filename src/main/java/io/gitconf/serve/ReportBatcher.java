package io.gitconf.serve;

import io.gitconf.core.GitconfException;
import io.gitconf.mirror.InstanceReport;
import io.gitconf.mirror.ReportWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance reports a relay's clients send, written to the mirror in batches: every {@link
 * #EVERY} or as soon as {@link #BATCH} instances wait, one {@link ReportWriter} upsert (one
 * statement) for all of them, so a thousand instances reporting through a relay cost the database a
 * few statements a second, not a connection each. Of several reports of one instance waiting, the
 * last is written. Reports that cannot be written (the mirror is unreachable) wait for the next
 * batch unless a newer one of the same instance arrived, up to {@link #MAX_WAITING} instances;
 * beyond that the oldest are dropped, which costs nothing lasting: every instance reports again at
 * its next interval. The relay writes only what its clients sent.
 *
 * <p>Thread-safe: one thread of its own writes.
 */
final class ReportBatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReportBatcher.class);

  /** How long a report waits at most before its batch is written. */
  static final Duration EVERY = Duration.ofMillis(250);

  /** How many waiting instances make a batch written at once. */
  static final int BATCH = 1_000;

  /** How many instances' reports wait at most while the mirror cannot be written. */
  static final int MAX_WAITING = 100_000;

  private final ReportWriter writer;
  private final RelayMetrics metrics;
  private final Map<List<String>, InstanceReport> waiting = new LinkedHashMap<>();
  private final Thread thread;
  private boolean closed;
  private boolean failing;

  ReportBatcher(ReportWriter writer, RelayMetrics metrics) {
    this.writer = writer;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "gitconf-relay-reports");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Adds reports to the next batch; never blocks on the database. */
  void offer(List<InstanceReport> reports) {
    synchronized (waiting) {
      for (InstanceReport report : reports) {
        waiting.remove(key(report));
        waiting.put(key(report), report);
      }
      trim();
      metrics.reportsReceived(reports.size());
      if (waiting.size() >= BATCH) {
        waiting.notifyAll();
      }
    }
  }

  private void run() {
    while (true) {
      List<InstanceReport> batch;
      synchronized (waiting) {
        long deadline = System.nanoTime() + EVERY.toNanos();
        long left;
        while (!closed && waiting.size() < BATCH && (left = deadline - System.nanoTime()) > 0) {
          try {
            waiting.wait(Math.max(1, left / 1_000_000));
          } catch (InterruptedException e) {
            closed = true;
          }
        }
        batch = new ArrayList<>(waiting.values());
        waiting.clear();
      }
      if (!batch.isEmpty()) {
        write(batch);
      }
      synchronized (waiting) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void write(List<InstanceReport> batch) {
    try {
      writer.write(batch);
      metrics.reportBatchWritten(batch.size());
      if (failing) {
        LOG.info("relay: instance reports are written to the mirror again");
        failing = false;
      }
    } catch (GitconfException | IllegalStateException e) {
      if (!failing) {
        LOG.warn(
            "relay: cannot write {} instance report(s) to the mirror ({}); they wait for the next"
                + " batch",
            batch.size(),
            e.getMessage());
        failing = true;
      }
      synchronized (waiting) {
        for (InstanceReport report : batch) {
          waiting.putIfAbsent(key(report), report);
        }
        trim();
      }
    }
  }

  private void trim() {
    while (waiting.size() > MAX_WAITING) {
      waiting.remove(waiting.keySet().iterator().next());
      metrics.reportsDropped(1);
    }
  }

  private static List<String> key(InstanceReport report) {
    return List.of(report.environment(), report.instanceId());
  }

  /** Writes what waits, once, and stops. */
  @Override
  public void close() {
    synchronized (waiting) {
      closed = true;
      waiting.notifyAll();
    }
    try {
      thread.join(EVERY.toMillis() * 20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
