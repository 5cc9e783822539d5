package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The encoders that speech is sent in, fed three seconds of jfk.wav at 24 kHz in uneven pieces and read back by
 * Muse's decoders: MP3 through JLayer (a decoder independent of the LAME port that encoded it), Ogg Opus through
 * Muse's own Ogg reader (which checks every page's CRC) and Concentus. The lossy ones are held to their
 * signal-to-noise ratio at the best alignment, as {@link CompressedAudioTest} holds the reference encoders' files.
 */
class AudioEncoderTest {
    private static final int[] PIECES = {7000, 13, 1, 20000, 479, 481, 30000};

    @Test
    void mp3StreamsFramesAsThePiecesComeAndDecodesToTheSpeech() {
        float[] speech = speech();
        Streamed mp3 = stream(AudioEncoder.mp3(24000, 64), speech);
        assertTrue(mp3.firstPiece > 0, "the first piece's frames are out before the speech ends");
        Audio heard = new AudioDecoder().decode(mp3.bytes);
        assertEquals(24000, heard.sampleRate());
        assertTrue(Math.abs(heard.samples().length - speech.length) < 3000, heard.samples().length + " samples for " + speech.length);
        double snr = CompressedAudioTest.bestSnr(speech, heard.samples(), 2500);
        System.out.printf("MP3 64 kb/s: SNR %.1f dB, %d bytes%n", snr, mp3.bytes.length);
        assertTrue(snr > 15, "SNR " + snr + " dB");
    }

    @Test
    void oggOpusStreamsAPagePerPieceAndEndsWhereTheSpeechEnds() {
        float[] speech = speech();
        Streamed opus = stream(AudioEncoder.opus(24000, 48_000), speech);
        assertTrue(opus.firstPiece > 0, "the first piece's pages are out before the speech ends");
        OggPackets packets = new OggPackets(opus.bytes);
        OpusAudio.Head head = OpusAudio.Head.read(packets.next(), "Ogg");
        assertEquals(1, head.channels());
        assertTrue(packets.next().length > 8, "OpusTags");
        int audioPackets = 0;
        while (packets.next() != null) audioPackets++;
        assertEquals(0, packets.damagedPages(), "every page's CRC holds");
        assertEquals((speech.length + head.preSkip() / 2 + 479) / 480, audioPackets, "20 ms packets until the look-ahead is through");
        assertEquals(head.preSkip() + 2L * speech.length, lastGranule(opus.bytes), "the last page trims the padding (48 kHz units)");

        Audio heard = new AudioDecoder().decode(opus.bytes);
        assertEquals(48000, heard.sampleRate());
        double snr = CompressedAudioTest.bestSnr(speech, heard.at(24000).samples(), 2500);
        System.out.printf("Opus 48 kb/s: SNR %.1f dB, %d bytes%n", snr, opus.bytes.length);
        assertTrue(snr > 12, "SNR " + snr + " dB");
    }

    @Test
    void aWavStreamIsAHeaderOfLargestSizesThenTheSamples() {
        float[] speech = speech();
        Streamed wav = stream(AudioEncoder.wavStream(24000), speech);
        ByteBuffer b = ByteBuffer.wrap(wav.bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xFFFFFFFF, b.getInt(4));
        assertEquals(0xFFFFFFFF, b.getInt(40));
        assertEquals(24000, b.getInt(24));
        assertArrayEquals(WavWriter.rawPcm16(speech), Arrays.copyOfRange(wav.bytes, 44, wav.bytes.length));
    }

    @Test
    void aWholeFileComesAtTheEndWithItsTrueSizes() {
        float[] speech = speech();
        Streamed flac = stream(AudioEncoder.whole(24000, FlacWriter::write), speech);
        assertEquals(0, flac.firstPiece, "nothing before the end");
        assertArrayEquals(FlacWriter.write(new Audio(speech, 24000)), flac.bytes);
        Streamed pcm = stream(AudioEncoder.pcm16(), speech);
        assertArrayEquals(WavWriter.rawPcm16(speech), pcm.bytes);
    }

    @Test
    void anEmptySpeechIsStillAFileThatDecodes() {
        byte[] opus = AudioEncoder.opus(24000, 48_000).finish();
        OggPackets packets = new OggPackets(opus);
        OpusAudio.Head.read(packets.next(), "Ogg");
        assertEquals(OpusAudio.Head.read(new OggPackets(opus).next(), "Ogg").preSkip(), lastGranule(opus));
        assertTrue(AudioEncoder.mp3(24000, 64).finish().length >= 0);
    }

    private record Streamed(byte[] bytes, int firstPiece) {}

    private static Streamed stream(AudioEncoder encoder, float[] speech) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int first = -1;
        for (int at = 0, i = 0; at < speech.length; i++) {
            int n = Math.min(PIECES[i % PIECES.length], speech.length - at);
            out.writeBytes(encoder.add(Arrays.copyOfRange(speech, at, at + n)));
            if (first < 0) first = out.size();
            at += n;
        }
        out.writeBytes(encoder.finish());
        return new Streamed(out.toByteArray(), first);
    }

    private static long lastGranule(byte[] ogg) {
        for (int p = ogg.length - 27; p >= 0; p--)
            if (ogg[p] == 'O' && ogg[p + 1] == 'g' && ogg[p + 2] == 'g' && ogg[p + 3] == 'S') {
                assertEquals(0x04, ogg[p + 5] & 0x04, "the last page is marked end of stream");
                return ByteBuffer.wrap(ogg).order(ByteOrder.LITTLE_ENDIAN).getLong(p + 6);
            }
        throw new AssertionError("no Ogg page");
    }

    private static float[] speech() {
        return new AudioDecoder().decode(TestSounds.jfk()).at(24000).samples().length > 72000
                ? Arrays.copyOf(new AudioDecoder().decode(TestSounds.jfk()).at(24000).samples(), 72000)
                : new AudioDecoder().decode(TestSounds.jfk()).at(24000).samples();
    }
}
