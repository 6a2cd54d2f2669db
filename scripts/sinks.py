#!/usr/bin/env python3
"""The mail and SMS sinks of the demo and the tests: a real SMTP server (aiosmtpd) that keeps
every message it is given, and an HTTP SMS gateway that speaks the portal's SMS protocol
(POST {"to", "text"} with a bearer token, docs/messages.md) and keeps every text. Both are read
back over HTTP: GET /mail and GET /sms answer JSON lists; GET / shows them as a page for the demo.

    scripts/sinks.py [--smtp-port N] [--http-port N] [--token T]

Port 0 picks a free port. When both listen, one JSON line goes to stdout:
{"smtp": <port>, "http": <port>}. Nothing is written to disk.
"""
import argparse
import asyncio
import email
import email.policy
import html
import json
import socket
import sys

from aiosmtpd.controller import Controller

MAIL = []
SMS = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Keep:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        MAIL.append({
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "subject": str(msg.get("Subject", "")),
            "message_id": str(msg.get("Message-ID", "")),
            "body": body.get_content() if body is not None else "",
        })
        return "250 kept"


def page():
    rows = []
    for m in reversed(MAIL):
        rows.append(f"<article><h3>{html.escape(m['subject'])}</h3><p>To: {html.escape(', '.join(m['to']))}</p>"
                    f"<pre>{html.escape(m['body'])}</pre></article>")
    sms = "".join(f"<li><b>{html.escape(s['to'])}</b>: {html.escape(s['text'])}</li>" for s in reversed(SMS))
    return (f"<!doctype html><html lang='en'><meta charset='utf-8'><title>Mail and SMS sinks</title>"
            f"<body style='font-family:sans-serif;max-width:60rem;margin:auto'><h1>Mail and SMS sinks (demo)</h1>"
            f"<h2>SMS ({len(SMS)})</h2><ul>{sms}</ul><h2>E-mail ({len(MAIL)})</h2>{''.join(rows)}</body></html>")


async def http(reader, writer, token):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        length = int(headers.get("content-length", "0") or "0")
        body = await reader.readexactly(length) if length else b""
        status, ctype, out = 404, "application/json", b'{"error":"not found"}'
        if method == "GET" and path == "/mail":
            status, out = 200, json.dumps(MAIL).encode()
        elif method == "GET" and path == "/sms":
            status, out = 200, json.dumps(SMS).encode()
        elif method == "GET" and path == "/":
            status, ctype, out = 200, "text/html; charset=utf-8", page().encode()
        elif method == "POST" and path == "/sms":
            if token and headers.get("authorization") != f"Bearer {token}":
                status, out = 401, b'{"error":"bad token"}'
            else:
                try:
                    msg = json.loads(body)
                    to, text = msg["to"], msg["text"]
                    if not isinstance(to, str) or not isinstance(text, str):
                        raise ValueError
                    SMS.append({"to": to, "text": text, "idempotency_key": headers.get("idempotency-key", "")})
                    status, out = 200, b'{"status":"accepted"}'
                except (ValueError, KeyError, TypeError):
                    status, out = 400, b'{"error":"expected {\\"to\\", \\"text\\"}"}'
        reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}[status]
        writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {len(out)}\r\n"
                     f"Connection: close\r\n\r\n".encode() + out)
        await writer.drain()
    except (asyncio.IncompleteReadError, ValueError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--smtp-port", type=int, default=0)
    p.add_argument("--http-port", type=int, default=0)
    p.add_argument("--token", default="")
    a = p.parse_args()
    smtp_port = a.smtp_port or free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    server = await asyncio.start_server(lambda r, w: http(r, w, a.token), "127.0.0.1", a.http_port)
    http_port = server.sockets[0].getsockname()[1]
    print(json.dumps({"smtp": smtp_port, "http": http_port}), flush=True)
    try:
        async with server:
            await server.serve_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
