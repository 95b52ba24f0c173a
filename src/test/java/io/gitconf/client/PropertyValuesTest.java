package io.gitconf.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.core.GoldenRepos;
import io.gitconf.core.crypto.EncryptionKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot as flat properties, as Spring and MicroProfile read it. */
class PropertyValuesTest {
  static final String DEMO_KEY = "Z2l0Y29uZi1kZW1vLWtleS1OT1QtRk9SLVBST0QhISE=";
  static final String TOKEN = "tokens.2b1kV6DkPAnxd5ixfnxCpjxmKwqjjaYmCZfHsFu24GXo";

  @TempDir Path dir;

  private ConfigManager prod(Path repo, EncryptionKeys keys) {
    return ConfigManager.builder()
        .directory(repo)
        .environment("prod")
        .keys(keys)
        .debounce(Duration.ofHours(1))
        .build();
  }

  @Test
  void pathsAreNamesListItemsAreIndexedAndSecretsDecryptOnlyWithTheKey() {
    Path repo = GoldenRepos.template(dir.resolve("config"));
    try (ConfigManager config = prod(repo, EncryptionKeys.none())) {
      PropertyValues withKey =
          PropertyValues.of(
              config.snapshot(), EncryptionKeys.from(Map.of(EncryptionKeys.MASTER_KEY, DEMO_KEY)));
      PropertyValues without = PropertyValues.of(config.snapshot(), EncryptionKeys.none());

      assertThat(withKey.values())
          .containsEntry("risk.parameters.maxOpenPositions", 5L)
          .containsEntry("trader.mode", "live")
          .containsEntry(TOKEN + ".extensions[0]", "mintCloseAuthority")
          .containsEntry(TOKEN + ".extensions[1]", "permanentDelegate")
          .containsEntry("trader.apiKey", "demo-prod-jupiter-api-key")
          .doesNotContainKey(TOKEN + ".extensions");
      assertThat(without.values().get("trader.apiKey")).asString().startsWith("ENC[v1,prod,");
      assertThat(withKey.secretNames()).contains("trader.apiKey");
      assertThat(without.secretNames()).contains("trader.apiKey");
      assertThat(withKey.isSecretPlaintext("demo-prod-jupiter-api-key")).isTrue();
      assertThat(without.isSecretPlaintext("demo-prod-jupiter-api-key")).isFalse();
      assertThat(withKey.toString()).doesNotContain("demo-prod-jupiter-api-key");
    }
  }

  @Test
  void changedNamesAreThoseWhoseValueDiffers() throws Exception {
    Path repo = GoldenRepos.template(dir.resolve("config"));
    try (ConfigManager config = prod(repo, EncryptionKeys.none())) {
      PropertyValues before = PropertyValues.of(config.snapshot(), EncryptionKeys.none());
      Path risk = repo.resolve("environments/prod/risk.yaml");
      Files.writeString(
          risk, Files.readString(risk).replace("maxOpenPositions: 5", "maxOpenPositions: 4"));
      assertThat(config.reload()).isTrue();

      PropertyValues after = PropertyValues.of(config.snapshot(), EncryptionKeys.none());

      assertThat(before.changedNames(after)).containsExactly("risk.parameters.maxOpenPositions");
    }
  }
}
