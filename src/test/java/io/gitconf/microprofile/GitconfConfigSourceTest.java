package io.gitconf.microprofile;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.core.GoldenRepos;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MicroProfile source under SmallRye Config: found by {@code ServiceLoader} from {@code
 * gitconf.*} system properties, below environment variables, hot-reloaded.
 */
class GitconfConfigSourceTest {
  @TempDir Path dir;
  Path repo;

  @BeforeEach
  void settings() {
    repo = GoldenRepos.template(dir.resolve("config"));
    System.setProperty("gitconf.environment", "prod");
    System.setProperty("gitconf.directory", repo.toString());
  }

  @AfterEach
  void close() {
    System.clearProperty("gitconf.environment");
    System.clearProperty("gitconf.directory");
    GitconfConfigSourceProvider.closeAll();
  }

  @Test
  void serviceLoaderFindsTheSourceAndItServesTheEnvironmentsValues() {
    SmallRyeConfig config = new SmallRyeConfigBuilder().addDiscoveredSources().build();

    ConfigSource source =
        StreamSupport.stream(config.getConfigSources().spliterator(), false)
            .filter(GitconfConfigSource.class::isInstance)
            .findFirst()
            .orElseThrow();
    assertThat(source.getName()).isEqualTo("gitconf:prod");
    assertThat(source.getOrdinal()).isEqualTo(275);
    assertThat(config.getValue("risk.parameters.maxOpenPositions", Integer.class)).isEqualTo(5);
    assertThat(config.getValue("trader.mode", String.class)).isEqualTo("live");
    assertThat(config.getValue("trader.apiKey", String.class)).startsWith("ENC[v1,prod,");
  }

  @Test
  void anEnvironmentVariableOverridesAValueFromGitconf() {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .addDiscoveredSources()
            .withSources(new EnvConfigSource(Map.of("RISK_PARAMETERS_MAXOPENPOSITIONS", "2"), 300))
            .build();

    assertThat(config.getValue("risk.parameters.maxOpenPositions", Integer.class)).isEqualTo(2);
    assertThat(config.getValue("risk.parameters.maxPositionSizeUsd", Double.class))
        .isEqualTo(500.0);
  }

  @Test
  void aSavedChangeIsReadWithoutRebuildingTheConfig() throws Exception {
    SmallRyeConfig config = new SmallRyeConfigBuilder().addDiscoveredSources().build();
    GitconfConfigSource source =
        StreamSupport.stream(config.getConfigSources().spliterator(), false)
            .filter(GitconfConfigSource.class::isInstance)
            .map(GitconfConfigSource.class::cast)
            .findFirst()
            .orElseThrow();
    Path risk = repo.resolve("environments/prod/risk.yaml");
    Files.writeString(
        risk, Files.readString(risk).replace("maxOpenPositions: 5", "maxOpenPositions: 3"));

    // An explicit reload rather than waiting for the file watcher.
    assertThat(source.manager().reload()).isTrue();

    assertThat(config.getValue("risk.parameters.maxOpenPositions", Integer.class)).isEqualTo(3);
  }

  @Test
  void withoutGitconfEnvironmentTheProviderGivesNoSource() {
    assertThat(
            new GitconfConfigSourceProvider(name -> java.util.Optional.empty())
                .getConfigSources(getClass().getClassLoader()))
        .isEmpty();
  }
}
