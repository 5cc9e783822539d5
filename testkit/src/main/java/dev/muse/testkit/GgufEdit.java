package dev.muse.testkit;

import dev.muse.formats.Metadata;
import dev.muse.formats.TensorInfo;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.formats.gguf.GgufWriter;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** A copy of a GGUF file with its metadata edited and some tensors left out: how tests make broken or odd files. */
public final class GgufEdit {
    private GgufEdit() {}

    /**
     * Writes {@code out}: the metadata of {@code original} without {@code dropKeys} and then changed by {@code edit},
     * and the tensors that {@code keep} accepts, unchanged.
     */
    public static Path rewrite(Path original, Path out, Consumer<Metadata> edit, Predicate<TensorInfo> keep, String... dropKeys) throws IOException {
        try (GgufFile f = GgufFile.open(original)) {
            Metadata m = new Metadata();
            for (String key : f.metadata().keys())
                if (!List.of(dropKeys).contains(key)) m.put(key, f.metadata().type(key), f.metadata().elementType(key), f.metadata().get(key));
            edit.accept(m);
            GgufWriter w = new GgufWriter(m);
            for (TensorInfo t : f.tensors()) {
                if (!keep.test(t)) continue;
                byte[] bytes = f.bytes(t.name()).toArray(ValueLayout.JAVA_BYTE);
                w.addTensor(t.name(), t.type(), t.shape(), () -> bytes);
            }
            w.write(out);
        }
        return out;
    }
}
