#!/usr/bin/env python3
"""Captures a hilt-sim UART from its unix socket, for the integration tests.

sim_capture.py SOCK OUT --until REGEX [--timeout S] [--send TEXT --then REGEX]...
  [--power-on-with CMD...]  (run after connecting, so no byte is missed)
Exits 0 when every REGEX was seen (in order), 1 on timeout; OUT gets every byte.
"""
import argparse, re, socket, subprocess, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("sock")
ap.add_argument("out")
ap.add_argument("--until", required=True)
ap.add_argument("--timeout", type=float, default=10)
ap.add_argument("--send", action="append", default=[])
ap.add_argument("--then", action="append", default=[])
ap.add_argument("--linger", type=float, default=0, help="keep reading this long after the last match")
ap.add_argument("--print-time", action="store_true", help="print seconds from power-on to the --until match")
ap.add_argument("--power-on-with", nargs=argparse.REMAINDER)
a = ap.parse_args()

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(a.sock)
s.settimeout(0.05)
time.sleep(0.05)  # let the simulator accept us before the board starts
if a.power_on_with:
    subprocess.run(a.power_on_with, check=True, stdout=subprocess.DEVNULL)
t0 = time.monotonic()
steps = [(None, a.until)] + list(zip(a.send, a.then))
data = b""
deadline = time.monotonic() + a.timeout
pos = 0
ok = True
for send, pattern in steps:
    if send is not None:
        s.sendall(send.encode().decode("unicode_escape").encode("latin-1"))
    rx = re.compile(pattern.encode())
    while True:
        m = rx.search(data, pos)
        if m:
            pos = m.end()
            if send is None and a.print_time:
                print(f"{time.monotonic() - t0:.3f}")
            break
        if time.monotonic() > deadline:
            ok = False
            break
        try:
            chunk = s.recv(65536)
            if not chunk:
                ok = False
                break
            data += chunk
        except socket.timeout:
            pass
    if not ok:
        break
end = time.monotonic() + a.linger
while ok and time.monotonic() < end:
    try:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    except socket.timeout:
        pass
open(a.out, "wb").write(data)
if not ok:
    sys.stderr.write(f"sim_capture: timeout waiting for {pattern!r}; got {len(data)} bytes\n")
sys.exit(0 if ok else 1)
