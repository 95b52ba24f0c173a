/**
 * The relay, {@code gitconf serve}: an HTTP service over the mirror for a fleet of clients, so that
 * PostgreSQL connections do not grow with the fleet. It reads, but for the instance reports of
 * releases, which it writes in batches. The protocol is {@code docs/serve.md}.
 *
 * <p>The API is {@link io.gitconf.serve.Relay} (started by the command line, with its {@link
 * io.gitconf.serve.Relay.Options Options} and {@link io.gitconf.serve.ListenConnections}) and
 * {@link io.gitconf.serve.Tokens} (the token file). Everything else is package-private: the feed
 * that follows the mirror, the waiting watchers, the endpoints, the token gate and the metrics. It
 * reads the mirror only through {@code io.gitconf.mirror} and serves HTTP through the syncer's one
 * Jetty setup, {@link io.gitconf.sync.HttpEndpoint}.
 */
package io.gitconf.serve;
