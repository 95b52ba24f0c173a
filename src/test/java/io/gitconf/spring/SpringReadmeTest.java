package io.gitconf.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's Spring Boot code is the example's, which CI builds and runs against a real mirror:
 * the regions between the {@code [readme:...]} markers, as they are.
 */
class SpringReadmeTest {
  static final Path EXAMPLE = Path.of("examples/spring-boot-trader/src/main");

  static String region(Path file, String name, String comment, String fence) throws IOException {
    List<String> lines = Files.readAllLines(EXAMPLE.resolve(file));
    int start = lines.indexOf(comment + " [readme:" + name + "]");
    int end = lines.indexOf(comment + " [/readme:" + name + "]");
    assertThat(start).as(file + ": " + comment + " [readme:" + name + "]").isNotNegative();
    assertThat(end).as(file + ": " + comment + " [/readme:" + name + "]").isGreaterThan(start);
    return "```" + fence + "\n" + String.join("\n", lines.subList(start + 1, end)) + "\n```\n";
  }

  @Test
  void theReadmeShowsTheSpringExamplesConfigurationAndBeans() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    Path java = Path.of("java/com/example/trader");

    assertThat(readme)
        .contains(region(Path.of("resources/application.yaml"), "application.yaml", "#", "yaml"))
        .contains(region(java.resolve("RiskLimits.java"), "RiskLimits", "//", "java"))
        .contains(region(java.resolve("RiskWatcher.java"), "RiskWatcher", "//", "java"));
  }
}
