package etcetera.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Enforces the module dependency table of ARCHITECTURE.md and the layering inside the
 * server module, on the compiled classes of every module of the distribution.
 */
class LayeringTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("etcetera");
    }

    @Test
    void apiDependsOnTheJdkOnly() {
        classes().that().resideInAPackage("etcetera.api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "etcetera.api..")
                .check(classes);
    }

    @Test
    void raftDependsOnApiAndTheJdkOnly() {
        classes().that().resideInAPackage("etcetera.raft..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "etcetera.api..", "etcetera.raft..")
                .check(classes);
    }

    @Test
    void storageEnginesDependOnApiAndTheJdkOnly() {
        classes().that().resideInAPackage("etcetera.storage.file..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "etcetera.api..", "etcetera.storage.file..")
                .check(classes);
    }

    @Test
    void staticBootstrapDependsOnApiAndTheJdkOnly() {
        classes().that().resideInAPackage("etcetera.discovery.fixed..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "etcetera.api..", "etcetera.discovery.fixed..")
                .check(classes);
    }

    @Test
    void wireHoldsOnlyProtocolCode() {
        classes().that().resideInAPackage("etcetera.wire..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "java..", "javax.annotation..", "etcetera.wire..", "com.google.protobuf..", "io.grpc..", "com.google.common..")
                .check(classes);
    }

    @Test
    void serverFindsEnginesAndBootstrapsOnlyThroughServiceLoader() {
        noClasses().that().resideInAPackage("etcetera.server..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "etcetera.storage..", "etcetera.discovery..", "etcetera.cli..")
                .check(classes);
    }

    @Test
    void mvccKnowsNothingOfGrpcOrTheWire() {
        noClasses().that().resideInAPackage("etcetera.server.mvcc..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.grpc..", "io.netty..", "etcetera.wire..", "com.google.protobuf..",
                        "etcetera.server.grpc..", "etcetera.server.apply..", "etcetera.server.node..")
                .check(classes);
    }

    @Test
    void watchHubKnowsNothingOfGrpcOrTheWire() {
        noClasses().that().resideInAPackage("etcetera.server.watch..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.grpc..", "io.netty..", "etcetera.wire..", "com.google.protobuf..",
                        "etcetera.server.grpc..", "etcetera.server.apply..", "etcetera.server.node..")
                .check(classes);
    }

    @Test
    void lessorKnowsNothingOfGrpcOrTheNode() {
        noClasses().that().resideInAPackage("etcetera.server.lease..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.grpc..", "io.netty..", "etcetera.server.grpc..", "etcetera.server.node..", "etcetera.server.transport..")
                .check(classes);
    }

    @Test
    void lockAndElectionRecipesKnowNothingOfGrpcOrTheNode() {
        noClasses().that().resideInAPackage("etcetera.server.concurrency..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.grpc..", "io.netty..", "etcetera.server.grpc..", "etcetera.server.node..", "etcetera.server.apply..")
                .check(classes);
    }

    @Test
    void raftKnowsNothingOfTheServer() {
        noClasses().that().resideInAPackage("etcetera.raft..")
                .should().dependOnClassesThat().resideInAnyPackage("etcetera.server..", "etcetera.wire..", "io.grpc..", "io.netty..")
                .check(classes);
    }

    @Test
    void cliTalksToServersOnlyOverTheWire() {
        noClasses().that().resideInAPackage("etcetera.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("etcetera.server..", "etcetera.raft..", "etcetera.storage..")
                .check(classes);
    }

    @Test
    void noGrabBagNames() {
        noClasses().that().resideInAPackage("etcetera..").and().resideOutsideOfPackage("etcetera.wire..")
                .should().haveSimpleNameEndingWith("Manager")
                .orShould().haveSimpleNameEndingWith("Helper")
                .orShould().haveSimpleNameEndingWith("Util")
                .orShould().haveSimpleNameEndingWith("Utils")
                .orShould().haveSimpleNameEndingWith("Impl")
                .check(classes);
    }
}
