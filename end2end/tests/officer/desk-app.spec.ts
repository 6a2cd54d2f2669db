import { expect, test } from "@playwright/test";
import { demoCitizenSubmits, countDocumentLoads, expectAccessible, screenshot, signIn } from "../helpers";

const RECEPTION = { cccd: "045185000101", password: "canbo2026" };

test("the desk is one app: tabs, dossiers, an action, back and forward never load a new document", async ({ page, browser, baseURL }, testInfo) => {
  test.setTimeout(90_000);
  const code = await demoCitizenSubmits(browser, baseURL!);
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, RECEPTION);
  await expect(page.getByTestId("live-state")).toHaveAttribute("data-live", "on");
  await page.evaluate(() => ((window as any).__deskMark = "still here"));
  const loads = countDocumentLoads(page);

  await page.getByRole("link", { name: /Việc của tôi/ }).click();
  await expect(page.getByRole("link", { name: /Việc của tôi/ })).toHaveAttribute("aria-current", "page");
  await page.getByRole("link", { name: /Chờ tiếp nhận/ }).click();
  await expect(page).toHaveURL(/tab=receive/);
  await page.getByRole("link", { name: code }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(code);
  // The inbox stays beside the open dossier, the open one marked.
  await expect(page.locator(".inbox-pane li.current")).toContainText(code);
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "70-desk-workspace");

  // An action answers in place: the confirmation, the slip to print, the next dossier.
  await page.getByRole("button", { name: "Tiếp nhận và in giấy hẹn" }).click();
  await expect(page.getByTestId("done")).toBeVisible();
  await expect(page.getByTestId("done")).toBeFocused();
  await expect(page.getByTestId("done").getByRole("link", { name: /In giấy tiếp nhận/ })).toBeVisible();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "71-desk-done");

  // The officer starts typing; meanwhile a citizen submits another dossier. The inbox beside the
  // dossier shows it live, and neither what was typed nor the open form is touched.
  await page.locator("details.apology summary").click();
  const reason = page.getByLabel("Lý do chậm trả kết quả");
  await reason.fill("Đang soạn lý do, chưa gửi");
  const other = await demoCitizenSubmits(browser, baseURL!);
  await expect(page.locator(".inbox-pane")).toContainText(other, { timeout: 5_000 });
  await expect(page.locator("details.apology")).toHaveAttribute("open", "");
  await expect(reason).toHaveValue("Đang soạn lý do, chưa gửi");
  await reason.fill("");

  await page.goBack();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(code);
  await page.goBack();
  await expect(page).toHaveURL(/tab=receive/);
  await page.goForward();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(code);

  // A screen whose code is loaded on demand (the register) opens inside the app too: its chunk
  // is fetched, the document is not.
  const chunks: string[] = [];
  page.on("request", (r) => { if (/\/pkg\/desk\.[0-9a-f]+\/(split|chunk)_.*\.wasm$/.test(r.url())) chunks.push(r.url()); });
  await page.getByRole("link", { name: /Sổ theo dõi hồ sơ/ }).click();
  await expect(page.locator("#register-title")).toBeVisible();
  expect(chunks.some((u) => /split_register_/.test(u))).toBe(true);
  await page.goBack();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(code);

  expect(await page.evaluate(() => (window as any).__deskMark)).toBe("still here");
  expect(loads.count).toBe(0);
});

test("a dossier a citizen submits appears in the reception inbox within two seconds, without a reload", async ({ page, browser, baseURL }, testInfo) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, RECEPTION);
  await expect(page.getByTestId("live-state")).toHaveAttribute("data-live", "on");
  const loads = countDocumentLoads(page);
  const count = async () => Number((await page.getByRole("link", { name: /Chờ tiếp nhận/ }).locator(".count").textContent())!.replace(/\D/g, ""));
  const before = await count();
  // What the officer is typing in the search box survives the inbox being drawn anew.
  await page.locator("#q").fill("Nguyễn");
  const code = await demoCitizenSubmits(browser, baseURL!);
  const submitted = Date.now();
  await expect(page.getByRole("link", { name: code })).toBeVisible({ timeout: 2_000 });
  expect(Date.now() - submitted).toBeLessThanOrEqual(2_000);
  expect(await count()).toBe(before + 1);
  await expect(page.locator("#q")).toHaveValue("Nguyễn");
  expect(loads.count).toBe(0);
  await screenshot(page, testInfo, "72-desk-live");
});

test("reception from the keyboard: j/k through the inbox, Enter opens, the action by its access key", async ({ page, browser, baseURL }, testInfo) => {
  test.setTimeout(90_000);
  const code = await demoCitizenSubmits(browser, baseURL!);
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, RECEPTION);
  // The app has started (its keys are listened to) once its live stream is on.
  await expect(page.getByTestId("live-state")).toHaveAttribute("data-live", "on");
  const loads = countDocumentLoads(page);
  // "/" goes to the search.
  await page.keyboard.press("/");
  await expect(page.locator("#q")).toBeFocused();
  await page.keyboard.press("Escape");
  await page.locator("h1").click();
  // j moves to the first row, j/k walk the rows.
  await page.keyboard.press("j");
  const first = page.locator("a[data-row]").first();
  await expect(first).toBeFocused();
  await page.keyboard.press("j");
  await page.keyboard.press("k");
  await expect(first).toBeFocused();
  // Walk to the new dossier and open it with Enter.
  const rows = await page.locator("a[data-row]").allTextContents();
  const at = rows.findIndex((t) => t.includes(code));
  expect(at).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < at; i++) await page.keyboard.press("j");
  await expect(page.locator("a[data-row]").nth(at)).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toContainText(code);
  // The focus lands on the new page's heading, and the page is announced.
  await expect(page.locator("#desk-main h1")).toBeFocused();
  await expect(page.locator("#desk-announce")).toContainText(code);
  // The route is known: accepting and handing on to the unit is one action, on access key t.
  const accept = page.getByRole("button", { name: /^Tiếp nhận, chuyển .* và in giấy hẹn$/ });
  await expect(accept).toHaveAttribute("accesskey", "t");
  await accept.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("done")).toBeFocused();
  await expect(page.getByTestId("location")).toContainText("Văn phòng HĐND và UBND");
  // From the confirmation, Tab reaches the slip to print.
  await page.keyboard.press("Tab");
  await expect(page.getByTestId("done").getByRole("link", { name: /In giấy tiếp nhận/ })).toBeFocused();
  expect(loads.count).toBe(0);
  await screenshot(page, testInfo, "73-desk-keyboard");
});
