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
 * Kokoro's decoder against the PyTorch modules (golden/kokoro-decoder: torch 1.13, written after kokoro/istftnet.py with
 * tiny widths, every parameter randomised): the generator's input, and the audio from it.
 */
class KokoroDecoderTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/kokoro-decoder");

    @Test
    void theDecoderMatchesPyTorch() throws Exception {
        List<?> want = (List<?>) ((Map<?, ?>) JsonValues.parse(Files.readString(GOLDEN.resolve("decoder.json")), "decoder.json")).get("audio");
        try (TorchCheckpoint file = TorchCheckpoint.open(GOLDEN.resolve("decoder.pth"))) {
            IstftNet.Config generator = new IstftNet.Config(8, new int[] {3}, new int[][] {{1, 3, 5}}, new int[] {2}, new int[] {4}, 12, 8, 2, 24000);
            KokoroDecoder decoder = KokoroDecoder.load(new WeightShapes(file, Ops.cpu()), "decoder", new KokoroDecoder.Config(10, 8, 16, 12, 4, generator));
            float[] s = IstftNetTest.floats(file, "style");
            float[] features = decoder.features(Ops.cpu(), IstftNetTest.floats(file, "asr"), 5, IstftNetTest.floats(file, "f0"),
                    IstftNetTest.floats(file, "n"), s);
            assertArrayEquals(IstftNetTest.floats(file, "features"), features, 2e-5f, "the generator's input");
            // the audio from PyTorch's own source features (their phase at a symmetric frame is pi or -pi by rounding noise)
            float[] audio = decoder.generator().generate(Ops.cpu(), features, 10, s, IstftNetTest.floats(file, "source_features"));
            assertEquals(want.size(), audio.length);
            double peak = 0;
            for (Object v : want) peak = Math.max(peak, Math.abs(((Number) v).doubleValue()));
            for (int i = 0; i < audio.length; i++) assertEquals(((Number) want.get(i)).doubleValue(), audio[i], 1e-4 * peak, "sample " + i);
        }
    }
}
