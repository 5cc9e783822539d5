package dev.muse.cli;

import static dev.muse.cli.CliTest.muse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.media.Audio;
import dev.muse.media.AudioDecoder;
import dev.muse.testkit.TinyKokoro;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `muse say` in process on a random-weight Kokoro folder in the cache: the WAV file, the voices, the refusals. */
class SayCommandTest {
    @TempDir Path dir;

    @RegisterExtension final MuseHome home = new MuseHome();

    @Test
    void writesSpeechToAWavFile() throws Exception {
        CliTest.Outcome none = muse("say", "hello");
        assertEquals(1, none.exitCode());
        assertTrue(none.err().contains("no speech synthesis model in") && none.err().contains("muse pull kokoro"), none.err());

        Path kokoro = TinyKokoro.write(Files.createDirectories(home.resolve("models")).resolve("kokoro"), TinyKokoro.Shape.SMALL, 7, "af_test");
        TinyKokoro.addVoice(kokoro, "bf_test", 8);
        CliTest.Outcome voices = muse("say", "--voices");
        assertEquals(0, voices.exitCode(), voices.err());
        assertEquals("af_test  (default)\nbf_test\n", voices.out());

        Path out = dir.resolve("hello.wav");
        CliTest.Outcome say = muse("say", "Hello world!", "-v", "bf_test", "--speed", "1.5", "-o", out.toString());
        assertEquals(0, say.exitCode(), say.err());
        assertTrue(say.err().contains("first audio after") && say.err().contains("(voice bf_test)") && say.err().contains("wrote " + out), say.err());
        Audio audio = new AudioDecoder().decode(Files.readAllBytes(out));
        assertEquals(24_000, audio.sampleRate());
        assertTrue(audio.samples().length > 0 && audio.samples().length % 600 == 0, audio.samples().length + " samples: whole frames of 600");

        Path flac = dir.resolve("hello.flac");
        CliTest.Outcome lossless = muse("say", "Hello world!", "-v", "bf_test", "--speed", "1.5", "-o", flac.toString());
        assertEquals(0, lossless.exitCode(), lossless.err());
        assertArrayEquals(audio.samples(), new AudioDecoder().decode(Files.readAllBytes(flac)).samples(), 4f / 32768, "a FLAC of the same speech (to rounding)");

        Path mp3 = dir.resolve("hello.mp3");
        CliTest.Outcome lossy = muse("say", "Hello world!", "-v", "bf_test", "--speed", "1.5", "-o", mp3.toString());
        assertEquals(0, lossy.exitCode(), lossy.err());
        Audio decoded = new AudioDecoder().decode(Files.readAllBytes(mp3));
        assertTrue(Math.abs(decoded.samples().length - audio.samples().length) < 3000, decoded.samples().length + " MP3 samples for " + audio.samples().length);
        CliTest.Outcome aac = muse("say", "Hello world!", "-o", dir.resolve("hello.aac").toString());
        assertEquals(1, aac.exitCode());
        assertTrue(aac.err().contains("a .wav, .flac, .mp3 or .opus file"), aac.err());

        CliTest.Outcome spanish = muse("say", "hola", "-v", "ef_nobody", "-o", out.toString());
        assertEquals(1, spanish.exitCode());
        assertTrue(spanish.err().contains("no voice is called \"ef_nobody\""), spanish.err());
        CliTest.Outcome nothing = muse("say");
        assertEquals(1, nothing.exitCode());
        assertTrue(nothing.err().contains("say what?"), nothing.err());
    }
}
