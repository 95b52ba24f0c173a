package io.gitconf.cli;

import io.gitconf.core.GitconfException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(
    name = "hooks",
    mixinStandardHelpOptions = true,
    // -h and -V for every subcommand too.
    scope = ScopeType.INHERIT,
    description = "Manage Git hooks of a config repository.",
    subcommands = {HooksCommand.Install.class})
final class HooksCommand {

  @Command(
      name = "install",
      description = {
        "Install the pre-commit hook, which runs 'gitconf validate --staged' and blocks a commit that fails.",
        "The hook runs this gitconf (its jar path is written into the hook); GITCONF overrides it."
      })
  static final class Install implements Callable<Integer> {
    /** A line of every hook gitconf writes, so installing again replaces its own hook. */
    static final String MARKER = "# gitconf pre-commit hook";

    private static final String DEFAULT_COMMAND = "gitconf_installed() { gitconf \"$@\"; }";
    private static final String DEFAULT_FOLDER = "config_folder=.";

    @Spec CommandSpec spec;
    @Mixin RepoDirectory repo;

    @Option(
        names = "--force",
        description = "Replace an existing pre-commit hook that gitconf did not write.")
    boolean force;

    @Override
    public Integer call() throws IOException {
      try (Repository git = RepoOptions.openGit(repo.path())) {
        Path hooks = git.getDirectory().toPath().resolve("hooks");
        Files.createDirectories(hooks);
        Path hook = hooks.resolve("pre-commit");
        if (Files.exists(hook) && !force && !Files.readString(hook).contains(MARKER)) {
          throw new GitconfException.BadRequest(
              hook + " exists and was not written by gitconf; use --force to replace it");
        }
        Files.writeString(hook, script(folderInWorkTree(git)), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        installDiffDriver(git);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Installed " + hook);
        out.println(
            "Installed the secrets diff driver: git diff shows ENC[...] values as **** (changed|unchanged)");
        out.flush();
      }
      return ExitCodes.OK;
    }

    /**
     * Makes {@code git diff} (external driver) and {@code git log -p} (textconv) mask secrets in
     * YAML files. Both settings are local to this clone: {@code .git/info/attributes} and {@code
     * .git/config}.
     */
    static void installDiffDriver(Repository git) throws IOException {
      Path attributes = git.getDirectory().toPath().resolve("info/attributes");
      Files.createDirectories(attributes.getParent());
      String line = "*.yaml diff=gitconf";
      String existing = Files.exists(attributes) ? Files.readString(attributes) : "";
      if (!existing.lines().anyMatch(line::equals)) {
        Files.writeString(
            attributes,
            existing + (existing.isEmpty() || existing.endsWith("\n") ? "" : "\n") + line + "\n");
      }
      StoredConfig config = git.getConfig();
      config.setString("diff", "gitconf", "command", launcher() + " secrets diff-driver");
      config.setString(
          "diff", "gitconf", "textconv", launcher() + " secrets diff-driver --textconv");
      config.save();
    }

    /**
     * Where {@code --repo} lies in the work tree, so a config repository kept in a folder of a
     * larger Git repository is validated as that folder.
     */
    private String folderInWorkTree(Repository git) {
      String folder = RepoOptions.folderInWorkTree(git, repo.path());
      return folder.isEmpty() ? "." : folder;
    }

    /** The shipped hook, with the command that runs this gitconf and the folder filled in. */
    static String script(String folder) throws IOException {
      try (InputStream in = HooksCommand.class.getResourceAsStream("/gitconf/hooks/pre-commit")) {
        if (in == null) {
          throw new IllegalStateException("the pre-commit hook is missing from the gitconf jar");
        }
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (!text.contains(DEFAULT_COMMAND) || !text.contains(DEFAULT_FOLDER)) {
          throw new IllegalStateException("the pre-commit hook in the gitconf jar has no defaults");
        }
        return text.replace(DEFAULT_COMMAND, "gitconf_installed() { " + launcher() + " \"$@\"; }")
            .replace(DEFAULT_FOLDER, "config_folder=" + shellQuote(folder));
      }
    }

    /**
     * How to run this gitconf again, as a shell command line: {@code '/jdk/bin/java' -jar
     * '/path/gitconf.jar'}, or {@code gitconf} when not from a jar. Quoted, because hooks and git's
     * diff driver run it through {@code sh} and paths may hold spaces.
     */
    static String launcher() {
      try {
        Path location =
            Path.of(HooksCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (location.toString().endsWith(".jar")) {
          String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
          return shellQuote(java) + " -jar " + shellQuote(location.toString());
        }
      } catch (java.net.URISyntaxException | SecurityException e) {
        // fall through to the command on PATH
      }
      return "gitconf";
    }

    /** A single-quoted shell word: nothing inside is expanded. */
    static String shellQuote(String word) {
      return "'" + word.replace("'", "'\\''") + "'";
    }
  }
}
