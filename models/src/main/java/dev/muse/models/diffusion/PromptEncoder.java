package dev.muse.models.diffusion;

import dev.muse.models.clip.ClipTextEncoder;
import dev.muse.text.ClipTokenizer;
import java.util.Arrays;

/**
 * How a pipeline turns its prompt (and negative prompt) into what the UNet reads: one CLIP encoder's last states (SD 1.x,
 * 2.x), or SDXL's two encoders' penultimate states side by side with the second's pooled embedding and the picture's size
 * as added conditions.
 */
sealed interface PromptEncoder extends AutoCloseable permits PromptEncoder.Single, PromptEncoder.Dual {
    /** The prompt's conditioning for a picture of width x height; the negative prompt's too when {@code guided}. */
    Sampling.Conditioning encode(String prompt, String negative, boolean guided, int width, int height);

    /** How many of the prompt's tokens the (first) encoder never sees: CLIP reads 75. */
    int tokensLeftOut(String prompt);

    @Override void close();

    /** SD 1.x and 2.x: the last hidden states of one encoder. */
    record Single(ClipTokenizer tokenizer, int padId, ClipTextEncoder encoder) implements PromptEncoder {
        @Override public Sampling.Conditioning encode(String prompt, String negative, boolean guided, int width, int height) {
            float[] p = encoder.encode(tokenizer.conditioning(prompt, padId), tokenizer.endId()).lastHidden();
            float[] n = guided ? encoder.encode(tokenizer.conditioning(negative == null ? "" : negative, padId), tokenizer.endId()).lastHidden() : null;
            return new Sampling.Conditioning(p, n, ClipTokenizer.CONTEXT);
        }

        @Override public int tokensLeftOut(String prompt) { return Math.max(0, tokenizer.encode(prompt).length - ClipTokenizer.MAX_PROMPT_TOKENS); }

        @Override public void close() { encoder.close(); }
    }

    /**
     * SDXL, as diffusers' StableDiffusionXLPipeline encodes: each encoder's penultimate states (no final norm), the first's
     * and the second's channels side by side for every token; the second's pooled, projected embedding; the time ids
     * (original size, crop top-left 0, 0, target size: height before width), the same for both prompts. An empty negative
     * prompt is all zeros when the pipeline says force_zeros_for_empty_prompt.
     */
    record Dual(ClipTokenizer tokenizer1, int padId1, ClipTextEncoder encoder1, ClipTokenizer tokenizer2, int padId2, ClipTextEncoder encoder2,
                boolean zerosForEmptyNegative) implements PromptEncoder {
        @Override public Sampling.Conditioning encode(String prompt, String negative, boolean guided, int width, int height) {
            float[] timeIds = {height, width, 0, 0, height, width};
            float[][] p = states(prompt);
            float[][] n = null;
            if (guided) {
                boolean zeros = zerosForEmptyNegative && (negative == null || negative.isEmpty());
                n = zeros ? new float[][] {new float[p[0].length], new float[p[1].length]} : states(negative == null ? "" : negative);
            }
            return new Sampling.Conditioning(p[0], n == null ? null : n[0], ClipTokenizer.CONTEXT, new UNet.Added(p[1], timeIds),
                    n == null ? null : new UNet.Added(n[1], timeIds));
        }

        /** {the two encoders' penultimate states side by side, the second's pooled embedding}. */
        private float[][] states(String text) {
            ClipTextEncoder.Encoding a = encoder1.encode(tokenizer1.conditioning(text, padId1), tokenizer1.endId());
            ClipTextEncoder.Encoding b = encoder2.encode(tokenizer2.conditioning(text, padId2), tokenizer2.endId());
            int da = encoder1.config().hiddenSize(), db = encoder2.config().hiddenSize(), tokens = ClipTokenizer.CONTEXT;
            float[] both = new float[tokens * (da + db)];
            for (int t = 0; t < tokens; t++) {
                System.arraycopy(a.penultimate(), t * da, both, t * (da + db), da);
                System.arraycopy(b.penultimate(), t * db, both, t * (da + db) + da, db);
            }
            return new float[][] {both, Arrays.copyOf(b.pooled(), b.pooled().length)};
        }

        @Override public int tokensLeftOut(String prompt) { return Math.max(0, tokenizer1.encode(prompt).length - ClipTokenizer.MAX_PROMPT_TOKENS); }

        @Override public void close() {
            encoder1.close();
            encoder2.close();
        }
    }
}
