package dev.muse.runtime;

import dev.muse.engine.Ops;
import dev.muse.media.Picture;
import dev.muse.models.nsfw.NsfwClassifier;
import dev.muse.safety.ImageSafety;
import dev.muse.safety.SafetyPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The image safety classifier: nsfwjs' MobileNetV2 where {@code muse pull} puts it in the model cache (its wider "mid"
 * variant first, which flags far fewer benign pictures: docs/trust.md), loaded at first use and kept (a few megabytes).
 * It screens pictures people send and pictures Muse makes.
 */
final class ImageGuard {
    /** The cache folders it is looked for in, in order of preference (the aliases' names). */
    static final List<String> MODELS = List.of("nsfw-mobilenet-v2-mid", "nsfw-mobilenet-v2");

    private final Path cache;
    private String loadedId;
    private NsfwClassifier loaded;

    ImageGuard(Path cache) {
        this.cache = cache;
    }

    /** The classifier on offer (its folder's name), if one is installed: a folder listing, nothing loaded. */
    Optional<String> model() {
        if (cache == null) return Optional.empty();
        return MODELS.stream().filter(id -> Files.isRegularFile(cache.resolve(id).resolve("model.min.js"))
                || Files.isRegularFile(cache.resolve(id).resolve("model.json"))).findFirst();
    }

    /** The classifier on offer, or a CapabilityException that says how to install one. */
    String require() {
        return model().orElseThrow(() -> new CapabilityException("No image safety classifier is installed: muse pull " + MODELS.getFirst()
                + " (or the smaller " + MODELS.getLast() + ")", CapabilityException.Capability.IMAGE_INPUT, -1));
    }

    /** What the classifier finds in {@code picture}; a CapabilityException when none is installed. */
    ImageVerdict check(Picture picture) {
        NsfwClassifier classifier;
        String id;
        synchronized (this) {
            id = require();
            if (!id.equals(loadedId)) {
                try {
                    loaded = NsfwClassifier.load(cache.resolve(id), Ops.cpu());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the image safety classifier " + id, e);
                }
                loadedId = id;
            }
            classifier = loaded;
        }
        float[] p = classifier.classify(picture);
        return new ImageVerdict(id, classifier.labels(), p, ImageSafety.verdict(classifier.labels(), p));
    }

    /**
     * A picture Muse made, screened: itself when the policy allows it (a flag is reported and let through), blurred past
     * recognition when the policy blocks it and blurs, or a ContentPolicyException when it blocks and withholds.
     */
    Picture screen(Picture picture, ImageScreen screen) {
        ImageVerdict verdict = check(picture);
        SafetyPolicy.Action action = screen.policy().decide(verdict.verdict());
        if (action == SafetyPolicy.Action.ALLOW) return picture;
        screen.onFlag().flagged(verdict, action);
        if (action == SafetyPolicy.Action.FLAG) return picture;
        if (!screen.policy().blursImages()) throw new ContentPolicyException("The picture was withheld by this server's safety screening (" + reasons(verdict) + ")");
        return blurred(picture);
    }

    static String reasons(ImageVerdict v) {
        return v.model() + ": " + v.verdict().hazards().stream().sorted().map(h -> h.name() + " " + h.title).collect(Collectors.joining(", "));
    }

    /**
     * The picture past recognition: averaged over blocks a sixteenth of its longer side, then each block smoothed into its
     * neighbours, so only the broad colours remain.
     */
    static Picture blurred(Picture p) {
        int block = Math.max(4, Math.max(p.width(), p.height()) / 16);
        int bw = (p.width() + block - 1) / block, bh = (p.height() + block - 1) / block;
        double[] means = new double[bw * bh * 3];
        int[] counts = new int[bw * bh];
        for (int y = 0; y < p.height(); y++)
            for (int x = 0; x < p.width(); x++) {
                int b = (y / block) * bw + x / block;
                counts[b]++;
                for (int c = 0; c < 3; c++) means[b * 3 + c] += p.rgb()[(y * p.width() + x) * 3 + c] & 0xff;
            }
        for (int b = 0; b < counts.length; b++) for (int c = 0; c < 3; c++) means[b * 3 + c] /= counts[b];
        byte[] rgb = new byte[p.rgb().length];
        for (int y = 0; y < p.height(); y++)
            for (int x = 0; x < p.width(); x++) {
                // bilinear between block centres: no block edges left to read shapes from
                double fy = Math.clamp((y + 0.5) / block - 0.5, 0, bh - 1), fx = Math.clamp((x + 0.5) / block - 0.5, 0, bw - 1);
                int y0 = (int) fy, x0 = (int) fx, y1 = Math.min(y0 + 1, bh - 1), x1 = Math.min(x0 + 1, bw - 1);
                double wy = fy - y0, wx = fx - x0;
                for (int c = 0; c < 3; c++) {
                    double top = means[(y0 * bw + x0) * 3 + c] * (1 - wx) + means[(y0 * bw + x1) * 3 + c] * wx;
                    double bottom = means[(y1 * bw + x0) * 3 + c] * (1 - wx) + means[(y1 * bw + x1) * 3 + c] * wx;
                    rgb[(y * p.width() + x) * 3 + c] = (byte) Math.round(top * (1 - wy) + bottom * wy);
                }
            }
        return new Picture(p.width(), p.height(), rgb);
    }
}
