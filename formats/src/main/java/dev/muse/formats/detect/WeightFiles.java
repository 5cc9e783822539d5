package dev.muse.formats.detect;

import dev.muse.formats.FormatException;
import dev.muse.formats.TensorSource;
import dev.muse.formats.ggml.WhisperGgmlFile;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.formats.pytorch.TorchCheckpoint;
import dev.muse.formats.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Opens a weight file in whichever format it is, told by its first bytes. */
public final class WeightFiles {
    private static final byte[] GGUF = {'G', 'G', 'U', 'F'};
    /** whisper.cpp's legacy ggml files: the uint32 0x67676d6c ("ggml") written little-endian. */
    private static final byte[] GGML = {'l', 'm', 'g', 'g'};
    /** A ZIP archive's local file header: PyTorch's checkpoints (torch.save since 1.6). */
    private static final byte[] ZIP = {'P', 'K', 3, 4};

    private WeightFiles() {}

    /**
     * The tensors and metadata of the file at {@code path}: GGUF, whisper.cpp's ggml model files, safetensors, or a
     * PyTorch checkpoint (read without running its pickle). A FormatException says when the format is unknown.
     */
    public static TensorSource open(Path path) throws IOException {
        byte[] start;
        try (InputStream in = Files.newInputStream(path)) {
            start = in.readNBytes(9);
        }
        byte[] magic = Arrays.copyOf(start, 4);
        if (Arrays.equals(magic, GGUF)) return GgufFile.open(path);
        if (Arrays.equals(magic, GGML)) return WhisperGgmlFile.open(path);
        if (Arrays.equals(magic, ZIP)) return TorchCheckpoint.open(path);
        if (isSafetensors(start, Files.size(path))) return SafetensorsFile.open(path);
        throw new FormatException(path.getFileName() + " is not a weight file Muse reads (GGUF, whisper.cpp's ggml, safetensors, PyTorch)");
    }

    /**
     * The first of {@code names} that {@code folder} holds, opened (a diffusers component folder keeps its weights as
     * model.safetensors, or as a .fp16 variant); a FormatException naming them all when it holds none.
     */
    public static TensorSource openFirst(Path folder, String... names) throws IOException {
        for (String name : names) {
            Path file = folder.resolve(name);
            if (Files.isRegularFile(file)) return open(file);
        }
        throw new FormatException(folder.getFileName() + " holds none of " + String.join(", ", names));
    }

    /** What a model builds from its opened weights; it may refuse them (a RuntimeException), and then they are closed. */
    @FunctionalInterface
    public interface Builder<T> {
        T build(TensorSource source);
    }

    /** {@link #openFirst} and the model built on it; the weights are closed when building fails, and kept by the model otherwise. */
    public static <T> T buildFirst(Path folder, Builder<T> builder, String... names) throws IOException {
        TensorSource source = openFirst(folder, names);
        try {
            return builder.build(source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** safetensors has no magic: a little-endian header length that fits the file, then the JSON header's brace. */
    private static boolean isSafetensors(byte[] start, long size) {
        if (start.length < 9 || start[8] != '{') return false;
        long headerBytes = ByteBuffer.wrap(start, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return headerBytes > 0 && headerBytes <= size - 8;
    }
}
