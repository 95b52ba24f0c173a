package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictYamlReaderTest {
  private final StrictYamlReader reader = new StrictYamlReader(YamlLimits.defaults());

  private ParsedFile read(String yaml) {
    return reader.readMapping("base/risk.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  private String error(String yaml) {
    return error(yaml.getBytes(StandardCharsets.UTF_8));
  }

  private String error(byte[] bytes) {
    try {
      reader.readMapping("base/risk.yaml", bytes);
    } catch (GitconfException.Parse e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a parse error");
  }

  @Test
  void readsNestedMapsWithTheLineOfEveryKey() {
    ParsedFile file = read("limits:\n  dailyLossUsd: 500\n  perToken:\n    abc: 1\n");
    assertThat(file.content().at("/limits/dailyLossUsd").asInt()).isEqualTo(500);
    assertThat(file.lines())
        .containsEntry("limits", 1)
        .containsEntry("limits.dailyLossUsd", 2)
        .containsEntry("limits.perToken.abc", 4);
  }

  @Test
  void duplicateKeyIsAnErrorNamingBothLines() {
    assertThat(error("limits:\n  dailyLossUsd: 1\n  dailyLossUsd: 2\n"))
        .isEqualTo(
            "base/risk.yaml:3: risk.limits.dailyLossUsd: duplicate key (first defined at line 2) (duplicate-key)");
  }

  @Test
  void billionLaughsIsRejectedWithoutExpansion() {
    StringBuilder yaml = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (char c = 'b'; c <= 'i'; c++) {
      String previous = "*" + (char) (c - 1);
      yaml.append(c)
          .append(": &")
          .append(c)
          .append(" [")
          .append(String.join(", ", java.util.Collections.nCopies(9, previous)))
          .append("]\n");
    }
    assertThat(error(yaml.toString()))
        .isEqualTo(
            "base/risk.yaml:3: too many aliases (more than 50); anchors and aliases are bounded (aliases)");
  }

  @Test
  void deeplyNestedAliasesAreStoppedByTheAliasBound() {
    // 24 levels of two aliases each would expand to 2^24 values.
    StringBuilder yaml = new StringBuilder("l0: &l0 [x, x]\n");
    for (int i = 1; i <= 24; i++) {
      yaml.append("l" + i + ": &l" + i + " [*l" + (i - 1) + ", *l" + (i - 1) + "]\n");
    }
    assertThat(error(yaml.toString()))
        .endsWith("too many aliases (more than 50); anchors and aliases are bounded (aliases)");
  }

  @Test
  void aliasExpansionWithinTheAliasLimitIsStillBoundedByTheValueBudget() {
    // Three aliases of a 70,000-item list: few aliases, but 280,000 values once expanded.
    StringBuilder yaml = new StringBuilder("big: &big [");
    for (int i = 0; i < 70_000; i++) {
      yaml.append(i == 0 ? "" : ",").append(i % 10);
    }
    yaml.append("]\ncopies: [*big, *big, *big]\n");
    assertThat(error(yaml.toString()))
        .isEqualTo(
            "base/risk.yaml:2: file expands to more than 200000 values (through aliases?) (size)");
  }

  @Test
  void nestingDeeperThanTheLimitIsRefused() {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      yaml.append("  ".repeat(i)).append("k").append(i).append(":\n");
    }
    yaml.append("  ".repeat(40)).append("v: 1\n");
    assertThat(error(yaml.toString()))
        .startsWith("base/risk.yaml:")
        .contains("nesting is deeper than");
  }

  @Test
  void fileLargerThanTheLimitIsRefusedBeforeParsing() {
    StrictYamlReader small = new StrictYamlReader(new YamlLimits(64, 32, 50, 1000));
    byte[] big = ("a: " + "x".repeat(100) + "\n").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> small.readMapping("base/risk.yaml", big))
        .hasMessage("base/risk.yaml: file is 104 bytes, larger than the limit of 64 (file-size)");
  }

  @Test
  void nonUtf8IsAnErrorNamingTheLine() {
    byte[] latin1 = "a: 1\nb: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(error(latin1)).isEqualTo("base/risk.yaml:2: file is not valid UTF-8 (encoding)");
  }

  @Test
  void tabIndentationIsAnErrorNamingTheLine() {
    assertThat(error("limits:\n\tdailyLossUsd: 1\n"))
        .isEqualTo(
            "base/risk.yaml:2: tab character in indentation; YAML indentation must use spaces (tab)");
  }

  @Test
  void dottedKeyIsAnError() {
    assertThat(error("limits.dailyLossUsd: 1\n"))
        .isEqualTo(
            "base/risk.yaml:1: risk: key 'limits.dailyLossUsd' contains a dot; nest the keys as maps instead"
                + " (dotted-key)");
  }

  @Test
  void emptyFileIsAnError() {
    assertThat(error(""))
        .isEqualTo(
            "base/risk.yaml: file is empty; remove it or give it at least one key (empty-file)");
    assertThat(error("# only a comment\n"))
        .isEqualTo(
            "base/risk.yaml: file is empty; remove it or give it at least one key (empty-file)");
  }

  @Test
  void scalarsFollowYaml12CoreSchema() {
    JsonNode content =
        read("a: on\nb: no\nc: 010\nd: 0x10\ne: 2026-01-01\nf: 1_000\ng: 1.5\nh: True\ni: ~\n")
            .content();
    assertThat(content.get("a").isTextual()).isTrue();
    assertThat(content.get("b").asText()).isEqualTo("no");
    assertThat(content.get("c").asLong()).isEqualTo(10);
    assertThat(content.get("d").asLong()).isEqualTo(16);
    assertThat(content.get("e").isTextual()).isTrue();
    assertThat(content.get("f").isTextual()).isTrue();
    assertThat(content.get("g").asDouble()).isEqualTo(1.5);
    assertThat(content.get("h").asBoolean()).isTrue();
    assertThat(content.get("i").isNull()).isTrue();
  }

  @Test
  void infinityIsNotANumberGitconfAccepts() {
    assertThat(error("max: .inf\n"))
        .isEqualTo("base/risk.yaml:1: risk.max: must be a finite number (number)");
  }

  @Test
  void unknownTagsAreRefused() {
    assertThat(error("a: !!binary aGVsbG8=\n"))
        .isEqualTo(
            "base/risk.yaml:1: risk.a: unsupported tag tag:yaml.org,2002:binary (only !delete is allowed) (tag)");
  }

  @Test
  void deleteTagIsRecordedWithItsLineAndLeftOutOfTheContent() {
    ParsedFile file = read("limits:\n  perToken: !delete\n  dailyLossUsd: 5\n");
    assertThat(file.deletes()).containsExactly(java.util.Map.entry("limits.perToken", 2));
    assertThat(file.content().path("limits").has("perToken")).isFalse();
  }

  @Test
  void misplacedDeleteTagsAreRefusedWithTheirPath() {
    assertThat(error("hosts:\n  - name: !delete\n"))
        .isEqualTo(
            "base/risk.yaml:2: risk.hosts[].name: !delete is not allowed inside lists (delete)");
    assertThat(error("limits:\n  max: !delete 5\n"))
        .isEqualTo("base/risk.yaml:2: risk.limits.max: !delete takes no value (delete)");
  }

  @Test
  void problemsOutsideACategoryFileNameThePathAsWritten() {
    byte[] yaml = "risk:\n  limits: 1\n  limits: 2\n".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> reader.readMapping("import.yaml", yaml))
        .hasMessage(
            "import.yaml:3: risk.limits: duplicate key (first defined at line 2) (duplicate-key)");
  }

  @Test
  void mergeKeysAreRefused() {
    assertThat(error("base: &b {x: 1}\nother:\n  <<: *b\n"))
        .isEqualTo(
            "base/risk.yaml:3: risk.other: merge keys (<<) are not supported; use environment overlays (merge-key)");
  }

  @Test
  void aSecondDocumentIsRefused() {
    assertThat(error("a: 1\n---\nb: 2\n"))
        .contains("a configuration file holds a single YAML document");
  }

  @Test
  void syntaxErrorsNameTheLineButNeverEchoTheFile() {
    String message = error("trader:\n  apiKey: \"s3cr3t-PLAINTEXT\n  other: [\n");
    assertThat(message)
        .startsWith("base/risk.yaml:")
        .endsWith("(yaml-syntax)")
        .doesNotContain("s3cr3t");
  }

  @Test
  void topLevelMustBeAMapping() {
    assertThat(error("- a\n- b\n"))
        .isEqualTo("base/risk.yaml:1: the top level must be a mapping of keys to values (type)");
  }
}
