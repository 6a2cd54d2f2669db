import { devices, expect, test } from "@playwright/test";
import { expectAccessible, screenshot, signIn } from "../helpers";

// The province administrator writes a guide and announces maintenance; a citizen on a phone sees
// the banner on every page, reads the guide, the questions, the directory and the incident log;
// the banner goes when the maintenance is over.
test("portal content: a guide and a maintenance banner, from the desk to a citizen's phone", async ({ page, browser, baseURL }, testInfo) => {
  await signIn(page, { cccd: "045192000205", password: "canbo2026" });
  await page.getByRole("link", { name: "Nội dung Cổng" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Nội dung Cổng" })).toBeVisible();

  const form = page.getByTestId("content-form");
  await form.getByLabel("Loại bài").selectOption({ label: "Hướng dẫn" });
  await form.getByLabel("Đường dẫn").fill("Nộp hồ sơ!");
  await form.getByLabel("Tiêu đề (tiếng Việt)").fill("Nộp hồ sơ bằng điện thoại");
  await form.getByRole("button", { name: "Lưu bài" }).click();
  await expect(page.locator("#content-slug-error")).toContainText("chữ thường không dấu");
  await expect(page.locator("#content-body_vi-error")).toBeVisible();
  await page.getByTestId("content-form").getByLabel("Đường dẫn").fill("nop-ho-so-bang-dien-thoai");
  await page.getByTestId("content-form").getByLabel("Nội dung (tiếng Việt)").fill(
    "## Chuẩn bị\n\n- Ảnh chụp **rõ nét** các giấy tờ\n- Số định danh cá nhân\n\n## Nộp\n\nChọn thủ tục trong [danh mục](/thu-tuc), điền tờ khai rồi bấm *Nộp hồ sơ*.\n\n<script>alert(1)</script>",
  );
  await page.getByTestId("content-form").getByRole("button", { name: "Lưu bài" }).click();
  await expect(page.getByText("Đã lưu và ghi vào nhật ký quản trị.")).toBeVisible();
  const preview = page.getByTestId("content-preview");
  await expect(preview.getByRole("heading", { level: 2, name: "Chuẩn bị" })).toBeVisible();
  await expect(preview).toContainText("<script>alert(1)</script>");

  const incident = page.locator("form", { has: page.getByRole("button", { name: "Hiện thông báo" }) });
  await incident.getByLabel("Loại").selectOption({ label: "Bảo trì" });
  await incident.getByLabel("Thông báo (tiếng Việt)").fill("Bảo trì hệ thống thanh toán trực tuyến");
  await incident.getByLabel("Dự kiến khôi phục lúc").fill("2099-01-01T10:30");
  await incident.getByRole("button", { name: "Hiện thông báo" }).click();
  await expect(page.getByTestId("incidents-admin")).toContainText("Bảo trì hệ thống thanh toán trực tuyến");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "90-content-admin");

  const phone = await browser.newContext({ ...devices["Pixel 7"], baseURL });
  const c = await phone.newPage();
  await c.goto("/");
  const banner = c.getByTestId("incident-banner");
  await expect(banner).toContainText("Bảo trì hệ thống thanh toán trực tuyến");
  await expect(banner).toContainText("01/01/2099 10:30");
  await expectAccessible(c, testInfo);
  await screenshot(c, testInfo, "91-home-with-banner-phone");
  await c.getByRole("link", { name: "Hướng dẫn" }).first().click();
  await c.getByRole("link", { name: "Nộp hồ sơ bằng điện thoại" }).click();
  await expect(c.getByRole("heading", { level: 1, name: "Nộp hồ sơ bằng điện thoại" })).toBeVisible();
  await expect(c.locator(".prose strong")).toHaveText("rõ nét");
  await expect(c.getByRole("link", { name: "danh mục" })).toHaveAttribute("href", "/thu-tuc");
  await expectAccessible(c, testInfo);
  await screenshot(c, testInfo, "92-guide-phone");
  await c.goto("/co-quan");
  await expect(c.getByTestId("directory").first()).toBeVisible();
  await expectAccessible(c, testInfo);
  await screenshot(c, testInfo, "93-directory-phone");
  await c.getByRole("contentinfo").getByRole("link", { name: "Nhật ký sự cố" }).click();
  await expect(c.getByTestId("incident-log")).toContainText("Đang diễn ra");
  await expectAccessible(c, testInfo);
  await screenshot(c, testInfo, "94-incident-log-phone");
  await c.goto("/hoi-dap");
  await expectAccessible(c, testInfo);
  await screenshot(c, testInfo, "95-faq-phone");

  // Over: the banner goes, the log keeps it.
  await page.getByTestId("incidents-admin").getByRole("button", { name: "Đã khôi phục" }).click();
  await expect(page.getByTestId("incidents-admin")).not.toContainText("Bảo trì hệ thống");
  await c.goto("/");
  await expect(c.getByTestId("incident-banner")).toHaveCount(0);
  await c.goto("/su-co");
  await expect(c.getByTestId("incident-log")).not.toContainText("Đang diễn ra");
  await page.goto("/huong-dan/nop-ho-so-bang-dien-thoai");
  await screenshot(page, testInfo, "96-guide-desktop");
  await phone.close();
});
