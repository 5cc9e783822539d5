package dev.muse.models.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.formats.FormatException;
import dev.muse.formats.TensorSource;
import dev.muse.formats.detect.WeightFiles;
import dev.muse.formats.ggml.WhisperGgmlFile;
import dev.muse.models.Decoder;
import dev.muse.models.Model;
import dev.muse.models.Models;
import dev.muse.models.SpeechRecognizer;
import dev.muse.testkit.TinyWhisper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * whisper.cpp model files as Muse reads them: the hyper-parameters, mel filters and vocabulary of a valid file, and
 * damaged files (fields set to absurd values, bytes overwritten, cut anywhere) that must load or fail with a
 * {@link FormatException} naming the problem, never crash or allocate what the header claims.
 */
class WhisperFileTest {
    @TempDir static Path dir;
    static byte[] valid;

    @BeforeAll
    static void write() throws Exception {
        valid = Files.readAllBytes(new TinyWhisper(TinyWhisper.Shape.TINY, GgmlType.Q8_0, 3).write(dir.resolve("valid.bin")));
    }

    @Test
    void readsWhatTheFileHolds() throws Exception {
        try (TensorSource source = WeightFiles.open(dir.resolve("valid.bin"))) {
            assertInstanceOf(WhisperGgmlFile.class, source);
            Model model = Models.load(source);
            assertEquals("whisper", model.architecture());
            assertTrue(model.as(SpeechRecognizer.class).isPresent(), "a Whisper model offers speech recognition");
            assertTrue(model.as(Decoder.class).isEmpty(), "and is not a text decoder");
            WhisperConfig c = ((Whisper) model).config();
            assertEquals(51865, c.vocabularySize());
            assertEquals(1500, c.audioContext());
            assertEquals(64, c.audioState());
            assertEquals(3, c.textLayers());
            assertEquals(80, c.melBins());
            assertEquals(7, c.fileType(), "whisper.cpp's ftype for Q8_0");
            assertEquals(TinyWhisper.FILE_TOKENS, c.pieces().length);
            assertEquals(" ", c.pieces()[32], "token 32 is the single byte 0x20");
            assertArrayEquals(TinyWhisper.slaneyMelFilters(80), c.melFilters());
            assertEquals(GgmlType.F16, source.info("encoder.conv1.weight").type(), "convolutions stay F16");
            assertEquals(GgmlType.Q8_0, source.info("decoder.token_embedding.weight").type());
        }
    }

    private static void assertArrayEquals(float[] expected, float[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }

    @Test
    void absurdFieldsAreRefusedWithClearMessages() throws Exception {
        assertRefused(patch(0, 0x12345678), "is not a weight file Muse reads"); // the magic
        assertRefused(patch(4 + 4 * 4, 1 << 19), "block count"); // n_audio_layer
        assertRefused(patch(4 + 4 * 4, -7), "is not a plausible value");
        assertRefused(patch(4 + 4 * 2, 1 << 20), "widths differ"); // n_audio_state
        assertRefused(patch(4, 51866), "decoder.token_embedding.weight should be [51866 x 64]"); // n_vocab
        assertRefused(patch(4 + 4 * 3, 3), "not a whole number of 3 heads");
        assertRefused(patch(4 + 4 * 9, 128), "mel filter bank is 80 x 201 where 128 x 201"); // n_mels
        assertRefused(patch(48, 1 << 10), "does not fit the file"); // the filter count
        int vocabAt = 48 + 8 + 80 * 201 * 4;
        assertRefused(patch(vocabAt, Integer.MAX_VALUE), "vocabulary of 2147483647 tokens does not fit");
        assertRefused(patch(vocabAt + 4, 1 << 30), "claims 1073741824 bytes"); // token 0's length
        int firstTensor = firstTensorRecord();
        assertRefused(patch(firstTensor, 9), "claims 9 dimensions");
        assertRefused(patch(firstTensor + 4, 100000), "-byte name");
        assertRefused(patch(firstTensor + 8, 99), "unknown ggml tensor type id 99");
        assertRefused(patch(firstTensor + 12, 1 << 30), "truncated"); // its data runs past the end
        assertRefused(Arrays.copyOf(valid, valid.length - 1), "truncated");
    }

    @Test
    void damagedFilesLoadOrFailCleanly() {
        Random random = new Random(11);
        int header = firstTensorRecord() + 200; // hyper-parameters, filters, vocabulary and the first tensor records
        int loaded = 0, refused = 0;
        for (int round = 0; round < 120; round++) {
            byte[] bad = valid.clone();
            switch (random.nextInt(3)) {
                case 0 -> bad[random.nextInt(header)] = (byte) random.nextInt(256);
                case 1 -> ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN)
                        .putInt(4 * random.nextInt(header / 4), random.nextBoolean() ? random.nextInt() : -1);
                default -> bad = Arrays.copyOf(bad, random.nextInt(valid.length));
            }
            byte[] file = bad;
            Throwable outcome = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> load(file), "round " + round);
            if (outcome == null) {
                loaded++;
            } else {
                refused++;
                assertInstanceOf(FormatException.class, outcome, "round " + round + ": " + outcome);
            }
        }
        System.out.println("damaged whisper files: " + loaded + " loaded, " + refused + " refused");
        assertTrue(refused > 0);
    }

    private static Throwable load(byte[] bytes) throws Exception {
        Path file = dir.resolve("damaged.bin");
        Files.write(file, bytes);
        try (TensorSource source = WeightFiles.open(file)) {
            Models.load(source);
            return null;
        } catch (FormatException e) {
            return e;
        }
    }

    private static void assertRefused(byte[] bytes, String expected) throws Exception {
        Path file = dir.resolve("bad.bin");
        Files.write(file, bytes);
        FormatException e = assertThrows(FormatException.class, () -> {
            try (TensorSource source = WeightFiles.open(file)) {
                Models.load(source);
            }
        });
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should say " + expected);
    }

    private static byte[] patch(int at, int value) {
        byte[] b = valid.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return b;
    }

    /** The offset of the first tensor record: after the header, the filters and the vocabulary. */
    private static int firstTensorRecord() {
        ByteBuffer b = ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN);
        int at = 48 + 8 + 80 * 201 * 4;
        int tokens = b.getInt(at);
        at += 4;
        for (int i = 0; i < tokens; i++) {
            at += 4 + b.getInt(at);
        }
        return at;
    }
}
