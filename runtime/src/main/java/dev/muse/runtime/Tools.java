package dev.muse.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The functions a chat may call (OpenAI's {@code tools}) and whether it must: {@code choice} AUTO (the model decides),
 * NONE (it answers in text), REQUIRED (it calls at least one) or NAMED (it calls {@code named}); with {@code parallel}
 * it may call several at once. A call the model must make is kept to the model's own call format and to the
 * function's parameter schema by constrained decoding.
 */
public record Tools(List<Function> functions, Choice choice, String named, boolean parallel) {
    public enum Choice { NONE, AUTO, REQUIRED, NAMED }

    /**
     * One function: its name, what it does, and its parameters as a JSON schema (parsed JSON: maps, lists, strings,
     * numbers, booleans; null for none).
     */
    public record Function(String name, String description, Object parameters) {
        public Function {
            Objects.requireNonNull(name, "name");
            if (!name.matches("[a-zA-Z0-9_-]{1,64}")) throw new IllegalArgumentException("a function name is 1-64 letters, digits, '_' or '-': '" + name + "'");
        }

        /** The function as chat templates read it: OpenAI's {@code {"type": "function", "function": {...}}}. */
        Map<String, Object> asTemplateValue() {
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", name);
            if (description != null) function.put("description", description);
            function.put("parameters", parametersOrEmpty());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", "function");
            out.put("function", function);
            return out;
        }

        /** The parameter schema; a function without one takes an empty object. */
        Object parametersOrEmpty() {
            return parameters != null ? parameters : Map.of("type", "object", "properties", Map.of());
        }
    }

    public Tools {
        functions = List.copyOf(functions);
        Objects.requireNonNull(choice, "choice");
        if (choice == Choice.NAMED) Objects.requireNonNull(named, "named");
        if (functions.stream().map(Function::name).distinct().count() != functions.size())
            throw new IllegalArgumentException("two tools have the same name");
    }

    /** The functions the model may call now: none for NONE, the named one for NAMED, else all. */
    List<Function> offered() {
        return switch (choice) {
            case NONE -> List.of();
            case NAMED -> functions.stream().filter(f -> f.name().equals(named)).toList();
            case AUTO, REQUIRED -> functions;
        };
    }

    /** Whether the model must call a function rather than answer in text. */
    boolean mustCall() { return choice == Choice.REQUIRED || choice == Choice.NAMED; }
}
