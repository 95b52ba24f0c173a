package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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
        .isEqualTo("base/risk.yaml:33: nesting is deeper than 32 levels (depth)");
  }

  @Test
  void fileLargerThanTheLimitIsRefusedBeforeParsingAtTheLineThatPassesIt() {
    StrictYamlReader small = new StrictYamlReader(new YamlLimits(64, 32, 50, 1000));
    byte[] big = ("a: 1\nb: 2\nc: " + "x".repeat(100) + "\n").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> small.readMapping("base/risk.yaml", big))
        .hasMessage(
            "base/risk.yaml:3: file is 114 bytes, larger than the limit of 64; it passes the limit"
                + " on this line (file-size)");
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
            "base/risk.yaml:1: file is empty; remove it or give it at least one key (empty-file)");
    assertThat(error("# only a comment\n"))
        .isEqualTo(
            "base/risk.yaml:1: file is empty; remove it or give it at least one key (empty-file)");
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
        .isEqualTo(
            "base/risk.yaml:2: a configuration file holds a single YAML document (documents)");
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

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1e400              | must be a finite number: it is beyond the range of a double (about 1.8e308)",
        "-1e400             | must be a finite number: it is beyond the range of a double (about 1.8e308)",
        "1.8e308            | must be a finite number: it is beyond the range of a double (about 1.8e308)",
        "12e99999999999     | must be a finite number: its exponent is out of range",
        "1e-99999999999     | must be a finite number: its exponent is out of range",
        "1e-400             | is too close to zero for a double, which would read it as 0",
        "-2.5e-330          | is too close to zero for a double, which would read it as 0",
        "9007199254740993.0 | has more significant digits than a double holds (about 15), so it would not be"
            + " read as written",
        "0.1000000000000000000001 | has more significant digits than a double holds (about 15), so it"
            + " would not be read as written",
        ".inf               | must be a finite number",
        "-.Inf              | must be a finite number",
        ".NaN               | must be a finite number",
      })
  void numbersADoubleDoesNotHoldAsWrittenAreRefusedAtTheirLine(String number, String message) {
    assertThat(error("a: 1\nlimits:\n  max: " + number + "\n"))
        .isEqualTo("base/risk.yaml:3: risk.limits.max: " + message + " (number)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0.1                     | 0.1",
        "2e23                    | 2.0E23",
        "1e300                   | 1.0E300",
        "-1.7976931348623157e308 | -1.7976931348623157E308",
        "4.9e-324                | 4.9E-324",
        "0.30000000000000004     | 0.30000000000000004",
        "100.000                 | 100.0",
        "-0.0                    | -0.0",
      })
  void numbersADoubleHoldsAreRead(String number, double expected) {
    assertThat(read("max: " + number + "\n").content().get("max").doubleValue())
        .isEqualTo(expected);
  }

  @Test
  void integersOfAnySizeAreReadExactlyAndLeftToTheSchema() {
    JsonNode content =
        read("a: 99999999999999999999999\nb: -9223372036854775809\nc: 0x7fffffffffffffff\n")
            .content();
    assertThat(content.get("a").bigIntegerValue())
        .isEqualTo(new java.math.BigInteger("99999999999999999999999"));
    assertThat(content.get("b").bigIntegerValue())
        .isEqualTo(new java.math.BigInteger("-9223372036854775809"));
    assertThat(content.get("c").longValue()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void numbersLongerThanTheLimitAreRefusedBeforeParsing() {
    String digits = "9".repeat(YamlConverter.MAX_NUMBER_CHARS + 1);
    assertThat(error("a: 1\nb: " + digits + "\n"))
        .isEqualTo(
            "base/risk.yaml:2: risk.b: number is 101 characters long, longer than the limit of 100"
                + " (number)");
    assertThat(error("a: 1.5e" + "0".repeat(100) + "1\n"))
        .isEqualTo(
            "base/risk.yaml:1: risk.a: number is 105 characters long, longer than the limit of 100"
                + " (number)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'a: !!float abc'      | 1 | risk.a  | tag:yaml.org,2002:float",
        "'a: !!int 1.5'        | 1 | risk.a  | tag:yaml.org,2002:int",
        "'a: !!bool maybe'     | 1 | risk.a  | tag:yaml.org,2002:bool",
        "'b: 1\na: !!str 5'    | 2 | risk.a  | tag:yaml.org,2002:str",
        "'a: !!null x'         | 1 | risk.a  | tag:yaml.org,2002:null",
        "'a: !!map {x: 1}'     | 1 | risk.a  | tag:yaml.org,2002:map",
        "'a: [1, !custom 2]'   | 1 | risk.a[] | !custom",
      })
  void explicitTagsAreRefusedWhateverTheyTag(String yaml, int line, String path, String tag) {
    assertThat(error(yaml.replace("\\n", "\n") + "\n"))
        .isEqualTo(
            "base/risk.yaml:"
                + line
                + ": "
                + path
                + ": unsupported tag "
                + tag
                + " (only !delete is allowed) (tag)");
  }

  @Test
  void aTaggedKeyIsNotPlainText() {
    assertThat(error("a: 1\n!!str b: 2\n"))
        .isEqualTo("base/risk.yaml:2: risk: keys must be plain text (key)");
  }

  @ParameterizedTest(name = "U+{0}")
  @ValueSource(ints = {0x00, 0x07, 0x1b, 0x7f, 0x80, 0x9f, 0xfffe, 0xffff})
  void charactersYamlDoesNotAllowAreRefusedAtTheirLine(int codePoint) {
    String yaml = "a: 1\nb: 2\nc: x" + new String(Character.toChars(codePoint)) + "y\n";
    assertThat(error(yaml))
        .isEqualTo(
            "base/risk.yaml:3: character "
                + String.format("U+%04X", codePoint)
                + " is not allowed in a YAML file (character)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\\0      | U+0000",
        "\\x07    | U+0007",
        "\\e      | U+001B",
        "\\uD800  | U+D800",
        "\\x7f    | U+007F",
      })
  void escapesCannotPutThoseCharactersIntoValuesOrKeys(String escape, String codePoint) {
    assertThat(error("a: 1\nb:\n  c: \"x" + escape + "y\"\n"))
        .isEqualTo(
            "base/risk.yaml:3: risk.b.c: character "
                + codePoint
                + " is not allowed in values (a control character or an unpaired surrogate, written"
                + " as an escape?) (character)");
    assertThat(error("a: 1\n\"k" + escape + "\": 2\n"))
        .isEqualTo(
            "base/risk.yaml:2: risk: character "
                + codePoint
                + " is not allowed in keys (a control character or an unpaired surrogate, written"
                + " as an escape?) (character)");
  }

  @Test
  void tabsNewlinesAndOtherTextStayAllowedInValues() {
    JsonNode content =
        read("a: \"x\\ty\\nz\"\nb: \"caf\u00e9 \u20ac \ud83d\ude80\"\nc: \"\\u00e9\"\n").content();
    assertThat(content.get("a").asText()).isEqualTo("x\ty\nz");
    assertThat(content.get("b").asText()).isEqualTo("caf\u00e9 \u20ac \ud83d\ude80");
    assertThat(content.get("c").asText()).isEqualTo("\u00e9");
  }

  @Test
  void linesAreCountedAsTheYamlParserCountsThem() {
    // A lone CR ends a line as LF does, so every refusal names the same line as parse errors.
    assertThat(error("a: 1\rb: 2\r\nc: \u0007\n"))
        .isEqualTo("base/risk.yaml:3: character U+0007 is not allowed in a YAML file (character)");
    assertThat(error("a: 1\rb:\r\tc: 1\n"))
        .isEqualTo(
            "base/risk.yaml:3: tab character in indentation; YAML indentation must use spaces (tab)");
    assertThat(error("a: 1\rb: 1\rb: 2\n"))
        .isEqualTo(
            "base/risk.yaml:3: risk.b: duplicate key (first defined at line 2) (duplicate-key)");
  }

  @Test
  void nestingDeeperThanTheConverterAllowsNamesTheLineAndNotOnlyTheParser() {
    // Lists of maps count a level for the list and one for the map: the converter's own count.
    StrictYamlReader shallow = new StrictYamlReader(new YamlLimits(1024, 3, 50, 1000));
    assertThatThrownBy(
            () ->
                shallow.readMapping(
                    "base/risk.yaml",
                    "a: 1\nb:\n  c:\n    d: 1\n".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("base/risk.yaml:4: nesting is deeper than 3 levels (depth)");
  }

  @Test
  void aFileNotValidUtf8AfterALoneCarriageReturnNamesItsLine() {
    byte[] bytes = {'a', ':', ' ', '1', '\r', 'b', ':', ' ', (byte) 0xff, '\n'};
    assertThat(error(bytes)).isEqualTo("base/risk.yaml:2: file is not valid UTF-8 (encoding)");
  }
}
