import { Browser, devices, expect, test } from "@playwright/test";
import { backFromSlip, citizenSubmitsAs, expectAccessible, register, samplePdf, screenshot, signIn, slipAfter } from "../helpers";

const RECEPTION = { cccd: "045185000101", password: "canbo2026" };
const LEADER = { cccd: "045080000104", password: "canbo2026" };
const ACCOUNTANT = { cccd: "045187000109", password: "canbo2026" };

/** A citizen submits a marriage with a foreign element (1 000 000 đ with the submission) in a
 *  context of their own; returns its code and that context (close it when done). */
async function citizenSubmitsMarriage(browser: Browser, baseURL: string, name: string) {
  const context = await browser.newContext({ baseURL });
  const citizen = await context.newPage();
  await citizen.goto("/dang-ky?next=/thu-tuc/2.000806/nop");
  const cccd = await register(citizen, name);
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
  return { code, context, citizen };
}

// Issue 13: a fee paid at the counter is recorded by the receiving desk, with the officer and
// the time, on the dossier's history; the citizen then has nothing left to pay online.
test("the desk records a fee paid in cash at the counter", async ({ page, browser, baseURL }, testInfo) => {
  // A citizen submits a marriage with a foreign element (1 000 000 đ with the submission).
  const { code, context, citizen } = await citizenSubmitsMarriage(browser, baseURL!, "Lương Thị Thảo");

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

  // The agency could not perform the service: its leader refunds the fee, with the reason; the
  // money is paid back at the counter, the receipt and the citizen's page say so.
  const leaderContext = await browser.newContext({ baseURL });
  const leader = await leaderContext.newPage();
  await signIn(leader, LEADER);
  await leader.goto(`/mot-cua/ho-so/${code}`);
  await leader.getByText("Hoàn trả phí, lệ phí", { exact: true }).first().click();
  await leader.getByLabel("Lý do hoàn trả").fill("Cơ quan không thể giải quyết do thay đổi quy định về thẩm quyền");
  await expectAccessible(leader, testInfo);
  await screenshot(leader, testInfo, "payment-desk-06-refund");
  await leader.getByRole("button", { name: "Hoàn trả phí, lệ phí" }).click();
  await expect(leader.getByText(/Hoàn trả 1\.000\.000 đ tại Bộ phận Một cửa\. Lý do: Cơ quan không thể giải quyết/).first()).toBeVisible();
  await expect(leader.getByRole("region", { name: "Phí, lệ phí" }).getByTestId("obligation-state")).toContainText("Đã hoàn trả");
  await screenshot(leader, testInfo, "payment-desk-07-refunded");
  await leaderContext.close();
  await citizen.goto(`/ho-so/${code}`);
  await expect(citizen.getByTestId("refund")).toContainText("Cơ quan không thể giải quyết");
  await citizen.getByTestId("receipt").click();
  await expect(citizen.getByTestId("receipt-refunded")).toBeVisible();
  await context.close();
});

// A fee exempted at the desk, with the case the law names; then the accountant reconciles the
// day's online payments with the gateway.
test("the desk exempts a fee and the accountant reconciles the day's payments", async ({ page, browser, baseURL }, testInfo) => {
  const { code, context } = await citizenSubmitsMarriage(browser, baseURL!, "Đào Thị Nga");
  await context.close();
  await signIn(page, RECEPTION);
  await page.goto(`/mot-cua/ho-so/${code}`);
  await page.getByText("Miễn phí, lệ phí", { exact: true }).first().click();
  // Nothing chosen: a message at the list, the reason kept.
  const reason = page.getByLabel("Lý do miễn (trường hợp được miễn, giấy tờ chứng minh)");
  await reason.fill("Người khuyết tật nặng, có giấy xác nhận khuyết tật");
  await page.getByRole("button", { name: "Miễn phí, lệ phí" }).click();
  await expect(page.getByText("Chọn ít nhất một khoản.").first()).toBeVisible();
  await expect(reason).toHaveValue("Người khuyết tật nặng, có giấy xác nhận khuyết tật");
  await page.getByLabel("Lệ phí đăng ký kết hôn có yếu tố nước ngoài — 1.000.000 đ").check();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "payment-desk-08-exempt");
  await page.getByRole("button", { name: "Miễn phí, lệ phí" }).click();
  await expect(page.getByRole("region", { name: "Phí, lệ phí" }).getByTestId("obligation-state")).toContainText("Được miễn");
  await expect(page.getByText(/Miễn 1\.000\.000 đ: .*Lý do: Người khuyết tật nặng/).first()).toBeVisible();
  await screenshot(page, testInfo, "payment-desk-09-exempted");

  const accountantContext = await browser.newContext({ baseURL });
  const accountant = await accountantContext.newPage();
  await signIn(accountant, ACCOUNTANT);
  await accountant.getByRole("link", { name: "Đối soát thanh toán" }).first().click();
  await expect(accountant.getByRole("heading", { level: 1, name: "Đối soát thanh toán" })).toBeVisible();
  await accountant.getByRole("button", { name: "Đối soát" }).click();
  await expect(accountant.getByTestId("reconciliation").first()).toContainText("giao dịch");
  await expectAccessible(accountant, testInfo);
  await screenshot(accountant, testInfo, "payment-desk-10-reconciliation");
  await accountantContext.close();
});

// Status 6: the desk accepts a birth registration, the applicant asks for two copies of the
// certificate, so the desk asks for their fee; the citizen pays through the gateway on a phone
// and the dossier goes back to handling, where the desk hands it on.
test("the desk asks for the copies' fee and handling goes on once the citizen has paid", async ({ page, browser, baseURL }, testInfo) => {
  const { code, cccd } = await citizenSubmitsAs(browser, baseURL!);
  await signIn(page, RECEPTION);
  await page.getByRole("link", { name: code }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(code);
  const slip = await slipAfter(page, testInfo, () => page.getByRole("button", { name: "Tiếp nhận và in giấy hẹn" }).click());
  await backFromSlip(page, slip);
  await page.getByText("Yêu cầu nộp phí, lệ phí", { exact: true }).first().click();
  await page.getByLabel("Phí cấp bản sao Giấy khai sinh — 8.000 đ").fill("2");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "payment-desk-03-ask");
  await page.getByRole("button", { name: "Yêu cầu nộp phí, lệ phí" }).click();
  await expect(page.getByText("Yêu cầu thực hiện nghĩa vụ tài chính").first()).toBeVisible();
  await expect(page.getByText("Yêu cầu nộp 16.000 đ: Phí cấp bản sao Giấy khai sinh × 2")).toBeVisible();
  await screenshot(page, testInfo, "payment-desk-04-asked");

  // The citizen, on a phone, pays through the gateway.
  const context = await browser.newContext({ ...devices["Pixel 7"], baseURL });
  const citizen = await context.newPage();
  await citizen.goto(`/dang-nhap?next=/ho-so/${code}`);
  await citizen.getByLabel("Số định danh cá nhân (CCCD)").fill(cccd);
  await citizen.getByLabel("Mật khẩu").fill("matkhau2026");
  await citizen.getByRole("button", { name: "Đăng nhập" }).click();
  await citizen.getByRole("button", { name: "Thanh toán trực tuyến 16.000 đ" }).click();
  await citizen.getByRole("button", { name: "Thanh toán", exact: true }).click();
  await expect(citizen.getByRole("region", { name: "Phí, lệ phí" }).getByTestId("obligation-state")).toHaveText("Đã nộp");
  await context.close();

  // Back to handling: the desk hands the dossier on.
  await page.reload();
  await expect(page.getByText("Đang xử lý").first()).toBeVisible();
  await page.getByRole("button", { name: /^Chuyển/ }).first().click();
  await expect(page.getByText(/^Chuyển đến: /).first()).toBeVisible();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "payment-desk-05-handed-on");
});
