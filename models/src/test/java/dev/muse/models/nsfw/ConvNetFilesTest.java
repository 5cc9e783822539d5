package dev.muse.models.nsfw;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.Ops;
import dev.muse.formats.FormatException;
import dev.muse.media.Picture;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small hand-made TensorFlow.js files: what each step computes, and layers Muse does not run refused by name. */
class ConvNetFilesTest {
    @TempDir Path dir;

    /** A 16x16 input, a 1x1 convolution to 5 channels (weights 1, biases 0..4), 16x16 average pool, softmax: known probabilities. */
    private void writeTinyModel(String extraLayer) throws Exception {
        String layers = "{\"class_name\":\"InputLayer\",\"name\":\"in\",\"config\":{\"batch_input_shape\":[null,16,16,3]},\"inbound_nodes\":[]},"
                + "{\"class_name\":\"Conv2D\",\"name\":\"conv\",\"config\":{\"filters\":5,\"kernel_size\":[1,1],\"strides\":[1,1],\"padding\":\"same\","
                + "\"activation\":\"linear\",\"use_bias\":true},\"inbound_nodes\":[[[\"in\",0,0,{}]]]},"
                + "{\"class_name\":\"AveragePooling2D\",\"name\":\"pool\",\"config\":{\"pool_size\":[16,16],\"strides\":[16,16],\"padding\":\"valid\"},"
                + "\"inbound_nodes\":[[[\"conv\",0,0,{}]]]},"
                + "{\"class_name\":\"Flatten\",\"name\":\"flat\",\"config\":{},\"inbound_nodes\":[[[\"pool\",0,0,{}]]]},"
                + "{\"class_name\":\"Activation\",\"name\":\"probs\",\"config\":{\"activation\":\"softmax\"},\"inbound_nodes\":[[[\"flat\",0,0,{}]]]}"
                + extraLayer;
        String out = extraLayer.isEmpty() ? "probs" : "extra";
        Files.writeString(dir.resolve("model.json"), "{\"modelTopology\":{\"model_config\":{\"class_name\":\"Model\",\"config\":{\"layers\":[" + layers
                + "],\"output_layers\":[[\"" + out + "\",0,0]]}}},\"weightsManifest\":[{\"paths\":[\"w\"],\"weights\":["
                + "{\"name\":\"conv/kernel\",\"shape\":[1,1,3,5],\"dtype\":\"float32\"},{\"name\":\"conv/bias\",\"shape\":[5],\"dtype\":\"float32\"}]}]}");
        ByteBuffer w = ByteBuffer.allocate(20 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 15; i++) w.putFloat(1);
        for (int i = 0; i < 5; i++) w.putFloat(i);
        Files.write(dir.resolve("w"), w.array());
    }

    @Test
    void aTinyLayersModelComputesWhatItSays() throws Exception {
        writeTinyModel("");
        NsfwClassifier classifier = NsfwClassifier.load(dir, Ops.cpu());
        assertEquals(16, classifier.inputSize());
        // a black picture: every channel sums 0, so the logits are the biases 0..4
        float[] p = classifier.classify(new Picture(16, 16, new byte[16 * 16 * 3]));
        double sum = 0;
        for (int i = 0; i < 5; i++) sum += Math.exp(i);
        for (int i = 0; i < 5; i++) assertEquals(Math.exp(i) / sum, p[i], 1e-6);
    }

    @Test
    void layersMuseDoesNotRunAreRefusedByName() throws Exception {
        writeTinyModel(",{\"class_name\":\"LSTM\",\"name\":\"extra\",\"config\":{},\"inbound_nodes\":[[[\"probs\",0,0,{}]]]}");
        FormatException e = assertThrows(FormatException.class, () -> NsfwClassifier.load(dir, Ops.cpu()));
        assertEquals("the layer extra is a LSTM, which Muse does not run", e.getMessage());
    }

    @Test
    void resizingAlignsCornersAsTensorFlowJsDoes() {
        // 2x2 -> 3x3 with aligned corners: the corners are kept and the centre is the mean
        float[] in = new float[12];
        for (int p = 0; p < 4; p++) in[p * 3] = p * 4;
        float[] out = NsfwClassifier.resizeAlignedCorners(in, 2, 2, 3, 3);
        assertEquals(0, out[0]);
        assertEquals(4, out[2 * 3]);
        assertEquals(8, out[6 * 3]);
        assertEquals(12, out[8 * 3]);
        assertEquals(6, out[4 * 3]);
    }
}
