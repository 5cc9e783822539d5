package dev.muse.models.silero;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.muse.media.AudioDecoder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Muse's Silero VAD against ONNX Runtime itself, run here on the same weights (test scope only): jfk.wav, and sounds
 * made from it that a microphone meets (quiet speech under noise, speech between long silences, noise and a tone
 * with no speech). Every chunk's probability within 1e-5, and the same speech segments from either's probabilities.
 * SileroVadGoldenTest holds the segments on jfk.wav to silero-vad's own get_speech_timestamps.
 */
class SileroVadOnnxRuntimeTest {
    static final int RATE = SileroVad.SAMPLE_RATE;
    static OrtEnvironment environment;
    static OrtSession session;
    static SileroVad vad;
    static float[] jfk;

    enum Sound {
        JFK, QUIET_UNDER_NOISE, BETWEEN_SILENCES, NOISE_AND_TONE;

        float[] samples() {
            SplittableRandom random = new SplittableRandom(ordinal());
            return switch (this) {
                case JFK -> jfk.clone();
                case QUIET_UNDER_NOISE -> {
                    float[] out = new float[jfk.length];
                    for (int i = 0; i < out.length; i++) out[i] = 0.25f * jfk[i] + (float) (0.01 * random.nextGaussian());
                    yield out;
                }
                case BETWEEN_SILENCES -> {
                    int half = jfk.length / 2;
                    float[] out = new float[2 * RATE + half + 3 * RATE + (jfk.length - half) + RATE];
                    System.arraycopy(jfk, 0, out, 2 * RATE, half);
                    System.arraycopy(jfk, half, out, 5 * RATE + half, jfk.length - half);
                    yield out;
                }
                case NOISE_AND_TONE -> {
                    float[] out = new float[5 * RATE];
                    for (int i = 0; i < 4 * RATE; i++) out[i] = (float) (0.05 * random.nextGaussian());
                    for (int i = 4 * RATE; i < out.length; i++) out[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / RATE));
                    yield out;
                }
            };
        }
    }

    @BeforeAll
    static void load() throws Exception {
        Path file = Path.of(System.getProperty("muse.shared", "../shared"), "media", "jfk.wav");
        if (!Files.isRegularFile(file)) fail("test data missing: " + file.toAbsolutePath());
        jfk = new AudioDecoder().decode(file).samples();
        vad = SileroVadGoldenTest.model(); // fails when the weights are missing or not the expected ones
        environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            session = environment.createSession(SileroVadGoldenTest.MODEL.toString(), options);
        }
    }

    @AfterAll
    static void close() throws Exception {
        if (session != null) session.close();
    }

    @ParameterizedTest
    @EnumSource(Sound.class)
    void probabilitiesAndSegmentsMatchOnnxRuntime(Sound sound) throws Exception {
        float[] samples = sound.samples();
        float[] expected = onnxRuntime(samples), actual = vad.probabilities(samples);
        assertEquals(expected.length, actual.length, "one probability per 512 samples");
        double worst = 0;
        for (int i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        System.out.printf("%s: largest probability difference from ONNX Runtime %s: %.2g%n", sound, environment.getVersion(), worst);
        assertTrue(worst < 1e-5, sound + ": largest difference " + worst);
        List<SileroVad.Speech> segments = SileroVad.speech(actual, samples.length);
        assertEquals(SileroVad.speech(expected, samples.length), segments, sound + ": speech segments");
        switch (sound) {
            case NOISE_AND_TONE -> assertEquals(List.of(), segments, "no speech in noise and a tone");
            case BETWEEN_SILENCES -> assertTrue(segments.size() >= 2 && segments.getFirst().start() >= RATE
                    && segments.getLast().end() <= samples.length - RATE / 2, "speech found between the silences: " + segments);
            default -> assertTrue(!segments.isEmpty(), sound + ": speech found");
        }
    }

    /** silero-vad's OnnxWrapper: chunks of 512 samples after the previous 64, the state carried, the last zero-padded. */
    private static float[] onnxRuntime(float[] samples) throws Exception {
        int chunks = (samples.length + SileroVad.CHUNK - 1) / SileroVad.CHUNK;
        float[] probabilities = new float[chunks], state = new float[2 * 128], context = new float[SileroVad.CONTEXT];
        for (int c = 0; c < chunks; c++) {
            float[] input = new float[SileroVad.CONTEXT + SileroVad.CHUNK];
            System.arraycopy(context, 0, input, 0, SileroVad.CONTEXT);
            System.arraycopy(samples, c * SileroVad.CHUNK, input, SileroVad.CONTEXT, Math.min(SileroVad.CHUNK, samples.length - c * SileroVad.CHUNK));
            System.arraycopy(input, input.length - SileroVad.CONTEXT, context, 0, SileroVad.CONTEXT);
            try (OnnxTensor in = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input), new long[] {1, input.length});
                 OnnxTensor st = OnnxTensor.createTensor(environment, FloatBuffer.wrap(state), new long[] {2, 1, 128});
                 OnnxTensor sr = OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[] {RATE}), new long[] {});
                 OrtSession.Result result = session.run(Map.of("input", in, "state", st, "sr", sr))) {
                probabilities[c] = ((OnnxTensor) result.get("output").orElseThrow()).getFloatBuffer().get(0);
                FloatBuffer next = ((OnnxTensor) result.get("stateN").orElseThrow()).getFloatBuffer();
                state = new float[next.remaining()];
                next.get(state);
            }
        }
        return probabilities;
    }
}
