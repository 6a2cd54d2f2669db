import { expect, test } from "@playwright/test";
import { expectAccessible, register, screenshot, signIn, submitBirth } from "../helpers";

const RECEPTION = { cccd: "045185000101", password: "canbo2026" };

// Issue 14 (ratings): once the dossier is refused (or its result returned) its applicant rates
// the service on their phone, once — with and without JavaScript (plain form posts).
test("the applicant rates a refused dossier once, on their phone", async ({ page, browser, baseURL }, testInfo) => {
  test.setTimeout(120_000);
  await page.goto("/dang-ky?next=/thu-tuc/1.001193/nop");
  const cccd = await register(page, "Phan Thị Đánh");
  const code = await submitBirth(page, cccd);
  // Nothing to rate before the service is over.
  await page.goto(`/ho-so/${code}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(code);
  await expect(page.getByTestId("rating-form")).toHaveCount(0);

  // The desk refuses it, in a desktop browser of its own.
  const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 900 }, javaScriptEnabled: true });
  const desk = await context.newPage();
  await signIn(desk, RECEPTION);
  await desk.goto(`/mot-cua/ho-so/${code}`);
  await desk.locator("details.refuse summary").click();
  await desk.getByLabel("Lý do từ chối tiếp nhận", { exact: false }).fill("Giấy chứng sinh không do cơ sở y tế cấp theo quy định");
  await desk.getByLabel(/Tôi xác nhận từ chối/).check();
  await desk.getByRole("button", { name: "Từ chối tiếp nhận", exact: true }).click();
  await expect(desk.getByTestId("done")).toBeVisible();
  await context.close();

  // The applicant rates: the overall rating, one criterion, a comment.
  await page.goto(`/ho-so/${code}`);
  const form = page.getByTestId("rating-form");
  await expect(form).toBeVisible();
  await form.getByRole("group", { name: "Đánh giá chung về dịch vụ" }).getByLabel("Hài lòng", { exact: true }).check();
  await form.getByRole("group", { name: "Thái độ hỗ trợ của cán bộ, công chức" }).getByLabel("Chưa hài lòng").check();
  await form.getByLabel("Góp ý thêm (không bắt buộc)").fill("Nên hướng dẫn rõ giấy tờ cần nộp ngay từ đầu");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "rating-01-form");
  await form.getByRole("button", { name: "Gửi đánh giá" }).click();

  // Thanked, the rating on the page and in the history, the form gone: a dossier is rated once.
  await expect(page.getByTestId("rating-thanks")).toBeVisible();
  const given = page.getByTestId("rating-given");
  await expect(given).toContainText("Chung: Hài lòng");
  await expect(given).toContainText("Thái độ cán bộ: Chưa hài lòng");
  await expect(given).toContainText("Nên hướng dẫn rõ giấy tờ cần nộp ngay từ đầu");
  await expect(page.getByTestId("rating-form")).toHaveCount(0);
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "rating-02-given");

  // The ratings in public: per agency, this one counted, no officer named.
  await page.goto("/danh-gia");
  await expect(page.getByTestId("ratings-agencies")).toContainText("Ủy ban nhân dân phường Đông Hà");
  await expect(page.getByTestId("ratings-agencies")).not.toContainText("Lê Thị Thu Hà");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "rating-03-public");
});
