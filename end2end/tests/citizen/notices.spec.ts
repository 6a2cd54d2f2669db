import { expect, test } from "@playwright/test";
import { expectAccessible, registerWith, screenshot } from "../helpers";

test("a citizen chooses how notices reach them, with or without JavaScript", async ({ page }, testInfo) => {
  await page.goto("/dang-ky");
  const { phone } = await registerWith(page, { name: "Đặng Thị Hoa", email: "hoa@example.vn" });

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
