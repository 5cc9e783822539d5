package dev.muse.testkit;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference C2PA verifier: c2pa-rs inside npm's @contentauth/c2pa-node, installed by the build (the
 * install-c2pa-verifier execution) beside verify.mjs, which the muse.c2pa.verifier property names. It prints the
 * manifest store it reads (with validation_state and validation_results); a missing install fails the test.
 */
public final class C2paVerifier {
    private C2paVerifier() {}

    /** What c2pa-rs reads in {@code file}, its trust list {@code anchors} (a PEM file, or null for no trust check). */
    public static JsonNode read(Path file, Path anchors) throws Exception {
        Path script = Path.of(System.getProperty("muse.c2pa.verifier", "target/c2pa-node/verify.mjs"));
        assertTrue(Files.isRegularFile(script), "the reference C2PA verifier is not installed at " + script);
        List<String> command = new ArrayList<>(List.of("node", script.toString(), file.toString()));
        if (anchors != null) command.add(anchors.toString());
        Process node = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "node did not finish");
        assertEquals(0, node.exitValue(), out);
        return new ObjectMapper().readTree(out);
    }

    /** The failure codes of the active manifest's validation. */
    public static List<String> failures(JsonNode store) {
        List<String> codes = new ArrayList<>();
        for (JsonNode f : store.path("validation_results").path("activeManifest").path("failure")) codes.add(f.path("code").asText());
        return codes;
    }
}
