package dev.muse.hub;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    long now;

    @Test
    void showsPercentBytesRateAndTimeLeft() {
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), true, () -> now);
        bar.start("model.gguf", 10L << 20, 2L << 20); // resumed at 2 MiB of 10
        now = 2_000_000_000L;
        bar.advance(6L << 20); // 4 MiB in 2 s
        String line = bar.line(now);
        assertTrue(line.startsWith("model.gguf   60% [=============="), line);
        assertTrue(line.contains("6.0 MiB / 10 MiB") && line.contains("2.0 MiB/s") && line.endsWith("ETA 0:02"), line);
    }

    @Test
    void notOnATerminalOnlyTheNotesArePrinted() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(out, true, StandardCharsets.UTF_8), false, () -> now);
        bar.start("m.gguf", 100, 0);
        now += 1_000_000_000L;
        bar.advance(50);
        bar.note("verified m.gguf");
        bar.finish();
        assertEquals("verified m.gguf" + System.lineSeparator(), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void humanUnits() {
        assertEquals("512 B", ProgressBar.humanBytes(512));
        assertEquals("1.1 MiB", ProgressBar.humanBytes(1_185_376));
        assertEquals("1.2 GiB", ProgressBar.humanBytes(1_321_083_200L));
        assertEquals("1:01:01", ProgressBar.clock(3661));
    }
}
