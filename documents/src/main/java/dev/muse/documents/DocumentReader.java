package dev.muse.documents;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * The text of an uploaded document, told by its first bytes and its name: PDF (PDFBox, page by page), DOCX (its
 * word/document.xml read with a StAX parser that takes no DTD and no external entity, headings from the paragraph
 * styles), HTML (jsoup, headings h1-h6), Markdown (# headings) and plain UTF-8 text. Everything is capped before it is
 * read: the file's size, a PDF's pages, a DOCX's unpacked XML (a zip bomb stops at the cap), the text's length.
 * Anything else, an encrypted PDF or a broken file is refused with a {@link DocumentException} that says so.
 */
public final class DocumentReader {
    /** The caps: the file's bytes, a PDF's pages, the characters of text kept. */
    public record Limits(long maxBytes, int maxPages, long maxCharacters) {
        public static final Limits DEFAULT = new Limits(32L << 20, 1000, 8_000_000);
    }

    private final Limits limits;

    public DocumentReader(Limits limits) {
        this.limits = limits;
    }

    public DocumentReader() {
        this(Limits.DEFAULT);
    }

    /** The text of {@code bytes}, a file named {@code name} (its extension tells HTML and Markdown from plain text). */
    public DocumentText read(String name, byte[] bytes) {
        if (bytes.length == 0) throw new DocumentException(name + " is empty");
        if (bytes.length > limits.maxBytes()) throw new DocumentException(name + " is " + bytes.length + " bytes; documents are at most " + limits.maxBytes());
        String lower = name.toLowerCase(Locale.ROOT);
        DocumentText text;
        if (startsWith(bytes, "%PDF-")) text = pdf(name, bytes);
        else if (startsWith(bytes, "PK\u0003\u0004")) text = docx(name, bytes);
        else {
            String s = utf8(name, bytes);
            String head = s.stripLeading().toLowerCase(Locale.ROOT);
            if (lower.endsWith(".html") || lower.endsWith(".htm") || head.startsWith("<!doctype html") || head.startsWith("<html")) text = html(name, s);
            else if (lower.endsWith(".md") || lower.endsWith(".markdown")) text = markdown(name, s);
            else text = new DocumentText(title(name), "text", List.of(new DocumentText.Section(0, null, s)), 0);
        }
        if (text.characters() > limits.maxCharacters())
            throw new DocumentException(name + " holds " + text.characters() + " characters of text; documents hold at most " + limits.maxCharacters());
        if (text.sections().stream().allMatch(s -> s.text().isBlank()))
            throw new DocumentException(name + " has no text to read" + (text.format().equals("pdf") ? " (a scanned PDF needs OCR, which Muse does not do)" : ""));
        return text;
    }

    private DocumentText pdf(String name, byte[] bytes) {
        try (PDDocument pdf = Loader.loadPDF(bytes)) {
            if (pdf.isEncrypted()) throw new DocumentException(name + " is an encrypted PDF: remove its protection first");
            int pages = pdf.getNumberOfPages();
            if (pages > limits.maxPages()) throw new DocumentException(name + " has " + pages + " pages; documents have at most " + limits.maxPages());
            PDFTextStripper stripper = new PDFTextStripper();
            List<DocumentText.Section> sections = new ArrayList<>();
            long characters = 0;
            for (int page = 1; page <= pages; page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                String text = stripper.getText(pdf).strip();
                characters += text.length();
                if (characters > limits.maxCharacters()) throw new DocumentException(name + " holds more than " + limits.maxCharacters() + " characters of text");
                if (!text.isEmpty()) sections.add(new DocumentText.Section(page, null, text));
            }
            String title = pdf.getDocumentInformation() == null ? null : pdf.getDocumentInformation().getTitle();
            return new DocumentText(title == null || title.isBlank() ? title(name) : title.strip(), "pdf", sections, pages);
        } catch (InvalidPasswordException e) {
            throw new DocumentException(name + " is an encrypted PDF: remove its protection first");
        } catch (IOException e) {
            throw new DocumentException(name + " is not a PDF Muse can read (" + e.getMessage() + ")");
        }
    }

    /** A DOCX's paragraphs from word/document.xml; a paragraph styled Heading N or Title starts a section. */
    private DocumentText docx(String name, byte[] bytes) {
        byte[] xml = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            int entries = 0;
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (++entries > 10_000) throw new DocumentException(name + " is an archive of more than 10,000 files: not a Word document");
                if (e.getName().equals("word/document.xml")) {
                    xml = capped(zip, limits.maxBytes() * 4, name);
                    break;
                }
            }
        } catch (IOException e) {
            throw new DocumentException(name + " is not a DOCX Muse can read (" + e.getMessage() + ")");
        }
        if (xml == null) throw new DocumentException(name + " is a zip archive but not a Word document (no word/document.xml)");
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        List<DocumentText.Section> sections = new ArrayList<>();
        StringBuilder body = new StringBuilder(), paragraph = new StringBuilder();
        String heading = null;
        boolean headingParagraph = false;
        try {
            XMLStreamReader r = factory.createXMLStreamReader(new ByteArrayInputStream(xml));
            while (r.hasNext()) {
                int event = r.next();
                if (event == XMLStreamReader.START_ELEMENT) {
                    switch (r.getLocalName()) {
                        case "p" -> {
                            paragraph.setLength(0);
                            headingParagraph = false;
                        }
                        case "pStyle" -> {
                            String style = attribute(r, "val").toLowerCase(Locale.ROOT);
                            headingParagraph = style.startsWith("heading") || style.equals("title");
                        }
                        case "t" -> paragraph.append(r.getElementText());
                        case "tab" -> paragraph.append('\t');
                        case "br", "cr" -> paragraph.append('\n');
                        default -> { }
                    }
                } else if (event == XMLStreamReader.END_ELEMENT && r.getLocalName().equals("p")) {
                    String p = paragraph.toString().strip();
                    if (p.isEmpty()) continue;
                    if (headingParagraph) {
                        if (!body.isEmpty() || heading != null) sections.add(new DocumentText.Section(0, heading, body.toString().strip()));
                        body.setLength(0);
                        heading = p;
                    } else body.append(p).append("\n\n");
                }
            }
        } catch (XMLStreamException e) {
            throw new DocumentException(name + " is a Word document whose text cannot be read (" + e.getMessage() + ")");
        }
        if (!body.isEmpty() || heading != null) sections.add(new DocumentText.Section(0, heading, body.toString().strip()));
        return new DocumentText(title(name), "docx", sections, 0);
    }

    private static String attribute(XMLStreamReader r, String local) {
        for (int i = 0; i < r.getAttributeCount(); i++) if (r.getAttributeLocalName(i).equals(local)) return r.getAttributeValue(i);
        return "";
    }

    private static byte[] capped(InputStream in, long cap, String name) throws IOException {
        byte[] out = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
        if (out.length > cap) throw new DocumentException(name + " unpacks to more than " + cap + " bytes of XML");
        return out;
    }

    /** HTML: the title, and text grouped under each h1-h6; scripts, styles and templates are not text. */
    private DocumentText html(String name, String source) {
        var doc = Jsoup.parse(source);
        doc.select("script, style, template, noscript").remove();
        List<DocumentText.Section> sections = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        String[] heading = {null};
        collect(doc.body(), body, sections, heading);
        if (!body.isEmpty() || heading[0] != null) sections.add(new DocumentText.Section(0, heading[0], body.toString().strip()));
        String title = doc.title();
        return new DocumentText(title.isBlank() ? title(name) : title.strip(), "html", sections, 0);
    }

    private static void collect(Node node, StringBuilder body, List<DocumentText.Section> sections, String[] heading) {
        for (Node child : node.childNodes()) {
            if (child instanceof TextNode t) body.append(t.text());
            else if (child instanceof Element e) {
                if (e.tagName().matches("h[1-6]")) {
                    if (!body.toString().isBlank() || heading[0] != null) sections.add(new DocumentText.Section(0, heading[0], body.toString().strip()));
                    body.setLength(0);
                    heading[0] = e.text().strip();
                    continue;
                }
                boolean block = e.isBlock() || e.tagName().equals("br");
                if (block) body.append('\n');
                collect(e, body, sections, heading);
                if (block) body.append('\n');
            }
        }
    }

    /** Markdown: a line starting with # (ATX) starts a section under that heading. */
    private static DocumentText markdown(String name, String source) {
        List<DocumentText.Section> sections = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        String heading = null;
        boolean fenced = false;
        for (String line : source.split("\r?\n", -1)) {
            if (line.stripLeading().startsWith("```")) fenced = !fenced;
            if (!fenced && line.matches("#{1,6}\\s+.*")) {
                if (!body.toString().isBlank() || heading != null) sections.add(new DocumentText.Section(0, heading, body.toString().strip()));
                body.setLength(0);
                heading = line.replaceFirst("#{1,6}\\s+", "").replaceFirst("\\s+#+\\s*$", "").strip();
            } else body.append(line).append('\n');
        }
        if (!body.toString().isBlank() || heading != null) sections.add(new DocumentText.Section(0, heading, body.toString().strip()));
        String title = sections.stream().map(DocumentText.Section::heading).filter(h -> h != null).findFirst().orElse(title(name));
        return new DocumentText(title, "markdown", sections, 0);
    }

    private static String utf8(String name, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString().replace("\uFEFF", "");
        } catch (CharacterCodingException e) {
            throw new DocumentException(name + " is not a document Muse reads (PDF, DOCX, HTML, Markdown or UTF-8 text)");
        }
    }

    private static boolean startsWith(byte[] bytes, String magic) {
        if (bytes.length < magic.length()) return false;
        for (int i = 0; i < magic.length(); i++) if (bytes[i] != (byte) magic.charAt(i)) return false;
        return true;
    }

    /** A file's name without its folder and extension: the title of a document that states none. */
    static String title(String name) {
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }
}
