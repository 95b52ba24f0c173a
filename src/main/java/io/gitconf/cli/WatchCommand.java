package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.client.ConfigChangeEvent;
import io.gitconf.client.ConfigManager;
import io.gitconf.client.ConfigSubscription;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import io.gitconf.mirror.ReleaseEvent;
import io.gitconf.mirror.ReleaseReader;
import io.gitconf.sync.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "watch",
    header = "A client that prints each configuration event as it happens (see hot reload work).",
    mixinStandardHelpOptions = true,
    description = {
      "A client that prints each configuration event as it happens: changed values (secrets as ****),",
      "activated versions, paths that need a restart, and reloads that failed. The easiest way to see",
      "hot reload work. Reads the mirror (--db, --embedded-postgres), a relay (--server URL), a working",
      "copy (--repo) or a Git remote (--git URL --branch B)."
    })
final class WatchCommand implements Callable<Integer> {
  private static final Pattern COMMIT = Pattern.compile("\\b([0-9a-f]{10})[0-9a-f]{30}\\b");
  private static final Pattern CHECKSUM = Pattern.compile("\\b([0-9a-f]{12})[0-9a-f]{52}\\b");

  @Spec CommandSpec spec;
  @Mixin DatabaseOptions database;
  @Mixin ServerOptions server;

  @Mixin EnvironmentOption env;
  @Mixin OutputOption output;

  @ArgGroup(exclusive = true)
  Files files;

  static final class Files {
    @Option(
        names = "--repo",
        paramLabel = "DIR",
        description = "A working copy, watched for saves.")
    Path repo;

    @Option(names = "--git", paramLabel = "URL", description = "A Git remote, fetched every TTL.")
    String git;
  }

  @Option(
      names = "--branch",
      defaultValue = "main",
      paramLabel = "BRANCH",
      description = "Branch of --git (default: ${DEFAULT-VALUE}).")
  String branch;

  @Option(
      names = "--ttl",
      defaultValue = "5s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "How often the mirror or remote is checked for changes a notification missed"
              + " (default: ${DEFAULT-VALUE}).")
  Duration ttl;

  @Option(
      names = "--cache",
      paramLabel = "FILE",
      description = "Last-known-good file: written on every load, served when the source is down.")
  Path cacheFile;

  @Option(
      names = "--instance-id",
      paramLabel = "ID",
      description =
          "This client's instance id in releases (default: GITCONF_INSTANCE_ID, else host name"
              + " and gitconf-watch); given, the release events of the environment are printed"
              + " too (through a relay: each change of its release state).")
  String instanceId;

  @Option(
      names = "--report-unhealthy",
      paramLabel = "REASON",
      description =
          "Report every version applied after the start as unhealthy with REASON: a rehearsal of"
              + " an application that fails on a release, which then rolls back.")
  String unhealthy;

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "Stop after N events (default: run until stopped).")
  Integer count;

  @Override
  public Integer call() throws InterruptedException {
    if (count != null && count < 1) {
      throw new GitconfException.BadRequest("--count must be at least 1");
    }
    boolean fromFiles = files != null;
    int sources = (fromFiles ? 1 : 0) + (database.given() ? 1 : 0) + (server.given() ? 1 : 0);
    if (sources != 1) {
      throw new GitconfException.BadRequest(
          "watch needs one source: --db/--embedded-postgres, --server URL, --repo DIR or --git URL");
    }
    ConfigManager.Builder builder =
        ConfigManager.builder()
            .environment(env.environment)
            .cacheTtl(ttl)
            .cacheFile(cacheFile)
            .applicationName("gitconf-watch");
    if (instanceId != null) {
      builder.instanceId(instanceId);
    }
    Optional<Database> db = Optional.empty();
    if (server.given()) {
      builder.server(server.urls, server.token());
    } else if (!fromFiles) {
      db = Optional.of(database.open());
      builder.postgres(db.get().dataSource());
      releasesSeen = lastReleaseEvent(db.get());
    } else if (files.repo != null) {
      builder.directory(files.repo);
    } else {
      builder.git(files.git, branch);
    }
    try (ConfigManager manager = builder.build()) {
      // Ctrl-C ends the JVM without leaving this block: close the client anyway, so that its
      // temporary clone (watch --git) is removed.
      Thread onExit = new Thread(manager::close, "watch-shutdown");
      Runtime.getRuntime().addShutdownHook(onExit);
      // An instance that takes part in releases under a given id prints their events too.
      Optional<Thread> releases =
          instanceId == null
              ? Optional.empty()
              : db.map(d -> releaseEvents(d, manager))
                  .or(
                      () ->
                          server.given() ? Optional.of(relayReleases(manager)) : Optional.empty());
      try {
        watch(manager);
      } finally {
        releases.ifPresent(Thread::interrupt);
        removeShutdownHook(onExit);
      }
    } finally {
      db.ifPresent(Database::close);
    }
    return ExitCodes.OK;
  }

  /** The last release event recorded before this client started; later ones are printed. */
  private long releasesSeen;

  private long lastReleaseEvent(Database db) {
    return ReleaseReader.of(db.dataSource()).events(env.environment, 1).stream()
        .mapToLong(ReleaseEvent::id)
        .max()
        .orElse(0);
  }

  /**
   * Prints the release events of the environment as they are recorded (checked every TTL), on a
   * daemon thread: those before the start are not repeated.
   */
  private Thread releaseEvents(Database db, ConfigManager manager) {
    ReleaseReader releases = ReleaseReader.of(db.dataSource());
    long[] last = {releasesSeen};
    Thread thread =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted() && !manager.isClosed()) {
                try {
                  for (ReleaseEvent e : releases.eventsAfter(env.environment, last[0])) {
                    last[0] = e.id();
                    printRelease(e, manager.instanceId());
                  }
                  Thread.sleep(ttl.toMillis());
                } catch (InterruptedException e) {
                  return;
                } catch (GitconfException e) {
                  // The client reports the mirror's outages; the next round tries again.
                }
              }
            },
            "watch-releases");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /**
   * Through a relay, which serves the environment's release state rather than the mirror's event
   * log: prints the state each time it changes (checked every TTL), on a daemon thread.
   */
  private Thread relayReleases(ConfigManager manager) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String token = server.token();
    Thread thread =
        new Thread(
            () -> {
              String shown = null;
              while (!Thread.currentThread().isInterrupted() && !manager.isClosed()) {
                try {
                  Optional<JsonNode> state = relayReleaseState(http, token);
                  String tag = state.map(st -> st.path("tag").asText()).orElse(null);
                  if (tag != null && !tag.equals(shown)) {
                    // At the start, "no release in progress" is not news.
                    if (shown != null || !state.get().path("release").isNull()) {
                      printRelayRelease(state.get().path("release"), manager.instanceId());
                    }
                    shown = tag;
                  }
                  Thread.sleep(ttl.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "watch-releases");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** The release state from the first relay that answers; empty when none does. */
  private Optional<JsonNode> relayReleaseState(HttpClient http, String token)
      throws InterruptedException {
    for (String url : server.urls) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(
                  URI.create(
                      url.replaceAll("/+$", "")
                          + "/v1/environments/"
                          + env.environment
                          + "/release"))
              .timeout(Duration.ofSeconds(10));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      try {
        HttpResponse<String> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return Optional.of(Json.parse(url + " release state", response.body()));
        }
      } catch (IOException | RuntimeException e) {
        // The client reports the relay's outages; the next relay, or the next round, is tried.
      }
    }
    return Optional.empty();
  }

  private void printRelayRelease(JsonNode release, String instance) {
    PrintWriter out = spec.commandLine().getOut();
    synchronized (out) {
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      if (output.json()) {
        ObjectNode line = Json.MAPPER.createObjectNode().put("event", "Release");
        if (release.isNull()) {
          line.put("release", "none");
        } else {
          line.put("release", release.path("phase").asText())
              .put("version", release.path("version").asInt())
              .put("percent", release.path("percent").asInt());
        }
        line.put("instanceId", instance).put("at", now.toString());
        out.println(Json.canonical(line));
      } else {
        out.println(
            now
                + "  release   "
                + (release.isNull()
                    ? "no release in progress"
                    : "version "
                        + release.path("version").asInt()
                        + " "
                        + release.path("phase").asText()
                        + " at "
                        + release.path("percent").asInt()
                        + " %"));
      }
      out.flush();
    }
  }

  private void printRelease(ReleaseEvent e, String instance) {
    PrintWriter out = spec.commandLine().getOut();
    synchronized (out) {
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      if (output.json()) {
        ObjectNode line = ReleaseCommand.event(e);
        line.put("event", "Release");
        line.put("release", e.kind().sql());
        line.put("instanceId", instance);
        line.put("at", now.toString());
        out.println(Json.canonical(line));
      } else {
        out.println(
            now
                + "  release   "
                + e.kind().label()
                + ": version "
                + e.version()
                + e.percent().map(p -> " at " + p + " %").orElse("")
                + " by "
                + e.actor()
                + ": "
                + e.cause());
      }
      out.flush();
    }
  }

  private void watch(ConfigManager manager) throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ConfigSubscription events = manager.subscribe();
    spec.commandLine()
        .getErr()
        .println("watching " + env.environment + ": " + manager.snapshot() + " (Ctrl-C stops)");
    spec.commandLine().getErr().flush();
    try {
      long started = manager.snapshot().version().orElse(0);
      for (int seen = 0; count == null || seen < count; seen++) {
        ConfigChangeEvent event = events.recv();
        print(out, event);
        if (unhealthy != null
            && event instanceof ConfigChangeEvent.VersionActivated
            && manager.snapshot().version().orElse(0) != started) {
          manager.reportHealth(false, unhealthy);
        }
      }
    } catch (IllegalStateException e) {
      if (!manager.isClosed()) {
        throw e;
      }
      // Closed by Ctrl-C: nothing more to print.
    }
  }

  private static void removeShutdownHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook runs.
    }
  }

  private void print(PrintWriter out, ConfigChangeEvent event) {
    synchronized (out) {
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      if (output.json()) {
        ObjectNode line = json(event);
        line.put("at", now.toString());
        out.println(Json.canonical(line));
      } else {
        out.println(now + "  " + describe(event));
      }
      out.flush();
    }
  }

  /**
   * One event as a JSON object, values with their JSON types ({@code "after":4}, not {@code "4"});
   * a side of a change where the path was not set is left out.
   */
  static ObjectNode json(ConfigChangeEvent event) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("event", event.getClass().getSimpleName());
    if (event instanceof ConfigChangeEvent.ValueChanged v) {
      line.put("path", v.path());
      v.before().ifPresent(value -> line.set("before", Json.MAPPER.valueToTree(value)));
      v.after().ifPresent(value -> line.set("after", Json.MAPPER.valueToTree(value)));
      line.put("version", v.version());
    } else if (event instanceof ConfigChangeEvent.VersionActivated v) {
      line.put("environment", v.environment());
      line.put("version", v.version());
      line.put("checksum", v.checksum());
    } else if (event instanceof ConfigChangeEvent.RestartRequired r) {
      r.paths().forEach(line.putArray("paths")::add);
      line.put("version", r.version());
    } else if (event instanceof ConfigChangeEvent.ReloadFailed f) {
      f.reasons().forEach(line.putArray("reasons")::add);
    } else {
      line.put("count", ((ConfigChangeEvent.EventsLost) event).count());
    }
    return line;
  }

  static String describe(ConfigChangeEvent event) {
    if (event instanceof ConfigChangeEvent.ValueChanged v) {
      return "changed   "
          + v.path()
          + ": "
          + v.beforeText()
          + " -> "
          + v.afterText()
          + "  ("
          + shortened(v.version())
          + ")";
    }
    if (event instanceof ConfigChangeEvent.VersionActivated v) {
      return "activated "
          + v.environment()
          + " "
          + shortened(v.version())
          + " (checksum "
          + shortened(v.checksum())
          + ")";
    }
    if (event instanceof ConfigChangeEvent.RestartRequired r) {
      return "restart   "
          + String.join(", ", r.paths())
          + " changed; kept until a restart  ("
          + shortened(r.version())
          + ")";
    }
    if (event instanceof ConfigChangeEvent.ReloadFailed f) {
      return "failed    still serving the previous version: " + String.join("; ", f.reasons());
    }
    return "lost      " + ((ConfigChangeEvent.EventsLost) event).count() + " events (too slow)";
  }

  /**
   * A version or checksum as status and history print them: a commit id cut to 10 digits, a
   * checksum to 12. The JSON lines keep them whole, for scripts.
   */
  static String shortened(String text) {
    return CHECKSUM.matcher(COMMIT.matcher(text).replaceAll("$1")).replaceAll("$1");
  }
}
