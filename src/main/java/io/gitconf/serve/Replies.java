package io.gitconf.serve;

import io.gitconf.core.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * How the relay answers: a version document, a release document, 304, or a JSON error with its
 * reason. Stateless.
 */
final class Replies {
  static final String JSON = "application/json";

  private Replies() {}

  /** The version document, with its entity tag; completes {@code callback} once written. */
  static void version(Response response, Callback callback, Published version) {
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().add(version.headers());
    response.write(true, version.body(), callback);
  }

  /** The release document of {@code view}, with its tag as entity tag, not to be cached. */
  static void release(Response response, Callback callback, ReleaseView view) {
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put(HttpHeader.ETAG, view.tag());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, view.bytes().length);
    response.write(true, ByteBuffer.wrap(view.bytes()).asReadOnlyBuffer(), callback);
  }

  /** 304: the client's version is (still) the one to hold. */
  static void notModified(Response response, Callback callback, String etag) {
    response.setStatus(HttpStatus.NOT_MODIFIED_304);
    if (etag != null) {
      response.getHeaders().put(HttpHeader.ETAG, etag);
    }
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    callback.succeeded();
  }

  /** {@code {"error":reason,"status":status}}. */
  static void error(Response response, Callback callback, int status, String reason) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    if (status == HttpStatus.UNAUTHORIZED_401) {
      response
          .getHeaders()
          .put(new HttpField(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"gitconf\""));
    }
    byte[] body =
        (Json.canonical(Json.MAPPER.createObjectNode().put("error", reason).put("status", status))
                + "\n")
            .getBytes(StandardCharsets.UTF_8);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
