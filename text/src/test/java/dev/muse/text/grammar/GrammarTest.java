package dev.muse.text.grammar;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GrammarTest {
    /** Whether {@code text} is a whole sentence of the grammar. */
    static boolean matches(Grammar g, String text) {
        GrammarState s = GrammarState.start(g).accept(text);
        return !s.isDead() && s.canEnd();
    }

    /** Whether {@code text} can still be continued into a sentence (or is one). */
    static boolean viable(Grammar g, String text) {
        return !GrammarState.start(g).accept(text).isDead();
    }

    @Test
    void gbnfRulesLiteralsClassesGroupsAndRepetitions() {
        Grammar g = Gbnf.parse("""
                # sums of small numbers
                root ::= expr
                expr ::= term ( ws [-+] ws term )*
                term ::= [1-9] [0-9]? | "(" expr ")"
                ws   ::= " "?
                """);
        for (String ok : List.of("7", "12 + 3", "(4-5)+ 60", "((1))")) assertTrue(matches(g, ok), ok);
        for (String bad : List.of("", "0", "123", "1 +", "(1", "1  + 2", "a")) assertFalse(matches(g, bad), bad);
        assertTrue(viable(g, "(1 +"), "a prefix stays viable");
        assertFalse(viable(g, "1 + +"));
    }

    @Test
    void boundedRepetitionNegatedClassesAnyCharAndEscapes() {
        Grammar g = Gbnf.parse("root ::= \"ab\"{2,3} [^x\\n]{1} . \"\\u00e9\\x41\"");
        assertTrue(matches(g, "ababzqéA"));
        assertTrue(matches(g, "abababz€éA"));
        assertFalse(matches(g, "abzqéA"), "at least two");
        assertFalse(matches(g, "abababab" + "zqéA"), "at most three");
        assertFalse(matches(g, "ababxqéA"), "not x");
        Grammar noRoot = Gbnf.parse("first ::= \"a\" second\nsecond ::= \"b\"");
        assertTrue(matches(noRoot, "ab"), "without root, the first rule starts");
    }

    @Test
    void badGrammarsAreRefusedWithWhereAndWhy() {
        assertMessage("never defined", () -> Gbnf.parse("root ::= missing"));
        assertMessage("left-recursive", () -> Gbnf.parse("root ::= root \"a\" | \"b\""));
        assertMessage("left-recursive", () -> Gbnf.parse("root ::= empty root\nempty ::= \"\"?"));
        assertMessage("repetition", () -> Gbnf.parse("root ::= \"a\"{5,2}"));
        assertMessage("repetition", () -> Gbnf.parse("root ::= \"a\"{1,100000}"));
        assertMessage("line 2", () -> Gbnf.parse("root ::= x\nx ::= \"unterminated"));
        assertMessage("defined twice", () -> Gbnf.parse("root ::= \"a\"\nroot ::= \"b\""));
        assertMessage("no rules", () -> Gbnf.parse("  # only a comment\n"));
        assertMessage("nested more than", () -> Gbnf.parse("root ::= " + "(".repeat(100) + "\"a\"" + ")".repeat(100)));
        assertMessage("symbols", () -> Gbnf.parse("root ::= " + "\"x\"{1000} ".repeat(300)));
        assertMessage("bad hex escape", () -> Gbnf.parse("root ::= \"\\x-1\""));
        assertMessage("bad hex escape", () -> Gbnf.parse("root ::= \"\\UFFFFFFFF\""));
        StringBuilder chain = new StringBuilder("root ::= r0\n");
        for (int i = 0; i < 19_000; i++) chain.append("r").append(i).append(" ::= r").append(i + 1).append(" | \"a\"\n");
        chain.append("r19000 ::= \"b\"\n");
        try {
            assertTrue(matches(Gbnf.parse(chain.toString()), "b"));
        } catch (GrammarException e) {
            assertTrue(e.getMessage().contains("too deeply"), e.getMessage()); // refused, never a StackOverflowError
        }
    }

    @Test
    void schemasOfNestedTypeListsAndManyOptionalPropertiesStaySmall() {
        Object nested = map("type", "integer");
        for (int depth = 0; depth < 24; depth++) // a type listed twice is expanded once
            nested = map("type", List.of("object", "null", "object"), "properties", map("a", nested), "additionalProperties", false);
        String gbnf = JsonSchemaGrammar.gbnf(nested);
        assertTrue(gbnf.length() < 20_000, gbnf.length() + " characters");
        assertTrue(matches(Gbnf.parse(gbnf), "{\"a\": {\"a\": null}}"));
        Object doubling = map("type", "integer"); // one object twice at every level: 2^30 places to expand
        for (int depth = 0; depth < 30; depth++) doubling = map("type", "object", "properties", map("a", doubling, "b", doubling));
        Object huge = doubling;
        assertMessage("too large", () -> JsonSchemaGrammar.gbnf(huge));
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) properties.put("p" + i, map("type", "boolean"));
        String optional = JsonSchemaGrammar.gbnf(map("type", "object", "properties", properties, "additionalProperties", false));
        assertTrue(optional.length() < 100_000, optional.length() + " characters");
        Grammar g = Gbnf.parse(optional);
        assertTrue(matches(g, "{\"p3\": true, \"p250\": false}"));
        assertFalse(matches(g, "{\"p250\": false, \"p3\": true}"), "in their order");
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        GrammarException x = assertThrows(GrammarException.class, e);
        assertTrue(x.getMessage().contains(part), x.getMessage());
    }

    @Test
    void anyJsonObject() {
        Grammar g = Gbnf.parse(JsonSchemaGrammar.anyObject());
        assertTrue(matches(g, "{\"a\": [1, -2.5e3, true, null, \"x\\u0041\\n\"], \"b\": {}}"));
        assertTrue(matches(g, "{\n  \"k\": \"v\"\n}"));
        for (String bad : List.of("[]", "{\"a\":}", "{a: 1}", "{\"a\": 01}", "{\"a\": \"\u0001\"}", "{\"a\": 1,}", "{\"a\"  :  1}"))
            assertFalse(matches(g, bad), bad);
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void schemaObjectsKeepTheirPropertiesTypesAndRequiredOnes() {
        Map<String, Object> schema = map("type", "object", "properties", map(
                "name", map("type", "string", "maxLength", 8),
                "age", map("type", "integer"),
                "tags", map("type", "array", "items", map("enum", List.of("a", "b", 3)), "minItems", 1, "maxItems", 2),
                "born", map("type", "string", "format", "date"),
                "id", map("type", "string", "format", "uuid")),
                "required", List.of("name", "age"), "additionalProperties", false);
        Grammar g = Gbnf.parse(JsonSchemaGrammar.gbnf(schema));
        assertTrue(matches(g, "{\"name\": \"Ada\", \"age\": 36}"));
        assertTrue(matches(g, "{\"name\": \"Ada\", \"age\": -1, \"tags\": [\"a\", 3], \"born\": \"1815-12-10\","
                + " \"id\": \"123e4567-e89b-12d3-a456-426614174000\"}"));
        assertTrue(matches(g, "{\"name\":\"\",\"age\":0,\"born\":\"2000-01-31\"}"), "optional ones may be left out, in order");
        for (String bad : List.of("{\"age\": 36}", "{\"name\": \"Ada\"}", "{\"name\": \"Ada\", \"age\": 3.5}",
                "{\"name\": \"Ada Lovelace\", \"age\": 36}", "{\"name\": \"A\", \"age\": 1, \"tags\": []}",
                "{\"name\": \"A\", \"age\": 1, \"tags\": [\"c\"]}", "{\"name\": \"A\", \"age\": 1, \"tags\": [\"a\", \"b\", 3]}",
                "{\"name\": \"A\", \"age\": 1, \"born\": \"1815-13-10\"}", "{\"name\": \"A\", \"age\": 1, \"extra\": 1}"))
            assertFalse(matches(g, bad), bad);
    }

    @Test
    void allOptionalPropertiesAnyOfConstNullableAndRecursiveRefs() {
        Grammar options = Gbnf.parse(JsonSchemaGrammar.gbnf(map("type", "object", "properties", map(
                "a", map("type", "boolean"), "b", map("anyOf", List.of(map("type", "null"), map("const", "x"))), "c", map("type", "number", "nullable", true)),
                "additionalProperties", false)));
        for (String ok : List.of("{}", "{\"b\": null}", "{\"a\": true, \"c\": 1.5}", "{\"c\": null}", "{\"a\": false, \"b\": \"x\", \"c\": 2}"))
            assertTrue(matches(options, ok), ok);
        for (String bad : List.of("{,\"a\": true}", "{\"b\": \"y\"}", "{\"c\": 1, \"a\": true}")) assertFalse(matches(options, bad), bad);

        Map<String, Object> tree = map("$ref", "#/$defs/node", "$defs", map("node", map("type", "object", "properties", map(
                "v", map("type", "integer"), "kids", map("type", "array", "items", map("$ref", "#/$defs/node"))), "required", List.of("v"))));
        Grammar trees = Gbnf.parse(JsonSchemaGrammar.gbnf(tree));
        assertTrue(matches(trees, "{\"v\": 1, \"kids\": [{\"v\": 2}, {\"v\": 3, \"kids\": []}]}"));
        assertFalse(matches(trees, "{\"v\": 1, \"kids\": [{\"kids\": []}]}"));
    }

    @Test
    void schemaKeywordsThatCannotBeKeptAreRefusedByName() {
        assertMessage("'pattern'", () -> JsonSchemaGrammar.gbnf(map("type", "string", "pattern", "^a+$")));
        assertMessage("bounds on a number", () -> JsonSchemaGrammar.gbnf(map("type", "number", "minimum", 3)));
        assertMessage("no integer lies between", () -> JsonSchemaGrammar.gbnf(map("type", "integer", "minimum", 3.5, "maximum", 3.9)));
        assertMessage("16 digits", () -> JsonSchemaGrammar.gbnf(map("type", "integer", "maximum", 1e17)));
        assertMessage("format 'hostname'", () -> JsonSchemaGrammar.gbnf(map("type", "string", "format", "hostname")));
        assertMessage("names no definition", () -> JsonSchemaGrammar.gbnf(map("$ref", "#/$defs/missing")));
        assertMessage("local references", () -> JsonSchemaGrammar.gbnf(map("$ref", "https://example.com/schema")));
        assertMessage("#/properties/x", () -> JsonSchemaGrammar.gbnf(map("type", "object", "properties", map("x", map("type", "date")))));
    }

    /** Integer bounds, inclusive and exclusive, fractional and one-sided: exactly the integers between them, as digits. */
    @Test
    void integerRangesAllowExactlyTheIntegersBetweenTheirBounds() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        long[] edges = {-100_000, -1001, -999, -100, -10, -9, -1, 0, 1, 9, 10, 99, 100, 101, 999, 1000, 12_345, 99_999};
        for (int round = 0; round < 120; round++) {
            Map<String, Object> schema = map("type", "integer");
            Long lo = null, hi = null;
            if (random.nextInt(4) > 0) {
                long v = random.nextBoolean() ? edges[random.nextInt(edges.length)] : random.nextLong(-50_000, 50_000);
                boolean exclusive = random.nextBoolean();
                schema.put(exclusive ? "exclusiveMinimum" : "minimum", v);
                lo = exclusive ? v + 1 : v;
            }
            if (random.nextInt(4) > 0) {
                long v = (lo != null ? lo : -60_000) + random.nextLong(0, 120_000);
                if (random.nextBoolean()) v = edges[random.nextInt(edges.length)];
                boolean exclusive = random.nextBoolean();
                if (lo != null && (exclusive ? v - 1 : v) < lo) continue;
                schema.put(exclusive ? "exclusiveMaximum" : "maximum", v);
                hi = exclusive ? v - 1 : v;
            }
            Grammar g = Gbnf.parse(JsonSchemaGrammar.gbnf(schema));
            java.util.Set<Long> probes = new java.util.TreeSet<>();
            for (long e : edges) for (long d = -2; d <= 2; d++) probes.add(e + d);
            for (Long b : new Long[] {lo, hi}) if (b != null) for (long d = -11; d <= 11; d++) probes.add(b + d);
            for (int i = 0; i < 40; i++) probes.add(random.nextLong(-200_000, 200_000));
            for (long x : probes) {
                boolean inside = (lo == null || x >= lo) && (hi == null || x <= hi);
                assertEquals(inside, matches(g, Long.toString(x)), schema + ": " + x);
            }
            assertFalse(matches(g, "007") || matches(g, "1.5") || matches(g, "+3"), schema + ": no leading zeros, no fraction, no plus sign");
        }
        Grammar fraction = Gbnf.parse(JsonSchemaGrammar.gbnf(map("type", "integer", "minimum", 2.5, "exclusiveMaximum", 7.5)));
        for (long x = 0; x <= 9; x++) assertEquals(x >= 3 && x <= 7, matches(fraction, Long.toString(x)), "fractional bounds round inwards: " + x);
    }
}
