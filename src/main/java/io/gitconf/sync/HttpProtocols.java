package io.gitconf.sync;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The protocols one connector speaks, as Jetty connection factories: HTTP/1.1 alone; HTTP/1.1 and
 * h2c (upgrade or prior knowledge); or TLS with ALPN choosing h2 or HTTP/1.1.
 */
final class HttpProtocols {
  private HttpProtocols() {}

  static ConnectionFactory[] factories(HttpConfiguration http, HttpEndpoint.Settings settings) {
    if (settings.tls().isPresent()) {
      HttpEndpoint.Tls tls = settings.tls().get();
      http.addCustomizer(new SecureRequestCustomizer(false));
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(tls.keystore().toAbsolutePath().toString());
      ssl.setKeyStoreType("PKCS12");
      ssl.setKeyStorePassword(tls.password());
      HttpConnectionFactory http1 = new HttpConnectionFactory(http);
      if (!settings.http2()) {
        return new ConnectionFactory[] {new SslConnectionFactory(ssl, http1.getProtocol()), http1};
      }
      HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
      ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
      alpn.setDefaultProtocol(http1.getProtocol());
      return new ConnectionFactory[] {
        new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, http1
      };
    }
    if (settings.http2()) {
      return new ConnectionFactory[] {
        new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http)
      };
    }
    return new ConnectionFactory[] {new HttpConnectionFactory(http)};
  }
}
