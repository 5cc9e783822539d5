package dev.muse.provenance.watermark;

/** An in-place radix-2 complex FFT of a power-of-two length, forward or inverse (the inverse scaled by 1/n). */
final class Fourier {
    private final int n;
    private final double[] cos, sin;

    Fourier(int n) {
        if (Integer.bitCount(n) != 1) throw new IllegalArgumentException("a power of two: " + n);
        this.n = n;
        cos = new double[n / 2];
        sin = new double[n / 2];
        for (int i = 0; i < n / 2; i++) {
            cos[i] = Math.cos(2 * Math.PI * i / n);
            sin[i] = Math.sin(2 * Math.PI * i / n);
        }
    }

    void transform(double[] re, double[] im, boolean inverse) {
        for (int i = 1, j = 0; i < n; i++) { // bit-reversed order
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j) {
                double t = re[i]; re[i] = re[j]; re[j] = t;
                t = im[i]; im[i] = im[j]; im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            int step = n / len;
            for (int start = 0; start < n; start += len)
                for (int k = 0; k < len / 2; k++) {
                    double wr = cos[k * step], wi = inverse ? sin[k * step] : -sin[k * step];
                    int a = start + k, b = a + len / 2;
                    double xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
        }
        if (inverse) for (int i = 0; i < n; i++) {
            re[i] /= n;
            im[i] /= n;
        }
    }
}
