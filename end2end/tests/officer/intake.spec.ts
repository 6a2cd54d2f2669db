import { expect, test } from "@playwright/test";
import { backFromSlip, countDocumentLoads, demoCitizenSubmits, expectAccessible, officerOn, samplePdf, screenshot, signIn, slipAfter, uniqueCccd, uniquePhone } from "../helpers";

const PASSWORD = "canbo2026";
const RECEPTION = { cccd: "045185000101", password: PASSWORD };
const VP_LEADER = { cccd: "045185000103", password: PASSWORD };
const SPECIALIST = { cccd: "045085000102", password: PASSWORD };
const HEAD = { cccd: "045080000104", password: PASSWORD };
const POLICE_LEADER = { cccd: "045183000302", password: PASSWORD };
const POLICE_SPECIALIST = { cccd: "045087000301", password: PASSWORD };
const POLICE_HEAD = { cccd: "045079000303", password: PASSWORD };
const ADMIN = { cccd: "045090000105", password: PASSWORD };

const MARRIAGE_PAPERS = [
  "Tờ khai đăng ký kết hôn theo mẫu",
  "Giấy tờ chứng minh tình trạng hôn nhân của người nước ngoài",
  "Giấy xác nhận của tổ chức y tế có thẩm quyền",
  "Hộ chiếu hoặc giấy tờ có giá trị thay hộ chiếu của người nước ngoài",
];

/** "dd/mm/yyyy hh:mm" plus `days` calendar days, as a datetime-local value at 09:00. */
function laterDay(vn: string, days: number): string {
  const [d, m, y] = vn.split(" ")[0].split("/").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.toISOString().slice(0, 10)}T09:00`;
}

test("a couple hands in a marriage dossier at the counter; apology slip; liên thông with Công an; result back at the desk", async ({ page, browser, baseURL }, testInfo) => {
  test.setTimeout(180_000);
  const cccd = uniqueCccd();

  // Counter intake: a new applicant, the form, a scan of each paper, the receipt at once.
  await signIn(page, RECEPTION);
  const loads = countDocumentLoads(page);
  await page.getByRole("link", { name: "Tiếp nhận hồ sơ giấy (trực tiếp, bưu chính)" }).click();
  await page.getByLabel("Số định danh cá nhân (CCCD)").fill(cccd);
  await page.getByLabel("Thủ tục hành chính").selectOption({ value: "2.000806" });
  await page.getByRole("button", { name: "Tìm người nộp và mở tờ khai" }).click();
  await expect(page.getByText("Chưa có người nộp với số CCCD này")).toBeVisible();
  // The lookup is kept on the server: the address holds an opaque id, never the CCCD.
  await expect(page).toHaveURL(/\/mot-cua\/tiep-nhan\?tim=[0-9a-f]{32}$/);
  await page.locator("#full_name").fill("Lê Thị Hồng Nhung");
  await page.getByLabel("Số điện thoại di động").fill(uniquePhone());
  await page.getByLabel("Số định danh cá nhân của bên công dân Việt Nam").fill(cccd);
  await page.getByLabel("Họ và tên bên người nước ngoài").fill("Kim Min-jun");
  await page.getByLabel("Số hộ chiếu bên người nước ngoài").fill("M12345678");
  await page.getByLabel("Quốc tịch bên người nước ngoài").fill("Hàn Quốc");
  await page.getByLabel("Ngày sinh bên người nước ngoài").fill("1994-05-17");
  await page.getByLabel("Số điện thoại liên hệ").fill("0905 111 222");
  for (const [i, paper] of MARRIAGE_PAPERS.entries()) {
    await page.getByLabel(paper).setInputFiles({ name: `ban-quet-${i + 1}.pdf`, mimeType: "application/pdf", buffer: samplePdf });
  }
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "40-intake-form");
  const receipt = await slipAfter(page, testInfo, () => page.getByRole("button", { name: "Tiếp nhận và in giấy hẹn" }).click());
  const code = (await receipt.getByTestId("slip-code").textContent())!.trim();
  await expect(receipt.locator(".slip-facts")).toContainText("Lê Thị Hồng Nhung");
  // The new applicant's one-time account code, printed on this first receipt only.
  await expect(receipt.getByTestId("claim-code")).toHaveText(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  const due = (await receipt.getByTestId("slip-due").textContent())!.trim();
  await screenshot(receipt, testInfo, "41-intake-slip-01");

  // The scans are marked digitised; the desk promises a later date once, with Mẫu 04.
  await backFromSlip(page, receipt);
  await expect(page.getByText("Đã số hóa từ bản giấy").first()).toBeVisible();
  // The lookup, the form and its scans went up without a new document: the desk stays one app.
  expect(loads.count).toBe(0);
  await page.locator("details.apology summary").click();
  await page.getByLabel("Ngày giờ hẹn mới").fill(laterDay(due, 7));
  await page.getByLabel("Lý do chậm trả kết quả").fill("Cần xác minh thêm giấy tờ của người nước ngoài với cơ quan công an.");
  const apology = await slipAfter(page, testInfo, () => page.locator("details.apology button[type=submit]").click());
  await expect(apology.getByRole("heading", { level: 1 })).toContainText("XIN LỖI");
  await expect(apology.getByTestId("slip-reason")).toContainText("Cần xác minh thêm");
  await expect(apology.getByTestId("slip-due")).not.toHaveText(due);
  await expectAccessible(apology, testInfo);
  await screenshot(apology, testInfo, "42-slip-04");

  // The commune handles it, then hands it to Công an tỉnh for verification.
  await backFromSlip(page, apology);
  await page.getByRole("button", { name: "Chuyển xử lý" }).click();
  await expect(page).toHaveURL(/xong=1/);
  const leader = await officerOn(browser, baseURL!, VP_LEADER, code, /Việc của tôi/);
  await leader.getByLabel("Chuyên viên thụ lý").selectOption({ label: "Phan Văn Minh" });
  await leader.getByRole("button", { name: "Phân công" }).click();
  await expect(leader).toHaveURL(/xong=1/);
  const specialist = await officerOn(browser, baseURL!, SPECIALIST, code, /Việc của tôi/);
  await specialist.getByLabel("Ý kiến thẩm định").fill("Hồ sơ đầy đủ; đề nghị Công an tỉnh xác minh nhân thân người nước ngoài.");
  await specialist.getByLabel("Dự thảo kết quả", { exact: true }).setInputFiles({ name: "du-thao-giay-chung-nhan-ket-hon.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await specialist.getByRole("button", { name: "Trình kết quả thẩm định" }).click();
  await expect(specialist).toHaveURL(/xong=1/);
  await leader.reload();
  await leader.getByRole("button", { name: "Duyệt và chuyển tiếp" }).click();
  await expect(leader).toHaveURL(/xong=1/);
  const head = await officerOn(browser, baseURL!, HEAD, code, /Việc của tôi/);
  await head.getByRole("button", { name: "Duyệt và chuyển tiếp" }).click();
  await expect(head.getByTestId("location")).toContainText("Công an tỉnh");

  const police = await officerOn(browser, baseURL!, POLICE_LEADER, code, /Việc của tôi/);
  await police.getByLabel("Chuyên viên thụ lý").selectOption({ index: 1 });
  await police.getByRole("button", { name: "Phân công" }).click();
  await expect(police).toHaveURL(/xong=1/);
  const verifier = await officerOn(browser, baseURL!, POLICE_SPECIALIST, code, /Việc của tôi/);
  await verifier.getByLabel("Ý kiến thẩm định").fill("Đã xác minh nhân thân, không có thông tin cấm kết hôn.");
  await verifier.getByLabel("Dự thảo kết quả", { exact: true }).setInputFiles({ name: "van-ban-xac-minh.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await verifier.getByRole("button", { name: "Trình kết quả thẩm định" }).click();
  await expect(verifier).toHaveURL(/xong=1/);
  const policeHead = await officerOn(browser, baseURL!, POLICE_HEAD, code, /Việc của tôi/);
  await policeHead.getByRole("button", { name: "Phê duyệt kết quả" }).click();
  await expect(policeHead.locator(".facts").first()).toContainText("Đã xử lý xong");

  // Back at the desk where it was received: delivered, and the control sheet shows each hand-off.
  await page.goto("/mot-cua?tab=deliver");
  await page.getByRole("link", { name: code }).click();
  await page.getByLabel("Trực tiếp tại Bộ phận Một cửa").check();
  await page.getByRole("button", { name: "Trả kết quả" }).click();
  await expect(page.locator(".facts").first()).toContainText("Đã trả kết quả");
  const [sheetPage] = await Promise.all([page.context().waitForEvent("page"), page.getByRole("link", { name: "In phiếu kiểm soát (Mẫu 05)" }).click()]);
  const sheet = sheetPage.getByTestId("control-sheet");
  await expect(sheet.locator("tbody tr")).toHaveCount(9);
  await expect(sheet).toContainText("Công an tỉnh");
  await expectAccessible(sheetPage, testInfo);
  await screenshot(sheetPage, testInfo, "43-lien-thong-slip-05");
});

test("the desk prints its register; an administrator adds a day off, on the record", async ({ page, browser, baseURL }, testInfo) => {
  // The desk accepts a dossier of its own: it enters this month's register.
  const submitted = await demoCitizenSubmits(browser, baseURL!);
  await signIn(page, RECEPTION);
  await page.goto(`/mot-cua/ho-so/${submitted}`);
  const receipt = await slipAfter(page, testInfo, () => page.getByRole("button", { name: "Tiếp nhận và in giấy hẹn" }).click());
  const code = (await receipt.getByTestId("slip-code").textContent())!.trim();
  await backFromSlip(page, receipt);
  await page.goto("/mot-cua");
  await page.getByRole("link", { name: "Sổ theo dõi hồ sơ (Mẫu 06)" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "SỔ THEO DÕI HỒ SƠ" })).toBeVisible();
  await page.getByLabel("Tiếp nhận từ ngày").fill("2026-01-01");
  await page.getByRole("button", { name: "Xem sổ" }).click();
  await expect(page.getByTestId("register")).toContainText(code);
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "44-register-06");

  await page.context().clearCookies();
  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Lịch làm việc, ngày nghỉ" }).click();
  await page.locator("#day").fill("2027-06-13");
  await page.getByLabel("Ghi chú").fill("Nghỉ theo quyết định của UBND phường");
  await page.getByRole("button", { name: "Lưu ngày" }).click();
  await expect(page.locator("#day-error")).toContainText("Thứ Bảy và Chủ nhật đã là ngày nghỉ");
  await page.locator("#day").fill("2027-06-15");
  await page.getByRole("button", { name: "Lưu ngày" }).click();
  await expect(page.locator("p.notice")).toContainText("Đã lưu");
  await expect(page.locator(".calendar-table")).toContainText("Nghỉ theo quyết định của UBND phường");
  await expect(page.locator(".calendar-changes")).toContainText("15/06/2027");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "45-calendar");
});
