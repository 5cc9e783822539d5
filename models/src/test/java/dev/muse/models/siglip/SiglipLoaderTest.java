package dev.muse.models.siglip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.Ops;
import dev.muse.engine.GgmlType;
import dev.muse.formats.FormatException;
import dev.muse.formats.Metadata;
import dev.muse.formats.TensorInfo;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.testkit.GgufEdit;
import dev.muse.testkit.TinyVision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader reads what llama.cpp reads, and says clearly what is wrong with a broken file. */
class SiglipLoaderTest {
    @TempDir Path dir;

    @Test
    void readsConfigAndDefaults() throws IOException {
        try (GgufFile f = GgufFile.open(new TinyVision(TinyVision.Tower.IDEFICS3, GgmlType.F16, 1).write(dir.resolve("i.gguf")))) {
            VisionEncoder e = VisionEncoder.load(f, Ops.cpu());
            assertEquals(ProjectorType.IDEFICS3, e.projectorType());
            assertEquals(64, e.imageSize());
            assertEquals(8, e.patchSize());
            assertEquals(2, e.scaleFactor());
            assertEquals(128, e.longestEdge());
            assertEquals(256, e.outputDim());
            assertEquals(16, e.tokensPerImage());
            assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, e.imageMean());
            assertEquals(1e-5f, e.config().layerNormEpsilon());
            assertTrue(e.config().useGelu());
        }
        // gemma3 without the scale factor key: llama.cpp's default n_merge of 4 (8 patches per side -> 2 x 2 tokens)
        Path gemma = rewrite(new TinyVision(TinyVision.Tower.GEMMA3, GgmlType.F32, 1), m -> { }, t -> true, "clip.vision.projector.scale_factor");
        try (GgufFile f = GgufFile.open(gemma)) {
            VisionEncoder e = VisionEncoder.load(f, Ops.cpu());
            assertEquals(4, e.scaleFactor());
            assertEquals(4, e.tokensPerImage());
            assertEquals(0, e.longestEdge());
            assertEquals(4 * 256, e.encode(TinyVision.syntheticImage(56, 56), 56, 56).length);
        }
    }

    @Test
    void theVisionProjectorKeyIsReadWhenTheSharedOneIsAbsent() throws IOException {
        Path file = rewrite(new TinyVision(TinyVision.Tower.GEMMA3, GgmlType.F32, 1),
                m -> m.putString("clip.vision.projector_type", "gemma3"), t -> true, "clip.projector_type");
        try (GgufFile f = GgufFile.open(file)) {
            assertEquals(ProjectorType.GEMMA3, VisionEncoder.load(f, Ops.cpu()).projectorType());
        }
    }

    @Test
    void unsupportedProjectorNamesTheSupportedOnes() throws IOException {
        Path file = rewrite(new TinyVision(TinyVision.Tower.IDEFICS3, GgmlType.F32, 1), m -> m.putString("clip.projector_type", "qwen2vl_merger"), t -> true);
        FormatException e = assertThrows(FormatException.class, () -> load(file));
        assertTrue(e.getMessage().contains("qwen2vl_merger") && e.getMessage().contains("idefics3, gemma3"), e.getMessage());
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path file = rewrite(new TinyVision(TinyVision.Tower.IDEFICS3, GgmlType.F32, 1), m -> { }, t -> !t.name().equals("v.blk.1.attn_k.weight"));
        FormatException e = assertThrows(FormatException.class, () -> load(file));
        assertTrue(e.getMessage().contains("v.blk.1.attn_k.weight"), e.getMessage());
        Path noProjector = rewrite(new TinyVision(TinyVision.Tower.GEMMA3, GgmlType.F32, 1), m -> { }, t -> !t.name().equals("mm.soft_emb_norm.weight"));
        e = assertThrows(FormatException.class, () -> load(noProjector));
        assertTrue(e.getMessage().contains("mm.soft_emb_norm.weight"), e.getMessage());
    }

    @Test
    void wrongShapeIsReportedBeforeAnythingRuns() throws IOException {
        // a config that disagrees with the tensors: 96 channels declared, 128 stored
        Path file = rewrite(new TinyVision(TinyVision.Tower.IDEFICS3, GgmlType.F32, 1), m -> m.putUInt32("clip.vision.embedding_length", 96), t -> true);
        FormatException e = assertThrows(FormatException.class, () -> load(file));
        assertTrue(e.getMessage().contains("v.patch_embd.weight") && e.getMessage().contains("96"), e.getMessage());
        Path ffn = rewrite(new TinyVision(TinyVision.Tower.IDEFICS3, GgmlType.F32, 1), m -> m.putUInt32("clip.vision.feed_forward_length", 352), t -> true);
        e = assertThrows(FormatException.class, () -> load(ffn));
        assertTrue(e.getMessage().contains("ffn_up.weight") && e.getMessage().contains("352"), e.getMessage());
    }

    @Test
    void badHyperParametersAreFormatErrors() throws IOException {
        TinyVision tiny = new TinyVision(TinyVision.Tower.IDEFICS3, GgmlType.F32, 1);
        assertThrows(FormatException.class, () -> load(rewrite(tiny, m -> m.putUInt32("clip.vision.projector.scale_factor", 1), t -> true)));
        assertThrows(FormatException.class, () -> load(rewrite(tiny, m -> m.putUInt32("clip.vision.attention.head_count", 3), t -> true)));
        assertThrows(FormatException.class, () -> load(rewrite(tiny, m -> m.putBool("clip.has_vision_encoder", false), t -> true)));
        assertThrows(FormatException.class, () -> load(rewrite(tiny, m -> m.putString("general.architecture", "llama"), t -> true)));
        assertThrows(FormatException.class, () -> load(rewrite(tiny, m -> { }, t -> true, "clip.vision.image_mean")));
        TinyVision gemma = new TinyVision(TinyVision.Tower.GEMMA3, GgmlType.F32, 1);
        assertThrows(FormatException.class, () -> load(rewrite(gemma, m -> m.putUInt32("clip.vision.projector.scale_factor", 3), t -> true)));
    }

    @Test
    void encodeChecksItsInput() throws IOException {
        try (GgufFile f = GgufFile.open(new TinyVision(TinyVision.Tower.IDEFICS3, GgmlType.F32, 1).write(dir.resolve("i.gguf")))) {
            VisionEncoder e = VisionEncoder.load(f, Ops.cpu());
            assertThrows(IllegalArgumentException.class, () -> e.encode(new float[3 * 32 * 32], 32, 32));
            assertThrows(IllegalArgumentException.class, () -> e.encode(new float[64 * 64], 64, 64));
        }
    }

    private void load(Path file) throws IOException {
        try (GgufFile f = GgufFile.open(file)) {
            VisionEncoder.load(f, Ops.cpu());
        }
    }

    /** The tiny tower rewritten without dropKeys, with its metadata edited and only the tensors {@code keep} accepts. */
    private Path rewrite(TinyVision tiny, Consumer<Metadata> edit, Predicate<TensorInfo> keep, String... dropKeys) throws IOException {
        Path original = tiny.write(dir.resolve("original-" + tiny.name() + ".gguf"));
        return GgufEdit.rewrite(original, dir.resolve("edited-" + System.nanoTime() + ".gguf"), edit, keep, dropKeys);
    }
}
