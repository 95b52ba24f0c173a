package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation reports what it finds and never throws, whatever the values and the schemas. */
class ConfigSchemaValidatorTest {
  @TempDir Path dir;

  private static List<String> lines(List<Problem> problems) {
    return problems.stream().map(Problem::toString).toList();
  }

  /**
   * A stored snapshot (from the mirror or a cache file, whose JSON reads 1e400 as infinite) can
   * hold numbers the reader refuses: each is reported, and the rule comparing it is not run on it.
   */
  @Test
  void nonFiniteStoredNumbersAreReportedAndNoRuleComparesThem() {
    ConfigSnapshot prod = ProbeRepository.create(dir).load().snapshot("prod");
    SortedMap<String, JsonNode> leaves = new TreeMap<>(prod.leaves());
    leaves.put("risk.parameters.maxTotalPositionUsd", DoubleNode.valueOf(Double.POSITIVE_INFINITY));
    leaves.put("risk.parameters.maxPositionSizeUsd", DoubleNode.valueOf(Double.NaN));
    leaves.put("mev.priorityFee.minMicroLamports", DoubleNode.valueOf(Double.NEGATIVE_INFINITY));

    List<Problem> problems =
        ConfigSchemaValidator.of(SchemaSet.shipped())
            .validate(ConfigSnapshot.fromLeaves("prod", leaves));

    assertThat(lines(problems))
        .containsExactly(
            "mev.priorityFee.minMicroLamports: must be a finite number (number)",
            "risk.parameters.maxPositionSizeUsd: must be a finite number (number)",
            "risk.parameters.maxTotalPositionUsd: must be a finite number (number)");
  }

  /**
   * A double beyond the range of a long (1e19, or 2^63 written 9.223372036854776e18) breaks an
   * integer's long bound; the schema library alone saturates it to the bound and lets it pass.
   */
  @Test
  void aDoubleBeyondALongBreaksTheBoundOfALongField() {
    ProbeRepository probe = ProbeRepository.create(dir);
    ConfigPath fee = ConfigPath.parse("mev.priorityFee.maxMicroLamports");
    for (String value : List.of("1e19", "9.223372036854776e18")) {
      assertThat(lines(ProbeRepository.validate(probe.with(fee, value))))
          .as(value)
          .contains(
              "environments/probe/mev.yaml:2: mev.priorityFee.maxMicroLamports: must be <="
                  + " 9223372036854775807 (maximum)");
    }
    assertThat(lines(ProbeRepository.validate(probe.with(fee, "9e18")))).isEmpty();
  }

  @Test
  void aScalarWhereACategoryShouldBeIsATypeProblem() {
    ConfigSnapshot snapshot =
        ConfigSnapshot.fromLeaves("prod", java.util.Map.of("risk", DoubleNode.valueOf(Double.NaN)));
    assertThat(
            lines(
                ConfigSchemaValidator.of(SchemaSet.shipped().only(List.of("risk")))
                    .validate(snapshot)))
        .containsExactly("risk: must be a finite number (number)");
  }

  /**
   * A repository's own schema may be broken in ways the schema library refuses (a pattern that does
   * not compile) or does not notice (a reference that is not a JSON pointer): each is a problem,
   * and the schema's other uses (secret paths, restart paths) do not throw either.
   */
  @Test
  void aBrokenRepositorySchemaIsAProblemNotAFailure() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file(
                "schemas/app.schema.json",
                """
                {
                  "$schema": "https://json-schema.org/draft/2020-12/schema",
                  "type": "object",
                  "patternProperties": {"[": {"x-secret": true}},
                  "properties": {"limits": {"$ref": "#not-a-pointer"}, "other": {"$ref": "#/~9"}}
                }
                """)
            .file("base/app.yaml", "limits:\n  max: 10\nother: 1\n")
            .load();

    List<Problem> problems = repo.validate();

    assertThat(problems).isNotEmpty().allMatch(Problem::isError);
    assertThat(problems).anyMatch(p -> p.rule().equals("schema"));
    SchemaSet schemas = repo.schemas();
    assertThat(schemas.isSecret(ConfigPath.parse("app.limits.max"))).isFalse();
    assertThat(schemas.requiresRestart(ConfigPath.parse("app.other"))).isFalse();
  }

  @Test
  void aRequiredKeyNoFileCanWriteIsReportedAtItsMap() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file(
                "schemas/app.schema.json",
                """
                {
                  "$schema": "https://json-schema.org/draft/2020-12/schema",
                  "type": "object",
                  "required": ["limits.max"]
                }
                """)
            .file("base/app.yaml", "limits:\n  max: 10\n")
            .load();

    assertThat(lines(repo.validate()))
        .containsExactly("base/app.yaml:1: app: required key is missing (required)");
  }
}
