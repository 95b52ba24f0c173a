package io.gitconf;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package arrows of the design go one way: cli -> sync, client -> core. */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.gitconf");

  @Test
  void coreDependsOnNoOtherGitconfPackage() {
    noClasses()
        .that()
        .resideInAPackage("io.gitconf.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.gitconf.client..", "io.gitconf.sync..", "io.gitconf.cli..")
        .check(CLASSES);
  }

  @Test
  void coreUsesNoDatabaseOrFileWatcher() {
    noClasses()
        .that()
        .resideInAPackage("io.gitconf.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.sql..", "com.zaxxer..", "org.flywaydb..", "io.methvin..", "picocli..")
        .check(CLASSES);
  }

  @Test
  void clientDependsOnNeitherSyncNorCli() {
    noClasses()
        .that()
        .resideInAPackage("io.gitconf.client..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.gitconf.sync..", "io.gitconf.cli..")
        .allowEmptyShould(true)
        .check(CLASSES);
  }

  @Test
  void syncDependsOnNeitherClientNorCli() {
    noClasses()
        .that()
        .resideInAPackage("io.gitconf.sync..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.gitconf.client..", "io.gitconf.cli..")
        .allowEmptyShould(true)
        .check(CLASSES);
  }
}
