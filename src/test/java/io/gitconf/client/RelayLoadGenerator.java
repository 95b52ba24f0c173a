package io.gitconf.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load generator of the relay benchmark, run in a JVM of its own: N watchers, each a connection
 * of its own (HTTP/1.1, as N processes of a fleet would have), each doing what {@code
 * ConfigManager.server(...)} does: a long poll on the version it holds, the next one as soon as it
 * returns, and on a failure the same exponential backoff with jitter ({@link Backoff}, 250 ms up to
 * 10 s). Commands on standard input, answers on standard output:
 *
 * <ul>
 *   <li>{@code report V}: {@code REPORT V count min p50 p99 max}, the times (epoch microseconds) at
 *       which the watchers received version V;
 *   <li>{@code peak S}: {@code PEAK rate}, the most requests sent in one second since epoch second
 *       S.
 * </ul>
 *
 * <p>Usage: {@code RelayLoadGenerator URL N ENV}. Prints {@code READY} once every watcher holds a
 * version.
 */
public final class RelayLoadGenerator {
  private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");
  private static final int PER_CLIENT = 500;

  private final String url;
  private final int count;
  private final List<HttpClient> clients = new ArrayList<>();
  private final int[] held;
  private final int[] failures;
  private final Map<Integer, long[]> received = new ConcurrentHashMap<>();
  private final AtomicLong holding = new AtomicLong();
  private final Map<Long, AtomicLong> perSecond = new ConcurrentHashMap<>();
  private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor();
  private final Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10));

  private RelayLoadGenerator(String url, int count, String environment) {
    this.url = url + "/v1/environments/" + environment + "/watch?timeout=60s&version=";
    this.count = count;
    this.held = new int[count];
    this.failures = new int[count];
    ExecutorService executor = Executors.newFixedThreadPool(2);
    for (int i = 0; i < (count + PER_CLIENT - 1) / PER_CLIENT; i++) {
      clients.add(
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .executor(executor)
              .connectTimeout(Duration.ofSeconds(10))
              .build());
    }
  }

  public static void main(String[] args) throws Exception {
    RelayLoadGenerator generator =
        new RelayLoadGenerator(args[0], Integer.parseInt(args[1]), args[2]);
    for (int i = 0; i < generator.count; i++) {
      generator.watch(i);
      if (i % 250 == 249) {
        Thread.sleep(50);
      }
    }
    while (generator.holding.get() < generator.count) {
      Thread.sleep(50);
    }
    System.out.println("READY");
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.split(" ");
      if (words[0].equals("report")) {
        System.out.println(generator.report(Integer.parseInt(words[1])));
      } else if (words[0].equals("peak")) {
        System.out.println("PEAK " + generator.peak(Long.parseLong(words[1])));
      }
      System.out.flush();
    }
    System.exit(0);
  }

  private void watch(int i) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + held[i])).timeout(Duration.ofSeconds(75)).build();
    perSecond
        .computeIfAbsent(Instant.now().getEpochSecond(), s -> new AtomicLong())
        .incrementAndGet();
    clients
        .get(i / PER_CLIENT)
        .sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, failure) -> {
              if (failure != null
                  || (response.statusCode() != 200 && response.statusCode() != 304)) {
                failures[i]++;
                retry.schedule(
                    () -> watch(i), backoff.delay(failures[i]).toMillis(), TimeUnit.MILLISECONDS);
                return;
              }
              failures[i] = 0;
              if (response.statusCode() == 200) {
                Matcher m = VERSION.matcher(response.body());
                if (m.find()) {
                  Instant now = Instant.now();
                  int version = Integer.parseInt(m.group(1));
                  if (held[i] == 0) {
                    holding.incrementAndGet();
                  }
                  held[i] = version;
                  received
                          .computeIfAbsent(
                              version,
                              v -> {
                                long[] times = new long[count];
                                Arrays.fill(times, Long.MAX_VALUE);
                                return times;
                              })[i] =
                      now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
                }
              }
              watch(i);
            });
  }

  private String report(int version) {
    long[] times = received.getOrDefault(version, new long[0]);
    long[] got = Arrays.stream(times).filter(t -> t != Long.MAX_VALUE).sorted().toArray();
    if (got.length == 0) {
      return "REPORT " + version + " 0 0 0 0 0";
    }
    return "REPORT "
        + version
        + " "
        + got.length
        + " "
        + got[0]
        + " "
        + got[(int) Math.floor(0.5 * (got.length - 1))]
        + " "
        + got[(int) Math.floor(0.99 * (got.length - 1))]
        + " "
        + got[got.length - 1];
  }

  private long peak(long since) {
    return perSecond.entrySet().stream()
        .filter(e -> e.getKey() >= since)
        .mapToLong(e -> e.getValue().get())
        .max()
        .orElse(0);
  }
}
