package dev.muse.testkit;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import dev.muse.formats.Metadata;
import dev.muse.formats.TensorInfo;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.formats.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes an all-F32 copy of a GGUF whose values are exactly those Muse's {@link Tensor#dequantize} reads
 * from the original. llama.cpp computes with F32 activations on F32 weights, but rounds activations to
 * 8 bits (Q8_0 / Q8_1 / Q8_K) or to F16 / BF16 before multiplying them with weights of those types; on the
 * twin it does no such rounding, so Muse on the quantized file and llama.cpp on the twin must agree as
 * closely as on any F32 model. That isolates Muse's quantized kernels from llama.cpp's activation rounding.
 */
public final class DequantizedTwin {
    private static final int ROWS_PER_CHUNK = 256;

    private DequantizedTwin() {}

    public static Path write(Path quantized, Path twin) throws IOException {
        try (GgufFile in = GgufFile.open(quantized)) {
            Metadata source = in.metadata(), m = new Metadata();
            for (String key : source.keys()) m.put(key, source.type(key), source.elementType(key), source.get(key));
            m.putUInt32("general.file_type", 0);
            GgufWriter w = new GgufWriter(m);
            for (TensorInfo info : in.tensors()) {
                Tensor tensor = in.tensor(info.name());
                int row = (int) info.dim(0);
                long rows = info.elements() / row;
                w.addTensor(info.name(), GgmlType.F32, info.shape(), out -> {
                    float[] chunk = new float[ROWS_PER_CHUNK * row];
                    for (long r = 0; r < rows; r += ROWS_PER_CHUNK) {
                        int n = (int) Math.min(ROWS_PER_CHUNK, rows - r);
                        float[] values = n == ROWS_PER_CHUNK ? chunk : new float[n * row];
                        tensor.dequantize(r * row, values, 0, n * row);
                        out.write(Tensor.quantize(GgmlType.F32, values));
                    }
                });
            }
            w.write(twin);
        }
        return twin;
    }
}
