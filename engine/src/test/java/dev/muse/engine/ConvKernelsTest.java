package dev.muse.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The diffusion image operations against their definitions. */
class ConvKernelsTest {
    static final Ops OPS = Ops.cpu();

    /** A PyTorch [out][in][ky][kx] kernel as the channels-last matrix [out][(ky, kx, in)] the op takes. */
    static float[] channelsLast(float[] torch, int out, int in, int k) {
        float[] m = new float[torch.length];
        for (int o = 0; o < out; o++)
            for (int i = 0; i < in; i++)
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++) m[o * k * k * in + (ky * k + kx) * in + i] = torch[((o * in + i) * k + ky) * k + kx];
        return m;
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16"})
    void convolutionMatchesTheDefinition(GgmlType type) {
        Random random = new Random(type.id);
        ConvKernels.Conv[] shapes = {
                ConvKernels.Conv.same(9, 7, 5, 6, 3, 1, 1),            // odd sizes, channels off the vector width
                ConvKernels.Conv.same(20, 20, 32, 40, 3, 1, 1),        // more output pixels than one block of patches
                new ConvKernels.Conv(8, 6, 16, 16, 3, 2, 0, 0, 1, 1),  // diffusers' downsampler: stride 2, pad right/bottom
                ConvKernels.Conv.same(5, 4, 24, 8, 1, 1, 0)};          // 1x1: a shortcut or projection
        for (ConvKernels.Conv c : shapes) {
            float[] torch = TensorContractTest.gaussian(random, c.outChannels() * c.patch(), 0.2f);
            Tensor rounded = Tensor.fromFloats(type, torch);
            float[] values = new float[torch.length];
            rounded.dequantize(0, values, 0, values.length);
            try (Arena arena = Arena.ofConfined()) {
                Tensor weight = OPS.weight(Tensor.fromFloats(type, channelsLast(values, c.outChannels(), c.inChannels(), c.kernel())),
                        c.outChannels(), c.patch(), arena, (offset, length) -> {});
                float[] bias = TensorContractTest.gaussian(random, c.outChannels(), 0.1f);
                float[] in = TensorContractTest.gaussian(random, c.height() * c.width() * c.inChannels(), 1f);
                float[] expected = new float[c.outHeight() * c.outWidth() * c.outChannels()], actual = new float[expected.length];
                ConvKernels.conv2dReference(c, values, bias, in, expected);
                OPS.conv2d(c, weight, Tensor.fromFloats(GgmlType.F32, bias), in, actual);
                assertClose(expected, actual, 1e-5, type + " " + c);
            }
        }
    }

    /** Kernels as the backend lays them out (F32, F16), and as floats the 4 x 4 register tiles multiply (what 1-D convolutions load). */
    @ParameterizedTest
    @ValueSource(strings = {"F32", "F16", "floats"})
    void convolution1dWithStrideDilationAndPaddingMatchesTheDefinition(String form) {
        GgmlType type = form.equals("F16") ? GgmlType.F16 : GgmlType.F32;
        Random random = new Random(type.id + 7);
        ConvKernels.Conv1[] shapes = {
                new ConvKernels.Conv1(11, 5, 6, 3, 1, 1, 1, 1),     // 'same'
                new ConvKernels.Conv1(300, 12, 7, 3, 1, 5, 5, 5),   // dilation 5 (ISTFTNet's residual blocks), past one block
                new ConvKernels.Conv1(13, 6, 5, 7, 1, 3, 9, 9),     // dilation 3 over 13 steps: phases of 5, 4 and 4 output steps
                new ConvKernels.Conv1(6, 4, 9, 2, 1, 2, 1, 0),      // dilation 2, an even kernel, padding on one side, phases of 3
                new ConvKernels.Conv1(2000, 6, 5, 5, 1, 3, 6, 6),   // past two blocks of output steps, the last one short
                new ConvKernels.Conv1(40, 22, 16, 10, 5, 1, 3, 3),  // a strided noise convolution: kernel 2 x stride
                new ConvKernels.Conv1(9, 8, 4, 7, 1, 1, 3, 0)};     // padding on one side only
        for (ConvKernels.Conv1 c : shapes) {
            float[] torch = TensorContractTest.gaussian(random, c.outChannels() * c.patch(), 0.2f);
            float[] values = new float[torch.length];
            Tensor.fromFloats(type, torch).dequantize(0, values, 0, values.length);
            float[] matrix = new float[values.length]; // [out][in][tap] -> [out][(tap, in)]
            for (int o = 0; o < c.outChannels(); o++)
                for (int i = 0; i < c.inChannels(); i++)
                    for (int t = 0; t < c.kernel(); t++) matrix[o * c.patch() + t * c.inChannels() + i] = values[(o * c.inChannels() + i) * c.kernel() + t];
            try (Arena arena = Arena.ofConfined()) {
                Tensor weight = form.equals("floats") ? F32Tensor.ofFloats(matrix)
                        : OPS.weight(Tensor.fromFloats(type, matrix), c.outChannels(), c.patch(), arena, (offset, length) -> {});
                float[] bias = TensorContractTest.gaussian(random, c.outChannels(), 0.1f);
                float[] in = TensorContractTest.gaussian(random, c.steps() * c.inChannels(), 1f);
                float[] expected = new float[c.outSteps() * c.outChannels()], actual = new float[expected.length];
                ConvKernels.conv1dReference(c, values, bias, in, expected);
                OPS.conv1d(c, weight, Tensor.fromFloats(GgmlType.F32, bias), in, actual);
                assertClose(expected, actual, 1e-5, form + " " + c);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new ConvKernels.Conv1(4, 1, 1, 3, 1, 2, 0, 0));
    }

    /** Kernels as the backend lays them out (F32, F16), and as floats the 4 x 4 register tiles multiply (what 1-D convolutions load). */
    @ParameterizedTest
    @ValueSource(strings = {"F32", "F16", "floats"})
    void transposedConvolution1dMatchesTheDefinition(String form) {
        GgmlType type = form.equals("F16") ? GgmlType.F16 : GgmlType.F32;
        Random random = new Random(type.id + 11);
        ConvKernels.Conv1Transposed[] shapes = {
                new ConvKernels.Conv1Transposed(7, 6, 4, 10, 5, 2, 0),   // ISTFTNet's upsampler: kernel 2 x rate, padding (k - u) / 2
                new ConvKernels.Conv1Transposed(30, 16, 9, 12, 6, 3, 0),
                new ConvKernels.Conv1Transposed(2730, 2, 64, 12, 6, 3, 0), // blocks of 682 input steps, the last of 2
                new ConvKernels.Conv1Transposed(5, 3, 3, 3, 2, 1, 1)};   // output padding
        for (ConvKernels.Conv1Transposed c : shapes) {
            float[] torch = TensorContractTest.gaussian(random, c.inChannels() * c.outChannels() * c.kernel(), 0.2f);
            float[] values = new float[torch.length];
            Tensor.fromFloats(type, torch).dequantize(0, values, 0, values.length);
            int oc = c.outChannels(), ic = c.inChannels(), k = c.kernel();
            float[] matrix = new float[values.length]; // [in][out][tap] -> [(tap, out)][in]
            for (int i = 0; i < ic; i++)
                for (int o = 0; o < oc; o++)
                    for (int t = 0; t < k; t++) matrix[(t * oc + o) * ic + i] = values[(i * oc + o) * k + t];
            try (Arena arena = Arena.ofConfined()) {
                Tensor weight = form.equals("floats") ? F32Tensor.ofFloats(matrix)
                        : OPS.weight(Tensor.fromFloats(type, matrix), k * oc, ic, arena, (offset, length) -> {});
                float[] bias = TensorContractTest.gaussian(random, oc, 0.1f);
                float[] in = TensorContractTest.gaussian(random, c.steps() * ic, 1f);
                float[] expected = new float[c.outSteps() * oc], actual = new float[expected.length];
                ConvKernels.convTranspose1dReference(c, values, bias, in, expected);
                OPS.convTranspose1d(c, weight, Tensor.fromFloats(GgmlType.F32, bias), in, actual);
                assertClose(expected, actual, 1e-5, form + " " + c);
            }
        }
    }

    @Test
    void groupNormMatchesTheDefinition() {
        Random random = new Random(3);
        int pixels = 37, channels = 64, groups = 32;
        float[] x = TensorContractTest.gaussian(random, pixels * channels, 2f);
        for (int i = 0; i < x.length; i++) x[i] += 5f; // an offset, so a naive E[x^2] - mean^2 would lose digits
        Tensor weight = Tensor.fromFloats(GgmlType.F32, TensorContractTest.gaussian(random, channels, 1f));
        Tensor bias = Tensor.fromFloats(GgmlType.F32, TensorContractTest.gaussian(random, channels, 1f));
        float[] expected = new float[x.length], actual = x.clone();
        ConvKernels.groupnormReference(expected, x, pixels, channels, groups, weight, bias, 1e-6f);
        OPS.groupnorm(actual, actual, pixels, channels, groups, weight, bias, 1e-6f);
        assertClose(expected, actual, 1e-5, "groupnorm in place");
        assertThrows(IllegalArgumentException.class, () -> OPS.groupnorm(actual, x, pixels, channels, 24, weight, bias, 1e-6f));
    }

    /** Within {@code relative} of each value or of the values' root mean square, whichever is larger (sums cancel). */
    static void assertClose(float[] expected, float[] actual, double relative, String what) {
        double squares = 0;
        for (float e : expected) squares += (double) e * e;
        double rms = Math.sqrt(squares / expected.length);
        for (int i = 0; i < expected.length; i++) {
            double tolerance = relative * Math.max(Math.abs(expected[i]), rms);
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
                throw new AssertionError(what + " [" + i + "]: " + actual[i] + " vs " + expected[i] + " (rms " + rms + ")");
            }
        }
    }

    @Test
    void impossibleShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ConvKernels.Conv.same(2, 2, 3, 3, 5, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> ConvKernels.Conv.same(4, 4, 0, 3, 3, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> ConvKernels.Conv.same(4, 4, 3, 3, 3, 0, 1));
    }
}
