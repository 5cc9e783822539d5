package dev.muse.models.nn;

import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;

/** The gated feed-forward block of Llama (SwiGLU) and Gemma (GeGLU): down · (act(gate · x) * (up · x)). */
public final class FeedForward {
    /** The activation applied to the gate: SiLU (Llama, Qwen) or GELU with the tanh approximation (Gemma). */
    public enum Activation { SILU, GELU }

    private FeedForward() {}

    /**
     * out[rows, dim] = down · (act(gate · x) * (up · x)) for x[rows, dim]; gate and up are scratch arrays of at
     * least rows x ffn floats (passed in so a forward pass allocates them once).
     */
    public static void gated(Ops ops, Activation activation, Tensor gateWeight, Tensor upWeight, Tensor downWeight,
                             float[] x, float[] out, float[] gate, float[] up, int rows, int dim, int ffn) {
        ops.matmul(x, rows, dim, new Tensor[] {gateWeight, upWeight}, new float[][] {gate, up}, new int[] {ffn, ffn});
        switch (activation) {
            case SILU -> ops.silu(gate, 0, rows * ffn);
            case GELU -> ops.gelu(gate, 0, rows * ffn);
        }
        ops.mul(gate, 0, gate, 0, up, 0, rows * ffn);
        ops.matmul(downWeight, gate, rows, out, dim, ffn);
    }
}
