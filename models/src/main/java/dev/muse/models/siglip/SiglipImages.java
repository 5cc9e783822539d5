package dev.muse.models.siglip;

import dev.muse.engine.Ops;
import dev.muse.formats.TensorSource;
import dev.muse.media.FixedSizePreprocessor;
import dev.muse.media.Idefics3Preprocessor;
import dev.muse.media.Normalization;
import dev.muse.media.Picture;
import dev.muse.media.PixelValues;
import dev.muse.media.TiledPixels;
import dev.muse.models.Decoder;
import dev.muse.models.ImageEncoder;
import dev.muse.models.PromptSink;
import dev.muse.text.Tokenizer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A SigLIP tower working for one decoder: preprocesses a picture as the model's own preprocessor does, encodes
 * each tile, and lays the embeddings into the prompt between the text tokens the model was trained with, as
 * llama.cpp's mtmd does:
 * <ul>
 * <li>SmolVLM / Idefics3: for each tile of the grid, {@code <fake_token_around_image><row_R_col_C>} then its
 * embeddings, a newline after each row but the last; then {@code \n\n<fake_token_around_image><global-img>},
 * the overview's embeddings and {@code <fake_token_around_image>}.</li>
 * <li>Gemma 3: {@code <start_of_image>}, the embeddings (attended bidirectionally), {@code <end_of_image>}.</li>
 * </ul>
 * Each tile's identity is a digest of its normalised pixels, so the runtime can reuse an encoding it holds.
 */
final class SiglipImages implements ImageEncoder {
    private final VisionEncoder encoder;
    private final Tokenizer tokenizer;
    private final Normalization normalization;
    /** Single-token delimiters looked up at load (IDEFICS3): <fake_token_around_image>, <global-img>, \n, \n\n. */
    private final int fakeToken, globalImage, newline, blankLine;

    private SiglipImages(VisionEncoder encoder, Tokenizer tokenizer) {
        this.encoder = encoder;
        this.tokenizer = tokenizer;
        this.normalization = new Normalization(encoder.imageMean(), encoder.imageStd());
        boolean idefics3 = encoder.projectorType() == ProjectorType.IDEFICS3;
        // The markers are looked up now, so a vocabulary without them fails at load, not at the first image.
        fakeToken = idefics3 ? token("<fake_token_around_image>") : -1;
        globalImage = idefics3 ? token("<global-img>") : -1;
        newline = idefics3 ? token("\n") : -1;
        blankLine = idefics3 ? token("\n\n") : -1;
        if (!idefics3) {
            text("<start_of_image>");
            text("<end_of_image>");
        }
    }

    /** The tower in {@code mmproj}, refused when its embeddings are not as wide as the decoder's. */
    static SiglipImages load(TensorSource mmproj, Decoder decoder, Tokenizer tokenizer, Ops ops) {
        VisionEncoder encoder = VisionEncoder.load(mmproj, ops);
        if (encoder.outputDim() != decoder.embeddingLength())
            throw new IllegalArgumentException("the projector makes image embeddings of width " + encoder.outputDim()
                    + " but the model's embeddings are " + decoder.embeddingLength() + " wide: it is the projector of another model");
        return new SiglipImages(encoder, tokenizer);
    }

    @Override public String architecture() { return encoder.projectorType().ggufName(); }

    @Override public void append(Picture picture, PromptSink sink) {
        switch (encoder.projectorType()) {
            case IDEFICS3 -> appendTiled(picture, sink);
            case GEMMA3 -> {
                PixelValues pixels = FixedSizePreprocessor.gemma3(encoder.imageSize(), normalization).preprocess(picture);
                sink.tokens(text("<start_of_image>"));
                appendTile(pixels, true, sink);
                sink.tokens(text("<end_of_image>"));
            }
        }
    }

    private void appendTiled(Picture picture, PromptSink sink) {
        TiledPixels tiles = new Idefics3Preprocessor(encoder.imageSize(), encoder.longestEdge(), normalization).preprocess(picture);
        for (int row = 0; row < tiles.gridY(); row++) {
            for (int col = 0; col < tiles.gridX(); col++) {
                sink.tokens(text("<fake_token_around_image><row_" + (row + 1) + "_col_" + (col + 1) + ">"));
                appendTile(tiles.tiles().get(row * tiles.gridX() + col), false, sink);
            }
            if (row < tiles.gridY() - 1) sink.tokens(newline);
        }
        sink.tokens(blankLine, fakeToken, globalImage);
        appendTile(tiles.overview(), false, sink);
        sink.tokens(fakeToken);
    }

    private void appendTile(PixelValues pixels, boolean bidirectional, PromptSink sink) {
        sink.vectors(digest(pixels), bidirectional, () -> encoder.encode(pixels.chw(), pixels.width(), pixels.height()));
    }

    /** A digest of the tile's size and normalised pixels: equal tiles encode equally. */
    private static byte[] digest(PixelValues pixels) {
        ByteBuffer bytes = ByteBuffer.allocate(8 + pixels.chw().length * 4);
        bytes.putInt(pixels.width()).putInt(pixels.height());
        bytes.asFloatBuffer().put(pixels.chw());
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes.array());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
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
}
