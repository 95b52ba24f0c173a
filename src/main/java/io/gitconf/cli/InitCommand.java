package io.gitconf.cli;

import io.gitconf.core.GitconfException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description =
        "Create a new config repository (a Git repository with a first commit) from a template.")
final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "DIR",
      description = "Directory to create; must not exist or be empty.")
  Path directory;

  @Option(
      names = "--template",
      defaultValue = Templates.DEFAULT,
      description = "Template (default: ${DEFAULT-VALUE}).")
  String template;

  @Option(
      names = "--author",
      paramLabel = "NAME <EMAIL>",
      description = "Author of the first commit (default: gitconf).")
  String author;

  @Option(
      names = "--branch",
      defaultValue = "main",
      description = "Initial branch (default: ${DEFAULT-VALUE}).")
  String branch;

  @Override
  public Integer call() throws IOException, GitAPIException {
    Templates.checked(template);
    if (Files.exists(directory) && !isEmptyDirectory(directory)) {
      throw new GitconfException.BadRequest(directory + ": exists and is not empty");
    }
    Files.createDirectories(directory);
    List<String> files = Templates.copy(template, directory);
    PersonIdent ident = Authors.parse(author);
    try (Git git = Git.init().setDirectory(directory.toFile()).setInitialBranch(branch).call()) {
      git.add().addFilepattern(".").call();
      RevCommit commit =
          git.commit()
              .setAuthor(ident)
              .setCommitter(ident)
              .setMessage("Initial configuration from the " + template + " template")
              .setSign(false)
              .call();
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "Created "
              + directory
              + " ("
              + files.size()
              + " files, commit "
              + commit.abbreviate(8).name()
              + " on "
              + branch
              + ")");
      out.println(
          "Next: gitconf validate --repo "
              + directory
              + "   and   gitconf hooks install --repo "
              + directory);
      out.flush();
    }
    return ExitCodes.OK;
  }

  private static boolean isEmptyDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
