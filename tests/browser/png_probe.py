#!/usr/bin/env python3
"""Reads a screenshot (8-bit RGB/RGBA PNG, as headless Chromium writes) with only zlib.

  png_probe.py bbox FILE RRGGBB [TOLERANCE]   -> "count x0 y0 x1 y1" of the pixels of that colour
  png_probe.py count FILE RRGGBB X Y W H [X Y W H]...  -> "matching total" per region: pixels of that colour
  png_probe.py crop FILE X Y W H OUT.png      -> writes the region (to look at a part of a page)
"""
import struct
import sys
import zlib


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("%s: not a PNG" % path)
    pos, idat, width = 8, [], 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or color not in (2, 6) or interlace:
                raise SystemExit("%s: only 8-bit RGB/RGBA, non-interlaced" % path)
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def bbox(path, hexcolor, tol=8):
    width, height, bpp, rows = read_png(path)
    want = bytes.fromhex(hexcolor)
    count, x0, y0, x1, y1 = 0, width, height, -1, -1
    for y, row in enumerate(rows):
        for x in range(width):
            p = row[x * bpp:x * bpp + 3]
            if abs(p[0] - want[0]) <= tol and abs(p[1] - want[1]) <= tol and abs(p[2] - want[2]) <= tol:
                count += 1
                x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
    print(count, x0, y0, x1, y1)


def count(path, hexcolor, boxes, tol=8):
    width, height, bpp, rows = read_png(path)
    for i in range(0, len(boxes) - 3, 4):
        count_box(width, height, bpp, rows, bytes.fromhex(hexcolor), *boxes[i:i + 4], tol=tol)


def count_box(width, height, bpp, rows, want, x, y, w, h, tol):
    hits, total = 0, 0
    for yy in range(max(y, 0), min(y + h, height)):
        row = rows[yy]
        for xx in range(max(x, 0), min(x + w, width)):
            p = row[xx * bpp:xx * bpp + 3]
            total += 1
            if abs(p[0] - want[0]) <= tol and abs(p[1] - want[1]) <= tol and abs(p[2] - want[2]) <= tol:
                hits += 1
    print(hits, total)


def crop(path, x, y, w, h, out):
    width, height, bpp, rows = read_png(path)
    lines = b"".join(b"\0" + rows[r][x * bpp:(x + w) * bpp] for r in range(y, min(y + h, height)))
    h = min(y + h, height) - y

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    with open(out, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2 if bpp == 3 else 6, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(lines, 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "bbox":
        bbox(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 8)
    elif len(sys.argv) >= 8 and sys.argv[1] == "count":
        count(sys.argv[2], sys.argv[3], list(map(int, sys.argv[4:])))
    elif len(sys.argv) == 8 and sys.argv[1] == "crop":
        crop(sys.argv[2], *map(int, sys.argv[3:7]), sys.argv[7])
    else:
        raise SystemExit(__doc__)
