package dev.muse.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real entry points, in process: convert the bundled checkpoint, inspect it, run it greedily and with a seed. */
class CliTest {
    @TempDir Path dir;

    record Outcome(int exitCode, String out, String err) {}

    static Outcome muse(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            var cli = Main.commandLine();
            cli.setOut(new java.io.PrintWriter(System.out, true));
            cli.setErr(new java.io.PrintWriter(System.err, true));
            int code = cli.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    Path convertStories() {
        Path folder = Path.of(System.getProperty("muse.shared", "../shared"), "models", "stories260K");
        assertTrue(Files.isDirectory(folder), "golden data missing: " + folder.toAbsolutePath());
        Path gguf = dir.resolve("stories260K.gguf");
        Outcome o = muse("convert", folder.resolve("stories260K.bin").toString(), folder.resolve("tok512.bin").toString(), "-o", gguf.toString());
        assertEquals(0, o.exitCode(), o.err());
        return gguf;
    }

    @Test
    void convertThenRunGreedyPrintsTheDocumentedStory() {
        Path gguf = convertStories();
        Outcome run = muse("run", gguf.toString(), "-n", "120", "--temperature", "0");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("Once upon a time, there was a little girl named Lily."), run.out());
        assertTrue(run.out().contains("She said, \"I want to play with your ball, but"), run.out());
        assertTrue(run.err().contains("120 generated"), run.err());
    }

    @Test
    // 400 tokens: each test home has a fresh random key, and at 200 tokens stories260K's low-entropy text fell below z 4 in one build (mean 6.2 there, docs/trust.md)
    void textWrittenWithTheWatermarkIsFoundByVerify(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path gguf = convertStories();
        String[] run = {"run", gguf.toString(), "-p", "Once upon a time", "-n", "400", "--seed", "3", "--temperature", "1", "--top-k", "0", "--top-p", "1", "--min-p", "0"};
        Path marked = java.nio.file.Files.writeString(dir.resolve("marked.txt"), muse(concat(run, "--text-watermark")).out());
        Path plain = java.nio.file.Files.writeString(dir.resolve("plain.txt"), muse(run).out());
        Outcome found = muse("verify", "--text", "-m", gguf.toString(), marked.toString());
        assertEquals(0, found.exitCode(), found.out() + found.err());
        assertTrue(found.out().startsWith(marked + ": this installation's text watermark (z = "), found.out());
        Outcome none = muse("verify", "--text", "-m", gguf.toString(), plain.toString());
        assertEquals(1, none.exitCode(), none.out());
        assertTrue(none.out().startsWith(plain + ": no text watermark of this installation"), none.out());
    }

    private static String[] concat(String[] a, String... more) {
        String[] out = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, out, a.length, more.length);
        return out;
    }

    @Test
    void sameSeedSameTextDifferentSeedDifferentText() {
        Path gguf = convertStories();
        String a = muse("run", gguf.toString(), "-p", "Once upon a time", "-n", "40", "--seed", "7", "--temperature", "1").out();
        String b = muse("run", gguf.toString(), "-p", "Once upon a time", "-n", "40", "--seed", "7", "--temperature", "1").out();
        String c = muse("run", gguf.toString(), "-p", "Once upon a time", "-n", "40", "--seed", "8", "--temperature", "1").out();
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertTrue(a.startsWith("Once upon a time"), a);
    }

    @Test
    void inspectPrintsMetadataAndTensors() {
        Outcome o = muse("inspect", convertStories().toString());
        assertEquals(0, o.exitCode(), o.err());
        assertTrue(o.out().contains("general.architecture"), o.out());
        assertTrue(o.out().contains("\"llama\""), o.out());
        assertTrue(o.out().contains("blk.4.ffn_down.weight"), o.out());
        assertTrue(o.out().contains("(512 items)"), o.out());
    }

    @Test
    void badInputIsOneClearLine() throws Exception {
        Path junk = dir.resolve("junk.gguf");
        Files.writeString(junk, "GGUF but not really");
        Outcome o = muse("inspect", junk.toString());
        assertEquals(1, o.exitCode());
        assertTrue(o.err().startsWith("muse: "), o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        Outcome missing = muse("run", dir.resolve("nope.gguf").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("no such model"), missing.err());
    }

    @Test
    void aCraftedFileCannotWriteControlCodesToTheTerminalNorExhaustMemory() throws Exception {
        Path tiny = new dev.muse.testkit.TinyModel(dev.muse.testkit.TinyFamily.LLAMA2, dev.muse.engine.GgmlType.F32, 3).write(dir.resolve("tiny.gguf"));
        Path crafted = dev.muse.testkit.GgufEdit.rewrite(tiny, dir.resolve("crafted.gguf"),
                m -> m.putString("general.name", "\u001b[2J\u001b[31mred"), t -> true);
        Outcome inspect = muse("inspect", crafted.toString());
        assertEquals(0, inspect.exitCode(), inspect.err());
        assertFalse(inspect.out().contains("\u001b"), "no raw escape character");
        assertTrue(inspect.out().contains("\\u001b[2J\\u001b[31mred"), inspect.out());

        Path foreign = dev.muse.testkit.GgufEdit.rewrite(tiny, dir.resolve("foreign.gguf"),
                m -> m.putString("general.architecture", "x\u001b]0;owned\u0007"), t -> true);
        Outcome run = muse("run", foreign.toString(), "-n", "1");
        assertEquals(1, run.exitCode());
        assertFalse(run.err().contains("\u001b") || run.err().contains("\u0007"), run.err());
        assertTrue(run.err().contains("architecture 'x\\u001b]0;owned\\u0007' is not supported"), run.err());

        Path huge = dev.muse.testkit.GgufEdit.rewrite(tiny, dir.resolve("huge.gguf"), m -> m.putUInt32("llama.block_count", Integer.MAX_VALUE), t -> true);
        Outcome oom = muse("run", huge.toString(), "-n", "1");
        assertEquals(1, oom.exitCode());
        assertTrue(oom.err().startsWith("muse: ") && oom.err().contains("block count 2147483647 does not fit"), oom.err());
    }
}
