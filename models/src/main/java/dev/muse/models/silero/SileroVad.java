package dev.muse.models.silero;

import dev.muse.formats.FormatException;
import dev.muse.formats.onnx.OnnxTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Silero VAD v5 (MIT; the ONNX file npm's {@code @ricky0123/vad-web} ships), its 16 kHz model on Muse's own code: the
 * probability that each 32 ms chunk (512 samples) holds speech, and the speech segments silero-vad's
 * get_speech_timestamps finds in them. The forward pass follows the ONNX graph's 16 kHz branch: 64 samples of
 * context before the chunk, reflect-padded by 64 on the right, an STFT as a convolution with the file's basis
 * (magnitude of 129 bins over 4 frames), four convolutions with ReLU, one LSTM step that carries its state to the
 * next chunk, and ReLU, a 1x1 convolution and a sigmoid. The golden test holds it to ONNX Runtime on jfk.wav.
 */
public final class SileroVad {
    public static final int SAMPLE_RATE = 16000;
    /** Samples per chunk, and of context from the chunk before. */
    public static final int CHUNK = 512, CONTEXT = 64;
    private static final String PREFIX = "If_0_then_branch__Inline_0__"; // the 16 kHz branch of the graph's If
    private static final int HIDDEN = 128, BINS = 129, WINDOW = 256, HOP = 128;

    private final float[] basis; // [258][256]: cos rows then -sin rows, Hann-windowed
    private final Conv[] encoder;
    private final float[] wIh, wHh, bIh, bHh; // [512][128], [512][128], [512], [512]: gates i, f, g, o
    private final float[] head; // [128]
    private final float headBias;

    /** A width-3 (or 1) convolution with padding 1 and a stride, weights [out][in][k]. */
    private record Conv(float[] weight, float[] bias, int in, int out, int stride) {}

    private SileroVad(Map<String, OnnxTensors.Floats> t) {
        basis = take(t, "stft.forward_basis_buffer", 258, 1, 256);
        encoder = new Conv[] {conv(t, 0, 129, 128, 1), conv(t, 1, 128, 64, 2), conv(t, 2, 64, 64, 2), conv(t, 3, 64, 128, 1)};
        wIh = take(t, "decoder.rnn.weight_ih", 4 * HIDDEN, HIDDEN);
        wHh = take(t, "decoder.rnn.weight_hh", 4 * HIDDEN, HIDDEN);
        bIh = take(t, "decoder.rnn.bias_ih", 4 * HIDDEN);
        bHh = take(t, "decoder.rnn.bias_hh", 4 * HIDDEN);
        head = take(t, "decoder.decoder.2.weight", 1, HIDDEN, 1);
        headBias = take(t, "decoder.decoder.2.bias", 1)[0];
    }

    /** Reads the weights from a Silero VAD v5 (or v6) ONNX file. */
    public static SileroVad load(Path onnx) throws IOException {
        return new SileroVad(OnnxTensors.read(onnx));
    }

    private static Conv conv(Map<String, OnnxTensors.Floats> t, int layer, int in, int out, int stride) {
        String name = "encoder." + layer + ".reparam_conv.";
        return new Conv(take(t, name + "weight", out, in, 3), take(t, name + "bias", out), in, out, stride);
    }

    private static float[] take(Map<String, OnnxTensors.Floats> t, String name, long... shape) {
        OnnxTensors.Floats f = t.get(PREFIX + name);
        if (f == null) throw new FormatException("not a Silero VAD v5 model: it has no tensor " + name);
        if (!java.util.Arrays.equals(f.dims(), shape))
            throw new FormatException("tensor " + name + " should be " + java.util.Arrays.toString(shape) + " but is " + java.util.Arrays.toString(f.dims()));
        return f.values();
    }

    /** One stream's memory between chunks: the LSTM's h and c, and the last 64 samples. */
    public static final class State {
        final float[] h = new float[HIDDEN], c = new float[HIDDEN], context = new float[CONTEXT];
    }

    /** The speech probability of one chunk of {@value #CHUNK} samples (16 kHz), advancing {@code state}. */
    public float probability(float[] chunk, int offset, State state) {
        // 64 samples of context, the chunk, and 64 more mirrored from its end (not repeating the last sample)
        int length = CONTEXT + CHUNK;
        float[] x = new float[length + CONTEXT];
        System.arraycopy(state.context, 0, x, 0, CONTEXT);
        System.arraycopy(chunk, offset, x, CONTEXT, CHUNK);
        for (int j = 0; j < CONTEXT; j++) x[length + j] = x[length - 2 - j];
        System.arraycopy(x, length - CONTEXT, state.context, 0, CONTEXT);

        // STFT by the file's basis: 4 frames of 256 samples, hop 128; magnitude of 129 bins
        int frames = (x.length - WINDOW) / HOP + 1;
        float[] magnitude = new float[BINS * frames]; // [bin][frame]
        for (int f = 0; f < frames; f++) {
            for (int k = 0; k < BINS; k++) {
                float re = 0, im = 0;
                for (int n = 0; n < WINDOW; n++) {
                    re += basis[k * WINDOW + n] * x[f * HOP + n];
                    im += basis[(k + BINS) * WINDOW + n] * x[f * HOP + n];
                }
                magnitude[k * frames + f] = (float) Math.sqrt(re * re + im * im);
            }
        }

        // Encoder: four convolutions with ReLU
        float[] h = magnitude;
        int steps = frames;
        for (Conv conv : encoder) {
            int outSteps = (steps + 2 - 3) / conv.stride() + 1;
            float[] out = new float[conv.out() * outSteps];
            for (int o = 0; o < conv.out(); o++) {
                for (int t = 0; t < outSteps; t++) {
                    float sum = conv.bias()[o];
                    for (int i = 0; i < conv.in(); i++) {
                        for (int k = 0; k < 3; k++) {
                            int at = t * conv.stride() + k - 1;
                            if (at >= 0 && at < steps) sum += conv.weight()[(o * conv.in() + i) * 3 + k] * h[i * steps + at];
                        }
                    }
                    out[o * outSteps + t] = Math.max(0, sum);
                }
            }
            h = out;
            steps = outSteps;
        }

        // One LSTM step: gates i, f, g, o from the input and the previous h
        float[] gates = new float[4 * HIDDEN];
        for (int r = 0; r < 4 * HIDDEN; r++) {
            float sum = bIh[r] + bHh[r];
            for (int j = 0; j < HIDDEN; j++) sum += wIh[r * HIDDEN + j] * h[j] + wHh[r * HIDDEN + j] * state.h[j];
            gates[r] = sum;
        }
        float logit = headBias;
        for (int j = 0; j < HIDDEN; j++) {
            float i = sigmoid(gates[j]), f = sigmoid(gates[HIDDEN + j]), g = (float) Math.tanh(gates[2 * HIDDEN + j]);
            float o = sigmoid(gates[3 * HIDDEN + j]);
            state.c[j] = f * state.c[j] + i * g;
            state.h[j] = o * (float) Math.tanh(state.c[j]);
            logit += head[j] * Math.max(0, state.h[j]); // the head reads ReLU(h); the state keeps h as it is
        }
        return sigmoid(logit);
    }

    private static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    /** Every chunk's speech probability, from the start of {@code samples} (16 kHz); the last chunk zero-padded. */
    public float[] probabilities(float[] samples) {
        int chunks = (samples.length + CHUNK - 1) / CHUNK;
        float[] out = new float[chunks];
        State state = new State();
        float[] chunk = new float[CHUNK];
        for (int c = 0; c < chunks; c++) {
            java.util.Arrays.fill(chunk, 0);
            System.arraycopy(samples, c * CHUNK, chunk, 0, Math.min(CHUNK, samples.length - c * CHUNK));
            out[c] = probability(chunk, 0, state);
        }
        return out;
    }

    /** A stretch of speech, in samples from the start: [start, end). */
    public record Speech(int start, int end) {}

    /**
     * silero-vad's get_speech_timestamps with its defaults: speech starts at a chunk of probability 0.5 or more and
     * ends at the first chunk below 0.35 followed by 100 ms without speech; stretches under 250 ms are dropped; each
     * is padded by 30 ms (half the gap when two are closer than 60 ms).
     */
    public static List<Speech> speech(float[] probabilities, int samples) {
        double threshold = 0.5, negative = threshold - 0.15;
        int minSpeech = SAMPLE_RATE * 250 / 1000, minSilence = SAMPLE_RATE * 100 / 1000, pad = SAMPLE_RATE * 30 / 1000;
        List<int[]> found = new ArrayList<>();
        boolean triggered = false;
        int start = 0, tentativeEnd = 0;
        for (int i = 0; i < probabilities.length; i++) {
            double p = probabilities[i];
            int at = CHUNK * i;
            if (p >= threshold && tentativeEnd != 0) tentativeEnd = 0;
            if (p >= threshold && !triggered) {
                triggered = true;
                start = at;
                continue;
            }
            if (p < negative && triggered) {
                if (tentativeEnd == 0) tentativeEnd = at;
                if (at - tentativeEnd < minSilence) continue;
                if (tentativeEnd - start > minSpeech) found.add(new int[] {start, tentativeEnd});
                tentativeEnd = 0;
                triggered = false;
            }
        }
        if (triggered && samples - start > minSpeech) found.add(new int[] {start, samples});
        for (int i = 0; i < found.size(); i++) {
            int[] s = found.get(i);
            if (i == 0) s[0] = Math.max(0, s[0] - pad);
            if (i != found.size() - 1) {
                int[] next = found.get(i + 1);
                int silence = next[0] - s[1];
                if (silence < 2 * pad) {
                    s[1] += silence / 2;
                    next[0] = Math.max(0, next[0] - silence / 2);
                } else {
                    s[1] = Math.min(samples, s[1] + pad);
                    next[0] = Math.max(0, next[0] - pad);
                }
            } else {
                s[1] = Math.min(samples, s[1] + pad);
            }
        }
        List<Speech> out = new ArrayList<>();
        for (int[] s : found) out.add(new Speech(s[0], s[1]));
        return out;
    }
}
