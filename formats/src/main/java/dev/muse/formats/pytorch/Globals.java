package dev.muse.formats.pytorch;

import dev.muse.formats.FormatException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The only globals a checkpoint's pickle may name, and what each makes: PyTorch's tensor and parameter rebuilders (a
 * {@link TorchCheckpoint.View} of a storage), the storage classes (element types, inside storage ids), and
 * {@code collections.OrderedDict} (a state dict). Nothing else is callable.
 */
final class Globals {
    private Globals() {}

    static final Map<String, Unpickler.Global> TORCH = build();

    private static Map<String, Unpickler.Global> build() {
        Map<String, Unpickler.Global> g = new HashMap<>();
        add(g, "collections", "OrderedDict", args -> {
            if (!args.isEmpty()) throw new FormatException("OrderedDict with arguments");
            return new LinkedHashMap<>();
        });
        add(g, "torch._utils", "_rebuild_tensor_v2", Globals::tensor);
        add(g, "torch._utils", "_rebuild_parameter", args -> {
            if (args.size() < 1 || !(args.getFirst() instanceof TorchCheckpoint.View v)) throw new FormatException("_rebuild_parameter without a tensor");
            return v;
        });
        for (TorchCheckpoint.Dtype d : TorchCheckpoint.Dtype.values()) {
            g.put("torch." + d.storage, new Unpickler.Global("torch", d.storage, args -> {
                throw new FormatException("a storage class is not called");
            }));
        }
        return Map.copyOf(g);
    }

    private static void add(Map<String, Unpickler.Global> g, String module, String name, java.util.function.Function<List<Object>, Object> call) {
        g.put(module + "." + name, new Unpickler.Global(module, name, call));
    }

    /** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
    private static Object tensor(List<Object> args) {
        if (args.size() < 4 || !(args.get(0) instanceof TorchCheckpoint.Storage storage) || !(args.get(1) instanceof Long offset)
                || !(args.get(2) instanceof Unpickler.Tuple size) || !(args.get(3) instanceof Unpickler.Tuple stride))
            throw new FormatException("_rebuild_tensor_v2 with arguments that are not (storage, offset, size, stride, ...)");
        return new TorchCheckpoint.View(storage, offset, longs(size), longs(stride));
    }

    private static long[] longs(Unpickler.Tuple t) {
        if (t.items().size() > 8) throw new FormatException("a tensor of more than 8 dimensions");
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.items().get(i) instanceof Long n)) throw new FormatException("a size or stride that is not an integer");
            out[i] = n;
        }
        return out;
    }
}
