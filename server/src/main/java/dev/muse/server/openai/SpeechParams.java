package dev.muse.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.runtime.SpeechAudio.Format;
import java.util.Locale;

/**
 * OpenAI's speech request ({@code POST /v1/audio/speech}): the text, the voice, the audio format (mp3, OpenAI's default,
 * opus, wav, flac, pcm; aac is named and refused: no pure-Java AAC encoder is fit to ship), the pace, and how it streams:
 * the audio's bytes as they are made ({@code audio}, OpenAI's default) or server-sent events of base64 audio ({@code sse}).
 * {@code instructions} steers OpenAI's own voices; Kokoro cannot follow them, so they are noted and left.
 */
public record SpeechParams(String model, String input, String voice, Format format, float speed, boolean sse, boolean instructions) {
    /** OpenAI's own cap on the text of one request. */
    public static final int MAX_INPUT = 4096;

    public static SpeechParams from(JsonNode body) {
        if (body == null || !body.isObject()) throw ApiException.invalid(null, "the body must be a JSON object");
        String model = Fields.requiredString(body, "model"), input = Fields.requiredString(body, "input");
        if (input.isBlank()) throw ApiException.invalid("input", "'input' is empty: there is nothing to say");
        if (input.length() > MAX_INPUT) throw ApiException.invalid("input", "'input' is " + input.length() + " characters; at most " + MAX_INPUT + " are said in one request");
        String asked = Fields.string(body, "response_format");
        Format format = switch (asked == null ? "mp3" : asked.toLowerCase(Locale.ROOT)) {
            case "mp3" -> Format.MP3;
            case "opus" -> Format.OPUS;
            case "wav" -> Format.WAV;
            case "pcm" -> Format.PCM;
            case "flac" -> Format.FLAC;
            case "aac" -> throw ApiException.invalid("response_format",
                    "response_format 'aac' is not available: Muse encodes mp3, opus (Ogg), wav, flac and pcm (16-bit, 24 kHz, mono)");
            default -> throw ApiException.invalid("response_format", "response_format must be one of mp3, opus, wav, flac, pcm");
        };
        Float speed = Fields.number(body, "speed", 0.25, 4.0);
        String stream = Fields.string(body, "stream_format");
        if (stream != null && !stream.equals("audio") && !stream.equals("sse")) throw ApiException.invalid("stream_format", "stream_format must be audio or sse");
        if ("sse".equals(stream) && format == Format.FLAC) throw ApiException.invalid("stream_format", "server-sent events carry mp3, opus, wav or pcm audio, not flac (a whole file)");
        return new SpeechParams(model, input, Fields.string(body, "voice"), format, speed == null ? 1f : speed, "sse".equals(stream),
                Fields.present(body, "instructions"));
    }
}
