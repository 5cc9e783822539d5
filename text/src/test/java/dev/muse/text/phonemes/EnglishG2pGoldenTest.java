package dev.muse.text.phonemes;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.formats.JsonValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Muse's English phonemizer against misaki's (golden/misaki: hexgrad/misaki's en.py with its own dictionaries, spaCy
 * replaced by the same tokenizer and tagger rules Muse uses) on 280 sentences of novels, numbers, currencies, dates,
 * abbreviations, names, contractions and heteronyms, American and British: every sentence's phonemes identical. The
 * dictionaries here are the entries of misaki's that those sentences consult.
 */
class EnglishG2pGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/misaki");

    @ParameterizedTest
    @ValueSource(strings = {"us", "gb"})
    void phonemizesAsMisakiDoes(String variant) throws Exception {
        EnglishG2p g2p = EnglishG2p.load(GOLDEN, variant.equals("gb"));
        List<String> lines = Files.readAllLines(GOLDEN.resolve(variant + ".jsonl"));
        assertEquals(280, lines.size(), "the golden's sentences");
        List<String> differ = new ArrayList<>();
        for (String line : lines) {
            Map<?, ?> want = (Map<?, ?>) JsonValues.parse(line, variant + ".jsonl");
            String text = (String) want.get("text"), got = g2p.phonemize(text);
            if (!got.equals(want.get("phonemes"))) differ.add(text + "\n  misaki " + want.get("phonemes") + "\n  muse   " + got);
        }
        assertTrue(differ.isEmpty(), differ.size() + " of " + lines.size() + " sentences differ:\n" + String.join("\n", differ.subList(0, Math.min(5, differ.size()))));
    }
}
