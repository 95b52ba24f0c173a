package io.gitconf.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import io.gitconf.mirror.VersionRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;

/**
 * One version of an environment as the relay sends it: the JSON document of {@code docs/serve.md}
 * (version, commit, checksum, items as stored, secrets as their ciphertext), serialized once when
 * the version is read and then sent as the same bytes to every client, with a strong {@code ETag}.
 *
 * <p>Immutable; {@link #body()} hands out read-only views of one array.
 */
record Published(
    String environment,
    int version,
    String commit,
    String checksum,
    byte[] bytes,
    HttpFields headers) {
  private static final HttpField CONTENT_TYPE =
      new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, Replies.JSON);
  private static final HttpField NO_CACHE =
      new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-cache");

  /** The document of {@code row}'s version with {@code items} (canonical JSON by path). */
  static Published of(VersionRecord row, Map<String, String> items) {
    String checksum = row.checksum().orElse("");
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + items.size() * 64);
    try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("environment", row.environment());
      json.writeNumberField("version", row.version());
      json.writeStringField("commit", row.commitId());
      json.writeStringField("checksum", checksum);
      json.writeStringField("committedAt", row.committedAt().toString());
      json.writeStringField("author", row.authorName());
      json.writeObjectFieldStart("items");
      for (Map.Entry<String, String> item : items.entrySet()) {
        json.writeFieldName(item.getKey());
        // Stored as canonical JSON text: sent exactly as stored, so the client's checksum is the
        // mirror's.
        json.writeRawValue(item.getValue());
      }
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new GitconfException.Integrity(
          "relay: cannot write version " + row.version() + " of " + row.environment(), e);
    }
    out.write('\n');
    byte[] bytes = out.toByteArray();
    // Encoded once per version too: every watcher gets the same header bytes.
    HttpFields headers =
        HttpFields.build()
            .add(CONTENT_TYPE)
            .add(NO_CACHE)
            .add(new PreEncodedHttpField(HttpHeader.ETAG, etag(row.version(), checksum)))
            .add(new PreEncodedHttpField(HttpHeader.CONTENT_LENGTH, Integer.toString(bytes.length)))
            .asImmutable();
    return new Published(
        row.environment(), row.version(), row.commitId(), checksum, bytes, headers);
  }

  /** The strong entity tag of this version: its number and checksum, quoted. */
  String etag() {
    return etag(version, checksum);
  }

  static String etag(int version, String checksum) {
    return "\"v" + version + "-" + checksum + "\"";
  }

  /** True when {@code row} names this same version (number and checksum). */
  boolean sameAs(VersionRecord row) {
    return row.version() == version && row.checksum().orElse("").equals(checksum);
  }

  /** The document, a read-only view of the one array. */
  ByteBuffer body() {
    return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
  }

  /** What an event stream says of this version: everything but the items. */
  String event() {
    return Json.canonical(
        Json.MAPPER
            .createObjectNode()
            .put("environment", environment)
            .put("version", version)
            .put("commit", commit)
            .put("checksum", checksum));
  }

  @Override
  public String toString() {
    return environment + " version " + version + " (" + bytes.length + " bytes)";
  }

  /** The document as text (tests and messages). */
  String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
