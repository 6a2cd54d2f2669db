import { expect, test } from "@playwright/test";
import { expectAccessible, registerWith, samplePdf, screenshot } from "../helpers";

// Issue 13: a citizen pays the fee of a dossier online on a phone, with and without JavaScript:
// the portal's form sends them to the sandbox gateway (VNPAY 2.1.0), they press "Thanh toán"
// there, the gateway notifies the portal server to server and sends them back to the dossier,
// which reads the payment from its own record.
test("a citizen pays the fee of a dossier through the payment gateway", async ({ page }, testInfo) => {
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
});
