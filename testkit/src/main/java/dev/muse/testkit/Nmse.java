package dev.muse.testkit;

/**
 * Normalised mean squared error, the golden tests' measure of agreement with a reference implementation: the
 * error's power over the reference's, sum((e - a)^2) / sum(e^2), so it reads the same at any scale.
 */
public final class Nmse {
    private Nmse() {}

    public static double of(float[] expected, float[] actual) {
        if (expected.length != actual.length)
            throw new IllegalArgumentException("golden length " + expected.length + ", actual " + actual.length);
        double error = 0, power = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = expected[i] - actual[i];
            error += d * d;
            power += (double) expected[i] * expected[i];
        }
        return error / power;
    }
}
