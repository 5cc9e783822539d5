package dev.muse.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * OpenAI's speech request ({@code POST /v1/audio/speech}): the text, the voice, the audio format (wav, flac and pcm;
 * OpenAI's mp3, opus and aac are named and refused until Muse encodes them), the pace, and how it streams: the audio's
 * bytes as they are made ({@code audio}, OpenAI's default) or server-sent events of base64 audio ({@code sse}).
 * {@code instructions} steers OpenAI's own voices; Kokoro cannot follow them, so they are noted and left.
 */
public record SpeechParams(String model, String input, String voice, Format format, float speed, boolean sse, boolean instructions) {
    /** OpenAI's own cap on the text of one request. */
    public static final int MAX_INPUT = 4096;

    /** The audio formats: 16-bit mono at the model's rate, as a WAV or FLAC file, or raw little-endian samples. */
    public enum Format {
        WAV("audio/wav"), PCM("audio/pcm"), FLAC("audio/flac");

        public final String contentType;

        Format(String contentType) { this.contentType = contentType; }
    }

    public static SpeechParams from(JsonNode body) {
        if (body == null || !body.isObject()) throw ApiException.invalid(null, "the body must be a JSON object");
        String model = Fields.requiredString(body, "model"), input = Fields.requiredString(body, "input");
        if (input.isBlank()) throw ApiException.invalid("input", "'input' is empty: there is nothing to say");
        if (input.length() > MAX_INPUT) throw ApiException.invalid("input", "'input' is " + input.length() + " characters; at most " + MAX_INPUT + " are said in one request");
        String asked = Fields.string(body, "response_format");
        Format format = switch (asked == null ? "wav" : asked.toLowerCase(Locale.ROOT)) {
            case "wav" -> Format.WAV;
            case "pcm" -> Format.PCM;
            case "flac" -> Format.FLAC;
            case "mp3", "opus", "aac" -> throw ApiException.invalid("response_format",
                    "response_format '" + asked + "' is not available yet: Muse answers wav (the default here), flac or pcm (16-bit, 24 kHz, mono)");
            default -> throw ApiException.invalid("response_format", "response_format must be one of wav, flac, pcm (mp3, opus, aac are not available yet)");
        };
        Float speed = Fields.number(body, "speed", 0.25, 4.0);
        String stream = Fields.string(body, "stream_format");
        if (stream != null && !stream.equals("audio") && !stream.equals("sse")) throw ApiException.invalid("stream_format", "stream_format must be audio or sse");
        if ("sse".equals(stream) && format == Format.FLAC) throw ApiException.invalid("stream_format", "server-sent events carry wav or pcm audio, not flac");
        return new SpeechParams(model, input, Fields.string(body, "voice"), format, speed == null ? 1f : speed, "sse".equals(stream),
                Fields.present(body, "instructions"));
    }
}
