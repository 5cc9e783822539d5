package dev.muse.formats.tfjs;

import dev.muse.formats.FormatException;
import dev.muse.formats.JsonValues;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TensorFlow.js model as it is published: {@code model.json} (a Keras layers model or a TensorFlow graph, plus the
 * weights manifest) and its binary weight shards beside it, or the same two bundled as JavaScript modules
 * ({@code model.min.js}, whose object literal is the model.json, and {@code group1-shard1of1.min.js}, whose string is
 * the shard in base64), as npm's nsfwjs ships them. Nothing is executed: the bundle's data is read as data. Weights
 * stored quantised (uint8, uint16, float16) are dequantised as tfjs does; every size in the manifest is checked against
 * the shards before anything is allocated.
 *
 * @param topology {@code modelTopology}: a layers model's {@code model_config} or a graph's {@code node} list
 * @param weights  every weight by its manifest name, in manifest order
 */
public record TfjsModel(Map<String, Object> topology, Map<String, Weight> weights) {
    /** Topologies are a few hundred kilobytes; weights a few hundred megabytes at most for the models Muse reads. */
    static final long MAX_MODEL_BYTES = 64L << 20, MAX_WEIGHT_BYTES = 1L << 30;

    /** A weight: its shape (TensorFlow's order: HWIO kernels, [in, out] dense matrices) and values. */
    public record Weight(String name, int[] shape, float[] values) {}

    public boolean isGraph() { return topology.get("node") instanceof List<?>; }

    /** The model in {@code folder} (model.json or model.min.js) or the model file itself. */
    public static TfjsModel read(Path path) throws IOException {
        Path file = Files.isDirectory(path)
                ? (Files.isRegularFile(path.resolve("model.json")) ? path.resolve("model.json") : path.resolve("model.min.js")) : path;
        if (!Files.isRegularFile(file)) throw new FormatException(path + " holds no TensorFlow.js model (model.json or model.min.js)");
        if (Files.size(file) > MAX_MODEL_BYTES) throw new FormatException(file + " is " + Files.size(file) + " bytes: not a model topology");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        boolean bundled = file.getFileName().toString().endsWith(".js");
        Object parsed = bundled ? JsonValues.parseJavaScript(Bundle.objectLiteral(text, file.toString()), file.toString())
                : JsonValues.parse(text, file.toString());
        if (!(parsed instanceof Map<?, ?> model) || !(model.get("modelTopology") instanceof Map<?, ?> topology)
                || !(model.get("weightsManifest") instanceof List<?> manifest))
            throw new FormatException(file + " is not a TensorFlow.js model: it lacks modelTopology or weightsManifest");
        Map<String, Weight> weights = new LinkedHashMap<>();
        for (Object group : manifest) {
            if (!(group instanceof Map<?, ?> g) || !(g.get("paths") instanceof List<?> paths) || !(g.get("weights") instanceof List<?> specs))
                throw new FormatException(file + ": a weights manifest group lacks paths or weights");
            ByteBuffer data = shards(file.getParent(), paths, bundled);
            for (Object spec : specs) {
                Weight w = weight(spec, data, file.toString());
                if (weights.put(w.name(), w) != null) throw new FormatException(file + ": the weight " + w.name() + " appears twice");
            }
            if (data.hasRemaining()) throw new FormatException(file + ": " + data.remaining() + " bytes of the shards belong to no weight");
        }
        @SuppressWarnings("unchecked") Map<String, Object> typed = (Map<String, Object>) topology;
        return new TfjsModel(typed, weights);
    }

    /** A group's shards, concatenated: binary files, or their .min.js bundles (a base64 string each). */
    private static ByteBuffer shards(Path folder, List<?> paths, boolean bundled) throws IOException {
        long total = 0;
        byte[][] parts = new byte[paths.size()][];
        for (int i = 0; i < parts.length; i++) {
            if (!(paths.get(i) instanceof String name) || name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith("."))
                throw new FormatException("a weight shard is named " + paths.get(i) + ": only plain file names beside the model are read");
            Path binary = folder.resolve(name), script = folder.resolve(name + ".min.js");
            Path shard = Files.isRegularFile(binary) || !bundled && !Files.isRegularFile(script) ? binary : script;
            if (!Files.isRegularFile(shard)) throw new FormatException("the weight shard " + name + " is missing beside the model");
            long size = Files.size(shard);
            // a bundle's base64 is 4/3 of the shard; the cap is on the decoded bytes
            if (total + size * (shard == script ? 3 : 4) / 4 > MAX_WEIGHT_BYTES) throw new FormatException("the weight shards exceed " + MAX_WEIGHT_BYTES + " bytes");
            parts[i] = shard == script ? Bundle.base64String(Files.readString(shard, StandardCharsets.US_ASCII), shard.toString()) : Files.readAllBytes(shard);
            total += parts[i].length;
        }
        ByteBuffer all = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] part : parts) all.put(part);
        return all.flip();
    }

    /** One weight spec read from the shards at their current position. */
    private static Weight weight(Object spec, ByteBuffer data, String where) {
        if (!(spec instanceof Map<?, ?> s) || !(s.get("name") instanceof String name) || !(s.get("shape") instanceof List<?> dims))
            throw new FormatException(where + ": a weight spec lacks its name or shape");
        int[] shape = new int[dims.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) throw new FormatException(where + ": " + name + " has the shape " + dims);
            shape[i] = (int) (long) d;
            count *= d;
            if (count > Integer.MAX_VALUE / 4) throw new FormatException(where + ": " + name + " has the shape " + dims + ", too large");
        }
        String dtype = s.get("dtype") instanceof String t ? t : "float32";
        if (!dtype.equals("float32") && !dtype.equals("int32")) throw new FormatException(where + ": " + name + " is " + dtype + ", not a number type Muse reads");
        Object q = s.get("quantization");
        String stored = q instanceof Map<?, ?> m && m.get("dtype") instanceof String t ? t : dtype;
        int width = switch (stored) {
            case "uint8" -> 1;
            case "uint16", "float16" -> 2;
            case "float32", "int32" -> 4;
            default -> throw new FormatException(where + ": " + name + " is stored as " + stored + ", which Muse does not read");
        };
        if (count * width > data.remaining())
            throw new FormatException(where + ": " + name + " needs " + count * width + " bytes but the shards hold " + data.remaining() + " more");
        float scale = q instanceof Map<?, ?> m ? number(m.get("scale"), 1, where, name) : 1, min = q instanceof Map<?, ?> m ? number(m.get("min"), 0, where, name) : 0;
        float[] values = new float[(int) count];
        for (int i = 0; i < values.length; i++)
            values[i] = switch (stored) {
                case "uint8" -> (data.get() & 0xff) * scale + min;
                case "uint16" -> (data.getShort() & 0xffff) * scale + min;
                case "float16" -> Float.float16ToFloat(data.getShort());
                case "int32" -> data.getInt();
                default -> data.getFloat();
            };
        return new Weight(name, shape, values);
    }

    private static float number(Object value, float otherwise, String where, String name) {
        if (value == null) return otherwise;
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) throw new FormatException(where + ": " + name + "'s quantization is " + value);
        return n.floatValue();
    }

    /** The data inside a bundled module: the object literal or the string its module exports. */
    static final class Bundle {
        private Bundle() {}

        static String objectLiteral(String script, String where) {
            int start = script.indexOf(".exports={");
            if (start < 0) throw new FormatException(where + " exports no object literal: not a bundled TensorFlow.js model");
            start += ".exports=".length();
            int depth = 0;
            boolean quoted = false;
            for (int i = start; i < script.length(); i++) {
                char c = script.charAt(i);
                if (quoted) {
                    if (c == '\\') i++;
                    else if (c == '"') quoted = false;
                } else if (c == '"') quoted = true;
                else if (c == '{' || c == '[') depth++;
                else if ((c == '}' || c == ']') && --depth == 0) return script.substring(start, i + 1);
            }
            throw new FormatException(where + ": the exported object literal is not closed");
        }

        static byte[] base64String(String script, String where) {
            int start = script.indexOf(".exports=\"");
            int end = start < 0 ? -1 : script.indexOf('"', start + ".exports=\"".length());
            if (end < 0) throw new FormatException(where + " exports no string: not a bundled weight shard");
            try {
                return Base64.getDecoder().decode(script.substring(start + ".exports=\"".length(), end));
            } catch (IllegalArgumentException e) {
                throw new FormatException(where + ": the shard is not base64 (" + e.getMessage() + ")");
            }
        }
    }
}
