package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.hub.ModelPaths;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.testkit.TinyPipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drawing through the engine: the event stream, the pictures and their seeds, the refusals, cancellation. */
class DrawingTest {
    @TempDir static Path dir;
    static Engine engine;

    @BeforeAll
    static void start() throws Exception {
        Path sd = new TinyPipeline(GgmlType.F32, 1).write(dir.resolve("tiny-sd"));
        dev.muse.testkit.TinyTaesd.sd(GgmlType.F32, 1).write(dir.resolve("taesd")); // beside it, as muse pull taesd puts it
        Path chat = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 5).write(dir.resolve("chat.gguf"));
        engine = new Engine(new Engine.Config(List.of(new ModelPaths("tiny-sd", sd, null), new ModelPaths("chat", chat, null)), null, 1L << 30,
                new Scheduler.Options(2, 64, 16)));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static List<Event> events(Drawing drawing) throws InterruptedException {
        List<Event> out = new ArrayList<>();
        Event e;
        do out.add(e = drawing.next()); while (!e.last());
        return out;
    }

    @Test
    void drawsPicturesWithProgressAndSeeds() throws Exception {
        List<Event> events = events(engine.draw(new DrawRequest("tiny-sd", "a red fox in snow", "blurry", 64, 32, 2, 5.0, 1234L, 2)));
        List<Event.Image> images = events.stream().filter(e -> e instanceof Event.Image).map(e -> (Event.Image) e).toList();
        assertEquals(2, images.size());
        assertEquals(1234L, images.get(0).seed());
        assertEquals(1235L, images.get(1).seed(), "picture i is seed + i, so it can be drawn again alone");
        assertEquals(64, picture(images.get(0)).width());
        assertEquals(32, picture(images.get(0)).height());
        assertEquals("a red fox in snow\nNegative prompt: blurry\nSteps: 2, Sampler: Euler, CFG scale: 5.0, Seed: 1235, Size: 64x32, Model: tiny-sd, "
                + "Version: Muse", dev.muse.media.PngWriter.text(images.get(1).file()).get("parameters"));
        List<Double> progress = events.stream().filter(e -> e instanceof Event.Progress).map(e -> ((Event.Progress) e).fraction()).toList();
        assertEquals(List.of(0.25, 0.5, 0.75, 1.0), progress);
        Event.Drawn done = assertInstanceOf(Event.Drawn.class, events.getLast());
        assertEquals(2, done.pictures());
        assertEquals(2, done.steps());
        var again = events(engine.draw(new DrawRequest("tiny-sd", "a red fox in snow", "blurry", 64, 32, 2, 5.0, 1235L, 1)));
        Event.Image alone = (Event.Image) again.stream().filter(e -> e instanceof Event.Image).findFirst().orElseThrow();
        int worst = 0;
        byte[] a = picture(alone).rgb(), b = picture(images.get(1)).rgb();
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
        assertTrue(worst <= 2, "the second picture drawn again from its own seed: " + worst + " levels apart");
        assertTrue(engine.model("tiny-sd").orElseThrow().outputs().contains(ModelInfo.Modality.IMAGE));
    }

    /** Previews come spread over the steps before the last, each a PNG of the picture's size, in order with the progress. */
    @Test
    void partialImagesShowThePictureForming() throws Exception {
        List<Event> events = events(engine.draw(new DrawRequest("tiny-sd", "a red fox", null, 64, 32, 5, 0.0, 3L, 2, null, null, 2)));
        List<Event.PartialImage> partials = events.stream().filter(e -> e instanceof Event.PartialImage).map(e -> (Event.PartialImage) e).toList();
        assertEquals(4, partials.size(), "two of each picture");
        assertEquals(List.of(2, 4, 2, 4), partials.stream().map(Event.PartialImage::step).toList());
        assertEquals(List.of(0, 1, 0, 1), partials.stream().map(Event.PartialImage::partial).toList());
        assertEquals(List.of(0, 0, 1, 1), partials.stream().map(Event.PartialImage::index).toList());
        for (Event.PartialImage p : partials) {
            var picture = new dev.muse.media.ImageDecoder().decode(p.file());
            assertEquals(64, picture.width());
            assertEquals(32, picture.height());
        }
        // each preview follows its step's progress and comes before its picture
        int firstPreview = events.indexOf(partials.getFirst()), firstImage = events.indexOf(events.stream().filter(e -> e instanceof Event.Image).findFirst().orElseThrow());
        assertEquals(0.2, ((Event.Progress) events.get(firstPreview - 1)).fraction(), 1e-9);
        assertTrue(firstPreview < firstImage);
        // 9 asked of 3 steps: one after each step but the last
        long few = events(engine.draw(new DrawRequest("tiny-sd", "a red fox", null, 32, 32, 3, 0.0, 3L, 1, null, null, 9))).stream()
                .filter(e -> e instanceof Event.PartialImage).count();
        assertEquals(2, few);
        assertEquals(List.of(7, 13, 19), List.of(Drawing.previewStep(0, 3, 20), Drawing.previewStep(1, 3, 20), Drawing.previewStep(2, 3, 20)));
        assertThrows(IllegalArgumentException.class, () -> new DrawRequest("tiny-sd", "a fox", null, 32, 32, 1, 0.0, 1L, 1, null, null, -1));
    }

    static dev.muse.media.Picture picture(Event.Image image) {
        return new dev.muse.media.ImageDecoder().decode(image.file());
    }

    /**
     * Redrawing an image: img2img at its own size (rounded to the model's multiple) with its share of the steps, and
     * inpainting where a mask is light or an image transparent; undecodable images and masks are refused up front.
     */
    @Test
    void redrawsAnImageAndInpaintsUnderAMask() throws Exception {
        dev.muse.media.Picture photo = picture((Event.Image) events(engine.draw(new DrawRequest("tiny-sd", "a red fox in snow", null, 64, 32, 2, 0.0, 5L, 1)))
                .stream().filter(e -> e instanceof Event.Image).findFirst().orElseThrow());
        byte[] png = dev.muse.media.PngWriter.encode(dev.muse.media.Resize.crop(padded(photo), 0, 0, 70, 40), java.util.Map.of());
        var edit = new DrawRequest.Edit(png, null, 0.5);
        List<Event> events = events(engine.draw(new DrawRequest("tiny-sd", "a cat on the moon", null, null, null, 4, 0.0, 9L, 1, null, edit)));
        Event.Image redrawn = (Event.Image) events.stream().filter(e -> e instanceof Event.Image).findFirst().orElseThrow();
        assertEquals(64, redrawn.width(), "70 wide, rounded down to the model's multiple of 32");
        assertEquals(32, redrawn.height());
        assertEquals(2, events.stream().filter(e -> e instanceof Event.Progress).count(), "half of 4 steps");
        assertTrue(dev.muse.media.PngWriter.text(redrawn.file()).get("parameters").contains("Denoising strength: 0.5, Version: Muse"));

        // a mask over the left half
        dev.muse.media.Picture half = dev.muse.media.Picture.blank(64, 32);
        for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) for (int c = 0; c < 3; c++) half.rgb()[(y * 64 + x) * 3 + c] = (byte) 255;
        byte[] maskPng = dev.muse.media.PngWriter.encode(half, java.util.Map.of());
        byte[] photoPng = dev.muse.media.PngWriter.encode(photo, java.util.Map.of());
        var inpaint = new DrawRequest.Edit(photoPng, maskPng, null);
        List<Event> painted = events(engine.draw(new DrawRequest("tiny-sd", "a cat on the moon", null, null, null, 2, 0.0, 9L, 1, null, inpaint)));
        Event.Image first = (Event.Image) painted.stream().filter(e -> e instanceof Event.Image).findFirst().orElseThrow();
        assertTrue(dev.muse.media.PngWriter.text(first.file()).get("parameters").contains("Denoising strength: 1.0, Mask: yes"), "full strength by default under a mask");
        assertEquals(2, painted.stream().filter(e -> e instanceof Event.Progress).count());
        // the same mask as the photo's own transparency (OpenAI's way): the same picture
        var rgba = new java.awt.image.BufferedImage(64, 32, java.awt.image.BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 64; x++)
                rgba.setRGB(x, y, (x < 32 ? 0 : 0xFF000000) | photo.sample(x, y, 0) << 16 | photo.sample(x, y, 1) << 8 | photo.sample(x, y, 2));
        var out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(rgba, "png", out);
        // transparent pixels keep their colour in this file, so the image the model sees is the photo
        Event.Image own = (Event.Image) events(engine.draw(new DrawRequest("tiny-sd", "a cat on the moon", null, null, null, 2, 0.0, 9L, 1, null,
                new DrawRequest.Edit(out.toByteArray(), null, null)))).stream().filter(e -> e instanceof Event.Image).findFirst().orElseThrow();
        assertTrue(dev.muse.media.PngWriter.text(own.file()).get("parameters").contains("Mask: yes"), "transparency is a mask");
        int worst = 0;
        byte[] a = picture(own).rgb(), b = picture(first).rgb();
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
        assertTrue(worst <= 2, "a transparent left half paints as a white-left-half mask does: " + worst + " levels apart");

        assertThrows(IllegalArgumentException.class, () -> engine.draw(new DrawRequest("tiny-sd", "a fox", null, null, null, 2, 0.0, 1L, 1, null,
                new DrawRequest.Edit(new byte[] {1, 2, 3}, null, 0.5))), "not an image");
        assertThrows(IllegalArgumentException.class, () -> engine.draw(new DrawRequest("tiny-sd", "a fox", null, null, null, 2, 0.0, 1L, 1, null,
                new DrawRequest.Edit(photoPng, null, 0.2))), "0.2 of 2 steps runs none");
        assertThrows(IllegalArgumentException.class, () -> new DrawRequest.Edit(photoPng, null, 1.5));
    }

    /** The picture on a 70 x 40 canvas (grey beyond it), to be cropped back to an odd size. */
    static dev.muse.media.Picture padded(dev.muse.media.Picture p) {
        dev.muse.media.Picture out = dev.muse.media.Picture.blank(70, 40);
        java.util.Arrays.fill(out.rgb(), (byte) 128);
        for (int y = 0; y < p.height(); y++) System.arraycopy(p.rgb(), y * p.width() * 3, out.rgb(), y * 70 * 3, p.width() * 3);
        return out;
    }

    @Test
    void refusalsComeBeforeAnythingRuns() {
        assertThrows(IllegalArgumentException.class, () -> engine.draw(new DrawRequest("tiny-sd", "a fox", null, 48, 32, 1, 0.0, 1L, 1)));
        assertThrows(IllegalArgumentException.class, () -> engine.draw(new DrawRequest("tiny-sd", "a fox", null, 32, 32, 0, 0.0, 1L, 1)));
        assertThrows(IllegalArgumentException.class, () -> new DrawRequest("tiny-sd", " ", null, 32, 32, 1, 0.0, 1L, 1));
        assertThrows(IllegalArgumentException.class, () -> new DrawRequest("tiny-sd", "a fox", null, 32, 32, 1, 0.0, 1L, 9));
        var notADrawer = assertThrows(CapabilityException.class, () -> engine.draw(DrawRequest.of("chat", "a fox")));
        assertEquals(CapabilityException.Capability.IMAGE_GENERATION, notADrawer.missing());
        var noChat = assertThrows(CapabilityException.class, () -> engine.chat(new ChatRequest("tiny-sd",
                List.of(ChatRequest.Message.of("user", "hi")), null, GenerationOptions.of(4, Sampling.greedy()))));
        assertTrue(noChat.getMessage().contains("draws pictures"), noChat.getMessage());
        assertThrows(UnknownModelException.class, () -> engine.draw(DrawRequest.of("nope", "a fox")));
        var tooManyForLcm = assertThrows(IllegalArgumentException.class,
                () -> engine.draw(new DrawRequest("tiny-sd", "a fox", null, 32, 32, 51, 0.0, 1L, 1, "lcm", null)));
        assertTrue(tooManyForLcm.getMessage().contains("at most 50 steps"), tooManyForLcm.getMessage());
    }

    /** A request without a sampler or steps takes the model's sampler, and with LCM a few steps. */
    @Test
    void requestsTakeTheModelsSampler() {
        var decoder = new dev.muse.media.ImageDecoder();
        var lcm = DrawRequest.of("tiny-lcm", "a fox").resolved(8, dev.muse.models.diffusion.Sampling.Sampler.LCM, decoder);
        assertEquals(dev.muse.models.diffusion.Sampling.Sampler.LCM, lcm.sampler());
        assertEquals(DrawRequest.DEFAULT_LCM_STEPS, lcm.steps());
        var euler = DrawRequest.of("tiny-sd", "a fox").resolved(8, dev.muse.models.diffusion.Sampling.Sampler.EULER, decoder);
        assertEquals(DrawRequest.DEFAULT_STEPS, euler.steps());
        var chosen = new DrawRequest("tiny-lcm", "a fox", null, null, null, null, null, 1L, 1, "euler", null)
                .resolved(8, dev.muse.models.diffusion.Sampling.Sampler.LCM, decoder);
        assertEquals(dev.muse.models.diffusion.Sampling.Sampler.EULER, chosen.sampler(), "a sampler asked for wins");
        assertEquals(DrawRequest.DEFAULT_STEPS, chosen.steps());
    }

    /** The LCM sampler draws in a single step as in several (its noise after each step but the last from the seed). */
    @Test
    void latentConsistencySamplingDrawsInOneStepOrFew() throws Exception {
        for (int steps : new int[] {1, 3}) {
            List<Event> events = events(engine.draw(new DrawRequest("tiny-sd", "a fox", null, 32, 32, steps, 0.0, 9L, 1, "lcm", null)));
            assertEquals(steps, events.stream().filter(e -> e instanceof Event.Progress).count());
            assertEquals(1, events.stream().filter(e -> e instanceof Event.Image).count());
        }
    }

    @Test
    void aCancelledDrawingEndsWithACancellation() throws Exception {
        Drawing drawing = engine.draw(new DrawRequest("tiny-sd", "a cat on the moon", null, 32, 32, 50, 0.0, 7L, 1));
        assertInstanceOf(Event.Progress.class, drawing.next());
        drawing.cancel();
        List<Event> rest = events(drawing);
        Event.Error error = assertInstanceOf(Event.Error.class, rest.getLast());
        assertInstanceOf(CancellationException.class, error.error());
    }
}
