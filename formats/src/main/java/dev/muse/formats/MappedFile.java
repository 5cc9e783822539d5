package dev.muse.formats;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A weight file mapped read-only into a shared arena, as every reader here opens its file. */
public final class MappedFile {
    private MappedFile() {}

    /** Reads what the mapped file holds: the reader keeps the arena (and closes it with itself). */
    @FunctionalInterface
    public interface Reader<T> {
        T read(Arena arena, MemorySegment file) throws IOException;
    }

    /** Maps {@code path} and hands it to {@code reader}; the mapping is released when reading fails. */
    public static <T> T open(Path path, Reader<T> reader) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return reader.read(arena, channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }
}
