package dev.muse.runtime;

import dev.muse.formats.FormatException;
import dev.muse.formats.JsonValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a model writes function calls, told from its chat template (never guessed per request), as llama.cpp's chat
 * parsers tell them:
 * <ul>
 *   <li>{@link #HERMES}: Hermes 2 Pro / 3 and Qwen 2.5 / 3 templates, each call {@code <tool_call>\n{"name": ...,
 *       "arguments": {...}}\n</tool_call>}, several in a row when parallel;</li>
 *   <li>{@link #LLAMA3}: Llama 3.1 / 3.2 / 3.3 templates, one call written as {@code {"name": ..., "parameters": {...}}}
 *       (after {@code <|python_tag|>} at times).</li>
 * </ul>
 * An answer is calls only when the whole of it parses as them; anything else is text. For a call the model must make,
 * {@link #grammar} keeps it to the format and each function's parameter schema.
 */
enum ToolCallFormat {
    HERMES("<tool_call>", "arguments"),
    LLAMA3("{", "parameters");

    /** A complete call: the function and its arguments as compact JSON text. */
    record Call(String name, String arguments) {}

    /** The format a chat's calls come in, and the functions it offered: a call of any other is not a call. */
    record Offer(ToolCallFormat format, java.util.Set<String> functions) {
        /** The calls a whole answer makes, each of an offered function; null when it is not that (then it is text). */
        List<Call> parse(String answer) {
            List<Call> calls = format.parse(answer);
            return calls == null || calls.stream().anyMatch(c -> !functions.contains(c.name())) ? null : calls;
        }
    }

    private final String opening, argumentsKey;

    ToolCallFormat(String opening, String argumentsKey) {
        this.opening = opening;
        this.argumentsKey = argumentsKey;
    }

    /** The format {@code template} writes calls in; null when it shows none (then a request with tools is refused). */
    static ToolCallFormat of(String template) {
        if (template == null) return null;
        if (template.contains("<tool_call>")) return HERMES;
        if (template.contains("\"parameters\": dictionary of argument name")) return LLAMA3;
        return null;
    }

    /**
     * Whether an answer that starts so (leading whitespace left out) may still turn out to be calls: its text is then
     * held back until the answer ends. Past the opening, only the end can tell.
     */
    boolean mayBeCalls(String start) {
        String s = this == LLAMA3 && start.startsWith(PYTHON_TAG) ? start.substring(PYTHON_TAG.length()) : start;
        return s.length() < opening.length() ? opening.startsWith(s) : s.startsWith(opening);
    }

    private static final String PYTHON_TAG = "<|python_tag|>";

    /** The calls a whole answer makes, or null when it is not calls (then it is the answer's text). */
    List<Call> parse(String answer) {
        String rest = answer.strip();
        List<Call> calls = new ArrayList<>();
        if (this == LLAMA3) {
            if (rest.startsWith(PYTHON_TAG)) rest = rest.substring(PYTHON_TAG.length()).strip();
            Call call = call(rest);
            return call == null ? null : List.of(call);
        }
        while (!rest.isEmpty()) {
            if (!rest.startsWith("<tool_call>")) return null;
            int end = rest.indexOf("</tool_call>");
            if (end < 0) return null;
            Call call = call(rest.substring("<tool_call>".length(), end).strip());
            if (call == null) return null;
            calls.add(call);
            rest = rest.substring(end + "</tool_call>".length()).strip();
        }
        return calls.isEmpty() ? null : calls;
    }

    /** {"name": "...", "arguments" or "parameters": {...}}, or null when the text is not that. */
    private Call call(String json) {
        Object value;
        try {
            value = JsonValues.parse(json, "the tool call");
        } catch (FormatException e) {
            return null;
        }
        if (!(value instanceof Map<?, ?> m) || !(m.get("name") instanceof String name)) return null;
        Object arguments = m.containsKey(argumentsKey) ? m.get(argumentsKey) : m.get("arguments");
        if (!(arguments instanceof Map<?, ?>)) return null;
        return new Call(name, JsonValues.write(arguments));
    }

    /**
     * GBNF for the calls a model must make: each one of {@code functions} by name, its arguments valid for its parameter
     * schema, in this format; several in a row when {@code parallel} and the format allows it.
     */
    OutputGrammar grammar(List<Tools.Function> functions, boolean parallel) {
        List<Object> alternatives = new ArrayList<>();
        for (Tools.Function f : functions) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("name", Map.of("const", f.name()));
            properties.put(argumentsKey, f.parametersOrEmpty());
            Map<String, Object> call = new LinkedHashMap<>();
            call.put("type", "object");
            call.put("properties", properties);
            call.put("required", List.of("name", argumentsKey));
            call.put("additionalProperties", false);
            alternatives.add(call);
        }
        String calls = OutputGrammar.schemaRules(Map.of("anyOf", alternatives), "call");
        String root = switch (this) {
            case HERMES -> "root ::= \"<tool_call>\\n\" call \"\\n</tool_call>\"" + (parallel ? " ( \"\\n<tool_call>\\n\" call \"\\n</tool_call>\" )*" : "");
            case LLAMA3 -> "root ::= call";
        };
        return OutputGrammar.gbnf(root + "\n" + calls);
    }
}
