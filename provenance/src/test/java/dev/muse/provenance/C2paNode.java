package dev.muse.provenance;

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
 * The reference verifier: c2pa-rs inside npm's @contentauth/c2pa-node, installed by the build beside verify.mjs. It
 * prints the manifest store it reads (with validation_state and validation_results); a missing install fails the test.
 */
final class C2paNode {
    private C2paNode() {}

    /** What c2pa-rs reads in {@code file}, its trust list {@code anchors} (a PEM file, or null for no trust check). */
    static JsonNode read(Path file, Path anchors) throws Exception {
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
    static List<String> failures(JsonNode store) {
        List<String> codes = new ArrayList<>();
        for (JsonNode f : store.path("validation_results").path("activeManifest").path("failure")) codes.add(f.path("code").asText());
        return codes;
    }
}
