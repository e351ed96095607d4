#!/usr/bin/env python3
"""An independent reader of hilt's console.log format (docs/replay.md), for
tests: decodes a console.log back to the console bytes on stdout, or with
--check only verifies that every line is in the format."""
import re
import sys

LINE = re.compile(rb"^\[ *(\d+)\.(\d{6})\] ?(.*)$", re.S)
ESCAPE = re.compile(rb"\\(\\|x[0-9A-Fa-f]{2}|$)")


def decode(path, out):
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            if not line.endswith(b"\n"):
                raise ValueError(f"{path}:{n}: no final newline")
            m = LINE.match(line[:-1])
            if not m:
                raise ValueError(f"{path}:{n}: no time prefix: {line[:60]!r}")
            body = m.group(3)
            body.decode("utf-8")  # must be valid UTF-8
            if re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", body):
                raise ValueError(f"{path}:{n}: raw control byte")
            newline = True

            def unescape(e):
                nonlocal newline
                s = e.group(1)
                if s == b"":
                    newline = False
                    return b""
                if s == b"\\":
                    return b"\\"
                return bytes([int(s[1:], 16)])

            data = ESCAPE.sub(unescape, body)
            if out:
                out.write(data + (b"\n" if newline else b""))


if __name__ == "__main__":
    check = sys.argv[1] == "--check"
    try:
        decode(sys.argv[-1], None if check else sys.stdout.buffer)
    except ValueError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
