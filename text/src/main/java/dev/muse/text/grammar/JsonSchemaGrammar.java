package dev.muse.text.grammar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON schema (as parsed JSON: maps, lists, strings, numbers, booleans, null) turned into GBNF whose sentences are
 * exactly the JSON texts that validate, as llama.cpp's json-schema-to-grammar does: {@code type} (one or several),
 * objects ({@code properties} in their order, {@code required}, {@code additionalProperties}), arrays ({@code items},
 * {@code minItems}, {@code maxItems}), strings ({@code minLength}, {@code maxLength}, {@code format} date, time,
 * date-time, uuid and email), integers (with {@code minimum}, {@code maximum} and their exclusive forms) and numbers,
 * booleans, null, {@code enum}, {@code const}, {@code anyOf} and
 * {@code oneOf}, and {@code $ref} into {@code $defs} / {@code definitions}. Keywords it cannot enforce are refused
 * by name rather than ignored, so a schema never promises what the output does not keep. Whitespace between tokens is
 * limited (none, a space, or a newline and up to 20 indents) and numbers to 16 digits, so that a model cannot spin
 * forever on either.
 */
public final class JsonSchemaGrammar {
    private static final Set<String> KNOWN = Set.of("type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
            "minLength", "maxLength", "format", "enum", "const", "anyOf", "oneOf", "$ref", "$defs", "definitions", "title", "description",
            "default", "examples", "$schema", "$id", "$comment", "strict", "nullable", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");

    private static final String PRIMITIVES = """
            ws ::= ( " " | "\\n" [ \\t]{0,20} )?
            value ::= object | array | string | number | boolean | null
            object ::= "{" ws ( string ":" ws value ws ( "," ws string ":" ws value ws )* )? "}"
            array ::= "[" ws ( value ws ( "," ws value ws )* )? "]"
            string ::= "\\"" char* "\\""
            char ::= [^"\\\\\\x00-\\x1F\\x7F] | "\\\\" ( ["\\\\/bfnrt] | "u" [0-9a-fA-F]{4} )
            integer ::= "-"? ( [0-9] | [1-9] [0-9]{0,15} )
            number ::= integer ( "." [0-9]{1,16} )? ( [eE] [-+]? [0-9]{1,3} )?
            boolean ::= "true" | "false"
            null ::= "null"
            hex ::= [0-9a-fA-F]
            date ::= [0-9]{4} "-" ( "0" [1-9] | "1" [0-2] ) "-" ( "0" [1-9] | [1-2] [0-9] | "3" [0-1] )
            time ::= ( [01] [0-9] | "2" [0-3] ) ":" [0-5] [0-9] ":" [0-5] [0-9] ( "." [0-9]{1,6} )? ( "Z" | [+-] ( [01] [0-9] | "2" [0-3] ) ":" [0-5] [0-9] )
            """;

    private final Map<?, ?> root;
    private final StringBuilder rules = new StringBuilder();
    private final Map<String, String> refs = new LinkedHashMap<>();
    private int next;

    private JsonSchemaGrammar(Map<?, ?> root) {
        this.root = root;
    }

    /** GBNF for {@code schema}; refuses (naming the keyword and where) what it cannot enforce. */
    public static String gbnf(Object schema) {
        if (!(schema instanceof Map<?, ?> map)) throw new GrammarException("a JSON schema must be an object");
        JsonSchemaGrammar g = new JsonSchemaGrammar(map);
        String top = g.rule(map, "#");
        return "root ::= " + top + "\n" + g.rules + PRIMITIVES;
    }

    /** GBNF for any JSON object (OpenAI's {@code response_format: json_object}). */
    public static String anyObject() {
        return "root ::= object\n" + PRIMITIVES;
    }

    /** A rule body (a symbol or a parenthesised expression) for the value {@code schema} allows. */
    private String rule(Object schema, String where) {
        String text = ruleText(schema, where);
        if (text.length() > MAX_TEXT) throw new GrammarException("the schema is too large to constrain output with (over " + MAX_TEXT + " characters of grammar)");
        return text;
    }

    private String ruleText(Object schema, String where) {
        if (schema instanceof Boolean b) {
            if (b) return "value";
            throw new GrammarException(where + ": the schema false allows nothing");
        }
        if (!(schema instanceof Map<?, ?> s)) throw new GrammarException(where + ": a schema must be an object");
        for (Object key : s.keySet())
            if (!KNOWN.contains(String.valueOf(key)))
                throw new GrammarException(where + ": the keyword '" + key + "' is not supported in constrained output");
        if (s.containsKey("$ref")) return ref(String.valueOf(s.get("$ref")), where);
        if (s.containsKey("const")) return literal(s.get("const"));
        if (s.containsKey("enum")) {
            if (!(s.get("enum") instanceof List<?> values) || values.isEmpty()) throw new GrammarException(where + ": 'enum' must be a non-empty array");
            List<String> alts = new ArrayList<>();
            for (Object v : values) alts.add(literal(v));
            return "( " + String.join(" | ", alts) + " )";
        }
        for (String combinator : List.of("anyOf", "oneOf")) {
            if (!s.containsKey(combinator)) continue;
            if (!(s.get(combinator) instanceof List<?> options) || options.isEmpty())
                throw new GrammarException(where + ": '" + combinator + "' must be a non-empty array");
            List<String> alts = new ArrayList<>();
            for (int i = 0; i < options.size(); i++) alts.add(rule(options.get(i), where + "/" + combinator + "/" + i));
            return "( " + String.join(" | ", alts) + " )";
        }
        Object type = s.get("type");
        if (type instanceof List<?> types) {
            List<String> alts = new ArrayList<>();
            for (Object t : new java.util.LinkedHashSet<>(types)) alts.add(typed(String.valueOf(t), s, where)); // each type once
            return "( " + String.join(" | ", alts) + " )";
        }
        if (type == null) return s.containsKey("properties") ? typed("object", s, where) : "value";
        String rule = typed(String.valueOf(type), s, where);
        return Boolean.TRUE.equals(s.get("nullable")) ? "( " + rule + " | null )" : rule;
    }

    private String typed(String type, Map<?, ?> s, String where) {
        return switch (type) {
            case "object" -> object(s, where);
            case "array" -> array(s, where);
            case "string" -> string(s, where);
            case "integer" -> IntegerRange.of(s, where).gbnf();
            case "number" -> {
                if (IntegerRange.bounded(s)) throw new GrammarException(where + ": bounds on a number are not supported in constrained output (they are on an integer)");
                yield "number";
            }
            case "boolean" -> "boolean";
            case "null" -> "null";
            default -> throw new GrammarException(where + ": unknown type '" + type + "'");
        };
    }

    private String object(Map<?, ?> s, String where) {
        Map<?, ?> properties = s.get("properties") instanceof Map<?, ?> p ? p : Map.of();
        List<?> required = s.get("required") instanceof List<?> r ? r : List.of();
        Object additional = s.get("additionalProperties");
        if (properties.isEmpty() && additional != Boolean.FALSE) return "object"; // any object
        if (additional != null && additional != Boolean.FALSE)
            throw new GrammarException(where + ": 'additionalProperties' beside 'properties' is supported only as false");
        for (Object name : required)
            if (!properties.containsKey(name)) throw new GrammarException(where + ": required property '" + name + "' is not among the properties");
        List<String> must = new ArrayList<>(), may = new ArrayList<>();
        for (Map.Entry<?, ?> p : properties.entrySet()) {
            String name = String.valueOf(p.getKey());
            String pair = literal(name) + " \":\" ws " + rule(p.getValue(), where + "/properties/" + name) + " ws";
            // an optional pair is written in two places below, so it becomes a rule referred to by name: nested optional
            // objects would otherwise double the text at every level
            if (required.contains(name)) must.add(pair);
            else may.add(define(pair));
        }
        StringBuilder body = new StringBuilder();
        if (!must.isEmpty()) {
            body.append(String.join(" \",\" ws ", must));
            for (String pair : may) body.append(" ( \",\" ws ").append(pair).append(" )?");
            return "( \"{\" ws " + body + " \"}\" )";
        }
        // all optional: the first present one comes without a comma, each later one with
        // first(i): optional pair i present (then each later one may follow after a comma: rest(i + 1)), or absent
        String chain = "", rest = "";
        for (int i = may.size() - 1; i >= 0; i--) {
            chain = define(may.get(i) + (rest.isEmpty() ? "" : " " + rest) + (chain.isEmpty() ? "" : " | " + chain));
            rest = define("( \",\" ws " + may.get(i) + " )?" + (rest.isEmpty() ? "" : " " + rest));
        }
        return "( \"{\" ws " + (chain.isEmpty() ? "" : chain + "?") + " \"}\" )";
    }

    private String array(Map<?, ?> s, String where) {
        String item = s.containsKey("items") ? rule(s.get("items"), where + "/items") : "value";
        int min = count(s, "minItems", 0, where), max = count(s, "maxItems", -1, where);
        if (max >= 0 && max < min) throw new GrammarException(where + ": maxItems is below minItems");
        if (max == 0) return "( \"[\" ws \"]\" )";
        String more = "( \",\" ws " + item + " ws )" + repeat(Math.max(0, min - 1), max < 0 ? -1 : max - 1);
        String items = item + " ws " + more;
        return "( \"[\" ws " + (min == 0 ? "( " + items + " )?" : items) + " \"]\" )";
    }

    private String string(Map<?, ?> s, String where) {
        Object format = s.get("format");
        if (format != null) {
            return switch (String.valueOf(format)) {
                case "date" -> "( \"\\\"\" date \"\\\"\" )";
                case "time" -> "( \"\\\"\" time \"\\\"\" )";
                case "date-time" -> "( \"\\\"\" date \"T\" time \"\\\"\" )";
                case "uuid" -> "( \"\\\"\" hex{8} \"-\" hex{4} \"-\" hex{4} \"-\" hex{4} \"-\" hex{12} \"\\\"\" )";
                case "email" -> "( \"\\\"\" [a-zA-Z0-9._%+-]{1,64} \"@\" [a-zA-Z0-9-]{1,63} ( \".\" [a-zA-Z0-9-]{1,63} ){1,4} \"\\\"\" )";
                default -> throw new GrammarException(where + ": the string format '" + format + "' is not supported in constrained output");
            };
        }
        int min = count(s, "minLength", 0, where), max = count(s, "maxLength", -1, where);
        if (max >= 0 && max < min) throw new GrammarException(where + ": maxLength is below minLength");
        return min == 0 && max < 0 ? "string" : "( \"\\\"\" char" + repeat(min, max) + " \"\\\"\" )";
    }

    private static int count(Map<?, ?> s, String key, int absent, String where) {
        Object v = s.get(key);
        if (v == null) return absent;
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 0 || n.longValue() > Gbnf.MAX_REPEAT)
            throw new GrammarException(where + ": '" + key + "' must be a whole number from 0 to " + Gbnf.MAX_REPEAT);
        return n.intValue();
    }

    /** {m,n} (n -1: unbounded) as GBNF's postfix. */
    private static String repeat(int min, int max) {
        if (max < 0) return min == 0 ? "*" : min == 1 ? "+" : "{" + min + ",}";
        return "{" + min + "," + max + "}";
    }

    private String ref(String ref, String where) {
        String known = refs.get(ref);
        if (known != null) return known;
        String[] prefixes = {"#/$defs/", "#/definitions/"};
        for (String prefix : prefixes) {
            if (!ref.startsWith(prefix)) continue;
            Object defs = root.get(prefix.substring(2, prefix.length() - 1));
            Object target = defs instanceof Map<?, ?> m ? m.get(ref.substring(prefix.length())) : null;
            if (target == null) throw new GrammarException(where + ": '$ref' " + ref + " names no definition");
            String name = "ref" + next++;
            refs.put(ref, name); // before its body, so a recursive schema refers to itself
            String body = rule(target, ref); // (which may define rules of its own: the line is written after them)
            rules.append(name).append(" ::= ").append(body).append('\n');
            return name;
        }
        throw new GrammarException(where + ": only local references (#/$defs/NAME, #/definitions/NAME) are supported, not " + ref);
    }

    /** Text of the rules at most: every piece of a schema is a rule referred to by name, so only a huge schema gets here. */
    static final int MAX_TEXT = 4 << 20;

    private String define(String body) {
        String name = "part" + next++;
        rules.append(name).append(" ::= ").append(body).append('\n');
        if (rules.length() > MAX_TEXT) throw new GrammarException("the schema is too large to constrain output with (over " + MAX_TEXT + " characters of grammar)");
        return name;
    }

    /** A GBNF literal matching exactly the JSON text of {@code value}. */
    private static String literal(Object value) {
        String json = dev.muse.formats.JsonValues.write(value);
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
