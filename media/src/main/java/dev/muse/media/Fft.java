package dev.muse.media;

/**
 * The discrete Fourier transform of a real frame whose length is a power of two times an odd number (Whisper's
 * 400 = 16 x 25): radix-2 splits down to the odd length, then a direct transform of that, with twiddle factors
 * from one table of {@code n} sines and cosines. Single precision, as whisper.cpp computes its spectrogram, so
 * the two agree to float rounding. Not thread-safe (scratch buffers); give each thread its own.
 */
final class Fft {
    private final int n;
    private final float[] cos;
    private final float[] sin;
    private final float[] scratch; // the recursion's inputs and outputs, one region per level

    Fft(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("FFT length must be positive: " + n);
        }
        this.n = n;
        this.cos = new float[n];
        this.sin = new float[n];
        for (int i = 0; i < n; i++) {
            float theta = (float) (2 * Math.PI * i / n); // as whisper.cpp's table: cosf and sinf of a float angle
            cos[i] = (float) Math.cos(theta);
            sin[i] = (float) Math.sin(theta);
        }
        this.scratch = new float[8 * n];
    }

    int length() {
        return n;
    }

    /** The transform of {@code in[0, n)} into {@code out[2k], out[2k + 1]} = real, imaginary part of bin k, k < n. */
    void transform(float[] in, float[] out) {
        System.arraycopy(in, 0, scratch, 0, n);
        transform(scratch, 0, n, out, 0, scratch, n);
    }

    /**
     * The transform of {@code len} samples at {@code x[xAt]} into {@code 2 len} floats at {@code y[yAt]};
     * {@code work[workAt...]} holds the halves and their transforms (3 len floats per level, halving each level).
     */
    private void transform(float[] x, int xAt, int len, float[] y, int yAt, float[] work, int workAt) {
        if (len % 2 == 1) {
            direct(x, xAt, len, y, yAt);
            return;
        }
        int half = len / 2;
        int evenIn = workAt, evenOut = workAt + half, oddOut = evenOut + len; // odd input reuses evenIn
        int deeper = oddOut + len;
        for (int i = 0; i < half; i++) {
            work[evenIn + i] = x[xAt + 2 * i];
        }
        transform(work, evenIn, half, work, evenOut, work, deeper);
        for (int i = 0; i < half; i++) {
            work[evenIn + i] = x[xAt + 2 * i + 1];
        }
        transform(work, evenIn, half, work, oddOut, work, deeper);
        int step = n / len;
        for (int k = 0; k < half; k++) {
            float re = cos[k * step], im = -sin[k * step]; // e^(-2 pi i k / len)
            float oddRe = work[oddOut + 2 * k], oddIm = work[oddOut + 2 * k + 1];
            float tRe = re * oddRe - im * oddIm, tIm = re * oddIm + im * oddRe;
            float eRe = work[evenOut + 2 * k], eIm = work[evenOut + 2 * k + 1];
            y[yAt + 2 * k] = eRe + tRe;
            y[yAt + 2 * k + 1] = eIm + tIm;
            y[yAt + 2 * (k + half)] = eRe - tRe;
            y[yAt + 2 * (k + half) + 1] = eIm - tIm;
        }
    }

    private void direct(float[] x, int xAt, int len, float[] y, int yAt) {
        int step = n / len;
        for (int k = 0; k < len; k++) {
            float re = 0, im = 0;
            for (int t = 0; t < len; t++) {
                int i = (int) ((long) k * t * step % n);
                re += x[xAt + t] * cos[i];
                im -= x[xAt + t] * sin[i];
            }
            y[yAt + 2 * k] = re;
            y[yAt + 2 * k + 1] = im;
        }
    }
}
