package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.GoldenRepos;
import io.gitconf.core.Json;
import io.gitconf.core.OverlayEditor;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.Secret;
import io.gitconf.core.crypto.SecretCipher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What validate reports, on which stream, and what it says about secrets it could not prove. */
class ValidateCommandTest {
  private static final Map<String, String> DEMO =
      Map.of("GITCONF_MASTER_KEY", SecretsCommandTest.DEMO_KEY);
  private static final String BASE_NOTE =
      "note: 1 encrypted value in scope base not proven to decrypt (no GITCONF_KEY_BASE or"
          + " GITCONF_MASTER_KEY)\n";
  private static final String DEV_NOTE =
      "note: 1 encrypted value in scope dev not proven to decrypt (no GITCONF_KEY_DEV or"
          + " GITCONF_MASTER_KEY)\n";
  private static final String PROD_NOTE =
      "note: 1 encrypted value in scope prod not proven to decrypt (no GITCONF_KEY_PROD or"
          + " GITCONF_MASTER_KEY)\n";
  private static final String TEST_NOTE =
      "note: 1 encrypted value in scope test not proven to decrypt (no GITCONF_KEY_TEST or"
          + " GITCONF_MASTER_KEY)\n";

  @TempDir Path dir;
  private Path repo;

  @BeforeEach
  void templateWithASecretInBase() throws IOException {
    repo = GoldenRepos.template(dir.resolve("config"));
    // An endpoint key written once in base is inherited by every environment: one value, one count.
    ConfigPath path = ConfigPath.parse("trader.rpc.endpoints.public-mainnet.apiKey");
    String encrypted =
        SecretCipher.of(EncryptionKeys.from(DEMO)).encrypt("base", path, Secret.of("rpc-key"));
    Path trader = repo.resolve("base/trader.yaml");
    Files.writeString(
        trader,
        OverlayEditor.set(
            "base/trader.yaml",
            Files.readString(trader),
            path.segments().subList(1, path.depth()),
            TextNode.valueOf(encrypted)));
  }

  @AfterEach
  void restoreKeys() {
    Keys.substituteEnvironment(null);
  }

  @Test
  void withoutAnyKeyValidationChecksTheFormOfSecretsAndNotesNothing() {
    Keys.substituteEnvironment(Map.of());

    Cli.Result result = Cli.run("validate", "--repo", repo.toString());

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out()).isEqualTo("ok: directory " + repo + " is valid\n");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void verboseNotesOnceEveryScopeNotProvenToDecryptEvenWithoutKeys() {
    Keys.substituteEnvironment(Map.of());

    Cli.Result result = Cli.run("validate", "--repo", repo.toString(), "--verbose");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out()).isEqualTo("ok: directory " + repo + " is valid\n");
    assertThat(result.err()).isEqualTo(BASE_NOTE + DEV_NOTE + PROD_NOTE + TEST_NOTE);
  }

  @Test
  void onlyTheSelectedEnvironmentsAndBaseAreCounted() {
    Keys.substituteEnvironment(Map.of());

    Cli.Result result = Cli.run("validate", "--repo", repo.toString(), "--env", "prod", "-v");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.err()).isEqualTo(BASE_NOTE + PROD_NOTE);
  }

  @Test
  void aScopedKeyProvesItsOwnScopeOnlyAndTheOthersAreNoted() {
    String prodKey = EncryptionKeys.from(DEMO).deriveScopedKey("prod");
    Keys.substituteEnvironment(Map.of("GITCONF_KEY_PROD", prodKey));

    Cli.Result result = Cli.run("validate", "--repo", repo.toString());

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.err()).isEqualTo(BASE_NOTE + DEV_NOTE + TEST_NOTE);
  }

  @Test
  void withTheMasterKeyEverySecretIsProvenAndNothingIsNoted() {
    Keys.substituteEnvironment(DEMO);

    Cli.Result result = Cli.run("validate", "--repo", repo.toString(), "--verbose");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.err()).isEmpty();
  }

  @Test
  void jsonOutputIsOneDocumentOnStdoutAndCountsWhatWasNotProven() {
    Keys.substituteEnvironment(Map.of());

    Cli.Result result = Cli.run("validate", "--repo", repo.toString(), "--output", "json");

    assertThat(result.exitCode()).as(result.all()).isZero();
    JsonNode report = Json.parse("output", result.out());
    assertThat(report.get("valid").asBoolean()).isTrue();
    assertThat(report.get("unproven").toString())
        .isEqualTo("{\"base\":1,\"dev\":1,\"prod\":1,\"test\":1}");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void aWrongKeyIsAnErrorNotANote() {
    Keys.substituteEnvironment(Map.of("GITCONF_MASTER_KEY", EncryptionKeys.generateMasterKey()));

    Cli.Result result = Cli.run("validate", "--repo", repo.toString(), "--env", "prod");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID);
    assertThat(result.err())
        .isEqualTo(
            "base/trader.yaml:23: trader.rpc.endpoints.public-mainnet.apiKey: cannot decrypt"
                + " (scope base, key k1): wrong key, or the value was altered or moved from"
                + " another path (secret-decrypt)\n"
                + "environments/prod/trader.yaml:14: trader.apiKey: cannot decrypt (scope prod,"
                + " key k1): wrong key, or the value was altered or moved from another path"
                + " (secret-decrypt)\n"
                + "directory "
                + repo
                + ": 2 errors\n");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void aFailingReportGoesWholeToStandardErrorWithItsSummary() throws IOException {
    Keys.substituteEnvironment(Map.of());
    Files.writeString(repo.resolve("risk.yaml"), "parameters:\n  maxOpenPositions: 3\n");
    Files.writeString(
        repo.resolve("environments/prod/risk.yaml"), "parameters:\n  maxExposurePercent: 150\n");

    Cli.Result result = Cli.run("validate", "--repo", repo.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "environments/prod/risk.yaml:2: risk.parameters.maxExposurePercent: must be <= 100"
                + " (maximum)\n"
                + MISPLACED_RISK
                + "directory "
                + repo
                + ": 1 error, 1 warning\n");
  }

  @Test
  void aPassingReportWithWarningsGoesWholeToStandardOutput() throws IOException {
    Keys.substituteEnvironment(Map.of());
    Files.writeString(repo.resolve("risk.yaml"), "parameters:\n  maxOpenPositions: 3\n");

    Cli.Result result = Cli.run("validate", "--repo", repo.toString());

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out())
        .isEqualTo(MISPLACED_RISK + "ok: directory " + repo + " is valid (1 warning)\n");
  }

  private static final String MISPLACED_RISK =
      "risk.yaml: warning: not read: a category file belongs in base/ or environments/<env>/, as"
          + " risk.yaml (layout)\n";

  /**
   * An export kept in the repository (as the README shows it) is the repository's own file, not a
   * layout error: validate passes, and importing it into another environment works.
   */
  @Test
  void anExportWrittenInsideTheRepositoryIsNotALayoutError() throws IOException {
    Keys.substituteEnvironment(Map.of());
    Path config = dir.resolve("initialised");
    assertThat(Cli.run("init", config.toString()).exitCode()).isZero();
    Cli.Result export =
        Cli.run("export", "--env", "prod", "--format", "json", "--repo", config.toString());
    assertThat(export.exitCode()).as(export.all()).isZero();
    Files.writeString(config.resolve("prod.json"), export.out());
    Files.writeString(config.resolve("notes.txt"), "scratch\n");
    Files.createDirectories(config.resolve("docs"));
    Files.writeString(config.resolve("docs/runbook.md"), "# Runbook\n");

    Cli.Result validate = Cli.run("validate", "--repo", config.toString());
    assertThat(validate.exitCode()).as(validate.all()).isZero();
    assertThat(validate.out()).isEqualTo("ok: directory " + config + " is valid\n");

    Cli.Result imported =
        Cli.run(
            "import",
            config.resolve("prod.json").toString(),
            "--env",
            "test",
            "--repo",
            config.toString(),
            "--user",
            "Ada Trader <ada@desk.example>",
            "--reason",
            "test follows prod");
    assertThat(imported.exitCode()).as(imported.all()).isZero();
    assertThat(imported.out()).contains("Committed ");
  }
}
