package dev.muse.models.nn;

import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;

/**
 * PyTorch's {@code nn.LSTM}, one layer, over one sequence whose rows are time steps: unidirectional, or bidirectional
 * with each step's forward and backward states side by side ([steps, 2 x hidden]), as Kokoro's text encoder and
 * prosody predictor use it. Gates in PyTorch's order (input, forget, cell, output):
 * c' = f * c + i * g, h' = o * tanh(c'), from zero states. The input's part of every step's gates is one matrix
 * product over all steps; each step then adds the recurrent part, a product with the previous state.
 */
public record Lstm(Direction forward, Direction backward, int in, int hidden) {
    /** One direction's weights: input [4H, in], recurrent [4H, H], and the two biases summed. */
    public record Direction(Tensor input, Tensor recurrent, float[] bias) {}

    /** Loads prefix.weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, and their _reverse twins when bidirectional. */
    public static Lstm load(WeightShapes w, String prefix, int in, int hidden, boolean bidirectional) {
        return new Lstm(direction(w, prefix, "", in, hidden), bidirectional ? direction(w, prefix, "_reverse", in, hidden) : null, in, hidden);
    }

    private static Direction direction(WeightShapes w, String prefix, String suffix, int in, int hidden) {
        int gates = 4 * hidden;
        float[] bias = new float[gates], other = new float[gates];
        w.vector(prefix + ".bias_ih_l0" + suffix, gates).dequantize(0, bias, 0, gates);
        w.vector(prefix + ".bias_hh_l0" + suffix, gates).dequantize(0, other, 0, gates);
        for (int i = 0; i < gates; i++) bias[i] += other[i];
        return new Direction(w.matrix(prefix + ".weight_ih_l0" + suffix, gates, in), w.matrix(prefix + ".weight_hh_l0" + suffix, gates, hidden), bias);
    }

    /** Width of each output row: hidden, or twice that when bidirectional. */
    public int outputWidth() { return backward == null ? hidden : 2 * hidden; }

    /** The states of every step, [steps, outputWidth], for x [steps, in]. */
    public float[] apply(Ops ops, float[] x, int steps) {
        float[] out = new float[steps * outputWidth()];
        run(ops, forward, x, steps, false, out, 0);
        if (backward != null) run(ops, backward, x, steps, true, out, hidden);
        return out;
    }

    private void run(Ops ops, Direction d, float[] x, int steps, boolean reverse, float[] out, int column) {
        int gates = 4 * hidden, width = outputWidth();
        float[] fromInput = new float[steps * gates];
        ops.matmul(d.input(), x, steps, fromInput, gates, in);
        float[] h = new float[hidden], c = new float[hidden], g = new float[gates];
        for (int k = 0; k < steps; k++) {
            int t = reverse ? steps - 1 - k : k;
            ops.matmul(d.recurrent(), h, 1, g, gates, hidden);
            for (int j = 0; j < gates; j++) g[j] += fromInput[t * gates + j] + d.bias()[j];
            for (int j = 0; j < hidden; j++) {
                float i = sigmoid(g[j]), f = sigmoid(g[hidden + j]), cell = (float) Math.tanh(g[2 * hidden + j]), o = sigmoid(g[3 * hidden + j]);
                c[j] = f * c[j] + i * cell;
                h[j] = o * (float) Math.tanh(c[j]);
            }
            System.arraycopy(h, 0, out, t * width + column, hidden);
        }
    }

    private static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }
}
