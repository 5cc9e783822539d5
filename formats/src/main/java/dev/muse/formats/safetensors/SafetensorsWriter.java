package dev.muse.formats.safetensors;

import dev.muse.formats.JsonValues;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files as the format's own writer does: the tensors' data back to back in the order given, the
 * header padded with spaces to a multiple of 8 bytes so the data starts aligned. For tests (tiny random-weight models
 * in the diffusers layout) and conversions.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    /**
     * One tensor: its safetensors dtype (F32, F16, BF16, I64, ...), its shape in PyTorch order (outermost first) and its
     * elements' little-endian bytes.
     */
    public record Entry(String name, String dtype, long[] shape, byte[] data) {}

    public static void write(Path path, List<Entry> tensors, Map<String, String> metadata) throws IOException {
        StringBuilder header = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            header.append("\"__metadata__\":{");
            String separator = "";
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                header.append(separator).append(JsonValues.quote(e.getKey())).append(':').append(JsonValues.quote(e.getValue()));
                separator = ",";
            }
            header.append('}');
        }
        long offset = 0;
        for (Entry t : tensors) {
            if (header.length() > 1) header.append(',');
            header.append(JsonValues.quote(t.name())).append(":{\"dtype\":").append(JsonValues.quote(t.dtype())).append(",\"shape\":[");
            for (int i = 0; i < t.shape().length; i++) header.append(i > 0 ? "," : "").append(t.shape()[i]);
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + t.data().length).append("]}");
            offset += t.data().length;
        }
        header.append('}');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        try (OutputStream out = Files.newOutputStream(path)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(json);
            for (int i = json.length; i < padded; i++) out.write(' ');
            for (Entry t : tensors) out.write(t.data());
        }
    }

}
