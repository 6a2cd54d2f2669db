import { devices, expect, test } from "@playwright/test";
import { expectAccessible, jsEnabled, registerWith, samplePdf, screenshot } from "../helpers";

// Issue 13: a citizen pays the fee of a dossier online on a phone, with and without JavaScript:
// the portal's form sends them to the sandbox gateway (VNPAY 2.1.0), they press "Thanh toán"
// there, the gateway notifies the portal server to server and sends them back to the dossier,
// which reads the payment from its own record.
test("a citizen pays the fee of a dossier through the payment gateway", async ({ page, browser, baseURL }, testInfo) => {
  await page.goto("/dang-ky?next=/thu-tuc/1.004873/nop");
  const { cccd, phone } = await registerWith(page, { name: "Vũ Thị Lan" });
  await page.getByRole("textbox", { name: "Số định danh cá nhân", exact: true }).fill(cccd);
  await page.getByLabel("Họ, chữ đệm và tên").fill("Vũ Thị Lan");
  await page.getByLabel("Tình trạng hôn nhân hiện tại").selectOption({ label: "Chưa đăng ký kết hôn với ai" });
  await page.getByLabel("Mục đích sử dụng").fill("Đăng ký kết hôn");
  await page.getByRole("textbox", { name: "Số điện thoại", exact: true }).fill(phone);
  await page
    .getByLabel("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu")
    .setInputFiles({ name: "to-khai.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await page.getByRole("button", { name: "Nộp hồ sơ" }).click();
  const code = (await page.getByTestId("dossier-code").textContent())!.trim();

  await page.goto(`/ho-so/${code}`);
  const fees = page.getByRole("region", { name: "Phí, lệ phí" });
  await expect(fees.getByTestId("obligation")).toContainText("Lệ phí cấp Giấy xác nhận tình trạng hôn nhân");
  await expect(fees.getByTestId("obligation-state")).toHaveText("Chưa nộp");
  await expect(fees.getByTestId("to-pay")).toHaveText("Cần nộp bây giờ: 15.000 đ");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "payment-01-owed");

  await fees.getByRole("button", { name: "Thanh toán trực tuyến 15.000 đ" }).click();
  // The gateway's payer page (another site): the amount and the order, and its three buttons.
  await expect(page).toHaveURL(/\/paymentv2\/vpcpay\.html\?/);
  await expect(page.getByText("15.000 ₫")).toBeVisible();
  await screenshot(page, testInfo, "payment-02-gateway");
  await page.getByRole("button", { name: "Thanh toán", exact: true }).click();

  // Back on the dossier: paid, on the record, nothing left to pay.
  await expect(page).toHaveURL(new RegExp(`/ho-so/${code.replace(/\./g, "\\.")}\\?`));
  await expect(fees.getByTestId("obligation-state")).toHaveText("Đã nộp");
  await expect(fees.getByTestId("payment-state")).toHaveText("Thành công");
  await expect(fees.getByRole("button", { name: /Thanh toán trực tuyến/ })).toHaveCount(0);
  await expect(page.getByText(/Đã thanh toán trực tuyến 15\.000 đ \(mã giao dịch \d{8}\)/)).toBeVisible();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "payment-03-paid");

  // The electronic receipt, linked from the payment: numbered, the amount in words, printable.
  await fees.getByTestId("receipt").click();
  await expect(page.getByRole("heading", { level: 1, name: "Biên lai thu phí, lệ phí" })).toBeVisible();
  const number = (await page.getByTestId("receipt-number").textContent())!.trim();
  expect(number).toMatch(/^\d{4}-\d{6}$/);
  await expect(page.getByTestId("receipt-payer")).toHaveText("Vũ Thị Lan");
  await expect(page.getByTestId("receipt-amount")).toHaveText("15.000 đ");
  await expect(page.getByTestId("receipt-words")).toHaveText("Mười lăm nghìn đồng");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "payment-04-receipt");
  // And as a file to keep.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("receipt-download").click()]);
  expect(download.suggestedFilename()).toBe(`bien-lai-${number}.html`);

  // Anyone checks it by the dossier's code and the receipt's number, without signing in.
  const context = await browser.newContext({ ...devices["Pixel 7"], baseURL, javaScriptEnabled: jsEnabled(testInfo) });
  const anyone = await context.newPage();
  await anyone.goto("/tra-cuu/bien-lai");
  await anyone.getByLabel("Mã hồ sơ").fill(code);
  await anyone.getByLabel("Số biên lai").fill("2026-1");
  await anyone.getByRole("button", { name: "Tra cứu" }).click();
  await expect(anyone.getByText("Không có biên lai với số này cho hồ sơ này.").first()).toBeVisible();
  await anyone.getByLabel("Số biên lai").fill(number);
  await anyone.getByRole("button", { name: "Tra cứu" }).click();
  await expect(anyone.getByTestId("receipt-verdict")).toHaveText("Biên lai hợp lệ, do cơ quan phát hành.");
  await expect(anyone.getByTestId("receipt-amount")).toHaveText("15.000 đ");
  await expect(anyone.getByText("Vũ Thị Lan")).toHaveCount(0);
  await expectAccessible(anyone, testInfo);
  await screenshot(anyone, testInfo, "payment-05-receipt-check");
  await context.close();
});
