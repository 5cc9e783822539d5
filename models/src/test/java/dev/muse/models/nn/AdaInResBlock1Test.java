package dev.muse.models.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.Ops;
import dev.muse.formats.JsonValues;
import dev.muse.formats.pytorch.TorchCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AdaInResBlock1 (AdaIN1d, Snake, weight-normed dilated Conv1d) against the PyTorch block (golden/adain: torch 1.13). */
class AdaInResBlock1Test {
    static final Path GOLDEN = Path.of("src/test/resources/golden/adain");

    @Test
    void theResidualBlockMatchesPyTorch() throws Exception {
        List<?> want = (List<?>) ((Map<?, ?>) JsonValues.parse(Files.readString(GOLDEN.resolve("adain.json")), "adain.json")).get("output");
        try (TorchCheckpoint file = TorchCheckpoint.open(GOLDEN.resolve("adain.pth"))) {
            WeightShapes w = new WeightShapes(file, Ops.cpu());
            AdaInResBlock1 block = AdaInResBlock1.load(w, "block", 6, 3, new int[] {1, 3, 5}, 8);
            float[] x = floats(file.doubles("input")), s = floats(file.doubles("style"));
            float[] y = block.apply(Ops.cpu(), x, 17, s);
            assertEquals(want.size(), y.length);
            for (int i = 0; i < y.length; i++) assertEquals(((Number) want.get(i)).doubleValue(), y[i], 5e-5, "output " + i);
        }
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
