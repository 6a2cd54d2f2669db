#!/usr/bin/env bash
# Runs the portal on the embedded default: SQLite under ./data, demo data loaded into an empty
# database. Installs what the build needs first (idempotent). Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --release
export DATA_DIR="${DATA_DIR:-./data}"
export DEMO_DATA="${DEMO_DATA:-office}"
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
# In demo mode the notices go to the mail and SMS sinks (scripts/sinks.py), which show what
# arrived at http://127.0.0.1:$SINKS_HTTP_PORT/; a configured SMTP_URL or SMS_GATEWAY_URL wins.
SINKS_SMTP_PORT="${SINKS_SMTP_PORT:-2525}"
SINKS_HTTP_PORT="${SINKS_HTTP_PORT:-3025}"
sinks_line=""
if [ -z "${SMTP_URL:-}${SMS_GATEWAY_URL:-}" ]; then
  export SMS_GATEWAY_TOKEN="${SMS_GATEWAY_TOKEN:-demo-sms-token}"
  "$HOME/.cache/portal-sinks-venv/bin/python" scripts/sinks.py --smtp-port "$SINKS_SMTP_PORT" \
    --http-port "$SINKS_HTTP_PORT" --token "$SMS_GATEWAY_TOKEN" > /dev/null &
  sinks_pid=$!
  trap 'kill $sinks_pid 2>/dev/null || true' EXIT
  export SMTP_URL="smtp://127.0.0.1:$SINKS_SMTP_PORT"
  export SMS_GATEWAY_URL="http://127.0.0.1:$SINKS_HTTP_PORT/sms"
  sinks_line="  Notices sent by e-mail and SMS (demo sinks): http://127.0.0.1:$SINKS_HTTP_PORT/"
fi
# In demo mode fees are paid through the sandbox gateway (scripts/paygate.py, VNPAY 2.1.0), whose
# transactions show at http://127.0.0.1:$PAYGATE_PORT/; a configured PAYMENT_GATEWAY_URL wins.
PAYGATE_PORT="${PAYGATE_PORT:-3040}"
paygate_line=""
if [ -z "${PAYMENT_GATEWAY_URL:-}" ]; then
  export PAYMENT_GATEWAY_URL="http://127.0.0.1:$PAYGATE_PORT"
  export PAYMENT_TMN_CODE="${PAYMENT_TMN_CODE:-DEMOPORTAL}"
  export PAYMENT_SECRET="${PAYMENT_SECRET:-demo-sandbox-secret-not-for-production}"
  python3 scripts/paygate.py --port "$PAYGATE_PORT" --tmn-code "$PAYMENT_TMN_CODE" --secret "$PAYMENT_SECRET" \
    --ipn-url "http://${LEPTOS_SITE_ADDR}/api/thanh-toan/ipn" > /dev/null &
  paygate_pid=$!
  trap 'kill ${sinks_pid:-} $paygate_pid 2>/dev/null || true' EXIT
  paygate_line="  Fees paid through the sandbox gateway (demo): http://127.0.0.1:$PAYGATE_PORT/"
fi
cat <<INFO

  Cổng Dịch vụ công — http://${LEPTOS_SITE_ADDR}
  Database: ${DATABASE_URL:-sqlite://$DATA_DIR/portal.db} (demo data: $DEMO_DATA)
${sinks_line}
${paygate_line}

  Demo citizens (sign in with the CCCD number):
    Nguyễn Văn An   CCCD 045095001234   password matkhau2026
    Trần Thị Bích   CCCD 045195004321   password matkhau2026

  Demo officers (password canbo2026), e.g. at Phường Đông Hà:
    reception       045185000101      unit leader (VP)  045185000103
    specialist (VP) 045085000102      agency leader     045080000104
  Their second factor: a TOTP authenticator app with the secret
    DEMOTOTPDEMOTOTPDEMOTOTPDEMOTOTP  (demo mode only; all of them: README.md)
  Sign-up and password codes arrive by SMS in the demo sink above.

INFO
target/bin/server
