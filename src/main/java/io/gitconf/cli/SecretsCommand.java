package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.gitconf.core.ConfigChange;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.GitconfException;
import io.gitconf.core.OverlayEditor;
import io.gitconf.core.RepoTree;
import io.gitconf.core.crypto.EncryptedValue;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.Secret;
import io.gitconf.core.crypto.SecretCipher;
import io.gitconf.core.crypto.SecretRules;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "secrets",
    mixinStandardHelpOptions = true,
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

  @Command(
      name = "keygen",
      mixinStandardHelpOptions = true,
      description = "Print a new random master key.")
  static final class Keygen implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println(EncryptionKeys.generateMasterKey());
      spec.commandLine().getOut().flush();
      PrintWriter err = spec.commandLine().getErr();
      err.println("Keep it in your secret manager and give it to gitconf as GITCONF_MASTER_KEY.");
      err.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "derive",
      mixinStandardHelpOptions = true,
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
      mixinStandardHelpOptions = true,
      description = {
        "Encrypt a secret read from standard input (never from the command line) and write it into the",
        "overlay of the environment (or base/), keeping the rest of the file as it is. Commit it yourself."
      })
  static final class Encrypt implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--repo",
        paramLabel = "DIR",
        defaultValue = ".",
        description = "Config repository (default: .).")
    Path repo;

    @Option(
        names = "--env",
        required = true,
        paramLabel = "ENV",
        description = "Environment, or base for base/.")
    String environment;

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
      ConfigRepository repository = ConfigRepository.load(RepoTree.directory(repo));
      if (!environment.equals("base")) {
        repository.requireManifest().requireEnvironment(environment);
      }
      if (!repository.schemas().isSecret(configPath)) {
        throw new GitconfException.BadRequest(
            configPath + " is not marked x-secret in its schema; only secret paths are encrypted");
      }
      EncryptionKeys keys = Keys.fromEnvironment();
      Secret plaintext = readPlaintext(configPath);
      String encrypted = SecretCipher.of(keys).encrypt(environment, configPath, plaintext);
      String file = ConfigChange.overlayFile(environment, configPath.category());
      Path target = repo.resolve(file);
      String text = Files.exists(target) ? Files.readString(target) : "";
      List<String> keysInFile = configPath.segments().subList(1, configPath.depth());
      String edited = OverlayEditor.set(file, text, keysInFile, TextNode.valueOf(encrypted));
      Files.createDirectories(target.getParent());
      Files.writeString(target, edited, StandardCharsets.UTF_8);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "Encrypted "
              + configPath
              + " for "
              + environment
              + " (key "
              + keys.currentKeyId()
              + ") into "
              + file);
      out.println("Review with git diff, then commit.");
      out.flush();
      return ExitCodes.OK;
    }

    private Secret readPlaintext(ConfigPath configPath) throws IOException {
      Console console = System.console();
      if (console != null) {
        char[] typed =
            console.readPassword("Value of %s for %s (not echoed): ", configPath, environment);
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
      mixinStandardHelpOptions = true,
      description = {
        "Re-encrypt every secret of the repository under the current key id, as one commit.",
        "Set GITCONF_MASTER_KEY_ID=NEW with its key, and keep the old key as GITCONF_MASTER_KEY_<OLD>."
      })
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--repo",
        paramLabel = "DIR",
        defaultValue = ".",
        description = "Config repository (default: .).")
    Path repo;

    @Option(names = "--kid", required = true, paramLabel = "KID", description = "The new key id.")
    String kid;

    @Option(
        names = "--author",
        paramLabel = "NAME <EMAIL>",
        description = "Author of the commit (default: user.name and user.email of the Git config).")
    String author;

    @Override
    public Integer call() throws IOException, GitAPIException {
      PersonIdent explicitAuthor = author == null ? null : Authors.parse(author);
      EncryptionKeys keys = Keys.fromEnvironment();
      if (!keys.currentKeyId().equals(kid)) {
        throw new GitconfException.BadRequest(
            "the current key id is "
                + keys.currentKeyId()
                + ", not "
                + kid
                + ": set "
                + EncryptionKeys.MASTER_KEY_ID
                + "="
                + kid
                + " and provide that key, keeping the old one as GITCONF_MASTER_KEY_<OLD>");
      }
      try (Git git = Git.open(repo.toFile())) {
        requireNoUncommittedChanges(git);
      }
      SecretCipher cipher = SecretCipher.of(keys);
      Map<String, String> rewritten = new LinkedHashMap<>();
      int count = 0;
      for (String file : RepoTree.directory(repo).files()) {
        if (!(file.startsWith("base/") || file.startsWith("environments/"))
            || !file.endsWith(".yaml")) {
          continue;
        }
        String text = Files.readString(repo.resolve(file));
        String scope = SecretRules.scopeOf(file).orElseThrow();
        String category =
            file.substring(file.lastIndexOf('/') + 1, file.length() - ".yaml".length());
        String updated = text;
        for (Map.Entry<String, JsonNode> leaf : OverlayEditor.leaves(file, text).entrySet()) {
          String value = leaf.getValue().asText();
          if (!leaf.getValue().isTextual()
              || !EncryptedValue.isEncrypted(value)
              || EncryptedValue.parse(value).keyId().equals(kid)) {
            continue;
          }
          ConfigPath path = ConfigPath.parse(category + "." + leaf.getKey());
          String fresh = cipher.encrypt(scope, path, cipher.decrypt(path, scope, value));
          updated = updated.replace(value, fresh);
          count++;
        }
        if (!updated.equals(text)) {
          rewritten.put(file, updated);
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (rewritten.isEmpty()) {
        out.println("Nothing to rotate: every secret is already under key " + kid);
        out.flush();
        return ExitCodes.OK;
      }
      // Every value decrypted before anything is written: a missing old key changes nothing.
      for (Map.Entry<String, String> file : rewritten.entrySet()) {
        Files.writeString(repo.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
      }
      try (Git git = Git.open(repo.toFile())) {
        PersonIdent ident =
            explicitAuthor != null ? explicitAuthor : new PersonIdent(git.getRepository());
        for (String file : rewritten.keySet()) {
          git.add().addFilepattern(file).call();
        }
        String message =
            "Rotate " + count + (count == 1 ? " secret" : " secrets") + " to key " + kid;
        git.commit().setAuthor(ident).setCommitter(ident).setMessage(message).setSign(false).call();
        out.println(
            message + " in " + rewritten.size() + (rewritten.size() == 1 ? " file" : " files"));
      }
      out.flush();
      return ExitCodes.OK;
    }

    /**
     * The rotation commit must hold re-encrypted secrets only: an edit waiting in the working tree
     * or the index would otherwise be committed under the rotation's message, unreviewed.
     */
    private static void requireNoUncommittedChanges(Git git) throws GitAPIException {
      Status status = git.status().call();
      Set<String> files = new TreeSet<>(status.getUncommittedChanges());
      status.getUntracked().stream()
          .filter(f -> f.startsWith("base/") || f.startsWith("environments/"))
          .forEach(files::add);
      if (!files.isEmpty()) {
        throw new GitconfException.BadRequest(
            "uncommitted changes in "
                + String.join(", ", files)
                + ": commit or stash them first, so that the rotation commit holds only"
                + " re-encrypted secrets");
      }
    }
  }
}
