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

/** Conv1d and ConvTranspose1d against PyTorch's (golden/conv1d: torch 1.13): weight norm under both of PyTorch's names, dilation, stride. */
class Conv1dTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/conv1d");

    @Test
    void weightNormedDilatedAndStridedConvolutionsMatchPyTorch() throws Exception {
        Map<?, ?> expected = (Map<?, ?>) JsonValues.parse(Files.readString(GOLDEN.resolve("conv1d.json")), "conv1d.json");
        try (TorchCheckpoint file = TorchCheckpoint.open(GOLDEN.resolve("conv1d.pth"))) {
            WeightShapes w = new WeightShapes(file, Ops.cpu());
            double[] input = file.doubles("input");
            float[] x = new float[input.length];
            for (int i = 0; i < x.length; i++) x[i] = (float) input[i];
            for (String name : List.of("normed", "parametrized")) {
                float[] y = Conv1d.load(w, name, 6, 5, 3, 1, 3, 3).apply(Ops.cpu(), x, 13);
                assertClose((List<?>) expected.get("normed"), y, name);
                float[] z = Conv1d.load(w, "plain", 5, 4, 4, 2, 1, 1).apply(Ops.cpu(), y, 13);
                assertClose((List<?>) expected.get("plain"), z, "plain after " + name);
            }
        }
    }

    @Test
    void aWeightNormedTransposedConvolutionMatchesPyTorch() throws Exception {
        Map<?, ?> expected = (Map<?, ?>) JsonValues.parse(Files.readString(GOLDEN.resolve("up.json")), "up.json");
        try (TorchCheckpoint file = TorchCheckpoint.open(GOLDEN.resolve("up.pth"))) {
            double[] input = file.doubles("up_input");
            float[] x = new float[input.length];
            for (int i = 0; i < x.length; i++) x[i] = (float) input[i];
            ConvTranspose1d up = ConvTranspose1d.load(new WeightShapes(file, Ops.cpu()), "up", 6, 4, 10, 5, 2);
            assertClose((List<?>) expected.get("up"), up.apply(Ops.cpu(), x, 7), "upsampled");
        }
    }

    private static void assertClose(List<?> want, float[] got, String what) {
        assertEquals(want.size(), got.length, what);
        for (int i = 0; i < got.length; i++) assertEquals(((Number) want.get(i)).doubleValue(), got[i], 2e-5, what + " value " + i);
    }
}
