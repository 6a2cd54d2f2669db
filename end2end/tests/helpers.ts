import { Browser, expect, Page, TestInfo } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { mkdirSync } from "node:fs";

/** A valid CCCD number no other test uses: Quảng Trị prefix 045 + 9 random digits. */
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

/** Registers a new citizen from the registration page, then signs in (registration answers the
 *  same whether the CCCD had an account or not, so it starts no session); ends signed in. */
export async function register(page: Page, name = "Hoàng Thị Mai") {
  return (await registerWith(page, { name })).cccd;
}

/** `register` with an e-mail address when given; answers the CCCD and the phone it used. */
export async function registerWith(page: Page, who: { name: string; email?: string }) {
  const cccd = uniqueCccd();
  const phone = uniquePhone();
  await page.getByLabel("Họ và tên").fill(who.name);
  await page.getByLabel("Số định danh cá nhân (CCCD)").fill(cccd);
  await page.getByLabel("Số điện thoại di động").fill(phone);
  if (who.email) await page.getByLabel("Thư điện tử (không bắt buộc)").fill(who.email);
  await page.getByLabel("Mật khẩu").fill("matkhau2026");
  await page.getByRole("button", { name: "Đăng ký" }).click();
  await expect(page.getByTestId("registered")).toContainText("Đã nhận đăng ký");
  await page.getByLabel("Số định danh cá nhân (CCCD)").fill(cccd);
  await page.getByLabel("Mật khẩu").fill("matkhau2026");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
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

/** Signs an officer in and lands on the desk. */
export async function signIn(page: Page, who: { cccd: string; password: string }) {
  await page.goto("/dang-nhap?next=/mot-cua");
  await page.getByLabel("Số định danh cá nhân (CCCD)").fill(who.cccd);
  await page.getByLabel("Mật khẩu").fill(who.password);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Bộ phận Một cửa" })).toBeVisible();
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
  await fillBirthForm(page, cccd);
  await page.getByLabel(DECLARATION).setInputFiles({ name: "to-khai.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await page.getByLabel(BIRTH_CERT).setInputFiles({ name: "giay-chung-sinh.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await page.getByRole("button", { name: "Nộp hồ sơ" }).click();
  const code = (await page.getByTestId("dossier-code").textContent())!.trim();
  await context.close();
  return { code, cccd };
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
  await action();
  if (!jsEnabled(testInfo)) return page;
  const done = page.getByTestId("done");
  await expect(done).toBeVisible();
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
