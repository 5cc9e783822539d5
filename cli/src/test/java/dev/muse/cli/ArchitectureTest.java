package dev.muse.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of docs/architecture.md, checked on the main classes of every module: a module uses only modules
 * above it, the server nothing below the runtime, models and the runtime no kernel class, no package cycles, and
 * no main source file over 1,000 lines.
 */
class ArchitectureTest {
    /** The modules in layer order: each may use only those before it. */
    static final List<String> LAYERS = List.of("engine", "formats", "text", "media", "testkit", "models", "hub", "provenance",
            "safety", "documents", "runtime", "server", "studio", "bench", "cli");

    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.muse");
        // every module's classes are on this module's classpath: a rule over a module that is missing would pass vacuously
        for (String module : List.of("engine", "formats", "text", "media", "models", "hub", "provenance", "safety", "documents", "runtime", "server", "cli"))
            assertTrue(main.stream().anyMatch(c -> c.getPackageName().startsWith("dev.muse." + module)), "no classes of " + module);
    }

    @Test
    void eachModuleUsesOnlyTheModulesAboveIt() {
        for (int i = 0; i < LAYERS.size(); i++) {
            List<String> below = new ArrayList<>();
            for (String later : LAYERS.subList(i + 1, LAYERS.size())) below.add("dev.muse." + later + "..");
            noClasses().that().resideInAPackage("dev.muse." + LAYERS.get(i) + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(below.toArray(String[]::new))
                    .because("docs/architecture.md: a module uses only modules above it")
                    .allowEmptyShould(true)
                    .check(main);
        }
    }

    @Test
    void onlyBenchmarksUseTheTestkit() {
        noClasses().that().resideOutsideOfPackages("dev.muse.testkit..", "dev.muse.bench..")
                .should().dependOnClassesThat().resideInAPackage("dev.muse.testkit..")
                .because("the testkit's tiny models and reference harnesses are for tests and benchmarks")
                .check(main);
    }

    @Test
    void theServerKnowsNothingBelowTheRuntime() {
        noClasses().that().resideInAPackage("dev.muse.server..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.muse.engine..", "dev.muse.formats..", "dev.muse.text..",
                        "dev.muse.media..", "dev.muse.models..")
                .because("the server reaches models only through the runtime's Engine")
                .check(main);
    }

    @Test
    void modelsReachKernelsOnlyThroughOps() {
        noClasses().that().resideInAnyPackage("dev.muse.models..", "dev.muse.runtime..", "dev.muse.server..")
                .should().dependOnClassesThat().haveSimpleNameEndingWith("Kernels")
                .because("a model computes with the Ops it was given, so another backend can stand in")
                .check(main);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.muse.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void noMainSourceFileIsOverAThousandLines() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isRegularFile(root.resolve("pom.xml")) && Files.isDirectory(root.resolve("engine")), "not the repository root: " + root);
        List<String> tooLong = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/")).toList()) {
                files++;
                long lines;
                try (Stream<String> s = Files.lines(p)) {
                    lines = s.count();
                }
                if (lines > 1000) tooLong.add(root.relativize(p) + " (" + lines + " lines)");
            }
        }
        assertTrue(files > 100, "found only " + files + " main source files under " + root);
        assertEquals(List.of(), tooLong, "main source files over 1,000 lines");
    }
}
