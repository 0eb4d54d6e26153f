"""Hold N keep-alive connections to lookout open at once, then read its RSS.

usage: rss-conns.py HOST:PORT N /proc/PID/status...

Each connection sends one GET /healthz and reads the whole answer, and
stays open. With all N open and answered, prints "open N" and the sum
of the VmRSS of the processes named (the server and its children) as
"rss KIB", then closes them all.
"""
import socket
import sys


def answer(sock):
    """Read one HTTP answer with a Content-Length; True if it was 200."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v)
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            return False
        body += chunk
    return head.startswith(b"HTTP/1.1 200")


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    n = int(sys.argv[2])
    socks = []
    ok = 0
    try:
        for _ in range(n):
            s = socket.create_connection((host, int(port)), timeout=20)
            socks.append(s)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")
            if answer(s):
                ok += 1
        print("open", ok)
        total = 0
        for path in sys.argv[3:]:
            with open(path) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        print("rss", total)
    finally:
        for s in socks:
            s.close()
    return 0 if ok == n else 1


if __name__ == "__main__":
    sys.exit(main())
