package dev.muse.cli;

import dev.muse.engine.GgmlType;
import dev.muse.formats.llama2c.Llama2cImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a llama2.c checkpoint and its tokenizer.bin into a GGUF file.")
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CHECKPOINT.bin", description = "llama2.c checkpoint (run.c format)")
    Path checkpoint;

    @Parameters(index = "1", paramLabel = "TOKENIZER.bin", description = "llama2.c tokenizer (tokenizer.bin / tok512.bin)")
    Path tokenizer;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.gguf", description = "GGUF file to write")
    Path output;

    @Option(names = "--type", defaultValue = "F32", description = "weight type: F32, F16, BF16, Q8_0, Q4_0, ... (default ${DEFAULT-VALUE})")
    GgmlType type;

    @Override public Integer call() throws Exception {
        for (Path p : new Path[] {checkpoint, tokenizer})
            if (!Files.isRegularFile(p)) throw new IllegalArgumentException("no such file: " + p);
        Llama2cImporter.convert(checkpoint, tokenizer, output, type);
        System.err.printf("wrote %s (%,d bytes)%n", output, Files.size(output));
        return 0;
    }
}
