#!/usr/bin/env python3
"""Counts the pixels of one colour in a PNG (8-bit RGB or RGBA, not
interlaced), as Chromium writes screenshots. Only the standard library:
chunks, zlib, and the five PNG row filters.

  png_colour.py FILE '#2e7d32' [TOLERANCE]   prints: WIDTH HEIGHT COUNT
"""
import struct
import sys
import zlib


def read_png(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('not a PNG')
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat.append(body)
        elif kind == b'IEND':
            break
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError('unsupported PNG: depth %d colour type %d' % (depth, colour))
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b''.join(idat))
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xff
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xff
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xff
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xff
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def main():
    path, colour = sys.argv[1], sys.argv[2].lstrip('#')
    tol = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    want = tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))
    width, height, bpp, rows = read_png(path)
    count = 0
    for line in rows:
        for x in range(0, len(line), bpp):
            if (abs(line[x] - want[0]) <= tol and abs(line[x + 1] - want[1]) <= tol
                    and abs(line[x + 2] - want[2]) <= tol):
                count += 1
    print(width, height, count)


if __name__ == '__main__':
    main()
