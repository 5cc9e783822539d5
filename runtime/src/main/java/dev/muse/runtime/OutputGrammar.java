package dev.muse.runtime;

import dev.muse.text.grammar.Gbnf;
import dev.muse.text.grammar.Grammar;
import dev.muse.text.grammar.GrammarState;
import dev.muse.text.grammar.JsonSchemaGrammar;

/**
 * What a generation's text must be, kept by constrained decoding: any JSON object, JSON that validates against a
 * schema, or a sentence of a GBNF grammar (llama.cpp's format). Each factory refuses what cannot be kept with an
 * {@link IllegalArgumentException} that says where and why.
 */
public final class OutputGrammar {
    final Grammar grammar;

    private OutputGrammar(Grammar grammar) {
        try {
            GrammarState.start(grammar); // where it starts: a grammar whose start runs away is refused here, not mid-answer
        } catch (StackOverflowError e) {
            throw new IllegalArgumentException("the grammar's rules lead into one another too deeply");
        }
        this.grammar = grammar;
    }

    /** Any JSON object (OpenAI's {@code response_format: json_object}). */
    public static OutputGrammar jsonObject() {
        return new OutputGrammar(Gbnf.parse(JsonSchemaGrammar.anyObject()));
    }

    /** JSON that validates against {@code schema}, given as parsed JSON (maps, lists, strings, numbers, booleans, null). */
    public static OutputGrammar jsonSchema(Object schema) {
        return new OutputGrammar(Gbnf.parse(JsonSchemaGrammar.gbnf(schema)));
    }

    /**
     * GBNF rules for values valid against {@code schema} whose start rule is called {@code name} instead of root, to be
     * part of a larger grammar (a tool call's JSON inside the model's call syntax).
     */
    static String schemaRules(Object schema, String name) {
        String rules = JsonSchemaGrammar.gbnf(schema);
        return name + rules.substring("root".length());
    }

    /** A sentence of the GBNF grammar {@code text}. */
    public static OutputGrammar gbnf(String text) {
        return new OutputGrammar(Gbnf.parse(text));
    }
}
