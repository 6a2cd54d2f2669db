import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { expectAccessible, screenshot } from "../helpers";

// Issue 15 (statistics): anyone reads the year's figures on a phone, with or without
// JavaScript — the summary keeps its identity, the chart comes with its table, a wrong period is
// explained at its field, one agency can be chosen and each table downloads as CSV for Excel.
test("the public reads the year's statistics, picks an agency and downloads a table", async ({ page }, testInfo) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Thống kê hồ sơ" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Toàn tỉnh");
  // This year to today, on the portal's calendar.
  const from = await page.getByLabel("Từ ngày").inputValue();
  const today = await page.getByLabel("Đến ngày").inputValue();
  expect(from).toMatch(/^\d{4}-01-01$/);
  const year = from.slice(0, 4);
  const summary = page.getByTestId("stats-summary");
  await expect(summary).toBeVisible();
  // The identity, as printed: everything the period saw is accounted for.
  const figure = async (label: string) =>
    Number(await summary.getByRole("row", { name: label, exact: false }).first().getByRole("cell").textContent());
  const total = await figure("Tổng số hồ sơ trong kỳ");
  expect(total).toBeGreaterThan(0);
  expect(await figure("Cộng đã giải quyết, đóng và đang giải quyết")).toBe(total);
  expect((await figure("Kỳ trước chuyển sang")) + (await figure("Tiếp nhận mới"))).toBe(total);
  // The chart is an image with a name; its table carries the same figures per agency.
  await expect(page.getByRole("img", { name: "Hồ sơ trong kỳ của từng cơ quan, theo kết quả giải quyết" })).toBeVisible();
  const agencies = page.getByTestId("stats-agencies");
  await expect(agencies.getByRole("row", { name: /^Cộng/ })).toContainText(String(total));
  await expect(page.getByTestId("stats-services")).toContainText("Đăng ký khai sinh");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "stats-01-year");

  // A period that ends before it starts: the message at the field, what was typed kept.
  await page.getByLabel("Từ ngày").fill(`${year}-05-01`);
  await page.getByLabel("Đến ngày").fill(`${year}-04-01`);
  await page.getByRole("button", { name: "Xem thống kê" }).click();
  await expect(page.locator("#stats-to-error")).toHaveText("Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.");
  await expect(page.getByLabel("Từ ngày")).toHaveValue(`${year}-05-01`);
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "stats-02-wrong-period");

  // One agency, this year.
  await page.getByLabel("Từ ngày").fill(`${year}-01-01`);
  await page.getByLabel("Đến ngày").fill(today);
  await page.getByLabel("Cơ quan").selectOption({ label: "Ủy ban nhân dân phường Đông Hà" });
  await page.getByRole("button", { name: "Xem thống kê" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Ủy ban nhân dân phường Đông Hà");
  await expect(page.getByTestId("stats-agencies").getByRole("rowheader").first()).toHaveText("Ủy ban nhân dân phường Đông Hà");
  await screenshot(page, testInfo, "stats-03-agency");

  // The agency table as CSV: a byte-order mark for Excel, the header in Vietnamese.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: /Tải bảng theo cơ quan/ }).click();
  const file = await (await download).path();
  const text = readFileSync(file!, "utf-8");
  expect(text.charCodeAt(0)).toBe(0xfeff);
  expect(text).toContain("Mã,Cơ quan,Kỳ trước chuyển sang,Tiếp nhận mới");
  expect(text).toContain("Ủy ban nhân dân phường Đông Hà");
});

// The QĐ 766 index as published: the month's total and groups, every indicator with what it
// counted (or why it cannot yet), the ranking of agencies; a wrong period explained at its field.
test("the public reads the month's QĐ 766 index and the agencies' ranking", async ({ page }, testInfo) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Chỉ số phục vụ (QĐ 766)" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Toàn tỉnh");
  await expect(page.getByTestId("index-total")).toContainText("/100");
  await expect(page.getByTestId("index-groups").getByRole("row")).toHaveCount(6);
  await expect(page.getByTestId("index-group-1")).toContainText("DOSSIER_SYNC");
  await expect(page.getByTestId("index-group-1")).toContainText("Chưa có nguồn");
  await expect(page.getByTestId("index-group-5")).toContainText("Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "index766-01-month");
  // The year, and one agency from the ranking.
  const year = (await page.getByLabel("Kỳ đánh giá").inputValue()).slice(0, 4);
  await page.getByLabel("Kỳ đánh giá").fill(year);
  await page.getByRole("button", { name: "Xem thống kê" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`kỳ ${year}`);
  const ranking = page.getByTestId("index-ranking");
  await expect(ranking).toBeVisible();
  await screenshot(page, testInfo, "index766-02-year");
  await ranking.getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).not.toContainText("Toàn tỉnh");
  // A period that is not one.
  await page.getByLabel("Kỳ đánh giá").fill(`${year}-13`);
  await page.getByRole("button", { name: "Xem thống kê" }).click();
  await expect(page.locator("#index-period-error")).toContainText("năm-tháng");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "index766-03-wrong-period");
});
