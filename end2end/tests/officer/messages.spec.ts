import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, signIn } from "../helpers";

test("a province administrator watches the outgoing messages", async ({ page }, testInfo) => {
  await signIn(page, { cccd: "045192000205", password: "canbo2026" });
  await page.getByRole("link", { name: "Tin nhắn gửi đi" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tin nhắn gửi đi" })).toBeVisible();
  // The sinks of this run receive everything: messages were sent, none is in trouble.
  await expect.poll(async () => Number(await page.getByTestId("messages-sent").textContent())).toBeGreaterThan(0);
  await expect(page.getByTestId("messages-failed")).toHaveText("0");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "messages-01");
});
