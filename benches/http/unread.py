#!/usr/bin/env python3
"""Resident memory of `copbook serve` while clients open-data downloads never read.

Issue 26's acceptance: 200 unread `/responses.csv` connections from one address keep the
server's resident memory under 300 MB (4,000 published responses, about 1,900 characters
each, so the CSV is some 8 MB).

    python3 benches/http/unread.py [--bin target/release/copbook] [--book book]
        [--responses 4000] [--connections 200] [--hold 10] [--addresses 1] [--path /responses.csv]

Seeds the responses through the JSON API (`--rate-limit 0`) and publishes them through
/admin/ (a bearer token), as a drafter would; then opens the connections (from 127.0.0.1,
or spread over 127.0.0.2… with --addresses N, Linux only), sends one GET on each and reads
nothing for --hold seconds, sampling the server's VmRSS every 100 ms. Prints VmRSS before,
the peak seen, VmHWM, and VmRSS after the connections close; then what each connection
had been answered (its status line, peeked without reading it). Standard library only.
"""

import argparse
import concurrent.futures
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

TOKEN = "unread-bench-admin-token-" + secrets.token_hex(8)
CSRF = secrets.token_hex(16)


def rss(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) // 1024
    return 0


def start(args, data):
    env = dict(os.environ, COPBOOK_ADMIN_TOKEN=TOKEN)
    out = open(os.path.join(data, "out"), "w+")
    err = open(os.path.join(data, "err"), "w+")
    proc = subprocess.Popen(
        [args.bin, "serve", "--book", args.book, "--data", data, "--addr", "127.0.0.1:0",
         "--rate-limit", "0"],
        stdout=out, stderr=err, env=env)
    for _ in range(1200):
        out.seek(0)
        found = re.search(r"serving on (http://[^/ ]+)", out.read())
        if found:
            return proc, found.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    err.seek(0)
    sys.exit("the server did not start:\n" + err.read())


def request(url, method="GET", body=None, headers=None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=60) as res:
            return res.status, res.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def seed_one(base, i):
    words = ("The safeguards on sharing LEDS data need an independent check, a record of "
             "every disclosure and a clear route for complaints. ")
    body = f"Response {i}. " + words * 14
    fields = {"on": "share-lawful-basis", "question": "q-sharing", "body": body[:1900],
              "respondent_type": "individual", "publish": "yes", "name": f"Respondent {i}",
              "attribution": "name"}
    status, reply = request(base + "/api/comments", "POST", json.dumps(fields).encode(),
                            {"Content-Type": "application/json"})
    if status != 201:
        raise RuntimeError(f"submission {i}: {status} {reply[:200]!r}")
    reference = json.loads(reply)["reference"]
    form = f"status=published&csrf={CSRF}&back=/admin/".encode()
    status, reply = request(base + f"/admin/comments/{reference}/status", "POST", form, {
        "Authorization": "Bearer " + TOKEN,
        "Cookie": "copbook_csrf=" + CSRF,
        "Content-Type": "application/x-www-form-urlencoded",
    })
    if status != 303:
        raise RuntimeError(f"publishing {reference}: {status} {reply[:200]!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.environ.get("BIN", "target/release/copbook"))
    parser.add_argument("--book", default="book")
    parser.add_argument("--responses", type=int, default=4000)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--hold", type=float, default=10.0)
    parser.add_argument("--addresses", type=int, default=1)
    parser.add_argument("--path", default="/responses.csv")
    args = parser.parse_args()
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    data = tempfile.mkdtemp(prefix="copbook-unread-")
    proc, base = start(args, data)
    host, port = base.removeprefix("http://").rsplit(":", 1)
    try:
        began = time.time()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda i: seed_one(base, i), range(args.responses)))
        status, csv = request(base + args.path)
        print(f"seeded {args.responses} published responses in {time.time() - began:.0f} s; "
              f"{args.path}: {status}, {len(csv) / 1e6:.1f} MB")
        before = rss(proc.pid)
        peak = before
        conns = []
        for i in range(args.connections):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if args.addresses > 1:
                s.bind((f"127.0.0.{2 + i % args.addresses}", 0))
            s.connect((host, int(port)))
            s.sendall(f"GET {args.path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            conns.append(s)
        until = time.time() + args.hold
        while time.time() < until:
            peak = max(peak, rss(proc.pid))
            time.sleep(0.1)
        answers = {}
        for s in conns:
            try:
                head = s.recv(64, socket.MSG_PEEK | socket.MSG_DONTWAIT)
                line = head.split(b"\r\n")[0].decode(errors="replace") or "(closed)"
            except BlockingIOError:
                line = "(nothing yet)"
            except OSError as e:
                line = f"({e.strerror})"
            answers[line] = answers.get(line, 0) + 1
        hwm = rss(proc.pid, "VmHWM")
        for s in conns:
            s.close()
        time.sleep(2)
        after = rss(proc.pid)
        print(f"{args.connections} unread {args.path} connections from {args.addresses} "
              f"address(es), held {args.hold:.0f} s")
        print(f"VmRSS before {before} MiB, peak {peak} MiB, after {after} MiB (VmHWM {hwm} MiB)")
        for line, n in sorted(answers.items()):
            print(f"  {n:4} answered {line}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
