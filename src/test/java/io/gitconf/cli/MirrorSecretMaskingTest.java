package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.core.ConfigPath;
import io.gitconf.core.GoldenRepos;
import io.gitconf.core.Json;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.Secret;
import io.gitconf.core.crypto.SecretCipher;
import io.gitconf.sync.Database;
import io.gitconf.sync.SyncListener;
import io.gitconf.sync.SyncSettings;
import io.gitconf.sync.Syncer;
import io.gitconf.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret whose value changed between two mirrored versions never shows in what the commands
 * reading the mirror print, as text or JSON: neither its plaintext nor its ciphertext, except that
 * export keeps the ciphertext of the version it exports (so the file can be imported again).
 */
class MirrorSecretMaskingTest {
  private static final String DEMO_KEY = "Z2l0Y29uZi1kZW1vLWtleS1OT1QtRk9SLVBST0QhISE=";
  private static final String OLD_PLAINTEXT = "sk-live-old-7f3a9c2e41";
  private static final String NEW_PLAINTEXT = "sk-live-new-b81d06f5e2";
  private static final ConfigPath API_KEY = ConfigPath.parse("trader.apiKey");
  private static final PersonIdent ADA = new PersonIdent("Ada Trader", "ada@example.com");

  @TempDir Path dir;

  /** Prod's two versions in the mirror: the API key rotated, and the slippage lowered. */
  private record Mirrored(
      Path repo, String first, String second, String oldCiphertext, String newCiphertext) {}

  private Mirrored mirrorTwoVersions(String db) throws Exception {
    SecretCipher cipher =
        SecretCipher.of(EncryptionKeys.from(Map.of(EncryptionKeys.MASTER_KEY, DEMO_KEY)));
    String oldCiphertext = cipher.encrypt("prod", API_KEY, Secret.of(OLD_PLAINTEXT));
    String newCiphertext = cipher.encrypt("prod", API_KEY, Secret.of(NEW_PLAINTEXT));
    Path repo = GoldenRepos.templateWithoutReleases(dir.resolve("repo"));
    Path prodTrader = repo.resolve("environments/prod/trader.yaml");
    String template = Files.readString(prodTrader);
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Files.writeString(prodTrader, withApiKey(template, oldCiphertext));
      String first = commit(git, "Trading configuration", "2026-01-05T09:01:00Z");
      Files.writeString(
          prodTrader,
          withApiKey(template, newCiphertext)
              .replace("defaultSlippageBps: 30", "defaultSlippageBps: 25"));
      String second = commit(git, "Rotate the trading API key", "2026-01-05T09:02:00Z");
      try (Database database = Database.connect(db, Optional.empty());
          Syncer syncer =
              new Syncer(
                  database,
                  SyncSettings.of(repo.toString(), "main", Duration.ofSeconds(1), dir),
                  SyncListener.NONE)) {
        assertThat(syncer.syncOnce()).isEqualTo(2);
      }
      return new Mirrored(repo, first, second, oldCiphertext, newCiphertext);
    }
  }

  /**
   * Both kinds of rollback preview what they change with the lines diff prints for the same pair of
   * versions (from the active one to the target), in text and in JSON.
   */
  @Test
  void rollbackPreviewsPrintWhatDiffPrintsForTheSamePairOfVersions() throws Exception {
    try (TestDatabase testDb = TestDatabase.create()) {
      String db = testDb.jdbcUrl();
      Path repo = mirrorTwoVersions(db).repo();
      Cli.Result diff = Cli.run("diff", "--db", db, "--env", "prod", "--from", "2", "--to", "1");
      assertThat(diff.exitCode()).as(diff.err()).isZero();
      List<String> diffLines = diff.out().lines().toList();
      assertThat(diffLines.subList(0, 2))
          .containsExactly("--- prod version 2", "+++ prod version 1");
      List<String> changes = diffLines.subList(2, diffLines.size());
      assertThat(changes)
          .containsExactly(
              "prod: 2 changed",
              "  ~ trader.apiKey: **** (changed)",
              "  ~ trader.defaultSlippageBps: 25 -> 30");
      Cli.Result diffJson =
          Cli.run(
              "diff", "--db", db, "--env", "prod", "--from", "2", "--to", "1", "--output", "json");
      String jsonChanges =
          Json.canonical(Json.parse("diff", diffJson.out()).at("/environments/prod"));
      for (boolean breakGlass : List.of(false, true)) {
        Cli.Result text = Cli.run(rollback(db, repo, breakGlass, "text"));
        List<String> lines = text.out().lines().toList();
        assertThat(lines.subList(1, lines.size())).as(text.out()).isEqualTo(changes);
        Cli.Result json = Cli.run(rollback(db, repo, breakGlass, "json"));
        assertThat(Json.canonical(Json.parse("rollback", json.out()).get("changes")))
            .isEqualTo(jsonChanges);
      }
    }
  }

  @Test
  void mirrorReadsNeverShowTheSecretsPlaintextOrCiphertext() throws Exception {
    try (TestDatabase testDb = TestDatabase.create()) {
      String db = testDb.jdbcUrl();
      Mirrored mirrored = mirrorTwoVersions(db);
      Path repo = mirrored.repo();
      String first = mirrored.first();
      String second = mirrored.second();
      String oldCiphertext = mirrored.oldCiphertext();
      String newCiphertext = mirrored.newCiphertext();
      Map<String, Cli.Result> outputs = new LinkedHashMap<>();
      for (String format : List.of("text", "json")) {
        outputs.put(
            "history " + format,
            Cli.run(
                "history",
                "--db",
                db,
                "--env",
                "prod",
                "--path",
                "trader.apiKey",
                "--output",
                format));
        outputs.put(
            "versions " + format,
            Cli.run("history", "--db", db, "--env", "prod", "--output", format));
        outputs.put(
            "diff " + format,
            Cli.run(
                "diff",
                "--db",
                db,
                "--env",
                "prod",
                "--from",
                "1",
                "--to",
                "2",
                "--output",
                format));
        outputs.put(
            "get " + format,
            Cli.run("get", "trader.apiKey", "--env", "prod", "--db", db, "--output", format));
        outputs.put("rollback " + format, Cli.run(rollback(db, repo, false, format)));
        outputs.put("break-glass " + format, Cli.run(rollback(db, repo, true, format)));
        outputs.put("status " + format, Cli.run("status", "--db", db, "--output", format));
        outputs.put("verify " + format, Cli.run("verify", "--db", db, "--output", format));
      }
      Map<String, Cli.Result> exports = new LinkedHashMap<>();
      for (String format : List.of("yaml", "json")) {
        exports.put(
            "export " + format,
            Cli.run("export", "--env", "prod", "--db", db, "--version", "1", "--format", format));
      }

      for (Map.Entry<String, Cli.Result> output : outputs.entrySet()) {
        assertThat(output.getValue().all())
            .as(output.getKey())
            .doesNotContain(OLD_PLAINTEXT, NEW_PLAINTEXT)
            .doesNotContain(oldCiphertext, newCiphertext)
            .doesNotContain(payload(oldCiphertext), payload(newCiphertext))
            .doesNotContain("ENC[");
      }
      // Export keeps a secret encrypted, exactly as Git holds it, so the file imports again.
      for (Map.Entry<String, Cli.Result> export : exports.entrySet()) {
        assertThat(export.getValue().exitCode()).as(export.getKey()).isZero();
        assertThat(export.getValue().all())
            .as(export.getKey())
            .doesNotContain(OLD_PLAINTEXT, NEW_PLAINTEXT)
            .doesNotContain(payload(newCiphertext));
      }
      assertThat(
              Json.parse("export", exports.get("export json").out()).at("/trader/apiKey").asText())
          .isEqualTo(oldCiphertext);
      assertThat(exports.get("export yaml").out())
          .contains("\n  apiKey: \"" + oldCiphertext + "\"\n")
          .containsOnlyOnce("ENC[");
      assertThat(exports.get("export json").out()).containsOnlyOnce("ENC[");

      // Each output shows the secret as the mask, where it shows it at all.
      assertThat(outputs.get("get text").out()).isEqualTo("****\n");
      assertThat(Json.parse("get", outputs.get("get json").out()).get("value").asText())
          .isEqualTo("****");
      assertThat(outputs.get("diff text").out())
          .isEqualTo(
              "--- prod version 1\n+++ prod version 2\nprod: 2 changed\n"
                  + "  ~ trader.apiKey: **** (changed)\n"
                  + "  ~ trader.defaultSlippageBps: 30 -> 25\n");
      assertThat(Json.canonical(Json.parse("diff", outputs.get("diff json").out())))
          .isEqualTo(
              "{\"environments\":{\"prod\":[{\"after\":\"****\",\"before\":\"****\","
                  + "\"kind\":\"changed\",\"path\":\"trader.apiKey\"},{\"after\":25,\"before\":30,"
                  + "\"kind\":\"changed\",\"path\":\"trader.defaultSlippageBps\"}]},"
                  + "\"from\":\"prod version 1\",\"to\":\"prod version 2\"}");
      assertThat(outputs.get("history text").out())
          .isEqualTo(
              "VERSION ACTION VALUE  COMMIT     TIME                 AUTHOR"
                  + "                       MESSAGE\n"
                  + "2       update \"****\" "
                  + second.substring(0, 10)
                  + " 2026-01-05T09:02:00Z Ada Trader <ada@example.com> Rotate the trading API key\n"
                  + "1       create \"****\" "
                  + first.substring(0, 10)
                  + " 2026-01-05T09:01:00Z Ada Trader <ada@example.com> Trading configuration\n");
      assertThat(Json.canonical(Json.parse("history", outputs.get("history json").out())))
          .isEqualTo(
              "[{\"action\":\"update\",\"author\":\"Ada Trader <ada@example.com>\",\"commit\":\""
                  + second
                  + "\",\"message\":\"Rotate the trading API key\",\"time\":\"2026-01-05T09:02:00Z\","
                  + "\"value\":\"****\",\"version\":2},{\"action\":\"create\","
                  + "\"author\":\"Ada Trader <ada@example.com>\",\"commit\":\""
                  + first
                  + "\",\"message\":\"Trading configuration\",\"time\":\"2026-01-05T09:01:00Z\","
                  + "\"value\":\"****\",\"version\":1}]");
      assertThat(outputs.get("rollback text").out())
          .isEqualTo(
              "Rolling prod back to version 1 (commit "
                  + first.substring(0, 10)
                  + ", Ada Trader: Trading configuration):\n"
                  + "prod: 2 changed\n"
                  + "  ~ trader.apiKey: **** (changed)\n"
                  + "  ~ trader.defaultSlippageBps: 25 -> 30\n");
      assertThat(Json.canonical(Json.parse("rollback", outputs.get("rollback json").out())))
          .isEqualTo(
              "{"
                  + "\"changes\":[{\"after\":\"****\",\"before\":\"****\",\"kind\":\"changed\",\"path\":\"trader.apiKey\"},"
                  + "{\"after\":30,\"before\":25,\"kind\":\"changed\",\"path\":\"trader.defaultSlippageBps\"}],"
                  + "\"committed\":false,\"environment\":\"prod\",\"version\":1,\"versionCommit\":\""
                  + first
                  + "\"}");
      assertThat(outputs.get("break-glass text").out())
          .isEqualTo(
              "Break-glass: activate version 1 of prod in the mirror, without Git:\n"
                  + "prod: 2 changed\n"
                  + "  ~ trader.apiKey: **** (changed)\n"
                  + "  ~ trader.defaultSlippageBps: 25 -> 30\n");
      assertThat(Json.canonical(Json.parse("rollback", outputs.get("break-glass json").out())))
          .isEqualTo(
              "{\"activated\":false,\"breakGlass\":true,"
                  + "\"changes\":[{\"after\":\"****\",\"before\":\"****\",\"kind\":\"changed\",\"path\":\"trader.apiKey\"},"
                  + "{\"after\":30,\"before\":25,\"kind\":\"changed\",\"path\":\"trader.defaultSlippageBps\"}],"
                  + "\"environment\":\"prod\",\"version\":1}");
      for (String command : List.of("rollback", "break-glass")) {
        assertThat(outputs.get(command + " text").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(outputs.get(command + " json").exitCode()).isEqualTo(ExitCodes.USAGE);
      }
      for (String command : List.of("history", "versions", "diff", "get", "status", "verify")) {
        for (String format : List.of("text", "json")) {
          Cli.Result result = outputs.get(command + " " + format);
          assertThat(result.exitCode()).as(command + " " + format + ": " + result.err()).isZero();
        }
      }
    }
  }

  private static String withApiKey(String trader, String ciphertext) {
    return trader.replaceAll(
        "(?m)^apiKey: .*$", java.util.regex.Matcher.quoteReplacement("apiKey: " + ciphertext));
  }

  /** The base64 part of a ciphertext, which would give the secret away in any other wrapping. */
  private static String payload(String ciphertext) {
    return ciphertext.substring(ciphertext.lastIndexOf(',') + 1, ciphertext.length() - 1);
  }

  private static String commit(Git git, String message, String time) throws Exception {
    PersonIdent ada = new PersonIdent(ADA, Instant.parse(time), ZoneOffset.UTC);
    git.add().addFilepattern(".").call();
    return git.commit()
        .setAuthor(ada)
        .setCommitter(ada)
        .setMessage(message)
        .setSign(false)
        .call()
        .name();
  }

  /**
   * A rollback of prod to version 1, without --yes: there is no console, so it is not confirmed.
   */
  private static String[] rollback(String db, Path repo, boolean breakGlass, String format) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "rollback",
                "--env",
                "prod",
                "--to",
                "1",
                "--db",
                db,
                "--repo",
                repo.toString(),
                "--user",
                "Ada Trader <ada@example.com>",
                "--reason",
                "Old key back",
                "--output",
                format));
    if (breakGlass) {
      args.add(1, "--break-glass");
    }
    return args.toArray(String[]::new);
  }
}
