package dev.muse.text.phonemes;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.formats.JsonValues;
import java.math.BigInteger;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Numbers in words against num2words 0.5.10 (golden/misaki/num2words.json), which misaki reads numbers through. */
class EnglishNumbersTest {
    @Test
    void wordsAreNum2Words() throws Exception {
        Map<?, ?> golden = (Map<?, ?>) JsonValues.parse(Files.readString(EnglishG2pGoldenTest.GOLDEN.resolve("num2words.json")), "num2words.json");
        for (var e : ((Map<?, ?>) golden.get("cardinal")).entrySet())
            assertEquals(e.getValue(), EnglishNumbers.cardinal(new BigInteger((String) e.getKey())), "cardinal " + e.getKey());
        for (var e : ((Map<?, ?>) golden.get("ordinal")).entrySet())
            assertEquals(e.getValue(), EnglishNumbers.ordinal(new BigInteger((String) e.getKey())), "ordinal " + e.getKey());
        for (var e : ((Map<?, ?>) golden.get("year")).entrySet())
            assertEquals(e.getValue(), EnglishNumbers.year(Long.parseLong((String) e.getKey())), "year " + e.getKey());
        for (var e : ((Map<?, ?>) golden.get("decimal")).entrySet())
            assertEquals(e.getValue(), EnglishNumbers.decimal((String) e.getKey()), "decimal " + e.getKey());
        assertEquals(100, ((Map<?, ?>) golden.get("cardinal")).size() - 2, "the golden's cardinals");
    }

    @Test
    void numbersTooLargeForWordsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> EnglishNumbers.cardinal(BigInteger.TEN.pow(21)));
    }
}
