/**
 * Muse's own sandboxed interpreter for the Jinja subset that chat templates use
 * ({@code tokenizer.chat_template} in GGUF files). Entry point: {@link dev.muse.text.template.ChatTemplate}.
 *
 * <p>Pipeline: {@code Preprocessor} (Hugging Face's trim_blocks / lstrip_blocks rewriting, keeping
 * source offsets) → {@code Lexer} → {@code Parser}/{@code ExpressionParser} → {@code Node} tree →
 * {@code Interpreter}, with values described in {@code Values}.
 *
 * <p>Whose semantics: templates are written against Python's Jinja (transformers), and the tests
 * compare byte for byte with Hugging Face's JavaScript implementation ({@code @huggingface/jinja}),
 * which renders real templates the way transformers does but differs from Python in corners
 * (booleans print as {@code true}, containers as JSON, tuples cannot print). The rule is:
 * <ul>
 *   <li>where the reference renders, Muse renders the same bytes or throws {@link
 *       dev.muse.text.template.TemplateException} — it never renders something else;</li>
 *   <li>where the reference fails on a Jinja feature it lacks (e.g. {@code |count}, {@code str.format},
 *       iterating an undefined {@code tools}), Muse may implement Python's behaviour;</li>
 *   <li>where Python and the reference would disagree and neither is clearly right, Muse throws
 *       (e.g. {@code tojson(sort_keys=true)}, unknown strftime directives, integers beyond 2^53);</li>
 *   <li>one deliberate exception: {@code strip/lstrip/rstrip(chars)} strip only those characters, as
 *       in Python, because the reference ignores the argument and alters prompts that way.</li>
 * </ul>
 *
 * <p>Sandbox: templates reach only the values given to them (copied from the caller), a whitelist of
 * filters, tests and methods, and nothing named {@code __*}; no include/import/extends; every render
 * runs under {@link dev.muse.text.template.RenderLimits}.
 */
package dev.muse.text.template;
