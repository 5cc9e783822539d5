package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Ops;
import dev.muse.runtime.Prompt.Embedded;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.testkit.TinyVision;
import dev.muse.text.ChatMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image in, tokens out, against llama.cpp's mtmd: a tiny random-weight SmolVLM (SmolLM2 decoder with
 * Idefics3's image tokens, tiny Idefics3 SigLIP projector) or Gemma 3 (its decoder with sliding-window
 * layers, tiny SigLIP with the average-pool projector) reads a PNG and a prompt; the prompt's chunks (text
 * token ids, image chunk sizes, in order) and the greedy continuation must equal what llama.cpp made. The
 * goldens (golden/vision/*.txt, with their README) come from llama.cpp commit 3f545bec's libmtmd:
 * mtmd_tokenize, mtmd_helper_eval_chunks and greedy decoding on the same files, which the test writes again
 * from the same seeds.
 */
class VisionGoldenTest {
    @TempDir static Path dir;

    @ParameterizedTest(name = "{0} + {1} reading {2}")
    @CsvSource({
            "smolvlm-f32, SMOLVLM, F32, IDEFICS3, F32, sunset-100x60",
            "smolvlm-f32, SMOLVLM, F32, IDEFICS3, F32, square-40x40",
            "smolvlm-q8_0, SMOLVLM, Q8_0, IDEFICS3, F16, sunset-100x60",
            "gemma3-f32, GEMMA3, F32, GEMMA3, F32, sunset-100x60",  // the image is attended bidirectionally
            "gemma3-f32, GEMMA3, F32, GEMMA3, F32, square-40x40"})
    void promptChunksAndGreedyTokensMatchLlamaCpp(String name, TinyFamily family, GgmlType type, TinyVision.Tower tower, GgmlType towerType,
                                                  String image) throws Exception {
        Golden golden = Golden.read("golden/vision/" + name + "-" + image + ".txt");
        Path model = new TinyModel(family, type, 41).write(dir.resolve(name + ".gguf"));
        Path mmproj = new TinyVision(tower, towerType, 42).write(dir.resolve("mmproj-" + name + ".gguf"));
        try (TextModel tm = TextModel.open(model, Ops.cpu()); ImageInput images = tm.openProjector(mmproj)) {
            Prompt prompt = tm.chatPrompt(List.of(ChatMessage.user(TextModel.IMAGE_MARKER + "Describe this picture.")), Map.of(),
                    List.of(resource("golden/vision/" + image + ".png")), images);
            assertEquals(golden.chunks(), chunks(prompt), "the prompt's chunks");
            assertArrayEquals(golden.greedy(), PlainLoop.greedy(tm.model(), 256, prompt, golden.greedy().length), "greedy continuation");
        }
    }

    /** The prompt as mtmd lists it: "text ids..." for each run of tokens, "media N" for each image span. */
    static List<String> chunks(Prompt prompt) {
        List<String> out = new ArrayList<>();
        int position = 0;
        for (Embedded e : prompt.embedded()) {
            if (e.offset() > position) out.add("text" + ids(prompt.tokens(), position, e.offset()));
            out.add("media " + e.rows());
            position = e.offset() + e.rows();
        }
        if (position < prompt.length()) out.add("text" + ids(prompt.tokens(), position, prompt.length()));
        return out;
    }

    private static String ids(int[] tokens, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) sb.append(' ').append(tokens[i]);
        return sb.toString();
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = VisionGoldenTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("golden file " + name + " is missing (see golden/vision/README.md)");
            return in.readAllBytes();
        }
    }

    /** A golden file: lines "chunk I text N: ids..." / "chunk I media n_tokens T n_pos P", then "greedy: ids...". */
    record Golden(List<String> chunks, int[] greedy) {
        static Golden read(String name) throws IOException {
            List<String> chunks = new ArrayList<>();
            int[] greedy = null;
            for (String line : new String(resource(name), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("greedy:")) greedy = Arrays.stream(line.substring(7).trim().split(" ")).mapToInt(Integer::parseInt).toArray();
                else if (line.contains(" text ")) chunks.add("text" + line.substring(line.indexOf(':') + 1));
                else if (line.contains(" media ")) chunks.add("media " + line.split(" ")[4]);
            }
            if (greedy == null) throw new IllegalStateException(name + " has no greedy line");
            return new Golden(chunks, greedy);
        }
    }
}
