/**
 * The client library that trading components embed: typed, validated configuration of one
 * environment, served from an immutable snapshot and hot-reloaded from the PostgreSQL mirror, a
 * relay ({@code gitconf serve}), a working directory or a Git remote.
 *
 * <p>The API is these types, and nothing else in the package:
 *
 * <ul>
 *   <li>{@link io.gitconf.client.ConfigManager} and its {@link
 *       io.gitconf.client.ConfigManager.Builder Builder}: start a client, read values and typed
 *       records, subscribe to changes, change a value as a Git commit, close it;
 *   <li>{@link io.gitconf.client.ClientSnapshot}: one version's values, to read several of them
 *       consistently; {@link io.gitconf.client.ClientSnapshot#bindingCheck()} is the check the
 *       syncer runs so that it never activates a version a client cannot bind;
 *   <li>{@link io.gitconf.client.ConfigChangeEvent} (with its nested event records) and {@link
 *       io.gitconf.client.ConfigSubscription}: what subscribers are told, and a subscriber's own
 *       queue;
 *   <li>the trading records {@link io.gitconf.client.TraderConfig}, {@link
 *       io.gitconf.client.RiskParameters}, {@link io.gitconf.client.MevProtection}, {@link
 *       io.gitconf.client.TokenConfig}, {@link io.gitconf.client.MonitoringConfig} and {@link
 *       io.gitconf.client.CircuitBreakerConfig}.
 * </ul>
 *
 * <p>They use, from {@code io.gitconf.core}: {@link io.gitconf.core.GitconfException} (every
 * failure), {@link io.gitconf.core.crypto.EncryptionKeys} and {@link io.gitconf.core.crypto.Secret}
 * (secrets), {@link io.gitconf.core.ChangeRateLimit} and {@link io.gitconf.core.SnapshotCheck}.
 * Everything else here is package-private: sources, the reload state machine, delivery, the
 * last-known-good cache.
 */
package io.gitconf.client;
