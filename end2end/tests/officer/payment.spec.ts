import { expect, test } from "@playwright/test";
import { expectAccessible, register, samplePdf, screenshot, signIn } from "../helpers";

const RECEPTION = { cccd: "045185000101", password: "canbo2026" };

// Issue 13: a fee paid at the counter is recorded by the receiving desk, with the officer and
// the time, on the dossier's history; the citizen then has nothing left to pay online.
test("the desk records a fee paid in cash at the counter", async ({ page, browser, baseURL }, testInfo) => {
  // A citizen submits a marriage with a foreign element (1 000 000 đ with the submission).
  const context = await browser.newContext({ baseURL });
  const citizen = await context.newPage();
  await citizen.goto("/dang-ky?next=/thu-tuc/2.000806/nop");
  const cccd = await register(citizen, "Lương Thị Thảo");
  await citizen.getByLabel("Số định danh cá nhân của bên công dân Việt Nam").fill(cccd);
  await citizen.getByLabel("Họ và tên bên người nước ngoài").fill("John Smith");
  await citizen.getByLabel("Số hộ chiếu bên người nước ngoài").fill("K1234567");
  await citizen.getByLabel("Quốc tịch bên người nước ngoài").fill("Úc");
  await citizen.getByLabel("Ngày sinh bên người nước ngoài").fill("1990-04-12");
  await citizen.getByLabel("Số điện thoại liên hệ").fill("0912 345 679");
  for (const input of await citizen.locator("input[type=file][required]").all()) {
    await input.setInputFiles({ name: "giay-to.pdf", mimeType: "application/pdf", buffer: samplePdf });
  }
  await citizen.getByRole("button", { name: "Nộp hồ sơ" }).click();
  const code = (await citizen.getByTestId("dossier-code").textContent())!.trim();

  await signIn(page, RECEPTION);
  await page.getByRole("link", { name: code }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(code);
  const fees = page.getByRole("region", { name: "Phí, lệ phí" });
  await expect(fees.getByTestId("obligation-state")).toHaveText("Chưa nộp");
  await page.getByText("Ghi nhận đã nộp phí", { exact: true }).first().click();
  await expect(page.getByText("Ghi nhận toàn bộ số tiền cần nộp bây giờ: 1.000.000 đ.")).toBeVisible();
  await page.getByLabel("Tiền mặt").check();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "payment-desk-01-record");
  await page.getByRole("button", { name: "Ghi nhận đã nộp phí" }).click();

  await expect(page.getByRole("region", { name: "Phí, lệ phí" }).getByTestId("obligation-state")).toHaveText("Đã nộp");
  await expect(page.getByText("Đã nộp tiền mặt 1.000.000 đ tại Bộ phận Một cửa: Lệ phí đăng ký kết hôn có yếu tố nước ngoài")).toBeVisible();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "payment-desk-02-recorded");

  // The citizen sees it paid, with nothing left to pay.
  await citizen.goto(`/ho-so/${code}`);
  await expect(citizen.getByRole("region", { name: "Phí, lệ phí" }).getByTestId("payment-state")).toHaveText("Thành công");
  await expect(citizen.getByRole("button", { name: /Thanh toán trực tuyến/ })).toHaveCount(0);
  await context.close();
});
