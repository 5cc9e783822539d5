package dev.muse.models.gemma3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.muse.engine.GgmlType;
import dev.muse.formats.FormatException;
import dev.muse.formats.Metadata;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.SequenceState;
import dev.muse.models.Decoder;
import dev.muse.models.Decoder.Step;
import dev.muse.models.Models;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Gemma 3's hyper-parameter rules (as llama.cpp reads them) and the forward pass's handling of rows. */
class Gemma3Test {
    private static Metadata metadata(int layers) {
        Metadata m = new Metadata();
        m.putUInt32("gemma3.context_length", 131072);
        m.putUInt32("gemma3.embedding_length", 5376);
        m.putUInt32("gemma3.block_count", layers);
        m.putUInt32("gemma3.feed_forward_length", 21504);
        m.putUInt32("gemma3.attention.head_count", 32);
        m.putUInt32("gemma3.attention.head_count_kv", 16);
        m.putUInt32("gemma3.attention.key_length", 128);
        m.putUInt32("gemma3.attention.value_length", 128);
        m.putFloat32("gemma3.attention.layer_norm_rms_epsilon", 1e-6f);
        m.putFloat32("gemma3.rope.freq_base", 1_000_000f);
        m.putUInt32("gemma3.attention.sliding_window", 1024);
        m.putString("gemma3.rope.scaling.type", "linear");
        m.putFloat32("gemma3.rope.scaling.factor", 8f);
        return m;
    }

    @Test
    void everySixthLayerIsGlobalAndLocalLayersUseBase10000Unscaled() {
        Gemma3Config c = Gemma3Config.from(metadata(7), 262208);
        boolean[] sliding = new boolean[7];
        for (int l = 0; l < 7; l++) sliding[l] = c.isSliding(l);
        assertArrayEquals(new boolean[] {true, true, true, true, true, false, true}, sliding);
        assertEquals(10000f, c.ropeFreqBaseSwa());
        assertEquals(1_000_000f, c.ropeFreqBase());
        assertEquals(0.125f, c.ropeFreqScale());
        assertEquals(1024, c.slidingWindow());
        assertEquals(0f, c.finalLogitSoftcapping());

        Metadata noWindow = metadata(7);
        noWindow.putUInt32("gemma3.attention.sliding_window", 0);
        Gemma3Config global = Gemma3Config.from(noWindow, 262208);
        for (int l = 0; l < 7; l++) assertFalse(global.isSliding(l), "no window: every layer is global");

        Metadata none = metadata(7);
        none.putString("gemma3.rope.scaling.type", "none");
        assertEquals(1f, Gemma3Config.from(none, 262208).ropeFreqScale(), "llama.cpp never scales when the type is none");
        Metadata yarn = metadata(7);
        yarn.putString("gemma3.rope.scaling.type", "yarn");
        assertThrows(FormatException.class, () -> Gemma3Config.from(yarn, 262208));
    }

    @Test
    void queriesAreScaledByHeadSizeExceptIn27B() {
        assertEquals(1f / (float) Math.sqrt(128), Gemma3Config.from(metadata(34), 262208).attentionScale());
        // the 27B model (62 layers): query_pre_attn_scalar = hidden_size / heads = 5376 / 32 = 168
        assertEquals(1f / (float) Math.sqrt(168), Gemma3Config.from(metadata(62), 262208).attentionScale());
    }

    @Test
    void rowsBehaveAsTheStepContractSays() throws Exception {
        try (GgufFile gguf = GgufFile.open(Gemma3GoldenTest.modelFile(GgmlType.Q8_0))) {
            Decoder model = Models.decoder(gguf);
            int dim = model.embeddingLength();
            SplittableRandom random = new SplittableRandom(3);
            int[] prompt = random.ints(40, 1000, 250_000).toArray();

            // A prompt longer than the window gives the same logits in one batch as token by token.
            SequenceState batched = model.newState(256), stepwise = model.newState(256);
            float[] whole = model.forward(batched, prompt), last = null;
            for (int t : prompt) last = model.forward(stepwise, new int[] {t});
            assertClose(whole, last, "one batch vs one token at a time past the sliding window");

            // Vector rows are not scaled: a token's embedding row times sqrt(dim), given as a vector, is that token.
            float[] vector = new float[dim];
            gguf.tensor("token_embd.weight").dequantize((long) prompt[5] * dim, vector, 0, dim);
            for (int i = 0; i < dim; i++) vector[i] *= (float) Math.sqrt(dim);
            SequenceState a = model.newState(256), b = model.newState(256);
            model.forward(a, Arrays.copyOf(prompt, 5));
            model.forward(b, Arrays.copyOf(prompt, 5));
            assertArrayEquals(model.forward(a, new int[] {prompt[5]}), model.forward(List.of(Step.ofVectors(b, vector, 1, false)))[0],
                    "a vector row is the token row times sqrt(dim), not scaled again");

            // A bidirectional step longer than a forward chunk (64 rows) is computed whole wherever it falls in a batch,
            // and seeing later rows changes what its rows compute.
            int rows = 70;
            float[] image = new float[rows * dim];
            for (int i = 0; i < image.length; i++) image[i] = (float) (0.8 * random.nextGaussian());
            SequenceState alone = model.newState(256), shifted = model.newState(256), other = model.newState(256), causal = model.newState(256);
            float[] expected = model.forward(List.of(Step.ofVectors(alone, image, rows, true)))[0];
            float[][] both = model.forward(List.of(new Step(other, Arrays.copyOf(prompt, 30)), Step.ofVectors(shifted, image, rows, true)));
            assertClose(expected, both[1], "a bidirectional step after 30 rows of another sequence");
            float[] oneWay = model.forward(List.of(Step.ofVectors(causal, image, rows, false)))[0];
            assertFalse(maxDifference(expected, oneWay) < 1e-3, "bidirectional and causal vector rows must differ");
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        assertEquals(0, maxDifference(expected, actual), 1e-3, what);
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }
}
