#!/usr/bin/env python3
"""Writes a boot-like raw console capture of about SIZE MiB for the replay
benchmark: the BPI-R4 boot up to U-Boot, then a long stretch of console noise
(U-Boot and kernel-style messages, hex dumps, occasional UART garbage), and
the prompt only at the very end, so a checker must scan every line.

usage: gen_boot_log.py SIZE_MIB OUT"""
import random
import sys

HEAD = b"".join(l + b"\r\n" for l in [
    b"F0: 102B 0000", b"F3: 1001 0000 [0200]", b"T0: 0000 0221 [0101]", b"Jump to BL", b"",
    b"NOTICE:  BL2: v2.10.0   (release):", b"NOTICE:  EMI: Detected DRAM size: 4096 MB",
    b"NOTICE:  BL2: Booting BL31", b"NOTICE:  BL31: v2.10.0  (release):", b"", b"",
    b"U-Boot 2024.04 (Apr 02 2024 - 10:58:58 +0000)", b"", b"CPU:   MediaTek MT7988",
])


def noise_pool(rng, lines):
    words = [b"mmc", b"eth0", b"pcie", b"phy", b"serial", b"spi-nand", b"usb", b"xhci", b"dma",
             b"clk", b"regulator", b"gpio", b"i2c", b"watchdog", b"thermal", b"emmc", b"sd"]
    out = []
    for i in range(lines):
        kind = rng.random()
        if kind < 0.45:
            out.append(b"[%5d.%06d] %s: probe of %s@%08x done, status %d" % (
                i // 1000, rng.randrange(10**6), rng.choice(words), rng.choice(words),
                rng.randrange(1 << 32), rng.randrange(-5, 5)))
        elif kind < 0.75:
            out.append(b"%08x: " % (rng.randrange(1 << 32)) +
                       b" ".join(b"%08x" % rng.randrange(1 << 32) for _ in range(4)) +
                       b"    " + bytes(rng.randrange(0x21, 0x7f) for _ in range(16)))
        elif kind < 0.97:
            out.append(b"%s=%s" % (rng.choice(words), b",".join(rng.choice(words) for _ in range(
                rng.randrange(1, 12)))))
        else:  # UART noise: NULs, 0xFF, random bytes; no line ends inside
            out.append(bytes(rng.choice((0, 0xFF, rng.randrange(1, 256))) for _ in range(
                rng.randrange(1, 80))).replace(b"\n", b".").replace(b"\r", b"."))
    return b"".join(l + b"\r\n" for l in out)


def main():
    size = int(sys.argv[1]) << 20
    rng = random.Random(7988)
    pool = noise_pool(rng, 60000)  # ~4 MiB, written repeatedly
    with open(sys.argv[2], "wb") as f:
        f.write(HEAD)
        written = len(HEAD)
        while written + len(pool) <= size:
            f.write(pool)
            written += len(pool)
        rest = pool[:size - written]
        f.write(rest[:rest.rfind(b"\n") + 1])
        f.write(b"Hit any key to stop autoboot:  0 \r\nBPI-R4> ")


if __name__ == "__main__":
    main()
