package dev.muse.provenance;

/**
 * Where a file format keeps a C2PA manifest store, read and written without decoding the media: a PNG's 'caBX' chunk,
 * a JPEG's APP11 segments, a RIFF file's 'C2PA' chunk (WAV, WebP), an MP3's ID3 GEOB frame. The store's bytes in the file are excluded from the
 * data hash that binds the manifest to the rest.
 */
sealed interface Container permits PngContainer, JpegContainer, RiffContainer, Mp3Container {
    /** The media type named in the manifest (image/png, audio/wav, ...). */
    String mediaType();

    /** The media without any manifest store. */
    byte[] strip(byte[] media);

    /** Media without a store ({@link #strip}ped) with {@code jumbf} placed where the format keeps it. */
    byte[] embed(byte[] stripped, byte[] jumbf);

    /** Where the manifest store lies in {@code media} and its bytes, or null when there is none. */
    Span find(byte[] media);

    /** A manifest store in a file: the bytes the data hash leaves out, and the JUMBF they carry. */
    record Span(int start, int length, byte[] jumbf) {}

    /** The container of {@code media}, known by its first bytes, or null for a format Muse does not sign. */
    static Container of(byte[] media) {
        if (PngContainer.is(media)) return new PngContainer();
        if (JpegContainer.is(media)) return new JpegContainer();
        if (RiffContainer.is(media)) return new RiffContainer(RiffContainer.mediaType(media));
        if (Mp3Container.is(media)) return new Mp3Container();
        return null;
    }
}
