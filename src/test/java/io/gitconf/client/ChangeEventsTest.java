package io.gitconf.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.core.ConfigRepository;
import io.gitconf.core.GoldenRepos;
import io.gitconf.core.RepoTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What events say: the version served, the paths held back, and which prefix hears what. */
class ChangeEventsTest {
  @TempDir Path dir;

  static final ConfigChangeEvent.ValueChanged RISK_CHANGE =
      ConfigChangeEvent.ValueChanged.of("risk.parameters.maxOpenPositions", 5L, 4L, "v2");
  static final ConfigChangeEvent.ValueChanged TRADER_CHANGE =
      ConfigChangeEvent.ValueChanged.of("trader.defaultSlippageBps", 50L, 40L, "v2");

  @Test
  void aPrefixHearsTheValueChangesAndRestartPathsUnderItAndEveryWholeSnapshotEvent() {
    List<ConfigChangeEvent> wholeSnapshot =
        List.of(
            new ConfigChangeEvent.VersionActivated("prod", "v2", "abc"),
            new ConfigChangeEvent.ReloadFailed(List.of("mirror: down")),
            new ConfigChangeEvent.EventsLost(3));
    for (ConfigChangeEvent event : wholeSnapshot) {
      assertThat(ConfigChangeNotifier.concerning("risk", event)).contains(event);
    }
    assertThat(ConfigChangeNotifier.concerning("risk", RISK_CHANGE)).contains(RISK_CHANGE);
    assertThat(ConfigChangeNotifier.concerning("risk.parameters", RISK_CHANGE))
        .contains(RISK_CHANGE);
    assertThat(ConfigChangeNotifier.concerning("risk.parameters.maxOpenPositions", RISK_CHANGE))
        .contains(RISK_CHANGE);
    assertThat(ConfigChangeNotifier.concerning("risk", TRADER_CHANGE)).isEmpty();
    assertThat(ConfigChangeNotifier.concerning("ris", RISK_CHANGE)).isEmpty();
    assertThat(ConfigChangeNotifier.concerning("risk.param", RISK_CHANGE)).isEmpty();
    assertThat(
            ConfigChangeNotifier.concerning(
                "risk", new ConfigChangeEvent.RestartRequired(List.of("trader.mode"), "v2")))
        .isEmpty();
    assertThat(
            ConfigChangeNotifier.concerning(
                "trader",
                new ConfigChangeEvent.RestartRequired(List.of("risk.x", "trader.mode"), "v2")))
        .contains(new ConfigChangeEvent.RestartRequired(List.of("trader.mode"), "v2"));
    assertThat(ConfigChangeNotifier.concerning("", TRADER_CHANGE)).contains(TRADER_CHANGE);
  }

  @Test
  void aRestartOnlyChangeReportsTheVersionAsTheSourceHasItAndThePathsHeldBack() throws Exception {
    Path repo = GoldenRepos.template(dir.resolve("config"));
    try (ConfigManager prod =
        ConfigManager.builder()
            .directory(repo)
            .environment("prod")
            .debounce(Duration.ofHours(1))
            .build()) {
      String startChecksum = prod.snapshot().checksum();
      List<ConfigChangeEvent> risk = new ArrayList<>();
      List<ConfigChangeEvent> trader = new ArrayList<>();
      List<ConfigChangeEvent> all = new ArrayList<>();
      prod.subscribe("risk", risk::add, Runnable::run);
      prod.subscribe("trader", trader::add, Runnable::run);
      prod.subscribe("", all::add, Runnable::run);
      Path file = repo.resolve("environments/prod/trader.yaml");
      Files.writeString(file, Files.readString(file).replace("mode: live", "mode: paper"));
      String versionChecksum =
          ConfigRepository.load(RepoTree.directory(repo)).snapshot("prod").checksum();

      assertThat(prod.reload()).isTrue();

      String version = "directory " + repo.toAbsolutePath();
      ConfigChangeEvent.VersionActivated activated =
          new ConfigChangeEvent.VersionActivated("prod", version, versionChecksum);
      ConfigChangeEvent.RestartRequired restart =
          new ConfigChangeEvent.RestartRequired(List.of("trader.mode"), version);
      assertThat(versionChecksum).isNotEqualTo(startChecksum);
      assertThat(all).containsExactly(restart, activated);
      assertThat(trader).containsExactly(restart, activated);
      assertThat(risk).containsExactly(activated);
      assertThat(prod.snapshot().checksum()).isEqualTo(versionChecksum);
      assertThat(prod.snapshot().heldBack()).containsExactly("trader.mode");
      assertThat(prod.getString("trader.mode")).isEqualTo("live");
      assertThat(prod.snapshot().toString())
          .endsWith(", held back until a restart: [trader.mode]]");
    }
  }

  @Test
  void eventValuesKeepTheirTypesAndSecretsStayMasked() throws Exception {
    Path repo = GoldenRepos.template(dir.resolve("config"));
    try (ConfigManager prod =
        ConfigManager.builder()
            .directory(repo)
            .environment("prod")
            .debounce(Duration.ofHours(1))
            .build()) {
      List<ConfigChangeEvent> all = new ArrayList<>();
      prod.subscribe("", all::add, Runnable::run);
      Path risk = repo.resolve("environments/prod/risk.yaml");
      Files.writeString(
          risk,
          Files.readString(risk)
              .replace("maxOpenPositions: 5", "maxOpenPositions: 4")
              .replace("maxExposurePercent: 20", "maxExposurePercent: 20.5"));

      assertThat(prod.reload()).isTrue();

      String version = "directory " + repo.toAbsolutePath();
      assertThat(all)
          .contains(
              ConfigChangeEvent.ValueChanged.of(
                  "risk.parameters.maxExposurePercent", 20L, 20.5, version),
              ConfigChangeEvent.ValueChanged.of(
                  "risk.parameters.maxOpenPositions", 5L, 4L, version));
      ConfigChangeEvent.ValueChanged added =
          new ConfigChangeEvent.ValueChanged("a.b", Optional.empty(), Optional.of(true), "v");
      assertThat(added.beforeText()).isEqualTo("(none)");
      assertThat(added.afterText()).isEqualTo("true");
    }
  }
}
