package io.gitconf;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package arrows of the design go one way: cli uses everything; client and sync use mirror and
 * core; serve (the relay) uses mirror, core and the syncer's HTTP setup; mirror (the read side of
 * the database both share) uses core and JDBC; core uses nothing of gitconf.
 */
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
        .resideInAnyPackage(
            "io.gitconf.client..", "io.gitconf.sync..", "io.gitconf.cli..", "io.gitconf.mirror..")
        .check(CLASSES);
  }

  @Test
  void mirrorUsesOnlyCoreAndJdbc() {
    classes()
        .that()
        .resideInAPackage("io.gitconf.mirror..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "io.gitconf.mirror..",
            "io.gitconf.core..",
            "java..",
            "javax.sql..",
            // core's values (snapshots, JSON) are Jackson trees
            "com.fasterxml.jackson..")
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
  void theIntegrationsUseOnlyTheClientsPublicSide() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.gitconf.spring..", "io.gitconf.microprofile..", "io.gitconf.metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.gitconf.sync..", "io.gitconf.cli..", "io.gitconf.mirror..")
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

  @Test
  void serveDependsOnNeitherClientNorCli() {
    noClasses()
        .that()
        .resideInAPackage("io.gitconf.serve..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.gitconf.client..", "io.gitconf.cli..")
        .allowEmptyShould(true)
        .check(CLASSES);
  }
}
