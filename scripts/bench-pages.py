#!/usr/bin/env python3
"""Pages and server functions against the same bytes served by a plain axum server.

Builds nothing: run `scripts/build.sh --release` first. Starts the release binary (SQLite, the
demo office) and `same_bytes` (server/examples/same_bytes.rs), each pinned to core 0, captures
what the portal answers for each URL (brotli, as browsers ask), serves those very bytes from the
plain server, then loads both with wrk pinned to core 1 in interleaved rounds (portal, plain,
plain, portal, ...) and prints requests per second, the ratio and its goal, and the portal's
memory.

usage: scripts/bench-pages.sh [--seconds S] [--rounds R] [--connections C] [--check]
  --check   exit 1 when a ratio misses its goal (for a quiet machine; the test command prints only)
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/portal-target"))
SERVER = os.path.join(ROOT, "target/bin/server")
PLAIN = os.path.join(TARGET, "release/examples/same_bytes")
ENCODING = "br, gzip"
OFFICER = ("045185000101", "canbo2026")  # Lê Thị Thu Hà, reception at Phường Đông Hà
CITIZEN = ("045195004321", "matkhau2026")  # Trần Thị Bích

# Goals of issue 10: anonymous catalogue pages and /healthz at half the ceiling, the rest a tenth.
CACHED, DYNAMIC = 0.5, 0.1


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(base, path, cookie=None, data=None):
    headers = {"Accept-Encoding": ENCODING, "Origin": base}
    if cookie:
        headers["Cookie"] = cookie
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(base + path, data=body, headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        res = opener.open(req, timeout=30)
        return res.status, res.headers, res.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def decoded(headers, body):
    enc = headers.get("Content-Encoding", "")
    if enc == "gzip":
        import gzip

        return gzip.decompress(body)
    if enc == "br":
        raise SystemExit("a JSON answer came brotli-compressed; read it with Accept-Encoding: identity")
    return body


# The demo officers' second factor (README): a published TOTP secret, demo mode only.
DEMO_TOTP_SECRET = "DEMOTOTPDEMOTOTPDEMOTOTPDEMOTOTP"


def totp(step):
    """RFC 6238 (SHA-1, 30 s, six digits) at `step`."""
    import base64
    import hashlib
    import hmac
    import struct

    mac = hmac.new(base64.b32decode(DEMO_TOTP_SECRET), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def cookie_of(headers, name, pattern):
    for value in headers.get_all("Set-Cookie") or []:
        m = re.match(name + "=(" + pattern + ")", value)
        if m:
            return name + "=" + m.group(1)
    return None


def sign_in(base, who):
    status, headers, _ = request(base, "/api/account/login", data={"cccd": who[0], "password": who[1]})
    sid = cookie_of(headers, "sid", "[0-9a-f]{64}")
    challenge = cookie_of(headers, "mfa", "[^;]+")
    # Officers give the second factor; a step already used is refused, so the next one is tried.
    step = int(time.time()) // 30
    for code in (totp(step), totp(step + 1)):
        if sid or not challenge:
            break
        status, headers, _ = request(base, "/api/account/second-factor", cookie=challenge, data={"code": code})
        sid = cookie_of(headers, "sid", "[0-9a-f]{64}")
    if sid:
        return sid
    raise SystemExit(f"sign-in of {who[0]} failed: HTTP {status}")


def json_of(base, path, cookie=None):
    headers = {"Accept-Encoding": "gzip", "Cookie": cookie or ""}
    req = urllib.request.Request(base + path, headers=headers)
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.loads(decoded(res.headers, res.read()))


def start(cmd, env, log):
    return subprocess.Popen(["taskset", "-c", "0", *cmd], env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_listening(proc, log_path, pattern):
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(open(log_path).read()[-3000:] + "\nthe server exited")
        m = re.search(pattern, open(log_path, errors="replace").read())
        if m:
            return m.group(1)
        time.sleep(0.1)
    raise SystemExit("the server did not start in a minute")


def free_port():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wrk(url, cookie, seconds, connections):
    cmd = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-H", f"Accept-Encoding: {ENCODING}"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    if bad or errors:
        raise SystemExit(f"{url}: {bad.group(0) if bad else ''} {errors.group(0) if errors else ''}\n{out}")
    return rps


def rss_kb(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            fields[k] = v.strip()
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    for path, hint in [(SERVER, "scripts/build.sh --release"), (PLAIN, "scripts/build.sh --release")]:
        if not os.path.exists(path):
            raise SystemExit(f"{path} is missing: run {hint} first (this script builds nothing)")
    if not shutil.which("wrk") or not shutil.which("taskset"):
        raise SystemExit("wrk and taskset are needed: NEED_WRK=1 scripts/setup.sh")

    work = tempfile.mkdtemp(prefix="portal-bench-pages-")
    procs = []
    try:
        port = free_port()
        env = dict(os.environ)
        env.update(
            DATA_DIR=os.path.join(work, "data"),
            DEMO_DATA="office",
            LEPTOS_SITE_ADDR=f"127.0.0.1:{port}",
            LEPTOS_SITE_ROOT=os.path.join(ROOT, "target/site"),
            LOOKUP_PER_MINUTE="1000000000",
        )
        env.pop("DATABASE_URL", None)
        log_path = os.path.join(work, "server.log")
        portal = start([SERVER], env, open(log_path, "w"))
        procs.append(portal)
        base = wait_listening(portal, log_path, r"listening on (http://[0-9.:]+)")

        officer = sign_in(base, OFFICER)
        citizen = sign_in(base, CITIZEN)
        inbox = json_of(base, "/api/desk/inbox?tab=receive", officer)
        desk_code = (inbox.get("rows") or inbox.get("items") or [{}])[0].get("code")
        mine = json_of(base, "/api/dossiers/mine", citizen)
        own_code = mine[0]["code"]
        if not desk_code:
            raise SystemExit(f"no dossier in the officer's inbox: {str(inbox)[:300]}")
        lookup = urllib.parse.quote(own_code)

        # (what, path, cookie, goal)
        cases = [
            ("/", "/", None, CACHED),
            ("/thu-tuc", "/thu-tuc", None, CACHED),
            ("/thu-tuc?q=giay+phep", "/thu-tuc?q=giay+phep", None, CACHED),
            ("/thu-tuc/1.001193", "/thu-tuc/1.001193", None, CACHED),
            ("/healthz", "/healthz", None, CACHED),
            ("/tra-cuu?ma=… (public lookup)", f"/tra-cuu?ma={lookup}", None, DYNAMIC),
            ("/thu-tuc (signed-in citizen)", "/thu-tuc", citizen, DYNAMIC),
            ("/ho-so (citizen's dossiers)", "/ho-so", citizen, DYNAMIC),
            ("/ho-so/{code} (citizen)", f"/ho-so/{lookup}", citizen, DYNAMIC),
            ("/mot-cua (officer's inbox)", "/mot-cua", officer, DYNAMIC),
            ("/mot-cua/ho-so/{code} (officer)", f"/mot-cua/ho-so/{urllib.parse.quote(desk_code)}", officer, DYNAMIC),
            ("fn catalogue/search", "/api/catalogue/search?query[q]=giay+phep", None, DYNAMIC),
            ("fn catalogue/procedure", "/api/catalogue/procedure?code=1.001193", None, DYNAMIC),
            ("fn lookup", f"/api/lookup?ma={lookup}", None, DYNAMIC),
            ("fn dossiers/mine (citizen)", "/api/dossiers/mine", citizen, DYNAMIC),
            ("fn dossiers/get (citizen)", f"/api/dossiers/get?code={lookup}", citizen, DYNAMIC),
            ("fn desk/inbox (officer)", "/api/desk/inbox?tab=receive", officer, DYNAMIC),
            ("fn desk/dossier (officer)", f"/api/desk/dossier?code={urllib.parse.quote(desk_code)}", officer, DYNAMIC),
        ]

        manifest = []
        for i, (what, path, cookie, _) in enumerate(cases):
            status, headers, body = request(base, path, cookie)
            if status != 200:
                raise SystemExit(f"{what}: the portal answered {status}: {body[:300]!r}")
            file = os.path.join(work, f"page{i}")
            with open(file, "wb") as f:
                f.write(body)
            plain_path = f"/c{i}"
            manifest.append(
                f"{plain_path}\t{headers.get('Content-Type', '')}\t{headers.get('Content-Encoding', '')}\t{file}"
            )
        manifest_path = os.path.join(work, "manifest.tsv")
        with open(manifest_path, "w") as f:
            f.write("\n".join(manifest) + "\n")
        plain_port = free_port()
        plain = start([PLAIN, f"127.0.0.1:{plain_port}", manifest_path], env, open(os.path.join(work, "plain.log"), "w"))
        procs.append(plain)
        plain_base = f"http://127.0.0.1:{plain_port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(plain_base + "/c0", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)

        results = {i: ([], []) for i in range(len(cases))}
        for r in range(args.rounds):
            for i, (what, path, cookie, _) in enumerate(cases):
                runs = [("portal", base + path, cookie), ("plain", f"{plain_base}/c{i}", None)]
                if r % 2:
                    runs.reverse()
                for who, url, c in runs:
                    rps = wrk(url, c, args.seconds, args.connections)
                    results[i][0 if who == "portal" else 1].append(rps)
        rss, peak = rss_kb(portal.pid)

        def median(xs):
            xs = sorted(xs)
            return xs[len(xs) // 2]

        print(
            f"\n{args.rounds} interleaved rounds of {args.seconds} s, wrk -c{args.connections} on core 1, "
            f"each server on core 0; Accept-Encoding: {ENCODING}; medians\n"
        )
        print(f"| {'page or server function':<36} | {'portal req/s':>12} | {'same bytes, plain axum':>22} | {'ratio':>6} | goal |")
        print(f"|{'-' * 38}|{'-' * 14}|{'-' * 24}|{'-' * 8}|------|")
        missed = []
        for i, (what, _, _, goal) in enumerate(cases):
            portal_rps, plain_rps = median(results[i][0]), median(results[i][1])
            ratio = portal_rps / plain_rps
            mark = "ok" if ratio >= goal else "MISS"
            if ratio < goal:
                missed.append(what)
            print(f"| {what:<36} | {portal_rps:>12,.0f} | {plain_rps:>22,.0f} | {ratio:>6.3f} | ≥{goal} {mark} |")
        print(f"\nportal memory: RSS {rss / 1024:.1f} MB now, {peak / 1024:.1f} MB at its peak (goal ≤ 128 MB)")
        if missed:
            print("missed goals: " + ", ".join(missed))
        if args.check and (missed or peak > 128 * 1024):
            sys.exit(1)
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
