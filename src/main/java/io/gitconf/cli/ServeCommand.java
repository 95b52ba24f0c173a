package io.gitconf.cli;

import io.gitconf.core.GitconfException;
import io.gitconf.serve.Relay;
import io.gitconf.serve.Tokens;
import io.gitconf.sync.Database;
import io.gitconf.sync.HttpEndpoint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "serve",
    header = "Run the relay: the mirror over HTTP for a fleet of clients (docs/serve.md).",
    mixinStandardHelpOptions = true,
    subcommands = {ServeCommand.TokenCommand.class},
    description = {
      "Run the relay: a read-only HTTP service over the mirror, so that clients",
      "(ConfigManager.builder().server(url, token), gitconf watch --server) need no database",
      "connection. One LISTEN connection and a pool of at most 4, whatever the number of clients.",
      "Plain HTTP on loopback only, unless --tls-keystore (password from"
          + " $GITCONF_TLS_KEYSTORE_PASSWORD) or --insecure-bind. Runs until stopped."
    })
final class ServeCommand implements Callable<Integer> {
  static final String KEYSTORE_PASSWORD_VARIABLE = "GITCONF_TLS_KEYSTORE_PASSWORD";

  @Spec CommandSpec spec;
  @Mixin DatabaseOptions database;
  @Mixin VerboseOption verbose;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port to listen on, 0 for any free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      paramLabel = "ADDR",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--tokens",
      paramLabel = "FILE",
      description =
          "Token file (gitconf serve token create); without it every client reads everything.")
  Path tokens;

  @Option(
      names = "--tls-keystore",
      paramLabel = "FILE",
      description = "PKCS#12 keystore with the relay's certificate: serve HTTPS (h2 and HTTP/1.1).")
  Path keystore;

  @Option(
      names = "--insecure-bind",
      description = "Allow plain HTTP on an address that is not loopback.")
  boolean insecureBind;

  @Option(
      names = "--idle-timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "How long a connection may be silent outside a watch (default: ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Override
  public Integer call() throws InterruptedException {
    verbose.apply();
    PrintWriter out = spec.commandLine().getOut();
    Relay.Options options =
        new Relay.Options(
            bind, port, Optional.ofNullable(tokens), tls(), insecureBind, idleTimeout);
    options.check();
    try (SyncService service = new SyncService()) {
      Database db = service.own(database.open());
      Relay relay = service.relay(db, options);
      out.println("gitconf serve: " + relay.url() + " -> " + db.describe());
      out.println(
          tokens == null
              ? "No token file: every client may read every environment."
              : "Tokens: " + tokens + " (re-read when it changes)");
      out.flush();
      service.runUntilStopped();
    }
    return ExitCodes.OK;
  }

  private Optional<HttpEndpoint.Tls> tls() {
    if (keystore == null) {
      return Optional.empty();
    }
    String password = System.getenv(KEYSTORE_PASSWORD_VARIABLE);
    if (password == null) {
      throw new GitconfException.BadRequest(
          "--tls-keystore needs the keystore's password in $" + KEYSTORE_PASSWORD_VARIABLE);
    }
    return Optional.of(new HttpEndpoint.Tls(keystore, password));
  }

  @Command(
      name = "token",
      header = "Create, list and revoke the relay's bearer tokens.",
      mixinStandardHelpOptions = true,
      subcommands = {TokenCreate.class, TokenList.class, TokenRevoke.class},
      description = {
        "Create, list and revoke the relay's bearer tokens. The token file holds only their",
        "SHA-256; a running relay re-reads it when it changes."
      })
  static final class TokenCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return ExitCodes.USAGE;
    }
  }

  /** The token file option of every token command. */
  static final class TokenFile {
    @Option(
        names = "--tokens",
        required = true,
        paramLabel = "FILE",
        description = "The relay's token file (created if missing).")
    Path file;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a token for some environments and print it, once.")
  static final class TokenCreate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TokenFile tokens;

    @Option(
        names = "--env",
        required = true,
        paramLabel = "ENV",
        description = "An environment the token may read; repeat for several.")
    List<String> environments;

    @Option(
        names = "--name",
        required = true,
        description = "A name for the token (who holds it), e.g. trader-fleet.")
    String name;

    @Override
    public Integer call() {
      Tokens current = Tokens.read(tokens.file);
      Tokens.Created created = current.create(name, new TreeSet<>(environments), Instant.now());
      current.with(created).write(tokens.file);
      PrintWriter out = spec.commandLine().getOut();
      out.println(created.token());
      out.flush();
      spec.commandLine()
          .getErr()
          .println(
              "Token "
                  + name
                  + " for "
                  + String.join(", ", created.grant().environments())
                  + " recorded in "
                  + tokens.file
                  + "; it is shown this once.");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the tokens: name, environments, creation time (never the token).")
  static final class TokenList implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TokenFile tokens;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (Tokens.Grant grant : Tokens.read(tokens.file).grants()) {
        out.println(
            grant.name()
                + "  "
                + String.join(",", new TreeSet<>(grant.environments()))
                + "  "
                + grant.created());
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a token; a running relay refuses it from its next request.")
  static final class TokenRevoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TokenFile tokens;

    @Parameters(index = "0", paramLabel = "NAME", description = "The token's name.")
    String name;

    @Override
    public Integer call() {
      Tokens.read(tokens.file).without(name).write(tokens.file);
      spec.commandLine().getOut().println("Revoked " + name + ".");
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }
}
