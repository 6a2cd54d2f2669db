import { expect, test } from "@playwright/test";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectAccessible, jsEnabled, screenshot } from "../helpers";

// A fresh install: the release binary on an empty SQLite database without demo data, on a port
// of its own. Its one-time setup link is read from its terminal, as an operator would.
const port = 3112 + Math.floor(Math.random() * 800);
const base = `http://127.0.0.1:${port}`;
let server: ChildProcess;
let dataDir: string;
let setupLink = "";

function env() {
  return { ...process.env, DATA_DIR: dataDir, LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, LEPTOS_SITE_ROOT: "target/site", PUBLIC_URL: base, RUST_LOG: "warn" };
}

test.beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "portal-install-"));
  server = spawn("target/bin/server", [], { cwd: "..", env: env() });
  setupLink = await new Promise<string>((resolve, reject) => {
    let said = "";
    const timer = setTimeout(() => reject(new Error(`no setup link in: ${said}`)), 30_000);
    server.stderr!.on("data", (chunk: Buffer) => {
      said += chunk.toString();
      const m = said.match(/http:\/\/127\.0\.0\.1:\d+\/cai-dat\?t=[A-Z0-9]+/);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    server.on("exit", (code) => reject(new Error(`the server stopped (${code}): ${said}`)));
  });
  // The link is printed before the server listens: wait until it answers.
  await expect.poll(async () => (await fetch(`${base}/healthz`).catch(() => null))?.status ?? 0, { timeout: 30_000 }).toBe(200);
});

test.afterEach(async () => {
  server.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

test("a fresh install: the setup link makes the province and its first administrator, then dies; create-admin's link sets a password", async ({ page }, testInfo) => {
  await page.goto(setupLink.replace(base, ""));
  await expect(page.getByRole("heading", { level: 1, name: "Cài đặt hệ thống" })).toBeVisible();
  await expect(page.getByTestId("demo-banner")).toHaveCount(0);
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "80-setup");

  // Mistakes are explained at their fields; nothing is created.
  await page.getByLabel("Mã định danh điện tử của tỉnh").fill("Quảng Trị");
  await page.getByLabel("Tên tỉnh (tiếng Việt)").fill("Ủy ban nhân dân tỉnh Quảng Trị");
  await page.getByLabel("Họ và tên").fill("Mai Thị Cúc");
  await page.getByLabel("Số định danh cá nhân (CCCD)").fill("045192000205");
  await page.getByLabel("Số điện thoại di động").fill("0912345678");
  await page.getByLabel("Mật khẩu").fill("matkhau");
  await page.getByRole("button", { name: "Cài đặt và đăng nhập" }).click();
  await expect(page.locator("#province_code-error")).toContainText("Mã định danh gồm các nhóm");
  await expect(page.locator("#password-error")).toBeVisible();
  await expect(page.getByLabel("Họ và tên")).toHaveValue("Mai Thị Cúc");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "81-setup-errors");

  await page.getByLabel("Mã định danh điện tử của tỉnh").fill("000.00.00.H45");
  await page.getByLabel("Mật khẩu").fill("cuc-matkhau-2026");
  await page.getByRole("button", { name: "Cài đặt và đăng nhập" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Bộ phận Một cửa" })).toBeVisible();

  // The link is dead now.
  const again = await page.context().newPage();
  const res = await again.goto(setupLink.replace(base, ""));
  expect(res!.status()).toBe(410);
  await expect(again.getByTestId("link-dead")).toBeVisible();
  await expectAccessible(again, testInfo);
  await screenshot(again, testInfo, "82-setup-link-dead");
  await again.close();

  // A second administrator from the command line: a password link, shown once.
  const out = execFileSync("target/bin/server", ["create-admin", "--name", "Võ Quốc Bảo", "--cccd", "045090000105", "--phone", "0905123456"], { cwd: "..", env: env() }).toString();
  const link = out.match(/http:\/\/127\.0\.0\.1:\d+\/dat-mat-khau\?t=[A-Z0-9]+/)![0];
  const other = await page.context().browser()!.newContext({ ...testInfo.project.use, baseURL: base });
  const p = await other.newPage();
  await p.goto(link.replace(base, ""));
  await expect(p.getByText("Võ Quốc Bảo")).toBeVisible();
  await expectAccessible(p, testInfo);
  await screenshot(p, testInfo, "83-set-password");
  await p.getByLabel("Mật khẩu mới").fill("bao-matkhau-2026");
  await p.getByRole("button", { name: "Đặt mật khẩu" }).click();
  await expect(p.getByTestId("password-set")).toBeVisible();
  await p.getByLabel("Số định danh cá nhân (CCCD)").fill("045090000105");
  await p.getByLabel("Mật khẩu").fill("bao-matkhau-2026");
  await p.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(p.getByRole("heading", { level: 1, name: "Bộ phận Một cửa" })).toBeVisible();
  if (jsEnabled(testInfo)) await screenshot(p, testInfo, "84-admin-desk");
  await other.close();
});
