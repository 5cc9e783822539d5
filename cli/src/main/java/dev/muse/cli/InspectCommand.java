package dev.muse.cli;

import dev.muse.hub.ModelFiles;

import dev.muse.formats.Metadata;
import dev.muse.formats.TensorInfo;
import dev.muse.formats.gguf.GgufFile;
import java.io.PrintStream;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Print a GGUF file's metadata and tensors.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "a .gguf file or a model name in the cache")
    String model;

    @Option(names = "--full-arrays", description = "print arrays (vocabularies) in full instead of their first elements")
    boolean fullArrays;

    @Override public Integer call() throws Exception {
        Path path = ModelFiles.resolve(model);
        PrintStream out = System.out;
        try (GgufFile file = GgufFile.open(path)) {
            out.printf("%s: GGUF v%d, %,d bytes, %d metadata keys, %d tensors%n", path, file.version(), file.fileSize(),
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
