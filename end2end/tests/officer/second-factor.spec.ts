import { expect, test } from "@playwright/test";
import { DEMO_TOTP_SECRET, expectAccessible, giveSecondFactor, screenshot } from "../helpers";

// An officer no other test signs in: the steps of the second factor are shown, not skipped.
const OFFICER = { cccd: "045186000108", password: "canbo2026" };

test("an officer gives the code of the authenticator app after the password; a wrong code is explained", async ({ page }, testInfo) => {
  await page.goto("/dang-nhap?next=/mot-cua");
  await page.getByLabel("Số định danh cá nhân (CCCD)").fill(OFFICER.cccd);
  await page.getByLabel("Mật khẩu").fill(OFFICER.password);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Xác thực hai lớp" })).toBeVisible();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "2fa-01-code");
  // No session yet: the desk still asks for a sign-in.
  const desk = await page.context().newPage();
  await desk.goto("/mot-cua");
  await expect(desk.getByRole("heading", { level: 1, name: "Bộ phận Một cửa" })).toHaveCount(0);
  await desk.close();

  await page.getByLabel("Mã xác thực").fill("000000");
  await page.getByRole("button", { name: "Xác nhận" }).click();
  await expect(page.locator("#code-error")).toContainText("Mã không đúng");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "2fa-02-wrong");
  await giveSecondFactor(page, OFFICER.cccd, DEMO_TOTP_SECRET);
  await expect(page.getByRole("heading", { level: 1, name: "Bộ phận Một cửa" })).toBeVisible();

  // The officer's account page: the second factor on, with the recovery codes left.
  await page.goto("/tai-khoan");
  await expect(page.getByTestId("recovery-left")).toBeVisible();
  await expect(page.getByTestId("sessions")).toContainText("Phiên này");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "2fa-03-account");
});
