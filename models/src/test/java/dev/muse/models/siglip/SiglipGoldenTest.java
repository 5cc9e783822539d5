package dev.muse.models.siglip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.muse.engine.Ops;
import dev.muse.engine.GgmlType;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.testkit.Nmse;
import dev.muse.testkit.TinyVision;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each tiny tower of {@link TinyVision#goldenSet()} against llama.cpp's clip_image_encode on the same file and
 * the same synthetic image (golden/siglip/README.md says how the goldens were made).
 *
 * <p>Tolerances (normalised mean squared error): 1e-5 for F32 and F16 weights, where the measured NMSE is 1-4e-7
 * (llama.cpp looks GELU up in an F16 table, rounds activations to F16 for F16 weights and K/V to F16 in flash
 * attention; Muse keeps F32). 2e-4 for Q8_0 weights, measured 3e-5 (gemma3) and 1e-4 (idefics3): there
 * llama.cpp quantizes every matmul's activations to 8 bits, and that alone moves its Q8_0 output from its own
 * F32 output by 1e-4 (gemma3) and 2e-4 (idefics3); rounding Muse's activations the same way was tried and
 * agreed less (1.6e-4), since tiny upstream differences flip individual roundings.
 */
class SiglipGoldenTest {
    static double maxNmse(TinyVision tiny) { return tiny.type() == GgmlType.Q8_0 ? 2e-4 : 1e-5; }

    static Stream<TinyVision> towers() { return TinyVision.goldenSet().stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("towers")
    void matchesLlamaCpp(TinyVision tiny, @TempDir Path dir) throws IOException {
        float[] expected = golden(tiny.name());
        Path file = tiny.write(dir.resolve(tiny.name() + ".gguf"));
        try (GgufFile gguf = GgufFile.open(file)) {
            VisionEncoder encoder = VisionEncoder.load(gguf, Ops.cpu());
            int size = encoder.imageSize();
            float[] actual = encoder.encode(TinyVision.syntheticImage(size, size), size, size);
            assertEquals(tiny.tower().tokens() * TinyVision.PROJECTION_DIM, actual.length, "tokens x outputDim");
            assertEquals(expected.length, actual.length, "golden length");
            double nmse = Nmse.of(expected, actual);
            System.out.printf("%s: NMSE %.3g against llama.cpp%n", tiny.name(), nmse);
            assertTrue(nmse < maxNmse(tiny), tiny.name() + ": NMSE " + nmse + " against llama.cpp");
        }
    }

    /** The golden embeddings: raw little-endian float32, tokens x outputDim. */
    static float[] golden(String name) throws IOException {
        String resource = "/golden/siglip/" + name + ".f32";
        try (InputStream in = SiglipGoldenTest.class.getResourceAsStream(resource)) {
            if (in == null)
                fail("golden file " + resource + " is missing: write the tiny towers with `TinyVision DIR`, run the llama.cpp probe's "
                        + "`encode` mode on each (see models/src/test/resources/golden/siglip/README.md) and copy its --out file here");
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(values);
            return values;
        }
    }
}
