package dev.muse.models.llama;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.engine.MatmulKernels;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.Decoder;
import dev.muse.models.Embedder;
import dev.muse.models.Model;
import dev.muse.models.Models;
import dev.muse.models.Pooling;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Embeddings are the final normed hidden states that the classifier turns into logits, so they can be
 * checked against the forward pass: the classifier applied to a LAST-pooled embedding must be the
 * forward's logits up to the embedding's (positive) scale. Causal attention gives the other identities:
 * CLS (first token) ignores what follows, and mean and last pooling agree on one token.
 */
class EmbeddingTest {
    @TempDir Path dir;

    Model load(Pooling pooling, String name) throws Exception {
        Path path = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 9).write(dir.resolve(name + ".gguf"),
                m -> m.putUInt32("llama.pooling_type", pooling.ordinal()));
        GgufFile file = GgufFile.open(path);
        opened.add(file);
        return Models.load(file);
    }

    Embedder embedder(Pooling pooling, String name) throws Exception {
        return load(pooling, name).as(Embedder.class).orElseThrow();
    }

    final java.util.List<GgufFile> opened = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void close() { opened.forEach(GgufFile::close); }

    @Test
    void lastPoolingIsTheStateTheClassifierReads() throws Exception {
        Model loaded = load(Pooling.LAST, "last");
        Decoder model = loaded.as(Decoder.class).orElseThrow();
        {
            int[] tokens = {1, 300, 301, 302, 50, 60, 70};
            float[] embedding = loaded.as(Embedder.class).orElseThrow().embed(tokens);
            float[] logits = model.forward(model.newState(16), tokens);
            float[] projected = new float[model.vocabularySize()];
            MatmulKernels.matmul(opened.getLast().tensor("output.weight"), embedding, projected, model.vocabularySize(), embedding.length);
            double dotLP = 0, dotPP = 0, norm = 0;
            for (int i = 0; i < logits.length; i++) {
                dotLP += (double) logits[i] * projected[i];
                dotPP += (double) projected[i] * projected[i];
            }
            double scale = dotLP / dotPP;
            assertTrue(scale > 0);
            for (int i = 0; i < logits.length; i++) assertEquals(logits[i], scale * projected[i], 1e-3 * Math.max(1, Math.abs(logits[i])), "logit " + i);
            for (float v : embedding) norm += v * v;
            assertEquals(1.0, norm, 1e-5, "embeddings are L2-normalised");
        }
    }

    @Test
    void clsIgnoresWhatFollowsAndMeanEqualsLastOnOneToken() throws Exception {
        Embedder cls = embedder(Pooling.CLS, "cls");
        {
            assertArrayEquals(cls.embed(new int[] {1}), cls.embed(new int[] {1, 5, 6, 7}), 1e-6f);
        }
        float[] last;
        Embedder lastModel = embedder(Pooling.LAST, "last1");
        {
            last = lastModel.embed(new int[] {1, 42});
        }
        Embedder mean = embedder(Pooling.MEAN, "mean");
        {
            float[] m = mean.embed(new int[] {1, 42});
            assertFalse(java.util.Arrays.equals(last, m), "mean pooling over two tokens is not the last token's state");
            // Over one token every pooling is that token's state (which LAST of [1] also gives).
            assertArrayEquals(mean.embed(new int[] {1}), cls.embed(new int[] {1}), 1e-6f);
        }
    }

    @Test
    void aGenerativeModelMakesNoEmbeddings() throws Exception {
        Model none = load(Pooling.NONE, "none");
        assertTrue(none.as(Decoder.class).isPresent());
        assertTrue(none.as(Embedder.class).isEmpty(), "a file without a pooling type is not an embedding model");
    }
}
