package io.gitconf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's client code is the example application's, which CI compiles and runs against a real
 * mirror: the README shows the example's imports and the body of its {@code main}, between the
 * {@code // [readme:...]} markers, as they are.
 */
class ReadmeSnippetTest {
  static final Path EXAMPLE =
      Path.of("examples/trader-app/src/main/java/com/example/trader/TraderApp.java");

  /** The README's block: the example's imports, a blank line, then its main's body, unindented. */
  static String snippet() throws IOException {
    List<String> lines = Files.readAllLines(EXAMPLE);
    List<String> block = new ArrayList<>(region(lines, "imports"));
    block.add("");
    for (String line : region(lines, "main")) {
      block.add(line.length() >= 4 && line.startsWith("    ") ? line.substring(4) : line.strip());
    }
    return "```java\n" + String.join("\n", block) + "\n```\n";
  }

  private static List<String> region(List<String> lines, String name) {
    int start = lines.indexOf(indentOf(lines, "// [readme:" + name + "]"));
    int end = lines.indexOf(indentOf(lines, "// [/readme:" + name + "]"));
    assertThat(start).as(EXAMPLE + ": // [readme:" + name + "]").isNotNegative();
    assertThat(end).as(EXAMPLE + ": // [/readme:" + name + "]").isGreaterThan(start);
    return lines.subList(start + 1, end);
  }

  private static String indentOf(List<String> lines, String marker) {
    return lines.stream().filter(line -> line.strip().equals(marker)).findFirst().orElse(marker);
  }

  @Test
  void theReadmeShowsTheExampleApplicationsCode() throws IOException {
    String readme = Files.readString(Path.of("README.md"));

    assertThat(readme).contains(snippet());
  }

  @Test
  void theSnippetDefinesWhatItUses() throws IOException {
    String snippet = snippet();

    assertThat(snippet)
        .contains("import io.gitconf.core.crypto.Secret;")
        .contains("import io.gitconf.core.crypto.EncryptionKeys;")
        .contains("String jdbcUrl = args[0];")
        .doesNotContain("log.")
        .doesNotContain("/var/")
        .doesNotContain("/srv/");
  }
}
