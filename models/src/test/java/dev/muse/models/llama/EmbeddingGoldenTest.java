package dev.muse.models.llama;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.Embedder;
import dev.muse.models.Models;
import dev.muse.models.Pooling;
import dev.muse.testkit.LlamaCpp;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.text.Tokenizer;
import dev.muse.text.Vocabulary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hidden state embeddings are pooled from, against llama.cpp's (b4916) on the same tiny files. The
 * binding's embed returns the first token's final normed hidden state whatever the pooling (it reads row 0
 * of the unpooled output), so that is what is compared: Muse's LAST pooling of the first token alone (causal
 * attention makes row 0 independent of what follows). How rows are pooled (mean, cls, last) is checked by
 * EmbeddingTest against the classifier's logits and causal identities.
 */
class EmbeddingGoldenTest {
    static final List<String> TEXTS = List.of("The quick brown fox jumps over the lazy dog.", "héllo wörld 👋 — code: x = f(y) + 1;");

    @TempDir Path dir;

    @Test
    void theFinalHiddenStateMatchesLlamaCpp() throws Exception {
        for (TinyFamily family : new TinyFamily[] {TinyFamily.LLAMA2, TinyFamily.LLAMA3, TinyFamily.QWEN2}) { // b4916 knows no qwen3
            TinyModel tiny = new TinyModel(family, GgmlType.F32, 17);
            String arch = family.architecture;
            Path file = tiny.write(dir.resolve(family + ".gguf"), m -> m.putUInt32(arch + ".pooling_type", Pooling.LAST.ordinal()));
            LlamaCpp llama = new LlamaCpp(tiny, file);
            int[] asks = TEXTS.stream().mapToInt(llama::embed).toArray();
            LlamaCpp.Results reference = llama.run(Duration.ofMinutes(2));
            try (GgufFile gguf = GgufFile.open(file)) {
                Embedder model = Models.load(gguf).as(Embedder.class).orElseThrow();
                Tokenizer tokenizer = Tokenizer.of(Vocabulary.fromMetadata(gguf.metadata()));
                for (int i = 0; i < TEXTS.size(); i++) {
                    int first = tokenizer.encode(TEXTS.get(i), true, false)[0];
                    float[] ours = model.embed(new int[] {first});
                    float[] theirs = reference.vector(asks[i]);
                    assertEquals(theirs.length, ours.length);
                    double norm = 0, dot = 0, error = 0;
                    for (float v : theirs) norm += (double) v * v;
                    double scale = 1 / Math.sqrt(norm);
                    for (int d = 0; d < ours.length; d++) {
                        dot += ours[d] * theirs[d] * scale;
                        error += Math.pow(ours[d] - theirs[d] * scale, 2);
                    }
                    String what = family + " text " + i;
                    assertTrue(dot > 0.99999, what + ": cosine " + dot);
                    assertTrue(error < 1e-9 * ours.length, what + ": squared error " + error);
                }
            }
        }
    }
}
