package dev.muse.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.muse.engine.GgmlType;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.formats.llama2c.Llama2cImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 512-piece SentencePiece vocabulary of llama2.c's stories260K model, as the project's importer
 * writes it to GGUF: so small that ordinary text needs byte fallback.
 */
class Stories260kVocabularyTest {

    /** The model's documented greedy sample (see shared/models/stories260K/README.md). */
    private static final String STORY = """
            Once upon a time, there was a little girl named Lily. She loved to play outside in the park. \
            One day, she saw a big, red ball. She wanted to play with it, but it was too high.
            Lily's mom said, "Lily, let's go to the park." Lily was sad and didn't know what to do.""";

    @TempDir
    Path dir;

    private Tokenizer tokenizer() throws Exception {
        Path folder = Path.of(System.getProperty("muse.shared", "../shared"), "models", "stories260K");
        if (!Files.isDirectory(folder)) {
            fail("missing test data " + folder.toAbsolutePath() + ": the shared folder must sit beside the repository");
        }
        Path gguf = dir.resolve("stories260K.gguf");
        Llama2cImporter.convert(folder.resolve("stories260K.bin"), folder.resolve("tok512.bin"), gguf, GgmlType.F32);
        try (GgufFile file = GgufFile.open(gguf)) {
            return Tokenizer.of(Vocabulary.fromMetadata(file.metadata()));
        }
    }

    @Test
    void encodesTheStoryAndStreamsItBack() throws Exception {
        Tokenizer tokenizer = tokenizer();
        assertEquals(512, tokenizer.vocabulary().size());
        int[] ids = tokenizer.encode(STORY, true);
        assertEquals(1, ids[0], "BOS first");
        assertTrue(Arrays.stream(ids).noneMatch(id -> id == 0), "no <unk>: bytes fall back to <0xNN>");
        assertTrue(ids.length < STORY.length() / 2, "merges happen: " + ids.length + " tokens");
        assertEquals(STORY, tokenizer.decode(Arrays.copyOfRange(ids, 1, ids.length), true));

        // The generation loop's view: tokens after BOS, with llama2.c's leading-space rule.
        TokenDecoder decoder = new TokenDecoder(tokenizer, true);
        StringBuilder text = new StringBuilder();
        for (int i = 1; i < ids.length; i++) {
            text.append(decoder.next(ids[i]));
        }
        assertEquals(STORY, text.append(decoder.flush()).toString());
    }

    @Test
    void unseenCharactersUseByteFallback() throws Exception {
        Tokenizer tokenizer = tokenizer();
        int[] ids = tokenizer.encode("😀", false);
        String pieces = Arrays.stream(ids).mapToObj(tokenizer.vocabulary()::token).toList().toString();
        assertEquals("[▁, <0xF0>, <0x9F>, <0x98>, <0x80>]", pieces);
        assertEquals("😀", tokenizer.decode(ids, true));
    }
}
