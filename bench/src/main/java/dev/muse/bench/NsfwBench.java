package dev.muse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.muse.engine.Ops;
import dev.muse.media.ImageDecoder;
import dev.muse.media.Picture;
import dev.muse.models.nsfw.NsfwClassifier;
import dev.muse.safety.ImageSafety;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The image safety classifier's figures: how many benign pictures it flags (explicit >= {@link ImageSafety#THRESHOLD})
 * per folder of pictures, with the 95% upper bound on the rate, and its time per picture; with a TensorFlow.js reference
 * (nsfwjs' classify.mjs, as the build installs it), how closely Muse's probabilities follow tfjs' on the same pixels.
 */
public final class NsfwBench {
    private NsfwBench() {}

    /** A folder of pictures: its name and the pictures decoded. */
    private record Folder(String name, List<Picture> pictures) {}

    public static int run(List<Path> folders, List<Path> classifiers, Path tfjs, int compared) throws Exception {
        List<Folder> sets = new ArrayList<>();
        for (Path folder : folders) sets.add(read(folder));
        for (Path model : classifiers) {
            NsfwClassifier classifier = NsfwClassifier.load(model, Ops.cpu());
            System.out.printf("%n## %s: pictures flagged as explicit (false positives on benign pictures)%n%n", model.getFileName());
            System.out.println("| pictures | count | flagged | rate | 95% upper bound | ms per picture |");
            System.out.println("|---|---|---|---|---|---|");
            int all = 0, allFlagged = 0;
            for (Folder set : sets) {
                classifier.classify(set.pictures().getFirst()); // warm up
                int flagged = 0;
                long start = System.nanoTime();
                for (Picture p : set.pictures()) if (!ImageSafety.verdict(classifier.labels(), classifier.classify(p)).safe()) flagged++;
                double ms = (System.nanoTime() - start) / 1e6 / set.pictures().size();
                row(set.name(), set.pictures().size(), flagged, ms);
                all += set.pictures().size();
                allFlagged += flagged;
            }
            row("all", all, allFlagged, Double.NaN);
            if (tfjs != null) agreement(classifier, model, sets, tfjs, compared);
        }
        return 0;
    }

    private static void row(String name, int count, int flagged, double ms) {
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %.4f | %.4f | %s |%n", name, count, flagged, flagged / (double) count, upperBound(flagged, count),
                Double.isNaN(ms) ? "" : String.format(Locale.ROOT, "%.1f", ms));
    }

    /** The one-sided 95% upper bound on a rate seen as k in n (Clopper-Pearson; 3/n, "the rule of three", when k is 0). */
    static double upperBound(int k, int n) {
        if (k == 0) return 1 - Math.pow(0.05, 1.0 / n);
        double lo = k / (double) n, hi = 1;
        for (int i = 0; i < 60; i++) { // bisect for the p whose binomial P(X <= k) is 0.05
            double mid = (lo + hi) / 2;
            if (cumulative(k, n, mid) > 0.05) lo = mid;
            else hi = mid;
        }
        return hi;
    }

    private static double cumulative(int k, int n, double p) {
        double sum = 0, logTerm;
        for (int i = 0; i <= k; i++) {
            logTerm = logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p);
            sum += Math.exp(logTerm);
        }
        return sum;
    }

    private static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
        return s;
    }

    /** Muse against TensorFlow.js on the first {@code compared} pictures of each folder: the largest probability difference, and top classes. */
    private static void agreement(NsfwClassifier classifier, Path model, List<Folder> sets, Path tfjs, int compared) throws Exception {
        String name = model.getFileName().toString().contains("mid") ? "MobileNetV2Mid" : "MobileNetV2";
        Path scratch = Files.createTempDirectory("muse-nsfw-bench");
        List<Picture> pictures = new ArrayList<>();
        for (Folder set : sets) pictures.addAll(set.pictures().subList(0, Math.min(compared, set.pictures().size())));
        List<String> command = new ArrayList<>(List.of("node", tfjs.resolve("classify.mjs").toString(), name));
        for (int i = 0; i < pictures.size(); i++) {
            Path raw = scratch.resolve(i + ".rgb");
            Files.write(raw, pictures.get(i).rgb());
            command.add(pictures.get(i).width() + ":" + pictures.get(i).height() + ":" + raw);
        }
        System.err.printf("comparing with TensorFlow.js on %d pictures ...%n", pictures.size());
        Process node = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!node.waitFor(30, TimeUnit.MINUTES) || node.exitValue() != 0) throw new IOException("the TensorFlow.js reference failed: " + out);
        JsonNode rows = new ObjectMapper().readTree(out.substring(out.lastIndexOf('\n') + 1));
        double worst = 0;
        int sameTop = 0, sameVerdict = 0;
        for (int i = 0; i < pictures.size(); i++) {
            float[] ours = classifier.classify(pictures.get(i)), theirs = new float[ours.length];
            for (int c = 0; c < ours.length; c++) {
                theirs[c] = (float) rows.get(i).get(c).asDouble();
                worst = Math.max(worst, Math.abs(ours[c] - theirs[c]));
            }
            if (argmax(ours) == argmax(theirs)) sameTop++;
            if (ImageSafety.verdict(classifier.labels(), ours).safe() == ImageSafety.verdict(classifier.labels(), theirs).safe()) sameVerdict++;
        }
        System.out.printf(Locale.ROOT, "%nAgainst TensorFlow.js (%s, its CPU backend) on %d pictures: largest probability difference %.2e, same top class %d / %d, "
                + "same verdict %d / %d%n", name, pictures.size(), worst, sameTop, pictures.size(), sameVerdict, pictures.size());
        try (Stream<Path> files = Files.list(scratch)) {
            for (Path f : files.toList()) Files.delete(f);
        }
        Files.delete(scratch);
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
        return best;
    }

    private static Folder read(Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> all = Files.walk(folder)) {
            files = all.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|webp)")).sorted().toList();
        }
        ImageDecoder decoder = new ImageDecoder();
        List<Picture> pictures = new ArrayList<>();
        for (Path f : files) {
            try {
                pictures.add(decoder.decode(f));
            } catch (RuntimeException e) {
                System.err.println("  skipped " + f + ": " + e.getMessage());
            }
        }
        if (pictures.isEmpty()) throw new IllegalArgumentException("no pictures (PNG, JPEG, WebP) in " + folder);
        return new Folder(folder.getFileName().toString(), pictures);
    }
}
