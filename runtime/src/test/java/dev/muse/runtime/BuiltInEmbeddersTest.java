package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedder Muse carries (all-MiniLM-L6-v2 from the classpath), through the engine, with nothing in any model folder. */
class BuiltInEmbeddersTest {
    static double cosine(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @Test
    void itIsOfferedAndEmbedsWithNothingPulled() {
        try (Engine engine = new Engine(new Engine.Config(List.of(), null, 1L << 30, new Scheduler.Options(2, 64, 16)))) {
            ModelInfo info = engine.model(Engine.DEFAULT_EMBEDDER).orElseThrow();
            assertEquals(java.util.Set.of(ModelInfo.Modality.EMBEDDING), info.outputs());
            EmbeddingRequest.Result r = engine.embed(new EmbeddingRequest(Engine.DEFAULT_EMBEDDER, List.of(EmbeddingRequest.Input.of("How do I bake bread?"),
                    EmbeddingRequest.Input.of("What is a good recipe for a loaf of bread?"), EmbeddingRequest.Input.of("The planet Mars has two moons."))));
            assertEquals(3, r.vectors().size());
            assertEquals(384, r.vectors().getFirst().length);
            assertEquals(1.0, cosine(r.vectors().get(0), r.vectors().get(0)), 1e-5);
            assertTrue(cosine(r.vectors().get(0), r.vectors().get(1)) > cosine(r.vectors().get(0), r.vectors().get(2)) + 0.3,
                    "related questions lie closer than unrelated text");
            // a text longer than the model reads is cut at its 256 tokens, as sentence-transformers cuts it
            EmbeddingRequest.Result longText = engine.embed(new EmbeddingRequest(Engine.DEFAULT_EMBEDDER, List.of(EmbeddingRequest.Input.of("bread ".repeat(400)))));
            assertEquals(256, longText.promptTokens());
            float[] ids = engine.embed(new EmbeddingRequest(Engine.DEFAULT_EMBEDDER, List.of(EmbeddingRequest.Input.of(new int[] {101, 7592, 2088, 102})))).vectors().getFirst();
            float[] text = engine.embed(new EmbeddingRequest(Engine.DEFAULT_EMBEDDER, List.of(EmbeddingRequest.Input.of("Hello world")))).vectors().getFirst();
            // the same tokens, so the same vector up to the last bits (a kernel compiled between the two calls rounds otherwise)
            assertArrayEquals(text, ids, 1e-6f, "token ids are the text's own");
            assertThrows(IllegalArgumentException.class, () -> engine.embed(new EmbeddingRequest(Engine.DEFAULT_EMBEDDER,
                    List.of(EmbeddingRequest.Input.of(new int[] {101, 40000, 102})))));
        }
    }
}
