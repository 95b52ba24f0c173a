package io.gitconf.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.client.ConfigManager;
import io.gitconf.client.RiskParameters;
import io.gitconf.core.GoldenRepos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.test.annotation.DirtiesContext;

/**
 * An application's own {@code @SpringBootTest} over {@code spring.config.import=gitconf:}: the
 * settings must be known when the environment is prepared, so a test sets them as properties of the
 * annotation or as system properties (not with {@code @DynamicPropertySource}, which comes later).
 */
@SpringBootTest(
    classes = SpringBootDirectoryTest.Application.class,
    properties = {"spring.config.import=gitconf:prod"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SpringBootTestSupportTest {
  static final Path REPO = template();

  @Autowired ConfigManager manager;
  @Autowired RiskParameters risk;
  @Autowired SpringBootDirectoryTest.Exits exits;
  @Autowired ConfigurableEnvironment environment;

  private static Path template() {
    try {
      Path repo =
          GoldenRepos.template(Files.createTempDirectory(Path.of("target"), "spring-boot-test"));
      System.setProperty("gitconf.directory", repo.toString());
      return repo;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void forget() {
    System.clearProperty("gitconf.directory");
  }

  @Test
  void theImportedEnvironmentIsInjected() {
    assertThat(manager.environment()).isEqualTo("prod");
    assertThat(risk.parameters().maxOpenPositions()).isEqualTo(5);
    assertThat(exits.getStopLossPercent()).isEqualTo(3.0);
    assertThat(environment.getProperty("trader.mode")).isEqualTo("live");
    assertThat(environment.getPropertySources().contains("gitconf:prod")).isTrue();
  }
}
