package io.gitconf.cli;

import io.gitconf.core.ChangeRequest;
import io.gitconf.core.ConfigChange;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.GitconfException;
import io.gitconf.core.SecretChanges;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.Secret;
import io.gitconf.core.crypto.SecretCipher;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(
    name = "secrets",
    mixinStandardHelpOptions = true,
    // -h and -V for every subcommand too.
    scope = ScopeType.INHERIT,
    description = {
      "Encrypted secrets: ENC[v1,<scope>,<kid>,...] values, AES-256-GCM, keys from environment variables only.",
      "GITCONF_MASTER_KEY (base64, 32 bytes) derives a key per scope; GITCONF_KEY_<SCOPE> holds one scope's key;",
      "GITCONF_MASTER_KEY_ID names the current key id (default k1); GITCONF_MASTER_KEY_<KID> holds older keys."
    },
    subcommands = {
      SecretsCommand.Keygen.class,
      SecretsCommand.Derive.class,
      SecretsCommand.Encrypt.class,
      SecretsCommand.Rotate.class,
      DiffDriverCommand.class
    })
final class SecretsCommand {
  private static final int MAX_PLAINTEXT_BYTES = 16 * 1024;

  @Command(name = "keygen", description = "Print a new random master key.")
  static final class Keygen implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println(EncryptionKeys.generateMasterKey());
      spec.commandLine().getOut().flush();
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "Keep it in your secret manager and give it to gitconf as GITCONF_MASTER_KEY, with a key"
              + " id the repository does not use yet as GITCONF_MASTER_KEY_ID (e.g. k2 when its"
              + " values are under k1); keep the old key as GITCONF_MASTER_KEY_<OLD ID> and run"
              + " gitconf secrets rotate.");
      err.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "derive",
      description =
          "Print the key of one scope, derived from GITCONF_MASTER_KEY, to hand out as GITCONF_KEY_<SCOPE>.")
  static final class Derive implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--scope",
        required = true,
        paramLabel = "SCOPE",
        description = "base or an environment.")
    String scope;

    @Override
    public Integer call() {
      String key = Keys.fromEnvironment().deriveScopedKey(scope);
      spec.commandLine().getOut().println(key);
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "encrypt",
      description = {
        "Encrypt a secret read from standard input (never from the command line) under the current key id and",
        "commit it into the overlay of the environment (or base/), keeping the rest of the file as it is."
      })
  static final class Encrypt implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ChangeOptions change;

    @Mixin EnvironmentOption env;

    @Option(
        names = "--path",
        required = true,
        paramLabel = "PATH",
        description = "A path the schema marks x-secret.")
    String path;

    /**
     * Caught here rather than by picocli, whose "Unmatched argument" error would print them: an
     * extra argument is most likely the secret itself.
     */
    @Parameters(arity = "0..*", hidden = true)
    List<String> strayArguments = List.of();

    @Override
    public Integer call() throws IOException {
      if (!strayArguments.isEmpty()) {
        throw new GitconfException.BadRequest(
            "the secret is read from standard input, never from the command line; "
                + strayArguments.size()
                + (strayArguments.size() == 1 ? " extra argument was" : " extra arguments were")
                + " given (not shown, in case it is the secret: if it was, treat it as exposed"
                + " and clear it from your shell history)");
      }
      ConfigPath configPath = ConfigPath.parse(path);
      ChangeRequest request = change.request();
      EncryptionKeys keys = Keys.fromEnvironment();
      try (Workspace workspace = change.open()) {
        // Checked before the secret is read, and again when it is written.
        SecretChanges.requireSecretPath(
            ConfigChange.head(workspace.target()), env.environment, configPath);
        String encrypted =
            SecretCipher.of(keys).encrypt(env.environment, configPath, readPlaintext(configPath));
        ConfigChange.Result result =
            ConfigChange.apply(
                workspace.target(),
                request,
                SecretChanges.encrypt(env.environment, configPath, encrypted, keys));
        String file = ConfigChange.overlayFile(env.environment, configPath.category());
        ChangeReport.text(
            spec.commandLine().getOut(),
            result,
            configPath
                + " encrypted for "
                + env.environment
                + " under key "
                + keys.currentKeyId()
                + " ("
                + file
                + ")",
            "No change: " + configPath + " in " + file + " is unchanged");
      }
      return ExitCodes.OK;
    }

    private Secret readPlaintext(ConfigPath configPath) throws IOException {
      Console console = System.console();
      if (console != null) {
        char[] typed =
            console.readPassword("Value of %s for %s (not echoed): ", configPath, env.environment);
        if (typed == null || typed.length == 0) {
          throw new GitconfException.BadRequest("no value given");
        }
        return Secret.of(typed);
      }
      InputStream in = System.in;
      byte[] bytes = in.readNBytes(MAX_PLAINTEXT_BYTES + 1);
      if (bytes.length > MAX_PLAINTEXT_BYTES) {
        throw new GitconfException.BadRequest(
            "the secret on standard input is longer than " + MAX_PLAINTEXT_BYTES + " bytes");
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      text =
          text.endsWith("\r\n")
              ? text.substring(0, text.length() - 2)
              : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
      if (text.isEmpty()) {
        throw new GitconfException.BadRequest(
            "no secret on standard input (pipe it in: printf %s \"$KEY\" | gitconf secrets encrypt ...)");
      }
      return Secret.of(text);
    }
  }

  @Command(
      name = "rotate",
      description = {
        "Re-encrypt every secret of the repository under the current key id, as one commit.",
        "Set GITCONF_MASTER_KEY_ID=NEW with its key, and keep the old key as GITCONF_MASTER_KEY_<OLD>."
      })
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ChangeOptions change;

    @Option(names = "--kid", required = true, paramLabel = "KID", description = "The new key id.")
    String kid;

    @Override
    public Integer call() {
      ChangeRequest request = change.request();
      SecretChanges.Rotation rotation = SecretChanges.rotate(Keys.fromEnvironment(), kid);
      try (Workspace workspace = change.open()) {
        ConfigChange.Result result = ConfigChange.apply(workspace.target(), request, rotation);
        ChangeReport.text(
            spec.commandLine().getOut(),
            result,
            ChangeReport.count(rotation.count(), "secret")
                + " re-encrypted under key "
                + kid
                + " in "
                + ChangeReport.count(result.files().size(), "file"),
            "Nothing to rotate: every secret is already under key " + kid);
      }
      return ExitCodes.OK;
    }
  }
}
