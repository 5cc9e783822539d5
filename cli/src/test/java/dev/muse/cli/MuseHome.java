package dev.muse.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Muse home folder of a test's own ({@code -Dmuse.home}, which stands in for MUSE_HOME in process), made before each
 * test and removed after it: {@code @RegisterExtension final MuseHome home = new MuseHome();}.
 */
final class MuseHome implements BeforeEachCallback, AfterEachCallback {
    private Path home;

    /** The folder, or a path inside it. */
    Path resolve(String relative) {
        return home.resolve(relative);
    }

    @Override public void beforeEach(ExtensionContext context) throws IOException {
        home = Files.createTempDirectory("muse-home");
        System.setProperty("muse.home", home.toString());
    }

    @Override public void afterEach(ExtensionContext context) throws IOException {
        System.clearProperty("muse.home");
        try (Stream<Path> all = Files.walk(home)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
