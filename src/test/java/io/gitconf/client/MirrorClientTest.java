package io.gitconf.client;

import static io.gitconf.client.TradingDesk.ADA;
import static io.gitconf.client.TradingDesk.BO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gitconf.core.ChangeRateLimit;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.GitconfException;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.Secret;
import io.gitconf.core.crypto.SecretCipher;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.sync.Database;
import io.gitconf.sync.MirrorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The client over the PostgreSQL mirror, end to end: commits to a real Git remote, a real syncer,
 * real PostgreSQL notifications.
 */
class MirrorClientTest {
  static final String PROD_RISK = "environments/prod/risk.yaml";

  @TempDir Path dir;
  TradingDesk desk;
  final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void open() {
    desk = TradingDesk.open(dir);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    desk.close();
  }

  private ConfigManager.Builder prod() {
    return ConfigManager.builder()
        .postgres(desk.database.dataSource())
        .environment("prod")
        .cacheFile(dir.resolve("prod.cache.json"));
  }

  private ConfigManager started(ConfigManager.Builder builder) {
    ConfigManager manager = builder.build();
    toClose.add(0, manager);
    return manager;
  }

  static List<ConfigChangeEvent> until(
      ConfigSubscription subscription, Class<? extends ConfigChangeEvent> type)
      throws InterruptedException {
    List<ConfigChangeEvent> events = new ArrayList<>();
    while (true) {
      Optional<ConfigChangeEvent> event = subscription.poll(Duration.ofSeconds(30));
      assertThat(event).as("no %s; events so far: %s", type.getSimpleName(), events).isPresent();
      events.add(event.get());
      if (type.isInstance(event.get())) {
        return events;
      }
    }
  }

  /**
   * Commits prod's trader.mode (restart only) to paper with one fewer open position, and checks the
   * events {@code prod} publishes: the hot change, the restart the mode needs, the activation.
   */
  static void pauseLiveTradingAndExpectARestart(TradingDesk desk, ConfigManager prod)
      throws InterruptedException {
    ConfigSubscription events = prod.subscribe();
    RevCommit commit =
        desk.edit("environments/prod/trader.yaml", "mode: live", "mode: paper")
            .edit(PROD_RISK, "maxOpenPositions: 5", "maxOpenPositions: 3")
            .commit(BO, "Pause live trading");
    desk.syncOnce();

    String version = "version 2, " + commit.name();
    assertThat(until(events, ConfigChangeEvent.VersionActivated.class))
        .containsExactly(
            ConfigChangeEvent.ValueChanged.of("risk.parameters.maxOpenPositions", 5L, 3L, version),
            new ConfigChangeEvent.RestartRequired(List.of("trader.mode"), version),
            new ConfigChangeEvent.VersionActivated("prod", version, prod.snapshot().checksum()));
  }

  @Test
  void aCommitReachesTheClientThroughTheSyncerAndANotification() throws Exception {
    desk.syncOnce();
    // A TTL of an hour: only the notification can bring the change in time.
    ConfigManager prod = started(prod().cacheTtl(Duration.ofHours(1)));
    assertThat(prod.snapshot().version()).hasValue(1);
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(5);
    ConfigSubscription events = prod.subscribe();
    desk.startSyncer(Duration.ofMillis(100));

    RevCommit commit =
        desk.edit(PROD_RISK, "maxOpenPositions: 5", "maxOpenPositions: 4")
            .commit(BO, "One fewer open position in prod");

    String version = "version 2, " + commit.name();
    assertThat(until(events, ConfigChangeEvent.VersionActivated.class))
        .containsExactly(
            ConfigChangeEvent.ValueChanged.of("risk.parameters.maxOpenPositions", 5L, 4L, version),
            new ConfigChangeEvent.VersionActivated("prod", version, prod.snapshot().checksum()));
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(4);
    assertThat(prod.getRiskParameters().parameters().maxOpenPositions()).isEqualTo(4);
    assertThat(prod.snapshot().commit()).isEqualTo(commit.name());
  }

  @Test
  void aVersionTheClientCannotValidateIsRefusedAndTheOldSnapshotStays() throws Exception {
    // The repository loosens its risk schema: the syncer accepts what this client's schemas refuse.
    desk.looseRiskSchema().commit(ADA, "Our own risk schema");
    desk.syncOnce();
    ConfigManager prod = started(prod().cacheTtl(Duration.ofMillis(200)));
    ConfigSubscription events = prod.subscribe();

    desk.edit(PROD_RISK, "maxExposurePercent: 20", "maxExposurePercent: 150").commit(BO, "All in");
    desk.syncOnce();

    assertThat(until(events, ConfigChangeEvent.ReloadFailed.class))
        .containsExactly(
            new ConfigChangeEvent.ReloadFailed(
                List.of("risk.parameters.maxExposurePercent: must be <= 100 (maximum)")));
    assertThat(prod.getDouble("risk.parameters.maxExposurePercent")).isEqualTo(20.0);
    assertThat(prod.snapshot().version()).hasValue(1);
    // Polling the same refused version again is not reported again.
    assertThat(events.poll(Duration.ofMillis(600))).isEmpty();
  }

  @Test
  void itemsThatDoNotReproduceTheirChecksumAreAnIntegrityFailureAsEverywhereElse()
      throws Exception {
    desk.syncOnce();
    try (Connection conn = desk.testDb.connect();
        Statement s = conn.createStatement()) {
      s.execute(
          "UPDATE config_items SET value = '9' WHERE environment = 'prod'"
              + " AND path = 'risk.parameters.maxOpenPositions'");
    }
    String expected =
        "mirror integrity: the items of version 1 of 'prod' give checksum [0-9a-f]{64}, the"
            + " version row says [0-9a-f]{64}";
    try (PostgresSource source =
        new PostgresSource(
            desk.database.dataSource(),
            "prod",
            Duration.ofMillis(50),
            Duration.ofSeconds(1),
            new ReleaseReporter(
                "prod",
                new InstanceIdentity("integrity-test", Map.of()),
                reports -> {},
                Duration.ofSeconds(1)))) {
      assertThatThrownBy(() -> source.load("prod"))
          .isInstanceOf(GitconfException.Integrity.class)
          .hasMessageMatching(expected);
    }
    // The syncer's side and the command line say the same, in the same words.
    assertThatThrownBy(
            () -> new MirrorStore(desk.database.dataSource()).reader().activeSnapshot("prod"))
        .isInstanceOf(GitconfException.Integrity.class)
        .hasMessageMatching(expected);
  }

  @Test
  void aRestartRequiredPathKeepsItsStartUpValue() throws Exception {
    desk.syncOnce();
    ConfigManager prod = started(prod().cacheTtl(Duration.ofMillis(200)));

    pauseLiveTradingAndExpectARestart(desk, prod);
    assertThat(prod.getString("trader.mode")).isEqualTo("live");
    assertThat(prod.getTraderConfig().isLive()).isTrue();
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(3);
  }

  @Test
  void setWithoutAWorkingCopySaysWhatIsMissing() {
    desk.syncOnce();
    ConfigManager prod = started(prod());
    assertThatThrownBy(() -> prod.set("risk.parameters.maxOpenPositions", 4, "Ada", "Four"))
        .isInstanceOf(GitconfException.BadRequest.class)
        .hasMessage(
            "set() needs a Git working copy of the config repository:"
                + " ConfigManager.builder().configRepository(path)");
  }

  @Test
  void aLostNotificationConnectionIsCoveredByTheTtlPoll() throws Exception {
    desk.syncOnce();
    // The listener waits an hour before it reconnects: only the TTL poll can bring the change.
    ConfigManager prod =
        started(prod().cacheTtl(Duration.ofMillis(300)).reconnectBackoff(Duration.ofHours(1)));
    ConfigSubscription events = prod.subscribe();
    awaitListeners(1);
    assertThat(terminateListeners()).isEqualTo(1);
    awaitListeners(0);

    desk.edit(PROD_RISK, "maxOpenPositions: 5", "maxOpenPositions: 2").commit(BO, "Two at most");
    desk.syncOnce();

    assertThat(until(events, ConfigChangeEvent.VersionActivated.class))
        .contains(
            ConfigChangeEvent.ValueChanged.of(
                "risk.parameters.maxOpenPositions",
                5L,
                2L,
                "version 2, " + desk.git.getRepository().resolve("HEAD").name()));
    assertThat(listeners()).isZero();
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(2);
  }

  @Test
  void theListenerReconnectsAfterItsConnectionIsKilled() throws Exception {
    desk.syncOnce();
    ConfigManager prod =
        started(prod().cacheTtl(Duration.ofHours(1)).reconnectBackoff(Duration.ofMillis(50)));
    ConfigSubscription events = prod.subscribe();
    awaitListeners(1);
    terminateListeners();
    awaitListeners(1);

    desk.edit(PROD_RISK, "maxOpenPositions: 5", "maxOpenPositions: 6").commit(BO, "Six");
    desk.syncOnce();

    assertThat(until(events, ConfigChangeEvent.VersionActivated.class)).hasSize(2);
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(6);
  }

  @Test
  void aDatabaseDownAtStartServesTheLastKnownGoodUntilItIsBack() throws Exception {
    desk.syncOnce();
    try (ConfigManager first = prod().build()) {
      assertThat(first.snapshot().version()).hasValue(1);
    }
    // A mirror database that does not exist yet: the client cannot load at start.
    String name = desk.testDb.name() + "_later";
    String url = desk.testDb.jdbcUrl().replace(desk.testDb.name(), name);
    ConfigManager prod =
        started(
            ConfigManager.builder()
                .postgres(url)
                .environment("prod")
                .cacheFile(dir.resolve("prod.cache.json"))
                .cacheTtl(Duration.ofMillis(200))
                .reconnectBackoff(Duration.ofMillis(100)));
    assertThat(prod.snapshot().version()).hasValue(1);
    assertThat(prod.getRiskParameters().parameters().maxOpenPositions()).isEqualTo(5);
    ConfigSubscription events = prod.subscribe();

    try (Connection admin = desk.testDb.connect();
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    try (Database later = Database.connect(url, Optional.empty())) {
      desk.edit(PROD_RISK, "maxOpenPositions: 5", "maxOpenPositions: 7").commit(BO, "Seven");
      try (io.gitconf.sync.Syncer syncer =
          new io.gitconf.sync.Syncer(
              later,
              io.gitconf.sync.SyncSettings.of(
                  desk.origin.toString(), "main", Duration.ofHours(1), dir.resolve("later-cache")),
              io.gitconf.sync.SyncListener.NONE)) {
        syncer.syncOnce();
      }
      // The new mirror activates version 1 (what the cache holds: no event) and then version 2.
      assertThat(until(events, ConfigChangeEvent.ValueChanged.class))
          .last()
          .isEqualTo(
              ConfigChangeEvent.ValueChanged.of(
                  "risk.parameters.maxOpenPositions",
                  5L,
                  7L,
                  "version 2, " + desk.git.getRepository().resolve("HEAD").name()));
      assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(7);
      prod.close();
    } finally {
      try (Connection admin = desk.testDb.connect();
          Statement statement = admin.createStatement()) {
        statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    }
  }

  @Test
  void withoutTheDatabaseOrACacheTheClientFailsFast() {
    String url = desk.testDb.jdbcUrl().replace(desk.testDb.name(), desk.testDb.name() + "_none");
    assertThatThrownBy(() -> ConfigManager.builder().postgres(url).environment("prod").build())
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessageStartingWith(
            "mirror: cannot load environment prod and there is no last-known-good cache (none"
                + " configured): mirror: cannot read environment prod: ");
  }

  @Test
  void concurrentReadersNeverSeeAMixOfTwoVersions() throws Exception {
    desk.syncOnce();
    ConfigManager prod = started(prod().cacheTtl(Duration.ofHours(1)));
    ConfigSubscription events = prod.subscribe();
    desk.startSyncer(Duration.ofMillis(50));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<String> broken = new AtomicReference<>();
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      Thread reader =
          new Thread(
              () -> {
                while (!stop.get() && broken.get() == null) {
                  ClientSnapshot s = prod.snapshot();
                  double max = s.getDouble("risk.parameters.maxPositionSizeUsd");
                  double total = s.getDouble("risk.parameters.maxTotalPositionUsd");
                  RiskParameters.Parameters typed = prod.getRiskParameters().parameters();
                  if (total != max * 10
                      || typed.maxTotalPositionUsd() != typed.maxPositionSizeUsd() * 10) {
                    broken.set(s + ": " + max + " / " + total + ", " + typed);
                  }
                }
              });
      reader.start();
      readers.add(reader);
    }
    String risk = desk.read(PROD_RISK);
    int changes = 15;
    for (int i = 1; i <= changes; i++) {
      // Both values change together in one commit; a reader must see both old or both new.
      desk.write(
              PROD_RISK,
              risk.replaceAll(
                      "(?m)^  maxPositionSizeUsd: .*$", "  maxPositionSizeUsd: " + (400 + i))
                  .replaceAll(
                      "(?m)^  maxTotalPositionUsd: .*$",
                      "  maxTotalPositionUsd: " + (400 + i) * 10))
          .commit(BO, "Limits " + i);
    }
    while (prod.getDouble("risk.parameters.maxPositionSizeUsd") != 400 + changes) {
      until(events, ConfigChangeEvent.VersionActivated.class);
    }
    stop.set(true);
    for (Thread reader : readers) {
      reader.join();
    }
    assertThat(broken.get()).isNull();
    assertThat(prod.getDouble("risk.parameters.maxTotalPositionUsd"))
        .isEqualTo((400 + changes) * 10);
  }

  @Test
  void setCommitsWithAuthorAndReasonAndTheSyncerMirrorsIt() throws Exception {
    desk.syncOnce();
    Path clone = dir.resolve("trader-clone");
    Git.cloneRepository().setURI(desk.originUrl()).setDirectory(clone.toFile()).call().close();
    ConfigManager prod = started(prod().configRepository(clone).cacheTtl(Duration.ofHours(1)));
    ConfigSubscription events = prod.subscribe();
    desk.startSyncer(Duration.ofMillis(100));

    Optional<String> commit =
        prod.set(
            "risk.parameters.maxPositionSizeUsd",
            450.0,
            "Ada Trader <ada@desk.example>",
            "Smaller positions after the review");

    assertThat(commit).isPresent();
    assertThat(until(events, ConfigChangeEvent.VersionActivated.class))
        .contains(
            ConfigChangeEvent.ValueChanged.of(
                "risk.parameters.maxPositionSizeUsd", 500L, 450L, "version 2, " + commit.get()));
    assertThat(prod.getDouble("risk.parameters.maxPositionSizeUsd")).isEqualTo(450.0);
    VersionRecord mirrored =
        new MirrorStore(desk.database.dataSource()).activeVersion("prod").orElseThrow();
    assertThat(mirrored.commitId()).isEqualTo(commit.get());
    assertThat(mirrored.authorName()).isEqualTo("Ada Trader");
    assertThat(mirrored.authorEmail()).isEqualTo("ada@desk.example");
    assertThat(mirrored.message()).isEqualTo("Smaller positions after the review");
    assertThat(
            new MirrorStore(desk.database.dataSource())
                .reader()
                .pathHistory("prod", "risk.parameters.maxPositionSizeUsd"))
        .first()
        .satisfies(
            audit -> {
              assertThat(audit.changedBy()).isEqualTo("Ada Trader <ada@desk.example>");
              assertThat(audit.reason()).isEqualTo("Smaller positions after the review");
            });
    // The comments of the edited file are kept.
    assertThat(Files.readString(clone.resolve(PROD_RISK)))
        .contains("# 5% of the total limit")
        .containsPattern("maxPositionSizeUsd: 450(\\s|$)");
  }

  @Test
  void setRefusesAnInvalidValueBeforeAnyCommit() throws Exception {
    desk.syncOnce();
    Path clone = dir.resolve("trader-clone");
    Git.cloneRepository().setURI(desk.originUrl()).setDirectory(clone.toFile()).call().close();
    ConfigManager prod = started(prod().configRepository(clone));
    String originHead = originHead();

    assertThatThrownBy(
            () -> prod.set("risk.parameters.maxExposurePercent", 150, "Bo Risk", "All in"))
        .isInstanceOf(GitconfException.ValidationFailed.class)
        .hasMessageContaining(
            "environments/prod/risk.yaml:6: risk.parameters.maxExposurePercent: must be <= 100"
                + " (maximum)");
    assertThatThrownBy(() -> prod.set("trader.apiKey", "plain", "Bo Risk", "Leak it"))
        .isInstanceOf(GitconfException.BadRequest.class)
        .hasMessage(
            "trader.apiKey is a secret: set it with gitconf secrets encrypt (the value is read"
                + " from standard input)");
    assertThat(originHead()).isEqualTo(originHead);
    assertThat(Files.readString(clone.resolve(PROD_RISK))).contains("maxExposurePercent: 20");
    try (Git git = Git.open(clone.toFile())) {
      assertThat(git.status().call().isClean()).isTrue();
    }
  }

  @Test
  void setIsRateLimitedPerUserAndSaysWhenToRetry() throws Exception {
    desk.syncOnce();
    Path clone = dir.resolve("trader-clone");
    Git.cloneRepository().setURI(desk.originUrl()).setDirectory(clone.toFile()).call().close();
    ConfigManager prod =
        started(prod().configRepository(clone).rateLimit(ChangeRateLimit.parse("2/min")));

    prod.set("risk.parameters.maxOpenPositions", 4, "Cy Quant", "Four");
    prod.set("risk.parameters.maxOpenPositions", 3, "Cy Quant <cy@desk.example>", "Three");
    String head = originHead();

    assertThatThrownBy(() -> prod.set("risk.parameters.maxOpenPositions", 2, "Cy Quant", "Two"))
        .isInstanceOf(GitconfException.RateLimited.class)
        .hasMessageMatching(
            "Cy Quant made 2 changes in the last 60 s \\(limit 2/min\\); retry in \\d+ s")
        .satisfies(
            e ->
                assertThat(((GitconfException.RateLimited) e).retryAfter())
                    .isPositive()
                    .isLessThanOrEqualTo(Duration.ofSeconds(61)));
    assertThat(originHead()).isEqualTo(head);
    // Another user is not held back by Cy's changes.
    assertThat(prod.set("risk.parameters.maxOpenPositions", 2, "Bo Risk", "Two")).isPresent();
  }

  @Test
  void secretsStayMaskedInEventsAndLogsAndEncryptedInTheCache() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try {
      desk.syncOnce();
      EncryptionKeys keys =
          EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY", ConfigManagerTest.DEMO_KEY));
      ConfigManager prod = started(prod().keys(keys).cacheTtl(Duration.ofMillis(200)));
      ConfigSubscription events = prod.subscribe();
      String plaintext = "s3cr3t-PLAINTEXT-7f";
      String ciphertext =
          SecretCipher.of(keys)
              .encrypt("prod", ConfigPath.parse("trader.apiKey"), Secret.of(plaintext));
      String trader = desk.read("environments/prod/trader.yaml");
      desk.write(
              "environments/prod/trader.yaml",
              trader.replaceAll("ENC\\[[^\\]]*\\]", Matcher.quoteReplacement(ciphertext)))
          .commit(ADA, "Rotate the Jupiter API key");
      desk.syncOnce();

      List<ConfigChangeEvent> received = until(events, ConfigChangeEvent.VersionActivated.class);
      assertThat(received.get(0))
          .isEqualTo(
              ConfigChangeEvent.ValueChanged.of(
                  "trader.apiKey",
                  "****",
                  "****",
                  "version 2, " + desk.git.getRepository().resolve("HEAD").name()));
      assertThat(prod.getSecret("trader.apiKey").reveal()).isEqualTo(plaintext);
      assertThat(prod.getSecret("trader.apiKey").toString()).isEqualTo("****");
      assertThat(received.toString()).doesNotContain(plaintext).doesNotContain("ENC[");
      assertThat(Files.readString(dir.resolve("prod.cache.json")))
          .doesNotContain(plaintext)
          .contains(ciphertext);
      assertThat(logs.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .noneMatch(message -> message.contains(plaintext));
    } finally {
      root.detachAppender(logs);
    }
  }

  private String originHead() throws IOException {
    try (Git origin = Git.open(desk.origin.toFile())) {
      return origin.getRepository().resolve("refs/heads/main").name();
    }
  }

  private int listeners() throws SQLException {
    return countListeners("count(*)");
  }

  private int terminateListeners() throws SQLException {
    return countListeners("count(pg_terminate_backend(pid))");
  }

  /** {@code aggregate} over the client listener connections of the test database. */
  private int countListeners(String aggregate) throws SQLException {
    try (Connection conn = desk.testDb.connect();
        Statement statement = conn.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT "
                    + aggregate
                    + " FROM pg_stat_activity WHERE application_name = '"
                    + MirrorListener.APPLICATION_NAME
                    + "' AND datname = current_database()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Waits until {@code count} listener connections exist; the loop is bounded, not timed. */
  private void awaitListeners(int count) throws Exception {
    for (int i = 0; i < 600 && listeners() != count; i++) {
      Thread.sleep(50);
    }
    assertThat(listeners()).isEqualTo(count);
  }
}
