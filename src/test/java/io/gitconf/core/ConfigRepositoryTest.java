package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigRepositoryTest {
  @TempDir Path dir;

  private static List<String> lines(List<Problem> problems) {
    return problems.stream().map(Problem::toString).toList();
  }

  @Test
  void overlayMergesMapsDeeplyAndReplacesScalarsAndLists() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file("base/app.yaml", "limits:\n  max: 10\n  min: 1\nhosts: [a, b]\n")
            .file("environments/prod/app.yaml", "limits:\n  max: 5\nhosts: [c]\n")
            .load();
    ConfigSnapshot prod = repo.snapshot("prod");
    assertThat(repo.validate()).isEmpty();
    assertThat(prod.leaves().keySet())
        .containsExactly("app.hosts", "app.limits.max", "app.limits.min");
    assertThat(prod.get(ConfigPath.parse("app.limits.max")).orElseThrow().asInt()).isEqualTo(5);
    assertThat(prod.get(ConfigPath.parse("app.limits.min")).orElseThrow().asInt()).isEqualTo(1);
    assertThat(prod.get(ConfigPath.parse("app.hosts")).orElseThrow().toString())
        .isEqualTo("[\"c\"]");
    assertThat(repo.snapshot("dev").get(ConfigPath.parse("app.limits.max")).orElseThrow().asInt())
        .isEqualTo(10);
  }

  @Test
  void provenanceListsEveryLayerThatSetAPathInOrder() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file("base/app.yaml", "limits:\n  max: 10\n")
            .file("environments/prod/app.yaml", "# prod\nlimits:\n  max: 5\n")
            .file("environments/staging/app.yaml", "limits:\n\n  max: 7\n")
            .load();
    ConfigSnapshot staging = repo.snapshot("staging");
    assertThat(staging.provenance(ConfigPath.parse("app.limits.max")))
        .extracting(l -> l.origin().toString())
        .containsExactly(
            "base/app.yaml:2", "environments/prod/app.yaml:3", "environments/staging/app.yaml:3");
    assertThat(staging.origin(ConfigPath.parse("app.limits.max")).orElseThrow())
        .isEqualTo(Origin.of("environments/staging/app.yaml", 3));
    assertThat(staging.get(ConfigPath.parse("app.limits.max")).orElseThrow().asInt()).isEqualTo(7);
  }

  @Test
  void inheritanceResolvesBaseThenAncestorsThenTheEnvironment() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file("base/app.yaml", "limits:\n  max: 10\n  min: 1\n")
            .file("environments/prod/app.yaml", "limits:\n  min: 2\n")
            .file("environments/staging/app.yaml", "limits:\n  max: 3\n")
            .load();
    assertThat(repo.requireManifest().chain("staging")).containsExactly("prod", "staging");
    ConfigSnapshot staging = repo.snapshot("staging");
    assertThat(staging.get(ConfigPath.parse("app.limits")).orElseThrow().toString())
        .isEqualTo("{\"max\":3,\"min\":2}");
  }

  @Test
  void overlayDeleteRemovesInheritedKey() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file("base/app.yaml", "limits:\n  max: 10\n  min: 1\n")
            .file("environments/prod/app.yaml", "limits:\n  min: !delete\n")
            .load();
    ConfigSnapshot prod = repo.snapshot("prod");
    assertThat(repo.validate()).isEmpty();
    assertThat(prod.get(ConfigPath.parse("app.limits.min"))).isEmpty();
    assertThat(prod.provenance(ConfigPath.parse("app.limits.min")))
        .extracting(ConfigSnapshot.Layer::toString)
        .containsExactly("base/app.yaml:3", "deleted at environments/prod/app.yaml:2");
  }

  @Test
  void deletingAMapEndsTheProvenanceOfEveryKeyBelowIt() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file("base/app.yaml", "limits:\n  max: 10\nextra:\n  inner:\n    depth: 1\n")
            .file("environments/prod/app.yaml", "extra: !delete\n")
            .load();
    ConfigSnapshot prod = repo.snapshot("prod");
    assertThat(prod.get(ConfigPath.parse("app.extra"))).isEmpty();
    assertThat(prod.provenance(ConfigPath.parse("app.extra.inner.depth")))
        .extracting(ConfigSnapshot.Layer::toString)
        .containsExactly("base/app.yaml:5", "deleted at environments/prod/app.yaml:1");
    assertThat(prod.origin(ConfigPath.parse("app.extra.inner.depth"))).isEmpty();
    assertThat(repo.snapshot("dev").origin(ConfigPath.parse("app.extra.inner.depth")))
        .contains(Origin.of("base/app.yaml", 5));
  }

  @Test
  void deleteOfARequiredKeyIsReportedAtTheDelete() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file("base/app.yaml", "limits:\n  max: 10\n")
            .file("environments/prod/app.yaml", "limits:\n  max: !delete\n")
            .load();
    assertThat(lines(repo.validate()))
        .containsExactly(
            "environments/prod/app.yaml:2: app.limits.max: required key was removed by !delete (required)");
  }

  @Test
  void deleteOfAKeyNoLayerSetsIsAnError() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file("base/app.yaml", "limits:\n  max: 10\n")
            .file("environments/dev/app.yaml", "limits:\n  min: !delete\n")
            .load();
    assertThat(lines(repo.problems()))
        .containsExactly(
            "environments/dev/app.yaml:2: app.limits.min: !delete removes nothing: no earlier layer sets this key"
                + " (delete)");
  }

  @Test
  void inheritanceCycleIsAnError() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file(
                "gitconf.yaml",
                """
                version: 1
                environments:
                  a:
                    inherits: b
                  b:
                    inherits: a
                categories:
                  app: {schema: schemas/app.schema.json}
                """)
            .file("base/app.yaml", "limits:\n  max: 10\n")
            .load();
    assertThat(repo.manifest()).isEmpty();
    assertThat(lines(repo.problems()))
        .containsExactly(
            "gitconf.yaml:4: environments.a.inherits: inheritance cycle: a -> b -> a (inherits-cycle)",
            "gitconf.yaml:6: environments.b.inherits: inheritance cycle: b -> a -> b (inherits-cycle)");
  }

  /**
   * The problems of the app repository with {@code manifest} as its gitconf.yaml, which it refuses.
   */
  private List<String> manifestProblems(String manifest) {
    ConfigRepository repo = TestRepo.app(dir).file("gitconf.yaml", manifest).load();
    assertThat(repo.manifest()).isEmpty();
    return lines(repo.problems());
  }

  @Test
  void manifestWithoutVersionOrSectionsReportsEachOnItsLine() {
    assertThat(manifestProblems("environments: {}\ncategories: []\n"))
        .containsExactly(
            "gitconf.yaml:1: version: required key is missing (write version: 1) (required)",
            "gitconf.yaml:1: environments: must be a map with at least one environment (required)",
            "gitconf.yaml:2: categories: must be a map with at least one category (required)");
  }

  @Test
  void manifestNamesOutsideTheirPatternsAreErrors() {
    String manifest =
        """
        version: 1
        environments:
          base: {}
          Prod: {}
          dev: {}
        categories:
          App_1: {schema: schemas/app.schema.json}
          app: {}
        """;
    assertThat(manifestProblems(manifest))
        .containsExactly(
            "gitconf.yaml:3: environments.base: environment names are lower-case letters, digits"
                + " and '-', and not 'base' (pattern)",
            "gitconf.yaml:4: environments.Prod: environment names are lower-case letters, digits"
                + " and '-', and not 'base' (pattern)",
            "gitconf.yaml:7: categories.App_1: category names are lower-case letters, digits and"
                + " '-' (pattern)",
            "gitconf.yaml:8: categories.app: must name its schema (schema: app) (required)");
  }

  @Test
  void unknownParentIsAnError() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file(
                "gitconf.yaml",
                "version: 1\nenvironments:\n  qa:\n    inherits: stage\ncategories:\n  app: {schema: schemas/app.schema.json}\n")
            .file("base/app.yaml", "limits:\n  max: 10\n")
            .load();
    assertThat(lines(repo.problems()))
        .containsExactly(
            "gitconf.yaml:4: environments.qa.inherits: unknown parent environment 'stage' (inherits)");
  }

  @Test
  void misspeltOrUnknownFilesInsideTheLayoutAreErrorsAndMisplacedConfigurationIsAWarning() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file("base/app.yaml", "limits:\n  max: 10\n")
            .file("base/risk.yaml", "a: 1\n")
            .file("environments/qa/app.yaml", "limits:\n  max: 1\n")
            .file("environments/dev/app.yml", "limits:\n  max: 1\n")
            .file("enviroments/dev/app.yaml", "limits:\n  max: 1\n")
            .file("README.md", "docs are fine\n")
            .load();
    assertThat(lines(repo.problems()))
        .containsExactly(
            "base/risk.yaml: unknown category 'risk' (gitconf.yaml declares: app) (layout)",
            "enviroments/dev/app.yaml: warning: not read: configuration lives in base/,"
                + " environments/<env>/ and schemas/ (is 'enviroments/' meant to be environments/?)"
                + " (layout)",
            "environments/dev/app.yml: use the .yaml extension (layout)",
            "environments/qa/app.yaml: unknown environment folder 'qa' (gitconf.yaml declares: dev, prod, staging)"
                + " (layout)");
  }

  /**
   * Only base/ and environments/ hold configuration: anything else (an export kept for a look,
   * documentation, scripts, CI files) belongs to the repository, and a tool's scratch file never
   * makes the repository invalid.
   */
  @Test
  void filesOutsideTheLayoutFoldersAreTheRepositorysOwn() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file("base/app.yaml", "limits:\n  max: 10\n")
            .file("prod.json", "{\"app\": {\"limits\": {\"max\": 5}}}\n")
            .file("prod.yaml", "app:\n  limits:\n    max: 5\n")
            .file("README.md", "docs\n")
            .file("Makefile", "all:\n")
            .file(".gitignore", "*.json\n")
            .file(".github/workflows/app.yaml", "on: push\n")
            .file("docs/runbook.md", "# Runbook\n")
            .file("scripts/bash/check.sh", "#!/bin/sh\n")
            .file("exports/2026-11-30/prod.json", "{}\n")
            .load();
    assertThat(repo.validate()).isEmpty();
  }

  /**
   * What looks like configuration in the wrong place is not read, so it is a warning: a folder
   * named almost like a layout folder, a file named like a category, a misnamed manifest.
   */
  @Test
  void configurationOutsideTheLayoutIsAWarningThatItIsNotRead() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file("base/app.yaml", "limits:\n  max: 10\n")
            .file("app.yaml", "limits:\n  max: 5\n")
            .file("old/app.yml", "limits:\n  max: 5\n")
            .file("Base/app.yaml", "limits:\n  max: 5\n")
            .file("environment/prod/app.yaml", "limits:\n  max: 5\n")
            .file("schema/app.schema.json", "{}\n")
            .file("gitconf.yml", "version: 1\n")
            .load();
    assertThat(lines(repo.problems()))
        .containsExactly(
            "Base/app.yaml: warning: not read: configuration lives in base/, environments/<env>/"
                + " and schemas/ (is 'Base/' meant to be base/?) (layout)",
            "app.yaml: warning: not read: a category file belongs in base/ or environments/<env>/,"
                + " as app.yaml (layout)",
            "environment/prod/app.yaml: warning: not read: configuration lives in base/,"
                + " environments/<env>/ and schemas/ (is 'environment/' meant to be environments/?)"
                + " (layout)",
            "gitconf.yml: warning: not read: the manifest is gitconf.yaml (layout)",
            "old/app.yml: warning: not read: a category file belongs in base/ or"
                + " environments/<env>/, as app.yaml (layout)",
            "schema/app.schema.json: warning: not read: configuration lives in base/,"
                + " environments/<env>/ and schemas/ (is 'schema/' meant to be schemas/?) (layout)");
    assertThat(repo.validate()).noneMatch(Problem::isError);
  }

  @Test
  void aManifestVersionIsComparedExactlyNotTruncated() {
    for (String version : new String[] {"4294967297", "18446744073709551617", "1.5"}) {
      ConfigRepository repo =
          TestRepo.app(dir)
              .file(
                  "gitconf.yaml",
                  "version: "
                      + version
                      + "\nenvironments: {dev: {}}\ncategories: {app: {schema: schemas/app.schema.json}}\n")
              .load();
      assertThat(lines(repo.problems()))
          .as(version)
          .containsExactly(
              "gitconf.yaml:1: version: must be 1, the only manifest version this gitconf reads"
                  + " (const)");
    }
  }

  @Test
  void symbolicLinkIsReportedWithTheOtherProblems() throws Exception {
    TestRepo repo =
        TestRepo.app(dir)
            .file("base/app.yaml", "limits:\n  max: 10\n")
            .file("environments/prod/app.yaml", "limits:\n  max: 5000\n");
    java.nio.file.Files.createDirectories(dir.resolve("environments/dev"));
    java.nio.file.Files.createSymbolicLink(
        dir.resolve("environments/dev/app.yaml"), Path.of("../../base/app.yaml"));
    assertThat(lines(repo.load().validate()))
        .containsExactly(
            "environments/dev/app.yaml: symbolic link; a config repository holds plain files only"
                + " (symlink)",
            "environments/prod/app.yaml:2: app.limits.max: must be <= 1000 (maximum)");
  }

  @Test
  void missingManifestIsAClearError() {
    ConfigRepository repo = ConfigRepository.load(RepoTree.directory(dir));
    assertThat(lines(repo.problems()))
        .containsExactly(
            "gitconf.yaml: missing: every config repository has a manifest (run gitconf init to start one) (manifest)");
    assertThatThrownBy(() -> repo.snapshot("prod"))
        .isInstanceOf(GitconfException.ValidationFailed.class);
  }

  @Test
  void unknownEnvironmentIsABadRequestListingTheKnownOnes() {
    ConfigRepository repo = TestRepo.app(dir).file("base/app.yaml", "limits:\n  max: 10\n").load();
    assertThatThrownBy(() -> repo.snapshot("qa"))
        .isInstanceOf(GitconfException.BadRequest.class)
        .hasMessage("unknown environment 'qa' (gitconf.yaml declares: dev, prod, staging)");
  }

  @Test
  void schemaErrorsNameTheFileAndLineOfTheValue() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file("base/app.yaml", "limits:\n  max: 10\n")
            .file("environments/prod/app.yaml", "limits:\n  max: 5000\n  mx: 3\n")
            .load();
    assertThat(lines(repo.validate()))
        .containsExactly(
            "environments/prod/app.yaml:2: app.limits.max: must be <= 1000 (maximum)",
            "environments/prod/app.yaml:3: app.limits.mx: unknown key (not in the schema; a typo?) (additionalProperties)");
  }

  @Test
  void anInvalidKeyOfAKeyedMapIsReportedAtThatKey() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file(
                "schemas/app.schema.json",
                """
                {
                  "$schema": "https://json-schema.org/draft/2020-12/schema",
                  "type": "object",
                  "additionalProperties": false,
                  "properties": {
                    "hosts": {
                      "type": "object",
                      "propertyNames": {"pattern": "^[a-z]+$"},
                      "additionalProperties": {"type": "integer"}
                    }
                  }
                }
                """)
            .file("base/app.yaml", "hosts:\n  alpha: 1\n  Beta: 2\n")
            .load();
    assertThat(lines(repo.validate()))
        .containsExactly(
            "base/app.yaml:3: app.hosts.Beta: not a valid key: does not match the regex pattern"
                + " ^[a-z]+$ (propertyNames)");
  }

  @Test
  void secretValuesNeverAppearInSchemaMessages() {
    ConfigRepository repo =
        TestRepo.app(dir).file("base/app.yaml", "limits:\n  max: 10\npassword: 12345\n").load();
    assertThat(lines(repo.validate()))
        .containsExactly(
            "base/app.yaml:3: app.password: holds plaintext but is marked x-secret; store it encrypted for scope"
                + " base (gitconf secrets encrypt) (secret-plaintext)",
            "base/app.yaml:3: app.password: must be a string, not an integer (type)")
        .allSatisfy(line -> assertThat(line).doesNotContain("12345"));
  }

  @Test
  void checksumsAreEqualForEqualSnapshotsAndDifferOtherwise() {
    ConfigRepository repo =
        TestRepo.app(dir)
            .file("base/app.yaml", "limits:\n  max: 10\n")
            .file("environments/prod/app.yaml", "limits:\n  max: 10\n")
            .file("environments/staging/app.yaml", "limits:\n  max: 11\n")
            .load();
    assertThat(repo.snapshot("prod").checksum()).isEqualTo(repo.snapshot("dev").checksum());
    assertThat(repo.snapshot("staging").checksum()).isNotEqualTo(repo.snapshot("prod").checksum());
    assertThat(ConfigSnapshot.fromLeaves("prod", repo.snapshot("prod").leaves()).checksum())
        .isEqualTo(repo.snapshot("prod").checksum());
  }
}
