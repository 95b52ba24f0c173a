package io.gitconf.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import io.gitconf.mirror.InstanceReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /v1/environments/{env}/reports}: instance reports sent to the relay, checked, and
 * handed to the {@link ReportBatcher} (202). The body is {@code {"reports": [ ... ]}}, each report
 * as {@code docs/serve.md} describes it; a body over {@link #MAX_BODY} bytes or without a length is
 * refused before it is read, and a malformed one is refused whole (400) with the first problem, its
 * index and field. Stateless.
 */
final class ReportRequests {
  /** The largest body accepted. */
  static final int MAX_BODY = 64 * 1024;

  /** The most reports in one request. */
  static final int MAX_REPORTS = 100;

  private static final int MAX_TEXT = 1_000;

  private ReportRequests() {}

  static void accept(
      String environment,
      Request request,
      Response response,
      Callback callback,
      ReportBatcher batcher) {
    long length = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    if (length < 0) {
      Replies.error(
          response, callback, HttpStatus.LENGTH_REQUIRED_411, "reports need a Content-Length");
      return;
    }
    if (length > MAX_BODY) {
      Replies.error(
          response,
          callback,
          HttpStatus.PAYLOAD_TOO_LARGE_413,
          "reports of " + length + " bytes; at most " + MAX_BODY + " in one request");
      return;
    }
    List<InstanceReport> reports;
    try {
      String body = Content.Source.asString(request, StandardCharsets.UTF_8);
      reports = parse(environment, body);
    } catch (IOException e) {
      Replies.error(
          response, callback, HttpStatus.BAD_REQUEST_400, "cannot read the reports: " + e);
      return;
    } catch (IllegalArgumentException | GitconfException e) {
      Replies.error(response, callback, HttpStatus.BAD_REQUEST_400, e.getMessage());
      return;
    }
    batcher.offer(reports);
    response.setStatus(HttpStatus.ACCEPTED_202);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Replies.JSON);
    Content.Sink.write(
        response,
        true,
        Json.canonical(Json.MAPPER.createObjectNode().put("accepted", reports.size())) + "\n",
        callback);
  }

  /**
   * The reports of {@code body} for {@code environment}.
   *
   * @throws IllegalArgumentException naming the first problem
   */
  static List<InstanceReport> parse(String environment, String body) {
    JsonNode json = Json.parse("reports", body);
    JsonNode list = json.path("reports");
    if (!list.isArray()) {
      throw new IllegalArgumentException("reports: the body is {\"reports\": [...]}");
    }
    if (list.size() > MAX_REPORTS) {
      throw new IllegalArgumentException(
          "reports: " + list.size() + " reports; at most " + MAX_REPORTS + " in one request");
    }
    List<InstanceReport> reports = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      reports.add(report(environment, list.get(i), "reports[" + i + "]"));
    }
    return reports;
  }

  private static InstanceReport report(String environment, JsonNode node, String at) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(at + ": not an object");
    }
    JsonNode env = node.path("environment");
    if (!env.isMissingNode() && !env.asText().equals(environment)) {
      throw new IllegalArgumentException(
          at + ".environment: " + env.asText() + ", sent to environment " + environment);
    }
    String instanceId = text(node, "instanceId", at).orElse("");
    if (instanceId.isBlank()) {
      throw new IllegalArgumentException(at + ".instanceId: missing");
    }
    JsonNode version = node.path("version");
    if (!version.canConvertToInt() || !version.isIntegralNumber() || version.asInt() < 1) {
      throw new IllegalArgumentException(at + ".version: a positive integer");
    }
    String stateText = text(node, "state", at).orElse("");
    InstanceReport.State state;
    try {
      state = InstanceReport.State.valueOf(stateText.replace('-', '_').toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          at + ".state: applied, failed or restart-required, not '" + stateText + "'");
    }
    JsonNode healthy = node.path("healthy");
    if (!healthy.isMissingNode() && !healthy.isBoolean()) {
      throw new IllegalArgumentException(at + ".healthy: true or false");
    }
    Map<String, String> labels = new TreeMap<>();
    JsonNode given = node.path("labels");
    if (!given.isMissingNode()) {
      if (!given.isObject()) {
        throw new IllegalArgumentException(at + ".labels: an object of strings");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = given.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> label = it.next();
        if (!label.getValue().isTextual()) {
          throw new IllegalArgumentException(at + ".labels." + label.getKey() + ": a string");
        }
        labels.put(label.getKey(), label.getValue().asText());
      }
    }
    return new InstanceReport(
        environment,
        instanceId,
        labels,
        version.asInt(),
        state,
        text(node, "reason", at),
        healthy.isMissingNode() || healthy.asBoolean(),
        text(node, "healthReason", at),
        Instant.EPOCH);
  }

  private static Optional<String> text(JsonNode node, String field, String at) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException(at + "." + field + ": a string");
    }
    if (value.asText().length() > MAX_TEXT) {
      throw new IllegalArgumentException(
          at + "." + field + ": longer than " + MAX_TEXT + " characters");
    }
    return Optional.of(value.asText());
  }
}
