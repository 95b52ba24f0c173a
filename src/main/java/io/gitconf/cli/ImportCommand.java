package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigChange;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.OverlayEditor;
import io.gitconf.core.Problem;
import io.gitconf.core.RepoTree;
import io.gitconf.core.SecretMask;
import io.gitconf.core.crypto.EncryptedValue;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "import",
    header = "Apply a file of values to an environment as one validated Git commit.",
    mixinStandardHelpOptions = true,
    description = {
      "Apply a file of values (YAML or JSON, categories at the top, as gitconf export writes it) to an",
      "environment as one validated commit: every value that differs is written into the environment's overlay.",
      "Values absent from the file are left as they are; masked secrets (****) are skipped. A file that fails",
      "validation changes nothing."
    })
final class ImportCommand implements Callable<Integer> {
  @Mixin ChangeOptions change;
  @Mixin OutputOption output;

  @Parameters(index = "0", paramLabel = "FILE", description = "YAML or JSON file to import.")
  Path file;

  @Option(
      names = {"--env", "-e"},
      required = true,
      paramLabel = "ENV",
      description = "Environment to change.")
  String environment;

  @Override
  public Integer call() throws IOException, GitAPIException {
    try (Workspace workspace = change.open()) {
      return apply(workspace);
    }
  }

  private int apply(Workspace workspace) throws IOException, GitAPIException {
    ConfigRepository before = ConfigRepository.load(RepoTree.directory(workspace.dir()));
    ConfigSnapshot current = before.snapshot(environment);
    SortedMap<String, JsonNode> incoming = read(file);
    Map<String, String> edited = new LinkedHashMap<>();
    int changed = 0;
    int skippedSecrets = 0;
    for (Map.Entry<String, JsonNode> leaf : incoming.entrySet()) {
      ConfigPath path = ConfigPath.parse(leaf.getKey());
      JsonNode value = leaf.getValue();
      if (!before.requireManifest().categories().containsKey(path.category())) {
        throw new GitconfException.BadRequest(
            file + ": unknown category '" + path.category() + "'");
      }
      boolean masked = value.isTextual() && value.asText().equals(SecretMask.MASK);
      if (masked || current.get(path).map(value::equals).orElse(false)) {
        continue;
      }
      // A ciphertext is bound to its scope: one exported from another environment cannot be written
      // here.
      if (value.isTextual()
          && EncryptedValue.isEncrypted(value.asText())
          && !EncryptedValue.parse(value.asText()).scope().equals(environment)) {
        skippedSecrets++;
        continue;
      }
      String overlay = ConfigChange.overlayFile(environment, path.category());
      String text =
          edited.containsKey(overlay)
              ? edited.get(overlay)
              : readIfExists(workspace.dir().resolve(overlay));
      edited.put(
          overlay,
          OverlayEditor.set(overlay, text, path.segments().subList(1, path.depth()), value));
      changed++;
    }
    ObjectNode json = OutputOption.object();
    json.put("environment", environment);
    json.put("file", file.toString());
    json.put("skippedSecrets", skippedSecrets);
    PrintWriter out = output.progress();
    if (skippedSecrets > 0) {
      out.println(
          "Skipped "
              + skippedSecrets
              + (skippedSecrets == 1 ? " secret" : " secrets")
              + " encrypted for another environment; set them with gitconf secrets encrypt --env "
              + environment);
      out.flush();
    }
    if (edited.isEmpty()) {
      if (output.json()) {
        output.print(json.put("changed", false));
        return ExitCodes.OK;
      }
      out.println("No change: " + environment + " already has every value of " + file);
      out.flush();
      return ExitCodes.OK;
    }
    Map<String, byte[]> changes = new LinkedHashMap<>();
    edited.forEach((path, text) -> changes.put(path, text.getBytes(StandardCharsets.UTF_8)));
    ConfigRepository after =
        ConfigRepository.load(RepoTree.directory(workspace.dir()).with(changes));
    List<Problem> errors = after.validate().stream().filter(Problem::isError).toList();
    if (!errors.isEmpty()) {
      throw new GitconfException.ValidationFailed(file + " applied to " + environment, errors);
    }
    PersonIdent author = change.author();
    Git git = workspace.git();
    var commit =
        git.commit()
            .setAuthor(author)
            .setCommitter(author)
            .setMessage(change.reason)
            .setSign(false);
    for (Map.Entry<String, String> overlay : edited.entrySet()) {
      Path target = workspace.dir().resolve(overlay.getKey());
      Files.createDirectories(target.getParent());
      Files.writeString(target, overlay.getValue(), StandardCharsets.UTF_8);
      String gitPath = workspace.gitPath(overlay.getKey());
      git.add().addFilepattern(gitPath).call();
      commit.setOnly(gitPath);
    }
    RevCommit made = commit.call();
    if (output.json()) {
      json.put("changed", true).put("commit", made.name()).put("values", changed);
      edited.keySet().forEach(json.putArray("files")::add);
      workspace.publish(out);
      out.flush();
      output.print(json.put("pushed", change.pushes()));
      return ExitCodes.OK;
    }
    out.println(
        "Committed "
            + made.abbreviate(8).name()
            + ": "
            + changed
            + (changed == 1 ? " value" : " values")
            + " in "
            + edited.size()
            + (edited.size() == 1 ? " file" : " files")
            + " of "
            + environment);
    workspace.publish(out);
    out.flush();
    return ExitCodes.OK;
  }

  private static String readIfExists(Path path) throws IOException {
    return Files.exists(path) ? Files.readString(path) : "";
  }

  /**
   * Every leaf of the file by full path. JSON is read as YAML flow syntax, so both formats get the
   * same strict reading as config files (bounded size and aliases, no duplicate keys).
   */
  private static SortedMap<String, JsonNode> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new GitconfException.BadRequest(file + ": no such file");
    }
    try {
      return OverlayEditor.leaves(file.toString(), Files.readString(file));
    } catch (GitconfException.Parse e) {
      throw new GitconfException.ValidationFailed(file.toString(), List.of(e.problem()));
    }
  }
}
