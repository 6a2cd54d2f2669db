import { expect, Page, test } from "@playwright/test";
import { backFromSlip, demoCitizenSubmits, screenshot, signIn, slipAfter } from "../helpers";

const PASSWORD = "canbo2026";
const RECEPTION = { cccd: "045185000101", password: PASSWORD };
const BUILDING_PERMIT = "1.013225";

/** Prints the page to PDF as Chromium would for the printer: its sheets and their size in points. */
async function printed(page: Page): Promise<{ sheets: number; width: number; height: number }> {
  await page.emulateMedia({ media: "print" });
  const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString("latin1");
  await page.emulateMedia({ media: "screen" });
  const sheets = (pdf.match(/\/Type\s*\/Page[^s]/g) || []).length;
  const box = pdf.match(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/)!;
  return { sheets, width: Number(box[1]), height: Number(box[2]) };
}

/** One A5 sheet, portrait (148 × 210 mm = 419.5 × 595.3 pt). */
async function expectOneA5(page: Page) {
  const p = await printed(page);
  expect(p.sheets, `sheets of ${page.url()}`).toBe(1);
  expect(Math.abs(p.width - 419.5)).toBeLessThan(2);
  expect(Math.abs(p.height - 595.3)).toBeLessThan(2);
}

/** "dd/mm/yyyy hh:mm" plus `days` calendar days, as a datetime-local value at 09:00. */
function laterDay(vn: string, days: number): string {
  const [d, m, y] = vn.split(" ")[0].split("/").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.toISOString().slice(0, 10)}T09:00`;
}

test("a building permit's receipt, apology and control sheet each print on one A5 sheet, in Vietnamese for an English desk", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  // Building permits for houses are decided by the ward (Phòng Kinh tế, Hạ tầng và Đô thị).
  await signIn(page, RECEPTION);
  // The interface in English: the slips stay Vietnamese (legal documents).
  await page.context().addCookies([{ name: "lang", value: "en", url: page.url() }]);
  await page.goto(`/mot-cua?tab=receive&procedure=${BUILDING_PERMIT}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("One-stop desk");
  await page.locator(".desk-table a.code").first().click();
  const receipt = await slipAfter(page, testInfo, () => page.getByRole("button", { name: "Accept and print the receipt" }).click());
  await expect(receipt.getByRole("heading", { name: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" })).toBeVisible();
  await expect(receipt.locator("article.slip")).toHaveAttribute("lang", "vi");
  await expectOneA5(receipt);
  await receipt.emulateMedia({ media: "print" });
  await screenshot(receipt, testInfo, "80-building-permit-slip-01-print");
  const due = (await receipt.getByTestId("slip-due").textContent())!.trim();
  await backFromSlip(page, receipt);

  await page.locator("details.apology summary").click();
  await page.locator("#new_due").fill(laterDay(due, 10));
  await page.locator("#apology_reason").fill("Cần lấy ý kiến của cơ quan quản lý quy hoạch về chỉ giới xây dựng.");
  const apology = await slipAfter(page, testInfo, () => page.locator("details.apology button[type=submit]").click());
  await expect(apology.getByRole("heading", { level: 1 })).toContainText("XIN LỖI");
  await expectOneA5(apology);
  await backFromSlip(page, apology);

  const [sheet] = await Promise.all([page.context().waitForEvent("page"), page.locator(".slip-links a[href$='/phieu/05']").click()]);
  await expect(sheet.getByTestId("control-sheet")).toBeVisible();
  await expectOneA5(sheet);
});

test("the supplement request and the refusal print on one A5 sheet each; the register on A4 landscape", async ({ page, browser, baseURL }, testInfo) => {
  test.setTimeout(120_000);
  const first = await demoCitizenSubmits(browser, baseURL!);
  const second = await demoCitizenSubmits(browser, baseURL!);
  await signIn(page, RECEPTION);

  await page.goto(`/mot-cua/ho-so/${first}`);
  await page.locator("summary", { hasText: "Yêu cầu bổ sung (Mẫu 02)" }).first().click();
  await page.locator(".supplement-request input[type=checkbox]").first().check();
  await page.getByLabel("Lý do yêu cầu bổ sung").fill("Tờ khai chưa có chữ ký của người yêu cầu đăng ký khai sinh");
  const request = await slipAfter(page, testInfo, () => page.getByRole("button", { name: "Yêu cầu bổ sung (Mẫu 02)" }).click());
  await expectOneA5(request);
  await backFromSlip(page, request);

  await page.goto(`/mot-cua/ho-so/${second}`);
  await page.locator("details.refuse summary").click();
  await page.locator("#reason").fill("Giấy chứng sinh không do cơ sở y tế cấp theo Điều 16 Luật Hộ tịch");
  await page.getByLabel(/Tôi xác nhận từ chối/).check();
  const refusal = await slipAfter(page, testInfo, () => page.getByRole("button", { name: "Từ chối tiếp nhận", exact: true }).click());
  await expectOneA5(refusal);
  await backFromSlip(page, refusal);

  await page.goto("/mot-cua/so-theo-doi?from=2026-01-01");
  await expect(page.getByTestId("register")).toBeVisible();
  const book = await printed(page);
  // A4 landscape: 297 × 210 mm = 841.9 × 595.3 pt.
  expect(Math.abs(book.width - 841.9)).toBeLessThan(2);
  expect(Math.abs(book.height - 595.3)).toBeLessThan(2);
});
