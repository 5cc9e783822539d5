package dev.muse.bench;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Matrix-vector (generation), four-row (a batched step of four sequences) and 64-row (prompt processing) products
 * at Llama-3.2-1B's FFN shape, per weight type, on weights laid out as a loaded model has them (native memory,
 * {@link Ops#weight}: column blocks for wide rows, Q4_0 rows regrouped). Run: ./mvnw -q -pl bench -am package -DskipTests &&
 * java -cp "bench/target/muse-bench.jar:bench/target/lib/*" org.openjdk.jmh.Main MatmulBenchmark
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatmulBenchmark {
    @Param({"F32", "F16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    public GgmlType type;

    @Param({"2048"})
    public int cols;

    @Param({"8192"})
    public int rows;

    static final int BATCH = 64;
    static final Ops OPS = Ops.cpu();

    Tensor weights;
    float[] x, xs, out, outs;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(1);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextDouble() - 0.5);
        Tensor encoded = Tensor.fromFloats(type, w);
        MemorySegment nativeCopy = Arena.ofAuto().allocate(encoded.data().byteSize(), 64).copyFrom(encoded.data());
        weights = OPS.weight(Tensor.of(type, nativeCopy, encoded.size()), rows, cols, Arena.ofAuto(), (offset, length) -> {});
        x = new float[cols];
        for (int i = 0; i < cols; i++) x[i] = (float) r.nextDouble();
        xs = new float[BATCH * cols];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextDouble();
        out = new float[rows];
        outs = new float[BATCH * rows];
    }

    @Benchmark
    public float[] matmul() {
        OPS.matmul(weights, x, 1, out, rows, cols);
        return out;
    }

    @Benchmark
    public float[] matmulBatch4() {
        OPS.matmul(weights, xs, 4, outs, rows, cols);
        return outs;
    }

    @Benchmark
    public float[] matmulBatch64() {
        OPS.matmul(weights, xs, BATCH, outs, rows, cols);
        return outs;
    }
}
