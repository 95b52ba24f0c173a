package io.gitconf.spring;

import static io.gitconf.spring.SpringBootMirrorTest.PROD_API_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gitconf.client.ConfigChangeEvent;
import io.gitconf.client.ConfigManager;
import io.gitconf.client.TradingDesk;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The actuator as a user reads it: the trader application as a web application (embedded Tomcat on
 * a random port) on {@code spring.config.import=gitconf:} over a real mirror, its health, info, env
 * and configprops endpoints fetched over HTTP. Secrets show as {@code ******} and their plaintext
 * is in no response; a mirrored commit shows in health and env.
 */
class SpringBootActuatorHttpTest {
  static TradingDesk desk;
  static ConfigurableApplicationContext context;
  static HttpClient http;
  static URI actuator;

  @BeforeAll
  static void start(@TempDir Path dir) {
    desk = TradingDesk.open(dir);
    desk.syncOnce();
    context =
        SpringBootMirrorTest.traderApplication()
            .web(WebApplicationType.SERVLET)
            .properties(
                "spring.config.import=gitconf:",
                "gitconf.environment=prod",
                "gitconf.postgres.url=" + desk.testDb.jdbcUrl(),
                "server.address=127.0.0.1",
                "server.port=0",
                "management.endpoints.web.exposure.include=health,info,env,configprops",
                "management.endpoint.health.show-details=always",
                "management.endpoint.env.show-values=always",
                "management.endpoint.configprops.show-values=always")
            .run();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    actuator =
        URI.create(
            "http://127.0.0.1:"
                + context.getEnvironment().getProperty("local.server.port")
                + "/actuator/");
  }

  @AfterAll
  static void close() {
    if (context != null) {
      context.close();
    }
    desk.close();
  }

  @Test
  void healthShowsGitconfUpWithTheEnvironmentAndVersionServed() {
    ConfigManager manager = context.getBean(ConfigManager.class);

    JsonNode gitconf = getJson("health").path("components").path("gitconf");

    assertThat(gitconf.path("status").asText()).isEqualTo("UP");
    assertThat(gitconf.at("/details/environment").asText()).isEqualTo("prod");
    assertThat(gitconf.at("/details/version").asLong())
        .isEqualTo(manager.snapshot().version().orElseThrow());
    assertThat(gitconf.at("/details/commit").asText()).isEqualTo(manager.snapshot().commit());
    assertThat(gitconf.at("/details/source").asText()).isEqualTo("mirror");
    assertThat(gitconf.at("/details/sourceReachable").asBoolean()).isTrue();
  }

  @Test
  void infoCarriesGitconfsContribution() {
    ConfigManager manager = context.getBean(ConfigManager.class);

    JsonNode gitconf = getJson("info").path("gitconf");

    assertThat(gitconf.path("environment").asText()).isEqualTo("prod");
    assertThat(gitconf.path("version").asLong())
        .isEqualTo(manager.snapshot().version().orElseThrow());
    assertThat(gitconf.path("commit").asText()).isEqualTo(manager.snapshot().commit());
    assertThat(gitconf.path("checksum").asText()).isEqualTo(manager.snapshot().checksum());
  }

  @Test
  void theSecretIsMaskedInEnvAndConfigprops() {
    assertThat(gitconfProperty(getJson("env"), "trader.apiKey")).isEqualTo("******");
    assertThat(gitconfProperty(getJson("env"), "trader.mode")).isEqualTo("live");

    JsonNode apiKey = getJson("env/trader.apiKey");
    assertThat(apiKey.at("/property/source").asText()).isEqualTo("gitconf:prod");
    assertThat(apiKey.at("/property/value").asText()).isEqualTo("******");

    JsonNode trader = traderBean(getJson("configprops"));
    assertThat(trader.at("/properties/apiKey").asText()).isEqualTo("******");
    assertThat(trader.at("/properties/mode").asText()).isEqualTo("live");
    assertThat(traderBean(getJson("configprops/trader")).at("/properties/apiKey").asText())
        .isEqualTo("******");
  }

  @Test
  void theSecretsPlaintextIsInNoResponse() {
    assertThat(context.getEnvironment().getProperty("trader.apiKey")).isEqualTo(PROD_API_KEY);

    for (String endpoint :
        List.of(
            "health",
            "health/gitconf",
            "info",
            "env",
            "env/trader.apiKey",
            "configprops",
            "configprops/trader")) {
      assertThat(get(endpoint)).as(endpoint).doesNotContain(PROD_API_KEY);
    }
  }

  @Test
  void aMirroredCommitShowsInHealthAndEnv() throws Exception {
    ConfigManager manager = context.getBean(ConfigManager.class);
    ReceivedEvents events = context.getBean(ReceivedEvents.class);
    long before = getJson("health").at("/components/gitconf/details/version").asLong();
    assertThat(before).isEqualTo(manager.snapshot().version().orElseThrow());
    desk.startSyncer(Duration.ofMillis(100));

    desk.edit("environments/prod/risk.yaml", "maxOpenPositions: 5", "maxOpenPositions: 4")
        .commit(TradingDesk.BO, "One fewer open position");

    ConfigChangeEvent.VersionActivated activated =
        events.next(ConfigChangeEvent.VersionActivated.class);
    assertThat(activated.version()).startsWith("version " + (before + 1) + ", ");
    JsonNode gitconf = getJson("health").path("components").path("gitconf");
    assertThat(gitconf.at("/details/version").asLong()).isEqualTo(before + 1);
    assertThat(gitconf.at("/details/commit").asText()).isEqualTo(manager.snapshot().commit());
    assertThat(gitconf.path("status").asText()).isEqualTo("UP");
    assertThat(getJson("info").at("/gitconf/version").asLong()).isEqualTo(before + 1);
    assertThat(gitconfProperty(getJson("env"), "risk.parameters.maxOpenPositions")).isEqualTo("4");
    assertThat(getJson("env/risk.parameters.maxOpenPositions").at("/property/value").asInt())
        .isEqualTo(4);
  }

  /** A property's value as the gitconf property source shows it in {@code /actuator/env}. */
  private static String gitconfProperty(JsonNode env, String name) {
    for (JsonNode source : env.path("propertySources")) {
      if (source.path("name").asText().equals("gitconf:prod")) {
        JsonNode value = source.path("properties").path(name).path("value");
        assertThat(value.isMissingNode()).as(name + " in gitconf:prod").isFalse();
        return value.asText();
      }
    }
    throw new AssertionError("no gitconf:prod property source in " + env);
  }

  /** The {@code trader} bean's entry in {@code /actuator/configprops}. */
  private static JsonNode traderBean(JsonNode configprops) {
    for (JsonNode context : configprops.path("contexts")) {
      for (JsonNode bean : context.path("beans")) {
        if (bean.path("prefix").asText().equals("trader")) {
          return bean;
        }
      }
    }
    throw new AssertionError("no trader bean in " + configprops);
  }

  private static JsonNode getJson(String endpoint) {
    try {
      return new ObjectMapper().readTree(get(endpoint));
    } catch (IOException e) {
      throw new AssertionError(endpoint + " is not JSON", e);
    }
  }

  /** The body of a GET of {@code endpoint} under {@code /actuator/}, which must answer 200. */
  private static String get(String endpoint) {
    HttpRequest request =
        HttpRequest.newBuilder(actuator.resolve(endpoint)).timeout(Duration.ofSeconds(30)).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("GET " + request.uri()).isEqualTo(200);
      return response.body();
    } catch (IOException e) {
      throw new AssertionError("GET " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("GET " + request.uri(), e);
    }
  }
}
