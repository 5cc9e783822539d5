package dev.muse.models.kokoro;

import dev.muse.formats.FormatException;
import dev.muse.formats.TensorInfo;
import dev.muse.formats.pytorch.TorchCheckpoint;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A Kokoro voice as hexgrad/Kokoro-82M ships it ({@code voices/NAME.pt}): a [rows, 1, 2 x style] tensor of style
 * vectors, one per phoneme count, so that a short phrase and a long one are each said in the style the voice was
 * fitted with for that length. A vector's first half styles the decoder (timbre), its second the prosody.
 */
public record Voice(String name, float[] styles, int rows, int width) {
    /** Reads voices/NAME.pt; its vectors must be {@code width} wide (2 x the model's style_dim). */
    public static Voice read(Path file, int width) throws IOException {
        String name = file.getFileName().toString().replaceFirst("\\.pt$", "");
        try (TorchCheckpoint pack = TorchCheckpoint.open(file)) {
            if (pack.tensors().size() != 1) throw new FormatException(file.getFileName() + ": a voice holds one tensor, this file " + pack.tensors().size());
            TensorInfo info = pack.tensors().getFirst();
            long rows = info.elements() / width;
            if (info.dim(0) != width || rows < 1 || rows * width != info.elements() || rows > 4096)
                throw new FormatException(file.getFileName() + ": a voice is a [rows, 1, " + width + "] tensor, this one is " + info);
            float[] styles = new float[(int) info.elements()];
            pack.tensor(info.name()).dequantize(0, styles, 0, styles.length);
            return new Voice(name, styles, (int) rows, width);
        }
    }

    /** The style vector for a phoneme string of {@code phonemes} symbols (the last row for longer ones). */
    public float[] style(int phonemes) {
        int row = Math.clamp(phonemes, 1, rows) - 1;
        return java.util.Arrays.copyOfRange(styles, row * width, (row + 1) * width);
    }
}
