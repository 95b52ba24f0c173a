package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What validate says about secrets it could not prove to decrypt. */
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
  void withoutKeysValidSaysOnStderrWhichScopesWereNotProvenToDecrypt() {
    Keys.substituteEnvironment(Map.of());

    Cli.Result result = Cli.run("validate", "--repo", repo.toString());

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out()).isEqualTo("ok: directory " + repo + " is valid\n");
    assertThat(result.err()).isEqualTo(BASE_NOTE + DEV_NOTE + PROD_NOTE + TEST_NOTE);
  }

  @Test
  void onlyTheSelectedEnvironmentsAndBaseAreCounted() {
    Keys.substituteEnvironment(Map.of());

    Cli.Result result = Cli.run("validate", "--repo", repo.toString(), "--env", "prod");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.err()).isEqualTo(BASE_NOTE + PROD_NOTE);
  }

  @Test
  void aScopedKeyProvesItsOwnScopeOnly() {
    String prodKey = EncryptionKeys.from(DEMO).deriveScopedKey("prod");
    Keys.substituteEnvironment(Map.of("GITCONF_KEY_PROD", prodKey));

    Cli.Result result = Cli.run("validate", "--repo", repo.toString());

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.err()).isEqualTo(BASE_NOTE + DEV_NOTE + TEST_NOTE);
  }

  @Test
  void withTheMasterKeyEverySecretIsProvenAndNothingIsNoted() {
    Keys.substituteEnvironment(DEMO);

    Cli.Result result = Cli.run("validate", "--repo", repo.toString());

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.err()).isEmpty();
  }

  @Test
  void jsonOutputStaysParseableWithTheNotesOnStderr() {
    Keys.substituteEnvironment(Map.of());

    Cli.Result result = Cli.run("validate", "--repo", repo.toString(), "--output", "json");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(Json.parse("output", result.out()).get("valid").asBoolean()).isTrue();
    assertThat(result.err().lines().toList())
        .isEqualTo(
            List.of(BASE_NOTE, DEV_NOTE, PROD_NOTE, TEST_NOTE).stream()
                .map(String::strip)
                .toList());
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
                + " (secret-decrypt)\n");
  }
}
