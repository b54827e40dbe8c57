package dev.ledger.api.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fence: the domain knows nothing of Spring, JDBC, JPA, HTTP or Stripe, and dependencies point
 * one way, api → projections → core.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ledger");
  }

  /** The rules below pass vacuously on an empty import: make sure all three modules are in it. */
  @Test
  void importsEveryModule() {
    for (String module :
        new String[] {"dev.ledger.core", "dev.ledger.projections", "dev.ledger.api"}) {
      assertThat(classes.stream().anyMatch(c -> c.getPackageName().startsWith(module)))
          .as("classes of %s imported", module)
          .isTrue();
    }
  }

  @Test
  void theCoreIsFreeOfFrameworksAndInfrastructure() {
    noClasses()
        .that()
        .resideInAPackage("dev.ledger.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.springframework..",
            "java.sql..",
            "javax.sql..",
            "jakarta.persistence..",
            "javax.persistence..",
            "com.stripe..",
            "jakarta.servlet..",
            "org.axonframework.spring..")
        .check(classes);
  }

  @Test
  void theCoreDependsOnNoOtherModule() {
    noClasses()
        .that()
        .resideInAPackage("dev.ledger.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.ledger.projections..", "dev.ledger.api..")
        .check(classes);
  }

  @Test
  void projectionsDoNotKnowTheApi() {
    noClasses()
        .that()
        .resideInAPackage("dev.ledger.projections..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.ledger.api..", "jakarta.servlet..", "com.stripe..")
        .check(classes);
  }
}
