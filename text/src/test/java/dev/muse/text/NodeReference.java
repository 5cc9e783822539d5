package dev.muse.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs src/test/node/encode.cjs: transformers.js's tokenizer (npm @lenml/tokenizers) on the same
 * tokenizer.json, as a second reference for texts llama.cpp's vectors do not cover.
 */
final class NodeReference {

    private NodeReference() {
    }

    /** The ids transformers.js gives each text with the named @lenml package (added tokens parsed). */
    static List<int[]> encode(String npmPackage, List<String> texts) {
        // Fails with a clear message when the package is not installed.
        TestData.npmTokenizer(npmPackage.substring(npmPackage.indexOf('/') + 1));
        Path modules = TestData.npmModules();
        Path script = Path.of("src", "test", "node", "encode.cjs").toAbsolutePath();
        String request = new Gson().toJson(Map.of("package", npmPackage, "texts", texts));
        try {
            Process node = new ProcessBuilder("node", script.toString(), modules.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try (OutputStream in = node.getOutputStream()) {
                in.write(request.getBytes(StandardCharsets.UTF_8));
            }
            String response = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!node.waitFor(120, TimeUnit.SECONDS)) {
                node.destroyForcibly();
                fail("node did not finish encoding with " + npmPackage);
            }
            assertEquals(0, node.exitValue(), "node " + script + " failed for " + npmPackage);
            JsonArray all = JsonParser.parseString(response).getAsJsonArray();
            List<int[]> ids = new ArrayList<>();
            for (JsonElement one : all) {
                JsonArray array = one.getAsJsonArray();
                int[] row = new int[array.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = array.get(i).getAsInt();
                }
                ids.add(row);
            }
            return ids;
        } catch (IOException e) {
            return fail("cannot run node (needed as the reference tokenizer; install Node.js): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while waiting for node");
        }
    }
}
