package dev.muse.hub;

/** What {@link ModelPuller} tells while it works: a transfer's progress, and the odd line worth saying. */
public interface DownloadProgress {
    /** A transfer of {@code name} begins: {@code total} bytes (-1 when unknown), the first {@code from} already on disk. */
    void start(String name, long total, long from);

    /** {@code done} bytes of the file are on disk now (the resumed part included). */
    void advance(long done);

    /** The transfer ended, finished or not. */
    void finish();

    /** One line worth a person's attention: resuming, starting over, verified, retrying. */
    void note(String message);

    static DownloadProgress silent() {
        return new DownloadProgress() {
            @Override public void start(String name, long total, long from) {}
            @Override public void advance(long done) {}
            @Override public void finish() {}
            @Override public void note(String message) {}
        };
    }
}
