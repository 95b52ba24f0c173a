package io.gitconf.cli;

import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How a syncer runs, for the commands that run one ({@code sync}, {@code up}). */
final class SyncerOptions {
  @Option(
      names = "--poll",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "How often to look for new commits (default: 2s; up: 1s).")
  Duration poll;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description = "Serve /health and /metrics (Prometheus) on this port.")
  Integer metricsPort;

  @Mixin VerboseOption verbose;

  /** Puts {@code -v} into effect and gives {@code --poll}, or the command's own default. */
  Duration apply(Duration defaultPoll) {
    verbose.apply();
    return poll != null ? poll : defaultPoll;
  }
}
