import { expect, test } from "@playwright/test";
import { expectAccessible, jsEnabled, mailTo, screenshot, smsCode, smsTo, uniqueCccd, uniquePhone } from "../helpers";

test("a citizen signs up with the SMS code, proves the e-mail, forgets the password and resets it", async ({ page }, testInfo) => {
  const cccd = uniqueCccd();
  const phone = uniquePhone();
  const email = `lan.${cccd}@example.vn`;
  await page.goto("/dang-ky?next=/ho-so");
  await page.getByLabel("Họ và tên").fill("Vũ Thị Lan");
  await page.getByLabel("Số định danh cá nhân (CCCD)").fill(cccd);
  await page.getByLabel("Số điện thoại di động").fill(phone);
  await page.getByLabel("Thư điện tử (không bắt buộc)").fill(email);
  await page.getByLabel("Mật khẩu").fill("matkhau2026");
  await page.getByRole("button", { name: "Đăng ký" }).click();

  // The code page names the phone masked; a wrong code is explained at the field.
  await expect(page.getByRole("heading", { level: 1, name: "Xác minh số điện thoại" })).toBeVisible();
  await expect(page.getByText(`•••••••${phone.slice(-3)}`)).toBeVisible();
  await expect(page.getByText(phone)).toHaveCount(0);
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "account-01-code");
  const code = await smsCode(phone);
  expect((await smsTo(phone))[0]).not.toContain(cccd);
  await page.getByLabel("Mã xác minh").fill(code === "000000" ? "111111" : "000000");
  await page.getByRole("button", { name: "Xác minh và tạo tài khoản" }).click();
  await expect(page.locator("#code-error")).toContainText("Mã không đúng");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "account-02-code-wrong");
  await page.getByLabel("Mã xác minh").fill(code);
  await page.getByRole("button", { name: "Xác minh và tạo tài khoản" }).click();
  await expect(page).toHaveURL(/\/ho-so$/);

  // The e-mail address: the link in the mail, then a button (a mail scanner proves nothing).
  let mails: { subject: string; body: string }[] = [];
  await expect.poll(async () => (mails = await mailTo(email)).length, { timeout: 20_000 }).toBeGreaterThan(0);
  const link = new URL(mails[0].body.match(/https?:\/\/\S+\/xac-minh-email\?t=\S+/)![0]);
  await page.goto(link.pathname + link.search);
  await expect(page.getByRole("heading", { level: 1, name: "Xác nhận địa chỉ thư điện tử" })).toBeVisible();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "account-03-email");
  await page.getByRole("button", { name: "Xác nhận" }).click();
  await expect(page.getByTestId("email-proven")).toBeVisible();

  // The account page: the addresses, masked and proven, and this session.
  await page.goto("/tai-khoan");
  await expect(page.getByRole("heading", { level: 1, name: "Tài khoản" })).toBeVisible();
  await expect(page.getByText("đã xác nhận")).toBeVisible();
  await expect(page.getByTestId("sessions")).toContainText("Phiên này");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "account-04-account");
  await page.getByRole("button", { name: "Đăng xuất" }).click();

  // Forgotten: the CCCD, then the code sent to the phone and a new password.
  await page.goto("/dang-nhap");
  await page.getByRole("link", { name: "Quên mật khẩu" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Quên mật khẩu" })).toBeVisible();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "account-05-forgot");
  await page.getByLabel("Số định danh cá nhân (CCCD)").fill(cccd);
  await page.getByRole("button", { name: "Gửi mã" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Đặt mật khẩu mới" })).toBeVisible();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "account-06-reset");
  await page.getByLabel("Mã xác minh").fill(await smsCode(phone, 2));
  await page.getByLabel("Mật khẩu mới").fill("lan-moi-2026");
  await page.getByRole("button", { name: "Đặt mật khẩu mới" }).click();
  await expect(page.getByTestId("password-changed")).toBeVisible();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "account-07-reset-done");
  // The proven address was told of the sign-in and sent the reset link too.
  await expect.poll(async () => (await mailTo(email)).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);

  // The new password works; the old one does not.
  await page.getByRole("button", { name: "Đăng xuất" }).click();
  await page.goto("/dang-nhap?next=/ho-so");
  await page.getByLabel("Số định danh cá nhân (CCCD)").fill(cccd);
  await page.getByLabel("Mật khẩu").fill("matkhau2026");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(page.locator("#password-error")).toBeVisible();
  await page.getByLabel("Mật khẩu").fill("lan-moi-2026");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(page).toHaveURL(/\/ho-so$/);
  if (!jsEnabled(testInfo)) await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
});
