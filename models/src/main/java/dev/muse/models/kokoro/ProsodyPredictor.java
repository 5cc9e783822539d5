package dev.muse.models.kokoro;

import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;
import dev.muse.models.nn.AdaLayerNorm;
import dev.muse.models.nn.AdainResBlk1d;
import dev.muse.models.nn.Conv1d;
import dev.muse.models.nn.Lstm;
import dev.muse.models.nn.WeightShapes;

/**
 * Kokoro's prosody predictor (StyleTTS 2's ProsodyPredictor and its DurationEncoder): from the phoneme encoder's
 * features and the prosody half of a voice's style it predicts how many frames each phoneme lasts, and, once the
 * features are spread over those frames, the F0 and energy curves (two values per frame) the decoder speaks with.
 */
final class ProsodyPredictor {
    private final int hidden, style, maxDuration;
    private final Lstm[] encoderLstms;
    private final AdaLayerNorm[] encoderNorms;
    private final Lstm durationLstm, shared;
    private final Tensor durationWeight;
    private final float[] durationBias;
    private final AdainResBlk1d[] f0Blocks, energyBlocks;
    private final Conv1d f0Projection, energyProjection;

    private ProsodyPredictor(int hidden, int style, int maxDuration, Lstm[] encoderLstms, AdaLayerNorm[] encoderNorms, Lstm durationLstm,
                             Tensor durationWeight, float[] durationBias, Lstm shared, AdainResBlk1d[] f0Blocks, AdainResBlk1d[] energyBlocks,
                             Conv1d f0Projection, Conv1d energyProjection) {
        this.hidden = hidden;
        this.style = style;
        this.maxDuration = maxDuration;
        this.encoderLstms = encoderLstms;
        this.encoderNorms = encoderNorms;
        this.durationLstm = durationLstm;
        this.durationWeight = durationWeight;
        this.durationBias = durationBias;
        this.shared = shared;
        this.f0Blocks = f0Blocks;
        this.energyBlocks = energyBlocks;
        this.f0Projection = f0Projection;
        this.energyProjection = energyProjection;
    }

    /** Loads the predictor under {@code prefix} (Kokoro: predictor.module) with PyTorch's module names. */
    static ProsodyPredictor load(WeightShapes w, String prefix, int hidden, int style, int layers, int maxDuration) {
        Lstm[] lstms = new Lstm[layers];
        AdaLayerNorm[] norms = new AdaLayerNorm[layers];
        for (int i = 0; i < layers; i++) {
            lstms[i] = Lstm.load(w, prefix + ".text_encoder.lstms." + 2 * i, hidden + style, hidden / 2, true);
            norms[i] = AdaLayerNorm.load(w, prefix + ".text_encoder.lstms." + (2 * i + 1), hidden, style);
        }
        float[] bias = new float[maxDuration];
        w.vector(prefix + ".duration_proj.linear_layer.bias", maxDuration).dequantize(0, bias, 0, maxDuration);
        return new ProsodyPredictor(hidden, style, maxDuration, lstms, norms, Lstm.load(w, prefix + ".lstm", hidden + style, hidden / 2, true),
                w.matrix(prefix + ".duration_proj.linear_layer.weight", maxDuration, hidden), bias, Lstm.load(w, prefix + ".shared", hidden + style, hidden / 2, true), curveBlocks(w, prefix + ".F0", hidden, style),
                curveBlocks(w, prefix + ".N", hidden, style), Conv1d.load(w, prefix + ".F0_proj", hidden / 2, 1, 1, 1, 1, 0),
                Conv1d.load(w, prefix + ".N_proj", hidden / 2, 1, 1, 1, 1, 0));
    }

    private static AdainResBlk1d[] curveBlocks(WeightShapes w, String prefix, int hidden, int style) {
        return new AdainResBlk1d[] {AdainResBlk1d.load(w, prefix + ".0", hidden, hidden, style, false),
                AdainResBlk1d.load(w, prefix + ".1", hidden, hidden / 2, style, true), AdainResBlk1d.load(w, prefix + ".2", hidden / 2, hidden / 2, style, false)};
    }

    /** Width of an encoded row: the hidden features, then the style. */
    int encodedWidth() { return hidden + style; }

    /** The duration encoder: [steps, hidden + style] for the phoneme features [steps, hidden] and prosody style s. */
    float[] encode(Ops ops, float[] features, int steps, float[] s) {
        float[] x = withStyle(features, steps, s);
        for (int i = 0; i < encoderLstms.length; i++) {
            float[] h = encoderLstms[i].apply(ops, x, steps);
            encoderNorms[i].apply(ops, h, steps, s);
            x = withStyle(h, steps, s);
        }
        return x;
    }

    /**
     * Frames per phoneme: the sum of the duration head's 50 sigmoid outputs, divided by the speed, rounded half to even
     * (torch.round) and at least one.
     */
    int[] durations(Ops ops, float[] encoded, int steps, float speed) {
        float[] x = durationLstm.apply(ops, encoded, steps), logits = new float[steps * maxDuration];
        ops.matmul(durationWeight, x, steps, logits, maxDuration, hidden);
        int[] frames = new int[steps];
        for (int t = 0; t < steps; t++) {
            float sum = 0;
            for (int d = 0; d < maxDuration; d++) sum += (float) (1 / (1 + Math.exp(-(logits[t * maxDuration + d] + durationBias[d]))));
            frames[t] = (int) Math.max(1, Math.rint(sum / speed));
        }
        return frames;
    }

    /** The F0 and energy curves, 2 x frames values each, for the encoded rows spread over frames ([frames, hidden + style]). */
    float[][] curves(Ops ops, float[] aligned, int frames, float[] s) {
        float[] x = shared.apply(ops, aligned, frames);
        return new float[][] {curve(ops, f0Blocks, f0Projection, x, frames, s), curve(ops, energyBlocks, energyProjection, x, frames, s)};
    }

    private static float[] curve(Ops ops, AdainResBlk1d[] blocks, Conv1d projection, float[] x, int frames, float[] s) {
        int steps = frames;
        for (AdainResBlk1d block : blocks) {
            x = block.apply(ops, x, steps, s);
            if (block.upsamples()) steps *= 2;
        }
        return projection.apply(ops, x, steps);
    }

    private float[] withStyle(float[] x, int steps, float[] s) {
        float[] out = new float[steps * (hidden + style)];
        for (int t = 0; t < steps; t++) {
            System.arraycopy(x, t * hidden, out, t * (hidden + style), hidden);
            System.arraycopy(s, 0, out, t * (hidden + style) + hidden, style);
        }
        return out;
    }
}
