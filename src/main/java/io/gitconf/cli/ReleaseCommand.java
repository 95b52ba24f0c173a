package io.gitconf.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ReleasePolicy;
import io.gitconf.core.ReleasePolicyReader;
import io.gitconf.mirror.InstanceReport;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.ReleaseEvent;
import io.gitconf.mirror.ReleaseReader;
import io.gitconf.mirror.ReleaseState;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.sync.Database;
import io.gitconf.sync.MirrorStore;
import io.gitconf.sync.ReleaseController;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gitconf release}: the state of a release, and the operators' steering. */
@Command(
    name = "release",
    mixinStandardHelpOptions = true,
    header = "Gradual releases: status, promote, pause, resume, abort.",
    description = {
      "A commit of an environment whose gitconf.yaml declares release: becomes a candidate, served to a growing",
      "share of instances step by step, and active once every step has baked with enough reports; a failed",
      "report rolls it back. These commands show and steer the release in progress (docs/releases.md)."
    },
    subcommands = {
      ReleaseCommand.Status.class,
      ReleaseCommand.Promote.class,
      ReleaseCommand.Pause.class,
      ReleaseCommand.Resume.class,
      ReleaseCommand.Abort.class
    })
final class ReleaseCommand {
  private ReleaseCommand() {}

  /** {@code --env}, the mirror and the output format, shared by every release command. */
  static final class Target {
    @Mixin DatabaseOptions database;
    @Mixin OutputOption output;
    @Mixin EnvironmentOption env;
  }

  /** {@code --user} and {@code --reason}, audited with every operator action. */
  static final class Audit {
    @Option(names = "--user", required = true, paramLabel = "USER", description = "Who acts.")
    String user;

    @Option(names = "--reason", required = true, paramLabel = "REASON", description = "Why.")
    String reason;
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "The release in progress: base and candidate versions, step and percent, cohort size, applied, failed,",
        "restart-required and silent counts, each instance's version and last report, the time until the next",
        "step, the policy, and any hold or pause with its reason."
      })
  static final class Status implements Callable<Integer> {
    @Mixin Target target;

    @Override
    public Integer call() {
      try (Database db = target.database.open()) {
        MirrorReader mirror = MirrorReader.of(db.dataSource());
        ReleaseReader releases = ReleaseReader.of(db.dataSource());
        target.env.requireMirrored(mirror);
        String env = target.env.environment;
        Optional<VersionRecord> base = mirror.activeVersion(env);
        Optional<ReleaseState> state = releases.state(env);
        Optional<VersionRecord> candidate = state.flatMap(s -> mirror.version(env, s.version()));
        List<InstanceReport> reports = releases.reports(env);
        List<ReleaseEvent> events = releases.events(env, 5);
        StatusReport report =
            new StatusReport(env, base, state, candidate, reports, events, Instant.now());
        if (target.output.json()) {
          target.output.print(report.json());
        } else {
          report.text(target.output.out());
        }
      }
      return ExitCodes.OK;
    }
  }

  /** What {@code release status} read from the mirror, to show as JSON or as text. */
  record StatusReport(
      String env,
      Optional<VersionRecord> base,
      Optional<ReleaseState> state,
      Optional<VersionRecord> candidate,
      List<InstanceReport> reports,
      List<ReleaseEvent> events,
      Instant now) {

    ObjectNode json() {
      ObjectNode root = OutputOption.object().put("environment", env);
      base.ifPresentOrElse(
          b -> root.put("baseVersion", b.version()), () -> root.putNull("baseVersion"));
      if (state.isEmpty()) {
        root.putNull("release");
      } else {
        ReleaseState s = state.get();
        ObjectNode r = root.putObject("release");
        r.put("candidateVersion", s.version());
        candidate.ifPresent(c -> r.put("commit", c.commitId()).put("author", c.authorName()));
        r.put("phase", s.phase().sql());
        r.put("step", s.step() + 1);
        r.put("steps", s.policy().steps().size());
        r.put("percent", s.serving() ? s.percent() : 0);
        s.stepStartedAt().ifPresent(t -> r.put("stepStartedAt", t.toString()));
        s.bakedAt().ifPresent(t -> r.put("bakedAt", t.toString()));
        ObjectNode counts = r.putObject("counts");
        counts.put("cohort", s.counts().cohort());
        counts.put("applied", s.counts().applied());
        counts.put("failed", s.counts().failed());
        counts.put("restartRequired", s.counts().restartRequired());
        counts.put("silent", s.counts().silent());
        s.pausedReason().ifPresent(p -> r.put("pausedReason", p));
        s.holdReason().ifPresent(h -> r.put("holdReason", h));
        s.holdUntil().ifPresent(h -> r.put("holdUntil", h.toString()));
        s.emergency().ifPresent(e -> r.put("emergency", e));
        r.set("policy", ReleasePolicyReader.toJson(s.policy()));
      }
      ArrayNode instances = root.putArray("instances");
      for (InstanceReport report : reports) {
        ObjectNode i = instances.addObject();
        i.put("instanceId", report.instanceId());
        i.put("version", report.version());
        i.put("state", report.state().sql());
        report.reason().ifPresent(reason -> i.put("reason", reason));
        i.put("healthy", report.healthy());
        report.healthReason().ifPresent(reason -> i.put("healthReason", reason));
        i.put("lastReport", report.reportedAt().toString());
        state.ifPresent(s -> i.put("inCohort", s.includes(report.instanceId())));
        ObjectNode labels = i.putObject("labels");
        report.labels().forEach(labels::put);
      }
      ArrayNode recent = root.putArray("events");
      events.forEach(e -> recent.add(event(e)));
      return root;
    }

    void text(PrintWriter out) {
      String baseText =
          base.map(b -> "version " + b.version() + " (" + shortId(b.commitId()) + ")")
              .orElse("none");
      if (state.isEmpty()) {
        out.println(env + ": no release in progress; active " + baseText);
      } else {
        ReleaseState s = state.get();
        out.println(
            env
                + ": release of version "
                + s.version()
                + candidate
                    .map(
                        c ->
                            " ("
                                + shortId(c.commitId())
                                + " by "
                                + c.authorName()
                                + ": "
                                + subject(c.message())
                                + ")")
                    .orElse(""));
        out.println("  base       " + baseText);
        switch (s.phase()) {
          case HELD ->
              out.println(
                  "  held       until "
                      + s.holdUntil().orElseThrow()
                      + ": "
                      + s.holdReason().orElse(""));
          case ROLLING, PAUSED -> {
            out.println(
                "  step       "
                    + (s.step() + 1)
                    + " of "
                    + s.policy().steps().size()
                    + ", "
                    + s.percent()
                    + " % of instances since "
                    + s.stepStartedAt().orElseThrow()
                    + next(s, now));
            s.pausedReason().ifPresent(p -> out.println("  paused     " + p));
          }
        }
        ReleaseState.Counts c = s.counts();
        out.println(
            "  cohort     "
                + c.cohort()
                + " instance(s): "
                + c.applied()
                + " applied, "
                + c.failed()
                + " failed, "
                + c.restartRequired()
                + " restart-required, "
                + c.silent()
                + " silent");
        s.emergency()
            .ifPresent(e -> out.println("  emergency  " + e + " (freeze and pacing skipped)"));
        out.println("  policy     " + policy(s.policy()));
      }
      if (!reports.isEmpty()) {
        TextTable table =
            TextTable.withHeader("  INSTANCE", "VERSION", "STATE", "COHORT", "LAST REPORT");
        for (InstanceReport r : reports) {
          String what = r.state().sql().replace('_', '-');
          if (r.reason().isPresent()) {
            what += ": " + r.reason().get();
          }
          if (!r.healthy()) {
            what += " (unhealthy: " + r.healthReason().orElse("") + ")";
          }
          table.row(
              "  " + r.instanceId(),
              String.valueOf(r.version()),
              what,
              state.map(s -> s.includes(r.instanceId()) ? "yes" : "no").orElse("-"),
              r.reportedAt().toString());
        }
        table.print(out);
      }
      if (!events.isEmpty()) {
        out.println("  recent events:");
        for (ReleaseEvent e : events) {
          out.println("    " + line(e));
        }
      }
      out.flush();
    }
  }

  static ObjectNode event(ReleaseEvent e) {
    ObjectNode node =
        OutputOption.object()
            .put("time", e.recordedAt().toString())
            .put("version", e.version())
            .put("event", e.kind().sql())
            .put("actor", e.actor())
            .put("cause", e.cause())
            .put("emergency", e.emergency());
    e.percent().ifPresent(p -> node.put("percent", p));
    return node;
  }

  /** One event as a line: time, version, event, percent, actor and cause. */
  static String line(ReleaseEvent e) {
    return e.recordedAt() + "  " + describe(e);
  }

  /** One event without its time: version, event, percent, actor and cause. */
  static String describe(ReleaseEvent e) {
    return "version "
        + e.version()
        + " "
        + e.kind().label()
        + e.percent().map(p -> " at " + p + " %").orElse("")
        + (e.emergency() ? " (emergency)" : "")
        + " by "
        + e.actor()
        + ": "
        + e.cause();
  }

  private static String next(ReleaseState s, Instant now) {
    if (s.phase() == ReleaseState.Phase.PAUSED) {
      return "";
    }
    Instant baked = s.bakedAt().orElseThrow();
    Duration left = Duration.between(now, baked);
    return left.isNegative() || left.isZero()
        ? "; baked, advances once enough instances report"
        : "; bakes " + (left.toMillis() + 999) / 1000 + " s more";
  }

  static String policy(ReleasePolicy p) {
    return "steps "
        + p.steps()
        + ", bake "
        + ReleasePolicyReader.format(p.bake())
        + ", minReports "
        + p.minReportsPercent()
        + "%, maxFailures "
        + p.maxFailures()
        + ", minInterval "
        + ReleasePolicyReader.format(p.minInterval())
        + ", freeze "
        + (p.freeze().isEmpty() ? "none" : p.freeze().toString());
  }

  private static String shortId(String commit) {
    return commit.substring(0, Math.min(10, commit.length()));
  }

  private static String subject(String message) {
    return message.lines().findFirst().orElse("");
  }

  /** What every operator action does: run it, then say what it recorded. */
  abstract static class Action implements Callable<Integer> {
    @Mixin Target target;
    @Mixin Audit audit;

    abstract List<ReleaseEvent.Kind> act(ReleaseController releases);

    @Override
    public Integer call() {
      try (Database db = target.database.open()) {
        List<ReleaseEvent.Kind> done = act(new ReleaseController(new MirrorStore(db.dataSource())));
        List<ReleaseEvent> events =
            ReleaseReader.of(db.dataSource()).events(target.env.environment, done.size());
        if (target.output.json()) {
          ObjectNode root = OutputOption.object().put("environment", target.env.environment);
          ArrayNode list = root.putArray("events");
          for (int i = events.size() - 1; i >= 0; i--) {
            list.add(event(events.get(i)));
          }
          target.output.print(root);
        } else {
          PrintWriter out = target.output.out();
          for (int i = events.size() - 1; i >= 0; i--) {
            out.println(target.env.environment + ": " + line(events.get(i)));
          }
          out.flush();
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = {
        "Move the release on: --to PERCENT grows the cohort to that share of instances (later steps go on",
        "from there); without --to, the candidate becomes active for every instance now. Audited."
      })
  static final class Promote extends Action {
    @Option(names = "--to", paramLabel = "PERCENT", description = "Share of instances, 1 to 100.")
    Integer to;

    @Override
    List<ReleaseEvent.Kind> act(ReleaseController releases) {
      return releases.promote(
          target.env.environment, Optional.ofNullable(to), audit.user, audit.reason);
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description =
          "Stop the release where it is: its cohort keeps the candidate, no step advances. Audited.")
  static final class Pause extends Action {
    @Override
    List<ReleaseEvent.Kind> act(ReleaseController releases) {
      return releases.pause(target.env.environment, audit.user, audit.reason);
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Let a paused release go on; its step bakes again from now. Audited.")
  static final class Resume extends Action {
    @Override
    List<ReleaseEvent.Kind> act(ReleaseController releases) {
      return releases.resume(target.env.environment, audit.user, audit.reason);
    }
  }

  @Command(
      name = "abort",
      mixinStandardHelpOptions = true,
      description = {
        "Take the release back: the candidate is rolled back (never released again) and every instance returns",
        "to the active version. Audited."
      })
  static final class Abort extends Action {
    @Override
    List<ReleaseEvent.Kind> act(ReleaseController releases) {
      return releases.abort(target.env.environment, audit.user, audit.reason);
    }
  }
}
