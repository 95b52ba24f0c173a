package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.client.TradingDesk;
import io.gitconf.core.Json;
import io.gitconf.testing.Awaits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gitconf serve}, its tokens, and reading through it with {@code get} and {@code watch}. */
class ServeCommandTest {
  private static final Duration LONG = Duration.ofMinutes(3);
  private static final Pattern SERVING =
      Pattern.compile("^gitconf serve: (http://127\\.0\\.0\\.1:\\d+) -> .*$");

  @TempDir Path dir;

  @Test
  void tokensAreCreatedOnceListedWithoutThemselvesAndRevoked() throws Exception {
    Path file = dir.resolve("tokens.json");
    Cli.Result created =
        Cli.run(
            "serve",
            "token",
            "create",
            "--tokens",
            file.toString(),
            "--env",
            "prod",
            "--env",
            "test",
            "--name",
            "trader-fleet");
    assertThat(created.exitCode()).as(created.all()).isZero();
    String token = created.out().strip();
    assertThat(token).matches("gct_[A-Za-z0-9_-]{43}");
    assertThat(created.err())
        .isEqualTo(
            "Token trader-fleet for prod, test recorded in " + file + "; it is shown this once.\n");
    assertThat(Files.readString(file)).doesNotContain(token);

    Cli.Result list = Cli.run("serve", "token", "list", "--tokens", file.toString());
    assertThat(list.out()).startsWith("trader-fleet  prod,test  ").doesNotContain(token);

    Cli.Result again =
        Cli.run(
            "serve",
            "token",
            "create",
            "--tokens",
            file.toString(),
            "--env",
            "prod",
            "--name",
            "trader-fleet");
    assertThat(again.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(again.err())
        .contains(
            "a token named trader-fleet exists already; revoke it first or choose another name");

    assertThat(
            Cli.run("serve", "token", "revoke", "trader-fleet", "--tokens", file.toString()).out())
        .isEqualTo("Revoked trader-fleet.\n");
    assertThat(Cli.run("serve", "token", "list", "--tokens", file.toString()).out()).isEmpty();
  }

  @Test
  void serveRelaysTheMirrorToGetAndWatchWithAToken() throws Exception {
    try (TradingDesk desk = TradingDesk.open(dir.resolve("desk"))) {
      desk.syncOnce();
      Path tokens = dir.resolve("tokens.json");
      String token = fleetToken(tokens);
      Path tokenFile = dir.resolve("token");
      Files.writeString(tokenFile, token + "\n");
      try (ProgramProcess serve = serve(desk, tokens)) {
        String url = url(serve);

        Cli.Result value = get("risk.parameters.maxOpenPositions", "prod", url, tokenFile);
        assertThat(value.exitCode()).as(value.all()).isZero();
        assertThat(value.out()).isEqualTo("5\n");
        Cli.Result secret = get("trader.apiKey", "prod", url, tokenFile);
        assertThat(secret.out()).isEqualTo("****\n");
        Cli.Result subtree = get("trader", "prod", url, tokenFile);
        assertThat(subtree.out()).contains("apiKey: '****'").contains("mode: live");
        Cli.Result missing = get("risk.nothing", "prod", url, tokenFile);
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("risk.nothing: not set in environment prod");

        Cli.Result refused =
            Cli.run("get", "risk.parameters.maxOpenPositions", "--env", "prod", "--server", url);
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(refused.err()).contains("answered 401: no bearer token");

        Cli.Result forbidden = get("risk.parameters.maxOpenPositions", "dev", url, tokenFile);
        assertThat(forbidden.err())
            .contains("answered 403: token fleet may not read environment dev");
        assertThat(refused.all() + forbidden.all() + serve.out() + serve.err())
            .doesNotContain(token);

        CompletableFuture<Cli.Result> watching =
            CompletableFuture.supplyAsync(
                () ->
                    Cli.run(
                        "watch",
                        "--env",
                        "prod",
                        "--server",
                        url,
                        "--token-file",
                        tokenFile.toString(),
                        "--count",
                        "2"));
        Awaits.until(() -> relayWatchers(url) == 1);
        desk.edit("environments/prod/risk.yaml", "maxOpenPositions: 5", "maxOpenPositions: 4")
            .commit(TradingDesk.BO, "One fewer open position in prod");
        desk.syncOnce();
        Cli.Result watched = watching.get(2, TimeUnit.MINUTES);
        assertThat(watched.exitCode()).as(watched.all()).isZero();
        assertThat(watched.out())
            .contains("changed   risk.parameters.maxOpenPositions: 5 -> 4  (version 2, ")
            .contains("activated prod version 2, ");
      }
    }
  }

  @Test
  void watchThroughARelayPrintsTheReleaseStateItsInstanceSees() throws Exception {
    try (TradingDesk desk = TradingDesk.open(dir.resolve("desk"))) {
      String prod =
          "    description: Live trading with real funds. Conservative limits; every change is"
              + " reviewed.\n";
      desk.edit("gitconf.yaml", prod, prod + "    release:\n      steps: [100]\n      bake: 1h\n")
          .commit(TradingDesk.BO, "prod releases gradually");
      desk.syncOnce(); // no value of prod changes: no new version, no release
      Path tokens = dir.resolve("tokens.json");
      String token = fleetToken(tokens);
      try (ProgramProcess serve = serve(desk, tokens)) {
        String url = url(serve);
        try (ProgramProcess watch =
            ProgramProcess.start(
                dir,
                Map.of("GITCONF_TOKEN", token),
                "watch",
                "--env",
                "prod",
                "--server",
                url,
                "--instance-id",
                "trader-1",
                "--ttl",
                "200ms")) {
          watch.awaitErr(l -> l.startsWith("watching prod: "), LONG);
          desk.edit("environments/prod/risk.yaml", "maxOpenPositions: 5", "maxOpenPositions: 4")
              .commit(TradingDesk.BO, "One fewer open position in prod");
          desk.syncOnce();
          assertThat(watch.awaitOut(l -> l.contains("  release   "), LONG))
              .endsWith("  release   version 2 rolling at 100 %");
          watch.awaitOut(l -> l.contains("maxOpenPositions: 5 -> 4  (version 2, "), LONG);

          Cli.Result abort =
              Cli.run(
                  "release",
                  "abort",
                  "--env",
                  "prod",
                  "--db",
                  desk.testDb.jdbcUrl(),
                  "--user",
                  "Ada",
                  "--reason",
                  "Not today");
          assertThat(abort.exitCode()).as(abort.all()).isZero();
          watch.awaitOut(l -> l.endsWith("  release   no release in progress"), LONG);
          watch.awaitOut(l -> l.contains("maxOpenPositions: 4 -> 5  (version 1, "), LONG);
        }
      }
    }
  }

  @Test
  void upRunsARelayBesideTheSyncerAndPrintsItsUrlAndADemoToken() throws Exception {
    Path home = dir.resolve("gitconf");
    try (ProgramProcess up =
        ProgramProcess.start(dir, Map.of(), "up", "--dir", home.toString(), "--poll", "200ms")) {
      String relay =
          up.awaitOut(line -> line.startsWith("Relay: http://127.0.0.1:"), LONG)
              .replaceFirst("^Relay: (\\S+) .*$", "$1");
      String token =
          up.awaitOut(line -> line.startsWith("Relay token for the demo (shown once): "), LONG)
              .substring("Relay token for the demo (shown once): ".length());
      up.awaitOut(line -> line.endsWith("Ctrl-C stops."), LONG);
      Path tokenFile = dir.resolve("demo-token");
      Files.writeString(tokenFile, token);

      Cli.Result value = get("risk.parameters.maxOpenPositions", "prod", relay, tokenFile);
      assertThat(value.exitCode()).as(value.all()).isZero();
      assertThat(value.out()).isEqualTo("5\n");
      assertThat(Files.readString(home.resolve("relay-tokens.json"))).doesNotContain(token);
      up.stop(LONG);
    }
  }

  @Test
  void watchNeedsExactlyOneSource() {
    Cli.Result both =
        Cli.run("watch", "--env", "prod", "--server", "http://127.0.0.1:1", "--repo", ".");
    assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err())
        .contains(
            "watch needs one source: --db/--embedded-postgres, --server URL, --repo DIR or --git"
                + " URL");
  }

  @Test
  void plainHttpBeyondLoopbackIsRefusedWithTheWayOut() {
    Cli.Result refused =
        Cli.run("serve", "--db", "jdbc:postgresql://127.0.0.1:1/none", "--bind", "0.0.0.0");
    assertThat(refused.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(refused.err())
        .contains(
            "plain HTTP on 0.0.0.0 would send tokens and configuration in clear text: bind a"
                + " loopback address, give --tls-keystore, or say --insecure-bind");
  }

  /** A token for prod named {@code fleet}, created in {@code tokens} by the command line. */
  private static String fleetToken(Path tokens) {
    return Cli.run(
            "serve",
            "token",
            "create",
            "--tokens",
            tokens.toString(),
            "--env",
            "prod",
            "--name",
            "fleet")
        .out()
        .strip();
  }

  /** {@code gitconf serve} over the desk's mirror, on a free port, with {@code tokens}. */
  private ProgramProcess serve(TradingDesk desk, Path tokens) {
    return ProgramProcess.start(
        dir,
        Map.of(),
        "serve",
        "--db",
        desk.testDb.jdbcUrl(),
        "--port",
        "0",
        "--tokens",
        tokens.toString());
  }

  /** The URL a relay prints once it serves. */
  private static String url(ProgramProcess serve) throws InterruptedException {
    Matcher serving = SERVING.matcher(serve.awaitOut(l -> SERVING.matcher(l).matches(), LONG));
    assertThat(serving.matches()).isTrue();
    return serving.group(1);
  }

  private static int relayWatchers(String url) {
    try {
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url + "/health")).build(),
                  HttpResponse.BodyHandlers.ofString());
      return Json.parse("health", health.body()).get("watchers").asInt();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code gitconf get PATH --env ENV --server URL --token-file FILE}. */
  private static Cli.Result get(String path, String environment, String url, Path tokenFile) {
    return Cli.run(
        "get", path, "--env", environment, "--server", url, "--token-file", tokenFile.toString());
  }
}
