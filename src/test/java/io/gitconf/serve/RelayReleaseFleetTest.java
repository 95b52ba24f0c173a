package io.gitconf.serve;

import static io.gitconf.client.TradingDesk.ADA;
import static io.gitconf.client.TradingDesk.BO;
import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.client.ConfigManager;
import io.gitconf.client.TradingDesk;
import io.gitconf.mirror.InstanceReport;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.ReleaseEvent;
import io.gitconf.mirror.ReleaseReader;
import io.gitconf.mirror.ReleaseState;
import io.gitconf.sync.Database;
import io.gitconf.sync.SyncListener;
import io.gitconf.sync.SyncSettings;
import io.gitconf.sync.Syncer;
import io.gitconf.testing.MovableClock;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release to a fleet of 20 clients that read through a real relay ({@code gitconf serve}) with
 * distinct instance ids, end to end: a real Git remote, a real syncer whose releases run on a clock
 * the test moves, real PostgreSQL; the clients' reports reach the mirror only through the relay.
 */
class RelayReleaseFleetTest {
  static final String RISK = "environments/prod/risk.yaml";
  static final String POSITIONS = "risk.parameters.maxOpenPositions";
  static final Duration BAKE = Duration.ofSeconds(20);

  @TempDir Path dir;
  TradingDesk desk;
  MovableClock clock;
  Relay relay;
  final List<AutoCloseable> toClose = new ArrayList<>();
  final List<ConfigManager> fleet = new ArrayList<>();

  @BeforeEach
  void open() {
    desk = TradingDesk.open(dir);
    clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    desk.close();
  }

  /** Gives prod a release policy, committed, mirrored; then starts a relay over the mirror. */
  private Syncer withPolicy() {
    desk.edit(
        "gitconf.yaml",
        "    description: Live trading with real funds. Conservative limits; every change is"
            + " reviewed.\n",
        "    description: Live trading with real funds. Conservative limits; every change is"
            + " reviewed.\n"
            + "    release:\n"
            + "      steps: [25, 100]\n"
            + "      bake: 20s\n"
            + "      minReports: 100%\n"
            + "      maxFailures: 0\n");
    desk.commit(BO, "Release prod gradually");
    Syncer syncer =
        new Syncer(
            desk.database,
            SyncSettings.of(
                desk.origin.toString(), "main", Duration.ofHours(1), dir.resolve("syncer-cache")),
            SyncListener.NONE,
            clock);
    toClose.add(0, syncer);
    syncer.syncOnce();
    Database db = Database.connect(desk.testDb.jdbcUrl(), Optional.empty());
    toClose.add(0, db);
    relay =
        Relay.start(
            db.dataSource(), db::openDedicated, db::connectionsInUse, Relay.Options.loopback(0));
    toClose.add(0, relay);
    return syncer;
  }

  private void startFleet() {
    for (int i = 1; i <= 20; i++) {
      ConfigManager client =
          ConfigManager.builder()
              .server(relay.url(), "")
              .environment("prod")
              .instanceId(String.format("trader-%02d", i))
              .cacheTtl(Duration.ofMillis(100))
              .build();
      toClose.add(0, client);
      fleet.add(client);
    }
  }

  private ReleaseReader releases() {
    return ReleaseReader.of(desk.database.dataSource());
  }

  private ReleaseState release() {
    return releases().state("prod").orElseThrow();
  }

  /** The ids of the fleet in the cohort of {@code percent}, by the documented formula. */
  private List<String> cohort(ReleaseState state, int percent) {
    return fleet.stream()
        .map(ConfigManager::instanceId)
        .filter(id -> ReleaseState.bucket("prod", state.salt(), id) < percent * 100)
        .toList();
  }

  private List<String> serving(long positions) {
    return fleet.stream()
        .filter(c -> c.getLong(POSITIONS) == positions)
        .map(ConfigManager::instanceId)
        .toList();
  }

  /** Every instance has reported, through the relay, the version it is to serve, applied. */
  private void awaitReports(ReleaseState state, int percent, int base) throws Exception {
    List<String> cohort = cohort(state, percent);
    awaitTrue(
        () -> {
          List<InstanceReport> reports = releases().reports("prod");
          return reports.size() == 20
              && reports.stream()
                  .allMatch(
                      r ->
                          r.version() == (cohort.contains(r.instanceId()) ? state.version() : base)
                              && r.state() == InstanceReport.State.APPLIED);
        });
  }

  @Test
  void aStepServesTheCandidateToExactlyTheDocumentedBucketsAndAFailedReportRollsAllBack()
      throws Exception {
    Syncer syncer = withPolicy();
    startFleet();
    RevCommit change =
        desk.edit(RISK, "maxOpenPositions: 5", "maxOpenPositions: 4")
            .commit(ADA, "One fewer open position");
    syncer.syncOnce();

    ReleaseState state = release();
    assertThat(state.percent()).isEqualTo(25);
    assertThat(state.salt()).isEqualTo(change.name());
    List<String> cohort = cohort(state, 25);
    assertThat(cohort).isNotEmpty().hasSizeLessThan(20);
    awaitTrue(() -> serving(4).equals(cohort));
    assertThat(serving(5)).hasSize(20 - cohort.size());
    awaitReports(state, 25, 1);

    ConfigManager failing =
        fleet.stream().filter(c -> cohort.contains(c.instanceId())).findFirst().orElseThrow();
    failing.reportHealth(false, "order rejects 12 % since reload");
    awaitTrue(
        () ->
            releases().reports("prod").stream()
                .anyMatch(r -> r.instanceId().equals(failing.instanceId()) && !r.healthy()));
    assertThat(syncer.releases().tick()).containsExactly(ReleaseEvent.Kind.ROLLED_BACK);

    awaitTrue(() -> serving(5).size() == 20);
    assertThat(releases().state("prod")).isEmpty();
    ReleaseEvent rolledBack = releases().events("prod", 1).get(0);
    assertThat(rolledBack.cause())
        .isEqualTo(
            "1 failed report(s), more than maxFailures 0: "
                + failing.instanceId()
                + ": unhealthy: order rejects 12 % since reload");
  }

  @Test
  void aGoodReleaseReachesEveryRelayClientAndBecomesActive() throws Exception {
    Syncer syncer = withPolicy();
    startFleet();
    desk.edit(RISK, "maxOpenPositions: 5", "maxOpenPositions: 4")
        .commit(ADA, "One fewer open position");
    syncer.syncOnce();
    ReleaseState state = release();
    awaitReports(state, 25, 1);

    clock.advance(BAKE);
    assertThat(syncer.releases().tick()).containsExactly(ReleaseEvent.Kind.STEP_ADVANCED);
    assertThat(release().percent()).isEqualTo(100);
    awaitTrue(() -> serving(4).size() == 20);
    awaitReports(release(), 100, 1);

    clock.advance(BAKE);
    assertThat(syncer.releases().tick()).containsExactly(ReleaseEvent.Kind.COMPLETED);
    MirrorReader mirror = MirrorReader.of(desk.database.dataSource());
    assertThat(mirror.activeVersion("prod").orElseThrow().version()).isEqualTo(state.version());
    assertThat(releases().state("prod")).isEmpty();
    awaitTrue(() -> serving(4).size() == 20);
    awaitTrue(() -> fleet.stream().allMatch(c -> c.snapshot().version().orElse(0) == 2));
  }

  @Test
  void aWatchNamingTheReleaseStateReturnsWhenItIsPromotedAndWhenItIsAborted() throws Exception {
    Syncer syncer = withPolicy();
    desk.edit(RISK, "maxOpenPositions: 5", "maxOpenPositions: 4")
        .commit(ADA, "One fewer open position");
    syncer.syncOnce();
    ReleaseState state = release();
    HttpResponse<String> rolling = get("/v1/environments/prod/release");
    String tag = rolling.headers().firstValue("ETag").orElseThrow();
    assertThat(rolling.body())
        .startsWith(
            "{\"base\":1,\"environment\":\"prod\",\"release\":{\"percent\":25,"
                + "\"phase\":\"rolling\",\"salt\":\""
                + state.salt()
                + "\",\"step\":0,\"version\":"
                + state.version()
                + "},\"tag\":");
    assertThat(get("/v1/environments/prod/versions/" + state.version()).body())
        .contains("\"risk.parameters.maxOpenPositions\":4");

    CompletableFuture<HttpResponse<String>> watch = watch(1, tag);
    syncer.releases().promote("prod", Optional.of(60), "Bo Risk", "looks fine");

    HttpResponse<String> promoted = watch.get(30, TimeUnit.SECONDS);
    assertThat(promoted.statusCode()).isEqualTo(200);
    assertThat(promoted.body()).contains("\"version\":1,");
    String next = promoted.headers().firstValue("Gitconf-Release").orElseThrow();
    assertThat(next).isNotEqualTo(tag);
    assertThat(get("/v1/environments/prod/release").body()).contains("\"percent\":60");

    CompletableFuture<HttpResponse<String>> again = watch(1, next);
    syncer.releases().abort("prod", "Bo Risk", "wrong limit");
    HttpResponse<String> aborted = again.get(30, TimeUnit.SECONDS);
    assertThat(aborted.statusCode()).isEqualTo(200);
    assertThat(get("/v1/environments/prod/release").body())
        .startsWith("{\"base\":1,\"environment\":\"prod\",\"release\":null,");
  }

  private CompletableFuture<HttpResponse<String>> watch(int version, String tag) {
    return HttpClient.newHttpClient()
        .sendAsync(
            HttpRequest.newBuilder(
                    URI.create(
                        relay.url()
                            + "/v1/environments/prod/watch?version="
                            + version
                            + "&timeout=60s&release="
                            + URLEncoder.encode(tag, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(relay.url() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void reportsReachTheMirrorInBatchesNotOneStatementEach() throws Exception {
    withPolicy();
    startFleet();
    awaitTrue(
        () ->
            releases().reports("prod").size() == 20
                && releases().reports("prod").stream().allMatch(r -> r.version() == 1));
    double received = metric("gitconf_relay_reports_received_total");
    double written = metric("gitconf_relay_reports_written_total");
    double batches = metric("gitconf_relay_report_batches_total");

    awaitTrue(() -> metric("gitconf_relay_reports_received_total") >= received + 400);

    double reports = metric("gitconf_relay_reports_received_total") - received;
    double statements = metric("gitconf_relay_report_batches_total") - batches;
    // 20 instances every 100 ms: 200 reports a second, written at most 4 times a second, one row
    // per instance in each.
    assertThat(statements).isPositive();
    assertThat(reports / statements).isGreaterThan(10);
    assertThat(metric("gitconf_relay_reports_written_total") - written).isLessThan(reports);
    assertThat(relay.reportBatches()).isGreaterThanOrEqualTo((long) statements);
    assertThat(releases().reports("prod")).hasSize(20);
  }

  private double metric(String name) {
    try {
      HttpResponse<String> scrape =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(relay.url() + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString());
      Matcher m =
          Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$")
              .matcher(scrape.body());
      assertThat(m.find()).as(name + " in " + scrape.body()).isTrue();
      return Double.parseDouble(m.group(1));
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Polls a condition for up to 30 seconds. */
  static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      Thread.sleep(20);
    }
  }
}
