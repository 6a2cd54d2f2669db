#!/usr/bin/env python3
"""A sandbox payment gateway that speaks the VNPAY 2.1.0 protocol, for the demo and the tests:
the portal signs a payment URL, the payer's browser opens it here, picks an outcome on a small
page (no JavaScript needed), the gateway calls the portal's IPN URL server to server and sends the
browser back to the return URL, all signed with HMAC-SHA512 as the real gateway does. No money
moves; everything is kept in memory and nothing is written to disk.

    scripts/paygate.py --port N --tmn-code CODE --secret SECRET [--ipn-url URL]

Port 0 picks a free port. It listens on 127.0.0.1; when it does, one JSON line goes to stdout:
{"port": <port>}. One log line per request goes to stderr (never the secret). SIGTERM stops it.

Signatures. Payment URL, IPN and return URL: every non-empty vnp_* parameter except
vnp_SecureHash and vnp_SecureHashType, sorted by key, each as key=value encoded like PHP's
urlencode (only A-Z a-z 0-9 - _ . stay, space is +), joined with &; vnp_SecureHash is the
lowercase hex HMAC-SHA512 of that string with the secret. The JSON API (querydr, refund) signs
the values of a fixed list of fields joined with | (see QUERYDR, REFUND, RESPONSE below).

The protocol's endpoints:
  GET  /paymentv2/vpcpay.html?<signed query>   the payer's page (errors: HTTP 400 and a code:
       97 signature, 02 merchant, 03 format, 15 expired, 94 TxnRef already completed)
  POST /paymentv2/confirm                      form txn, outcome=pay|cancel|fail, optional
       ipn=hold (complete without sending the IPN); sends the IPN, then 303 to the return URL
       (pay: 00/00, cancel: 24/02, fail: 51/02 as vnp_ResponseCode/vnp_TransactionStatus)
  POST /merchant_webapi/api/transaction        JSON, vnp_Command querydr or refund (refund
       types 02 full, 03 partial); always HTTP 200 with a vnp_ResponseCode: 00 ok, 97 signature,
       02 merchant or (refund) not paid, 03 refund amount, 91 not found, 94 repeated
       vnp_RequestId, 99 malformed

Sandbox-only test controls (no real gateway has these):
  GET  /sandbox/transactions     JSON list of the transactions (state pending, paid, cancelled or
                                 failed; the IPN attempts and their answers; the refunds)
  POST /sandbox/ipn-url          body: the IPN URL as text (empty clears it); 204
  POST /sandbox/ipn/<txn_ref>    (re)sends the IPN of a completed transaction now, answers the
                                 merchant's JSON answer (404 unknown or pending, 409 no IPN URL,
                                 502 not delivered or not JSON)
  POST /sandbox/sign             body: a JSON object of vnp_* parameters; answers the signed
                                 query string (text), e.g. to forge an IPN with a tampered amount
  GET  /                         a page listing the transactions, newest first (for the demo)
"""
import argparse
import hashlib
import hmac
import html
import json
import re
import secrets
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote_plus, unquote, urlsplit

VERSION = "2.1.0"
GMT7 = timezone(timedelta(hours=7))
DATE = re.compile(r"[0-9]{14}\Z")
DIGITS = re.compile(r"[0-9]+\Z")
MAX_BODY = 1 << 20
TITLE = "Cổng thanh toán (hộp cát) — VNPAY 2.1.0"

QUERYDR = ["vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
           "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo"]
REFUND = ["vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType",
          "vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy",
          "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo"]
RESPONSE = ["vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
            "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
            "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo"]

# outcome -> (vnp_ResponseCode, vnp_TransactionStatus, state)
OUTCOMES = {"pay": ("00", "00", "paid"), "cancel": ("24", "02", "cancelled"), "fail": ("51", "02", "failed")}
PAGE_ERRORS = {
    "97": "Chữ ký không hợp lệ",
    "02": "Mã đơn vị (vnp_TmnCode) không hợp lệ",
    "03": "Dữ liệu gửi sang không đúng định dạng",
    "15": "Giao dịch quá thời gian chờ thanh toán",
    "94": "Mã giao dịch (vnp_TxnRef) đã được sử dụng cho một giao dịch đã hoàn tất",
}
STATE_VI = {"pending": "Đang chờ", "paid": "Đã thanh toán", "cancelled": "Đã hủy", "failed": "Thất bại"}


def php_urlencode(text):
    """PHP's urlencode: only A-Z a-z 0-9 - _ . stay as they are, space becomes +."""
    return quote_plus(text, safe="").replace("~", "%7E")


def canonical(params):
    items = [(k, v) for k, v in params.items()
             if k.startswith("vnp_") and k not in ("vnp_SecureHash", "vnp_SecureHashType") and v != ""]
    items.sort(key=lambda kv: kv[0].encode("utf-8"))
    return "&".join(f"{php_urlencode(k)}={php_urlencode(v)}" for k, v in items)


def same_hash(given, expected):
    return hmac.compare_digest(given.strip().lower().encode("utf-8"), expected.lower().encode("utf-8"))


def now7():
    return datetime.now(GMT7)


def stamp(moment=None):
    return (moment or now7()).strftime("%Y%m%d%H%M%S")


def parse_stamp(text):
    if not DATE.match(text or ""):
        return None
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=GMT7)
    except ValueError:
        return None


def with_query(url, query):
    return url + ("&" if "?" in url else "?") + query


def vnd(amount100):
    dong, xu = divmod(amount100, 100)
    text = f"{dong:,}".replace(",", ".")
    return text + (f",{xu:02d}" if xu else "") + " ₫"


def log(line):
    sys.stderr.write(f"paygate: {line}\n")
    sys.stderr.flush()


class Gateway:
    """The in-memory state; every read and write of it holds self.lock."""

    def __init__(self, tmn_code, secret, ipn_url):
        self.tmn_code = tmn_code
        self.key = secret.encode("utf-8")
        self.ipn_url = ipn_url or None
        self.lock = threading.Lock()
        self.txns = {}
        self.seq = 0
        self.request_ids = set()
        # 8 digits, increasing, and higher after a restart than before it (seconds since 2025).
        self.next_no = 10_000_000 + (int(time.time()) - 1_735_689_600) % 80_000_000
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def hmac_hex(self, data):
        return hmac.new(self.key, data.encode("utf-8"), hashlib.sha512).hexdigest()

    def signed_query(self, params):
        data = canonical(params)
        return (data + "&" if data else "") + "vnp_SecureHash=" + self.hmac_hex(data)

    def transaction_no(self):
        self.next_no += 1
        return str(self.next_no)

    def send_ipn(self, txn_ref):
        """Sends the IPN of a completed transaction and records the attempt; returns the record."""
        with self.lock:
            rec = self.txns[txn_ref]
            query = self.signed_query(rec["result"])
            url = self.ipn_url
        entry = {"status": None, "answer": None, "error": None, "at": stamp()}
        if not url:
            entry["error"] = "no IPN URL configured"
        else:
            try:
                req = urllib.request.Request(with_query(url, query), headers={"User-Agent": "paygate-sandbox"})
                try:
                    with self.opener.open(req, timeout=10) as resp:
                        entry["status"], body = resp.status, resp.read(65536)
                except urllib.error.HTTPError as e:
                    entry["status"], body = e.code, e.read(65536)
                text = body.decode("utf-8", "replace")
                try:
                    entry["answer"] = json.loads(text)
                except ValueError:
                    entry["answer"] = text
                    entry["error"] = "answer is not JSON"
            except Exception as e:  # connection refused, timeout, bad URL
                entry["error"] = f"{type(e).__name__}: {e}"
        with self.lock:
            self.txns[txn_ref]["ipn"].append(entry)
        return entry

    def listing(self):
        with self.lock:
            recs = sorted(self.txns.values(), key=lambda r: r["seq"])
            return [{
                "txn_ref": r["txn_ref"], "amount": r["amount"], "order_info": r["order_info"],
                "state": r["state"], "response_code": r["response_code"],
                "transaction_status": r["transaction_status"], "transaction_no": r["transaction_no"],
                "bank_tran_no": r["bank_tran_no"], "pay_date": r["pay_date"], "create_date": r["create_date"],
                "expire_date": r["expire_date"], "return_url": r["return_url"],
                "ipn": [dict(e) for e in r["ipn"]], "refunds": [dict(f) for f in r["refunds"]],
            } for r in recs]


def page(title, body):
    return (
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:0;line-height:1.5}"
        "main{max-width:40rem;margin:auto;padding:1rem}h1{font-size:1.4rem;color:#0b3d75}"
        ".note{background:#fff4d6;border-left:4px solid #8a5a00;padding:.5rem .75rem}"
        "dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem}"
        "dt{font-weight:600}dd{margin:0}.amount{font-size:1.3rem;font-weight:700}"
        ".actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem}"
        "form{margin:0}button{font:inherit;font-weight:600;min-height:44px;padding:.5rem 1.25rem;"
        "border-radius:6px;border:2px solid transparent;cursor:pointer}"
        "button:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}"
        ".pay{background:#0b5394;color:#fff}.cancel{background:#fff;color:#1a1a1a;border-color:#555}"
        ".fail{background:#9b1c1c;color:#fff}.error{color:#9b1c1c}"
        "table{border-collapse:collapse;width:100%}"
        "th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left}"
        f"</style></head><body><main>{body}</main></body></html>"
    )


def error_page(code, detail=""):
    msg = PAGE_ERRORS.get(code, "Lỗi")
    extra = f"<p>{html.escape(detail)}</p>" if detail else ""
    return page(f"Lỗi {code} — {TITLE}",
                f"<h1>Không thể thực hiện giao dịch</h1><p class=\"error\" role=\"alert\">Mã lỗi: "
                f"<strong>{code}</strong> — {html.escape(msg)}</p>{extra}"
                "<p>Đây là cổng thanh toán thử nghiệm (hộp cát); không có tiền thật nào được chuyển.</p>")


def simple_page(heading, text):
    return page(f"{heading} — {TITLE}", f"<h1>{html.escape(heading)}</h1><p role=\"alert\">{html.escape(text)}</p>")


def payer_page(gw, rec):
    txn = html.escape(rec["txn_ref"])
    forms = []
    for outcome, label, cls in (("pay", "Thanh toán", "pay"), ("cancel", "Hủy giao dịch", "cancel"),
                                ("fail", "Giao dịch thất bại", "fail")):
        forms.append(f"<form method=\"post\" action=\"/paymentv2/confirm\">"
                     f"<input type=\"hidden\" name=\"txn\" value=\"{txn}\">"
                     f"<input type=\"hidden\" name=\"outcome\" value=\"{outcome}\">"
                     f"<button type=\"submit\" class=\"{cls}\">{label}</button></form>")
    expire = parse_stamp(rec["expire_date"])
    return page(TITLE, (
        f"<h1>{html.escape(TITLE)}</h1>"
        "<p class=\"note\">Cổng thanh toán thử nghiệm: không có tiền thật nào được chuyển. "
        "Chọn kết quả giao dịch muốn mô phỏng.</p>"
        "<dl>"
        f"<dt>Mã đơn vị</dt><dd>{html.escape(gw.tmn_code)}</dd>"
        f"<dt>Mã giao dịch</dt><dd>{txn}</dd>"
        f"<dt>Số tiền</dt><dd class=\"amount\">{vnd(rec['amount'])}</dd>"
        f"<dt>Nội dung</dt><dd>{html.escape(rec['order_info'])}</dd>"
        "<dt>Ngân hàng</dt><dd>NCB — Ngân hàng Quốc Dân, thẻ ATM nội địa thử nghiệm</dd>"
        f"<dt>Hết hạn lúc</dt><dd>{expire.strftime('%H:%M:%S %d/%m/%Y') if expire else ''} (GMT+7)</dd>"
        "</dl>"
        f"<div class=\"actions\" role=\"group\" aria-label=\"Kết quả giao dịch\">{''.join(forms)}</div>"
    ))


def list_page(gw):
    rows = []
    for r in reversed(gw.listing()):
        last = r["ipn"][-1] if r["ipn"] else None
        if last is None:
            ipn = "—"
        elif isinstance(last["answer"], dict):
            ipn = f"HTTP {last['status']}, RspCode {last['answer'].get('RspCode')}"
        else:
            ipn = last["error"] or f"HTTP {last['status']}"
        refunds = ", ".join(vnd(f["amount"]) for f in r["refunds"]) or "—"
        cells = [r["txn_ref"], vnd(r["amount"]), r["order_info"], STATE_VI.get(r["state"], r["state"]),
                 r["response_code"] or "—", r["transaction_no"] or "—", r["pay_date"] or "—", ipn, refunds]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th scope=\"col\">{h}</th>" for h in (
        "Mã giao dịch", "Số tiền", "Nội dung", "Trạng thái", "Mã phản hồi", "Mã GD cổng", "Thời gian", "IPN",
        "Hoàn tiền"))
    return page(f"Giao dịch — {TITLE}", (
        f"<h1>{html.escape(TITLE)}</h1><p>Mã đơn vị: {html.escape(gw.tmn_code)}. "
        f"IPN: {html.escape(gw.ipn_url or 'chưa đặt')}.</p><h2>Giao dịch ({len(rows)})</h2>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"))


class BadRequest(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    server_version = "paygate-sandbox"
    sys_version = ""
    gw = None  # set in main

    # --- plumbing ---------------------------------------------------------------------------

    def log_request(self, code="-", size="-"):
        notes = getattr(self, "notes", [])
        log(f"{self.command} {urlsplit(self.path).path} {code}" + (" (" + "; ".join(notes) + ")" if notes else ""))

    def note(self, text):
        self.notes = getattr(self, "notes", []) + [text]

    def send_ipn(self, ref):
        entry = self.gw.send_ipn(ref)
        rsp = entry["answer"].get("RspCode") if isinstance(entry["answer"], dict) else None
        error = f", {entry['error']}" if entry["error"] else ""
        self.note(f"IPN {ref}: HTTP {entry['status']}, RspCode {rsp}{error}")
        return entry

    def log_message(self, format, *args):
        log(format % args)

    def reply(self, status, body=b"", ctype="text/html; charset=utf-8", headers=()):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if status != 204:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if status != 204 and self.command != "HEAD":
            self.wfile.write(body)

    def reply_json(self, status, value):
        self.reply(status, json.dumps(value, ensure_ascii=False), "application/json; charset=utf-8")

    def body(self):
        if self.headers.get("Transfer-Encoding"):
            raise BadRequest("chunked bodies are not supported")
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            raise BadRequest("bad Content-Length")
        if length < 0 or length > MAX_BODY:
            raise BadRequest("body too large")
        return self.rfile.read(length) if length else b""

    def dispatch(self):
        self.notes = []
        try:
            url = urlsplit(self.path)
            route = (self.command, url.path)
            if route == ("GET", "/paymentv2/vpcpay.html"):
                return self.open_payment(url.query)
            if route == ("POST", "/paymentv2/confirm"):
                return self.confirm()
            if route == ("POST", "/merchant_webapi/api/transaction"):
                return self.reply_json(200, self.transaction_api())
            if route == ("GET", "/sandbox/transactions"):
                return self.reply_json(200, self.gw.listing())
            if route == ("POST", "/sandbox/ipn-url"):
                return self.set_ipn_url()
            if self.command == "POST" and url.path.startswith("/sandbox/ipn/"):
                return self.resend_ipn(unquote(url.path[len("/sandbox/ipn/"):]))
            if route == ("POST", "/sandbox/sign"):
                return self.sign()
            if route == ("GET", "/"):
                return self.reply(200, list_page(self.gw))
            return self.reply_json(404, {"error": "not found"})
        except BadRequest as e:
            self.reply_json(400, {"error": str(e)})
        except (ConnectionError, TimeoutError):
            pass
        except Exception as e:  # never a 500, never a dead thread
            log(f"error on {self.command} {urlsplit(self.path).path}: {type(e).__name__}: {e}")
            try:
                self.reply_json(400, {"error": "bad request"})
            except Exception:
                pass

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = dispatch

    # --- the payer's page -------------------------------------------------------------------

    def open_payment(self, query):
        gw = self.gw
        params = {}
        for k, v in parse_qsl(query, keep_blank_values=True):
            if k.startswith("vnp_"):
                if k in params:
                    return self.reply(400, error_page("03", f"Tham số {k} xuất hiện hai lần."))
                params[k] = v
        given = params.get("vnp_SecureHash", "")
        if not given or not same_hash(given, gw.hmac_hex(canonical(params))):
            return self.reply(400, error_page("97"))
        p = lambda k: params.get(k, "")
        if p("vnp_TmnCode") != gw.tmn_code:
            return self.reply(400, error_page("02"))
        problems = []
        if p("vnp_Version") != VERSION:
            problems.append(f"vnp_Version phải là {VERSION}")
        if p("vnp_Command") != "pay":
            problems.append("vnp_Command phải là pay")
        if not DIGITS.match(p("vnp_Amount")) or int(p("vnp_Amount")) <= 0:
            problems.append("vnp_Amount phải là số nguyên dương (VND × 100)")
        if p("vnp_CurrCode") != "VND":
            problems.append("vnp_CurrCode phải là VND")
        if not p("vnp_TxnRef"):
            problems.append("thiếu vnp_TxnRef")
        if not p("vnp_OrderInfo"):
            problems.append("thiếu vnp_OrderInfo")
        if not p("vnp_ReturnUrl").startswith(("http://", "https://")):
            problems.append("vnp_ReturnUrl phải bắt đầu bằng http:// hoặc https://")
        for k in ("vnp_CreateDate", "vnp_ExpireDate"):
            if parse_stamp(p(k)) is None:
                problems.append(f"{k} phải có dạng yyyyMMddHHmmss")
        if problems:
            return self.reply(400, error_page("03", "; ".join(problems) + "."))
        if now7() > parse_stamp(p("vnp_ExpireDate")):
            return self.reply(400, error_page("15"))
        ref = p("vnp_TxnRef")
        with gw.lock:
            old = gw.txns.get(ref)
            used = old is not None and old["state"] != "pending"
            if not used:
                gw.seq += 1
                rec = {
                    "txn_ref": ref, "amount": int(p("vnp_Amount")), "order_info": p("vnp_OrderInfo"),
                    "state": "pending", "response_code": None, "transaction_status": None, "transaction_no": None,
                    "bank_tran_no": None, "pay_date": None, "create_date": p("vnp_CreateDate"),
                    "expire_date": p("vnp_ExpireDate"), "return_url": p("vnp_ReturnUrl"), "ipn": [], "refunds": [],
                    "seq": gw.seq, "result": None,
                }
                gw.txns[ref] = rec
        if used:
            return self.reply(400, error_page("94"))
        return self.reply(200, payer_page(gw, rec))

    def confirm(self):
        gw = self.gw
        form = {}
        for k, v in parse_qsl(self.body().decode("utf-8", "replace"), keep_blank_values=True):
            form.setdefault(k, v)
        ref, outcome, hold = form.get("txn", ""), form.get("outcome", ""), form.get("ipn") == "hold"
        if outcome not in OUTCOMES:
            return self.reply(400, simple_page("Yêu cầu không hợp lệ", "Kết quả phải là pay, cancel hoặc fail."))
        with gw.lock:
            rec = gw.txns.get(ref)
            if rec is None:
                problem = (404, simple_page("Không tìm thấy giao dịch", "Không có giao dịch với mã này."))
            elif rec["state"] != "pending":
                problem = (409, simple_page("Giao dịch đã hoàn tất",
                                            "Giao dịch này đã được xử lý; không thể xác nhận lại."))
            elif now7() > parse_stamp(rec["expire_date"]):
                problem = (400, error_page("15"))
            else:
                problem = None
                code, status, state = OUTCOMES[outcome]
                no = gw.transaction_no()
                rec.update(state=state, response_code=code, transaction_status=status, transaction_no=no,
                           bank_tran_no="VNP" + no, pay_date=stamp())
                rec["result"] = {
                    "vnp_Amount": str(rec["amount"]), "vnp_BankCode": "NCB", "vnp_BankTranNo": rec["bank_tran_no"],
                    "vnp_CardType": "ATM", "vnp_OrderInfo": rec["order_info"], "vnp_PayDate": rec["pay_date"],
                    "vnp_ResponseCode": code, "vnp_TmnCode": gw.tmn_code, "vnp_TransactionNo": no,
                    "vnp_TransactionStatus": status, "vnp_TxnRef": ref,
                }
                location = with_query(rec["return_url"], gw.signed_query(rec["result"]))
        if problem:
            return self.reply(*problem)
        if not hold:
            self.send_ipn(ref)
        self.reply(303, simple_page("Đang chuyển về trang của đơn vị", "Giao dịch đã được xử lý."),
                   headers=[("Location", location)])

    # --- the merchant's JSON API ------------------------------------------------------------

    def transaction_api(self):
        gw = self.gw
        resp = {k: "" for k in RESPONSE}
        resp.update(vnp_ResponseId=secrets.token_hex(16), vnp_TmnCode=gw.tmn_code)

        def answer(code, message, **fields):
            resp.update(fields, vnp_ResponseCode=code, vnp_Message=message)
            resp["vnp_SecureHash"] = gw.hmac_hex("|".join(resp[k] for k in RESPONSE))
            self.note(f"{resp['vnp_Command'] or '?'} {resp['vnp_TxnRef'] or '?'}: {code}")
            return resp

        try:
            raw = json.loads(self.body().decode("utf-8"))
        except (ValueError, BadRequest):
            return answer("99", "Dữ liệu JSON không hợp lệ")
        if not isinstance(raw, dict):
            return answer("99", "Dữ liệu phải là một đối tượng JSON")
        req = {}
        for k, v in raw.items():
            if v is None:
                continue
            if isinstance(v, str):
                req[k] = v
            elif isinstance(v, int) and not isinstance(v, bool):
                req[k] = str(v)
            else:
                return answer("99", f"Giá trị của {k} không hợp lệ")
        command = req.get("vnp_Command", "")
        if command not in ("querydr", "refund"):
            return answer("99", "vnp_Command phải là querydr hoặc refund")
        resp["vnp_Command"] = command
        resp["vnp_TxnRef"] = req.get("vnp_TxnRef", "")
        fields = QUERYDR if command == "querydr" else REFUND
        missing = [k for k in fields + ["vnp_SecureHash"] if k != "vnp_TransactionNo" and not req.get(k)]
        if missing:
            return answer("99", "Thiếu tham số: " + ", ".join(missing))
        if not same_hash(req["vnp_SecureHash"], gw.hmac_hex("|".join(req.get(k, "") for k in fields))):
            return answer("97", "Chữ ký không hợp lệ")
        if req["vnp_TmnCode"] != gw.tmn_code:
            return answer("02", "Mã đơn vị không hợp lệ")
        if req["vnp_Version"] != VERSION:
            return answer("99", f"vnp_Version phải là {VERSION}")
        if parse_stamp(req["vnp_TransactionDate"]) is None or parse_stamp(req["vnp_CreateDate"]) is None:
            return answer("99", "Ngày phải có dạng yyyyMMddHHmmss")
        if command == "refund":
            if req["vnp_TransactionType"] not in ("02", "03"):
                return answer("99", "vnp_TransactionType phải là 02 hoặc 03")
            if not DIGITS.match(req["vnp_Amount"]) or int(req["vnp_Amount"]) <= 0:
                return answer("99", "vnp_Amount phải là số nguyên dương")
        with gw.lock:
            if req["vnp_RequestId"] in gw.request_ids:
                return answer("94", "vnp_RequestId đã được dùng")
            gw.request_ids.add(req["vnp_RequestId"])
            rec = gw.txns.get(req["vnp_TxnRef"])
            if rec is None:
                return answer("91", "Không tìm thấy giao dịch")
            done = rec["state"] != "pending"
            known = dict(vnp_OrderInfo=rec["order_info"], vnp_BankCode="NCB" if done else "",
                         vnp_TransactionNo=rec["transaction_no"] or "")
            if command == "querydr":
                return answer("00", "Truy vấn thành công", vnp_Amount=str(rec["amount"]), vnp_TransactionType="01",
                              vnp_PayDate=rec["pay_date"] or "",
                              vnp_TransactionStatus=rec["transaction_status"] or "01",
                              **known)
            kind, amount = req["vnp_TransactionType"], int(req["vnp_Amount"])
            resp.update(known, vnp_Amount=req["vnp_Amount"], vnp_TransactionType=kind)
            if req.get("vnp_TransactionNo", "0") not in ("", "0", rec["transaction_no"]):
                return answer("91", "vnp_TransactionNo không khớp với giao dịch")
            if rec["state"] != "paid":
                return answer("02", "Giao dịch chưa được thanh toán thành công")
            remaining = rec["amount"] - sum(f["amount"] for f in rec["refunds"])
            if kind == "02" and (amount != rec["amount"] or remaining != rec["amount"]):
                return answer("03", "Hoàn toàn phần phải bằng đúng số tiền đã thanh toán (và chưa hoàn lần nào)")
            if amount > remaining:
                return answer("03", "Số tiền hoàn vượt quá số tiền còn có thể hoàn")
            at = stamp()
            rec["refunds"].append({"amount": amount, "type": kind, "create_by": req["vnp_CreateBy"], "at": at,
                                   "request_id": req["vnp_RequestId"]})
            return answer("00", "Hoàn tiền thành công", vnp_PayDate=at, vnp_TransactionStatus="00")

    # --- sandbox controls -------------------------------------------------------------------

    def set_ipn_url(self):
        url = self.body().decode("utf-8", "replace").strip()
        if url and not url.startswith(("http://", "https://")):
            raise BadRequest("the IPN URL must start with http:// or https://")
        with self.gw.lock:
            self.gw.ipn_url = url or None
        self.reply(204)

    def resend_ipn(self, ref):
        with self.gw.lock:
            rec = self.gw.txns.get(ref)
            known = rec is not None and rec["state"] != "pending"
            url = self.gw.ipn_url
        if not known:
            return self.reply_json(404, {"error": "no completed transaction with this vnp_TxnRef"})
        if not url:
            self.send_ipn(ref)  # records the attempt
            return self.reply_json(409, {"error": "no IPN URL configured"})
        entry = self.send_ipn(ref)
        if entry["status"] is None or not isinstance(entry["answer"], (dict, list)):
            failure = {"error": entry["error"], "status": entry["status"], "answer": entry["answer"]}
            return self.reply_json(502, failure)
        self.reply_json(200, entry["answer"])

    def sign(self):
        try:
            raw = json.loads(self.body().decode("utf-8"))
        except ValueError:
            raise BadRequest("expected a JSON object of vnp_* parameters")
        if not isinstance(raw, dict):
            raise BadRequest("expected a JSON object of vnp_* parameters")
        params = {}
        for k, v in raw.items():
            if isinstance(v, bool) or not isinstance(v, (str, int)):
                raise BadRequest(f"{k}: expected a string or an integer")
            params[k] = str(v)
        self.reply(200, self.gw.signed_query(params), "text/plain; charset=utf-8")


class Server(ThreadingHTTPServer):
    daemon_threads = True


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tmn-code", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--ipn-url", default="")
    a = p.parse_args()
    if a.ipn_url and not a.ipn_url.startswith(("http://", "https://")):
        p.error("--ipn-url must start with http:// or https://")
    Handler.gw = Gateway(a.tmn_code, a.secret, a.ipn_url)
    server = Server(("127.0.0.1", a.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
