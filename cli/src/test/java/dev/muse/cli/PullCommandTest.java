package dev.muse.cli;

import static dev.muse.cli.CliTest.muse;
import static org.junit.jupiter.api.Assertions.*;

import dev.muse.testkit.FakeHub;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `muse pull`, `muse models` and `muse run` on the pulled model, in process, against a local {@link FakeHub}
 * (-Dmuse.hf.endpoint stands in for MUSE_HF_ENDPOINT, -Dmuse.home for MUSE_HOME).
 */
class PullCommandTest {
    static final String SPEC = "hf:test-org/tiny-stories/models/stories-test.gguf";

    @TempDir Path dir;
    FakeHub hub;

    @BeforeEach
    void pointMuseAtTheFakeHub() throws IOException {
        hub = FakeHub.start();
        System.setProperty("muse.hf.endpoint", hub.endpoint().toString());
        System.setProperty("muse.home", dir.resolve("home").toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty("muse.hf.endpoint");
        System.clearProperty("muse.home");
        hub.close();
    }

    byte[] stories() throws IOException {
        Path folder = Path.of(System.getProperty("muse.shared", "../shared"), "models", "stories260K");
        assertTrue(Files.isDirectory(folder), "golden data missing: " + folder.toAbsolutePath());
        Path gguf = dir.resolve("converted.gguf");
        CliTest.Outcome o = muse("convert", folder.resolve("stories260K.bin").toString(), folder.resolve("tok512.bin").toString(), "-o", gguf.toString());
        assertEquals(0, o.exitCode(), o.err());
        return Files.readAllBytes(gguf);
    }

    @Test
    void pullThenListThenRunTheModelByName() throws IOException {
        byte[] model = stories();
        hub.serve("test-org/tiny-stories", "models/stories-test.gguf", model);

        CliTest.Outcome pull = muse("pull", SPEC);
        assertEquals(0, pull.exitCode(), pull.err());
        Path cached = dir.resolve("home/models/stories-test.gguf");
        assertEquals(cached.toString(), pull.out().strip(), "stdout is the path, for scripts");
        assertArrayEquals(model, Files.readAllBytes(cached));
        assertTrue(pull.err().contains("verified stories-test.gguf: SHA-256 " + FakeHub.sha256(model)), pull.err());

        CliTest.Outcome again = muse("pull", SPEC);
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.err().contains("already in the cache"), again.err());

        CliTest.Outcome models = muse("models");
        assertEquals(0, models.exitCode(), models.err());
        String row = models.out().lines().filter(l -> l.startsWith("stories-test ")).findFirst().orElseThrow(() -> new AssertionError(models.out()));
        assertTrue(row.contains("llama") && row.contains(FakeHub.sha256(model).substring(0, 12)) && row.endsWith(SPEC), row);
        assertTrue(models.out().contains("pull by name") && models.out().contains("  stories260k "), models.out());

        CliTest.Outcome run = muse("run", "stories-test", "-n", "20", "--temperature", "0");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("Once upon a time"), run.out());
    }

    @Test
    void pullAVisionModelWithItsProjectorThenRunItOnAnImage() throws Exception {
        Path files = Files.createDirectories(dir.resolve("made"));
        byte[] model = Files.readAllBytes(new dev.muse.testkit.TinyModel(dev.muse.testkit.TinyFamily.SMOLVLM, dev.muse.engine.GgmlType.Q8_0, 41)
                .write(files.resolve("m.gguf")));
        byte[] projector = Files.readAllBytes(new dev.muse.testkit.TinyVision(dev.muse.testkit.TinyVision.Tower.IDEFICS3, dev.muse.engine.GgmlType.F16, 42)
                .write(files.resolve("p.gguf")));
        hub.serve("test-org/tiny-vlm", "tiny-vlm-Q8_0.gguf", model);
        hub.serve("test-org/tiny-vlm", "mmproj-tiny-vlm-F16.gguf", projector);

        CliTest.Outcome pull = muse("pull", "-q", "hf:test-org/tiny-vlm/tiny-vlm-Q8_0.gguf", "--mmproj", "hf:test-org/tiny-vlm/mmproj-tiny-vlm-F16.gguf");
        assertEquals(0, pull.exitCode(), pull.err());
        Path beside = dir.resolve("home/models/mmproj-tiny-vlm-Q8_0.gguf");
        assertEquals(dir.resolve("home/models/tiny-vlm-Q8_0.gguf") + "\n" + beside, pull.out().strip(), "stdout names both files");
        assertArrayEquals(projector, Files.readAllBytes(beside), "the projector is saved under the name muse run looks for");

        Path image = files.resolve("picture.png");
        java.awt.image.BufferedImage picture = new java.awt.image.BufferedImage(70, 40, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) for (int x = 0; x < 70; x++) picture.setRGB(x, y, x * 3 << 16 | y * 6 << 8);
        javax.imageio.ImageIO.write(picture, "png", image.toFile());
        CliTest.Outcome run = muse("run", "tiny-vlm-Q8_0", "--image", image.toString(), "-p", "What is this?", "-n", "3", "--temperature", "0");
        assertEquals(0, run.exitCode(), run.err());
        // 2 x 2 tiles plus the overview, 16 rows each, with their delimiters and the text.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) prompt tokens").matcher(run.err());
        assertTrue(m.find() && Integer.parseInt(m.group(1)) > 80, run.err());

        CliTest.Outcome textOnly = muse("run", "tiny-vlm-Q8_0", "--mmproj", files.resolve("m.gguf").toString(), "--image", image.toString(), "-p", "x");
        assertEquals(1, textOnly.exitCode());
        assertTrue(textOnly.err().contains("not an mmproj file"), textOnly.err());
        CliTest.Outcome notAnImage = muse("run", "tiny-vlm-Q8_0", "--image", files.resolve("p.gguf").toString(), "-p", "x");
        assertEquals(1, notAnImage.exitCode());
        assertTrue(notAnImage.err().contains("cannot read the image"), notAnImage.err());
    }

    @Test
    void aBadDigestIsOneClearLineAndLeavesTheCacheEmpty() throws IOException {
        hub.serve("test-org/tiny-stories", "models/stories-test.gguf", FakeHub.randomBytes(10_000, 1)).announcing("ab".repeat(32));
        CliTest.Outcome o = muse("pull", "-q", SPEC);
        assertEquals(1, o.exitCode());
        assertTrue(o.err().startsWith("muse: ") && o.err().contains("SHA-256 mismatch"), o.err());
        assertEquals(1, o.err().lines().count(), o.err());
        assertTrue(muse("models").out().startsWith("no models in"));
    }

    @Test
    void unsafeNamesAndUnknownModelsAreRefusedBeforeAnyRequest() {
        for (String[] args : new String[][] {{"pull", "hf:test-org/tiny-stories/../../etc/passwd"}, {"pull", "hf:/etc/passwd"},
                {"pull", "--name", "../evil.gguf", SPEC}, {"pull", "no-such-alias"}, {"pull", "--revision", "dev", "stories260k"}}) {
            CliTest.Outcome o = muse(args);
            assertEquals(1, o.exitCode(), String.join(" ", args));
            assertTrue(o.err().startsWith("muse: ") && !o.err().contains("\tat "), o.err());
        }
        assertTrue(hub.requests().isEmpty(), hub.requests().toString());
        CliTest.Outcome notPulled = muse("run", "smollm2-135m-instruct");
        assertTrue(notPulled.err().contains("muse pull smollm2-135m-instruct"), notPulled.err());
    }

    @Test
    void offlineItFailsFastWithOneLineThatSaysWhatToDo() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        System.setProperty("muse.hf.endpoint", "http://127.0.0.1:" + closed);
        long t0 = System.nanoTime();
        CliTest.Outcome o = muse("pull", "stories260k");
        assertTrue((System.nanoTime() - t0) / 1e9 < 5);
        assertEquals(1, o.exitCode());
        String last = o.err().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("muse: cannot reach http://127.0.0.1:" + closed) && last.contains("MUSE_OFFLINE_MODELS"), o.err());
    }

    /**
     * `muse pull sd-turbo` and `muse pull taesd` bring a diffusers pipeline (its F16 weights, the ".fp16" files) and the
     * preview decoder into the cache as folders; `muse models` lists the pipeline, and `muse draw` uses both.
     */
    @Test
    void pullAPipelineAndItsPreviewsThenDraw() throws IOException {
        Path pipeline = new dev.muse.testkit.TinyPipeline(dev.muse.engine.GgmlType.F16, 1).write(dir.resolve("upstream/sd-turbo"));
        var turbo = dev.muse.hub.ModelAliases.find("sd-turbo").orElseThrow();
        for (String path : turbo.folder()) {
            Path file = pipeline.resolve(path.replace(".fp16.safetensors", ".safetensors"));
            if (path.endsWith(".safetensors")) hub.serve(turbo.source().repo(), path, Files.readAllBytes(file));
            else hub.serveRegular(turbo.source().repo(), path, Files.readAllBytes(file));
        }
        Path taesd = dev.muse.testkit.TinyTaesd.sd(dev.muse.engine.GgmlType.F16, 1).write(dir.resolve("upstream/taesd"));
        hub.serveRegular("madebyollin/taesd", "config.json", Files.readAllBytes(taesd.resolve("config.json")))
                .serve("madebyollin/taesd", "diffusion_pytorch_model.safetensors", Files.readAllBytes(taesd.resolve("diffusion_pytorch_model.safetensors")));

        CliTest.Outcome pull = muse("pull", "sd-turbo");
        assertEquals(0, pull.exitCode(), pull.err());
        Path cached = dir.resolve("home/models/sd-turbo");
        assertEquals(cached.toString(), pull.out().strip());
        assertTrue(Files.isRegularFile(cached.resolve("unet/diffusion_pytorch_model.fp16.safetensors")));
        assertTrue(pull.err().contains("verified merges.txt: git blob SHA-1"), pull.err());
        assertEquals(0, muse("pull", "taesd").exitCode());
        String models = muse("models").out();
        assertTrue(models.contains("sd-turbo") && models.contains("(in the cache)"), "muse models lists the pulled pipeline: " + models);
        assertFalse(models.lines().anyMatch(l -> l.startsWith("taesd")), "the preview decoder is a part, not a model: " + models);

        Path preview = dir.resolve("forming.png"), out = dir.resolve("fox.png");
        CliTest.Outcome draw = muse("draw", "a red fox", "-m", "sd-turbo", "--size", "64x32", "--steps", "2", "-g", "0", "--preview", preview.toString(),
                "-o", out.toString());
        assertEquals(0, draw.exitCode(), draw.err());
        assertTrue(Files.isRegularFile(out) && Files.isRegularFile(preview));
    }
}
