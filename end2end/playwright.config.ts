import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The release binary built by scripts/build.sh, on a fresh SQLite database with demo data.
const port = Number(process.env.E2E_PORT || 3111);
// The mail and SMS sinks (scripts/sinks.py), read back by the tests (helpers.ts).
const sinksPort = Number(process.env.E2E_SINKS_PORT || 3126);
const smtpPort = Number(process.env.E2E_SMTP_PORT || 3125);
export const messaging = {
  SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  SMS_GATEWAY_URL: `http://127.0.0.1:${sinksPort}/sms`,
  SMS_GATEWAY_TOKEN: "e2e-sms-token",
};
// The sandbox payment gateway (scripts/paygate.py, VNPAY 2.1.0): the citizen pays through its
// payer's page and it notifies the portal server to server.
const paygatePort = Number(process.env.E2E_PAYGATE_PORT || 3127);
export const payment = {
  PAYMENT_GATEWAY_URL: `http://127.0.0.1:${paygatePort}`,
  PAYMENT_TMN_CODE: "E2EPORTAL",
  PAYMENT_SECRET: "e2e-sandbox-secret-0123456789abcdef",
};
const dataDir = process.env.E2E_DATA_DIR || mkdtempSync(join(tmpdir(), "portal-e2e-"));
const chromium = {
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"],
};

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: "vi-VN",
    timezoneId: "Asia/Ho_Chi_Minh",
    trace: "retain-on-failure",
    launchOptions: chromium,
  },
  projects: [
    { name: "citizen-phone", testDir: "./tests/citizen", use: { ...devices["Pixel 7"], launchOptions: chromium } },
    { name: "citizen-phone-nojs", testDir: "./tests/citizen", use: { ...devices["Pixel 7"], javaScriptEnabled: false, launchOptions: chromium } },
    // The citizen's journey once more on a desktop browser (layout and screenshots at desktop size).
    { name: "officer-desktop", testDir: "./tests/officer", use: { ...devices["Desktop Chrome"], launchOptions: chromium } },
    // The desk still works without JavaScript (links and forms post): the main reception path.
    { name: "officer-desktop-nojs", testDir: "./tests/officer", testMatch: /reception\.spec\.ts/, use: { ...devices["Desktop Chrome"], javaScriptEnabled: false, launchOptions: chromium } },
    { name: "citizen-desktop", testDir: "./tests/citizen", testMatch: /(journey|notices|account|organisation|payment|rating|result-store|statistics)\.spec\.ts/, use: { ...devices["Desktop Chrome"], launchOptions: chromium } },
    // A fresh install without demo data (each test starts its own server): the administrator
    // on a desktop, and once on a phone without JavaScript.
    { name: "install-desktop", testDir: "./tests/install", use: { ...devices["Desktop Chrome"], launchOptions: chromium } },
    { name: "install-phone-nojs", testDir: "./tests/install", use: { ...devices["Pixel 7"], javaScriptEnabled: false, launchOptions: chromium } },
  ],
  webServer: [
    {
      command: `${process.env.HOME}/.cache/portal-sinks-venv/bin/python scripts/sinks.py --smtp-port ${smtpPort} --http-port ${sinksPort} --token ${messaging.SMS_GATEWAY_TOKEN}`,
      cwd: "..",
      url: `http://127.0.0.1:${sinksPort}/sms`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `python3 scripts/paygate.py --port ${paygatePort} --tmn-code ${payment.PAYMENT_TMN_CODE} --secret ${payment.PAYMENT_SECRET} --ipn-url http://127.0.0.1:${port}/api/thanh-toan/ipn`,
      cwd: "..",
      url: `http://127.0.0.1:${paygatePort}/sandbox/transactions`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: "target/bin/server",
      cwd: "..",
      url: `http://127.0.0.1:${port}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        DATA_DIR: dataDir,
        DEMO_DATA: "1",
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        LEPTOS_SITE_ROOT: "target/site",
        RUST_LOG: "warn",
        // Each citizen who signs up comes from an address of their own (helpers.ts, `register`),
        // as households do, through a proxy the portal trusts: the limits per address then hold
        // for each of them as they would in production.
        TRUSTED_PROXIES: "127.0.0.1",
        ...messaging,
        ...payment,
      },
    },
  ],
});
