package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a file holds, the strict reader reads it or refuses it with a {@link
 * GitconfException.Parse} naming file and line; it never throws anything else. Small limits make
 * the size, depth, alias and value bounds reachable.
 */
class StrictYamlReaderPropertiesTest {
  private static final String FILE = "environments/prod/risk.yaml";
  private final StrictYamlReader reader = new StrictYamlReader(new YamlLimits(400, 5, 2, 60));

  @Property(tries = 3000)
  void anyYamlLikeTextIsReadOrRefusedAtALine(@ForAll("yamlLike") String text) {
    readOrRefuseAtALine(text.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 1000)
  void anyBytesAreReadOrRefusedAtALine(@ForAll byte[] bytes) {
    readOrRefuseAtALine(bytes);
  }

  private void readOrRefuseAtALine(byte[] bytes) {
    try {
      reader.readMapping(FILE, bytes);
    } catch (GitconfException.Parse e) {
      assertThat(e.problem().origin())
          .as(e.getMessage())
          .hasValueSatisfying(
              origin -> {
                assertThat(origin.file()).isEqualTo(FILE);
                assertThat(origin.line()).isPositive();
              });
      assertThat(e.getMessage()).startsWith(FILE + ":" + e.problem().origin().get().line() + ": ");
    }
  }

  /**
   * Lines of YAML made of the pieces that reach the reader's refusals, joined by any line break.
   */
  @Provide
  Arbitrary<String> yamlLike() {
    Arbitrary<String> indent = Arbitraries.of("", "", "  ", "    ", "\t", " - ", "- ", "  - ");
    Arbitrary<String> key =
        Arbitraries.oneOf(
            Arbitraries.of(
                "a",
                "b",
                "limits",
                "max",
                "a.b",
                "<<",
                "\"\"",
                "? [x]",
                "&k a",
                "*k",
                "!!str a",
                "\"k\\0\"",
                "1e400",
                "true",
                "~",
                "[a, b]",
                "{x: 1}"),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(3));
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of(
                "",
                "1",
                "1e400",
                "-1e-400",
                "1e99999999999",
                "0x10",
                "0o7",
                ".inf",
                ".NaN",
                "0.1000000000000000000001",
                "9".repeat(120),
                "!delete",
                "!delete 1",
                "!!float x",
                "!!int 1.5",
                "!!binary aGk=",
                "!custom",
                "&a [1, 2]",
                "*a",
                "&m {x: 1}",
                "*m",
                "[*a, *a, *a]",
                "\"\\0\"",
                "\"\\uD800\"",
                "\"\\x07\"",
                "'it''s'",
                "\"open",
                "[",
                "{",
                "|",
                ">",
                "- x",
                "---",
                "...",
                "%YAML 1.2",
                "# comment",
                "\u0085",
                "\u2028",
                "\u0007",
                "\u007f",
                "\ufffe",
                "on",
                "2026-01-01",
                "[[[[[[1]]]]]]"),
            Arbitraries.strings().ofMaxLength(6));
    Arbitrary<String> line =
        Arbitraries.oneOf(
            net.jqwik.api.Combinators.combine(indent, key, value).as((i, k, v) -> i + k + ": " + v),
            net.jqwik.api.Combinators.combine(indent, value).as((i, v) -> i + v),
            Arbitraries.strings().ofMaxLength(12));
    Arbitrary<String> lineBreak = Arbitraries.of("\n", "\n", "\n", "\r\n", "\r", "\u0085");
    return net.jqwik.api.Combinators.combine(line.list().ofMaxSize(12), lineBreak)
        .as((lines, separator) -> String.join(separator, lines));
  }

  @Property(tries = 200)
  void hugeAndDeepFilesAreRefusedAtALine(@ForAll("big") String text) {
    readOrRefuseAtALine(text.getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<String> big() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(1, 60).map(n -> "a:\n" + "  x: 1\n".repeat(n)),
        Arbitraries.integers().between(1, 12).map(n -> nested(n)),
        Arbitraries.integers().between(1, 12).map(n -> "a: " + "[".repeat(n) + "]".repeat(n)),
        Arbitraries.integers()
            .between(1, 6)
            .map(n -> "a: &a [x]\n" + String.join("", List.of("b: [*a, *a]\n".repeat(n)))));
  }

  private static String nested(int depth) {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      yaml.append("  ".repeat(i)).append("k").append(i).append(":\n");
    }
    return yaml.append("  ".repeat(depth)).append("v: 1\n").toString();
  }
}
