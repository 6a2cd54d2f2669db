import { expect, test } from "@playwright/test";
import { BIRTH_CERT, DECLARATION, expectAccessible, fillBirthForm, jsEnabled, register, samplePdf, screenshot, uniquePhone } from "../helpers";

test("a wrong citizen ID is explained next to the field and nothing is saved", async ({ page }, testInfo) => {
  await page.goto("/dang-ky");
  await page.getByLabel("Họ và tên").fill("Trương Văn Sai");
  await page.getByLabel("Số định danh cá nhân (CCCD)").fill("12345");
  await page.getByLabel("Số điện thoại di động").fill(uniquePhone());
  await page.getByLabel("Mật khẩu").fill("matkhau2026");
  await page.getByRole("button", { name: "Đăng ký" }).click();
  const field = page.locator("#cccd-error");
  await expect(field).toHaveText("Số định danh phải gồm đúng 12 chữ số.");
  await expect(page.getByRole("alert")).toContainText("Vui lòng sửa các lỗi sau");
  await expect(page.getByLabel("Họ và tên")).toHaveValue("Trương Văn Sai");
  await expect(page.getByLabel("Số định danh cá nhân (CCCD)")).toHaveAttribute("aria-invalid", "true");
  await screenshot(page, testInfo, "10-register-error");
  // Not registered: signing in with that name's data is impossible, and the header still offers sign-in.
  await expect(page.getByRole("navigation").getByRole("link", { name: "Đăng nhập" })).toBeVisible();
});

test("bad files and a missing field are refused at the field and nothing is submitted", async ({ page }, testInfo) => {
  await page.goto("/dang-ky?next=/thu-tuc/1.001193/nop");
  const cccd = await register(page, "Lý Thị Thu");
  await expect(page).toHaveURL(/\/thu-tuc\/1\.001193\/nop$/);

  // A missing required field: the browser stops the form before it is sent.
  await fillBirthForm(page, cccd);
  await page.getByLabel("Họ, chữ đệm và tên của trẻ").fill("");
  await page.getByLabel(DECLARATION).setInputFiles({ name: "to-khai.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await page.getByLabel(BIRTH_CERT).setInputFiles({ name: "giay-chung-sinh.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await page.getByRole("button", { name: "Nộp hồ sơ" }).click();
  await expect(page).toHaveURL(/\/thu-tuc\/1\.001193\/nop$/);
  expect(await page.getByLabel("Họ, chữ đệm và tên của trẻ").evaluate((el: HTMLInputElement) => el.validity.valueMissing).catch(() => true)).toBe(true);

  // A text file renamed .pdf.
  await page.getByLabel("Họ, chữ đệm và tên của trẻ").fill("Lý Minh Khoa");
  await page.getByLabel(DECLARATION).setInputFiles({ name: "to-khai.pdf", mimeType: "application/pdf", buffer: Buffer.from("day la van ban, khong phai PDF") });
  await page.getByRole("button", { name: "Nộp hồ sơ" }).click();
  await expect(page.getByText("Chỉ nhận tệp PDF, JPG hoặc PNG. Tệp này không phải định dạng đó.").first()).toBeVisible();
  await expect(page.getByLabel("Họ, chữ đệm và tên của trẻ")).toHaveValue("Lý Minh Khoa");
  // The good file of that post is kept in the draft: it need not be sent again.
  if (!jsEnabled(testInfo)) {
    await expect(page.getByText("Các tệp đã tải lên được giữ lại trong bản nháp", { exact: false })).toBeVisible();
  }
  await screenshot(page, testInfo, "11-file-type-error");

  // A file over 5 MB.
  await page.getByLabel(DECLARATION).setInputFiles({ name: "scan.pdf", mimeType: "application/pdf", buffer: Buffer.concat([samplePdf, Buffer.alloc(5 * 1024 * 1024 + 1000, 32)]) });
  await page.getByLabel(BIRTH_CERT).setInputFiles({ name: "giay-chung-sinh.pdf", mimeType: "application/pdf", buffer: samplePdf });
  const before = page.url();
  let posted = false;
  page.on("request", (r) => { if (r.method() === "POST") posted = true; });
  await page.getByRole("button", { name: "Nộp hồ sơ" }).click();
  await expect(page.getByText("Tệp vượt quá 5 MB", { exact: false }).first()).toBeVisible();
  if (jsEnabled(testInfo)) {
    // The island checks the size before anything is sent.
    expect(page.url()).toBe(before);
    expect(posted).toBe(false);
  }
  await screenshot(page, testInfo, "12-file-size-error");

  // Nothing was submitted: the list holds the draft with the kept file, and no dossier code.
  await page.goto("/ho-so");
  await expect(page.getByRole("link", { name: "Bản nháp" })).toHaveCount(1);
  await expect(page.locator(".card-title a", { hasText: /\d{6}-\d{4}/ })).toHaveCount(0);
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "13-draft-kept");
});
