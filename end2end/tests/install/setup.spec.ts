import { expect, test } from "@playwright/test";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { messaging } from "../../playwright.config";
import { enrolSecondFactor, expectAccessible, jsEnabled, register, screenshot } from "../helpers";

// A fresh install: the release binary on an empty SQLite database without demo data, on a port
// of its own. Its one-time setup link is read from its terminal, as an operator would.
const port = 3112 + Math.floor(Math.random() * 800);
const base = `http://127.0.0.1:${port}`;
let server: ChildProcess;
let dataDir: string;
let setupLink = "";

function env() {
  return { ...process.env, ...messaging, DATA_DIR: dataDir, LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, LEPTOS_SITE_ROOT: "target/site", PUBLIC_URL: base, RUST_LOG: "warn" };
}

test.beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "portal-install-"));
  server = spawn("target/bin/server", [], { cwd: "..", env: env() });
  setupLink = await new Promise<string>((resolve, reject) => {
    let said = "";
    const timer = setTimeout(() => reject(new Error(`no setup link in: ${said}`)), 30_000);
    server.stderr!.on("data", (chunk: Buffer) => {
      said += chunk.toString();
      const m = said.match(/http:\/\/127\.0\.0\.1:\d+\/cai-dat\?t=[A-Z0-9]+/);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    server.on("exit", (code) => reject(new Error(`the server stopped (${code}): ${said}`)));
  });
  // The link is printed before the server listens: wait until it answers.
  await expect.poll(async () => (await fetch(`${base}/healthz`).catch(() => null))?.status ?? 0, { timeout: 30_000 }).toBe(200);
});

test.afterEach(async () => {
  server.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

test("a fresh install: the setup link makes the province and its first administrator, then dies; create-admin's link sets a password", async ({ page }, testInfo) => {
  // A whole first day of a province, step by step: longer than the default minute on a loaded machine.
  test.setTimeout(180_000);
  await page.goto(setupLink);
  await expect(page.getByRole("heading", { level: 1, name: "Cài đặt hệ thống" })).toBeVisible();
  await expect(page.getByTestId("demo-banner")).toHaveCount(0);
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "80-setup");

  // Mistakes are explained at their fields; nothing is created.
  await page.getByLabel("Mã định danh điện tử của tỉnh").fill("Quảng Trị");
  await page.getByLabel("Tên tỉnh (tiếng Việt)").fill("Ủy ban nhân dân tỉnh Quảng Trị");
  await page.getByLabel("Họ và tên").fill("Mai Thị Cúc");
  await page.getByLabel("Số định danh cá nhân (CCCD)").fill("045192000205");
  await page.getByLabel("Số điện thoại di động").fill("0912345678");
  await page.getByLabel("Mật khẩu").fill("matkhau");
  await page.getByRole("button", { name: "Cài đặt và đăng nhập" }).click();
  await expect(page.locator("#province_code-error")).toContainText("Mã định danh gồm các nhóm");
  await expect(page.locator("#password-error")).toBeVisible();
  await expect(page.getByLabel("Họ và tên")).toHaveValue("Mai Thị Cúc");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "81-setup-errors");

  await page.getByLabel("Mã định danh điện tử của tỉnh").fill("000.00.00.H45");
  await page.getByLabel("Mật khẩu").fill("cuc-matkhau-2026");
  await page.getByRole("button", { name: "Cài đặt và đăng nhập" }).click();
  // The administrator turns on the second factor before the first session starts.
  await enrolSecondFactor(page, "045192000205", testInfo, "79");
  await expect(page.getByRole("heading", { level: 1, name: "Bộ phận Một cửa" })).toBeVisible();

  // The link is dead now.
  const again = await page.context().newPage();
  const res = await again.goto(setupLink);
  expect(res!.status()).toBe(410);
  await expect(again.getByTestId("link-dead")).toBeVisible();
  await expectAccessible(again, testInfo);
  await screenshot(again, testInfo, "82-setup-link-dead");
  await again.close();

  // The first agency, its unit and its first officer, from the administrator's screens.
  await page.getByRole("link", { name: "Cơ quan, đơn vị" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Cơ quan, đơn vị" })).toBeVisible();
  await expect(page.getByTestId("agency-tree")).toContainText("000.00.00.H45");
  const addAgency = page.locator("form", { has: page.getByRole("button", { name: "Thêm cơ quan" }) });
  await addAgency.getByLabel("Mã định danh điện tử").fill("000.09.00.H45");
  await addAgency.getByLabel("Loại cơ quan").selectOption({ label: "Sở, ban, ngành" });
  await addAgency.getByLabel("Tên (tiếng Việt)").fill("Sở Nội vụ");
  await addAgency.getByLabel("Điện thoại").fill("0233 3 852 000");
  await addAgency.getByRole("button", { name: "Thêm cơ quan" }).click();
  await expect(page.getByTestId("agency-tree")).toContainText("Sở Nội vụ");
  const addUnit = page.locator("form", { has: page.getByRole("button", { name: "Thêm đơn vị" }) });
  await addUnit.getByLabel("Cơ quan của đơn vị").selectOption({ label: "— Sở Nội vụ" });
  await addUnit.getByLabel("Mã đơn vị").fill("Phòng 1");
  await addUnit.getByLabel("Tên (tiếng Việt)").fill("Phòng Tổ chức cán bộ");
  await addUnit.getByRole("button", { name: "Thêm đơn vị" }).click();
  await expect(page.locator("#unit_code-error")).toContainText("Mã đơn vị gồm chữ in hoa");
  await page.locator("#unit_code").fill("TCCB");
  await page.getByRole("button", { name: "Thêm đơn vị" }).click();
  await expect(page.getByTestId("agency-tree")).toContainText("Phòng Tổ chức cán bộ (TCCB)");
  await expect(page.getByTestId("admin-record")).toContainText("thêm đơn vị");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "85-admin-agencies");

  // The agency's details are corrected later; its edit view also lists its units.
  await page.getByRole("link", { name: "Sửa, khóa 000.09.00.H45" }).click();
  const edit = page.getByTestId("agency-edit");
  await expect(edit).toContainText("Sửa cơ quan: Sở Nội vụ");
  await edit.getByLabel("Giờ tiếp nhận hồ sơ").fill("Thứ Hai – Thứ Sáu, 7:30 – 17:00");
  await edit.getByRole("button", { name: "Lưu" }).first().click();
  await expect(page.getByText("Đã lưu và ghi vào nhật ký quản trị.")).toBeVisible();
  await expect(page.getByTestId("agency-edit").getByLabel("Giờ tiếp nhận hồ sơ")).toHaveValue("Thứ Hai – Thứ Sáu, 7:30 – 17:00");
  await expect(page.getByTestId("agency-units")).toContainText("TCCB");
  await expect(page.getByTestId("admin-record")).toContainText("sửa thông tin cơ quan");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "89-agency-edit");
  await page.getByRole("link", { name: "Xong, về cây cơ quan" }).click();
  await expect(page.getByTestId("agency-edit")).toHaveCount(0);

  await page.getByRole("row", { name: /Sở Nội vụ/ }).getByRole("link", { name: "Cán bộ" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Cán bộ, tài khoản" })).toBeVisible();
  const addOfficer = page.locator("form", { has: page.getByRole("button", { name: "Tạo tài khoản và cấp đường liên kết" }) });
  await addOfficer.getByLabel("Họ và tên").fill("Trần Văn Nam");
  await addOfficer.getByLabel("Số định danh cá nhân (CCCD)").fill("045087009001");
  await addOfficer.getByLabel("Số điện thoại di động").fill("0905111222");
  await addOfficer.getByLabel("Vai trò").selectOption({ label: "Chuyên viên" });
  await addOfficer.getByRole("button", { name: "Tạo tài khoản và cấp đường liên kết" }).click();
  await expect(page.locator("#unit-error")).toContainText("phải thuộc một đơn vị");
  await page.locator("#unit").selectOption({ label: "Phòng Tổ chức cán bộ (TCCB)" });
  await page.getByRole("button", { name: "Tạo tài khoản và cấp đường liên kết" }).click();
  await expect(page.getByTestId("officer-link")).toContainText("Trần Văn Nam");
  await expect(page.getByTestId("officers")).toContainText("Chưa đặt mật khẩu");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "86-admin-officers");
  const officerLink = (await page.locator(".one-time-link").textContent())!.trim();

  const officer = await page.context().browser()!.newContext({ ...testInfo.project.use, baseURL: base });
  const o = await officer.newPage();
  await o.goto(officerLink);
  await o.getByLabel("Mật khẩu mới").fill("nam-matkhau-2026");
  await o.getByRole("button", { name: "Đặt mật khẩu" }).click();
  await o.getByLabel("Số định danh cá nhân (CCCD)").fill("045087009001");
  await o.getByLabel("Mật khẩu").fill("nam-matkhau-2026");
  await o.getByRole("button", { name: "Đăng nhập" }).click();
  await enrolSecondFactor(o, "045087009001");
  await expect(o.getByRole("heading", { level: 1, name: "Bộ phận Một cửa" })).toBeVisible();
  await officer.close();
  await page.reload();
  await expect(page.getByTestId("officers")).not.toContainText("Chưa đăng nhập");
  // Nam lost the phone: the administrator resets the second factor, on the record.
  const nam = page.getByRole("row", { name: /Trần Văn Nam/ });
  await expect(nam.getByTestId("second-factor")).toContainText("đang bật");
  await nam.getByRole("button", { name: "Đặt lại xác thực hai lớp" }).click();
  await expect(page.getByText("Đã đặt lại xác thực hai lớp")).toBeVisible();
  await expect(page.getByRole("row", { name: /Trần Văn Nam/ }).getByTestId("second-factor")).toContainText("chưa bật");
  await expect(page.getByTestId("admin-record")).toContainText("đặt lại xác thực hai lớp của cán bộ");

  // The agency's one-stop desk: an officer who receives.
  await addOfficer.getByLabel("Họ và tên").fill("Lê Thị Hồng");
  await addOfficer.getByLabel("Số định danh cá nhân (CCCD)").fill("045187009002");
  await addOfficer.getByLabel("Số điện thoại di động").fill("0905111333");
  await addOfficer.getByLabel("Vai trò").selectOption({ label: "Cán bộ một cửa" });
  await addOfficer.getByRole("button", { name: "Tạo tài khoản và cấp đường liên kết" }).click();
  await expect(page.getByTestId("officer-link")).toContainText("Lê Thị Hồng");
  const deskLink = (await page.locator(".one-time-link").textContent())!.trim();

  // The catalogue, from a file: a file with mistakes lists each and imports nothing; a good one
  // is checked, then imported.
  await page.getByRole("link", { name: "Danh mục thủ tục" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Danh mục thủ tục" })).toBeVisible();
  const fileInput = page.getByLabel("Tệp danh mục");
  await fileInput.setInputFiles("tests/install/catalogue-bad.json");
  await page.getByRole("button", { name: "Nhập danh mục" }).click();
  const outcome = page.getByTestId("import-outcome");
  await expect(outcome).toContainText("có 2 lỗi");
  await expect(outcome.getByRole("row", { name: /procedures\[0\]\.allowance/ })).toContainText("1.012345");
  await expect(outcome).toContainText("Trường chọn phải có ít nhất một lựa chọn");
  await expect(page.getByTestId("catalogue-rows")).not.toContainText("1.012345");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "87-catalogue-problems");
  // Each post answers with a page of its own outcome (a new `ket-qua`): wait for it before the
  // next file is chosen, so that a page still being drawn never swallows the choice.
  const sendFile = async (button: string) => {
    const before = page.url();
    await page.getByLabel("Tệp danh mục").setInputFiles("tests/install/catalogue.json");
    await expect(page.getByLabel("Tệp danh mục")).toHaveValue(/catalogue\.json$/);
    await page.getByRole("button", { name: button }).click();
    await expect(page).not.toHaveURL(before);
    await expect(page).toHaveURL(/ket-qua=/);
  };
  await sendFile("Kiểm tra tệp");
  await expect(page.getByTestId("import-outcome")).toContainText("không có lỗi");
  await expect(page.getByTestId("import-outcome")).toContainText("Thủ tục mới: 1.");
  await sendFile("Nhập danh mục");
  await expect(page.getByTestId("import-outcome")).toContainText("Đã nhập tệp catalogue.json");
  await expect(page.getByTestId("catalogue-rows")).toContainText("Xác nhận quá trình công tác");
  await expect(page.getByTestId("catalogue-imports")).toContainText("1 thủ tục mới");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "88-catalogue-imported");

  // A citizen finds the procedure and submits to it.
  const citizen = await page.context().browser()!.newContext({ ...testInfo.project.use, baseURL: base });
  const c = await citizen.newPage();
  await c.goto("/thu-tuc?q=qua+trinh+cong+tac");
  await c.getByRole("link", { name: "Xác nhận quá trình công tác" }).click();
  await expect(c.getByRole("heading", { level: 1, name: "Xác nhận quá trình công tác" })).toBeVisible();
  await c.goto("/dang-ky?next=/thu-tuc/1.012345/nop");
  await register(c, "Phạm Văn Đức");
  await c.getByLabel("Nơi đã công tác").fill("Sở Nội vụ tỉnh Quảng Trị");
  await c.getByLabel("Số năm công tác").fill("12");
  await expect(c.getByText("Ghi tên cơ quan, đơn vị đã công tác.")).toBeVisible();
  await c.getByLabel("Tôi cam đoan những thông tin trên là đúng sự thật").check();
  if (testInfo.project.name.endsWith("nojs")) await screenshot(c, testInfo, "97-imported-form-phone");
  await c.getByRole("button", { name: "Nộp hồ sơ" }).click();
  const code = (await c.getByTestId("dossier-code").textContent())!.trim();
  await citizen.close();

  // The new desk officer sets a password and finds it waiting for reception.
  const desk = await page.context().browser()!.newContext({ ...testInfo.project.use, baseURL: base });
  const d = await desk.newPage();
  await d.goto(deskLink);
  await d.getByLabel("Mật khẩu mới").fill("hong-matkhau-2026");
  await d.getByRole("button", { name: "Đặt mật khẩu" }).click();
  await d.getByLabel("Số định danh cá nhân (CCCD)").fill("045187009002");
  await d.getByLabel("Mật khẩu").fill("hong-matkhau-2026");
  await d.getByRole("button", { name: "Đăng nhập" }).click();
  await enrolSecondFactor(d, "045187009002");
  await expect(d.getByRole("heading", { level: 1, name: "Bộ phận Một cửa" })).toBeVisible();
  await d.getByRole("link", { name: /Chờ tiếp nhận/ }).first().click();
  await expect(d.getByRole("link", { name: code })).toBeVisible();
  await desk.close();

  // A second administrator from the command line: a password link, shown once.
  const out = execFileSync("target/bin/server", ["create-admin", "--name", "Võ Quốc Bảo", "--cccd", "045090000105", "--phone", "0905123456"], { cwd: "..", env: env() }).toString();
  const link = out.match(/http:\/\/127\.0\.0\.1:\d+\/dat-mat-khau\?t=[A-Z0-9]+/)![0];
  const other = await page.context().browser()!.newContext({ ...testInfo.project.use, baseURL: base });
  const p = await other.newPage();
  await p.goto(link);
  await expect(p.getByText("Võ Quốc Bảo")).toBeVisible();
  await expectAccessible(p, testInfo);
  await screenshot(p, testInfo, "83-set-password");
  await p.getByLabel("Mật khẩu mới").fill("bao-matkhau-2026");
  await p.getByRole("button", { name: "Đặt mật khẩu" }).click();
  await expect(p.getByTestId("password-set")).toBeVisible();
  await p.getByLabel("Số định danh cá nhân (CCCD)").fill("045090000105");
  await p.getByLabel("Mật khẩu").fill("bao-matkhau-2026");
  await p.getByRole("button", { name: "Đăng nhập" }).click();
  await enrolSecondFactor(p, "045090000105");
  await expect(p.getByRole("heading", { level: 1, name: "Bộ phận Một cửa" })).toBeVisible();
  if (jsEnabled(testInfo)) await screenshot(p, testInfo, "84-admin-desk");
  await other.close();
});
