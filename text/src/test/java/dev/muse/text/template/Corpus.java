package dev.muse.text.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the chat templates under test live. */
final class Corpus {
    private Corpus() {}

    /** llama.cpp's collection of real models' chat templates, in the shared folder (surefire sets muse.shared). */
    static Path templatesDir() {
        String shared = System.getProperty("muse.shared");
        if (shared == null) throw new IllegalStateException("system property muse.shared is not set (run the tests through Maven)");
        Path dir = Path.of(shared, "llama.cpp-models", "templates");
        if (!Files.isDirectory(dir)) throw new IllegalStateException("chat template folder missing: " + dir);
        return dir;
    }

    /** A template from the shared folder, by file name without ".jinja"; fails if it is missing. */
    static Path shared(String name) {
        Path p = templatesDir().resolve(name + ".jinja");
        if (!Files.isRegularFile(p)) throw new IllegalStateException("chat template missing: " + p);
        return p;
    }

    /** A template shipped as a test resource (templates/NAME.jinja). */
    static Path resource(String name) {
        return resourceFile(name + ".jinja");
    }

    /** A file in the templates/ test resources. */
    static Path resourceFile(String fileName) {
        try {
            var url = Corpus.class.getResource("/templates/" + fileName);
            if (url == null) throw new IllegalStateException("test resource templates/" + fileName + " missing");
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Path> allShared() {
        try (Stream<Path> files = Files.list(templatesDir())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jinja")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String name(Path p) {
        String f = p.getFileName().toString();
        return f.substring(0, f.length() - ".jinja".length());
    }
}
