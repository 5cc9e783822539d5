package dev.muse.media;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ogg Opus (RFC 7845), mono, with Concentus (the pure-Java port of libopus) and Ogg pages written by hand: an OpusHead
 * page, an OpusTags page, then 20 ms voice packets. Each {@link #add} ends its page, so every piece of a speech reaches
 * the listener at once. Granule positions count 48 kHz samples, as the format says for every input rate; the
 * encoder's look-ahead is the header's pre-skip, and the last page's granule position trims the zeros that fill the
 * last frame.
 */
final class OggOpusEncoder implements AudioEncoder {
    private static final int MAX_PACKET = 4000; // libopus's recommended output buffer
    private static final int MAX_SEGMENTS = 255;

    private final OpusEncoder opus;
    private final int frame, toGranule, preSkip, serial = ThreadLocalRandom.current().nextInt();
    private final short[] pending;
    private final byte[] packet = new byte[MAX_PACKET];
    private final ByteArrayOutputStream page = new ByteArrayOutputStream(), lacing = new ByteArrayOutputStream();
    private int buffered, sequence;
    private long samplesIn, granule;
    private boolean headersSent, finished;

    OggOpusEncoder(int sampleRate, int bitsPerSecond) {
        if (!java.util.Set.of(8000, 12000, 16000, 24000, 48000).contains(sampleRate))
            throw new IllegalArgumentException("Opus cannot encode a sample rate of " + sampleRate + " Hz (8, 12, 16, 24 or 48 kHz)");
        try {
            opus = new OpusEncoder(sampleRate, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
        } catch (OpusException e) {
            throw new IllegalStateException("the Opus encoder cannot start: " + e.getMessage(), e);
        }
        opus.setBitrate(bitsPerSecond);
        opus.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
        frame = sampleRate / 50;
        toGranule = 48000 / sampleRate;
        preSkip = opus.getLookahead() * toGranule;
        pending = new short[frame];
    }

    @Override public byte[] add(float[] samples) {
        if (finished) throw new IllegalStateException("the Opus stream is finished");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!headersSent) headers(out);
        for (float v : samples) {
            pending[buffered++] = WavWriter.sample16(v);
            if (buffered == frame) encodeFrame(out);
        }
        samplesIn += samples.length;
        endPage(out, false);
        return out.toByteArray();
    }

    @Override public byte[] finish() {
        if (finished) return new byte[0];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!headersSent) headers(out);
        // the decoder's output lags by the look-ahead: frames of zeros until the last real sample has come through
        long needed = samplesIn + preSkip / toGranule;
        while (granule / toGranule < needed) {
            java.util.Arrays.fill(pending, buffered, frame, (short) 0);
            buffered = frame;
            encodeFrame(out);
        }
        finished = true;
        granule = preSkip + samplesIn * toGranule; // the last page says where the sound ends: the padding is trimmed
        endPage(out, true);
        return out.toByteArray();
    }

    private void encodeFrame(ByteArrayOutputStream out) {
        int length;
        try {
            length = opus.encode(pending, 0, frame, packet, 0, MAX_PACKET);
        } catch (OpusException e) {
            throw new IllegalStateException("the Opus encoder failed: " + e.getMessage(), e);
        }
        buffered = 0;
        if (lacing.size() + length / 255 + 1 > MAX_SEGMENTS) endPage(out, false);
        for (int left = length; ; left -= 255) {
            lacing.write(Math.min(left, 255));
            if (left < 255) break;
        }
        page.write(packet, 0, length);
        granule += (long) frame * toGranule;
    }

    private void headers(ByteArrayOutputStream out) {
        headersSent = true;
        ByteBuffer head = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
        head.put("OpusHead".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 1).putShort((short) preSkip)
                .putInt(frame * 50).putShort((short) 0).put((byte) 0);
        writePage(out, head.array(), 0x02, 0);
        byte[] vendor = "Muse (Concentus)".getBytes(StandardCharsets.UTF_8);
        ByteBuffer tags = ByteBuffer.allocate(16 + vendor.length).order(ByteOrder.LITTLE_ENDIAN);
        tags.put("OpusTags".getBytes(StandardCharsets.US_ASCII)).putInt(vendor.length).put(vendor).putInt(0);
        writePage(out, tags.array(), 0, 0);
    }

    /** A header page: one packet of fewer than 255 x 255 bytes. */
    private void writePage(ByteArrayOutputStream out, byte[] body, int type, long position) {
        for (int left = body.length; ; left -= 255) {
            lacing.write(Math.min(left, 255));
            if (left < 255) break;
        }
        page.writeBytes(body);
        emit(out, type, position);
    }

    private void endPage(ByteArrayOutputStream out, boolean last) {
        if (lacing.size() == 0 && !last) return;
        emit(out, last ? 0x04 : 0, granule);
    }

    private void emit(ByteArrayOutputStream out, int type, long position) {
        byte[] segments = lacing.toByteArray(), body = page.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(27 + segments.length + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("OggS".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) type).putLong(position).putInt(serial)
                .putInt(sequence++).putInt(0).put((byte) segments.length).put(segments).put(body);
        byte[] bytes = b.array();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(22, OggPackets.crc(bytes, 0, bytes.length));
        out.writeBytes(bytes);
        lacing.reset();
        page.reset();
    }
}
