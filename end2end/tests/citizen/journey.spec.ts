import { expect, test } from "@playwright/test";
import { BIRTH_CERT, DECLARATION, expectAccessible, fillBirthForm, register, samplePdf, samplePng, screenshot } from "../helpers";

test("a citizen finds a procedure, registers, submits a dossier with two files and looks it up", async ({ page, browser }, testInfo) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Dịch vụ công trực tuyến" })).toBeVisible();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "01-home");

  // Search without diacritics.
  await page.getByRole("searchbox", { name: "Tìm thủ tục" }).fill("dang ky khai sinh");
  await page.getByRole("button", { name: "Tìm", exact: true }).click();
  await expect(page).toHaveURL(/\/thu-tuc\?q=dang\+ky\+khai\+sinh/);
  await expect(page.getByRole("status")).toContainText("Tìm thấy");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "02-list");
  await page.getByRole("link", { name: "Đăng ký khai sinh", exact: true }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Đăng ký khai sinh" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Thành phần hồ sơ" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Tải mẫu đơn, tờ khai" }).first()).toHaveAttribute("href", /\.pdf$/);
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "03-detail");

  // Submitting needs an account: sign-in → register, coming back to the form.
  await page.getByRole("link", { name: "Nộp hồ sơ trực tuyến" }).click();
  await expect(page.getByRole("heading", { name: "Vui lòng đăng nhập để tiếp tục" })).toBeVisible();
  await page.getByRole("main").getByRole("link", { name: "Đăng nhập" }).click();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "04-sign-in");
  await page.getByRole("main").getByRole("link", { name: "Đăng ký tài khoản" }).click();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "05-register");
  const cccd = await register(page);
  await expect(page).toHaveURL(/\/thu-tuc\/1\.001193\/nop$/);

  // The e-form and two files.
  await expect(page.getByRole("heading", { level: 1, name: "Nộp hồ sơ trực tuyến" })).toBeVisible();
  await expect(page.getByText("tối đa 5.0 MB một tệp")).toBeVisible();
  await fillBirthForm(page, cccd);
  await page.getByLabel(DECLARATION).setInputFiles({ name: "to-khai.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await page.getByLabel(BIRTH_CERT).setInputFiles({ name: "giay-chung-sinh.png", mimeType: "image/png", buffer: samplePng });
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "06-form");
  await page.getByRole("button", { name: "Nộp hồ sơ" }).click();

  // Acknowledgement with code and QR.
  await expect(page.getByRole("heading", { level: 1, name: "Đã nộp hồ sơ thành công" })).toBeVisible();
  const code = (await page.getByTestId("dossier-code").textContent())!.trim();
  expect(code).toMatch(/^000\.20\.01\.H45-\d{6}-\d{4}$/);
  await expect(page.getByRole("img", { name: "Mã QR mở trang tra cứu hồ sơ" })).toBeVisible();
  // The printed link (and the QR code) carries the dossier's lookup token.
  const link = new URL((await page.getByRole("link", { name: /\/tra-cuu\?ma=/ }).getAttribute("href"))!);
  expect(link.searchParams.get("t")).toMatch(/^[a-z2-9]{26}$/);
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "07-acknowledgement");

  // My dossiers lists it with its history.
  await page.getByRole("link", { name: "Hồ sơ của tôi" }).click();
  await expect(page.getByRole("link", { name: code })).toBeVisible();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "08-my-dossiers");
  await page.getByRole("link", { name: code }).click();
  await expect(page.getByRole("table", { name: "Quá trình xử lý" })).toContainText("Nộp hồ sơ trực tuyến");

  // A stranger looks the code up in a fresh context, without signing in.
  const stranger = await browser.newContext({ ...testInfo.project.use, baseURL: testInfo.project.use.baseURL });
  const other = await stranger.newPage();
  await other.goto("/tra-cuu");
  await other.getByLabel("Mã hồ sơ").fill(code);
  await other.getByRole("button", { name: "Tra cứu" }).click();
  await expect(other.getByText("Mới đăng ký")).toBeVisible();
  // The code alone (sequential, guessable) shows the status but not even the masked name.
  await expect(other.getByTestId("lookup-applicant")).toContainText("Chỉ hiện (đã che) khi mở bằng mã QR");
  await expect(other.getByText("Hoàng T*** M")).toHaveCount(0);
  await expectAccessible(other, testInfo);
  await screenshot(other, testInfo, "09-lookup");
  // The link of the QR code shows the masked name.
  await other.goto(link.pathname + link.search);
  await expect(other.getByText("Hoàng T*** M")).toBeVisible();
  await expect(other.getByText("Hoàng Thị Mai")).toHaveCount(0);
  await stranger.close();
});

test("the interface switches to English without JavaScript", async ({ page }) => {
  await page.goto("/thu-tuc");
  await page.getByRole("link", { name: "English" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Administrative procedures" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.getByRole("link", { name: "Tiếng Việt" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Danh sách thủ tục hành chính" })).toBeVisible();
});
