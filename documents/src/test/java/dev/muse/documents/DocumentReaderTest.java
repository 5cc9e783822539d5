package dev.muse.documents;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** Each kind of document read into pages, headings and text; every cap and every broken or protected file refused plainly. */
class DocumentReaderTest {
    static final DocumentReader READER = new DocumentReader();

    /** A PDF of one page per text, written by PDFBox; encrypted with a user password when asked. */
    static byte[] pdf(String title, boolean encrypted, String... pages) throws Exception {
        return dev.muse.testkit.Pdfs.pdf(title, encrypted, pages);
    }

    /** A minimal DOCX: word/document.xml with the paragraphs given, "#" marking a Heading1 paragraph. */
    static byte[] docx(String... paragraphs) throws Exception {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>");
        for (String p : paragraphs) {
            boolean heading = p.startsWith("#");
            xml.append("<w:p>").append(heading ? "<w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr>" : "")
                    .append("<w:r><w:t>").append(heading ? p.substring(1) : p).append("</w:t></w:r></w:p>");
        }
        return zip("word/document.xml", xml.append("</w:body></w:document>").toString().getBytes(StandardCharsets.UTF_8));
    }

    static byte[] zip(String entry, byte[] content) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("[Content_Types].xml"));
            zip.write("<Types/>".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(content);
        }
        return out.toByteArray();
    }

    @Test
    void aPdfIsReadPageByPage() throws Exception {
        DocumentText t = READER.read("report.pdf", pdf("Quarterly report", false, "Revenue grew by twelve percent.", "The lighthouse budget was cut."));
        assertEquals("pdf", t.format());
        assertEquals("Quarterly report", t.title());
        assertEquals(2, t.pages());
        assertEquals(List.of(1, 2), t.sections().stream().map(DocumentText.Section::page).toList());
        assertEquals("The lighthouse budget was cut.", t.sections().get(1).text());
        assertEquals("notes", READER.read("dir/notes.pdf", pdf(null, false, "x")).title(), "no title: the file's name");
    }

    @Test
    void protectedBrokenAndOversizedPdfsAreRefused() throws Exception {
        assertTrue(assertThrows(DocumentException.class, () -> READER.read("locked.pdf", pdf(null, true, "secret text"))).getMessage().contains("encrypted PDF"));
        byte[] whole = pdf(null, false, "some text");
        assertTrue(assertThrows(DocumentException.class, () -> READER.read("cut.pdf", java.util.Arrays.copyOf(whole, 40))).getMessage().contains("not a PDF Muse can read"));
        DocumentReader small = new DocumentReader(new DocumentReader.Limits(1 << 20, 2, 1000));
        assertTrue(assertThrows(DocumentException.class, () -> small.read("long.pdf", pdf(null, false, "a", "b", "c"))).getMessage().contains("3 pages"));
        assertTrue(assertThrows(DocumentException.class, () -> READER.read("blank.pdf", pdf(null, false, " "))).getMessage().contains("OCR"));
    }

    @Test
    void aWordDocumentKeepsItsHeadings() throws Exception {
        DocumentText t = READER.read("plan.docx", docx("An opening line.", "#Budget", "We spend less.", "Much less.", "#Staff", "Two keepers."));
        assertEquals("docx", t.format());
        assertEquals(3, t.sections().size());
        assertNull(t.sections().get(0).heading());
        assertEquals("Budget", t.sections().get(1).heading());
        assertEquals("We spend less.\n\nMuch less.", t.sections().get(1).text());
        assertEquals("Two keepers.", t.sections().get(2).text());
    }

    @Test
    void aZipBombAndOtherArchivesAreRefused() throws Exception {
        DocumentReader small = new DocumentReader(new DocumentReader.Limits(1 << 16, 10, 1_000_000));
        byte[] bomb = zip("word/document.xml", new byte[1 << 20]); // 1 MiB of zeros packs into a few kilobytes
        assertTrue(bomb.length < 1 << 16);
        assertTrue(assertThrows(DocumentException.class, () -> small.read("bomb.docx", bomb)).getMessage().contains("unpacks to more than"));
        assertTrue(assertThrows(DocumentException.class, () -> READER.read("photos.zip", zip("a.jpg", new byte[10]))).getMessage().contains("not a Word document"));
        byte[] entity = zip("word/document.xml", ("<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>").getBytes(StandardCharsets.UTF_8));
        DocumentException e = assertThrows(DocumentException.class, () -> READER.read("xxe.docx", entity), "no DTD, no external entity");
        assertFalse(e.getMessage().contains("root:"), e.getMessage());
    }

    @Test
    void htmlMarkdownAndTextAreRead() {
        DocumentText html = READER.read("page.html", ("<!DOCTYPE html><html><head><title>Keepers</title><script>var x = 1;</script></head><body>"
                + "<p>Intro text.</p><h2>History</h2><p>Built in <b>1870</b>.</p><ul><li>Oil</li><li>Electric</li></ul></body></html>").getBytes(StandardCharsets.UTF_8));
        assertEquals("Keepers", html.title());
        assertEquals(2, html.sections().size());
        assertEquals("History", html.sections().get(1).heading());
        assertTrue(html.sections().get(1).text().contains("Built in 1870."), html.sections().get(1).text());
        assertFalse(html.sections().toString().contains("var x"), "scripts are not text");
        DocumentText md = READER.read("notes.md", "# Lighthouse\nTall and white.\n```\n# not a heading\n```\n## Keeper\nMrs. Grace.\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("Lighthouse", md.title());
        assertEquals(List.of("Lighthouse", "Keeper"), md.sections().stream().map(DocumentText.Section::heading).toList());
        assertTrue(md.sections().get(0).text().contains("# not a heading"), "a code fence is not a heading");
        DocumentText txt = READER.read("a.txt", "plain words".getBytes(StandardCharsets.UTF_8));
        assertEquals("text", txt.format());
        assertEquals("plain words", txt.sections().getFirst().text());
        assertTrue(assertThrows(DocumentException.class, () -> READER.read("x.bin", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1})).getMessage().contains("not a document Muse reads"));
        assertTrue(assertThrows(DocumentException.class, () -> READER.read("e.txt", new byte[0])).getMessage().contains("empty"));
        DocumentReader tiny = new DocumentReader(new DocumentReader.Limits(100, 10, 1000));
        assertTrue(assertThrows(DocumentException.class, () -> tiny.read("big.txt", new byte[200])).getMessage().contains("at most 100"));
    }
}
