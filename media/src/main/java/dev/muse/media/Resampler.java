package dev.muse.media;

/**
 * Changes a sound's sample rate with a Kaiser-windowed sinc filter (band-limited interpolation), so that going
 * down from 44.1 or 48 kHz to a speech model's 16 kHz does not fold the content above the new Nyquist frequency
 * back into the speech band, as dropping or averaging samples would.
 *
 * <p>The filter's cut-off is {@value #ROLLOFF} of the lower of the two Nyquist frequencies; {@value #ZEROS} zero
 * crossings of the sinc each side and a Kaiser window with beta {@value #BETA} give about 80 dB of attenuation
 * beyond a transition band of roughly 5% of that Nyquist frequency (measured in {@code ResamplerTest}).
 *
 * <p>Output sample {@code n} sits at input position {@code n * in / out}. With {@code L = out / gcd} and
 * {@code M = in / gcd}, that position's fraction is one of {@code L} values, so a table of {@code L} filters
 * (phases) computes every output exactly. Rates with more than {@value #MAX_PHASES} phases (an odd rate such as
 * 44101 Hz) use the nearest of {@value #MAX_PHASES}: a timing error under 1/8000 of a sample.
 */
public final class Resampler {
    static final double ROLLOFF = 0.92;
    static final int ZEROS = 32;
    static final double BETA = 8.6;
    static final int MAX_PHASES = 4096;

    private final int in;
    private final int out;
    private final long step; // M: input samples advanced per L output samples
    private final long phases; // L
    private final int tableSize; // phases in the table: L, or MAX_PHASES
    private final int half; // taps each side of the output's position
    private final float[][] table; // [phase][2 * half]: tap k weighs input (i - half + 1 + k)

    public Resampler(int inRate, int outRate) {
        if (inRate < 1 || outRate < 1) {
            throw new IllegalArgumentException("sample rates must be positive: " + inRate + " -> " + outRate);
        }
        this.in = inRate;
        this.out = outRate;
        long g = gcd(inRate, outRate);
        this.phases = outRate / g;
        this.step = inRate / g;
        this.tableSize = (int) Math.min(phases, MAX_PHASES);
        this.half = (int) Math.ceil(ZEROS / (2 * cutoff(inRate, outRate)));
        this.table = new float[tableSize][2 * half];
        for (int p = 0; p < tableSize; p++) {
            double fraction = p / (double) tableSize;
            for (int k = 0; k < 2 * half; k++) {
                table[p][k] = (float) kernel(k - half + 1 - fraction, inRate, outRate);
            }
        }
    }

    /** The filter's cut-off in cycles per input sample. */
    static double cutoff(int inRate, int outRate) {
        return 0.5 * ROLLOFF * Math.min(1.0, outRate / (double) inRate);
    }

    /** The filter's weight for an input sample {@code t} input samples from the output's position. */
    static double kernel(double t, int inRate, int outRate) {
        double fc = cutoff(inRate, outRate);
        double halfWidth = ZEROS / (2 * fc);
        if (Math.abs(t) >= halfWidth) {
            return 0;
        }
        double x = 2 * fc * t;
        double sinc = x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        double r = t / halfWidth;
        return 2 * fc * sinc * besselI0(BETA * Math.sqrt(1 - r * r)) / besselI0(BETA);
    }

    /** The number of output samples {@code inputLength} input samples become. */
    public long outputLength(long inputLength) {
        return (inputLength * out + in - 1) / in;
    }

    public float[] resample(float[] x) {
        long length = outputLength(x.length);
        if (length > Integer.MAX_VALUE - 8) {
            throw new MediaException("the resampled audio would have " + length + " samples, too many to hold");
        }
        float[] y = new float[(int) length];
        int taps = 2 * half;
        for (int n = 0; n < y.length; n++) {
            long position = n * step; // in units of 1/L input samples
            long whole = position / phases;
            long fraction = position - whole * phases;
            int phase = tableSize == phases ? (int) fraction : (int) ((fraction * tableSize + phases / 2) / phases);
            long base = whole;
            if (phase == tableSize) { // rounded up to the next whole sample
                phase = 0;
                base++;
            }
            float[] h = table[phase];
            int first = (int) (base - half + 1);
            int lo = Math.max(0, -first);
            int hi = Math.min(taps, x.length - first);
            float a0 = 0, a1 = 0, a2 = 0, a3 = 0; // four sums: independent additions the CPU can overlap
            int k = lo;
            for (; k + 3 < hi; k += 4) {
                a0 += h[k] * x[first + k];
                a1 += h[k + 1] * x[first + k + 1];
                a2 += h[k + 2] * x[first + k + 2];
                a3 += h[k + 3] * x[first + k + 3];
            }
            for (; k < hi; k++) {
                a0 += h[k] * x[first + k];
            }
            y[n] = (a0 + a1) + (a2 + a3);
        }
        return y;
    }

    private static double besselI0(double x) {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 200 && term > 1e-17 * sum; k++) {
            term *= q / ((double) k * k);
            sum += term;
        }
        return sum;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
