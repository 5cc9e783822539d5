package dev.muse.cli;

import dev.muse.hub.ModelFiles;

import dev.muse.formats.Metadata;
import dev.muse.formats.TensorInfo;
import dev.muse.formats.TensorSource;
import dev.muse.formats.detect.WeightFiles;
import dev.muse.formats.ggml.WhisperGgmlFile;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.formats.pytorch.TorchCheckpoint;
import dev.muse.formats.safetensors.SafetensorsFile;
import java.io.PrintStream;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print a weight file's metadata and tensors (GGUF, safetensors, a PyTorch checkpoint, whisper.cpp's ggml).")
final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "a weight file or a model name in the cache")
    String model;

    @Option(names = "--full-arrays", description = "print arrays (vocabularies) in full instead of their first elements")
    boolean fullArrays;

    @Override public Integer call() throws Exception {
        Path path = ModelFiles.resolve(model);
        PrintStream out = System.out;
        try (TensorSource file = WeightFiles.open(path)) {
            String format = switch (file) {
                case GgufFile g -> "GGUF v" + g.version();
                case SafetensorsFile x -> "safetensors";
                case TorchCheckpoint x -> "PyTorch checkpoint (its pickle read as data, nothing run)";
                case WhisperGgmlFile x -> "whisper.cpp ggml";
                default -> file.getClass().getSimpleName();
            };
            out.printf("%s: %s, %,d bytes, %d metadata keys, %d tensors%n", path, format, file.size(),
                    file.metadata().keys().size(), file.tensors().size());
            out.println("\nmetadata:");
            Metadata m = file.metadata();
            for (String key : m.keys()) out.printf("  %-48s %-8s %s%n", Printable.of(key), m.type(key), show(m.get(key)));
            out.println("\ntensors:");
            long parameters = 0;
            for (TensorInfo t : file.tensors()) {
                parameters += t.elements();
                out.printf("  %-40s %-5s %-22s %,14d bytes%n", Printable.of(t.name()), t.type(), Arrays.toString(t.shape()), t.byteSize());
            }
            out.printf("%n%,d parameters%n", parameters);
        }
        return 0;
    }

    private String show(Object value) {
        if (value == null || !value.getClass().isArray()) return value instanceof String s ? quote(s) : String.valueOf(value);
        int n = Array.getLength(value), shown = fullArrays ? n : Math.min(n, 8);
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shown; i++) {
            Object e = Array.get(value, i);
            b.append(i > 0 ? ", " : "").append(e instanceof String s ? quote(s) : e);
        }
        return b.append(shown < n ? ", ... (" + n + " items)]" : "]").toString();
    }

    private static String quote(String s) {
        String shortened = s.length() > 120 ? s.substring(0, 120) + "..." : s;
        return '"' + Printable.of(shortened) + '"';
    }
}
