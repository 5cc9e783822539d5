package dev.muse.runtime;

import dev.muse.formats.TensorSource;
import dev.muse.media.ImageDecoder;
import dev.muse.media.MediaException;
import dev.muse.media.Picture;
import dev.muse.models.ImageEncoder;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Images into a prompt, for one model: the image file decoded, then its encoder (from the model's projector
 * file) lays out its rows. Encoded tiles are kept by the digest the encoder gives them, so an image repeated in a
 * later turn costs a hash, not a forward pass.
 */
final class ImageInput implements AutoCloseable {
    /** Memory for encoded tiles kept for repeated images (a SmolVLM tile is 144 KiB, a Gemma 3 image 2.5 MiB). */
    private static final long CACHE_BYTES = 64L << 20;

    private final TensorSource file;
    private final ImageEncoder encoder;
    private final ImageDecoder decoder = new ImageDecoder();
    private final Map<String, float[]> encoded = new LinkedHashMap<>(16, 0.75f, true); // least recently used first
    private long encodedBytes;

    ImageInput(TensorSource file, ImageEncoder encoder) {
        this.file = file;
        this.encoder = encoder;
    }

    long fileBytes() { return file.size(); }

    /** Decodes {@code image} and appends its prompt rows; a file that cannot be read is an IllegalArgumentException saying why. */
    void append(PromptBuilder prompt, byte[] image) {
        Picture picture;
        try {
            picture = decoder.decode(image);
        } catch (MediaException e) {
            throw new IllegalArgumentException("cannot read the image: " + e.getMessage(), e);
        }
        encoder.append(picture, prompt.withCache(this::cached));
    }

    /** The vectors kept for {@code identity}, else encoded now and kept. */
    private float[] cached(byte[] identity, java.util.function.Supplier<float[]> encode) {
        String key = HexFormat.of().formatHex(identity);
        float[] vectors;
        synchronized (encoded) {
            vectors = encoded.get(key);
        }
        if (vectors == null) {
            vectors = encode.get();
            remember(key, vectors);
        }
        return vectors;
    }

    /** Keeps an encoded tile, forgetting the least recently used ones beyond {@link #CACHE_BYTES}. */
    private void remember(String key, float[] vectors) {
        synchronized (encoded) {
            if (encoded.put(key, vectors) == null) encodedBytes += 4L * vectors.length;
            var eldest = encoded.entrySet().iterator();
            while (encodedBytes > CACHE_BYTES && eldest.hasNext()) {
                encodedBytes -= 4L * eldest.next().getValue().length;
                eldest.remove();
            }
        }
    }

    @Override public void close() {
        file.close();
    }
}
