package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GoldenRepoTest {
  @TempDir Path dir;

  static List<String> cases() {
    return GoldenRepos.cases();
  }

  @Test
  void shippedTemplateIsValidInEveryEnvironment() {
    ConfigRepository repo = ConfigRepository.load(RepoTree.directory(GoldenRepos.template(dir)));
    assertThat(repo.validate()).isEmpty();
    assertThat(repo.requireManifest().environmentNames()).containsExactly("dev", "test", "prod");
    assertThat(repo.snapshot("prod").get(ConfigPath.parse("trader.mode")).orElseThrow().asText())
        .isEqualTo("live");
    assertThat(repo.snapshot("dev").get(ConfigPath.parse("trader.mode")).orElseThrow().asText())
        .isEqualTo("paper");
    assertThat(repo.snapshot("test").get(ConfigPath.parse("trader.mode")).orElseThrow().asText())
        .isEqualTo("paper");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void validateReportsExactlyTheExpectedProblems(String name) {
    ConfigRepository repo =
        ConfigRepository.load(RepoTree.directory(GoldenRepos.materialize(name, dir)));
    List<String> problems = repo.validate().stream().map(Problem::toString).toList();
    assertThat(problems).containsExactlyElementsOf(GoldenRepos.expected(name));
  }
}
