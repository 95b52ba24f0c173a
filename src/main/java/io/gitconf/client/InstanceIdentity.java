package io.gitconf.client;

import io.gitconf.core.GitconfException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who a client is in a release: a stable instance id (the bucket of a release is drawn from it, so
 * a restarted instance lands in the same cohort) and optional labels shown with its reports.
 * Immutable.
 */
record InstanceIdentity(String id, Map<String, String> labels) {
  /** The environment variable an instance id is read from when the builder gives none. */
  static final String VARIABLE = "GITCONF_INSTANCE_ID";

  InstanceIdentity {
    if (id.isBlank() || id.length() > 200) {
      throw new GitconfException.BadRequest(
          "an instance id is 1 to 200 characters, not '" + id + "'");
    }
    labels = Map.copyOf(new TreeMap<>(labels));
  }

  /**
   * The builder's id, else {@code GITCONF_INSTANCE_ID}, else the host name and the application's
   * name ({@code host-17/trader}).
   */
  static InstanceIdentity resolve(
      Optional<String> given,
      Map<String, String> environment,
      String applicationName,
      Map<String, String> labels) {
    if (given.isPresent()) {
      return new InstanceIdentity(given.get(), labels);
    }
    String variable = environment.get(VARIABLE);
    if (variable != null && !variable.isBlank()) {
      return new InstanceIdentity(variable.strip(), labels);
    }
    return new InstanceIdentity(hostName() + "/" + applicationName, labels);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
    }
  }
}
