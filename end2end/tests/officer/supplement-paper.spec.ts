import { expect, test } from "@playwright/test";
import { backFromSlip, citizenSubmitsAs, countDocumentLoads, DECLARATION, expectAccessible, officerOn, samplePdf, screenshot, signIn, slipAfter } from "../helpers";

const PASSWORD = "canbo2026";
const RECEPTION = { cccd: "045185000101", password: PASSWORD };
const VP_LEADER = { cccd: "045185000103", password: PASSWORD };
const SPECIALIST = { cccd: "045085000102", password: PASSWORD };

test("the specialist drafts a supplement, the unit leader sends it, the desk takes the paper answer and a written withdrawal", async ({ page, browser, baseURL }, testInfo) => {
  test.setTimeout(150_000);
  const { code, cccd } = await citizenSubmitsAs(browser, baseURL!);

  // The desk accepts and transfers; the unit leader assigns the specialist.
  await signIn(page, RECEPTION);
  await page.getByRole("link", { name: code }).click();
  await backFromSlip(page, await slipAfter(page, testInfo, () => page.getByRole("button", { name: "Tiếp nhận và in giấy hẹn" }).click()));
  await page.getByRole("button", { name: "Chuyển xử lý" }).click();
  await expect(page).toHaveURL(/xong=1/);
  const leader = await officerOn(browser, baseURL!, VP_LEADER, code, /Việc của tôi/);
  await leader.getByLabel("Chuyên viên thụ lý").selectOption({ label: "Phan Văn Minh" });
  await leader.getByRole("button", { name: "Phân công" }).click();
  await expect(leader).toHaveURL(/xong=1/);

  // The specialist drafts the request: it waits for the unit leader.
  const specialist = await officerOn(browser, baseURL!, SPECIALIST, code, /Việc của tôi/);
  await specialist.locator("summary", { hasText: "Yêu cầu bổ sung (Mẫu 02)" }).click();
  await specialist.getByRole("checkbox", { name: DECLARATION }).check();
  await specialist.getByLabel("Lý do yêu cầu bổ sung").fill("Tờ khai chưa có chữ ký của người yêu cầu đăng ký khai sinh");
  await specialist.getByRole("button", { name: "Yêu cầu bổ sung (Mẫu 02)" }).click();
  await expect(specialist.getByText("Dự thảo của chuyên viên, chờ lãnh đạo phòng duyệt gửi.")).toBeVisible();
  await expect(specialist.getByRole("link", { name: "In phiếu yêu cầu bổ sung (Mẫu 02)" })).toHaveCount(0);
  await expectAccessible(specialist, testInfo);
  await screenshot(specialist, testInfo, "60-supplement-draft");

  // The unit leader sends it: Mẫu 02.
  await leader.goto(`/mot-cua/ho-so/${code}`);
  await expectAccessible(leader, testInfo);
  await screenshot(leader, testInfo, "61-supplement-to-send");
  const slip = await slipAfter(leader, testInfo, () => leader.getByRole("button", { name: "Duyệt và gửi yêu cầu bổ sung (Mẫu 02)" }).click());
  await expect(slip.getByRole("heading", { name: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" })).toBeVisible();
  await expect(slip.getByTestId("slip-reason")).toContainText("chưa có chữ ký");

  // The applicant reads what is asked on the dossier's page (a phone-sized page without the WASM)
  // and finds the answer form on a page of its own.
  const citizen = await (await browser.newContext({ baseURL, viewport: { width: 390, height: 844 } })).newPage();
  await citizen.goto(`/dang-nhap?next=/ho-so/${code}`);
  await citizen.getByLabel("Số định danh cá nhân (CCCD)").fill(cccd);
  await citizen.getByLabel("Mật khẩu").fill("matkhau2026");
  await citizen.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(citizen.getByTestId("supplement-reason")).toContainText("chưa có chữ ký");
  await expectAccessible(citizen, testInfo);
  await screenshot(citizen, testInfo, "62-citizen-supplement-asked");
  await citizen.getByRole("link", { name: "Trả lời yêu cầu bổ sung" }).click();
  await expect(citizen).toHaveURL(new RegExp(`/ho-so/${code}/bo-sung$`));
  await expect(citizen.locator("#supplement-form")).toBeVisible();
  await expectAccessible(citizen, testInfo);
  await screenshot(citizen, testInfo, "62-citizen-supplement-form");
  await citizen.context().close();

  // The applicant brings the signed form to the counter: the desk scans it in.
  await page.goto(`/mot-cua/ho-so/${code}`);
  await page.locator("summary", { hasText: "Nhận hồ sơ bổ sung bằng giấy" }).click();
  await page.getByLabel(DECLARATION).setInputFiles({ name: "to-khai-da-ky.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "62-paper-supplement");
  // The desk sends the scan itself and stays the same document (the page answers in place).
  const loads = countDocumentLoads(page);
  await page.getByRole("button", { name: "Ghi nhận hồ sơ bổ sung" }).click();
  await expect(page.getByRole("table", { name: /Nội dung đã bổ sung/ })).toContainText("to-khai-da-ky.pdf");
  expect(loads.count).toBe(0);

  // Then a written request to withdraw, entered at the counter; a short reason is explained at the field.
  await page.locator("summary", { hasText: "Rút hồ sơ theo đơn của người nộp" }).click();
  await page.getByLabel("Nội dung đơn đề nghị rút hồ sơ").fill("ngắn");
  await page.getByRole("button", { name: "Rút hồ sơ theo đơn của người nộp" }).click();
  await expect(page.locator("#withdraw_reason-error")).toContainText("từ 10 đến 2.000 ký tự");
  await page.getByLabel("Nội dung đơn đề nghị rút hồ sơ").fill("Đơn đề nghị rút hồ sơ của người nộp, nộp tại quầy hôm nay");
  await page.getByRole("button", { name: "Rút hồ sơ theo đơn của người nộp" }).click();
  await expect(page.locator(".facts .badge").first()).toHaveText("Công dân rút hồ sơ");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "63-withdrawn-at-desk");
});
