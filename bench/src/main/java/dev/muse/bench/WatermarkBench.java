package dev.muse.bench;

import dev.muse.media.Audio;
import dev.muse.media.AudioDecoder;
import dev.muse.media.AudioEncoder;
import dev.muse.media.ImageDecoder;
import dev.muse.media.ImageSize;
import dev.muse.media.JpegWriter;
import dev.muse.media.PadStyle;
import dev.muse.media.Picture;
import dev.muse.media.Resize;
import dev.muse.media.ResizeAlgorithm;
import dev.muse.provenance.watermark.AudioWatermark;
import dev.muse.provenance.watermark.ImageWatermark;
import dev.muse.provenance.watermark.TextWatermark;
import dev.muse.runtime.CompletionRequest;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Event;
import dev.muse.runtime.Generation;
import dev.muse.runtime.GenerationOptions;
import dev.muse.runtime.Sampling;
import dev.muse.runtime.Scheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * {@code muse bench --watermark}: the image and audio watermarks measured on the attacks their anchors report (Stable
 * Signature and TrustMark for images, AudioSeal for sound): the mark's PSNR or SNR, then for each attack the payload's
 * bit accuracy and how often the exact payload is read back; and the false-positive rate on unmarked pictures and
 * sounds, beside its analytic bound. Pictures are 512 x 512 crops of the photographs in the given folders (marked set)
 * and crops of 256 to 768 pixels at random places (unmarked set); sounds are 3-second clips of a speech file; with a
 * model, texts of 200 tokens it writes, marked and not, with the mark's cost in the model's own perplexity.
 */
public final class WatermarkBench {
    private WatermarkBench() {}

    /** An attack, as the anchors' papers name it. */
    record Attack(String name, UnaryOperator<Picture> apply) {}

    public static int run(List<Path> folders, Path speech, Path textModel, int marked, int unmarked) throws Exception {
        images(folders, marked, unmarked);
        sounds(speech, Math.max(10, marked / 2), unmarked);
        if (textModel != null) texts(textModel, 200, Math.max(10, marked / 5));
        return 0;
    }

    /**
     * The text watermark on {@code texts} texts of {@code tokens} tokens the model writes from the same prompt, marked and
     * not (temperature 1, no truncation: the setting where the mark has most room; every seed once each way): the z-score the
     * detector gives each (on the text as the tokenizer reads it again), how often it passes the threshold, and the
     * quality it costs, as the model's own perplexity of what it wrote (its log-probabilities before the mark's bias).
     */
    private static void texts(Path model, int tokens, int texts) throws Exception {
        String id = dev.muse.hub.ModelFiles.idOf(model);
        System.err.printf("benchmarking the text watermark on %s: %d texts of %d tokens each way%n", model, texts, tokens);
        try (Engine engine = new Engine(new Engine.Config(List.of(new dev.muse.hub.ModelPaths(id, model, null)), null, Long.MAX_VALUE,
                new Scheduler.Options(1, tokens + 64, tokens + 64)))) {
            double[] z = new double[2], perplexity = new double[2];
            int[] found = new int[2];
            for (int i = 0; i < texts; i++)
                for (int marked = 0; marked < 2; marked++) {
                    GenerationOptions options = new GenerationOptions(tokens, new Sampling(1f, 0, 1f, 0f, 1f, 0f, 0f, 1000 + i), List.of(), 1, 0)
                            .withWatermark(marked == 1);
                    StringBuilder text = new StringBuilder();
                    double logprob = 0;
                    int n = 0;
                    try (Generation g = engine.complete(CompletionRequest.ofText(id, "Once upon a time", options))) {
                        for (Event e = g.next(); !e.last(); e = g.next())
                            if (e instanceof Event.Token t) {
                                text.append(t.text());
                                for (Event.TokenLogprob lp : t.logprobs()) {
                                    logprob += lp.logprob();
                                    n++;
                                }
                            }
                    }
                    TextWatermark.Detection d = engine.detectWatermark(id, text.toString());
                    z[marked] += d.z() / texts;
                    if (d.found()) found[marked]++;
                    perplexity[marked] += Math.exp(-logprob / Math.max(1, n)) / texts;
                }
            System.out.printf("%ntext watermark (gamma %.2f, delta %.1f) on %s, %d texts of %d tokens%n", TextWatermark.GAMMA, TextWatermark.DELTA,
                    model.getFileName(), texts, tokens);
            System.out.println("| text | mean z | found (z > 4) | the model's perplexity of it |");
            System.out.println("|---|---|---|---|");
            System.out.printf("| unmarked | %.2f | %d / %d | %.2f |%n", z[0], found[0], texts, perplexity[0]);
            System.out.printf("| marked | %.2f | %d / %d | %.2f (%+.1f%%) |%n", z[1], found[1], texts, perplexity[1], 100 * (perplexity[1] / perplexity[0] - 1));
        }
    }

    private static void images(List<Path> folders, int marked, int unmarked) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path folder : folders)
            try (Stream<Path> all = Files.walk(folder)) {
                all.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|webp)")).sorted().forEach(files::add);
            }
        ImageDecoder decoder = new ImageDecoder();
        List<Picture> photos = new ArrayList<>();
        for (Path f : files) {
            try {
                Picture p = decoder.decode(f);
                if (Math.min(p.width(), p.height()) >= 256) photos.add(p);
            } catch (RuntimeException e) {
                System.err.println("  skipped " + f + ": " + e.getMessage());
            }
        }
        if (photos.isEmpty())
            throw new IllegalArgumentException("no photographs of at least 256 pixels a side in " + folders + " (docs/bench.md says where to find some)");
        System.err.printf("benchmarking the image watermark on %d photographs: %d marked 512x512 crops, %d unmarked crops%n", photos.size(), marked, unmarked);
        Random random = new Random(42);
        List<Attack> attacks = List.of(
                new Attack("none", p -> p),
                new Attack("JPEG q50", p -> decoder.decode(JpegWriter.encode(p, 50, null))),
                new Attack("resize 0.5x", p -> Resize.resize(p, new ImageSize(p.width() / 2, p.height() / 2), ResizeAlgorithm.BILINEAR, PadStyle.NONE, 0)),
                new Attack("crop 10% (90% of each side kept)", p -> {
                    int w = (int) (p.width() * 0.9), h = (int) (p.height() * 0.9);
                    return Resize.crop(p, random.nextInt(p.width() - w + 1), random.nextInt(p.height() - h + 1), w, h);
                }),
                new Attack("brightness +20%", p -> brightness(p, 1.2)),
                new Attack("brightness -20%", p -> brightness(p, 0.8)));
        double[] bits = new double[attacks.size()];
        int[] exact = new int[attacks.size()];
        double psnr = 0, worstPsnr = Double.MAX_VALUE, embedMillis = 0, detectMillis = 0;
        for (int i = 0; i < marked; i++) {
            Picture photo = crop(photos.get(i % photos.size()), 512, random);
            long payload = random.nextLong() >>> 16;
            long t0 = System.nanoTime();
            Picture mark = ImageWatermark.embed(photo, payload);
            embedMillis += (System.nanoTime() - t0) / 1e6;
            double p = psnr(photo, mark);
            psnr += p;
            worstPsnr = Math.min(worstPsnr, p);
            for (int a = 0; a < attacks.size(); a++) {
                Picture attacked = attacks.get(a).apply().apply(mark);
                long t1 = System.nanoTime();
                ImageWatermark.Detection d = ImageWatermark.detect(attacked);
                detectMillis += (System.nanoTime() - t1) / 1e6;
                bits[a] += 48 - Long.bitCount((d.word() >>> 16) ^ payload);
                if (d.found() && d.payload() == payload) exact[a]++;
            }
            if ((i + 1) % 10 == 0) System.err.printf("  %d of %d marked pictures%n", i + 1, marked);
        }
        int falsePositives = 0;
        for (int i = 0; i < unmarked; i++) {
            Picture photo = crop(photos.get(random.nextInt(photos.size())), 256 + random.nextInt(513), random);
            if (ImageWatermark.detect(photo).found()) falsePositives++;
            if ((i + 1) % 100 == 0) System.err.printf("  %d of %d unmarked pictures, %d false positives%n", i + 1, unmarked, falsePositives);
        }
        System.out.printf("%nimage watermark (48-bit payload): PSNR %.2f dB mean, %.2f dB worst, over %d marked 512x512 pictures; embed %.1f ms, detect %.1f ms each%n",
                psnr / marked, worstPsnr, marked, embedMillis / marked, detectMillis / (marked * attacks.size()));
        System.out.println("| attack | bit accuracy | payload read exactly |");
        System.out.println("|---|---|---|");
        for (int a = 0; a < attacks.size(); a++)
            System.out.printf("| %s | %.4f | %d / %d |%n", attacks.get(a).name(), bits[a] / (48.0 * marked), exact[a], marked);
        System.out.printf("%nfalse positives: %d of %d unmarked pictures (bound: %d scales x 2^-16 = %.1e per picture)%n",
                falsePositives, unmarked, ImageWatermark.SCALES_TRIED, ImageWatermark.SCALES_TRIED / 65536.0);
    }

    /**
     * The audio watermark on 3-second clips of {@code speech} (at 24 kHz, as Kokoro speaks): its SNR, then bit accuracy and
     * exact reads after the attacks AudioSeal reports that apply to speech files (MP3, resampling); false positives on
     * unmarked clips (speech at random places and gains, alone or with noise).
     */
    private static void sounds(Path speech, int marked, int unmarked) throws IOException {
        float[] voice = new AudioDecoder().decode(speech).at(AudioWatermark.RATE).samples();
        int clip = 3 * AudioWatermark.RATE;
        if (voice.length < clip) throw new IllegalArgumentException(speech + " is shorter than 3 s");
        System.err.printf("benchmarking the audio watermark on %d marked and %d unmarked 3 s clips of %s%n", marked, unmarked, speech);
        AudioDecoder decoder = new AudioDecoder();
        List<Map.Entry<String, UnaryOperator<Audio>>> attacks = List.of(
                Map.entry("none", a -> a),
                Map.entry("MP3 128 kbit/s", a -> decoder.decode(mp3(a, 128))),
                Map.entry("MP3 64 kbit/s", a -> decoder.decode(mp3(a, 64))),
                Map.entry("resample to 16 kHz", a -> a.at(16_000)),
                Map.entry("resample to 44.1 kHz", a -> a.at(44_100)),
                Map.entry("44.1 kHz, then MP3 128 kbit/s", a -> decoder.decode(mp3(a.at(44_100), 128))));
        Random random = new Random(7);
        double[] bits = new double[attacks.size()];
        int[] exact = new int[attacks.size()];
        double snr = 0;
        for (int i = 0; i < marked; i++) {
            int at = random.nextInt(voice.length - clip + 1);
            float[] clean = java.util.Arrays.copyOfRange(voice, at, at + clip);
            long payload = random.nextLong() >>> 16;
            float[] mark = AudioWatermark.embed(clean, AudioWatermark.RATE, payload, random.nextInt(1 << 20));
            double signal = 0, noise = 0;
            for (int t = 0; t < clip; t++) {
                signal += clean[t] * clean[t];
                noise += (mark[t] - clean[t]) * (mark[t] - clean[t]);
            }
            snr += 10 * Math.log10(signal / noise) / marked;
            for (int a = 0; a < attacks.size(); a++) {
                Audio attacked = attacks.get(a).getValue().apply(new Audio(mark, AudioWatermark.RATE));
                AudioWatermark.Detection d = AudioWatermark.detect(attacked.samples(), attacked.sampleRate());
                bits[a] += 48 - Long.bitCount((d.word() >>> 16) ^ payload);
                if (d.found() && d.payload() == payload) exact[a]++;
            }
        }
        int falsePositives = 0;
        for (int i = 0; i < unmarked; i++) {
            int at = random.nextInt(voice.length - clip + 1);
            float[] clean = new float[clip];
            double gain = 0.1 + random.nextDouble(), hiss = random.nextInt(3) == 0 ? 0.01 + 0.05 * random.nextDouble() : 0;
            for (int t = 0; t < clip; t++) clean[t] = (float) (gain * voice[at + t] + hiss * random.nextGaussian());
            if (AudioWatermark.detect(clean, AudioWatermark.RATE).found()) falsePositives++;
        }
        System.out.printf("%naudio watermark (48-bit payload): SNR %.1f dB over %d marked 3 s clips of speech%n", snr, marked);
        System.out.println("| attack | bit accuracy | payload read exactly |");
        System.out.println("|---|---|---|");
        for (int a = 0; a < attacks.size(); a++)
            System.out.printf("| %s | %.4f | %d / %d |%n", attacks.get(a).getKey(), bits[a] / (48.0 * marked), exact[a], marked);
        System.out.printf("%nfalse positives: %d of %d unmarked clips (bound: 2^-16 = %.1e per sound)%n", falsePositives, unmarked, 1 / 65536.0);
    }

    static byte[] mp3(Audio audio, int kbps) {
        AudioEncoder lame = AudioEncoder.mp3(audio.sampleRate(), kbps);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(lame.add(audio.samples()));
        out.writeBytes(lame.finish());
        return out.toByteArray();
    }

    /** A square crop of {@code side} pixels (the photo's shorter side at most) at a random place. */
    static Picture crop(Picture photo, int side, Random random) {
        int s = Math.min(side, Math.min(photo.width(), photo.height()));
        return Resize.crop(photo, random.nextInt(photo.width() - s + 1), random.nextInt(photo.height() - s + 1), s, s);
    }

    static Picture brightness(Picture p, double factor) {
        byte[] out = p.rgb().clone();
        for (int i = 0; i < out.length; i++) out[i] = (byte) Math.clamp(Math.round((out[i] & 0xFF) * factor), 0, 255);
        return new Picture(p.width(), p.height(), out);
    }

    static double psnr(Picture a, Picture b) {
        double sum = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            double d = (a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF);
            sum += d * d;
        }
        return sum == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255 / (sum / a.rgb().length));
    }
}
