package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.hub.ModelPaths;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyKokoro;
import dev.muse.testkit.TinyModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Speech through the engine on a random-weight Kokoro folder: pieces as they are made, voices, the refusals. */
class SpeakingTest {
    @TempDir static Path dir;
    static Engine engine;

    @BeforeAll
    static void start() throws Exception {
        Path kokoro = TinyKokoro.write(dir.resolve("kokoro"), TinyKokoro.Shape.SMALL, 7, "af_test");
        TinyKokoro.addVoice(kokoro, "bf_test", 8);
        TinyKokoro.addVoice(kokoro, "jf_test", 9);
        Path chat = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 5).write(dir.resolve("chat.gguf"));
        // watermarks off: these tests compare the synthesis itself piece by piece (a mark's payload is the whole speech's;
        // ProvenanceTest checks the marked sound)
        engine = new Engine(new Engine.Config(List.of(new ModelPaths("kokoro", kokoro, null), new ModelPaths("chat", chat, null)), null, 1L << 32,
                new Scheduler.Options(2, 64, 16), null, null, false));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static List<Event> events(Speaking speaking) throws InterruptedException {
        List<Event> out = new ArrayList<>();
        Event e;
        do out.add(e = speaking.next()); while (!e.last());
        return out;
    }

    @Test
    void saysTextPieceByPieceAndTheSameSeedSaysItTheSameWay() throws Exception {
        SpeechRequest request = SpeechRequest.of("kokoro", "Hello world. Muse speaks.").withPiecePhonemes(16);
        List<Event> events = events(engine.speak(request));
        List<Event.Audio> pieces = events.stream().filter(e -> e instanceof Event.Audio).map(e -> (Event.Audio) e).toList();
        assertEquals(2, pieces.size(), "a piece per sentence: " + pieces.stream().map(Event.Audio::phonemes).toList());
        assertEquals("Hello world.", pieces.get(0).text());
        assertEquals("həlˈO wˈɜɹld.", pieces.get(0).phonemes());
        assertEquals("mjˈuz spˈiks.", pieces.get(1).phonemes());
        assertEquals(24_000, pieces.get(0).sampleRate());
        assertTrue(pieces.get(0).samples().length > 0 && pieces.get(0).samples().length % 600 == 0, "600 samples a frame");
        Event.Spoken done = assertInstanceOf(Event.Spoken.class, events.getLast());
        assertEquals(2, done.pieces());
        assertEquals("af_test", done.voice(), "the folder's first voice, as it has no af_heart");
        assertEquals((pieces.get(0).samples().length + pieces.get(1).samples().length) / 24_000.0, done.seconds(), 1e-9);

        SpeechRequest first = SpeechRequest.of("kokoro", "Hello world.");
        float[] same = ((Event.Audio) events(engine.speak(first)).getFirst()).samples();
        double peak = 0;
        for (float v : same) peak = Math.max(peak, Math.abs(v));
        assertArrayEquals(pieces.get(0).samples(), same, (float) (1e-5 * peak), "the same seed, the same sound (to rounding: JIT-compiled kernels may round differently)");
        float[] otherSeed = ((Event.Audio) events(engine.speak(first.withSeed(5))).getFirst()).samples();
        assertFalse(java.util.Arrays.equals(pieces.get(0).samples(), otherSeed), "the seed moves the vocoder's noise");
        assertTrue(engine.model("kokoro").orElseThrow().outputs().contains(ModelInfo.Modality.AUDIO));
    }

    @Test
    void listsVoicesAndRefusesWhatItCannotSay() {
        assertEquals(List.of("af_test", "bf_test", "jf_test"), engine.voices("kokoro").names());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> engine.speak(SpeechRequest.of("kokoro", "hello").withVoice("af_nobody")));
        assertTrue(missing.getMessage().contains("af_test, bf_test, jf_test"), missing.getMessage());
        IllegalArgumentException traversal = assertThrows(IllegalArgumentException.class, () -> engine.speak(SpeechRequest.of("kokoro", "hello").withVoice("../af_test")));
        assertTrue(traversal.getMessage().contains("no voice"), traversal.getMessage());
        IllegalArgumentException japanese = assertThrows(IllegalArgumentException.class, () -> engine.speak(SpeechRequest.of("kokoro", "hello").withVoice("jf_test")));
        assertTrue(japanese.getMessage().contains("Japanese"), japanese.getMessage());
        IllegalArgumentException nothing = assertThrows(IllegalArgumentException.class, () -> engine.speak(SpeechRequest.of("kokoro", "### ##")));
        assertTrue(nothing.getMessage().contains("nothing to say"), nothing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SpeechRequest.of("kokoro", " "));
        assertThrows(IllegalArgumentException.class, () -> SpeechRequest.of("kokoro", "hi").withSpeed(9));
        CapabilityException chat = assertThrows(CapabilityException.class, () -> engine.speak(SpeechRequest.of("chat", "hello")));
        assertEquals(CapabilityException.Capability.SPEECH_SYNTHESIS, chat.missing());
        CapabilityException back = assertThrows(CapabilityException.class,
                () -> engine.chat(new ChatRequest("kokoro", List.of(ChatRequest.Message.of("user", "hi")), null, GenerationOptions.of(4, Sampling.greedy()))));
        assertTrue(back.getMessage().contains("speech synthesis model"), back.getMessage());
    }

    @Test
    void aBritishVoiceReadsWithTheBritishLexicon() throws Exception {
        List<Event> events = events(engine.speak(SpeechRequest.of("kokoro", "Hello").withVoice("bf_test")));
        assertEquals("bf_test", ((Event.Spoken) events.getLast()).voice());
    }
}
