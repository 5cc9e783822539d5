package dev.muse.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Depthwise convolution, pooling and clamping: the fast paths against their scalar references, and small cases by hand. */
class DepthwiseKernelsTest {
    static final Ops OPS = Ops.cpu();

    static final ConvKernels.Conv[] SHAPES = {
            ConvKernels.Conv.same(9, 7, 5, 5, 3, 1, 1),             // channels below the vector width: the scalar tail only
            ConvKernels.Conv.same(14, 14, 96, 96, 3, 1, 1),         // MobileNet's stride-1 block
            new ConvKernels.Conv(15, 15, 144, 144, 3, 2, 0, 0, 1, 1), // its stride-2 block: TensorFlow's SAME pads right/bottom
            ConvKernels.Conv.same(7, 7, 37, 37, 7, 7, 0)};          // one window over the whole image

    @Test
    void depthwiseConvolutionMatchesItsReference() {
        Random random = new Random(3);
        for (ConvKernels.Conv c : SHAPES) {
            float[] weight = TensorContractTest.gaussian(random, c.kernel() * c.kernel() * c.inChannels(), 0.3f);
            float[] bias = TensorContractTest.gaussian(random, c.inChannels(), 0.1f);
            float[] in = TensorContractTest.gaussian(random, c.height() * c.width() * c.inChannels(), 1f);
            float[] expected = new float[c.outHeight() * c.outWidth() * c.inChannels()], actual = new float[expected.length];
            DepthwiseKernels.depthwiseConv2dReference(c, weight, bias, in, expected);
            OPS.depthwiseConv2d(c, weight, bias, in, actual);
            ConvKernelsTest.assertClose(expected, actual, 1e-5, c.toString());
            DepthwiseKernels.depthwiseConv2dReference(c, weight, null, in, expected);
            OPS.depthwiseConv2d(c, weight, null, in, actual);
            ConvKernelsTest.assertClose(expected, actual, 1e-5, "no bias " + c);
        }
    }

    @Test
    void aDepthwiseKernelSeesOnlyItsChannel() {
        // two channels, a 3x3 image, one 3x3 window with padding 1: the centre output of channel 0 sums all nine pixels
        ConvKernels.Conv c = ConvKernels.Conv.same(3, 3, 2, 2, 3, 1, 1);
        float[] in = new float[18], weight = new float[18], out = new float[18];
        for (int p = 0; p < 9; p++) {
            in[p * 2] = p + 1;
            in[p * 2 + 1] = 100;
            weight[p * 2] = 1;
        }
        OPS.depthwiseConv2d(c, weight, new float[] {0.5f, 0}, in, out);
        assertEquals(45.5f, out[4 * 2]);
        assertEquals(0f, out[4 * 2 + 1]);
        assertEquals(1 + 2 + 4 + 5 + 0.5f, out[0]); // the corner sees four pixels, the rest is padding
    }

    @Test
    void poolingMatchesItsReference() {
        Random random = new Random(5);
        for (ConvKernels.Conv c : SHAPES)
            for (boolean max : new boolean[] {false, true}) {
                float[] in = TensorContractTest.gaussian(random, c.height() * c.width() * c.inChannels(), 1f);
                float[] expected = new float[c.outHeight() * c.outWidth() * c.inChannels()], actual = new float[expected.length];
                DepthwiseKernels.pool2dReference(c, max, in, expected);
                OPS.pool2d(c, max, in, actual);
                ConvKernelsTest.assertClose(expected, actual, 1e-6, (max ? "max " : "avg ") + c);
            }
    }

    @Test
    void anAverageCountsOnlyPixelsInsideTheImage() {
        // TensorFlow's avg_pool with SAME padding: the corner window of a 2x2 image of ones averages to 1, not 4/9
        ConvKernels.Conv c = ConvKernels.Conv.same(2, 2, 1, 1, 3, 1, 1);
        float[] out = new float[4];
        OPS.pool2d(c, false, new float[] {1, 2, 3, 4}, out);
        assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f, 2.5f}, out);
        OPS.pool2d(c, true, new float[] {1, 2, 3, 4}, out);
        assertArrayEquals(new float[] {4, 4, 4, 4}, out);
    }

    @Test
    void clampMatchesItsReference() {
        float[] x = TensorContractTest.gaussian(new Random(7), 37, 5f), expected = x.clone();
        ActivationKernels.clampReference(expected, 2, 33, 0f, 6f);
        OPS.clamp(x, 2, 33, 0f, 6f);
        assertArrayEquals(expected, x);
    }

    @Test
    void channelsMustBeKept() {
        ConvKernels.Conv c = ConvKernels.Conv.same(3, 3, 2, 4, 3, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> OPS.pool2d(c, true, new float[18], new float[36]));
    }
}
