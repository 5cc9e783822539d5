package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WavDecoderTest {
    private final AudioDecoder decoder = new AudioDecoder();

    @Test
    void readsJfkSampleForSample() {
        byte[] file = TestSounds.jfk();
        Audio audio = decoder.decode(file);
        assertEquals(16000, audio.sampleRate());
        assertEquals(176000, audio.samples().length, "11 s at 16 kHz");
        // jfk.wav has a LIST chunk before its data (ffmpeg's): the samples start 8 bytes after "data", each
        // the little-endian short / 32768.
        int data = new String(file, 0, 200, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("data") + 8;
        assertEquals(78, data);
        ByteBuffer raw = ByteBuffer.wrap(file, data, file.length - data).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < audio.samples().length; i++) {
            assertEquals(raw.getShort() / 32768f, audio.samples()[i], "sample " + i);
        }
    }

    @ParameterizedTest(name = "{0}-bit format {1}, {2} channels, extensible {3}")
    @CsvSource({"8,1,1,false", "16,1,1,false", "16,1,2,false", "24,1,1,false", "24,1,6,true", "32,1,2,false",
            "32,3,1,false", "32,3,2,true", "64,3,1,false", "16,1,1,true"})
    void readsEverySampleLayoutAndMixesChannelsDown(int bits, int tag, int channels, boolean extensible) {
        float[] frames = TestSounds.sine(440, 22050, 2000, 0.8);
        Audio audio = decoder.decode(TestSounds.wav(frames, 22050, channels, bits, tag, extensible));
        assertEquals(22050, audio.sampleRate());
        assertEquals(frames.length, audio.samples().length);
        double mix = (channels + 1.0) / (2.0 * channels); // see TestSounds.wav
        double tolerance = bits == 8 ? 1.5 / 128 : bits == 16 ? 1.5 / 32768 : 1e-6;
        for (int i = 0; i < frames.length; i++) {
            assertEquals(frames[i] * mix, audio.samples()[i], tolerance, "frame " + i);
        }
    }

    @Test
    void aStreamedFileWhoseDataLengthIsUnknownIsReadToItsEnd() {
        byte[] file = TestSounds.wav(TestSounds.sine(300, 16000, 1000, 0.5), 16000, 1, 16, 1, false);
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(40, 0xFFFFFFFF);
        byte[] cut = Arrays.copyOf(file, file.length - 11); // and the last frames cut mid-sample
        assertEquals(994, decoder.decode(cut).samples().length);
    }

    @Test
    void skipsUnknownChunksWithTheirPadding() {
        byte[] plain = TestSounds.wav(TestSounds.sine(300, 16000, 100, 0.5), 16000, 1, 16, 1, false);
        byte[] list = {'L', 'I', 'S', 'T', 3, 0, 0, 0, 'a', 'b', 'c', 0}; // odd length, padded to even
        byte[] withList = new byte[plain.length + list.length];
        System.arraycopy(plain, 0, withList, 0, 36);
        System.arraycopy(list, 0, withList, 36, list.length);
        System.arraycopy(plain, 36, withList, 36 + list.length, plain.length - 36);
        assertArrayEquals(decoder.decode(plain).samples(), decoder.decode(withList).samples());
    }

    @Test
    void refusesWhatItCannotReadWithAMessageThatSaysWhy() {
        byte[] good = TestSounds.wav(TestSounds.sine(300, 16000, 100, 0.5), 16000, 1, 16, 1, false);
        assertRefused("the audio file is empty", new byte[0]);
        assertRefused("not audio Muse recognises", "hello, world".getBytes());
        assertRefused("the FLAC file's metadata runs past its end", "fLaC\0\0\0\"".getBytes());
        assertRefused("truncated", Arrays.copyOf(good, 30));
        assertRefused("has no data", Arrays.copyOf(good, 36));

        byte[] adpcm = good.clone();
        adpcm[20] = 0x11;
        assertRefused("IMA ADPCM; only PCM and float WAV are read", adpcm);
        byte[] twelveBit = good.clone();
        twelveBit[34] = 12;
        assertRefused("12-bit PCM", twelveBit);
        byte[] badBlock = good.clone();
        badBlock[32] = 7;
        assertRefused("block size (7 bytes) does not fit 1 channels of 16-bit", badBlock);
        byte[] noRate = good.clone();
        ByteBuffer.wrap(noRate).order(ByteOrder.LITTLE_ENDIAN).putInt(24, 0);
        assertRefused("is not a sound", noRate);
    }

    @Test
    void refusesOverTheCapsFromTheHeaderBeforeReadingSamples() {
        AudioLimits tight = new AudioLimits(1 << 20, 1.0, 48000, 2);
        AudioDecoder strict = new AudioDecoder(tight);
        assertRefused(strict, "the largest accepted is 1.0 MiB", new byte[(1 << 20) + 1]);
        assertRefused(strict, "3 channels; the most accepted is 2",
                TestSounds.wav(new float[10], 16000, 3, 16, 1, false));
        assertRefused(strict, "96000 Hz; the highest rate accepted is 48000 Hz",
                TestSounds.wav(new float[10], 96000, 1, 16, 1, false));
        assertRefused(strict, "the audio is 0:02 long; the longest accepted is 0:01",
                TestSounds.wav(new float[16001], 16000, 1, 16, 1, false));
    }

    private void assertRefused(String expected, byte[] file) {
        assertRefused(decoder, expected, file);
    }

    private static void assertRefused(AudioDecoder decoder, String expected, byte[] file) {
        MediaException e = assertThrows(MediaException.class, () -> decoder.decode(file));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void writesWhatItReads() {
        Audio sine = new Audio(TestSounds.sine(1000, 24000, 480, 0.9), 24000);
        assertArrayEquals(sine.samples(), decoder.decode(WavWriter.float32(sine)).samples());
        float[] back = decoder.decode(WavWriter.pcm16(sine)).samples();
        for (int i = 0; i < back.length; i++) {
            assertEquals(sine.samples()[i], back[i], 0.5 / 32768);
        }
    }
}
