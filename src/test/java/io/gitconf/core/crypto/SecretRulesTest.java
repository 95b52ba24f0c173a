package io.gitconf.core.crypto;

import static io.gitconf.core.crypto.TestKeys.OTHER_MASTER;
import static io.gitconf.core.crypto.TestKeys.PLAINTEXT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.Problem;
import io.gitconf.core.RepoTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretRulesTest {
  private static final ConfigPath API_KEY = ConfigPath.parse("trader.apiKey");
  private static final ConfigPath API_KEYS_ITEM = ConfigPath.parse("trader.apiKeys[]");
  private static final ConfigPath ENDPOINT_API_KEY = ConfigPath.parse("trader.endpoints[].apiKey");
  private static final String MANIFEST =
      """
      version: 1
      environments:
        dev: {}
        prod: {}
      categories:
        trader:
          schema: schemas/trader.schema.json
        tokens:
          schema: schemas/tokens.schema.json
      """;
  private static final String TRADER_SCHEMA =
      """
      {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
          "apiKey": {"type": "string", "x-secret": true},
          "rpc": {"type": "object", "properties": {"apiKey": {"type": "string", "x-secret": true}}},
          "apiKeys": {"type": "array", "items": {"$ref": "#/$defs/secretString"}},
          "endpoints": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {"url": {"type": "string"}, "apiKey": {"$ref": "#/$defs/secretString"}}
            }
          },
          "login": {"type": "array", "prefixItems": [{"type": "string"}, {"$ref": "#/$defs/secretString"}]},
          "backupKeys": {"type": "array", "x-secret": true, "items": {"type": "string"}},
          "notes": {"type": "array"}
        },
        "$defs": {"secretString": {"type": "string", "x-secret": true}}
      }
      """;
  private static final String TOKENS_SCHEMA =
      """
      {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
       "additionalProperties": {"type": "object"}}
      """;
  private static final String SOL = "So11111111111111111111111111111111111111112";

  @TempDir Path dir;

  private final SecretCipher cipher = SecretCipher.of(TestKeys.master());
  private final EncryptionKeys master = TestKeys.master();

  @BeforeEach
  void writeRepository() throws IOException {
    write("gitconf.yaml", MANIFEST);
    write("schemas/trader.schema.json", TRADER_SCHEMA);
    write("schemas/tokens.schema.json", TOKENS_SCHEMA);
    write("base/tokens.yaml", SOL + ":\n  symbol: SOL\n");
  }

  @Test
  void plaintextInASecretPathIsAnErrorThatHidesTheValue() throws IOException {
    write("base/trader.yaml", "apiKey: " + PLAINTEXT + "\n");
    write("environments/prod/trader.yaml", "rpc:\n  apiKey: 12345\n");

    assertThat(check("dev", EncryptionKeys.none()))
        .containsExactly(
            "base/trader.yaml:1: trader.apiKey: holds plaintext but is marked x-secret; store it"
                + " encrypted for scope base (gitconf secrets encrypt) (secret-plaintext)");
    assertThat(check("prod", master))
        .containsExactly(
            "base/trader.yaml:1: trader.apiKey: holds plaintext but is marked x-secret; store it"
                + " encrypted for scope base (gitconf secrets encrypt) (secret-plaintext)",
            "environments/prod/trader.yaml:2: trader.rpc.apiKey: holds plaintext but is marked"
                + " x-secret; store it encrypted for scope prod (gitconf secrets encrypt)"
                + " (secret-plaintext)");
  }

  @Test
  void encryptedValuesInTheirFilesScopePass() throws IOException {
    write("base/trader.yaml", "apiKey: " + encrypt("base", API_KEY) + "\n");
    write("environments/prod/trader.yaml", "apiKey: " + encrypt("prod", API_KEY) + "\n");

    assertThat(check("dev", EncryptionKeys.none())).isEmpty();
    assertThat(check("dev", master)).isEmpty();
    assertThat(check("prod", EncryptionKeys.none())).isEmpty();
    assertThat(check("prod", master)).isEmpty();
  }

  @Test
  void aValueCopiedFromAnotherEnvironmentIsAScopeError() throws IOException {
    write("base/trader.yaml", "apiKey: " + encrypt("base", API_KEY) + "\n");
    write("environments/prod/trader.yaml", "apiKey: " + encrypt("dev", API_KEY) + "\n");

    String expected =
        "environments/prod/trader.yaml:1: trader.apiKey: encrypted for scope dev, but it is"
            + " written in a file of scope prod; encrypt it for prod (gitconf secrets encrypt)"
            + " (secret-scope)";
    assertThat(check("prod", EncryptionKeys.none())).containsExactly(expected);
    assertThat(check("prod", master)).containsExactly(expected);
    assertThat(check("dev", master)).isEmpty();
  }

  @Test
  void malformedEncryptedValuesAreFormatErrorsAnywhere() throws IOException {
    write("base/trader.yaml", "apiKey: ENC[v1,base,k1," + PLAINTEXT + "]\nnote: ENC[v2]\n");

    assertThat(check("dev", EncryptionKeys.none()))
        .containsExactly(
            "base/trader.yaml:1: trader.apiKey: malformed encrypted value: the payload (part 4) is"
                + " not base64: character 7 is not in the base64 alphabet (secret-format)",
            "base/trader.yaml:2: trader.note: malformed encrypted value: expected 4"
                + " comma-separated parts inside ENC[...], found 1 (the form is"
                + " ENC[v1,<scope>,<kid>,<base64>]) (secret-format)");
  }

  @Test
  void withKeysEveryValueMustDecrypt() throws IOException {
    SecretCipher other =
        SecretCipher.of(EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY", OTHER_MASTER)));
    write("base/trader.yaml", "apiKey: " + encrypt("base", API_KEY) + "\n");
    write(
        "environments/prod/trader.yaml",
        "apiKey: "
            + other.encrypt("prod", API_KEY, Secret.of(PLAINTEXT))
            + "\nrpc:\n  apiKey: "
            + encrypt("prod", API_KEY)
            + "\n");

    assertThat(check("prod", EncryptionKeys.none())).isEmpty();
    assertThat(check("prod", master))
        .containsExactly(
            "environments/prod/trader.yaml:1: trader.apiKey: cannot decrypt (scope prod, key k1):"
                + " wrong key, or the value was altered or moved from another path"
                + " (secret-decrypt)",
            "environments/prod/trader.yaml:3: trader.rpc.apiKey: cannot decrypt (scope prod, key"
                + " k1): wrong key, or the value was altered or moved from another path"
                + " (secret-decrypt)");
  }

  @Test
  void aKeyIdThatIsNotHeldIsADecryptError() throws IOException {
    SecretCipher k2 =
        SecretCipher.of(
            EncryptionKeys.from(
                Map.of("GITCONF_MASTER_KEY", OTHER_MASTER, "GITCONF_MASTER_KEY_ID", "k2")));
    write(
        "base/trader.yaml", "apiKey: " + k2.encrypt("base", API_KEY, Secret.of(PLAINTEXT)) + "\n");

    assertThat(check("dev", master))
        .containsExactly(
            "base/trader.yaml:1: trader.apiKey: no key for scope base (kid k2): set"
                + " GITCONF_MASTER_KEY_K2, or GITCONF_KEY_BASE with GITCONF_MASTER_KEY_ID=k2"
                + " (secret-decrypt)");
  }

  @Test
  void aScopedKeyChecksOnlyItsOwnScope() throws IOException {
    SecretCipher other =
        SecretCipher.of(EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY", OTHER_MASTER)));
    write("base/trader.yaml", "apiKey: " + other.encrypt("base", API_KEY, Secret.of("x")) + "\n");
    write(
        "environments/dev/trader.yaml",
        "apiKey: " + other.encrypt("dev", API_KEY, Secret.of("x")) + "\n");
    write(
        "environments/prod/trader.yaml",
        "apiKey: " + other.encrypt("prod", API_KEY, Secret.of("x")) + "\n");
    EncryptionKeys devOnly =
        EncryptionKeys.from(Map.of("GITCONF_KEY_DEV", master.deriveScopedKey("dev")));

    assertThat(check("dev", devOnly))
        .containsExactly(
            "environments/dev/trader.yaml:1: trader.apiKey: cannot decrypt (scope dev, key k1):"
                + " wrong key, or the value was altered or moved from another path"
                + " (secret-decrypt)");
    assertThat(check("prod", devOnly)).isEmpty();
  }

  @Test
  void keysThatLookLikeSecretsWarnUnlessTokenIsTheDomainWord() throws IOException {
    write(
        "base/trader.yaml",
        String.join(
            "\n",
            "webhookSecret: " + PLAINTEXT,
            "db_password: " + PLAINTEXT,
            "rpc:",
            "  authToken: " + PLAINTEXT,
            "  url: https://rpc.example.com",
            "jupiter-api-key: " + PLAINTEXT,
            "tokenProgram: TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9ss623VQ5DA",
            "quoteToken: USDC",
            "baseToken: " + SOL,
            "maxTokenAgeSeconds: 30",
            "usePassword: true",
            "apiKeyHeader: " + encrypt("base", ConfigPath.parse("trader.apiKeyHeader")),
            ""));
    write(
        "environments/dev/tokens.yaml",
        SOL + ":\n  token: wrapped-sol\n  metadataApiKey: " + PLAINTEXT + "\n");

    assertThat(check("dev", EncryptionKeys.none()))
        .containsExactly(
            "base/trader.yaml:1: warning: trader.webhookSecret: the key looks like a secret but"
                + " the schema does not mark it x-secret; mark it \"x-secret\": true and encrypt"
                + " the value (secret-name)",
            "base/trader.yaml:2: warning: trader.db_password: the key looks like a secret but the"
                + " schema does not mark it x-secret; mark it \"x-secret\": true and encrypt the"
                + " value (secret-name)",
            "base/trader.yaml:4: warning: trader.rpc.authToken: the key looks like a secret but"
                + " the schema does not mark it x-secret; mark it \"x-secret\": true and encrypt"
                + " the value (secret-name)",
            "base/trader.yaml:6: warning: trader.jupiter-api-key: the key looks like a secret but"
                + " the schema does not mark it x-secret; mark it \"x-secret\": true and encrypt"
                + " the value (secret-name)",
            "environments/dev/tokens.yaml:3: warning: tokens."
                + SOL
                + ".metadataApiKey: the key looks like a secret but the schema does not mark it"
                + " x-secret; mark it \"x-secret\": true and encrypt the value (secret-name)");
  }

  @Test
  void listItemsTheSchemaMarksSecretMustBeEncrypted() throws IOException {
    write(
        "base/trader.yaml",
        String.join(
            "\n",
            "apiKeys:",
            "  - " + PLAINTEXT,
            "  - " + encrypt("base", API_KEYS_ITEM),
            "endpoints:",
            "  - url: https://a.example",
            "    apiKey: " + PLAINTEXT,
            "  - url: https://b.example",
            "    apiKey: " + encrypt("base", ENDPOINT_API_KEY),
            "login: [desk, " + PLAINTEXT + "]",
            "backupKeys:",
            "  - " + encrypt("base", ConfigPath.parse("trader.backupKeys[]")),
            "  - 42",
            "notes: [" + PLAINTEXT + ", null]",
            ""));
    List<String> expected =
        List.of(
            "base/trader.yaml:1: trader.apiKeys: item 0: holds plaintext but is marked x-secret;"
                + " store it encrypted for scope base (gitconf secrets encrypt) (secret-plaintext)",
            "base/trader.yaml:4: trader.endpoints: item 0.apiKey: holds plaintext but is marked"
                + " x-secret; store it encrypted for scope base (gitconf secrets encrypt)"
                + " (secret-plaintext)",
            "base/trader.yaml:9: trader.login: item 1: holds plaintext but is marked x-secret;"
                + " store it encrypted for scope base (gitconf secrets encrypt) (secret-plaintext)",
            "base/trader.yaml:10: trader.backupKeys: item 1: holds plaintext but is marked"
                + " x-secret; store it encrypted for scope base (gitconf secrets encrypt)"
                + " (secret-plaintext)");

    assertThat(check("dev", EncryptionKeys.none())).containsExactlyElementsOf(expected);
    assertThat(check("dev", master)).containsExactlyElementsOf(expected);
  }

  @Test
  void ciphertextInsideListsIsCheckedForFormScopeAndDecryption() throws IOException {
    SecretCipher other =
        SecretCipher.of(EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY", OTHER_MASTER)));
    write("base/trader.yaml", "apiKey: " + encrypt("base", API_KEY) + "\n");
    write(
        "environments/prod/trader.yaml",
        String.join(
            "\n",
            "apiKeys:",
            "  - " + encrypt("prod", API_KEYS_ITEM),
            "  - " + encrypt("dev", API_KEYS_ITEM),
            "  - " + encrypt("prod", ConfigPath.parse("trader.apiKeys")),
            "  - ENC[v2]",
            "endpoints:",
            "  - url: https://a.example",
            "    apiKey: " + encrypt("prod", ENDPOINT_API_KEY),
            "  - url: https://b.example",
            "    apiKey: " + other.encrypt("prod", ENDPOINT_API_KEY, Secret.of(PLAINTEXT)),
            "notes:",
            "  - " + encrypt("base", ConfigPath.parse("trader.notes[]")),
            ""));
    List<String> withoutKeys =
        List.of(
            "environments/prod/trader.yaml:1: trader.apiKeys: item 1: encrypted for scope dev,"
                + " but it is written in a file of scope prod; encrypt it for prod (gitconf"
                + " secrets encrypt) (secret-scope)",
            "environments/prod/trader.yaml:1: trader.apiKeys: item 3: malformed encrypted value:"
                + " expected 4 comma-separated parts inside ENC[...], found 1 (the form is"
                + " ENC[v1,<scope>,<kid>,<base64>]) (secret-format)",
            "environments/prod/trader.yaml:11: trader.notes: item 0: encrypted for scope base,"
                + " but it is written in a file of scope prod; encrypt it for prod (gitconf"
                + " secrets encrypt) (secret-scope)");

    assertThat(check("prod", EncryptionKeys.none())).containsExactlyElementsOf(withoutKeys);
    assertThat(check("prod", master))
        .containsExactly(
            withoutKeys.get(0),
            "environments/prod/trader.yaml:1: trader.apiKeys: item 2: cannot decrypt (scope prod,"
                + " key k1): wrong key, or the value was altered or moved from another path"
                + " (secret-decrypt)",
            withoutKeys.get(1),
            "environments/prod/trader.yaml:6: trader.endpoints: item 1.apiKey: cannot decrypt"
                + " (scope prod, key k1): wrong key, or the value was altered or moved from"
                + " another path (secret-decrypt)",
            withoutKeys.get(2));
  }

  @Test
  void keysOfMapsInsideListsThatLookLikeSecretsWarn() throws IOException {
    write(
        "base/trader.yaml",
        String.join(
            "\n",
            "endpoints:",
            "  - url: https://a.example",
            "    authToken: " + PLAINTEXT,
            "notes: [" + PLAINTEXT + "]",
            "db_passwords: [" + PLAINTEXT + "]",
            ""));

    assertThat(check("dev", EncryptionKeys.none()))
        .containsExactly(
            "base/trader.yaml:1: warning: trader.endpoints: item 0.authToken: the key looks like"
                + " a secret but the schema does not mark it x-secret; mark it \"x-secret\": true"
                + " and encrypt the value (secret-name)");
  }

  @Test
  void unprovenCountsEachEncryptedValueOnceByScopeWhenNoKeyOpensIt() throws IOException {
    write(
        "base/trader.yaml",
        String.join(
            "\n",
            "apiKeys:",
            "  - " + encrypt("base", API_KEYS_ITEM),
            "  - " + encrypt("base", API_KEYS_ITEM),
            "rpc:",
            "  apiKey: " + encrypt("dev", API_KEY),
            ""));
    write("environments/dev/trader.yaml", "apiKey: " + encrypt("dev", API_KEY) + "\n");
    write(
        "environments/prod/trader.yaml",
        "apiKey: " + encrypt("prod", API_KEY) + "\nnotes:\n  - ENC[v2]\n");
    ConfigRepository repository = load();
    List<ConfigSnapshot> both = List.of(repository.snapshot("dev"), repository.snapshot("prod"));
    EncryptionKeys prodOnly =
        EncryptionKeys.from(Map.of("GITCONF_KEY_PROD", master.deriveScopedKey("prod")));

    assertThat(SecretRules.unproven(both, EncryptionKeys.none()))
        .containsExactly(Map.entry("base", 2), Map.entry("dev", 1), Map.entry("prod", 1));
    assertThat(SecretRules.unproven(both, prodOnly))
        .containsExactly(Map.entry("base", 2), Map.entry("dev", 1));
    assertThat(SecretRules.unproven(List.of(repository.snapshot("prod")), EncryptionKeys.none()))
        .containsExactly(Map.entry("base", 2), Map.entry("prod", 1));
    assertThat(SecretRules.unproven(both, master)).isEmpty();
    assertThat(SecretRules.keyVariables("prod-eu"))
        .isEqualTo("GITCONF_KEY_PROD_EU or GITCONF_MASTER_KEY");
  }

  @Test
  void secretNameHeuristic() {
    for (String key :
        List.of(
            "apiKey",
            "APIKey",
            "api_key",
            "apikey",
            "rpcApiKey",
            "clientSecret",
            "secret",
            "password",
            "adminPasswd",
            "privateKey",
            "wallet_private_key",
            "token",
            "authToken",
            "accessToken",
            "bot_token",
            "telegram-bot-token",
            "refreshToken2")) {
      assertThat(SecretRules.looksLikeSecretName(ConfigPath.of("trader", key), PLAINTEXT))
          .as(key)
          .isTrue();
    }
    for (String key :
        List.of(
            "tokenProgram",
            "tokens",
            "tokenMint",
            "maxTokenAge",
            "tokenizer",
            "url",
            "keyId",
            "monkey",
            "publicKey",
            "apiUrl")) {
      assertThat(SecretRules.looksLikeSecretName(ConfigPath.of("trader", key), PLAINTEXT))
          .as(key)
          .isFalse();
    }
    assertThat(SecretRules.looksLikeSecretName(ConfigPath.of("tokens", SOL, "token"), PLAINTEXT))
        .isFalse();
    assertThat(SecretRules.looksLikeSecretName(ConfigPath.of("trader", "quoteToken"), "USDC"))
        .isFalse();
    assertThat(SecretRules.looksLikeSecretName(ConfigPath.of("trader", "baseToken"), SOL))
        .isFalse();
  }

  @Test
  void scopeOfAFileIsBaseOrItsEnvironment() {
    assertThat(SecretRules.scopeOf("base/trader.yaml")).contains("base");
    assertThat(SecretRules.scopeOf("environments/prod-eu/trader.yaml")).contains("prod-eu");
    assertThat(SecretRules.scopeOf("gitconf.yaml")).isEmpty();
    assertThat(SecretRules.scopeOf("schemas/trader.schema.json")).isEmpty();
    assertThat(SecretRules.scopeOf("environments/prod/x/trader.yaml")).isEmpty();
  }

  @Test
  void aSnapshotWithoutProvenanceIsCheckedUnderEachValuesOwnScope() {
    ConfigPath other = ConfigPath.parse("trader.rpc.apiKey");
    ConfigSnapshot stored =
        ConfigSnapshot.fromLeaves(
            "prod",
            Map.<String, JsonNode>of(
                "trader.apiKey", TextNode.valueOf(PLAINTEXT),
                "trader.rpc.apiKey", TextNode.valueOf(encrypt("dev", other)),
                "trader.rpc.backup", TextNode.valueOf(encrypt("dev", other))));

    List<String> problems =
        SecretRules.check(stored, load().schemas(), master).stream()
            .map(Problem::toString)
            .toList();

    assertThat(problems)
        .containsExactly(
            "trader.apiKey: holds plaintext but is marked x-secret; store it encrypted (gitconf"
                + " secrets encrypt) (secret-plaintext)",
            "trader.rpc.backup: cannot decrypt (scope dev, key k1): wrong key, or the value was"
                + " altered or moved from another path (secret-decrypt)");
  }

  private List<String> check(String environment, EncryptionKeys keys) {
    ConfigRepository repository = load();
    assertThat(repository.problems()).isEmpty();
    List<String> problems =
        SecretRules.check(repository.snapshot(environment), repository.schemas(), keys).stream()
            .map(Problem::toString)
            .toList();
    assertThat(problems).allSatisfy(p -> assertThat(p).doesNotContain(PLAINTEXT));
    return problems;
  }

  private ConfigRepository load() {
    return ConfigRepository.load(RepoTree.directory(dir));
  }

  private String encrypt(String scope, ConfigPath path) {
    return cipher.encrypt(scope, path, Secret.of(PLAINTEXT));
  }

  private void write(String file, String text) throws IOException {
    Path path = dir.resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, text);
  }
}
