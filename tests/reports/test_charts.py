"""The pies: every category while there are few, the smallest folded into "Other" (whole ties, named in
the caption) only when there are many."""

from __future__ import annotations

import io

from PIL import Image

from app.reports.charts import MAX_SLICES, caption, pie_png, slices


def test_eleven_countries_keep_their_own_slices():
    counts = [("Belgium", 10), ("France", 8), ("Germany", 3)] + [(f"Country {i}", 1) for i in range(8)]
    parts = slices(counts)
    assert len(parts) == 11 and not any(part.label.startswith("Other") for part in parts)


def test_beyond_the_limit_the_smallest_are_folded_whole_ties_at_a_time_and_named():
    counts = [(f"Big {i}", 10 - i) for i in range(MAX_SLICES - 3)] + [(f"Small {i}", 1) for i in range(5)]
    parts = slices(counts)
    other = parts[-1]
    assert other.label == "Other (5)" and other.count == 5
    assert all(part.count > 1 for part in parts[:-1])  # no one-person category kept beside "Other"
    text = caption("Where they came from", ("country", "countries"), parts)
    assert "Other: Small 0 (1), Small 1 (1)" in text and f"{len(counts)} countries" in text


def test_the_png_pie_has_its_legend_drawn_in():
    parts = slices([("Belgium", 3), ("France", 1)])
    image = Image.open(io.BytesIO(pie_png(parts))).convert("RGB")
    legend = image.crop((0, int(image.height * 0.75), image.width, image.height))
    colours = set(legend.getdata())
    assert (0x4E, 0x79, 0xA7) in colours and (0xF2, 0x8E, 0x2B) in colours  # both swatches under the pie
    assert min(sum(pixel) for pixel in colours) < 150  # and dark legend text beside them
