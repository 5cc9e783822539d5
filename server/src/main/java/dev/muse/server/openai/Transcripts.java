package dev.muse.server.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.runtime.Event;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;

/**
 * A finished transcription in each of OpenAI's {@code response_format}s: json, text, srt, vtt, verbose_json. Times
 * past the end of the audio (a model may place its last timestamp there) are cut to its end.
 */
public final class Transcripts {
    public enum Format {
        JSON, TEXT, SRT, VTT, VERBOSE_JSON;

        /** The format named in a request; an ApiException lists the names when it is none of them. */
        public static Format of(String name) {
            for (Format f : values()) if (f.name().toLowerCase(Locale.ROOT).equals(name)) return f;
            throw ApiException.invalid("response_format", "'response_format' must be one of json, text, srt, verbose_json, vtt");
        }

        public String contentType() {
            return switch (this) {
                case JSON, VERBOSE_JSON -> "application/json";
                case TEXT -> "text/plain; charset=utf-8";
                case SRT -> "application/x-subrip; charset=utf-8";
                case VTT -> "text/vtt; charset=utf-8";
            };
        }
    }

    private Transcripts() {}

    /** The body of the answer: the text, the segments (and, with {@code words}, each word's times), in {@code format}. */
    public static byte[] render(Format format, boolean translate, List<Event.Segment> segments, Event.Transcribed done, boolean words) {
        return switch (format) {
            case JSON -> Json.bytes(json(done));
            case TEXT -> (done.text().strip() + "\n").getBytes(StandardCharsets.UTF_8);
            case SRT -> captions(segments, done.seconds(), false);
            case VTT -> captions(segments, done.seconds(), true);
            case VERBOSE_JSON -> Json.bytes(verbose(translate, segments, done, words));
        };
    }

    static ObjectNode json(Event.Transcribed done) {
        ObjectNode body = Json.object();
        body.put("text", done.text().strip());
        body.set("usage", usage(done.seconds()));
        return body;
    }

    /** OpenAI's usage of a transcription billed by duration: whole seconds, rounded up. */
    static ObjectNode usage(double seconds) {
        ObjectNode usage = Json.object();
        usage.put("type", "duration");
        usage.put("seconds", (long) Math.ceil(seconds));
        return usage;
    }

    private static ObjectNode verbose(boolean translate, List<Event.Segment> segments, Event.Transcribed done, boolean words) {
        ObjectNode body = Json.object();
        body.put("task", translate ? "translate" : "transcribe");
        body.put("language", Languages.name(done.language()));
        body.put("duration", done.seconds());
        body.put("text", done.text().strip());
        ArrayNode list = body.putArray("segments");
        for (int i = 0; i < segments.size(); i++) {
            Event.Segment s = segments.get(i);
            ObjectNode o = list.addObject();
            o.put("id", i);
            o.put("seek", (int) Math.round(s.start() * 100));
            o.put("start", clip(s.start(), done.seconds()));
            o.put("end", clip(s.end(), done.seconds()));
            o.put("text", s.text());
            ArrayNode tokens = o.putArray("tokens");
            for (Event.HeardToken t : s.tokens()) tokens.add(t.id());
            o.put("temperature", s.temperature());
            o.put("avg_logprob", s.averageLogprob());
            o.put("compression_ratio", compressionRatio(s.text()));
            o.put("no_speech_prob", s.noSpeechProbability());
        }
        if (words) body.set("words", words(segments, done.seconds()));
        body.set("usage", usage(done.seconds()));
        return body;
    }

    /**
     * Words from the timed tokens: a token whose text starts with a space (or a segment's first) starts a word; its
     * start is that token's, its end its last token's. Special tokens (timestamps) are not words.
     */
    static ArrayNode words(List<Event.Segment> segments, double seconds) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (Event.Segment s : segments) {
            StringBuilder word = new StringBuilder();
            double start = 0, end = 0;
            for (Event.HeardToken t : s.tokens()) {
                if (t.text().isEmpty()) continue;
                if (word.length() > 0 && t.text().startsWith(" ")) {
                    addWord(list, word, start, end, seconds);
                    word.setLength(0);
                }
                if (word.length() == 0) start = t.start();
                word.append(t.text());
                end = t.end();
            }
            addWord(list, word, start, end, seconds);
        }
        return list;
    }

    private static void addWord(ArrayNode list, StringBuilder word, double start, double end, double seconds) {
        String text = word.toString().strip();
        if (text.isEmpty()) return;
        ObjectNode w = list.addObject();
        w.put("word", text);
        w.put("start", clip(start, seconds));
        w.put("end", clip(end, seconds));
    }

    private static byte[] captions(List<Event.Segment> segments, double seconds, boolean vtt) {
        StringBuilder b = new StringBuilder(vtt ? "WEBVTT\n\n" : "");
        int cue = 1;
        for (Event.Segment s : segments) {
            String text = s.text().strip();
            if (text.isEmpty()) continue;
            if (!vtt) b.append(cue++).append('\n');
            b.append(clock(clip(s.start(), seconds), vtt)).append(" --> ").append(clock(clip(s.end(), seconds), vtt)).append('\n');
            b.append(vtt ? text.replace("-->", "->") : text).append("\n\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static double clip(double t, double seconds) {
        return Math.max(0, Math.min(t, seconds));
    }

    /** hh:mm:ss,mmm (SubRip) or hh:mm:ss.mmm (WebVTT). */
    static String clock(double seconds, boolean vtt) {
        long ms = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%s%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, vtt ? "." : ",", ms % 1000);
    }

    /** The text's size over its deflated size: OpenAI's measure of repetition (a looping segment compresses well). */
    static double compressionRatio(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) return 0;
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        deflater.setInput(bytes);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        while (!deflater.finished()) out.write(buffer, 0, deflater.deflate(buffer));
        deflater.end();
        return bytes.length / (double) out.size();
    }
}
