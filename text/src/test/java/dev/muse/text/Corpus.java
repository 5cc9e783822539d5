package dev.muse.text;

import java.util.List;

/** Texts that stress tokenizers: many scripts, emoji sequences, code, odd whitespace and numbers. */
final class Corpus {

    private Corpus() {
    }

    static final List<String> TEXTS = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "I'M here, you're there, WE'LL see; they'd've known. It's 'quoted' and don't.",
            "Äpfel und Birnen kosten 3,50 € – größer, schöner, weißer.",
            "Où est la bibliothèque ? Ça coûte 10 €, n'est-ce pas ?",
            "Съешь же ещё этих мягких французских булок, да выпей чаю.",
            "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.",
            "مرحبا بالعالم! كيف حالك؟",
            "שלום עולם, מה שלומך?",
            "नमस्ते दुनिया, आप कैसे हैं? क्षत्रिय",
            "สวัสดีชาวโลก ภาษาไทยไม่มีช่องว่างระหว่างคำ",
            "我想在apple工作1314151天～ 你好，世界！",
            "日本語のテキスト：ひらがな、カタカナ、漢字。",
            "안녕하세요 세계! 한국어 텍스트입니다.",
            "Tiếng Việt có dấu: Cửa Việt, người, đường.",
            "Emoji: 😀😁🤣 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 🇩🇪🇯🇵 😶‍🌫️ ✅ 🦙",
            "Math: ∑ᵢ xᵢ² ≤ ∞, √2 ≈ 1.41421356, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕏",
            "Combining: e\u0301 a\u0308 n\u0303 — and precomposed: é ä ñ",
            "public static void main(String[] args) {\n\tSystem.out.println(\"Hello, \" + args[0]);\n}\n",
            "def f(x):\n    if x > 0:\n        return x ** 2  # square\n    return -x\n\n\nprint(f(3))",
            "<html>\n  <body class=\"main\">&nbsp;&amp;</body>\n</html>",
            "SELECT id, name FROM users WHERE age >= 18 AND name LIKE '%ann%';",
            "Numbers: 0 1 12 123 1234 12345 123456 1234567 3.14159 -42 1e-9 0x1F 1,000,000",
            "   leading spaces, trailing spaces   ",
            "tabs\there\tand\t\tthere\r\nwindows line\r\n\r\nend",
            "\n\n\nnewlines first",
            "non-breaking\u00A0space, ideographic\u3000space, thin\u2009space, zero\u200Bwidth",
            "Special-looking text: <|eot_id|> <|im_start|> <s> </s> [INST] <<SYS>>",
            "Control chars: \u0001\u0002 bell\u0007 escape\u001B[0m",
            "Repeated: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!!!!!!!!!!!!????????........",
            "URL https://example.com/path?query=1&x=%20y#frag and email a.b@c.org",
            " ",
            "a");
}
