package dev.muse.models.kokoro;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.Ops;
import dev.muse.formats.JsonValues;
import dev.muse.formats.pytorch.TorchCheckpoint;
import dev.muse.models.nn.WeightShapes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Kokoro's ISTFTNet generator, harmonic source included, against the PyTorch modules (golden/istftnet: torch 1.13, a
 * tiny configuration with every parameter randomised, the source's random numbers saved with the weights).
 */
class IstftNetTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/istftnet");

    static IstftNet load(TorchCheckpoint file) {
        IstftNet.Config config = new IstftNet.Config(8, new int[] {3, 7}, new int[][] {{1, 3, 5}, {1, 3, 5}}, new int[] {2, 2}, new int[] {4, 4},
                16, 8, 2, 24000);
        return IstftNet.load(new WeightShapes(file, Ops.cpu()), "gen", config);
    }

    @Test
    void theHarmonicSourceMatchesPyTorch() throws Exception {
        try (TorchCheckpoint file = TorchCheckpoint.open(GOLDEN.resolve("generator.pth"))) {
            float[] excitation = load(file).excitation(floats(file, "f0"), floats(file, "phases"), floats(file, "noise"));
            assertArrayEquals(floats(file, "excitation"), excitation, 2e-6f);
        }
    }

    @Test
    void audioFromTheSourceFeaturesMatchesPyTorch() throws Exception {
        List<?> want = (List<?>) ((Map<?, ?>) JsonValues.parse(Files.readString(GOLDEN.resolve("generator.json")), "generator.json")).get("audio");
        try (TorchCheckpoint file = TorchCheckpoint.open(GOLDEN.resolve("generator.pth"))) {
            float[] audio = load(file).generate(Ops.cpu(), floats(file, "x"), 6, floats(file, "style"), floats(file, "features"));
            assertEquals(want.size(), audio.length);
            double peak = 0;
            for (Object v : want) peak = Math.max(peak, Math.abs(((Number) v).doubleValue()));
            for (int i = 0; i < audio.length; i++)
                assertEquals(((Number) want.get(i)).doubleValue(), audio[i], 1e-4 * peak, "sample " + i);
        }
    }

    /** Muse's own features of the excitation: PyTorch's, but where a bin's phase is pi against -pi (a symmetric frame). */
    @Test
    void theSourceFeaturesMatchPyTorchUpToThePhaseOfSymmetricFrames() throws Exception {
        try (TorchCheckpoint file = TorchCheckpoint.open(GOLDEN.resolve("generator.pth"))) {
            float[] want = floats(file, "features"), got = load(file).sourceFeatures(floats(file, "excitation"));
            assertEquals(want.length, got.length);
            int bins = 5;
            for (int i = 0; i < got.length; i++) {
                boolean phase = i % (2 * bins) >= bins;
                double difference = Math.abs(want[i] - got[i]);
                if (phase) difference = Math.min(difference, Math.abs(difference - 2 * Math.PI)); // pi and -pi are one angle
                assertTrue(difference < 1e-4, "feature " + i + ": " + want[i] + " against " + got[i]);
            }
        }
    }

    static float[] floats(TorchCheckpoint file, String name) {
        double[] d = file.doubles(name);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
