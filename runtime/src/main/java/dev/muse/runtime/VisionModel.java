package dev.muse.runtime;

import dev.muse.formats.gguf.GgufFile;
import dev.muse.media.FixedSizePreprocessor;
import dev.muse.media.Idefics3Preprocessor;
import dev.muse.media.ImageDecoder;
import dev.muse.media.MediaException;
import dev.muse.media.Normalization;
import dev.muse.media.Picture;
import dev.muse.media.PixelValues;
import dev.muse.media.TiledPixels;
import dev.muse.models.LanguageModel;
import dev.muse.models.siglip.VisionEncoder;
import dev.muse.text.Tokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A vision projector (llama.cpp's mmproj convention) working for one text model: decodes an image,
 * preprocesses it as the model's own preprocessor does, encodes each tile with the SigLIP tower and lays
 * the embeddings into the prompt between the text tokens the model was trained with, as llama.cpp's mtmd
 * does:
 * <ul>
 * <li>SmolVLM / Idefics3: for each tile of the grid, {@code <fake_token_around_image><row_R_col_C>} then its
 * embeddings, a newline after each row but the last; then {@code \n\n<fake_token_around_image><global-img>},
 * the overview's embeddings and {@code <fake_token_around_image>}.</li>
 * <li>Gemma 3: {@code <start_of_image>}, the embeddings (attended bidirectionally), {@code <end_of_image>}.</li>
 * </ul>
 * Encoded tiles are kept by a digest of their pixels, so an image repeated in a later turn costs a hash,
 * not a forward pass.
 */
final class VisionModel implements AutoCloseable {
    /** Memory for encoded tiles kept for repeated images (a SmolVLM tile is 144 KiB, a Gemma 3 image 2.5 MiB). */
    private static final long CACHE_BYTES = 64L << 20;

    private final GgufFile file;
    private final VisionEncoder encoder;
    private final Tokenizer tokenizer;
    private final ImageDecoder decoder = new ImageDecoder();
    private final Normalization normalization;
    /** Idefics3's single-token delimiters, looked up once: <fake_token_around_image>, <global-img>, \n, \n\n. */
    private int fakeToken, globalImage, newline, blankLine;
    private final Map<String, float[]> encoded = new LinkedHashMap<>(16, 0.75f, true); // least recently used first
    private long encodedBytes;

    private VisionModel(GgufFile file, VisionEncoder encoder, Tokenizer tokenizer) {
        this.file = file;
        this.encoder = encoder;
        this.tokenizer = tokenizer;
        this.normalization = new Normalization(encoder.imageMean(), encoder.imageStd());
    }

    /** Opens {@code mmproj} for {@code model}, refusing a projector made for a model of another width. */
    static VisionModel open(Path mmproj, LanguageModel model, Tokenizer tokenizer) throws IOException {
        GgufFile file = GgufFile.open(mmproj);
        try {
            VisionEncoder encoder = VisionEncoder.load(file);
            if (encoder.outputDim() != model.embeddingLength())
                throw new IllegalArgumentException(mmproj.getFileName() + " makes image embeddings of width " + encoder.outputDim()
                        + " but the model's embeddings are " + model.embeddingLength() + " wide: it is the projector of another model");
            VisionModel vision = new VisionModel(file, encoder, tokenizer);
            vision.markers(); // fails now, not at the first image, if the vocabulary lacks the image tokens
            return vision;
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
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
        switch (encoder.projectorType()) {
            case IDEFICS3 -> appendTiled(prompt, picture);
            case GEMMA3 -> {
                PixelValues pixels = FixedSizePreprocessor.gemma3(encoder.imageSize(), normalization).preprocess(picture);
                prompt.tokens(text("<start_of_image>"));
                appendTile(prompt, pixels, true);
                prompt.tokens(text("<end_of_image>"));
            }
        }
    }

    private void appendTiled(PromptBuilder prompt, Picture picture) {
        TiledPixels tiles = new Idefics3Preprocessor(encoder.imageSize(), encoder.longestEdge(), normalization).preprocess(picture);
        for (int row = 0; row < tiles.gridY(); row++) {
            for (int col = 0; col < tiles.gridX(); col++) {
                prompt.tokens(text("<fake_token_around_image><row_" + (row + 1) + "_col_" + (col + 1) + ">"));
                appendTile(prompt, tiles.tiles().get(row * tiles.gridX() + col), false);
            }
            if (row < tiles.gridY() - 1) prompt.tokens(newline);
        }
        prompt.tokens(blankLine, fakeToken, globalImage);
        appendTile(prompt, tiles.overview(), false);
        prompt.tokens(fakeToken);
    }

    private void appendTile(PromptBuilder prompt, PixelValues pixels, boolean bidirectional) {
        byte[] identity = digest(pixels);
        String key = java.util.HexFormat.of().formatHex(identity);
        float[] vectors;
        synchronized (encoded) {
            vectors = encoded.get(key);
        }
        if (vectors == null) {
            vectors = encoder.encode(pixels.chw(), pixels.width(), pixels.height());
            remember(key, vectors);
        }
        prompt.vectors(vectors, vectors.length / encoder.outputDim(), bidirectional, identity);
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

    /** A digest of the tile's normalised pixels: equal tiles encode equally. */
    private static byte[] digest(PixelValues pixels) {
        ByteBuffer bytes = ByteBuffer.allocate(8 + pixels.chw().length * 4);
        bytes.putInt(pixels.width()).putInt(pixels.height());
        bytes.asFloatBuffer().put(pixels.chw());
        return PromptBuilder.sha256(bytes.array());
    }

    /** Looks up the special tokens this projector's prompt layout needs, once at load. */
    private void markers() {
        switch (encoder.projectorType()) {
            case IDEFICS3 -> {
                fakeToken = token("<fake_token_around_image>");
                globalImage = token("<global-img>");
                newline = token("\n");
                blankLine = token("\n\n");
            }
            case GEMMA3 -> {
                text("<start_of_image>");
                text("<end_of_image>");
            }
        }
    }

    /** Control-token text, tokenized with special tokens parsed (mtmd's add_text with parse_special). */
    private int[] text(String s) {
        return tokenizer.encode(s, false, true);
    }

    /** The first token whose text is exactly {@code s} (mtmd's lookup_token). */
    private int token(String s) {
        byte[] wanted = s.getBytes(StandardCharsets.UTF_8);
        int size = tokenizer.vocabulary().size();
        for (int id = 0; id < size; id++) if (Arrays.equals(tokenizer.decodeBytes(id), wanted)) return id;
        throw new IllegalArgumentException("the model's vocabulary has no token " + s.replace("\n", "\\n") + ", which its vision projector's prompts need");
    }

    @Override public void close() {
        file.close();
    }
}
