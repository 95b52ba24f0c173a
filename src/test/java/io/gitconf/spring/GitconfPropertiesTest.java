package io.gitconf.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gitconf.client.ConfigManager;
import io.gitconf.core.GitconfException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The gitconf.* settings, read by name and applied to the builder, with the setting to fix. */
class GitconfPropertiesTest {
  private static GitconfProperties from(Map<String, String> settings) {
    return GitconfProperties.from(name -> Optional.ofNullable(settings.get(name)));
  }

  @Test
  void settingsAreReadByNameWithDurationsAsPeopleWriteThem() {
    GitconfProperties properties =
        from(
            Map.of(
                "gitconf.environment", "prod",
                "gitconf.git.url", "https://git.example/trading-config.git",
                "gitconf.cache-file", "/tmp/prod.json",
                "gitconf.cache-ttl", "500ms"));

    assertThat(properties.getEnvironment()).isEqualTo("prod");
    assertThat(properties.getGit().getUrl()).isEqualTo("https://git.example/trading-config.git");
    assertThat(properties.getGit().getBranch()).isEqualTo("main");
    assertThat(properties.getCacheFile()).isEqualTo(Path.of("/tmp/prod.json"));
    assertThat(properties.getCacheTtl()).isEqualTo(Duration.ofMillis(500));
    assertThat(from(Map.of("gitconf.cache-ttl", "2m")).getCacheTtl())
        .isEqualTo(Duration.ofMinutes(2));
    assertThat(from(Map.of("gitconf.cache-ttl", "PT5S")).getCacheTtl())
        .isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> from(Map.of("gitconf.cache-ttl", "soon")))
        .isInstanceOf(GitconfException.BadRequest.class)
        .hasMessage("gitconf.cache-ttl: 'soon' is not a duration (e.g. 500ms, 5s, 2m, 1h or PT5S)");
  }

  @Test
  void exactlyOneSourceIsNeeded() {
    assertThatThrownBy(
            () -> from(Map.of("gitconf.environment", "prod")).applyTo(ConfigManager.builder()))
        .isInstanceOf(GitconfException.BadRequest.class)
        .hasMessage(
            "no source set; set exactly one of gitconf.postgres.url, gitconf.directory,"
                + " gitconf.git.url or gitconf.server.url");
    assertThatThrownBy(
            () ->
                from(Map.of(
                        "gitconf.environment", "prod",
                        "gitconf.directory", "/srv/config",
                        "gitconf.git.url", "https://git.example/c.git"))
                    .applyTo(ConfigManager.builder()))
        .isInstanceOf(GitconfException.BadRequest.class)
        .hasMessageStartingWith(
            "more than one source set: [gitconf.directory, gitconf.git.url]; set exactly one");
  }

  @Test
  void toStringShowsNoPasswordOrToken() {
    GitconfProperties properties =
        from(
            Map.of(
                "gitconf.environment", "prod",
                "gitconf.postgres.url", "jdbc:postgresql://db/gitconf?user=t&password=pg-secret-1",
                "gitconf.server.token", "relay-token-123"));

    assertThat(properties.toString())
        .startsWith("GitconfProperties[environment=prod, postgres.url=")
        .doesNotContain("pg-secret-1")
        .doesNotContain("relay-token-123");
  }
}
