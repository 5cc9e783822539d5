package dev.muse.provenance;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.media.Picture;
import dev.muse.provenance.watermark.ImageWatermark;
import dev.muse.testkit.Scenes;
import org.junit.jupiter.api.Test;

class VisibleLabelTest {
    @Test
    void theLabelIsDrawnInTheCornerAndTheMarkStillReads() {
        Picture scene = Scenes.landscape(3); // 384 x 320: letters of 2 x 2 pixels
        Picture labelled = VisibleLabel.stamp(scene);
        int scale = 2, pad = 6, plateWidth = (12 * 6 - 1) * scale + 2 * pad, plateHeight = 7 * scale + 2 * pad;
        int x0 = 384 - plateWidth - pad, y0 = 320 - plateHeight - pad;
        // the M's top-left pixel is white; the plate around the letters is darkened; everything outside it is untouched
        assertEquals(255, labelled.sample(x0 + pad, y0 + pad, 0));
        assertEquals(scene.sample(x0 + 1, y0 + 1, 1) * 2 / 5, labelled.sample(x0 + 1, y0 + 1, 1));
        for (int y = 0; y < 320; y++)
            for (int x = 0; x < 384; x++)
                if (x < x0 || y < y0 || x >= x0 + plateWidth || y >= y0 + plateHeight)
                    assertEquals(scene.sample(x, y, 2), labelled.sample(x, y, 2), "outside the plate at " + x + "," + y);
        var d = ImageWatermark.detect(ImageWatermark.embed(labelled, 0x77L));
        assertTrue(d.found() && d.payload() == 0x77L, d.toString());
        Picture tiny = Picture.blank(40, 20);
        assertSame(tiny, VisibleLabel.stamp(tiny), "a picture too small for the label keeps none");
    }
}
