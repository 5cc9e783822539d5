package dev.muse.models.nsfw;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.Ops;
import dev.muse.media.Picture;
import dev.muse.testkit.NsfwReference;
import dev.muse.testkit.Scenes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * nsfwjs' real classifiers (MobileNetV2 as a Keras layers model, its "mid" variant as a TensorFlow graph) read from
 * their npm bundles and run on Muse's ops, against TensorFlow.js running the same files in node on the same pixels:
 * every class probability within 1e-4.
 */
class NsfwClassifierGoldenTest {
    @TempDir Path scratch;

    @ParameterizedTest
    @CsvSource({"mobilenet_v2, MobileNetV2", "mobilenet_v2_mid, MobileNetV2Mid"})
    void probabilitiesMatchTensorFlowJs(String folder, String name) throws Exception {
        List<Picture> pictures = pictures();
        NsfwClassifier classifier = NsfwClassifier.load(NsfwReference.model(folder), Ops.cpu());
        assertEquals(224, classifier.inputSize());
        float[][] expected = NsfwReference.classify(name, pictures, scratch);
        assertEquals(pictures.size(), expected.length);
        for (int i = 0; i < pictures.size(); i++) {
            float[] actual = classifier.classify(pictures.get(i));
            assertEquals(5, actual.length);
            for (int c = 0; c < 5; c++)
                assertEquals(expected[i][c], actual[c], 1e-4, folder + " picture " + i + " " + NsfwClassifier.LABELS.get(c));
        }
    }

    /**
     * Photo-like scenes (resized down, and one already 224 x 224, which nsfwjs does not resize), noise, flat colour, skin
     * tones, shapes, and the abstract picture the screening tests use because MobileNetV2 flags it.
     */
    static List<Picture> pictures() {
        List<Picture> pictures = new ArrayList<>(List.of(Scenes.landscape(1), Scenes.landscape(2)));
        Picture scene = Scenes.landscape(3);
        byte[] crop = new byte[224 * 224 * 3];
        for (int y = 0; y < 224; y++) System.arraycopy(scene.rgb(), (y * scene.width()) * 3, crop, y * 224 * 3, 224 * 3);
        pictures.add(new Picture(224, 224, crop));
        Random random = new Random(4);
        byte[] noise = new byte[100 * 80 * 3];
        random.nextBytes(noise);
        pictures.add(new Picture(100, 80, noise));
        byte[] flat = new byte[64 * 64 * 3];
        java.util.Arrays.fill(flat, (byte) 128);
        pictures.add(new Picture(64, 64, flat));
        byte[] skin = new byte[300 * 400 * 3];
        for (int y = 0; y < 400; y++)
            for (int x = 0; x < 300; x++) {
                double d = Math.hypot((x - 150) / 120.0, (y - 220) / 160.0);
                int shade = d < 1 ? (int) (230 - 60 * d) : 40;
                skin[(y * 300 + x) * 3] = (byte) shade;
                skin[(y * 300 + x) * 3 + 1] = (byte) (shade * 0.75);
                skin[(y * 300 + x) * 3 + 2] = (byte) (shade * 0.62);
            }
        pictures.add(new Picture(300, 400, skin));
        byte[] shapes = new byte[256 * 192 * 3];
        for (int y = 0; y < 192; y++)
            for (int x = 0; x < 256; x++) {
                boolean ring = Math.abs(Math.hypot(x - 90, y - 96) - 50) < 4, box = x > 160 && x < 230 && y > 40 && y < 150;
                int v = ring ? 0 : box ? 200 : 255;
                shapes[(y * 256 + x) * 3] = (byte) v;
                shapes[(y * 256 + x) * 3 + 1] = (byte) (box ? 60 : v);
                shapes[(y * 256 + x) * 3 + 2] = (byte) (box ? 60 : v);
            }
        pictures.add(new Picture(256, 192, shapes));
        pictures.add(Scenes.flaggedBlobs()); // one MobileNetV2 misreads as explicit: the screening tests' flagged picture
        return pictures;
    }
}
