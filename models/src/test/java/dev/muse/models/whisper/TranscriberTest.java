package dev.muse.models.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.formats.TensorSource;
import dev.muse.formats.detect.WeightFiles;
import dev.muse.media.LogMel;
import dev.muse.models.Models;
import dev.muse.models.SpeechRecognizer;
import dev.muse.models.Transcript;
import dev.muse.models.TranscriptionOptions;
import dev.muse.testkit.TinyWhisper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transcriber's behaviour beyond the goldens: special tokens, prompts, refusals, fallback, progress, cancelling. */
class TranscriberTest {
    @TempDir static Path dir;
    static TensorSource multilingual, english;
    static Whisper whisper, whisperEn;
    static final float[] NOISE = noise(16000 * 3);

    @BeforeAll
    static void load() throws Exception {
        multilingual = WeightFiles.open(new TinyWhisper(TinyWhisper.Shape.TINY, GgmlType.Q8_0, 5).write(dir.resolve("m.bin")));
        english = WeightFiles.open(new TinyWhisper(TinyWhisper.Shape.TINY_EN, GgmlType.Q8_0, 5).write(dir.resolve("e.bin")));
        whisper = (Whisper) Models.load(multilingual);
        whisperEn = (Whisper) Models.load(english);
    }

    @AfterAll
    static void close() {
        multilingual.close();
        english.close();
    }

    @Test
    void specialTokensSitWhereWhisperCppPutsThem() {
        WhisperTokens en = WhisperTokens.of(51864), multi = WhisperTokens.of(51865), v3 = WhisperTokens.of(51866);
        assertEquals(List.of(50256, 50257, 50357, 50358, 50362, 50363), List.of(en.endOfText(), en.startOfTranscript(),
                en.translate(), en.transcribe(), en.noTimestamps(), en.timestampBegin()));
        assertEquals(List.of(50257, 50258, 50358, 50359, 50362, 50363, 50364), List.of(multi.endOfText(),
                multi.startOfTranscript(), multi.translate(), multi.transcribe(), multi.noSpeech(), multi.noTimestamps(),
                multi.timestampBegin()));
        assertEquals(List.of(50359, 50360, 50365), List.of(v3.translate(), v3.transcribe(), v3.timestampBegin()));
        assertEquals(50259, multi.language("en"));
        assertEquals(50358, v3.language("yue"), "large-v3's 100th language");
        assertThrows(IllegalArgumentException.class, () -> multi.language("yue"), "99 languages before large-v3");
        assertThrows(IllegalArgumentException.class, () -> en.language("en"));
        assertEquals(multi.timestampBegin() + 150, multi.timestamp(300), "3.00 s");
    }

    @Test
    void aPromptIsTokenisedByLongestPieces() {
        Transcriber transcriber = new Transcriber(whisper);
        String[] pieces = whisper.pieces();
        // TinyWhisper's pieces: single bytes, then base-26 letter strings (with a leading space every third id)
        List<Integer> tokens = transcriber.tokenize(" " + new String(pieces[3000].getBytes()).strip() + "!?");
        assertTrue(tokens.size() >= 2, tokens.toString());
        StringBuilder back = new StringBuilder();
        for (int id : tokens) back.append(pieces[id]);
        assertEquals(" " + pieces[3000].strip() + "!?", back.toString(), "the pieces spell the prompt again");
    }

    @Test
    void refusesWhatTheModelCannotDo() {
        SpeechRecognizer.Listener quiet = new SpeechRecognizer.Listener() {};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                whisperEn.transcribe(NOISE, TranscriptionOptions.DEFAULTS.withTranslate(true), quiet));
        assertTrue(e.getMessage().contains("English-only"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                whisperEn.transcribe(NOISE, TranscriptionOptions.DEFAULTS.withLanguage("de"), quiet));
        assertTrue(e.getMessage().contains("English-only"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                whisper.transcribe(NOISE, TranscriptionOptions.DEFAULTS.withLanguage("xx"), quiet));
        assertTrue(e.getMessage().contains("unknown language 'xx'"), e.getMessage());
    }

    /** Windows share the model's cross-attention memory: decoding a window encoded over since is refused, not wrong. */
    @Test
    void aWindowEncodedOverIsRefused() {
        var mel = whisper.logMel().compute(NOISE);
        Whisper.Encoded first = whisper.encode(mel, 0);
        var sequence = whisper.start(first);
        whisper.decode(sequence, new int[] {WhisperTokens.of(whisper.vocabularySize()).startOfTranscript()});
        Whisper.Encoded second = whisper.encode(mel, 0);
        assertThrows(IllegalStateException.class, () -> whisper.start(first));
        assertThrows(IllegalStateException.class, () -> whisper.decode(sequence, new int[] {0}));
        whisper.decode(whisper.start(second), new int[] {0});
    }

    @Test
    void fallsBackToHigherTemperaturesAndReportsProgress() {
        List<Double> progress = new ArrayList<>();
        List<Transcript.Segment> told = new ArrayList<>();
        // A log-probability threshold no random model reaches: every window falls back up to temperature 1.0
        TranscriptionOptions strict = new TranscriptionOptions("en", false, true, false, 0f, 0.5f, 2, 1, "fellow Americans",
                0f, 1f, 2.4f, 2.4f, 0, 0);
        Transcript transcript = whisper.transcribe(NOISE, strict, new SpeechRecognizer.Listener() {
            @Override public void segment(Transcript.Segment segment) { told.add(segment); }

            @Override public void progress(double fraction) { progress.add(fraction); }
        });
        assertEquals(transcript.segments(), told, "each segment is told as it is decided");
        assertEquals(0.0, progress.getFirst());
        assertEquals(1.0, progress.getLast());
        for (Transcript.Segment s : transcript.segments()) {
            assertEquals(1.0f, s.temperature(), "decoded at the last temperature");
            assertTrue(0 <= s.start() && s.start() <= s.end() && s.end() <= 3000, s.start() + " - " + s.end());
        }
    }

    @Test
    void cancellingStopsBetweenTokens() {
        int[] asked = {0};
        assertThrows(CancellationException.class, () -> whisper.transcribe(NOISE, TranscriptionOptions.DEFAULTS,
                new SpeechRecognizer.Listener() {
                    @Override public boolean cancelled() { return ++asked[0] > 3; }
                }));
        assertEquals(4, asked[0]);
    }

    @Test
    void timestampsOffMakeOneSegmentPerWindow() {
        Transcript t = whisper.transcribe(NOISE, TranscriptionOptions.DEFAULTS.withLanguage("en").withTimestamps(false)
                .withTemperature(0, 0), new SpeechRecognizer.Listener() {});
        assertEquals(1, t.segments().size());
        for (Transcript.Token token : t.segments().getFirst().tokens()) {
            assertTrue(token.id() < WhisperTokens.of(51865).timestampBegin(), "no timestamp tokens");
        }
    }

    private static float[] noise(int n) {
        java.util.Random random = new java.util.Random(3);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (0.1 * random.nextGaussian());
        return x;
    }

    @Test
    void beamSearchFindsAtLeastAsLikelyAWindowAsGreedyAndIsRepeatable() throws Exception {
        float[] speech = jfk();
        TranscriptionOptions greedy = TranscriptionOptions.DEFAULTS.withLanguage("en").withTemperature(0, 0);
        SpeechRecognizer.Listener quiet = new SpeechRecognizer.Listener() {};
        Transcript one = whisper.transcribe(speech, greedy, quiet);
        Transcript beams = whisper.transcribe(speech, greedy.withBeamSize(5), quiet);
        assertEquals(beams, whisper.transcribe(speech, greedy.withBeamSize(5), quiet), "the same beams each time");
        assertEquals(one, whisper.transcribe(speech, greedy.withBeamSize(1), quiet), "one beam is greedy decoding");
        assertTrue(!beams.segments().isEmpty());
        // Beams keep the candidates of highest summed log-probability; over the first window it is at least greedy's
        float firstGreedy = one.segments().getFirst().averageLogprob(), firstBeam = beams.segments().getFirst().averageLogprob();
        System.out.printf("first window's average log-probability: greedy %.3f, 5 beams %.3f%n", firstGreedy, firstBeam);
        assertTrue(firstBeam >= firstGreedy, "here greedy decoding loops (and fails) where the beams find a window");
        for (Transcript.Segment s : beams.segments()) assertTrue(s.start() <= s.end(), s.toString());
    }

    private static float[] jfk() {
        return Jfk.audio().samples();
    }

    /**
     * A released sequence's self-attention cache serves the next sequence (a beam search starts a copy per beam per
     * step: new caches each time grew the heap by gigabytes); a released sequence is not decoded again.
     */
    @Test
    void releasedSequencesLendTheirCachesToTheNext() {
        LogMel.Spectrogram mel = whisper.logMel().compute(NOISE);
        SpeechRecognizer.EncodedAudio audio = whisper.encode(mel, 0);
        Whisper.Sequence first = (Whisper.Sequence) whisper.start(audio), second = (Whisper.Sequence) whisper.start(audio);
        assertNotSame(first.self, second.self);
        float[] fresh = whisper.decode(first, new int[] {50258, 50259});
        first.release();
        first.release(); // twice does nothing
        assertThrows(IllegalStateException.class, () -> whisper.decode(first, new int[] {50258}));
        assertThrows(IllegalStateException.class, () -> second.copyPrefixFrom(first, 1));
        Whisper.Sequence third = (Whisper.Sequence) whisper.start(audio);
        assertSame(first.self, third.self, "the released cache is lent again");
        assertEquals(0, third.length(), "and starts empty");
        // as a new one, to rounding (two new caches' first decodes differ in the last bit too)
        org.junit.jupiter.api.Assertions.assertArrayEquals(fresh, whisper.decode(third, new int[] {50258, 50259}), 1e-4f,
                "a lent cache decodes as a new one");
        second.release();
        third.release();
    }
}
