import { devices, expect, test } from "@playwright/test";
import { BIRTH_CERT, citizenSubmits, citizenSubmitsAs, DECLARATION, expectAccessible, samplePdf, screenshot, signIn, slipAfter } from "../helpers";

const RECEPTION = { cccd: "045185000101", password: "canbo2026" };

test("the desk accepts an online dossier and prints the receipt with its appointment", async ({ page, browser, baseURL }, testInfo) => {
  const { code, cccd } = await citizenSubmitsAs(browser, baseURL!);
  await signIn(page, RECEPTION);
  await expect(page.getByRole("link", { name: /Chờ tiếp nhận/ })).toHaveAttribute("aria-current", "page");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "20-desk-inbox");
  await page.getByRole("link", { name: code }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(code);
  await expect(page.getByRole("definition").filter({ hasText: "Đinh Thị Hoa" })).toBeVisible();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "21-desk-dossier");
  const slip = await slipAfter(page, testInfo, () => page.getByRole("button", { name: "Tiếp nhận và in giấy hẹn" }).click());
  if (slip !== page) {
    await expectAccessible(page, testInfo);
    await screenshot(page, testInfo, "21-desk-done");
  }

  await expect(slip.getByRole("heading", { name: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" })).toBeVisible();
  await expect(slip.getByTestId("slip-code")).toHaveText(code);
  await expect(slip.getByTestId("slip-due")).toHaveText(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
  await expect(slip.getByRole("img", { name: "Mã vạch của mã hồ sơ" })).toBeVisible();
  await expect(slip.getByRole("img", { name: "Mã QR mở trang tra cứu hồ sơ" })).toBeVisible();
  await expectAccessible(slip, testInfo);
  await screenshot(slip, testInfo, "22-slip-01");
  await slip.emulateMedia({ media: "print" });
  await screenshot(slip, testInfo, "22-slip-01-print");
  await slip.emulateMedia({ media: "screen" });

  // The dossier left the "to receive" tab.
  await page.goto("/mot-cua");
  await expect(page.getByRole("link", { name: code })).toHaveCount(0);
  await page.getByRole("link", { name: /Việc của tôi/ }).click();
  await expect(page.getByRole("link", { name: code })).toBeVisible();

  // The online applicant has the same receipt, from their dossier's page, on a phone and a desktop.
  for (const [size, device] of [["phone", devices["Pixel 7"]], ["desktop", devices["Desktop Chrome"]]] as const) {
    const context = await browser.newContext({ ...device, baseURL });
    const citizen = await context.newPage();
    await citizen.goto(`/dang-nhap?next=/ho-so/${code}`);
    await citizen.getByLabel("Số định danh cá nhân (CCCD)").fill(cccd);
    await citizen.getByLabel("Mật khẩu").fill("matkhau2026");
    await citizen.getByRole("button", { name: "Đăng nhập" }).click();
    await citizen.getByTestId("receipt-link").click();
    await expect(citizen).toHaveURL(new RegExp(`/ho-so/${code}/bien-nhan$`));
    await expect(citizen.getByRole("heading", { name: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" })).toBeVisible();
    await expect(citizen.getByTestId("slip-code")).toHaveText(code);
    await expect(citizen.getByTestId("slip-due")).toHaveText(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await expectAccessible(citizen, testInfo);
    await citizen.screenshot({ path: `screenshots/${testInfo.project.name}-23-citizen-receipt-${size}.png`, fullPage: true });
    await context.close();
  }
});

test("the desk refuses a dossier with a reason and prints the refusal", async ({ page, browser, baseURL }, testInfo) => {
  const code = await citizenSubmits(browser, baseURL!);
  await signIn(page, RECEPTION);
  await page.getByRole("link", { name: code }).click();
  // Refusing is a step of its own, with a labelled reason and a confirmation.
  await page.locator("details.refuse summary").click();
  const reasonField = page.getByLabel("Lý do từ chối tiếp nhận", { exact: false });
  // Too short a reason is explained at the field, and what was typed stays.
  await reasonField.fill("thiếu");
  await page.getByLabel(/Tôi xác nhận từ chối/).check();
  await page.getByRole("button", { name: "Từ chối tiếp nhận", exact: true }).click();
  await expect(page.locator("#reason-error")).toContainText("từ 10 đến 2.000 ký tự");
  await expect(reasonField).toHaveValue("thiếu");
  await screenshot(page, testInfo, "23-refuse-error");
  const reason = "Giấy chứng sinh không do cơ sở y tế cấp theo Điều 16 Luật Hộ tịch";
  await reasonField.fill(reason);
  await expect(reasonField).toHaveValue(reason);
  await page.getByLabel(/Tôi xác nhận từ chối/).check();
  const slip = await slipAfter(page, testInfo, () => page.getByRole("button", { name: "Từ chối tiếp nhận", exact: true }).click());
  await expect(slip.getByRole("heading", { name: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" })).toBeVisible();
  await expect(slip.getByTestId("slip-reason")).toHaveText(reason);
  await expectAccessible(slip, testInfo);
  await screenshot(slip, testInfo, "24-slip-03");
});

test("a supplement request goes to the citizen, who replaces only what was asked", async ({ page, browser, baseURL }, testInfo) => {
  const { code, cccd } = await citizenSubmitsAs(browser, baseURL!);
  await signIn(page, RECEPTION);
  await page.getByRole("link", { name: code }).click();
  await page.locator("summary", { hasText: "Yêu cầu bổ sung (Mẫu 02)" }).click();
  await page.getByRole("checkbox", { name: DECLARATION }).check();
  await page.getByRole("textbox", { name: `Sai hoặc thiếu ở điểm nào — ${DECLARATION}` }).fill("Thiếu chữ ký người yêu cầu");
  await page.getByLabel("Lý do yêu cầu bổ sung").fill("Tờ khai chưa có chữ ký của người yêu cầu đăng ký khai sinh");
  await screenshot(page, testInfo, "25-supplement-request");
  const slip = await slipAfter(page, testInfo, () => page.getByRole("button", { name: "Yêu cầu bổ sung (Mẫu 02)" }).click());
  await expect(slip.getByRole("heading", { name: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" })).toBeVisible();
  await expect(slip.getByTestId("slip-items")).toContainText("Thiếu chữ ký người yêu cầu");
  await expectAccessible(slip, testInfo);
  await screenshot(slip, testInfo, "26-slip-02");

  // The citizen, on a phone.
  const phone = await browser.newContext({ ...devices["Pixel 7"], baseURL });
  const citizen = await phone.newPage();
  await citizen.goto(`/dang-nhap?next=/ho-so/${code}`);
  await citizen.getByLabel("Số định danh cá nhân (CCCD)").fill(cccd);
  await citizen.getByLabel("Mật khẩu").fill("matkhau2026");
  await citizen.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(citizen.getByRole("heading", { name: "Cơ quan yêu cầu bạn bổ sung hồ sơ" })).toBeVisible();
  await expect(citizen.getByTestId("supplement-items")).toContainText(DECLARATION);
  await expect(citizen.getByLabel(BIRTH_CERT)).toHaveCount(0);
  await expectAccessible(citizen, testInfo);
  await citizen.screenshot({ path: `screenshots/${testInfo.project.name}-27-citizen-supplement.png`, fullPage: true });
  // Every page's header counts what waits for the citizen; their list says what to do.
  await expect(citizen.getByTestId("waiting-count")).toHaveText("1");
  await citizen.goto("/ho-so");
  await expect(citizen.getByTestId("todo")).toContainText("Cần bổ sung hồ sơ");
  await expectAccessible(citizen, testInfo);
  await citizen.screenshot({ path: `screenshots/${testInfo.project.name}-27-citizen-waiting.png`, fullPage: true });
  await citizen.goto(`/ho-so/${code}`);
  await citizen.getByRole("link", { name: "Trả lời yêu cầu bổ sung" }).click();
  await expect(citizen).toHaveURL(new RegExp(`/ho-so/${code}/bo-sung$`));
  await expect(citizen.getByLabel(BIRTH_CERT)).toHaveCount(0);
  await citizen.getByLabel(DECLARATION).setInputFiles({ name: "to-khai-da-ky.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await citizen.getByRole("button", { name: "Gửi bổ sung" }).click();
  await expect(citizen.getByRole("status")).toContainText("Đã gửi bổ sung");
  await phone.close();

  // Back at the desk: what changed.
  await page.goto(`/mot-cua/ho-so/${code}`);
  await expect(page.getByRole("table", { name: /Nội dung đã bổ sung/ })).toContainText("to-khai-da-ky.pdf");
  await screenshot(page, testInfo, "28-supplement-changes");
});
