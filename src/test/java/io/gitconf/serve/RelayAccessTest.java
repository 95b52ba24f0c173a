package io.gitconf.serve;

import static io.gitconf.serve.RelayTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gitconf.core.GitconfException;
import io.gitconf.sync.HttpEndpoint;
import io.gitconf.testing.Awaits;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Who may read what: scoped bearer tokens, revocation without a restart, TLS, the bind rule. */
class RelayAccessTest {
  @TempDir Path dir;
  RelayFixture fixture;
  Path tokenFile;
  String prodToken;
  String devToken;

  @BeforeEach
  void start() {
    fixture = new RelayFixture(dir);
    tokenFile = dir.resolve("relay-tokens.json");
    Tokens.Created prod = Tokens.none().create("trader-fleet", Set.of("prod"), Instant.now());
    Tokens.Created dev = Tokens.none().create("dev-tools", Set.of("dev"), Instant.now());
    Tokens.none().with(prod).with(dev).write(tokenFile);
    prodToken = prod.token();
    devToken = dev.token();
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void theTokenFileHoldsOnlyHashes() throws IOException {
    String stored = Files.readString(tokenFile);
    assertThat(stored).doesNotContain(prodToken).doesNotContain(devToken);
    assertThat(stored).contains(Tokens.hash(prodToken));
    assertThat(prodToken).startsWith("gct_").hasSize(4 + 43);
    assertThat(Tokens.read(tokenFile).grants())
        .extracting(Tokens.Grant::name, Tokens.Grant::environments)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("trader-fleet", Set.of("prod")),
            org.assertj.core.groups.Tuple.tuple("dev-tools", Set.of("dev")));
  }

  @Test
  void aTokenReadsItsEnvironmentsOnlyAndNoTokenReadsNothing() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try {
      Relay relay = fixture.relay(Relay.Options.loopback(0).withTokens(tokenFile));
      String prod = relay.url() + "/v1/environments/prod";

      assertThat(fixture.get(prod, "Authorization", "Bearer " + prodToken).statusCode())
          .isEqualTo(200);
      HttpResponse<String> none = fixture.get(prod);
      assertError(none, 401, "no bearer token");
      assertThat(none.headers().firstValue("www-authenticate"))
          .hasValue("Bearer realm=\"gitconf\"");
      assertError(
          fixture.get(prod, "Authorization", "Bearer gct_not-a-token"),
          401,
          "unknown or revoked token");
      assertError(
          fixture.get(prod, "Authorization", "Bearer " + devToken),
          403,
          "token dev-tools may not read environment prod");
      assertError(
          fixture.get(prod + "/watch?version=0", "Authorization", "Bearer " + devToken),
          403,
          "token dev-tools may not read environment prod");
      assertThat(
              fixture
                  .get(relay.url() + "/v1/environments/dev", "Authorization", "Bearer " + devToken)
                  .statusCode())
          .isEqualTo(200);

      assertThat(logs.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .anyMatch(line -> line.contains("401") && line.contains("no bearer token"))
          .anyMatch(line -> line.contains("403") && line.contains("dev-tools"))
          .noneMatch(line -> line.contains(prodToken) || line.contains(devToken))
          .noneMatch(line -> line.contains("gct_not-a-token"));
    } finally {
      root.detachAppender(logs);
    }
  }

  @Test
  void aRevokedTokenIsRefusedWithoutARestartAndItsWaitingWatchEnds() throws Exception {
    Relay relay = fixture.relay(Relay.Options.loopback(0).withTokens(tokenFile));
    String prod = relay.url() + "/v1/environments/prod";
    assertThat(fixture.get(prod, "Authorization", "Bearer " + prodToken).statusCode())
        .isEqualTo(200);
    CompletableFuture<HttpResponse<String>> waiting =
        fixture.getAsync(prod + "/watch?version=1", "Authorization", "Bearer " + prodToken);
    Awaits.until(() -> fixture.get(relay.url() + "/health").body().contains("\"watchers\" : 1"));

    Tokens.read(tokenFile).without("trader-fleet").write(tokenFile);

    assertError(
        fixture.get(prod, "Authorization", "Bearer " + prodToken), 401, "unknown or revoked token");
    fixture.changeProd(5, 4);
    assertError(waiting.get(60, TimeUnit.SECONDS), 401, "unknown or revoked token");
    assertThat(
            fixture
                .get(relay.url() + "/v1/environments/dev", "Authorization", "Bearer " + devToken)
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void tokenNamesAreUniqueAndRevokingAnUnknownNameSaysSo() {
    Tokens tokens = Tokens.read(tokenFile);
    assertThatThrownBy(() -> tokens.create("trader-fleet", Set.of("prod"), Instant.now()))
        .isInstanceOf(GitconfException.BadRequest.class)
        .hasMessage(
            "a token named trader-fleet exists already; revoke it first or choose another name");
    assertThatThrownBy(() -> tokens.without("nobody"))
        .isInstanceOf(GitconfException.BadRequest.class)
        .hasMessage("no token named nobody");
    assertThatThrownBy(() -> tokens.create("fleet", Set.of(), Instant.now()))
        .hasMessage("a token needs at least one environment (--env)");
  }

  @Test
  void plainHttpIsServedOnLoopbackOnlyUnlessInsecureBindIsSaid() {
    Relay.Options everywhere =
        new Relay.Options(
            "0.0.0.0",
            0,
            Optional.empty(),
            Optional.empty(),
            false,
            java.time.Duration.ofSeconds(30));
    assertThatThrownBy(() -> fixture.relay(everywhere))
        .isInstanceOf(GitconfException.BadRequest.class)
        .hasMessage(
            "plain HTTP on 0.0.0.0 would send tokens and configuration in clear text: bind a"
                + " loopback address, give --tls-keystore, or say --insecure-bind");
  }

  @Test
  void tlsServesHttp2AndHttp1FromAPkcs12Keystore() throws Exception {
    Path keystore = dir.resolve("relay.p12");
    String password = "relay-test-password";
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "relay",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "san=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                password)
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue())
        .as(new String(keytool.getInputStream().readAllBytes()))
        .isZero();
    Relay relay =
        fixture.relay(
            Relay.Options.loopback(0)
                .withTokens(tokenFile)
                .withTls(new HttpEndpoint.Tls(keystore, password)));
    assertThat(relay.url()).startsWith("https://127.0.0.1:");

    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keystore)) {
      trusted.load(in, password.toCharArray());
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, trust.getTrustManagers(), null);
    for (HttpClient.Version version :
        List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
      HttpClient client = HttpClient.newBuilder().sslContext(ssl).version(version).build();
      HttpResponse<String> response =
          client.send(
              RelayFixture.request(
                  relay.url() + "/v1/environments/prod", "Authorization", "Bearer " + prodToken),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.version()).isEqualTo(version);
    }
  }

  @Test
  void plainHttp2IsSpokenByPriorKnowledgeOrUpgrade() throws Exception {
    Relay relay = fixture.relay(Relay.Options.loopback(0));
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    HttpResponse<String> response =
        client.send(
            RelayFixture.request(relay.url() + "/v1/environments/prod"),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
  }
}
