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

/** Lstm against torch.nn.LSTM (golden/lstm: torch 1.13, weights read from its .pth by Muse's TorchCheckpoint). */
class LstmTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/lstm");

    @Test
    void bidirectionalAndUnidirectionalMatchPyTorch() throws Exception {
        Map<?, ?> expected = (Map<?, ?>) JsonValues.parse(Files.readString(GOLDEN.resolve("lstm.json")), "lstm.json");
        try (TorchCheckpoint file = TorchCheckpoint.open(GOLDEN.resolve("lstm.pth"))) {
            WeightShapes w = new WeightShapes(file, Ops.cpu());
            for (String name : List.of("bi", "uni")) {
                Lstm lstm = Lstm.load(w, name, 5, 4, name.equals("bi"));
                double[] input = file.doubles(name + ".input");
                float[] x = new float[input.length];
                for (int i = 0; i < x.length; i++) x[i] = (float) input[i];
                float[] y = lstm.apply(Ops.cpu(), x, 7);
                List<?> want = (List<?>) ((Map<?, ?>) expected.get(name)).get("values");
                assertEquals(want.size(), y.length, name);
                for (int i = 0; i < y.length; i++)
                    assertEquals(((Number) want.get(i)).doubleValue(), y[i], 2e-6, name + " output " + i);
            }
        }
    }
}
