#!/usr/bin/env python3
"""check_page.py DOM PNG [FETCHES...]: a --report page as headless Chromium saw it.

DOM is chromium --dump-dom's output, PNG its --screenshot. Checks: one waterfall per
run, each with one bar per fetch (data-rows == data-fetches == FETCHES[i] and as many
<g class="bar"> in it), every waterfall on the same time axis (data-axis), a compare
block with a speedup when there are two runs, and a screenshot that is not blank (many
distinct pixel values: the PNG is decoded with zlib). Prints what is wrong; exits 1."""
import re
import struct
import sys
import zlib


def png_variety(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return 0, "not a PNG"
    pos, idat, width, height, bpp = 8, b"", 0, 0, 4
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            bpp = {2: 3, 6: 4, 0: 1, 4: 2}.get(ctype, 4)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * bpp + 1
    prev = bytearray(width * bpp)
    colours = set()
    for y in range(height):
        f, line = raw[y * stride], bytearray(raw[y * stride + 1:(y + 1) * stride])
        for i in range(len(line)):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % 4 == 0:
            for x in range(0, width, 2):
                colours.add(bytes(line[x * bpp:x * bpp + 3]))
        prev = line
    return len(colours), f"{width}x{height}"


def main():
    dom = open(sys.argv[1], encoding="utf-8").read()
    want = [int(x) for x in sys.argv[3:]]
    bad = []
    svgs = re.findall(r'<svg class="waterfall"([^>]*)>(.*?)</svg>', dom, re.S)
    if len(svgs) != len(want):
        bad.append(f"{len(svgs)} waterfalls, want {len(want)}")
    axes = set()
    for i, (attrs, body) in enumerate(svgs):
        a = dict(re.findall(r'([\w-]+)="([^"]*)"', attrs))
        axes.add(a.get("data-axis"))
        bars = len(re.findall(r'<g class="bar', body))
        if i < len(want) and not (int(a["data-fetches"]) == want[i] == int(a["data-rows"]) == bars):
            bad.append(f"waterfall {i}: {bars} bars, rows {a['data-rows']}, fetches {a['data-fetches']}, want {want[i]}")
    if len(axes) != 1:
        bad.append(f"the waterfalls are on different axes: {axes}")
    if len(want) == 2 and not re.search(r'class="speedup">[0-9.]+x<', dom):
        bad.append("no speedup in the compare view")
    n, size = png_variety(sys.argv[2])
    if n < 8:
        bad.append(f"the screenshot ({size}) looks blank: {n} distinct colours")
    for b in bad:
        print("  " + b)
    return 1 if bad else 0


sys.exit(main())
