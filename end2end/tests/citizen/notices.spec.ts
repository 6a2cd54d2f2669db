import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, uniqueCccd, uniquePhone } from "../helpers";

test("a citizen chooses how notices reach them, with or without JavaScript", async ({ page }, testInfo) => {
  const cccd = uniqueCccd();
  const phone = uniquePhone();
  await page.goto("/dang-ky");
  await page.getByLabel("Họ và tên").fill("Đặng Thị Hoa");
  await page.getByLabel("Số định danh cá nhân (CCCD)").fill(cccd);
  await page.getByLabel("Số điện thoại di động").fill(phone);
  await page.getByLabel("Thư điện tử (không bắt buộc)").fill("hoa@example.vn");
  await page.getByLabel("Mật khẩu").fill("matkhau2026");
  await page.getByRole("button", { name: "Đăng ký" }).click();
  await expect(page.getByTestId("registered")).toContainText("Đã nhận đăng ký");
  await page.getByLabel("Số định danh cá nhân (CCCD)").fill(cccd);
  await page.getByLabel("Mật khẩu").fill("matkhau2026");
  await page.getByRole("button", { name: "Đăng nhập" }).click();

  await page.goto("/thong-bao");
  await page.getByText("Nhận thông báo qua thư điện tử và tin nhắn").click();
  const email = page.getByLabel("Thư điện tử (h•••@example.vn)");
  const sms = page.getByLabel(`Tin nhắn SMS đến số •••••••${phone.slice(-3)}`);
  await expect(email).toBeChecked();
  await expect(sms).toBeChecked();
  await expect(page.getByText("hoa@example.vn")).toHaveCount(0);
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "notices-01-channels");

  await sms.uncheck();
  await page.getByRole("button", { name: "Lưu lựa chọn" }).click();
  await expect(page.getByRole("status")).toContainText("Đã lưu cách nhận thông báo");
  await expect(page.getByLabel(`Tin nhắn SMS đến số •••••••${phone.slice(-3)}`)).not.toBeChecked();
  await expect(page.getByLabel("Thư điện tử (h•••@example.vn)")).toBeChecked();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "notices-02-saved");
});
