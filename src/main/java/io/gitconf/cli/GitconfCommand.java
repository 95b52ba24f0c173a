package io.gitconf.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "gitconf",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "GitOps configuration: YAML in Git, validated by JSON Schema, mirrored into PostgreSQL.",
    subcommands = {
      InitCommand.class,
      ValidateCommand.class,
      GetCommand.class,
      ExplainCommand.class,
      ExportCommand.class,
      SetCommand.class,
      ImportCommand.class,
      DiffCommand.class,
      SecretsCommand.class,
      UpCommand.class,
      SyncCommand.class,
      ServeCommand.class,
      HistoryCommand.class,
      WatchCommand.class,
      StatusCommand.class,
      VerifyCommand.class,
      RebuildCommand.class,
      RollbackCommand.class,
      UnpinCommand.class,
      ReleaseCommand.class,
      BackupCommand.Backup.class,
      BackupCommand.Restore.class,
      TemplateCommand.class,
      HooksCommand.class,
      CompletionCommand.class,
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:validation or an integrity check failed",
      "2:bad usage",
      "3:a dependency (Git remote, database, key) is unavailable",
      "4:the repository or the mirror moved under the change (a diverged clone, a concurrent change)"
    })
final class GitconfCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is required");
  }
}
