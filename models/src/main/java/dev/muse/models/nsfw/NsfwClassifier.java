package dev.muse.models.nsfw;

import dev.muse.engine.Ops;
import dev.muse.formats.FormatException;
import dev.muse.formats.tfjs.TfjsModel;
import dev.muse.media.Picture;
import dev.muse.models.ImageClassifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The NSFW image classifiers that npm's nsfwjs ships (MIT; MobileNetV2, its larger "mid" variant, InceptionV3), read from
 * their TensorFlow.js files and run on Muse's ops. The picture is prepared as nsfwjs does: values / 255, then a bilinear
 * resize to the model's square input with corners aligned (tf.image.resizeBilinear(..., alignCorners = true)), skipped
 * when the picture already has that size. Its five classes are nsfwjs' own.
 */
public final class NsfwClassifier implements ImageClassifier {
    public static final List<String> LABELS = List.of("Drawing", "Hentai", "Neutral", "Porn", "Sexy");

    private final ConvNet net;
    private final Ops ops;
    private final int size;

    private NsfwClassifier(ConvNet net, Ops ops, int size) {
        this.net = net;
        this.ops = ops;
        this.size = size;
    }

    /** The classifier in {@code path} (a folder with model.json or model.min.js, or that file). */
    public static NsfwClassifier load(Path path, Ops ops) throws IOException {
        TfjsModel model = TfjsModel.read(path);
        ConvNet net = model.isGraph() ? TfGraph.build(model, ops) : KerasLayers.build(model, ops);
        NsfwClassifier classifier = new NsfwClassifier(net, ops, inputSize(model));
        float[] probe = classifier.run(new float[classifier.size * classifier.size * 3], classifier.size, classifier.size);
        if (probe.length != LABELS.size()) throw new FormatException(path + " scores " + probe.length + " classes, not nsfwjs' " + LABELS.size());
        return classifier;
    }

    @Override public String architecture() { return "nsfwjs"; }

    @Override public List<String> labels() { return LABELS; }

    /** The square input side the model declares (224 for the published ones). */
    public int inputSize() { return size; }

    @Override public float[] classify(Picture picture) {
        float[] rgb = new float[picture.width() * picture.height() * 3];
        for (int i = 0; i < rgb.length; i++) rgb[i] = (picture.rgb()[i] & 0xff) / 255f;
        if (picture.width() != size || picture.height() != size) rgb = resizeAlignedCorners(rgb, picture.height(), picture.width(), size, size);
        return run(rgb, size, size);
    }

    private float[] run(float[] rgb, int height, int width) {
        return net.run(ops, new ConvNet.Feature(rgb, height, width, 3)).data();
    }

    /** tfjs' resizeBilinear with alignCorners and without half-pixel centres, in its arithmetic (doubles, stored as floats). */
    static float[] resizeAlignedCorners(float[] in, int inH, int inW, int outH, int outW) {
        float[] out = new float[outH * outW * 3];
        double rowRatio = outH > 1 ? (inH - 1) / (double) (outH - 1) : inH / (double) outH;
        double colRatio = outW > 1 ? (inW - 1) / (double) (outW - 1) : inW / (double) outW;
        for (int r = 0; r < outH; r++) {
            double rowSource = rowRatio * r;
            int top = (int) Math.floor(rowSource), bottom = Math.min(inH - 1, (int) Math.ceil(rowSource));
            double rowFrac = rowSource - top;
            for (int c = 0; c < outW; c++) {
                double colSource = colRatio * c;
                int left = (int) Math.floor(colSource), right = Math.min(inW - 1, (int) Math.ceil(colSource));
                double colFrac = colSource - left;
                for (int ch = 0; ch < 3; ch++) {
                    double topLeft = in[(top * inW + left) * 3 + ch], topRight = in[(top * inW + right) * 3 + ch];
                    double bottomLeft = in[(bottom * inW + left) * 3 + ch], bottomRight = in[(bottom * inW + right) * 3 + ch];
                    double upper = topLeft + (topRight - topLeft) * colFrac, lower = bottomLeft + (bottomRight - bottomLeft) * colFrac;
                    out[(r * outW + c) * 3 + ch] = (float) (upper + (lower - upper) * rowFrac);
                }
            }
        }
        return out;
    }

    /** The input side the layers model's InputLayer or the graph's Placeholder declares ([batch, side, side, 3]). */
    private static int inputSize(TfjsModel model) {
        List<?> dims = List.of();
        if (model.isGraph()) {
            for (Object n : (List<?>) model.topology().get("node"))
                if (n instanceof Map<?, ?> node && "Placeholder".equals(node.get("op")) && node.get("attr") instanceof Map<?, ?> attr
                        && attr.get("shape") instanceof Map<?, ?> shape && shape.get("shape") instanceof Map<?, ?> s && s.get("dim") instanceof List<?> d)
                    dims = d.stream().map(x -> x instanceof Map<?, ?> m ? m.get("size") : null).toList();
        } else if (model.topology().get("model_config") instanceof Map<?, ?> mc && mc.get("config") instanceof Map<?, ?> c
                && c.get("layers") instanceof List<?> layers && !layers.isEmpty() && layers.getFirst() instanceof Map<?, ?> first
                && first.get("config") instanceof Map<?, ?> fc && fc.get("batch_input_shape") instanceof List<?> d) dims = d;
        if (dims.size() == 4 && side(dims.get(1)) > 0 && side(dims.get(1)) == side(dims.get(2)) && "3".equals(String.valueOf(dims.get(3)))) return side(dims.get(1));
        throw new FormatException("the model's input is " + dims + ", not a square RGB picture");
    }

    private static int side(Object dim) {
        try {
            long n = Long.parseLong(String.valueOf(dim));
            return n >= 16 && n <= 1024 ? (int) n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
