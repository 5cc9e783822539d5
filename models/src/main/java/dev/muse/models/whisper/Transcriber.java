package dev.muse.models.whisper;

import dev.muse.media.LogMel;
import dev.muse.models.SequenceState;
import dev.muse.models.SpeechRecognizer.EncodedAudio;
import dev.muse.models.SpeechRecognizer.Listener;
import dev.muse.models.Transcript;
import dev.muse.models.TranscriptionOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;

/**
 * Whisper's decoding, as whisper.cpp's whisper_full does it: 30-second windows from the start, each decoded after
 * a prompt of {@code sot [language task] [no-timestamps]} (and the previous window's text, for context), token by
 * token under the {@link LogitFilter}'s rules until end-of-text or the window's end; a window that decodes badly
 * (a repetition loop, a low average log-probability) is decoded again at the next temperature; then its text is cut
 * into segments at its timestamp tokens and the next window starts where its last timestamp says. Besides
 * whisper.cpp's tests, a window whose text deflates too well (OpenAI's compression-ratio test) falls back too.
 *
 * <p>At temperature 0 one sequence picks the likeliest token (ties: the lowest id), which makes the result equal to
 * whisper.cpp's greedy decoding (the golden test compares them); above 0, {@code bestOf} sequences sample and the
 * one with the best average log-probability wins (sampled tokens are Muse's own: a random source seeded per
 * window, not libstdc++'s).
 */
final class Transcriber {
    /** Frames (10 ms) of audio left below which a window is not decoded (whisper.cpp's delta_min). */
    private static final int MIN_FRAMES = 10;
    /** Frames per window. */
    private static final int WINDOW = 3000;

    private final Whisper model;
    private final WhisperTokens t;
    private final String[] pieces; // by id; special tokens past the file's vocabulary are absent
    private Map<String, Integer> ids; // piece to id, made when a prompt is first tokenized (3 MB for 51,865 pieces)
    private final LogitFilter filter;
    private final int maxTokens; // tokens one window may decode: half the decoder's context, less the prompt's share

    Transcriber(Whisper model) {
        this.model = model;
        this.t = WhisperTokens.of(model.vocabularySize());
        this.pieces = model.config().pieces();
        int space = Arrays.asList(pieces).lastIndexOf(" "); // a later duplicate wins, as in whisper.cpp
        if (space < 0) throw new IllegalArgumentException("the model's vocabulary has no \" \" token");
        this.filter = new LogitFilter(t, space, model.config().audioContext());
        this.maxTokens = model.textContextLength() / 2 - 4;
    }

    /** One sequence's decoding of one window. */
    private static final class Sequence {
        SequenceState state; // null for a beam that ended: it decodes no further
        final List<Sampled> tokens = new ArrayList<>();
        int[] history = new int[16];
        int seekDelta = WINDOW, resultLength;
        boolean hasTimestamp, failed, completed;
        double sumLogprobs, averageLogprob = Double.NEGATIVE_INFINITY, score = Double.NEGATIVE_INFINITY;
        final LogitFilter.Picked picked;

        Sequence(SequenceState state, int vocabulary) {
            this.state = state;
            this.picked = LogitFilter.Picked.of(vocabulary);
        }

        void add(Sampled s) {
            if (tokens.size() == history.length) history = Arrays.copyOf(history, 2 * history.length);
            history[tokens.size()] = s.id;
            tokens.add(s);
        }

        boolean live() { return !failed && !completed; }

        /** A copy to branch from: the same tokens and flags, and no cache yet. */
        Sequence branch(int vocabulary) {
            Sequence c = new Sequence(null, vocabulary);
            c.tokens.addAll(tokens);
            c.history = history.clone();
            c.seekDelta = seekDelta;
            c.resultLength = resultLength;
            c.hasTimestamp = hasTimestamp;
            c.sumLogprobs = sumLogprobs;
            return c;
        }
    }

    /**
     * A picked token: its probability and log-probability, the likeliest timestamp at that step, that timestamp's
     * share of the timestamps' probability and their sum (what token timestamps are estimated from).
     */
    private record Sampled(int id, float p, float logprob, int timestampId, float timestampShare, float timestampSum) {}

    Transcript transcribe(float[] samples, TranscriptionOptions o, Listener listener) {
        LogMel.Spectrogram mel = model.logMel().compute(samples);
        if (o.translate() && !t.multilingual()) throw new IllegalArgumentException("this model is English-only: it cannot translate");
        String language = o.language() != null ? o.language() : t.multilingual() ? detectLanguage(mel) : "en";
        if (t.multilingual()) t.language(language); // refuses an unknown code before any decoding
        else if (!language.equals("en")) throw new IllegalArgumentException("this model is English-only: it hears English, not '" + language + "'");

        // whisper.cpp takes a two-layer decoder outside large-v3 for a distilled model, which cannot place timestamps
        boolean timestamps = o.timestamps() && !(model.config().textLayers() == 2 && model.vocabularySize() != 51866);
        List<Integer> promptInit = new ArrayList<>(List.of(t.startOfTranscript()));
        if (t.multilingual()) {
            promptInit.add(t.language(language));
            promptInit.add(o.translate() ? t.translate() : t.transcribe());
        }
        if (!timestamps) promptInit.add(t.noTimestamps());
        List<Integer> promptPast = new ArrayList<>(o.prompt() == null ? List.of() : tokenize(" " + o.prompt().strip()));

        int seekStart = (int) Math.round(o.offsetSeconds() * 100);
        int seekEnd = o.durationSeconds() > 0 ? seekStart + (int) Math.round(o.durationSeconds() * 100) : mel.soundFrames();
        seekEnd = Math.min(seekEnd, mel.soundFrames());
        List<Float> temperatures = new ArrayList<>();
        for (float temp = o.temperature(); temp < 1.0f + 1e-6f; temp += o.temperatureIncrement()) {
            temperatures.add(temp);
            if (o.temperatureIncrement() <= 0) break;
        }

        List<Transcript.Segment> segments = new ArrayList<>();
        TokenTimes tokenTimes = o.tokenTimestamps() ? new TokenTimes(t, samples) : null;
        for (int seek = seekStart; seek + MIN_FRAMES < seekEnd; ) {
            listener.progress((seek - seekStart) / (double) (seekEnd - seekStart));
            EncodedAudio audio = model.encode(mel, seek);
            if (seek > seekStart && seek + 500 >= seekEnd) promptPast.clear(); // the last 5 s: no context
            Sequence best = null;
            float noSpeech = 0, temperature = 0;
            List<Integer> prompt = null;
            for (int ti = 0; ti < temperatures.size(); ti++) {
                temperature = temperatures.get(ti);
                prompt = new ArrayList<>();
                if (!promptPast.isEmpty() && temperature < 0.5f) {
                    int take = Math.min(model.textContextLength() / 2, promptPast.size());
                    prompt.add(t.previous());
                    prompt.addAll(promptPast.subList(promptPast.size() - take, promptPast.size()));
                }
                prompt.addAll(promptInit);
                int n = temperature > 0 ? o.bestOf() : 1;
                Sequence[] sequences = new Sequence[n];
                SequenceState first = model.start(audio);
                float[] logits = model.decode(first, prompt.stream().mapToInt(Integer::intValue).toArray());
                noSpeech = noSpeechProbability(logits);
                for (int j = 0; j < n; j++) {
                    SequenceState state = first;
                    if (j > 0) {
                        state = model.start(audio);
                        state.copyPrefixFrom(first, first.length());
                    }
                    sequences[j] = new Sequence(state, t.vocabularySize());
                    filter.apply(logits, temperature, sequences[j].history, 0, timestamps, -1, sequences[j].picked);
                }
                if (temperature == 0 && o.beamSize() > 1) {
                    sequences = beamSearch(sequences[0], audio, o.beamSize(), seek, seekEnd, timestamps, listener).toArray(Sequence[]::new);
                } else {
                    decodeWindow(sequences, temperature, seek, seekEnd, timestamps, new SplittableRandom(seek * 31L + ti), listener);
                }
                best = rank(sequences, o.entropyThreshold());
                for (Sequence s : sequences) if (s.state != null) s.state.release(); // their tokens are all that is kept
                boolean last = ti == temperatures.size() - 1;
                boolean repeats = compressionRatio(best) > o.compressionRatioThreshold();
                if (last || !(best.failed || repeats || best.averageLogprob < o.logprobThreshold() && noSpeech < o.noSpeechThreshold())) break;
            }

            boolean noSpeechWindow = noSpeech > o.noSpeechThreshold() && best.averageLogprob < o.logprobThreshold();
            List<Integer> context = new ArrayList<>();
            if (prompt.getFirst() == t.previous()) context.addAll(prompt.subList(1, prompt.size() - promptInit.size()));
            if (!noSpeechWindow) {
                for (int i = 0; i < best.resultLength; i++) context.add(best.tokens.get(i).id);
                for (Transcript.Segment s : segments(best, seek, noSpeech, temperature, timestamps, tokenTimes)) {
                    segments.add(s);
                    listener.segment(s);
                }
            }
            promptPast = context;
            int seekDelta = best.seekDelta;
            List<Sampled> tokens = best.tokens;
            int size = tokens.size();
            if (size > 1 && tokens.get(size - 2).id < t.timestampBegin() && tokens.get(size - 1).id > t.timestampBegin()) {
                seekDelta = Math.min(seekEnd - seek, WINDOW); // a single timestamp at the end: the window is done
            }
            seek += seekDelta;
        }
        listener.progress(1);
        return new Transcript(language, samples.length / (double) LogMel.SAMPLE_RATE, segments);
    }

    /** Picks tokens for every live sequence until each completes or fails (whisper_full's inner loop). */
    private void decodeWindow(Sequence[] sequences, float temperature, int seek, int seekEnd, boolean timestamps,
            SplittableRandom random, Listener listener) {
        for (int i = 0; i < maxTokens; i++) {
            if (listener.cancelled()) throw new CancellationException("transcription cancelled");
            boolean anyLive = false;
            for (Sequence s : sequences) {
                if (s.live()) anyLive |= accept(s, sample(s.picked, temperature, random), i, seek, seekEnd, timestamps);
            }
            if (!anyLive) return;
            for (Sequence s : sequences) if (s.live()) next(s, temperature, timestamps);
        }
    }

    /**
     * Beam search at temperature 0: each step, every live beam offers its {@code width} likeliest next tokens, and
     * the {@code width} candidates with the highest summed log-probability (different token sequences only) go on,
     * each with its own copy of its parent's cache (the last of a parent's children takes the parent's own, and a parent
     * without children gives its back first: a copy per beam per step was five caches more at the peak, and the copying
     * took time); a candidate that ends its window is set aside, and the search stops once {@code width} have. OpenAI's
     * decoding.py and whisper.cpp (before it sampled its beams) work so.
     */
    private List<Sequence> beamSearch(Sequence first, EncodedAudio audio, int width, int seek, int seekEnd, boolean timestamps,
            Listener listener) {
        List<Sequence> live = new ArrayList<>(List.of(first)), finished = new ArrayList<>();
        for (int i = 0; i < maxTokens && !live.isEmpty() && finished.size() < width; i++) {
            if (listener.cancelled()) throw new CancellationException("transcription cancelled");
            record Candidate(Sequence parent, Sampled token, double score) {}
            List<Candidate> candidates = new ArrayList<>();
            for (Sequence s : live)
                for (Sampled token : top(s.picked, width)) candidates.add(new Candidate(s, token, s.sumLogprobs + token.logprob));
            candidates.sort((a, b) -> Double.compare(b.score, a.score));
            List<Sequence> next = new ArrayList<>();
            Map<Sequence, List<Sequence>> children = new java.util.IdentityHashMap<>();
            java.util.Set<List<Integer>> seen = new java.util.HashSet<>();
            for (Candidate c : candidates) {
                if (next.size() == width) break;
                List<Integer> ids = new ArrayList<>();
                for (Sampled token : c.parent.tokens) ids.add(token.id);
                ids.add(c.token.id);
                if (!seen.add(ids)) continue;
                Sequence child = c.parent.branch(t.vocabularySize());
                boolean goesOn = accept(child, c.token, i, seek, seekEnd, timestamps);
                if (child.completed) finished.add(child);
                if (!child.completed && goesOn) {
                    next.add(child);
                    children.computeIfAbsent(c.parent, p -> new ArrayList<>()).add(child);
                }
            }
            for (Sequence s : live) if (!children.containsKey(s)) s.state.release();
            for (Map.Entry<Sequence, List<Sequence>> family : children.entrySet()) {
                SequenceState parent = family.getKey().state;
                List<Sequence> kids = family.getValue();
                for (Sequence kid : kids.subList(0, kids.size() - 1)) {
                    kid.state = model.start(audio);
                    kid.state.copyPrefixFrom(parent, parent.length());
                }
                kids.getLast().state = parent;
            }
            for (Sequence s : next) next(s, 0, timestamps);
            live = next;
        }
        if (finished.isEmpty()) return live.isEmpty() ? List.of(first) : live;
        for (Sequence s : live) s.state.release();
        return finished;
    }

    /** The {@code k} likeliest tokens after filtering, likeliest first (ties: the lower id). */
    private List<Sampled> top(LogitFilter.Picked picked, int k) {
        float[] logprobs = picked.logprobs();
        List<Integer> best = new ArrayList<>();
        for (int id = 0; id < logprobs.length; id++) {
            if (logprobs[id] == Float.NEGATIVE_INFINITY) continue;
            int at = best.size();
            while (at > 0 && logprobs[best.get(at - 1)] < logprobs[id]) at--;
            if (at < k) {
                best.add(at, id);
                if (best.size() > k) best.removeLast();
            }
        }
        List<Sampled> out = new ArrayList<>();
        for (int id : best) out.add(sampled(picked, id));
        return out;
    }

    /** Decodes a live sequence's last token and filters what may follow it. */
    private void next(Sequence s, float temperature, boolean timestamps) {
        float[] logits = model.decode(s.state, new int[] {s.tokens.getLast().id});
        filter.apply(logits, temperature, s.history, s.tokens.size(), timestamps, s.hasTimestamp ? s.seekDelta : -1, s.picked);
    }

    /**
     * Takes {@code token} as step {@code i} of {@code s}: a timestamp moves the window's end (one going back in time
     * fails the sequence), end-of-text or the end of the audio completes it, running out of room without an end fails
     * it. Returns whether it goes on.
     */
    private boolean accept(Sequence s, Sampled token, int i, int seek, int seekEnd, boolean timestamps) {
        s.add(token);
        s.sumLogprobs += token.logprob;
        if (token.id > t.timestampBegin()) {
            int delta = 2 * (token.id - t.timestampBegin());
            if (s.hasTimestamp && s.seekDelta > delta && s.resultLength < i) {
                s.failed = true; // a timestamp that goes back in time
                return false;
            }
            s.seekDelta = delta;
            s.resultLength = i + 1;
            s.hasTimestamp = true;
        }
        if (token.id == t.endOfText() || s.hasTimestamp && seek + s.seekDelta + MIN_FRAMES >= seekEnd) {
            if (s.resultLength == 0 && timestamps) {
                if (seek + s.seekDelta + MIN_FRAMES >= seekEnd) s.resultLength = i + 1;
                else {
                    s.failed = true;
                    return false;
                }
            }
            if (!timestamps) {
                s.resultLength = i + 1;
                s.seekDelta = WINDOW;
            }
            s.completed = true;
            return false;
        }
        if (i == maxTokens - 1 && (s.resultLength == 0 || s.seekDelta < WINDOW / 2)) {
            s.failed = true; // ran out of room without placing the window's end: a repetition loop
            return false;
        }
        return true;
    }

    /** whisper_sample_token: the likeliest token at temperature 0 (first of equals), else one drawn by probability. */
    private Sampled sample(LogitFilter.Picked picked, float temperature, SplittableRandom random) {
        float[] probs = picked.probs();
        int id = 0;
        if (temperature < 1e-6f) {
            float p = 0;
            for (int i = 0; i < probs.length; i++) {
                if (p < probs[i]) {
                    p = probs[i];
                    id = i;
                }
            }
        } else {
            double total = 0;
            for (float p : probs) total += p;
            double r = random.nextDouble() * total;
            for (id = 0; id < probs.length - 1; id++) {
                r -= probs[id];
                if (r < 0) break;
            }
        }
        return sampled(picked, id);
    }

    /** Token {@code id} as picked: its probabilities, and the likeliest timestamp at this step with its figures. */
    private Sampled sampled(LogitFilter.Picked picked, int id) {
        float[] probs = picked.probs();
        double sumTimestamps = 0, maxTimestamp = 0;
        int timestampId = 0;
        for (int i = t.timestampBegin(); i < probs.length; i++) {
            sumTimestamps += probs[i];
            if (maxTimestamp < probs[i]) {
                maxTimestamp = probs[i];
                timestampId = i;
            }
        }
        float share = (float) (maxTimestamp / (sumTimestamps + 1e-10)), sum = (float) sumTimestamps;
        if (id >= t.timestampBegin()) {
            timestampId = id;
            share = probs[id];
        }
        return new Sampled(id, probs[id], picked.logprobs()[id], timestampId, share, sum);
    }

    /** Scores the sequences that did not fail and returns the best (the first when all failed). */
    private static Sequence rank(Sequence[] sequences, float entropyThreshold) {
        Sequence best = sequences[0];
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Sequence s : sequences) {
            if (s.failed) continue;
            s.tokens.subList(s.resultLength, s.tokens.size()).clear();
            if (s.resultLength == 0) continue;
            double sum = 0;
            for (Sampled token : s.tokens) sum += token.logprob;
            s.averageLogprob = sum / s.resultLength;
            s.score = sum / s.resultLength;
            Map<Integer, Integer> counts = new HashMap<>();
            int from = Math.max(0, s.resultLength - 32);
            for (int i = from; i < s.resultLength; i++) counts.merge(s.tokens.get(i).id, 1, Integer::sum);
            double entropy = 0;
            for (int count : counts.values()) {
                double p = count / (double) (s.resultLength - from);
                entropy -= p * Math.log(p);
            }
            if (s.resultLength > 32 && entropy < entropyThreshold) {
                s.failed = true; // the last 32 tokens repeat too much
                continue;
            }
            if (bestScore < s.score) {
                bestScore = s.score;
                best = s;
            }
        }
        return best;
    }

    /** The text's size over its deflated size (OpenAI's measure of a window that repeats itself); 0 for no text. */
    private double compressionRatio(Sequence s) {
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        for (Sampled token : s.tokens) if (token.id < t.endOfText()) text.writeBytes(bytes(token.id));
        if (text.size() == 0) return 0;
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        deflater.setInput(text.toByteArray());
        deflater.finish();
        byte[] buffer = new byte[text.size() + 64];
        int compressed = 0;
        while (!deflater.finished()) compressed += deflater.deflate(buffer);
        deflater.end();
        return text.size() / (double) compressed;
    }

    /** The window's text cut at its timestamp tokens; times in centiseconds from the audio's start. */
    private List<Transcript.Segment> segments(Sequence s, int seek, float noSpeech, float temperature, boolean timestamps,
            TokenTimes tokenTimes) {
        List<Transcript.Segment> out = new ArrayList<>();
        List<Sampled> tokens = s.tokens;
        if (tokens.isEmpty()) return out;
        int start = seek + 2 * (tokens.getFirst().timestampId - t.timestampBegin());
        int from = 0;
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < tokens.size(); i++) {
            int id = tokens.get(i).id;
            if (id < t.endOfText()) text.writeBytes(bytes(id));
            if (id > t.timestampBegin() && timestamps) {
                int end = seek + 2 * (tokens.get(i).timestampId - t.timestampBegin());
                if (text.size() > 0) {
                    out.add(segment(start, end, text, tokens.subList(from, i + 1), s, noSpeech, temperature, tokenTimes));
                    text.reset();
                }
                while (i < tokens.size() && tokens.get(i).id > t.timestampBegin()) i++;
                i--;
                start = end;
                from = i + 1;
            }
        }
        if (text.size() > 0)
            out.add(segment(start, seek + s.seekDelta, text, tokens.subList(from, tokens.size()), s, noSpeech, temperature, tokenTimes));
        return out;
    }

    private Transcript.Segment segment(int start, int end, java.io.ByteArrayOutputStream text, List<Sampled> tokens,
            Sequence s, float noSpeech, float temperature, TokenTimes tokenTimes) {
        long[][] times = null;
        if (tokenTimes != null) {
            List<TokenTimes.Token> timed = new ArrayList<>();
            for (Sampled token : tokens) timed.add(new TokenTimes.Token(token.id, rawText(token.id), token.timestampId, token.timestampShare, token.timestampSum));
            times = tokenTimes.times(timed, start, end);
        }
        List<Transcript.Token> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Sampled token = tokens.get(i);
            String piece = token.id < t.endOfText() ? new String(bytes(token.id), StandardCharsets.UTF_8) : "";
            out.add(new Transcript.Token(token.id, piece, token.p, times == null ? -1 : times[0][i], times == null ? -1 : times[1][i]));
        }
        return new Transcript.Segment(start, end, text.toString(StandardCharsets.UTF_8), out, (float) s.averageLogprob,
                noSpeech, temperature);
    }

    /**
     * A token's text as whisper.cpp holds it, one char per byte: its bytes, or for a special token past the file's
     * vocabulary the name whisper.cpp gives it ("[_TT_150]" for the timestamp at 3 s), which token timestamps weigh.
     */
    private String rawText(int id) {
        if (id < pieces.length) return pieces[id];
        if (id > t.timestampBegin()) return "[_TT_" + (id - t.timestampBegin()) + "]";
        if (id == t.timestampBegin()) return "[_BEG_]";
        if (id == t.endOfText()) return "[_EOT_]";
        return "[_special_]";
    }

    private byte[] bytes(int id) {
        return id < pieces.length ? pieces[id].getBytes(StandardCharsets.ISO_8859_1) : new byte[0];
    }

    private float noSpeechProbability(float[] logits) {
        float[] logprobs = new float[logits.length];
        LogitFilter.logSoftmax(logits, logprobs);
        return (float) Math.exp(logprobs[t.noSpeech()]);
    }

    /** The likeliest language of the first window (whisper_lang_auto_detect): a softmax over the language tokens. */
    String detectLanguage(LogMel.Spectrogram mel) {
        SequenceState state = model.start(model.encode(mel, 0));
        float[] logits = model.decode(state, new int[] {t.startOfTranscript()});
        state.release();
        int best = 0;
        for (int i = 1; i < t.languages(); i++) {
            if (logits[t.startOfTranscript() + 1 + i] > logits[t.startOfTranscript() + 1 + best]) best = i;
        }
        return WhisperTokens.LANGUAGES.get(best);
    }

    private synchronized Map<String, Integer> ids() {
        if (ids == null) {
            ids = new HashMap<>();
            for (int i = 0; i < pieces.length; i++) ids.put(pieces[i], i); // a later duplicate wins, as in whisper.cpp
        }
        return ids;
    }

    /**
     * A prompt's tokens as whisper.cpp finds them: words split as GPT-2 splits them, then the longest vocabulary
     * piece at each position (bytes no piece starts with are skipped).
     */
    List<Integer> tokenize(String text) {
        Map<String, Integer> ids = ids();
        List<Integer> out = new ArrayList<>();
        java.util.regex.Matcher words = java.util.regex.Pattern
                .compile("'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\\sA-Za-z0-9]+|\\s+(?!\\S)|\\s+").matcher(text);
        while (words.find()) {
            String word = new String(words.group().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            for (int i = 0; i < word.length(); ) {
                int end = word.length();
                for (; end > i; end--) {
                    Integer id = ids.get(word.substring(i, end));
                    if (id != null) {
                        out.add(id);
                        break;
                    }
                }
                i = end > i ? end : i + 1;
            }
        }
        return out;
    }
}
