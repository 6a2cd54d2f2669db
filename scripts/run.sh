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
cat <<INFO

  Cổng Dịch vụ công — http://${LEPTOS_SITE_ADDR}
  Database: ${DATABASE_URL:-sqlite://$DATA_DIR/portal.db} (demo data: $DEMO_DATA)

  Demo citizens (sign in with the CCCD number):
    Nguyễn Văn An   CCCD 045095001234   password matkhau2026
    Trần Thị Bích   CCCD 045195004321   password matkhau2026

  Demo officers (password canbo2026), e.g. at Phường Đông Hà:
    reception       045185000101      unit leader (VP)  045185000103
    specialist (VP) 045085000102      agency leader     045080000104
  (all of them: README.md)

INFO
exec target/bin/server
