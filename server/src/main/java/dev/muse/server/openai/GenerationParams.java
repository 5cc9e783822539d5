package dev.muse.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.runtime.GenerationOptions;
import dev.muse.runtime.Sampling;
import dev.muse.runtime.OutputGrammar;
import java.util.List;

/**
 * The generation settings shared by chat and text completions, read from an OpenAI request. Fields the
 * client leaves out take llama.cpp's server defaults (temperature 0.8, top-k 40, top-p 0.95, min-p 0.05),
 * which suit small local models better than OpenAI's (temperature 1, no truncation). Muse also reads
 * {@code top_k}, {@code min_p} and {@code repeat_penalty}.
 */
public record GenerationParams(String model, GenerationOptions options, boolean stream, boolean includeUsage) {
    static final int MAX_CHOICES = 8;

    public int n() { return options.choices(); }

    /** -1 when the client did not ask for log-probabilities. */
    public int topLogprobs() { return options.topLogprobs(); }

    public static GenerationParams read(JsonNode body, boolean chat, int maxTokensCap) {
        String model = Fields.requiredString(body, "model");
        // accepted and ignored it would mislead: a client that sends a bias expects its effect
        if (Fields.present(body, "logit_bias") && !(body.get("logit_bias").isObject() && body.get("logit_bias").isEmpty()))
            throw ApiException.invalid("logit_bias", "'logit_bias' is not supported");
        Integer maxTokens = Fields.integer(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens == null) maxTokens = Fields.integer(body, "max_tokens", 1, Integer.MAX_VALUE);
        String maxParam = Fields.present(body, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        if (maxTokens != null && maxTokens > maxTokensCap)
            throw ApiException.invalid(maxParam, "'" + maxParam + "' is " + maxTokens + ", above this server's limit of " + maxTokensCap);
        Long seed = Fields.longValue(body, "seed");
        Sampling d = Sampling.defaults(seed != null ? seed : System.nanoTime());
        Float temperature = Fields.number(body, "temperature", 0, 2);
        Float topP = Fields.number(body, "top_p", 0, 1);
        if (topP != null && topP == 0f) topP = Float.MIN_VALUE; // top_p 0 means "only the most likely token"
        Integer topK = Fields.integer(body, "top_k", 0, Integer.MAX_VALUE);
        Float minP = Fields.number(body, "min_p", 0, 1);
        Float presence = Fields.number(body, "presence_penalty", -2, 2);
        Float frequency = Fields.number(body, "frequency_penalty", -2, 2);
        Float repeat = Fields.number(body, "repeat_penalty", 0.01, 10);
        Sampling sampling = new Sampling(
                temperature != null ? temperature : d.temperature(),
                topK != null ? topK : d.topK(),
                topP != null ? topP : d.topP(),
                minP != null ? minP : d.minP(),
                repeat != null ? repeat : d.repeatPenalty(),
                presence != null ? presence : d.presencePenalty(),
                frequency != null ? frequency : d.frequencyPenalty(),
                d.seed());
        List<String> stop = Fields.stop(body);
        Integer n = Fields.integer(body, "n", 1, MAX_CHOICES);
        int topLogprobs = -1;
        if (chat) {
            boolean logprobs = Fields.bool(body, "logprobs");
            Integer top = Fields.integer(body, "top_logprobs", 0, 20);
            if (top != null && !logprobs) throw ApiException.invalid("top_logprobs", "'top_logprobs' requires 'logprobs' to be true");
            if (logprobs) topLogprobs = top != null ? top : 0;
        } else {
            Integer logprobs = Fields.integer(body, "logprobs", 0, 5);
            if (logprobs != null) topLogprobs = logprobs;
        }
        boolean stream = Fields.bool(body, "stream");
        JsonNode streamOptions = body.get("stream_options");
        boolean includeUsage = false;
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!stream) throw ApiException.invalid("stream_options", "'stream_options' is only allowed when 'stream' is true");
            if (!streamOptions.isObject()) throw ApiException.invalid("stream_options", "'stream_options' must be an object");
            includeUsage = Fields.bool(streamOptions, "include_usage");
        }
        return new GenerationParams(model, new GenerationOptions(maxTokens, sampling, stop, n != null ? n : 1, topLogprobs, grammar(body),
                Fields.bool(body, "muse_text_watermark")), stream, includeUsage);
    }

    /**
     * The grammar the answer must keep to: OpenAI's {@code response_format} ({@code json_object}, or {@code json_schema}
     * with its {@code schema}) or llama.cpp's {@code grammar} (GBNF); null for free text. A schema or grammar Muse cannot
     * keep is refused, naming the field and the reason.
     */
    static OutputGrammar grammar(JsonNode body) {
        boolean hasFormat = Fields.present(body, "response_format"), hasGrammar = Fields.present(body, "grammar");
        if (hasFormat && hasGrammar) throw ApiException.invalid("grammar", "give 'response_format' or 'grammar', not both");
        try {
            if (hasGrammar) return OutputGrammar.gbnf(Fields.string(body, "grammar"));
            if (!hasFormat) return null;
            JsonNode format = body.get("response_format");
            String type = format.isObject() ? Fields.string(format, "type") : null;
            if (type == null) throw ApiException.invalid("response_format", "'response_format' must be an object with a 'type'");
            return switch (type) {
                case "text" -> null;
                case "json_object" -> OutputGrammar.jsonObject();
                case "json_schema" -> {
                    JsonNode schema = format.path("json_schema").get("schema");
                    if (schema == null || !schema.isObject())
                        throw ApiException.invalid("response_format", "'response_format.json_schema.schema' must be a JSON schema object");
                    yield OutputGrammar.jsonSchema(Json.MAPPER.convertValue(schema, Object.class));
                }
                default -> throw ApiException.invalid("response_format", "'response_format.type' must be text, json_object or json_schema; got '" + type + "'");
            };
        } catch (ApiException e) {
            throw e;
        } catch (IllegalArgumentException e) { // a schema or grammar that cannot be kept
            throw ApiException.invalid(hasGrammar ? "grammar" : "response_format", e.getMessage());
        }
    }

    /** The same request with its text watermarked (a key that asks for it, whatever the request says). */
    public GenerationParams watermarked() {
        return new GenerationParams(model, options.withWatermark(true), stream, includeUsage);
    }
}
