import { Browser, Cookie, expect, Page, TestInfo } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { createHmac } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The mail and SMS sinks started with the server (playwright.config.ts). */
export const SINKS = `http://127.0.0.1:${Number(process.env.E2E_SINKS_PORT || 3126)}`;
/** The demo officers' second factor, as published in the README. */
export const DEMO_TOTP_SECRET = "DEMOTOTPDEMOTOTPDEMOTOTPDEMOTOTP";

/** The texts the SMS sink received for `phone`, oldest first. */
export async function smsTo(phone: string): Promise<string[]> {
  const all = (await (await fetch(`${SINKS}/sms`)).json()) as { to: string; text: string }[];
  return all.filter((m) => m.to === phone).map((m) => m.text);
}

/** The code in the `nth` SMS that reaches `phone` (waiting for it), as a phone would show it. */
export async function smsCode(phone: string, nth = 1): Promise<string> {
  let texts: string[] = [];
  await expect.poll(async () => (texts = await smsTo(phone)).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(nth);
  return texts[nth - 1].match(/^\d{6}/)![0];
}

/** The e-mails the mail sink received for `address`, oldest first. */
export async function mailTo(address: string): Promise<{ subject: string; body: string }[]> {
  const all = (await (await fetch(`${SINKS}/mail`)).json()) as { to: string[]; subject: string; body: string }[];
  return all.filter((m) => m.to.includes(address));
}

function fromBase32(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/[\s=]/g, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The code an authenticator app shows for `secret` (base32) at time step `step` (RFC 6238). */
export function totp(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", fromBase32(secret)).update(counter).digest();
  const at = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, "0");
}

/** The last time step each account's code was given in this run (a code works once), kept in a
 *  file every worker of the run shares (workers are the runner's children): a project that
 *  follows another within the same 30 seconds must not give the step the first one used. */
const stepsFile = join(tmpdir(), `portal-e2e-totp-${process.ppid}.json`);
const lastStep = {
  get(account: string): number | undefined {
    try {
      return JSON.parse(readFileSync(stepsFile, "utf8"))[account];
    } catch {
      return undefined;
    }
  },
  set(account: string, step: number) {
    let all: Record<string, number> = {};
    try {
      all = JSON.parse(readFileSync(stepsFile, "utf8"));
    } catch {}
    all[account] = step;
    writeFileSync(stepsFile, JSON.stringify(all));
  },
};

/** Gives the second factor on the page that asks for it: the code of `secret` for a time step
 *  not used before by `account` (waiting for the next step when this one was used). */
export async function giveSecondFactor(page: Page, account: string, secret: string, button = "Xác nhận") {
  const now = Math.floor(Date.now() / 30_000);
  const step = Math.max(now, (lastStep.get(account) ?? 0) + 1);
  // The server accepts the next step too; a later one waits until it is the next.
  await expect.poll(() => Math.floor(Date.now() / 30_000) + 1, { timeout: 65_000, intervals: [500] }).toBeGreaterThanOrEqual(step);
  lastStep.set(account, step);
  await page.getByLabel("Mã xác thực").fill(totp(secret, step));
  await page.getByRole("button", { name: button }).click();
}

/** Enrols a second factor on the page shown at an officer's first sign-in: reads the key shown
 *  under the QR code, gives the app's code, and leaves the recovery codes page; answers the key. */
export async function enrolSecondFactor(page: Page, account: string, testInfo?: TestInfo, shots?: string): Promise<string> {
  await expect(page.getByRole("heading", { level: 1, name: "Bật xác thực hai lớp" })).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").textContent())!.replace(/\s/g, "");
  if (testInfo && shots) {
    await expectAccessible(page, testInfo);
    await screenshot(page, testInfo, `${shots}-enrol`);
  }
  await giveSecondFactor(page, account, secret, "Bật xác thực hai lớp");
  await expect(page.getByRole("heading", { level: 1, name: "Mã dự phòng" })).toBeVisible();
  await expect(page.getByTestId("recovery-code")).toHaveCount(10);
  if (testInfo && shots) {
    await expectAccessible(page, testInfo);
    await screenshot(page, testInfo, `${shots}-recovery-codes`);
  }
  await page.getByRole("link", { name: "Đã lưu, tiếp tục" }).click();
  return secret;
}

/** A valid CCCD number no other test uses: Quảng Trị prefix 045 + 9 random digits. */
/** An address of the documentation ranges (RFC 5737) no other citizen of this run uses. */
let households = 0;
export function householdAddress(): string {
  households += 1;
  return `198.51.${100 + Math.floor(households / 250)}.${1 + (households % 250)}`;
}

export function uniqueCccd(): string {
  return "045" + String(Date.now() % 1_000_000_000).padStart(9, "0");
}

/** A mobile number no other test uses. */
export function uniquePhone(): string {
  return "09" + String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
}

export const samplePdf = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);
export const samplePng = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);

/** Fails the test on any axe-core violation, listing them. */
export async function expectAccessible(page: Page, testInfo?: TestInfo) {
  // axe runs as a script in the page: it needs JavaScript. The no-JS project renders the same HTML.
  if (testInfo && !jsEnabled(testInfo)) return;
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

export async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  mkdirSync("screenshots", { recursive: true });
  await page.screenshot({ path: `screenshots/${testInfo.project.name}-${name}.png`, fullPage: true });
}

export function jsEnabled(testInfo: TestInfo): boolean {
  return !testInfo.project.name.endsWith("nojs");
}

/** Signs a new citizen up from the registration page: the form, then the code the SMS sink
 *  received; ends signed in where the page was going. */
export async function register(page: Page, name = "Hoàng Thị Mai") {
  return (await registerWith(page, { name })).cccd;
}

/** `register` with an e-mail address when given; answers the CCCD and the phone it used. */
export async function registerWith(page: Page, who: { name: string; email?: string }) {
  const cccd = uniqueCccd();
  const phone = uniquePhone();
  // A household of its own: sign-ups are limited per address, and every citizen of this run
  // would otherwise come from 127.0.0.1 (the e2e server trusts it as a proxy).
  await page.setExtraHTTPHeaders({ "X-Forwarded-For": householdAddress() });
  await page.getByLabel("Họ và tên").fill(who.name);
  await page.getByLabel("Số định danh cá nhân (CCCD)").fill(cccd);
  await page.getByLabel("Số điện thoại di động").fill(phone);
  if (who.email) await page.getByLabel("Thư điện tử (không bắt buộc)").fill(who.email);
  await page.getByLabel("Mật khẩu").fill("matkhau2026");
  await page.getByRole("button", { name: "Đăng ký" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Xác minh số điện thoại" })).toBeVisible();
  await page.getByLabel("Mã xác minh").fill(await smsCode(phone));
  await page.getByRole("button", { name: "Xác minh và tạo tài khoản" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Xác minh số điện thoại" })).toHaveCount(0);
  return { cccd, phone };
}

/** Fills the e-form of birth registration (1.001193). */
export async function fillBirthForm(page: Page, motherCccd: string) {
  await page.getByLabel("Họ, chữ đệm và tên của trẻ").fill("Hoàng Minh Khôi");
  await page.getByLabel("Ngày sinh").fill("2026-11-02");
  await page.getByLabel("Giới tính").selectOption({ label: "Nam" });
  await page.getByLabel("Nơi sinh").fill("Bệnh viện Đa khoa tỉnh Quảng Trị, phường Đông Hà");
  await page.getByLabel("Số định danh cá nhân của mẹ").fill(motherCccd);
  await page.getByLabel("Số điện thoại người yêu cầu").fill("0912 345 678");
}

export const DECLARATION = "Tờ khai đăng ký khai sinh theo mẫu";
export const BIRTH_CERT = "Giấy chứng sinh hoặc văn bản của người làm chứng xác nhận về việc sinh";

/** The session cookies of each officer signed in during this run: a later test signs the same
 *  officer in with them (as a browser that stayed signed in), sparing a second factor. */
const sessions = new Map<string, Cookie[]>();

/** Signs a demo officer in (password, then the code of the demo's authenticator secret) and
 *  lands on the desk. */
export async function signIn(page: Page, who: { cccd: string; password: string }) {
  const desk = page.getByRole("heading", { level: 1, name: "Bộ phận Một cửa" });
  const kept = sessions.get(who.cccd);
  let signedIn = false;
  if (kept) {
    await page.context().addCookies(kept);
    await page.goto("/mot-cua");
    signedIn = await desk.isVisible();
  }
  if (!signedIn) {
    await page.goto("/dang-nhap?next=/mot-cua");
    await page.getByLabel("Số định danh cá nhân (CCCD)").fill(who.cccd);
    await page.getByLabel("Mật khẩu").fill(who.password);
    await page.getByRole("button", { name: "Đăng nhập" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Xác thực hai lớp" })).toBeVisible();
    await giveSecondFactor(page, who.cccd, DEMO_TOTP_SECRET);
    await expect(desk).toBeVisible();
    sessions.set(who.cccd, (await page.context().cookies()).filter((c) => c.name === "sid"));
  }
  // With JavaScript, wait until the desk app has started (its live stream is on), as an officer
  // would see the live mark; without it the mark never comes and the page works as it is.
  await expect(page.getByTestId("live-state")).toHaveAttribute("data-live", "on", { timeout: 5_000 }).catch(() => {});
}

/** A citizen submits a birth registration in a context of their own; returns its code. */
export async function citizenSubmits(browser: Browser, baseURL: string): Promise<string> {
  return (await citizenSubmitsAs(browser, baseURL)).code;
}

export async function citizenSubmitsAs(browser: Browser, baseURL: string): Promise<{ code: string; cccd: string }> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/dang-ky?next=/thu-tuc/1.001193/nop");
  const cccd = await register(page, "Đinh Thị Hoa");
  const code = await submitBirth(page, cccd);
  await context.close();
  return { code, cccd };
}

/** On the birth registration's e-form (1.001193): fills it, attaches both files, submits;
 *  returns the new dossier's code. */
export async function submitBirth(page: Page, motherCccd: string): Promise<string> {
  await fillBirthForm(page, motherCccd);
  await page.getByLabel(DECLARATION).setInputFiles({ name: "to-khai.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await page.getByLabel(BIRTH_CERT).setInputFiles({ name: "giay-chung-sinh.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await page.getByRole("button", { name: "Nộp hồ sơ" }).click();
  return (await page.getByTestId("dossier-code").textContent())!.trim();
}

/** A demo citizen (Trần Thị Bích) signs in and submits a birth registration in a context of their
 *  own; returns its code. For tests that need many dossiers without registering new accounts
 *  (account creation is limited per address). */
export async function demoCitizenSubmits(browser: Browser, baseURL: string): Promise<string> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/dang-nhap?next=/thu-tuc/1.001193/nop");
  await page.getByLabel("Số định danh cá nhân (CCCD)").fill("045195004321");
  await page.getByLabel("Mật khẩu").fill("matkhau2026");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await fillBirthForm(page, "045195004321");
  await page.getByLabel(DECLARATION).setInputFiles({ name: "to-khai.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await page.getByLabel(BIRTH_CERT).setInputFiles({ name: "giay-chung-sinh.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await page.getByRole("button", { name: "Nộp hồ sơ" }).click();
  const code = (await page.getByTestId("dossier-code").textContent())!.trim();
  await context.close();
  return code;
}

/** An officer in a desktop browser of their own, opening the dossier from an inbox tab. */
export async function officerOn(browser: Browser, baseURL: string, who: { cccd: string; password: string }, code: string, tab: RegExp): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signIn(page, who);
  await page.getByRole("link", { name: tab }).click();
  await page.getByRole("link", { name: code }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(code);
  return page;
}

/** Runs the action that issues a slip and returns the page showing the slip. Without JavaScript
 *  the post redirects to the slip; in the desk app the dossier stays open with the confirmation,
 *  whose print button opens the slip as a document of its own (a new tab). */
export async function slipAfter(page: Page, testInfo: TestInfo, action: () => Promise<unknown>): Promise<Page> {
  // The confirmation of an earlier action may still be on the page: wait for this action's own
  // (its print link differs), not the stale one.
  const links = page.getByTestId("done").locator("a[href*='/phieu/']");
  const before = jsEnabled(testInfo) && (await links.count()) > 0 ? await links.first().getAttribute("href") : null;
  await action();
  if (!jsEnabled(testInfo)) return page;
  const done = page.getByTestId("done");
  await expect(done).toBeVisible();
  if (before) await expect(links.first()).not.toHaveAttribute("href", before);
  const [slip] = await Promise.all([page.context().waitForEvent("page"), done.locator("a[href*='/phieu/']").click()]);
  await slip.waitForLoadState();
  return slip;
}

/** Back from a slip to its dossier: the slip's own link without JavaScript, closing its tab in the app. */
export async function backFromSlip(page: Page, slip: Page) {
  if (slip === page) {
    await page.getByRole("link", { name: "Về hồ sơ" }).click();
  } else {
    await slip.close();
  }
}

/** Counts the main-frame document requests of a page (the desk app makes none after its first load). */
export function countDocumentLoads(page: Page): { count: number } {
  const loads = { count: 0 };
  page.on("request", (r) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) loads.count++;
  });
  return loads;
}
