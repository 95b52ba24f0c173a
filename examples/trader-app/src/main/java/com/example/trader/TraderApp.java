package com.example.trader;

// [readme:imports]
import io.gitconf.client.ConfigChangeEvent;
import io.gitconf.client.ConfigManager;
import io.gitconf.client.ConfigSubscription;
import io.gitconf.client.RiskParameters;
import io.gitconf.client.TokenConfig;
import io.gitconf.client.TraderConfig;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.Secret;
import java.nio.file.Path;
// [/readme:imports]

/**
 * A trading component's use of the gitconf client: it reads typed, validated configuration of prod
 * from the PostgreSQL mirror, and prints every change the syncer activates until it has seen {@code
 * MAX_CHANGES} changed values (or forever).
 *
 * <p>Usage: {@code java -jar target/trader-app.jar JDBC_URL [MAX_CHANGES]}, e.g. with the URL that
 * {@code gitconf up} prints. Set {@code GITCONF_MASTER_KEY} to read secrets.
 */
public final class TraderApp {
  private TraderApp() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: trader-app JDBC_URL [MAX_CHANGES]");
      System.exit(2);
    }
    // [readme:main]
    String jdbcUrl = args[0]; // e.g. the URL gitconf up prints
    long maxChanges = args.length > 1 ? Long.parseLong(args[1]) : Long.MAX_VALUE;
    EncryptionKeys keys = EncryptionKeys.fromEnvironment(); // only needed to read secrets
    Path cache = Path.of(System.getProperty("java.io.tmpdir"), "trader-app", "prod-config.json");
    try (ConfigManager config =
        ConfigManager.builder()
            .postgres(jdbcUrl) // the mirror; or .directory(path) or .git(url, "main")
            .environment("prod")
            .keys(keys)
            .cacheFile(cache) // last-known-good: lets the trader start while the mirror is down
            .build()) { // fails fast, or starts from the cache with a warning

      // Typed records, validated and built once per version: no I/O, no lock on the hot path.
      TraderConfig trader = config.getTraderConfig();
      RiskParameters risk = config.getRiskParameters();
      TokenConfig sol = config.getTokenBySymbol("SOL").orElseThrow();
      double total = config.getDouble("risk.parameters.maxTotalPositionUsd");
      System.out.printf(
          "prod (%s): %d open positions at most, SOL up to %.0f USD, %.0f USD in total%n",
          trader.mode(),
          risk.parameters().maxOpenPositions(),
          risk.maxPositionSizeUsd(sol.mint()),
          total);
      if (keys.hasKeyFor("prod")) {
        Secret apiKey = config.getSecret("trader.apiKey"); // prints as ****
        System.out.println("trader.apiKey: " + apiKey + ", " + apiKey.reveal().length() + " chars");
      }

      // A listener for one category, and a queue of every event.
      config.subscribe("risk", event -> System.out.println("risk listener: " + event));
      try (ConfigSubscription events = config.subscribe()) {
        System.out.println("Waiting for changes; commit one to the config repository.");
        long changes = 0;
        while (changes < maxChanges) {
          ConfigChangeEvent event = events.recv();
          if (event instanceof ConfigChangeEvent.ValueChanged changed) {
            System.out.println(
                "changed " + changed.path() + ": " + changed.beforeText() + " -> " + changed.afterText());
            changes++;
          } else {
            System.out.println(event);
          }
        }
      }
    }
    // [/readme:main]
  }
}
