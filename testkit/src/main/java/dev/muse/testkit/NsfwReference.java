package dev.muse.testkit;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.muse.media.Picture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nsfwjs' NSFW image classifiers as the build installs them (the install-nsfw-reference execution, into the folder the
 * muse.nsfwjs property names): their TensorFlow.js files, which Muse reads, and classify.mjs, which runs them on
 * TensorFlow.js in node as the reference. A missing install fails the test.
 */
public final class NsfwReference {
    private NsfwReference() {}

    private static Path root() {
        Path root = Path.of(System.getProperty("muse.nsfwjs", "target/nsfw-node"));
        assertTrue(Files.isRegularFile(root.resolve("node_modules/nsfwjs/package.json")), "nsfwjs is not installed at " + root + " (run the build's install-nsfw-reference)");
        return root;
    }

    /** The folder of one of nsfwjs' models: mobilenet_v2, mobilenet_v2_mid. */
    public static Path model(String folder) {
        return root().resolve("node_modules/nsfwjs/dist/models").resolve(folder);
    }

    /** nsfwjs' MobileNetV2 copied into {@code cache} as {@code muse pull nsfw-mobilenet-v2} puts it there; returns its folder. */
    public static Path install(Path cache) throws java.io.IOException {
        Path folder = Files.createDirectories(cache.resolve("nsfw-mobilenet-v2"));
        try (var files = Files.list(model("mobilenet_v2"))) {
            for (Path f : files.toList()) Files.copy(f, folder.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return folder;
    }

    /** What TensorFlow.js computes for {@code pictures} with nsfwjs' model {@code name} (MobileNetV2, MobileNetV2Mid). */
    public static float[][] classify(String name, List<Picture> pictures, Path scratch) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", root().resolve("classify.mjs").toString(), name));
        for (int i = 0; i < pictures.size(); i++) {
            Picture p = pictures.get(i);
            Path raw = scratch.resolve("picture-" + i + ".rgb");
            Files.write(raw, p.rgb());
            command.add(p.width() + ":" + p.height() + ":" + raw);
        }
        Process node = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(node.waitFor(120, TimeUnit.SECONDS), "node did not finish");
        assertEquals(0, node.exitValue(), out);
        JsonNode rows = new ObjectMapper().readTree(out.substring(out.lastIndexOf('\n') + 1));
        float[][] probabilities = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            probabilities[i] = new float[rows.get(i).size()];
            for (int j = 0; j < probabilities[i].length; j++) probabilities[i][j] = (float) rows.get(i).get(j).asDouble();
        }
        return probabilities;
    }
}
