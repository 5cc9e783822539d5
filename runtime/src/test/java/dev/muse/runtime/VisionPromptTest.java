package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Ops;
import dev.muse.runtime.Prompt.Embedded;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.testkit.TinyVision;
import dev.muse.text.ChatMessage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prompt assembly around images: several per message, in order, with placeholders that identify them. */
class VisionPromptTest {
    @TempDir static Path dir;
    static TextModel smolvlm;
    static ImageInput images;

    @BeforeAll
    static void open() throws Exception {
        Path model = new TinyModel(TinyFamily.SMOLVLM, GgmlType.Q8_0, 41).write(dir.resolve("smolvlm.gguf"));
        Path mmproj = new TinyVision(TinyVision.Tower.IDEFICS3, GgmlType.F16, 42).write(dir.resolve("mmproj-smolvlm.gguf"));
        smolvlm = TextModel.open(model, Ops.cpu());
        images = smolvlm.openProjector(mmproj);
    }

    @AfterAll
    static void close() {
        images.close();
        smolvlm.close();
    }

    @Test
    void severalImagesInOneMessageKeepTheirOrderAndIdentity() throws Exception {
        byte[] sunset = VisionGoldenTest.resource("golden/vision/sunset-100x60.png"), square = VisionGoldenTest.resource("golden/vision/square-40x40.png");
        String marker = TextModel.IMAGE_MARKER;
        Prompt both = smolvlm.chatPrompt(List.of(ChatMessage.user("First " + marker + " then " + marker + " compare.")), Map.of(), List.of(sunset, square), images);
        Prompt swapped = smolvlm.chatPrompt(List.of(ChatMessage.user("First " + marker + " then " + marker + " compare.")), Map.of(), List.of(square, sunset), images);
        assertEquals(10, both.embedded().size(), "each image: 2 x 2 tiles and the overview");
        Embedded firstOfBoth = both.embedded().getFirst(), firstOfSwapped = swapped.embedded().getFirst();
        assertFalse(Arrays.equals(firstOfBoth.vectors(), firstOfSwapped.vectors()), "the first marker takes the first image");
        assertArrayEquals(firstOfBoth.vectors(), swapped.embedded().get(5).vectors(), "the same tile encodes the same wherever it is");
        int[] a = Arrays.copyOfRange(both.tokens(), firstOfBoth.offset(), firstOfBoth.offset() + firstOfBoth.rows());
        Embedded again = swapped.embedded().get(5);
        assertArrayEquals(a, Arrays.copyOfRange(swapped.tokens(), again.offset(), again.offset() + again.rows()),
                "an image's placeholders depend on its pixels alone, so a repeated image matches the KV cache");
        assertThrows(IllegalStateException.class, () -> smolvlm.chatPrompt(List.of(ChatMessage.user(marker)), Map.of(), List.of(), images));
    }

    @Test
    void aTextModelRefusesImages() throws Exception {
        try (TextModel text = TextModel.open(dir.resolve("smolvlm.gguf"), Ops.cpu())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> text.chatPrompt(
                    List.of(ChatMessage.user(TextModel.IMAGE_MARKER)), Map.of(), List.of(new byte[] {1}), null));
            assertTrue(e.getMessage().contains("vision projector"), e.getMessage());
        }
    }
}
