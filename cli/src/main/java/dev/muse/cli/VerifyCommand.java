package dev.muse.cli;

import dev.muse.provenance.Verification;
import dev.muse.provenance.watermark.TextWatermark;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Scheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check the content credentials (C2PA) in pictures and sounds: who signed them, whether the signer is trusted "
                + "(this installation, or a root listed in $MUSE_HOME/credentials/trusted.pem), what made them, and whether they were changed since.",
                "Pictures and sounds are also searched for Muse's invisible watermarks, which outlive stripped credentials, re-encoding and resizing.",
                "With --text and --model, the files are text checked for this installation's text watermark (exit status 0 when every one carries it).",
                "Exit status: 0 when every file carries valid credentials, 1 when one carries none, 2 when one's do not hold."})
final class VerifyCommand implements Callable<Integer> {
    /** The largest file read: the server's cap on an uploaded file. */
    private static final long MAX_FILE_BYTES = 25L << 20;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "PNG, JPEG, WebP, WAV or MP3 files")
    List<Path> files = List.of();

    @Option(names = "--root", description = "print this installation's root certificate (PEM), for verifiers elsewhere to trust what it signs")
    boolean root;

    @Option(names = "--text", description = "the FILEs are text (- for standard input): look for this installation's text watermark, read with --model's tokenizer")
    boolean text;

    @Option(names = {"-m", "--model"}, description = "with --text: the model (a file or a name in the cache) whose tokenizer reads the text")
    String model;

    @Override public Integer call() throws IOException {
        if (files.isEmpty() && !root) throw new IllegalArgumentException("verify what? give one or more files (or --root)");
        if (text) return texts();
        int status = 0;
        try (Engine engine = new Engine(new Engine.Config(List.of(), null, Long.MAX_VALUE, Scheduler.Options.single(16)))) {
            if (root) System.out.print(engine.credentialsRoot());
            for (Path file : files) {
                if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such file: " + file);
                if (Files.size(file) > MAX_FILE_BYTES) throw new IllegalArgumentException(file + " is larger than " + (MAX_FILE_BYTES >> 20) + " MB");
                Verification v = engine.verify(Files.readAllBytes(file));
                System.out.println(file + ": " + v.summary());
                if (v.generator() != null) System.out.println("  generator: " + v.generator());
                if (v.issuer() != null) System.out.println("  issued by: " + v.issuer());
                for (Verification.Action a : v.actions())
                    System.out.println("  " + a.action() + (a.digitalSourceType() == null ? "" : ", source " + a.digitalSourceType().replaceFirst(".*/", ""))
                            + (a.softwareAgent() == null ? "" : ", by " + a.softwareAgent()) + (a.model() == null ? "" : ", model " + a.model()));
                for (Verification.Mark m : v.watermarks()) System.out.println("  " + m.kind() + " watermark: " + describe(m));
                status = Math.max(status, switch (v.status()) {
                    case VALID -> 0;
                    case NONE -> 1;
                    case TAMPERED, INVALID -> 2;
                });
            }
        }
        return status;
    }

    /** Each text file's text watermark: exit 0 when every one carries it, 1 otherwise. */
    private int texts() throws IOException {
        if (model == null) throw new IllegalArgumentException("--text needs --model: the model whose tokenizer reads the text");
        dev.muse.hub.ModelPaths paths = dev.muse.hub.ModelPaths.of(dev.muse.hub.ModelFiles.resolve(model));
        int status = 0;
        try (Engine engine = new Engine(new Engine.Config(List.of(paths), null, Long.MAX_VALUE, Scheduler.Options.single(16)))) {
            for (Path file : files) {
                String content = file.toString().equals("-") ? new String(System.in.readNBytes((int) MAX_FILE_BYTES), java.nio.charset.StandardCharsets.UTF_8)
                        : Files.readString(file);
                TextWatermark.Detection d = engine.detectWatermark(paths.id(), content);
                System.out.printf(java.util.Locale.ROOT, "%s: %s (z = %.1f over %d token pairs, %d green; %.0f needed)%n", file,
                        d.found() ? "this installation's text watermark" : "no text watermark of this installation", d.z(), d.scored(), d.green(), TextWatermark.THRESHOLD);
                if (!d.found()) status = 1;
            }
        }
        return status;
    }

    /** "found, payload X, the one the credentials record", "not found; the credentials record Y", "none found", ... */
    static String describe(Verification.Mark m) {
        String found = m.found() ? "found, payload " + m.payload() : m.recorded() == null ? "none found" : "not found";
        if (m.recorded() == null) return found;
        return found + (m.found() && m.matchesCredentials() ? ", the one the credentials record" : "; the credentials record " + m.recorded());
    }
}
